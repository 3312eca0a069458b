"""The files in deploy/: the systemd units pass `systemd-analyze verify`, their command lines work
as written (paths moved into a temporary folder), and secrets.env.example lists every secret the
bot reads, with placeholders the bot refuses."""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from conftest import CONTACT_KEY, FLOWS, ROOT
from fake_telegram import FakeTelegram

DEPLOY = ROOT / "deploy"
UNITS = {  # as docs/deploy.md installs them
    "feedback-bot.service": "feedback-bot.service",
    "backup.service": "feedback-bot-backup.service",
    "backup.timer": "feedback-bot-backup.timer",
}
VENV_PYTHON = "/opt/feedback-bot/.venv/bin/python"


def unit(name: str) -> dict[str, list[str]]:
    """Every `Key=value` of a unit file, by key (a key may repeat)."""
    found: dict[str, list[str]] = {}
    for line in (DEPLOY / name).read_text().splitlines():
        if "=" in line and not line.lstrip().startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def command(line: str, moves: dict[str, str]) -> list[str]:
    """A unit's command line as systemd runs it ($$ and %% unescaped), with paths moved."""
    for old, new in moves.items():
        line = line.replace(old, new)
    return shlex.split(line.replace("$$", "$").replace("%%", "%"))


def test_the_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    for source, installed in UNITS.items():
        text = (DEPLOY / source).read_text()
        # ExecStart must name a program that exists: the one running these tests.
        (tmp_path / installed).write_text(text.replace(VENV_PYTHON, sys.executable))
    done = subprocess.run(
        [analyze, "verify", *(str(tmp_path / name) for name in UNITS.values())],
        capture_output=True, text=True, timeout=60,
        env=os.environ | {"SYSTEMD_LOG_LEVEL": "notice"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == ""  # unknown or misspelt settings are only warned about


def test_the_service_runs_the_bot_as_its_own_user_hardened() -> None:
    service = unit("feedback-bot.service")
    assert service["User"] == ["feedbackbot"]
    assert service["EnvironmentFile"] == ["/etc/feedback-bot/secrets.env"]
    assert service["ExecStart"] == [
        f"{VENV_PYTHON} -m bot run --config /etc/feedback-bot/config.yaml"
    ]
    assert service["Restart"] == ["on-failure"]
    assert service["TimeoutStopSec"] == ["10"]  # the bot exits within it (docs/deploy.md)
    for setting, value in {
        "NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes",
        "PrivateTmp": "yes", "ReadWritePaths": "/var/lib/feedback-bot",
    }.items():  # fmt: skip
        assert service[setting] == [value]
    backup = unit("backup.service")
    assert "EnvironmentFile" not in backup  # a backup needs no secrets
    assert backup["User"] == ["feedbackbot"]
    # The timer starts the service of its own name, as installed.
    assert "Unit" not in unit("backup.timer")
    assert UNITS["backup.timer"].removesuffix(".timer") == UNITS["backup.service"].removesuffix(
        ".service"
    )


def secrets_read_by_the_bot() -> set[str]:
    names = set()
    for path in (ROOT / "bot").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        names |= set(re.findall(r'^[A-Z_]*ENV[A-Z_]* = "([A-Z][A-Z0-9_]+)"', text, re.M))
        names |= set(re.findall(r'os\.environ(?:\.get)?[\[(]"([A-Z][A-Z0-9_]+)"', text))
        names |= set(re.findall(r'os\.getenv\("([A-Z][A-Z0-9_]+)"', text))
    return names


def example_secrets() -> dict[str, str]:
    lines = (DEPLOY / "secrets.env.example").read_text().splitlines()
    pairs = [line.split("=", 1) for line in lines if line.strip() and not line.startswith("#")]
    return {key: value for key, value in pairs}


def test_the_secrets_example_lists_every_secret_the_bot_reads() -> None:
    read = secrets_read_by_the_bot()
    assert {"TELEGRAM_BOT_TOKEN", "BOT_PSEUDONYM_KEY", "BOT_CONTACT_KEY"} <= read
    assert set(example_secrets()) == read
    assert set(example_secrets().values()) == {"CHANGE-ME"}
    readme = (ROOT / "README.md").read_text()
    for name in read:
        assert f"| `{name}` |" in readme


def test_the_bot_refuses_to_start_on_the_placeholders(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    config = tmp_path / "config.yaml"
    config.write_text(f"flows: {FLOWS}\nstorage: {{path: db.sqlite3}}\n"
                      "telegram: {api_base_url: 'http://127.0.0.1:9/bot'}\n")  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--config", str(config)],
        capture_output=True, text=True, cwd=ROOT, timeout=60, env=env | example_secrets(),
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr == (
        "Error: TELEGRAM_BOT_TOKEN is still a placeholder: set it to the token BotFather gave "
        "you (see README: Telegram).\n"
    )
    assert "CHANGE-ME" not in done.stdout + done.stderr
    assert not (tmp_path / "db.sqlite3").exists()


def server(tmp_path: Path) -> dict[str, str]:
    """The server's folders, in tmp_path: /opt/feedback-bot is this clone."""
    etc, var = tmp_path / "etc", tmp_path / "var"
    etc.mkdir()
    (var / "backups").mkdir(parents=True)
    (etc / "config.yaml").write_text(f"flows: {FLOWS}\nstorage: {{path: {var}/feedback.sqlite3}}\n")
    return {
        VENV_PYTHON: sys.executable,
        "/etc/feedback-bot": str(etc),
        "/var/lib/feedback-bot": str(var),
        "/opt/feedback-bot": str(ROOT),
    }


def test_the_backup_units_command_lines_work_as_written(tmp_path: Path) -> None:
    moves = server(tmp_path)
    var = Path(moves["/var/lib/feedback-bot"])
    with sqlite3.connect(var / "feedback.sqlite3") as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE responses (id INTEGER PRIMARY KEY)")
        conn.execute("INSERT INTO responses DEFAULT VALUES")
    old = var / "backups" / "feedback-2020-01-01.sqlite3"
    old.write_bytes(b"")
    week_ago = time.time() - 8 * 86400
    os.utime(old, (week_ago, week_ago))
    kept = var / "backups" / "notes.txt"  # only the backups themselves are pruned
    kept.write_text("")
    os.utime(kept, (week_ago, week_ago))
    service = unit("backup.service")
    for key in ("ExecStart", "ExecStartPost"):
        (line,) = service[key]
        done = subprocess.run(command(line, moves), capture_output=True, text=True,
                              cwd=ROOT, timeout=60)  # fmt: skip
        assert done.returncode == 0, f"{key}: {done.stderr}"
    made = var / "backups" / f"feedback-{date.today():%Y-%m-%d}.sqlite3"
    with sqlite3.connect(made) as conn:
        assert conn.execute("SELECT count(*) FROM responses").fetchone() == (1,)
    assert not old.exists() and kept.exists()
    assert sorted(p.name for p in (var / "backups").iterdir()) == [made.name, "notes.txt"]


async def test_the_bot_units_command_line_runs_the_bot(tmp_path: Path) -> None:
    moves = server(tmp_path)
    (line,) = unit("feedback-bot.service")["ExecStart"]
    async with FakeTelegram() as tg:
        config = Path(moves["/etc/feedback-bot"]) / "config.yaml"
        with config.open("a") as f:
            f.write(f"telegram: {{api_base_url: '{tg.base_url}', poll_timeout: 1}}\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
        env |= {"TELEGRAM_BOT_TOKEN": tg.token, "BOT_PSEUDONYM_KEY": "p" * 40,
                "BOT_CONTACT_KEY": CONTACT_KEY.decode()}  # fmt: skip
        args = command(line, moves)
        proc = await asyncio.create_subprocess_exec(
            *args, cwd=moves["/opt/feedback-bot"], env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            await tg.wait_for(lambda: tg.commands, 20, "the bot to start")
            proc.send_signal(signal.SIGTERM)  # as systemctl stop does
            assert await asyncio.wait_for(proc.wait(), 20) == 0
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    assert (Path(moves["/var/lib/feedback-bot"]) / "feedback.sqlite3").exists()
