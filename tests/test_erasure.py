"""Deleted means gone whoever is reading: a parent's `/delete` (and the retention windows) while
staff export, report or back up, read as an attacker with a copy of the files would: the raw
bytes of the database file, its WAL and its shared memory."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import DATA, ROOT, SEALER, make_config, make_service

from bot.conversation import events as ev
from bot.service import Service
from bot.storage import reading
from bot.storage.store import Store

TYPED = "zqxjvk lanterns"  # a typed answer no redactor touches
KEPT = "qvwxzj kettles"  # another parent's, kept
DEADLINE = 15.0  # seconds: how long the cleanup may take once the reader has gone


def raw(db: Path) -> dict[str, bytes]:
    """Every file SQLite writes for this database: main file, WAL and shared memory."""
    return {p.name: p.read_bytes() for p in db.parent.glob(db.name + "*")}


def holding(db: Path, *secrets: bytes) -> list[str]:
    """The files in which any of `secrets` can be read."""
    return sorted(name for name, data in raw(db).items() if any(s in data for s in secrets))


async def gone_within(db: Path, secrets: tuple[bytes, ...], seconds: float = DEADLINE) -> None:
    deadline = time.monotonic() + seconds
    while found := holding(db, *secrets):
        assert time.monotonic() < deadline, f"still in {found} after {seconds} s"
        await asyncio.sleep(0.05)


async def service_on(tmp_path: Path, store: Store) -> Service:
    flows = tmp_path / "flows"
    flows.mkdir(exist_ok=True)
    shutil.copy(DATA / "every_type.yaml", flows / "every_type.yaml")
    config = make_config(tmp_path, flows=flows, default_flow="every_type")
    return await make_service(store, config, redact=lambda text: text)


async def answer_typed(service: Service, who: str, typed: str = TYPED) -> None:
    await service.handle(who, ev.Start())
    await service.handle(who, ev.Reply("1"))  # consent
    await service.handle(who, ev.Reply("3"))  # somewhere else: "Where was it?"
    await service.handle(who, ev.Reply(typed))


@contextmanager
def reader_in_this_process(db: Path) -> Iterator[None]:
    """A staff export's connection, mid-read: a read transaction on a snapshot from before."""
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    conn.execute("BEGIN")
    conn.execute("SELECT count(*) FROM answers").fetchone()
    try:
        yield
    finally:
        conn.execute("ROLLBACK")
        conn.close()


READER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], uri=True, isolation_level=None)
conn.execute("BEGIN")
print(conn.execute("SELECT count(*) FROM answers").fetchone()[0], flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
conn.close()
"""


@contextmanager
def reader_in_another_process(db: Path) -> Iterator[subprocess.Popen[str]]:
    """`bot export` (or anything else) in another process, holding a read transaction open."""
    uri = f"{db.resolve().as_uri()}?mode=ro"
    proc = subprocess.Popen(
        [sys.executable, "-c", READER, uri],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin and proc.stdout
    try:
        assert proc.stdout.readline().strip().isdigit()  # reading, in its transaction
        yield proc
    finally:
        proc.stdin.close()  # the reader ends its transaction and goes
        proc.wait(timeout=10)
        proc.stdout.close()


@pytest.mark.parametrize("where", ["this process", "another process"])
async def test_erased_while_a_reader_is_open_is_gone_from_every_file_once_it_closes(
    tmp_path: Path, where: str
) -> None:
    store = await Store.open(tmp_path / "feedback.sqlite3", SEALER)
    try:
        service = await service_on(tmp_path, store)
        who = "parent-to-forget"
        await answer_typed(service, who)
        await answer_typed(service, "parent-who-stays", KEPT)
        secrets = (TYPED.encode(), who.encode())
        assert holding(store.path, *secrets)  # the test can see them
        reader = reader_in_this_process if where == "this process" else reader_in_another_process
        with reader(store.path):
            started = time.monotonic()
            erased = await service.erase(who)
            assert time.monotonic() - started < 1.0  # the parent is answered at once
            assert erased.responses == 1
            await asyncio.sleep(0.5)  # a while, the reader still reading
            assert holding(store.path, *secrets)  # the reader holds the cleanup off
        await gone_within(store.path, secrets)
        assert not await store.scrubbing()
        with sqlite3.connect(store.path) as conn:  # the other parent's answers are all there
            assert conn.execute("SELECT count(*) FROM responses").fetchone() == (1,)
            values = [v for (v,) in conn.execute("SELECT value FROM answers")]
            assert json.dumps(KEPT) in values
    finally:
        await store.close()


async def test_retention_while_a_reader_is_open_cleans_up_once_it_closes(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "feedback.sqlite3", SEALER)
    try:
        service = await service_on(tmp_path, store)
        await answer_typed(service, "old-parent")
        with reader_in_another_process(store.path):
            done = await store.retention.purge(
                service.clock().date().replace(year=2030),
                retention_days=730,
                forget_sessions_after_days=44,
            )
            assert done.deleted == 1
            assert holding(store.path, TYPED.encode())  # the reader holds the cleanup off
        await gone_within(store.path, (TYPED.encode(), b"old-parent"))
        assert not await store.scrubbing()
    finally:
        await store.close()


def chat(config: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "chat", "--live", "--config", str(config)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT,
        env=env,
    )  # fmt: skip


def read_until(proc: subprocess.Popen[bytes], seen: bytearray, want: bytes) -> None:
    assert proc.stdout is not None
    os.set_blocking(proc.stdout.fileno(), False)
    deadline = time.monotonic() + 30
    while want not in seen:
        assert time.monotonic() < deadline, seen.decode(errors="replace")
        seen += proc.stdout.read() or b""
        time.sleep(0.01)


def test_a_kill_9_between_erasure_and_cleanup_is_cleaned_up_by_the_next_start(
    tmp_path: Path,
) -> None:
    """The real bot process erases while another process reads, and is killed (SIGKILL) before
    the cleanup could get through; the reader goes; the restarted bot finishes the cleanup."""
    (tmp_path / "flows").mkdir()
    shutil.copy(DATA / "every_type.yaml", tmp_path / "flows" / "every_type.yaml")
    config = tmp_path / "config.yaml"
    config.write_text("flows: flows\ndefault_flow: every_type\nstorage: {path: db.sqlite3}\n")
    db = tmp_path / "db.sqlite3"
    env = {**os.environ, "BOT_PSEUDONYM_KEY": "k" * 32, "PYTHONUNBUFFERED": "1"}
    bot = chat(config, env)
    seen = bytearray()
    assert bot.stdin is not None
    try:
        for typed in ("1", "3", TYPED):
            read_until(bot, seen, b"\n> ")
            del seen[:]
            bot.stdin.write(typed.encode() + b"\n")
            bot.stdin.flush()
        read_until(bot, seen, b"\n> ")  # the next question: the answer is stored
        assert holding(db, TYPED.encode())
        with reader_in_another_process(db):
            bot.stdin.write(b"delete\n")
            bot.stdin.flush()
            read_until(bot, seen, b"\n> ")
            bot.stdin.write(b"yes\n")
            bot.stdin.flush()
            read_until(bot, seen, b"Deleted")
            bot.send_signal(signal.SIGKILL)
            bot.wait(timeout=10)
        with sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True) as conn:
            assert conn.execute("SELECT count(*) FROM responses").fetchone() == (0,)
        assert holding(db, TYPED.encode())  # killed before the cleanup: still on disk
    finally:
        if bot.poll() is None:
            bot.send_signal(signal.SIGKILL)
            bot.wait(timeout=10)
        bot.stdin.close()
        assert bot.stdout is not None
        bot.stdout.close()
    again = chat(config, env)  # started again, and left waiting at its first question
    try:
        deadline = time.monotonic() + DEADLINE
        while found := holding(db, TYPED.encode()):
            assert time.monotonic() < deadline, f"still in {found} after the restart"
            time.sleep(0.05)
        assert again.poll() is None  # cleaned up by the running bot, not by its exit
    finally:
        again.send_signal(signal.SIGKILL)
        again.wait(timeout=10)
        assert again.stdin and again.stdout
        again.stdin.close()
        again.stdout.close()


def many_responses(db: Path, count: int, answers: int) -> None:
    """A big database: `count` responses, each with `answers` answers all saying version 0."""
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT OR IGNORE INTO flow_versions VALUES ('h', 'f', '1', 'x', '2026-11-01')"
        )
        conn.executemany(
            "INSERT INTO responses (id, respondent, flow_id, flow_hash, status, language, "
            "started) VALUES (?, ?, 'f', 'h', 'partial', 'en', '2026-11')",
            ((n, f"parent-{n}") for n in range(1, count + 1)),
        )
        conn.executemany(
            "INSERT INTO answers (response_id, question_id, value) VALUES (?, ?, '0')",
            ((n, f"q{a}") for n in range(1, count + 1) for a in range(answers)),
        )


@pytest.mark.parametrize("order", ["shuffled", "by id"])
async def test_an_export_of_a_big_database_does_not_hold_off_the_cleanup_and_each_response_is_whole(
    tmp_path: Path, order: str
) -> None:
    """While an export of 3000 responses is being read (slowly, as a staff laptop might), the
    bot rewrites every answer of many responses in single commits and a parent is erased: the
    cleanup gets through before the export ends, and every exported response is whole (all its
    answers from one moment), the erased one whole or not at all."""
    store = await Store.open(tmp_path / "feedback.sqlite3", SEALER)
    many_responses(store.path, 3000, 6)
    await store.scrub()
    got: list[tuple[int, dict[str, object]]] = []
    finished = threading.Event()

    def export() -> None:
        with reading.reading(store.path) as conn:
            which = reading.Filter()
            rows = (
                reading.shuffled(conn, which, lambda places: places.reverse())
                if order == "shuffled"
                else reading.responses(conn, which)
            )
            for head, answers in rows:
                got.append((int(head[0]), answers))
                time.sleep(0.001)
        finished.set()

    exporting = asyncio.create_task(asyncio.to_thread(export))
    try:
        while len(got) < 100:
            await asyncio.sleep(0.01)
        for version in range(1, 30):  # each response's answers rewritten in one commit
            async with store.transaction() as db:
                await db.execute(
                    "UPDATE answers SET value = ? WHERE response_id % 7 = ?",
                    (str(version), version % 7),
                )
        await store.db.execute(
            "UPDATE answers SET value = ? WHERE response_id = 2999", (json.dumps(TYPED),)
        )
        await store.retention.erase("parent-2999")
        await gone_within(store.path, (TYPED.encode(),), seconds=10)
        assert not finished.is_set()  # cleaned up while the export was still reading
        await exporting
    finally:
        await store.close()
    ids = [response_id for response_id, _ in got]
    assert len(ids) == len(set(ids))
    assert set(range(1, 3001)) - {2999} <= set(ids) <= set(range(1, 3001))
    if order == "by id":
        assert ids == sorted(ids)
    else:
        assert ids != sorted(ids)
    mixed = {n: a for n, a in got if len(set(map(str, a.values()))) != 1 or len(a) != 6}
    assert mixed == {}


async def test_a_backup_running_during_an_erasure_holds_the_cleanup_off_only_while_it_copies(
    tmp_path: Path,
) -> None:
    """`bot backup` copies in one snapshot (SQLite's backup API): the erasure's cleanup waits
    for that copy only, then gets through; the copy is whole, from before or after."""
    from bot.storage.backup import backup_database

    store = await Store.open(tmp_path / "feedback.sqlite3", SEALER)
    many_responses(store.path, 20_000, 6)
    await store.db.execute(
        "UPDATE answers SET value = ? WHERE response_id = 7", (json.dumps(TYPED),)
    )
    await store.scrub()
    try:
        copying = asyncio.create_task(
            asyncio.to_thread(backup_database, store.path, tmp_path / "copy.sqlite3")
        )
        await asyncio.sleep(0.01)
        started = time.monotonic()
        await store.retention.erase("parent-7")
        assert time.monotonic() - started < 1.0
        await gone_within(store.path, (TYPED.encode(),), seconds=10)
        done = await copying
    finally:
        await store.close()
    assert done.responses in (20_000, 19_999)
    with sqlite3.connect(done.path) as conn:
        answers = conn.execute("SELECT count(*) FROM answers WHERE response_id = 7").fetchone()
    assert answers == ((6,) if done.responses == 20_000 else (0,))
