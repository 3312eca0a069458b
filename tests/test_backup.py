"""`python -m bot backup`: a consistent copy of the live database while another connection keeps
writing in WAL mode, made with SQLite's online backup API; never over an existing file unless
--force."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import FLOWS, ROOT, SEALER

from bot.errors import BackupError
from bot.storage.backup import backup_database
from bot.storage.store import Store


def write_config(tmp_path: Path) -> Path:
    config = tmp_path / "config.yaml"
    config.write_text(
        f"flows: {FLOWS}\ndefault_flow: community_hub\nstorage: {{path: db.sqlite3}}\n"
    )
    return config


async def make_database(path: Path) -> None:
    """The product's own schema, as the bot creates it (WAL mode)."""
    store = await Store.open(path, SEALER)
    await store.db.execute(
        "INSERT INTO flow_versions (hash, flow_id, version, source, first_seen) "
        "VALUES ('h', 'community_hub', '1', '', '2026-11-01')"
    )
    await store.close()


def add_response(conn: sqlite3.Connection, n: int) -> None:
    conn.execute(
        "INSERT INTO responses (flow_id, flow_hash, respondent, status, language, started) "
        "VALUES ('community_hub', 'h', ?, 'complete', 'en', '2026-11')",
        (f"r{n}",),
    )


def writer(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 5000")
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    return conn


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)  # fmt: skip


def check(copy: Path) -> list[str]:
    """The copy opens on its own (no -wal beside it), passes integrity_check; its respondents."""
    assert not Path(f"{copy}-wal").exists()
    with sqlite3.connect(f"{copy.resolve().as_uri()}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        rows = conn.execute("SELECT respondent FROM responses ORDER BY id").fetchall()
    return [r for (r,) in rows]


async def test_a_copy_while_another_connection_writes_is_consistent(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    await make_database(db)
    conn = writer(db)
    for n in range(200):  # committed, still in the WAL (never checkpointed)
        add_response(conn, n)
    assert Path(f"{db}-wal").stat().st_size > 0
    stop = threading.Event()
    written = [200]

    def keep_writing() -> None:
        other = writer(db)
        while not stop.is_set():
            try:
                other.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:
                continue
            add_response(other, written[0])
            other.execute("COMMIT")
            written[0] += 1
        other.close()

    thread = threading.Thread(target=keep_writing)
    thread.start()
    try:
        while written[0] < 300:  # the writer is well under way
            time.sleep(0.001)
        before = written[0]
        done = backup_database(db, tmp_path / "copy.sqlite3")
        after = written[0]
    finally:
        stop.set()
        thread.join()
    conn.close()
    respondents = check(done.path)
    # Every row committed before the copy, in order, none missing in between: one snapshot.
    assert before <= len(respondents) <= after + 1
    assert respondents == [f"r{n}" for n in range(len(respondents))]
    assert done.responses == len(respondents)
    assert stat.S_IMODE(done.path.stat().st_mode) == 0o600
    assert not list(tmp_path.glob(".copy.sqlite3.partial-*"))


async def test_a_transaction_open_during_the_copy_is_not_in_it(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    await make_database(db)
    conn = writer(db)
    add_response(conn, 0)
    conn.execute("BEGIN IMMEDIATE")  # the bot in the middle of a write
    add_response(conn, 1)
    done = backup_database(db, tmp_path / "copy.sqlite3")
    conn.execute("COMMIT")
    conn.close()
    assert check(done.path) == ["r0"]


async def test_backup_command_refuses_to_overwrite_unless_forced(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    db = tmp_path / "db.sqlite3"
    await make_database(db)
    conn = writer(db)  # the bot is running: its last answers are only in the WAL
    add_response(conn, 0)
    out = tmp_path / "backups" / "nightly.sqlite3"

    first = run_cli("backup", "--config", str(config), "--out", str(out))
    assert first.returncode == 0, first.stderr
    assert ": 1 response, " in first.stderr and "integrity check ok" in first.stderr
    assert check(out) == ["r0"]

    add_response(conn, 1)
    again = run_cli("backup", "--config", str(config), "--out", str(out))
    assert again.returncode == 1
    assert again.stderr.strip() == (
        f"Error: {out} already exists: choose another file, or add --force"
    )
    assert check(out) == ["r0"]  # untouched

    forced = run_cli("backup", "--config", str(config), "--out", str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    assert check(out) == ["r0", "r1"]
    conn.close()
    for done in (first, again, forced):
        assert "Traceback" not in done.stdout + done.stderr


async def test_backup_refuses_the_database_itself_and_a_missing_one(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    missing = run_cli("backup", "--config", str(config), "--out", str(tmp_path / "b.sqlite3"))
    assert missing.returncode == 1
    assert "no database at" in missing.stderr and "Traceback" not in missing.stderr
    db = tmp_path / "db.sqlite3"
    await make_database(db)
    writer(db).close()
    for target in (db, Path(f"{db}-wal"), tmp_path / "." / "db.sqlite3"):
        with pytest.raises(BackupError, match="live database itself"):
            backup_database(db, target, force=True)
    assert db.stat().st_size > 0


async def test_the_copy_is_the_product_database(tmp_path: Path) -> None:
    """A restored copy opens as the bot's store, with its answers."""
    db = tmp_path / "db.sqlite3"
    await make_database(db)
    conn = writer(db)
    add_response(conn, 7)
    conn.close()
    done = backup_database(db, tmp_path / "restore" / "db.sqlite3")
    store = await Store.open(done.path, SEALER)
    try:
        async with store.db.execute("SELECT respondent FROM responses") as cursor:
            assert await cursor.fetchall() == [("r7",)]
    finally:
        await store.close()
