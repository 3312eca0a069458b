"""Starting the bot: Telegram not reachable yet is waited for (with backoff, one line each try,
stoppable), and a webhook setting that cannot work is said before Telegram is contacted."""

from __future__ import annotations

import asyncio
import itertools
import logging
import signal
import socket
import subprocess
from pathlib import Path

import pytest
from conftest import SEALER, eventually, make_config, make_service
from fake_telegram import FakeTelegram
from telegram import Bot
from telegram.error import NetworkError, TimedOut
from test_telegram_process import bot_env, bot_process, refused_webhook_run, write_config
from tg_harness import KEY

from bot.channels.telegram.adapter import TelegramBot
from bot.channels.telegram.polling import Backoff, reach, serve
from bot.channels.telegram.sender import Sender
from bot.channels.telegram.webhook import webhook_target
from bot.config import Config, TelegramConfig, WebhookConfig
from bot.errors import BotError, MissingWebhookSecret, StartError
from bot.storage.store import Store

TOKEN = "123456:TEST-TOKEN"
SECRET = "s3cret-token_for-tests"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def assert_quiet(output: str) -> None:
    assert "Traceback" not in output
    for part in (TOKEN, "TEST-TOKEN", SECRET, "/bot123456"):
        assert part not in output


async def test_reach_retries_with_growing_capped_waits_one_line_each(
    caplog: pytest.LogCaptureFixture,
) -> None:
    failures: list[Exception] = [
        NetworkError("aiohttp.ClientConnectorError: Cannot connect to host 127.0.0.1:9"),
        TimedOut(),
        NetworkError("aiohttp.ClientConnectorError: [Errno 111] Connection refused"),
        NetworkError("Bad Gateway"),
    ]
    tries: list[float] = []
    loop = asyncio.get_running_loop()

    async def call() -> None:
        tries.append(loop.time())
        if failures:
            raise failures.pop(0)

    caplog.set_level(logging.INFO)
    done = await reach(call, asyncio.Event(), "check the bot token", "127.0.0.1:9",
                       Backoff(first=0.05, cap=0.1))  # fmt: skip
    assert done and len(tries) == 5
    gaps = [b - a for a, b in itertools.pairwise(tries)]
    assert gaps[0] >= 0.045 and all(g >= 0.09 for g in gaps[1:])  # doubling, then the cap
    assert max(gaps) < 0.5  # capped
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 4
    assert lines[0] == (
        "waiting for Telegram's Bot API at 127.0.0.1:9 to check the bot token (cannot connect); "
        "trying again in 0 s"
    )
    assert "(timed out)" in lines[1] and "(server error)" in lines[3]


async def test_reach_stops_at_once_when_asked_while_waiting() -> None:
    stopping = asyncio.Event()

    async def unreachable() -> None:
        raise NetworkError("aiohttp.ClientConnectorError: Cannot connect to host 127.0.0.1:9")

    waiting = asyncio.create_task(
        reach(unreachable, stopping, "check the bot token", "x", Backoff(first=30, cap=60))
    )
    await asyncio.sleep(0.1)
    stopping.set()
    assert await asyncio.wait_for(waiting, 2) is False


async def test_reach_stops_a_call_that_hangs() -> None:
    stopping = asyncio.Event()
    waiting = asyncio.create_task(reach(asyncio.Event().wait, stopping, "x", "x"))
    await asyncio.sleep(0.05)
    stopping.set()
    assert await asyncio.wait_for(waiting, 2) is False


async def test_the_bot_waits_for_telegram_then_starts(tmp_path: Path) -> None:
    """Connection refused at start-up: the bot says what it waits for, keeps trying, and starts
    as soon as Telegram answers."""
    port = free_port()
    config = write_config(tmp_path, f"http://127.0.0.1:{port}/bot")
    log = tmp_path / "bot.log"
    async with bot_process(config, TOKEN, log) as proc:
        await eventually(lambda: "waiting for Telegram" in log.read_text(), 20, "a waiting line")
        assert proc.returncode is None  # still running, still trying
        async with FakeTelegram(port=port) as tg:
            await tg.wait_for(lambda: tg.commands, 20, "the bot to start once Telegram answers")
            await eventually(lambda: "polling for updates" in log.read_text(), 20, "polling")
            proc.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(proc.wait(), 20) == 0
    output = log.read_text()
    assert_quiet(output)
    waiting = [line for line in output.splitlines() if "waiting for Telegram" in line]
    assert waiting and all(
        line.endswith(f"waiting for Telegram's Bot API at 127.0.0.1:{port} to check the bot "
                      f"token (cannot connect); trying again in {n} s")
        for line, n in zip(waiting, (1, 2, 4, 8, 16), strict=False)
    )  # fmt: skip


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_sigterm_or_ctrl_c_while_waiting_for_telegram_stops_cleanly(
    tmp_path: Path, sig: signal.Signals
) -> None:
    config = write_config(tmp_path, f"http://127.0.0.1:{free_port()}/bot")
    log = tmp_path / "bot.log"
    async with bot_process(config, TOKEN, log) as proc:
        await eventually(lambda: "waiting for Telegram" in log.read_text(), 20, "a waiting line")
        proc.send_signal(sig)
        assert await asyncio.wait_for(proc.wait(), 10) == 0
    output = log.read_text()
    assert_quiet(output)
    assert "stopped while waiting for Telegram" in output


def webhook_config(tmp_path: Path, public_url: str | None) -> Config:
    config = make_config(tmp_path)
    telegram = TelegramConfig(webhook=WebhookConfig(public_url=public_url, port=free_port()))
    return config.model_copy(update={"telegram": telegram})


@pytest.mark.parametrize(
    ("public_url", "secret", "error", "says"),
    [
        (None, SECRET, StartError, "needs telegram.webhook.public_url"),
        ("http://feedback.example.org", SECRET, StartError, "must be an https:// address"),
        ("feedback.example.org", SECRET, StartError, "must be an https:// address"),
        ("https://feedback.example.org", "", MissingWebhookSecret, "needs TELEGRAM_WEBHOOK_SECRET"),
        ("https://feedback.example.org", "too-short", MissingWebhookSecret, "16 to 256 letters"),
        ("https://feedback.example.org", "has spaces in it, sadly", MissingWebhookSecret,
         "16 to 256 letters"),
        ("https://feedback.example.org", "CHANGE-ME", MissingWebhookSecret,
         "TELEGRAM_WEBHOOK_SECRET is still a placeholder"),
    ],
)  # fmt: skip
def test_webhook_settings_that_cannot_work_are_refused(
    tmp_path: Path, public_url: str | None, secret: str, error: type[BotError], says: str
) -> None:
    config = webhook_config(tmp_path, public_url)
    with pytest.raises(error, match=says) as refused:
        webhook_target(config, {"TELEGRAM_WEBHOOK_SECRET": secret})
    if secret:
        assert secret not in str(refused.value)


def test_webhook_target_joins_the_public_url_and_path(tmp_path: Path) -> None:
    config = webhook_config(tmp_path, "https://feedback.example.org/")
    target = webhook_target(config, {"TELEGRAM_WEBHOOK_SECRET": SECRET})
    assert target.url == "https://feedback.example.org/telegram"
    assert target.secret == SECRET


async def test_serve_refuses_a_bad_webhook_before_contacting_telegram(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", SECRET)
    config = webhook_config(tmp_path, "http://feedback.example.org")
    store = await Store.open(config.database, SEALER)
    try:
        async with FakeTelegram() as tg:
            bot = Bot(tg.token, base_url=tg.base_url)
            service = await make_service(store, config)
            handler = TelegramBot(service, Sender(bot, overall_per_second=0, per_chat=(0, 0)), KEY)
            with pytest.raises(StartError, match="https://"):
                await serve(config, handler, bot, webhook=True)
            assert tg.calls == []
    finally:
        await store.close()


def test_run_webhook_with_an_http_address_is_one_sentence_and_nothing_sent(tmp_path: Path) -> None:
    async def go() -> tuple[subprocess.CompletedProcess[str], int]:
        async with FakeTelegram() as tg:
            config = write_config(tmp_path, tg.base_url)
            with config.open("a") as f:
                f.write("  webhook: {public_url: 'http://feedback.example.org'}\n")
            env = bot_env(tg.token) | {"TELEGRAM_WEBHOOK_SECRET": SECRET}
            return await refused_webhook_run(tg, config, env)

    done, calls = asyncio.run(go())
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.strip() == (
        "Error: telegram.webhook.public_url must be an https:// address: Telegram posts updates "
        "only over HTTPS."
    )
    assert calls == 0
    assert not (tmp_path / "db.sqlite3").exists()  # said before anything else was done
