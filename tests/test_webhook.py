"""Webhook mode: Telegram POSTs updates; only requests with the secret token are accepted, and
the answer is stored before Telegram gets its 200."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import sqlite3
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from conftest import SEALER, make_config, make_service
from fake_telegram import FakeTelegram
from telegram import Bot, Update
from tg_harness import KEY

from bot.channels.telegram.adapter import TelegramBot
from bot.channels.telegram.pipeline import process_safely
from bot.channels.telegram.sender import Sender
from bot.channels.telegram.webhook import Receive, webhook_app
from bot.storage.store import Store

SECRET = "s3cret-token_for-tests"


def processing(handler: TelegramBot) -> Receive:
    return lambda update: process_safely(handler, update)


async def test_webhook_refuses_without_secret_and_stores_before_answering(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    store = await Store.open(config.database, SEALER)
    async with FakeTelegram() as tg, Bot(tg.token, base_url=tg.base_url) as bot:
        service = await make_service(store, config)
        handler = TelegramBot(service, Sender(bot, overall_per_second=0, per_chat=(0, 0)), KEY)
        server = TestServer(
            webhook_app(bot, processing(handler), "/telegram", SECRET), host="127.0.0.1"
        )
        await server.start_server()
        try:
            url = str(server.make_url("/telegram"))
            start = tg.send_text(42, "/start")
            async with aiohttp.ClientSession() as http:
                refused = await http.post(url, json=start)
                bad = {"X-Telegram-Bot-Api-Secret-Token": "nope"}
                wrong = await http.post(url, json=start, headers=bad)
                assert (refused.status, wrong.status) == (403, 403)
                assert tg.chat(42) == []
                headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
                ok = await http.post(url, json=start, headers=headers)
                assert ok.status == 200
                consent = tg.last_message(42)
                assert consent is not None and consent.buttons
                agree = tg.press(42, consent.message_id, consent.buttons[0][1] or "")
                assert (await http.post(url, json=agree, headers=headers)).status == 200
                # The answer is in the database by the time Telegram has its 200.
                with sqlite3.connect(config.database) as conn:
                    assert conn.execute("SELECT count(*) FROM responses").fetchone() == (1,)
                again = await http.post(url, json=agree, headers=headers)  # redelivered
                assert again.status == 200
                with sqlite3.connect(config.database) as conn:
                    assert conn.execute("SELECT count(*) FROM responses").fetchone() == (1,)
        finally:
            await server.close()
            await store.close()


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


def nested(depth: int) -> bytes:
    return b'{"update_id": 8, "message": ' + b'{"a": ' * depth + b"1" + b"}" * depth + b"}"


NOT_JSON = [b"not json", b"\xff\xfe Zofia", b'{"update_id": 9, "message": {"text": "Zofia"']


async def test_what_can_never_be_read_is_set_aside_with_200_and_logged_without_content(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = make_config(tmp_path)
    store = await Store.open(config.database, SEALER)
    async with FakeTelegram() as tg, Bot(tg.token, base_url=tg.base_url) as bot:
        service = await make_service(store, config)
        handler = TelegramBot(service, Sender(bot, overall_per_second=0, per_chat=(0, 0)), KEY)
        server = TestServer(
            webhook_app(bot, processing(handler), "/telegram", SECRET), host="127.0.0.1"
        )
        await server.start_server()
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        try:
            url = str(server.make_url("/telegram"))
            poison = tg.send_old_poll(41, question="Zofia's question")  # the library rejects it
            bodies = [json.dumps(body).encode() for body in [*NOT_UPDATES, poison]]
            bodies += [*NOT_JSON, b"x" * (2 << 20)]  # the last: more than any update could be
            async with aiohttp.ClientSession() as http:
                for body in bodies:
                    reply = await http.post(url, data=io.BytesIO(body), headers=headers)
                    assert (reply.status, await reply.text()) == (200, "set aside"), body[:60]
                for depth in (100, 5_000, 100_000):
                    reply = await http.post(url, data=io.BytesIO(nested(depth)), headers=headers)
                    assert reply.status == 200, depth
                # Still serving parents afterwards.
                ok = await http.post(url, json=tg.send_text(43, "/start"), headers=headers)
                assert ok.status == 200 and tg.chat(43)
            assert tg.chat(41) == []
        finally:
            await server.close()
            await store.close()
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

    async with FakeTelegram() as tg, Bot(tg.token, base_url=tg.base_url) as bot:
        server = TestServer(webhook_app(bot, failing, "/telegram", SECRET), host="127.0.0.1")
        await server.start_server()
        try:
            update = tg.send_text(44, "Zofia here")
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            async with aiohttp.ClientSession() as http:
                reply = await http.post(server.make_url("/telegram"), json=update, headers=headers)
        finally:
            await server.close()
    assert reply.status == 500
    said = f"webhook: could not take update {update['update_id']} (RuntimeError)"
    assert said in caplog.text and "Zofia" not in caplog.text


async def test_a_secret_header_that_is_not_text_is_refused_like_a_wrong_one(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def never(update: Update) -> None:
        raise AssertionError("taken without the secret")

    async with FakeTelegram() as tg, Bot(tg.token, base_url=tg.base_url) as bot:
        server = TestServer(webhook_app(bot, never, "/telegram", SECRET), host="127.0.0.1")
        await server.start_server()
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            writer.write(
                b"POST /telegram HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                b"X-Telegram-Bot-Api-Secret-Token: \xff\xfe\r\nContent-Length: 2\r\n\r\n{}"
            )
            heard = await asyncio.wait_for(reader.read(), 20)
            writer.close()
        finally:
            await server.close()
    assert heard.startswith(b"HTTP/1.1 403 Forbidden")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_when_the_budget_is_short_the_parent_posted_first_gets_a_whole_reply_first(
    tmp_path: Path,
) -> None:
    config = make_config(tmp_path)
    store = await Store.open(config.database, SEALER)
    async with FakeTelegram() as tg, Bot(tg.token, base_url=tg.base_url) as bot:
        service = await make_service(store, config)
        sender = Sender(bot, overall_per_second=2, per_chat=(0, 0))
        budget = sender.overall
        assert budget is not None
        handler = TelegramBot(service, sender, KEY)
        server = TestServer(
            webhook_app(bot, processing(handler), "/telegram", SECRET), host="127.0.0.1"
        )
        await server.start_server()
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        try:
            url = str(server.make_url("/telegram"))
            for _ in range(2):
                await budget.acquire()  # the bucket is full: both parents' welcomes must wait
            async with aiohttp.ClientSession() as http:
                posts = []
                for chat, waiting in ((44, 1), (45, 2)):
                    start = tg.send_text(chat, "/start")
                    posts.append(asyncio.create_task(http.post(url, json=start, headers=headers)))
                    await tg.wait_for(lambda n=waiting: len(budget._waiting) >= n, 5, "a welcome")
                async with asyncio.timeout(20):
                    replies = await asyncio.gather(*posts)
                assert [r.status for r in replies] == [200, 200]
            order = [int(p["chat_id"]) for m, p in tg.calls if m == "sendMessage"]
            reply = len(tg.chat(44))
            assert reply >= 3 and len(tg.chat(45)) == reply
            # Served message by message as each asked, the two replies would interleave.
            assert order == [44] * reply + [45] * reply
        finally:
            await server.close()
            await store.close()


def test_the_secret_token_is_compared_in_constant_time() -> None:
    import inspect

    from bot.channels.telegram import webhook

    source = inspect.getsource(webhook.webhook_app)
    assert "hmac.compare_digest" in source and "!= secret" not in source
