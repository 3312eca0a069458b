"""Clients that are slow, idle or go away, as raw sockets on loopback against the real server:
none of them can hold a connection, and parents are served meanwhile."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import SEALER, make_config, make_service
from test_web_process import free_port
from web_driver import CHOOSE, KEY, Browser, Page, browser, count, serving, web_config

from bot.channels.web.server import WebChat
from bot.channels.web.serving import serve_web
from bot.storage.store import Store

DEADLINE = 30  # seconds for anything to happen; the server's own timeouts here are 2 s
FORM = "Content-Type: application/x-www-form-urlencoded\r\n"
ANSWERS = "SELECT COUNT(*) FROM answers"


@asynccontextmanager
async def chat_at(
    tmp_path: Path, options: dict[str, object] | None = None
) -> AsyncIterator[tuple[WebChat, str]]:
    config = web_config(
        make_config(tmp_path), options, answers_per_minute=0, new_visitors_per_minute=0
    )
    store = await Store.open(config.database, SEALER)
    try:
        service = await make_service(store, config)
        async with serving(service) as (chat, url):
            yield chat, url
    finally:
        await store.close()


@dataclass
class Heard:
    received: bytes
    closed: bool  # by the server, before the deadline

    @property
    def status(self) -> str:
        return self.received.split(b"\r\n", 1)[0].decode()


async def trickle(url: str, head: str | bytes, drip: bytes = b"", every: float = 0.2) -> Heard:
    """A client that sends `head`, then `drip` a byte every `every` seconds (never finishing
    before the deadline), and reads what comes back until the server closes the connection."""
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    received = bytearray()

    async def send() -> None:
        with contextlib.suppress(OSError):  # the server closed the connection
            writer.write(head if isinstance(head, bytes) else head.encode())
            for byte in drip:
                await asyncio.sleep(every)
                writer.write(bytes([byte]))
                await writer.drain()
            await asyncio.sleep(DEADLINE * 2)  # then idle, never closing its side

    sending = asyncio.create_task(send())
    closed = True
    try:
        async with asyncio.timeout(DEADLINE):
            while chunk := await reader.read(65536):
                received += chunk
    except TimeoutError:
        closed = False
    except ConnectionResetError:
        pass
    finally:
        sending.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sending
        writer.close()
    return Heard(bytes(received), closed)


async def test_slow_and_idle_clients_are_cut_off_and_parents_are_served_meanwhile(
    tmp_path: Path,
) -> None:
    async with chat_at(tmp_path, {"idle_timeout": 2, "body_timeout": 2}) as (_, url):
        slow_headers = "GET / HTTP/1.1\r\nHost: x\r\n"
        slow_body = f"POST /answer HTTP/1.1\r\nHost: x\r\n{FORM}Content-Length: 2000\r\n\r\n"
        idle = "GET /privacy HTTP/1.1\r\nHost: x\r\n\r\n"  # one page, then kept alive
        clients = asyncio.gather(
            *[trickle(url, slow_headers, b"X-Slow: " + b"a" * 1000) for _ in range(20)],
            *[trickle(url, slow_body, b"text=" + b"a" * 1995) for _ in range(20)],
            *[trickle(url, idle) for _ in range(20)],
        )
        async with browser(url) as parent:
            page = await parent.start()
            answered = await parent.answer(await parent.answer(page))
        heard = await clients
    assert page.status == 200 and answered.status == 200 and answered.seq != page.seq
    headers, bodies, idles = heard[:20], heard[20:40], heard[40:]
    assert all(h.closed for h in heard), [h.status for h in heard if not h.closed]
    assert all(h.received == b"" for h in headers)  # still sending headers: closed unanswered
    assert {h.status for h in bodies} == {"HTTP/1.1 408 Request Timeout"}
    assert all(b"took too long" in h.received for h in bodies)
    assert {h.status for h in idles} == {"HTTP/1.1 200 OK"}


async def abort(url: str, head: str, body: bytes, *, reset: bool) -> None:
    """A client that sends a request and goes away without waiting for the page: with a reset
    (a phone losing its signal), or by closing its side (a tab closed mid-upload)."""
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(head.encode() + body)
    await writer.drain()
    if reset:
        await asyncio.sleep(0.2)  # (a reset can overtake bytes the server has not read yet)
        writer.transport.abort()
    else:
        writer.close()
    async with asyncio.timeout(DEADLINE):  # until the server has closed its side too
        with contextlib.suppress(OSError):
            await reader.read()


ENDED_EARLY = re.compile(r"web chat: (\d+) requests? ended early: the client went away")


async def test_clients_that_go_away_are_counted_at_info_and_nothing_about_them_is_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    config = web_config(make_config(tmp_path), answers_per_minute=0, new_visitors_per_minute=0)
    config = config.model_copy(update={"web": config.web.model_copy(update={"port": free_port()})})
    url = f"http://127.0.0.1:{config.web.port}"
    store = await Store.open(config.database, SEALER)
    try:
        service = await make_service(store, config)
        stopping = asyncio.Event()
        serving = asyncio.create_task(serve_web(WebChat(service, KEY), stopping, 0.2))
        await until_listening(url)
        async with browser(url) as parent:
            page = await parent.start()
            head = (
                f"POST /answer HTTP/1.1\r\nHost: x\r\nCookie: chat={cookie_of(parent)}\r\n"
                f"{FORM}User-Agent: Mozilla/5.0 (Private Phone)\r\nContent-Length: 1000\r\n\r\n"
            )
            half = f"seq={page.seq}&csrf={parent.csrf}&text=".encode()
            closed = [abort(url, head, half, reset=False) for _ in range(6)]
            reset = [abort(url, head, half, reset=True) for _ in range(6)]
            await asyncio.gather(*closed, *reset)
            answered = await parent.answer(page)
        async with asyncio.timeout(DEADLINE):  # reported while serving, not only at the end
            while not ENDED_EARLY.search(caplog.text):
                await asyncio.sleep(0.05)
        stopping.set()
        await asyncio.wait_for(serving, DEADLINE)
    finally:
        await store.close()
    assert answered.status == 200 and answered.seq != page.seq  # parents were served meanwhile
    records = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert [r.getMessage() for r in records if r.levelno > logging.INFO] == []
    reported = [int(m) for r in records for m in ENDED_EARLY.findall(r.getMessage())]
    assert 6 <= sum(reported) <= 12  # every closed one; resets the server saw before they hit
    assert all(r.levelno == logging.INFO for r in records if ENDED_EARLY.search(r.getMessage()))
    for record in records:  # nothing about a visitor, in a message or in its arguments
        said = f"{record.getMessage()} {record.args!r}"
        if said.startswith("web chat listening on 127.0.0.1 port"):
            continue  # the server's own address, which the clients here share
        for secret in ("127.0.0.1", "Mozilla", "Private Phone", cookie_of(parent)):
            assert secret not in said


async def test_an_answer_sent_just_before_the_phone_goes_away_is_stored(tmp_path: Path) -> None:
    async with chat_at(tmp_path) as (chat, url), browser(url) as parent:
        page = await parent.answer(await parent.start())  # consent given: the next is an answer
        before = await count(chat.service.store, ANSWERS)
        body = f"seq={page.seq}&csrf={parent.csrf}&choose={first_choice(page)}".encode()
        head = (
            f"POST /answer HTTP/1.1\r\nHost: x\r\nCookie: chat={cookie_of(parent)}\r\n"
            f"{FORM}Content-Length: {len(body)}\r\n\r\n"
        )
        await abort(url, head, body, reset=False)
        async with asyncio.timeout(DEADLINE):
            while await count(chat.service.store, ANSWERS) == before:
                await asyncio.sleep(0.05)
        again = await parent.get("/")
    assert again.seq != page.seq  # the parent sees the next question when they come back


async def until_listening(url: str) -> None:
    host, port = url.removeprefix("http://").split(":")
    async with asyncio.timeout(DEADLINE):
        while True:
            try:
                _, writer = await asyncio.open_connection(host, int(port))
            except OSError:
                await asyncio.sleep(0.05)
            else:
                writer.close()
                return


def cookie_of(parent: Browser) -> str:
    return next(c.value for c in parent.session.cookie_jar if c.key == "chat")


def first_choice(page: Page) -> str:
    return CHOOSE.findall(page.text)[0]
