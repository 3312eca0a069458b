"""The real `python -m bot run` process: refuses to start without secrets, and survives kill -9
in the middle of many parents' conversations with every answer stored exactly once."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from conftest import CONTACT_KEY, DATA, FLOWS, ROOT, load_flow
from fake_telegram import FakeTelegram
from tg_driver import expected_answers, simulate_parent

PARENTS = 24
CLOSING = "Thank you for your time"


def write_config(tmp_path: Path, base_url: str, default_flow: str = "community_hub") -> Path:
    config = tmp_path / "config.yaml"
    config.write_text(
        f"flows: {FLOWS}\ndefault_flow: {default_flow}\nstorage: {{path: db.sqlite3}}\n"
        f"telegram:\n  api_base_url: {base_url}\n  poll_timeout: 1\n"
        "  rate_limit: {overall_per_second: 0, per_chat_burst: 0}\n"
    )
    return config


def bot_env(token: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    if token:
        env |= {
            "TELEGRAM_BOT_TOKEN": token,
            "BOT_PSEUDONYM_KEY": "p" * 40,
            "BOT_CONTACT_KEY": CONTACT_KEY.decode(),
        }
    return env


async def refused_webhook_run(
    tg: FakeTelegram, config: Path, env: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], int]:
    """`bot run --webhook` as a process meant to stop before it contacts Telegram: what it
    printed and exited with, and how many Bot API calls it made."""
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "run", "--webhook", "--config", str(config)],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=60,
    )  # fmt: skip
    return done, len(tg.calls)


@asynccontextmanager
async def bot_process(
    config: Path, token: str, log: Path | None = None
) -> AsyncIterator[asyncio.subprocess.Process]:
    stderr = log.open("ab") if log else asyncio.subprocess.PIPE
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--config",
        str(config),
        cwd=ROOT,
        env=bot_env(token),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=stderr,
    )
    try:
        yield proc
    finally:
        if proc.returncode is None:
            proc.kill()
        await proc.wait()
        if log:
            stderr.close()  # type: ignore[union-attr]


def test_run_refuses_to_start_without_a_token_or_key(tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9/bot")
    no_token = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--config", str(config)],
        capture_output=True,
        text=True,
        env=bot_env(None),
        cwd=ROOT,
        timeout=60,
    )
    assert no_token.returncode == 1
    assert no_token.stderr.strip() == (
        "Error: Set TELEGRAM_BOT_TOKEN to the token BotFather gave you (see README: Telegram)."
    )
    env = bot_env(None) | {"TELEGRAM_BOT_TOKEN": "123:abc"}
    no_key = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--config", str(config)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert no_key.returncode == 1
    assert no_key.stderr.startswith("Error: Set BOT_PSEUDONYM_KEY to a long random secret")
    assert "Traceback" not in no_token.stderr + no_key.stderr


async def test_a_wrong_token_is_one_sentence_and_never_printed(tmp_path: Path) -> None:
    wrong = "654321:WRONG-token_never-to-be-printed"
    async with FakeTelegram() as tg:  # answers 401 Unauthorized to any other token
        config = write_config(tmp_path, tg.base_url)
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--config", str(config), cwd=ROOT,
            env=bot_env(wrong), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await asyncio.wait_for(proc.communicate(), 30)
    output = (out + err).decode()
    assert proc.returncode == 1
    assert output.strip() == (
        "Error: Telegram refused the bot token: check TELEGRAM_BOT_TOKEN (from @BotFather)."
    )
    for part in (wrong, *wrong.split(":"), "WRONG"):
        assert part not in output


async def test_sigterm_shuts_down_cleanly(tmp_path: Path) -> None:
    async with FakeTelegram() as tg:
        config = write_config(tmp_path, tg.base_url)
        async with bot_process(config, tg.token) as proc:
            await tg.wait_for(lambda: tg.commands, 20, "the bot to register its commands")
            tg.send_text(1, "/start")
            await tg.wait_for(lambda: tg.pending_updates() == 0, 20, "the /start to be handled")
            proc.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(proc.wait(), 20) == 0
            assert proc.stderr is not None
            log = (await proc.stderr.read()).decode()
        assert "Traceback" not in log and "polling for updates" in log
        assert "123456" not in log  # the token (and so no httpx request lines) never logged


async def test_kill_9_during_many_parents_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    flow = load_flow(FLOWS / "community_hub.yaml")
    expected = expected_answers(flow, datetime.now(UTC))
    async with FakeTelegram() as tg:
        config = write_config(tmp_path, tg.base_url)
        parents = [
            asyncio.create_task(simulate_parent(tg, 5000 + n, CLOSING, 90)) for n in range(PARENTS)
        ]
        db = tmp_path / "db.sqlite3"
        kills = 0
        log = tmp_path / "bot.log"
        for _ in range(2):  # kill it twice, at different points
            async with bot_process(config, tg.token, log) as proc:
                target = (kills + 1) * PARENTS * len(expected) // 3
                await tg.wait_for(lambda t=target: count(db) >= t, 60, f"{target} answers stored")
                proc.send_signal(signal.SIGKILL)
                await proc.wait()
                kills += 1
        async with bot_process(config, tg.token, log):
            try:
                actions = await asyncio.wait_for(asyncio.gather(*parents), 120)
            except TimeoutError as exc:
                with sqlite3.connect(db) as conn:
                    states = conn.execute("SELECT state FROM sessions").fetchall()
                stuck = [s for (s,) in states if '"complete"' not in s]
                raise AssertionError(
                    f"{exc}\npending: {tg.pending_updates()}\nsessions: {stuck}\n"
                    f"bot log:\n{log.read_text()[-1500:]}"
                ) from exc
        assert all(a > 0 for a in actions)
    with sqlite3.connect(db) as conn:
        responses = conn.execute("SELECT respondent, status, id FROM responses").fetchall()
        assert len(responses) == PARENTS
        assert len({r[0] for r in responses}) == PARENTS  # one response per parent, no duplicate
        assert {r[1] for r in responses} == {"complete"}
        for _, _, response_id in responses:
            stored = dict(
                conn.execute(
                    "SELECT question_id, value FROM answers WHERE response_id = ?", (response_id,)
                ).fetchall()
            )
            assert stored == expected


def count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM answers").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


async def test_a_contact_opt_in_reaches_the_agency_by_email(tmp_path: Path) -> None:
    from test_outbox import Agency

    flows = tmp_path / "flows"
    flows.mkdir()
    shutil.copy(DATA / "every_type.yaml", flows / "every_type.yaml")
    agency = Agency()
    agency.start()
    try:
        async with FakeTelegram() as tg:
            config = tmp_path / "config.yaml"
            config.write_text(
                f"flows: {flows}\ndefault_flow: every_type\nstorage: {{path: db.sqlite3}}\n"
                f"telegram:\n  api_base_url: {tg.base_url}\n  poll_timeout: 1\n"
                "  rate_limit: {overall_per_second: 0, per_chat_burst: 0}\n"
                f"agency: {{host: 127.0.0.1, port: {agency.port}, starttls: false, "
                "to: interviews@agency.example.org, gather_minutes: 0}\n"
            )
            async with bot_process(config, tg.token):
                await tg.wait_for(lambda: tg.commands, 20, "the bot to start")
                for step in (
                    "/start",
                    "tap:Yes",
                    "tap:Ludlow",
                    "tap:▫️ Birth",
                    "tap:✔️ Done",
                    "tap:Always",
                    "tap:Good",
                    "tap:Skip ▶️",
                    "tap:Prefer not to say",
                    "tap:Skip ▶️",
                    "tap:Yes",
                    "Robin",
                    "07700 900321",
                    "tap:Skip ▶️",
                    "tap:Evening",
                ):
                    if step.startswith("tap:"):
                        label = step[4:]
                        await tg.wait_for(lambda lb=label: _has_button(tg, 77, lb), 20, label)
                        tg.press_label(77, label)
                    else:
                        tg.send_text(77, step)
                    await tg.wait_for(lambda: tg.pending_updates() == 0, 20, step)
                    await tg.wait_for(lambda: _inbox(tmp_path / "db.sqlite3") == 0, 20, step)
                await tg.wait_for(lambda: agency.inbox.messages, 20, "the agency's email")
                await tg.wait_for(lambda: _outbox(tmp_path / "db.sqlite3") == 0, 20, "outbox empty")
        (email,) = agency.inbox.messages
        body = email.get_content()
        assert email["To"] == "interviews@agency.example.org"
        assert "Robin" in body and "+44 7700 900321" in body and "Evening" in body
        assert "Ludlow" in body  # the one answer this flow shares, as its consent text says
    finally:
        agency.stop()


def _inbox(db: Path) -> int:
    """Updates received and not yet answered."""
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM inbox").fetchone()[0])
    except sqlite3.OperationalError:
        return 1


def _has_button(tg: FakeTelegram, user: int, label: str) -> bool:
    last = tg.last_message(user)
    return (
        any(text == label for m in tg.chat(user)[-2:] for text, _ in m.buttons) if last else False
    )


def _outbox(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM outbox").fetchone()[0])
