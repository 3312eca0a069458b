"""Webhook mode, over real sockets on loopback: only requests with the secret token are taken,
the answer is stored before Telegram gets its 200, what can never be read is set aside with 200
(Telegram would otherwise send it again and again), and no client can hold a connection by
saying nothing or saying it slowly, nor open more connections than the cap."""

from __future__ import annotations

import asyncio
import inspect
import io
import json
import logging
import signal
import sqlite3
import sys
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
from conftest import ROOT, SEALER, eventually, make_config, make_service
from fake_telegram import FakeTelegram
from telegram import Bot, Update
from test_telegram_process import bot_env, write_config
from test_web_clients import trickle
from test_web_process import free_port
from tg_harness import KEY

from bot.channels.http_server import BUSY, CappedSite
from bot.channels.telegram import webhook
from bot.channels.telegram.adapter import TelegramBot
from bot.channels.telegram.polling import Backoff
from bot.channels.telegram.sender import Sender
from bot.channels.telegram.webhook import (
    STOP_GRACE,
    Receive,
    serve_webhook,
    webhook_app,
    webhook_server,
    webhook_target,
)
from bot.channels.telegram.workers import Workers
from bot.config import TelegramConfig, WebhookConfig
from bot.storage.store import Store

SECRET = "s3cret-token_for-tests"
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
DEADLINE = 20  # seconds for anything to happen; the server's own timeouts here are 1 s
TIMEOUT = aiohttp.ClientTimeout(total=DEADLINE)
POST = (
    "POST /telegram HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    f"X-Telegram-Bot-Api-Secret-Token: {SECRET}\r\n"
)


@asynccontextmanager
async def serving(
    bot: Bot, receive: Receive, **settings: float
) -> AsyncIterator[tuple[str, CappedSite]]:
    """The bot's own webhook server on a free loopback port, with these telegram.webhook
    settings; yields the URL Telegram posts to, and the site."""
    options = WebhookConfig.model_validate(settings)
    app = webhook_app(bot, receive, "/telegram", SECRET, body_timeout=options.body_timeout)
    async with webhook_server(app, "127.0.0.1", 0, options) as site:
        yield f"http://127.0.0.1:{site.port}/telegram", site


@asynccontextmanager
async def parents_bot(
    tmp_path: Path, overall_per_second: float = 0
) -> AsyncIterator[tuple[FakeTelegram, Bot, TelegramBot]]:
    """A fake Bot API and the bot's handler over a real store, as `run --webhook` has them."""
    config = make_config(tmp_path)
    store = await Store.open(config.database, SEALER)
    try:
        async with FakeTelegram() as tg, Bot(tg.token, base_url=tg.base_url) as bot:
            service = await make_service(store, config)
            sender = Sender(bot, overall_per_second=overall_per_second, per_chat=(0, 0))
            yield tg, bot, TelegramBot(service, sender, KEY)
    finally:
        await store.close()


def processing(handler: TelegramBot) -> AbstractAsyncContextManager[Receive]:
    """What `run --webhook` does with an update: keep it in the inbox (then Telegram gets its
    200), and work it from there on its parent's task."""
    return Workers(handler.sender.bot, handler).receiving(grace=1, every=0.1)


class Taken:
    """A `receive` that records the ids of the updates it was given."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    async def __call__(self, update: Update) -> None:
        self.ids.append(update.update_id)


def inbox(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM inbox").fetchone()[0])


def handled(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM processed_updates").fetchone()[0])


def responses(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM responses").fetchone()[0])


async def test_webhook_refuses_without_secret_and_stores_before_answering(tmp_path: Path) -> None:
    async with (
        parents_bot(tmp_path) as (tg, bot, handler),
        processing(handler) as receive,
        serving(bot, receive) as (url, _),
        aiohttp.ClientSession(timeout=TIMEOUT) as http,
    ):
        database = handler.service.store.path
        start = tg.send_text(42, "/start")
        refused = await http.post(url, json=start)
        bad = {"X-Telegram-Bot-Api-Secret-Token": "nope"}
        wrong = await http.post(url, json=start, headers=bad)
        assert (refused.status, wrong.status) == (403, 403)
        assert tg.chat(42) == []
        ok = await http.post(url, json=start, headers=HEADERS)
        assert ok.status == 200
        # Kept by the time Telegram has its 200: in the inbox still, or already answered.
        assert inbox(database) + handled(database) >= 1
        await eventually(lambda: any(m.buttons for m in tg.chat(42)), DEADLINE, "the consent")
        consent = tg.last_message(42)
        assert consent is not None and consent.buttons
        agree = tg.press(42, consent.message_id, consent.buttons[0][1] or "")
        assert (await http.post(url, json=agree, headers=HEADERS)).status == 200
        await eventually(lambda: responses(database) == 1, DEADLINE, "the response stored")
        await eventually(lambda: inbox(database) == 0, DEADLINE, "the first question sent")
        shown = len(tg.chat(42))
        again = await http.post(url, json=agree, headers=HEADERS)  # redelivered
        assert again.status == 200
        await eventually(lambda: inbox(database) == 0, DEADLINE, "the inbox to forget them")
        assert responses(database) == 1 and len(tg.chat(42)) == shown


NOT_UPDATES: list[object] = [
    None,
    [1, 2],
    "x",
    5,
    {},
    {"update_id": "5"},
    {"update_id": 5, "message": "x"},
    {"update_id": 6, "message": {"chat": "Zofia said hello"}},
    {"update_id": 7, "callback_query": [1]},
]
NOT_JSON = [b"not json", b"\xff\xfe Zofia", b'{"update_id": 9, "message": {"text": "Zofia"']


def nested(depth: int) -> bytes:
    return b'{"update_id": 8, "message": ' + b'{"a": ' * depth + b"1" + b"}" * depth + b"}"


async def test_what_can_never_be_read_is_set_aside_with_200_and_logged_without_content(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    taken = Taken()
    async with (
        parents_bot(tmp_path) as (tg, bot, _),
        serving(bot, taken) as (url, _),
        aiohttp.ClientSession(timeout=TIMEOUT) as http,
    ):
        poison = tg.send_old_poll(41, question="Zofia's question")  # the library rejects it
        bodies = [json.dumps(body).encode() for body in [*NOT_UPDATES, poison]]
        bodies += [*NOT_JSON, b"x" * (2 << 20)]  # the last: more than any update could be
        for body in bodies:
            reply = await http.post(url, data=io.BytesIO(body), headers=HEADERS)
            assert (reply.status, await reply.text()) == (200, "set aside"), body[:60]
        for depth in (100, 5_000, 100_000):
            reply = await http.post(url, data=io.BytesIO(nested(depth)), headers=HEADERS)
            assert reply.status == 200, depth
        # Parents are still served afterwards.
        update = tg.send_text(43, "/start")
        assert (await http.post(url, json=update, headers=HEADERS)).status == 200
    assert taken.ids == [update["update_id"]]
    lines = [r.getMessage() for r in caplog.records if "webhook: set aside" in r.getMessage()]
    assert len(lines) == len(bodies) + 3
    assert lines[-1].endswith(f"({len(lines)} so far)")
    assert f"set aside update {poison['update_id']}: not a shape this bot can read" in lines[9]
    assert "set aside a request that is not JSON (JSONDecodeError" in lines[10]
    assert "set aside a request too large to be an update" in lines[len(bodies) - 1]
    assert all(r.levelno == logging.ERROR for r in caplog.records if "set aside" in r.message)
    text = caplog.text
    assert "Zofia" not in text and "Traceback" not in text


async def test_an_update_that_cannot_be_taken_gets_500_so_telegram_sends_it_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def failing(update: Update) -> None:
        raise RuntimeError(f"disk full while storing {update.effective_user}: Zofia")

    async with (
        FakeTelegram() as tg,
        Bot(tg.token, base_url=tg.base_url) as bot,
        serving(bot, failing) as (url, _),
        aiohttp.ClientSession(timeout=TIMEOUT) as http,
    ):
        update = tg.send_text(44, "Zofia here")
        reply = await http.post(url, json=update, headers=HEADERS)
    assert reply.status == 500
    said = f"webhook: could not take update {update['update_id']} (RuntimeError)"
    assert said in caplog.text and "Zofia" not in caplog.text


async def test_no_response_names_the_server_software_or_its_version() -> None:
    # What anyone who finds the address hears, and what Telegram hears: nothing that says
    # which published flaws to try.
    async def taking(update: Update) -> None:
        if update.update_id % 2:
            raise RuntimeError("not taken")

    async with (
        FakeTelegram() as tg,
        Bot(tg.token, base_url=tg.base_url) as bot,
        serving(bot, taking, body_timeout=1) as (url, _),
        aiohttp.ClientSession(timeout=TIMEOUT) as http,
    ):
        updates = [tg.send_text(48, "/start") for _ in range(2)]
        even, odd = sorted(updates, key=lambda u: u["update_id"] % 2)
        heard = []
        for method, where, body, headers in [
            ("POST", url, json.dumps(even).encode(), HEADERS),  # taken: 200
            ("POST", url, json.dumps(odd).encode(), HEADERS),  # not taken: 500
            ("POST", url, b"not json", HEADERS),  # set aside: 200
            ("POST", url, json.dumps(even).encode(), {}),  # no secret: 403
            ("GET", url, None, HEADERS),  # 405
            ("POST", url + "/elsewhere", b"{}", HEADERS),  # 404
        ]:
            async with http.request(method, where, data=body, headers=headers) as response:
                await response.read()
                heard.append((response.status, response.headers))
        slow = await trickle(url.removesuffix("/telegram"),
                             f"{POST}Content-Length: 900\r\n\r\n", b" " * 900)  # fmt: skip
    assert [status for status, _ in heard] == [200, 500, 200, 403, 405, 404]
    assert slow.status == "HTTP/1.1 408 Request Timeout"
    for _, headers in heard:
        assert "Server" not in headers, headers
        assert not any("aiohttp" in v or "Python" in v for v in headers.values()), headers
    said = slow.received.decode("latin-1").lower()
    assert "\r\nserver:" not in said and "aiohttp" not in said and "python" not in said, said


async def test_when_the_budget_is_short_the_parent_posted_first_gets_a_whole_reply_first(
    tmp_path: Path,
) -> None:
    async with (
        parents_bot(tmp_path, overall_per_second=2) as (tg, bot, handler),
        processing(handler) as receive,
        serving(bot, receive) as (url, _),
        aiohttp.ClientSession(timeout=TIMEOUT) as http,
    ):
        budget = handler.sender.overall
        assert budget is not None
        for _ in range(2):
            await budget.acquire()  # the bucket is full: both parents' welcomes must wait
        posts = []
        for chat, waiting in ((44, 1), (45, 2)):
            start = tg.send_text(chat, "/start I'm bleeding heavily")  # help now, then welcome
            posts.append(asyncio.create_task(http.post(url, json=start, headers=HEADERS)))
            await tg.wait_for(lambda n=waiting: len(budget._waiting) >= n, 5, "a welcome")
        async with asyncio.timeout(DEADLINE):
            replies = await asyncio.gather(*posts)
        assert [r.status for r in replies] == [200, 200]
        welcomed = lambda: len(tg.chat(44)) >= 2 and len(tg.chat(45)) >= 2  # noqa: E731
        await eventually(welcomed, DEADLINE, "both welcomes")
        await asyncio.sleep(0)
        order = [int(p["chat_id"]) for m, p in tg.calls if m == "sendMessage"]
        reply = len(tg.chat(44))
        assert reply >= 2 and len(tg.chat(45)) == reply
        # Served message by message as each asked, the two replies would interleave.
        assert order == [44] * reply + [45] * reply


def request(update: dict[str, object]) -> bytes:
    body = json.dumps(update).encode()
    return f"{POST}Content-Length: {len(body)}\r\n\r\n".encode() + body


async def test_idle_and_slow_clients_are_closed_and_telegram_is_served_meanwhile() -> None:
    taken = Taken()
    async with (
        FakeTelegram() as tg,
        Bot(tg.token, base_url=tg.base_url) as bot,
        serving(bot, taken, idle_timeout=1, body_timeout=1, max_connections=1000) as (url, site),
        aiohttp.ClientSession(timeout=TIMEOUT) as http,
    ):
        answered = request(tg.send_text(46, "/start"))
        base = url.removesuffix("/telegram")
        clients = asyncio.gather(
            *[trickle(base, b"") for _ in range(300)],  # connect, then say nothing
            *[trickle(base, "POST /telegram HTTP/1.1\r\n", b"X-Slow: " + b"a" * 500)
              for _ in range(20)],  # headers a byte at a time
            *[trickle(base, f"{POST}Content-Length: 900\r\n\r\n", b" " * 900)
              for _ in range(20)],  # the update a byte at a time
            *[trickle(base, answered) for _ in range(20)],  # one update, then kept alive
        )  # fmt: skip
        await eventually(lambda: site.open >= 100, DEADLINE, "the clients to connect")
        update = tg.send_text(47, "/start")  # served while they hold their connections
        assert (await http.post(url, json=update, headers=HEADERS)).status == 200
        heard = await clients
        await eventually(lambda: site.open == 0, DEADLINE, "every connection closed")
    idle, headers, bodies, kept = heard[:300], heard[300:320], heard[320:340], heard[340:]
    assert all(h.closed for h in heard), [h.status for h in heard if not h.closed]
    assert all(h.received == b"" for h in idle + headers)  # closed unanswered
    assert {h.status for h in bodies} == {"HTTP/1.1 408 Request Timeout"}
    assert {h.status for h in kept} == {"HTTP/1.1 200 OK"}
    assert update["update_id"] in taken.ids and len(taken.ids) == 21


Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def lasting(port: int, count: int) -> tuple[list[Connection], int]:
    """Open `count` connections at once: those the server kept (after a second of silence),
    and how many it told it is busy and closed."""
    opened = await asyncio.gather(
        *[asyncio.open_connection("127.0.0.1", port) for _ in range(count)]
    )

    async def busy(reader: asyncio.StreamReader) -> bool:
        try:
            heard = await asyncio.wait_for(reader.read(), 1)
        except TimeoutError:  # nothing said, still open
            return False
        assert heard == BUSY
        return True

    told = await asyncio.gather(*[busy(reader) for reader, _ in opened])
    for (_, writer), closed in zip(opened, told, strict=True):
        if closed:
            writer.close()
    return [pair for pair, closed in zip(opened, told, strict=True) if not closed], sum(told)


async def test_no_more_connections_than_the_cap_are_kept_open() -> None:
    taken = Taken()
    async with (
        FakeTelegram() as tg,
        Bot(tg.token, base_url=tg.base_url) as bot,
        serving(bot, taken, max_connections=5, idle_timeout=DEADLINE) as (url, site),
    ):
        kept, busy = await lasting(site.port, 40)  # accepted in one go, counted one by one
        assert (len(kept), busy, site.open, site.refused) == (5, 35, 5, 35)
        more, busy = await lasting(site.port, 10)
        assert (more, busy, site.take_refused(), site.refused) == ([], 10, 45, 0)
        # Those kept are served as usual.
        reader, writer = kept[0]
        first = tg.send_text(48, "/start")
        writer.write(request(first))
        assert (await asyncio.wait_for(reader.readline(), DEADLINE)).startswith(b"HTTP/1.1 200")
        # Once two go, others are taken again.
        for _, writer in kept[:2]:
            writer.close()
        await eventually(lambda: site.open == 3, DEADLINE, "two connections closed")
        async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
            second = tg.send_text(49, "/start")
            assert (await http.post(url, json=second, headers=HEADERS)).status == 200
        for _, writer in kept[2:]:
            writer.close()
    assert taken.ids == [first["update_id"], second["update_id"]]


async def test_a_secret_header_that_is_not_text_is_refused_like_a_wrong_one(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with (
        FakeTelegram() as tg,
        Bot(tg.token, base_url=tg.base_url) as bot,
        serving(bot, Taken()) as (url, _),
    ):
        head = b"POST /telegram HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        head += b"X-Telegram-Bot-Api-Secret-Token: \xff\xfe\r\nContent-Length: 2\r\n\r\n{}"
        heard = await trickle(url.removesuffix("/telegram"), head)
    assert heard.status == "HTTP/1.1 403 Forbidden"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_stopping_with_an_update_in_flight_ends_within_seconds(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Telegram unreachable while an update is handled: stopping still ends the webhook, the
    update unconfirmed (Telegram sends it again); connections refused meanwhile are counted."""
    caplog.set_level(logging.INFO)
    settings = WebhookConfig(
        public_url="https://feedback.example.org", port=free_port(), max_connections=2
    )
    config = make_config(tmp_path).model_copy(update={"telegram": TelegramConfig(webhook=settings)})
    target = webhook_target(config, {"TELEGRAM_WEBHOOK_SECRET": SECRET})
    handling = asyncio.Event()

    async def hanging(update: Update) -> None:
        handling.set()
        await asyncio.Event().wait()  # as a reply to a Bot API that never answers

    async with FakeTelegram() as tg, Bot(tg.token, base_url=tg.base_url) as bot:
        stopping = asyncio.Event()
        serving = asyncio.create_task(
            serve_webhook(target, bot, hanging, stopping, "the fake", Backoff())
        )
        await tg.wait_for(lambda: tg.webhook_url == target.url, DEADLINE, "the webhook")
        url = f"http://127.0.0.1:{settings.port}/telegram"
        async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
            update = tg.send_text(50, "/start")
            posted = asyncio.create_task(http.post(url, json=update, headers=HEADERS))
            await asyncio.wait_for(handling.wait(), DEADLINE)
            kept, busy = await lasting(settings.port, 2)  # one more than the cap allows
            assert (len(kept), busy) == (1, 1)
            started = time.monotonic()
            stopping.set()
            await asyncio.wait_for(serving, DEADLINE)
            took = time.monotonic() - started
            with pytest.raises(aiohttp.ClientError):  # never told 200
                await asyncio.wait_for(posted, DEADLINE)
            kept[0][1].close()
    assert took < 2 * STOP_GRACE + 1
    said = [r.getMessage() for r in caplog.records]
    assert "serving webhooks on 127.0.0.1:" in "\n".join(said)
    assert any(line.startswith("webhook: refused 1 connection: 2 were open") for line in said)


async def test_run_webhook_answers_a_parent_and_stops_at_once_on_sigterm(tmp_path: Path) -> None:
    """`bot run --webhook` as a process: registers its webhook, answers a parent, and exits
    cleanly and promptly on SIGTERM (systemd's stop)."""
    port = free_port()
    log = tmp_path / "bot.log"
    async with FakeTelegram() as tg:
        config = write_config(tmp_path, tg.base_url)
        with config.open("a") as f:
            f.write(f"  webhook: {{public_url: 'https://feedback.example.org', port: {port}}}\n")
        env = bot_env(tg.token) | {"TELEGRAM_WEBHOOK_SECRET": SECRET}
        with log.open("ab") as stderr:
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", "--webhook", "--config", str(config),
                cwd=ROOT, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=stderr,
            )  # fmt: skip
            try:
                await eventually(lambda: "serving webhooks" in log.read_text(), DEADLINE, "it")
                assert tg.webhook_url == "https://feedback.example.org/telegram"
                async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
                    url = f"http://127.0.0.1:{port}/telegram"
                    start = tg.send_text(51, "/start")
                    assert (await http.post(url, json=start, headers=HEADERS)).status == 200
                await eventually(lambda: tg.chat(51), DEADLINE, "the welcome")
                started = time.monotonic()
                proc.send_signal(signal.SIGTERM)
                assert await asyncio.wait_for(proc.wait(), DEADLINE) == 0
                took = time.monotonic() - started
            finally:
                if proc.returncode is None:
                    proc.kill()
                    await proc.wait()
    assert took < 5
    assert "Traceback" not in log.read_text() and SECRET not in log.read_text()


def test_the_secret_token_is_compared_in_constant_time() -> None:
    source = inspect.getsource(webhook.webhook_app)
    assert "hmac.compare_digest" in source and "!= secret" not in source
