"""Clients that are slow, idle or go away, as raw sockets on loopback against the real server:
none of them can hold a connection, and parents are served meanwhile."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from conftest import SEALER, make_config, make_service
from web_driver import browser, serving, web_config

from bot.channels.web.server import WebChat
from bot.storage.store import Store

DEADLINE = 30  # seconds for anything to happen; the server's own timeouts here are 2 s
FORM = "Content-Type: application/x-www-form-urlencoded\r\n"


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


async def trickle(url: str, head: str, drip: bytes = b"", every: float = 0.2) -> Heard:
    """A client that sends `head`, then `drip` a byte every `every` seconds (never finishing
    before the deadline), and reads what comes back until the server closes the connection."""
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    received = bytearray()

    async def send() -> None:
        with contextlib.suppress(OSError):  # the server closed the connection
            writer.write(head.encode())
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
