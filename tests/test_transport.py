"""The bot's HTTP transport (aiohttp under python-telegram-bot) on the fake Bot API: calls,
files, errors as python-telegram-bot's own, and a wait for a connection that has a deadline."""

from __future__ import annotations

import asyncio

import pytest
from fake_telegram import FakeTelegram
from telegram import Bot
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.channels.telegram.transport import AiohttpRequest


def bot_on(tg: FakeTelegram, **options: float) -> Bot:
    request = AiohttpRequest(**options)  # type: ignore[arg-type]
    return Bot(tg.token, base_url=tg.base_url, request=request, get_updates_request=request)


async def test_calls_files_and_errors_arrive_as_python_telegram_bots_own() -> None:
    async with FakeTelegram() as tg, bot_on(tg) as bot:
        tg.send_text(5, "hello")
        sent = await bot.send_message(5, "Which unit? <b>Ludlow</b>", parse_mode="HTML")
        assert tg.chat(5)[-1].text == "Which unit? Ludlow" and sent.message_id
        document = await bot.send_document(5, b"a,b\n1,2\n", filename="answers.csv")
        assert document.document is not None
        assert [m for m, _ in tg.calls][-2:] == ["sendMessage", "sendDocument"]
        tg.fail_next("sendMessage", 502)
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(5, "again")
        with pytest.raises(BadRequest):
            await bot.send_message(5, "")  # Telegram refuses empty text


async def test_a_call_that_cannot_get_a_connection_times_out_unsent() -> None:
    async with FakeTelegram() as tg, bot_on(tg, connections=1, pool_timeout=0.2) as bot:
        tg.send_text(6, "hello")
        tg.send_text(7, "hello")
        tg.held.add(6)
        stuck = asyncio.create_task(bot.send_message(6, "held"))
        await tg.wait_for(lambda: tg.calls_to("sendMessage"), 5, "the held call to arrive")
        with pytest.raises(TimedOut, match="not sent"):
            await bot.send_message(7, "behind it")
        assert len(tg.calls_to("sendMessage")) == 1
        tg.release.set()
        await asyncio.wait_for(stuck, 5)
        await bot.send_message(7, "now")  # the connection is free again


async def test_a_dropped_connection_is_a_network_error() -> None:
    async with FakeTelegram() as tg, bot_on(tg) as bot:
        tg.send_text(5, "hello")
        tg.fault_rate = 1.0
        with pytest.raises(NetworkError):
            for _ in range(20):  # each fault is a 502, a 429 or a drop, picked at random
                try:
                    await bot.send_message(5, "x")
                except RetryAfter:
                    continue
                except NetworkError as exc:
                    if "aiohttp." in exc.message:
                        raise
                    continue
        assert "drop" in tg.faults


async def test_calls_fail_cleanly_before_initialise_and_after_shutdown() -> None:
    request = AiohttpRequest()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request("http://127.0.0.1:9/", "POST")
    await request.initialize()
    await request.shutdown()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request("http://127.0.0.1:9/", "POST")
