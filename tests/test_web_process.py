"""The real processes: `python -m bot web` serves the web chat alone; `python -m bot run` serves
it beside the Telegram bot when `web: enabled: true`; both stop cleanly on SIGTERM and log no
address, no cookie and no answer."""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
from pathlib import Path

from conftest import FLOWS, ROOT
from fake_telegram import FakeTelegram
from test_telegram_process import bot_env
from web_driver import browser

WAIT = 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def until_serving(port: int, proc: asyncio.subprocess.Process) -> None:
    async with asyncio.timeout(WAIT):
        while True:
            assert proc.returncode is None, "the process stopped"
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                return
            except OSError:
                await asyncio.sleep(0.1)


async def one_answer(url: str) -> str:
    async with browser(url) as parent:
        page = await parent.start()
        answered = await parent.answer(page)
        assert answered.status == 200 and answered.seq != page.seq
        return next(c.value for c in parent.session.cookie_jar if c.key == "chat")


async def stop(proc: asyncio.subprocess.Process) -> str:
    proc.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(proc.wait(), WAIT) == 0
    assert proc.stderr is not None
    return (await proc.stderr.read()).decode()


async def test_web_serves_the_chat_alone_and_stops_cleanly(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(  # plain http on loopback: a Secure cookie would not come back
        f"flows: {FLOWS}\nstorage: {{path: db.sqlite3}}\nweb: {{secure_cookie: false}}\n"
    )
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "web", "--port", str(port), "--config", str(config),
        cwd=ROOT, env=bot_env("unused"), stderr=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        await until_serving(port, proc)
        cookie = await one_answer(f"http://127.0.0.1:{port}")
        log = await stop(proc)
    finally:
        if proc.returncode is None:
            proc.kill()
        await proc.wait()
    assert "web chat listening on 127.0.0.1 port" in log and "Traceback" not in log
    assert cookie not in log and "Mozilla" not in log and "Python/" not in log
    assert (tmp_path / "db.sqlite3").exists()


async def test_run_serves_telegram_and_the_web_chat_together(tmp_path: Path) -> None:
    port = free_port()
    async with FakeTelegram() as tg:
        config = tmp_path / "config.yaml"
        config.write_text(
            f"flows: {FLOWS}\ndefault_flow: community_hub\nstorage: {{path: db.sqlite3}}\n"
            f"telegram:\n  api_base_url: {tg.base_url}\n  poll_timeout: 1\n"
            f"web:\n  enabled: true\n  port: {port}\n  secure_cookie: false\n"
        )
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--config", str(config),
            cwd=ROOT, env=bot_env(tg.token), stderr=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        try:
            await tg.wait_for(lambda: tg.commands, WAIT, "the bot to register its commands")
            tg.send_text(1, "/start")
            await until_serving(port, proc)
            await one_answer(f"http://127.0.0.1:{port}")
            await tg.wait_for(lambda: tg.pending_updates() == 0, WAIT, "the /start to be handled")
            log = await stop(proc)
        finally:
            if proc.returncode is None:
                proc.kill()
            await proc.wait()
    assert "polling for updates" in log and "web chat listening" in log
    assert "Traceback" not in log
