"""Group commit: steps of many parents share one transaction, each all or nothing on its own."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from conftest import SEALER

from bot.storage.store import Store


def insert(update_id: int) -> object:
    def step(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO processed_updates (receipt, day) VALUES (?, '2026-12-03')",
                     (str(update_id),))  # fmt: skip

    return step


def half_then_fail(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO processed_updates (receipt, day) VALUES ('99', '2026-12-03')")
    raise ValueError("this step fails after writing")


async def test_steps_waiting_together_share_a_commit_and_fail_alone(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "db.sqlite3", SEALER)
    try:
        async with store._writing:  # hold the writer so that every step queues behind it
            writes = [asyncio.ensure_future(store.writer.write(insert(n))) for n in range(1, 6)]
            failing = asyncio.ensure_future(store.writer.write(half_then_fail))
            await asyncio.sleep(0.05)
            assert not any(w.done() for w in writes)  # nothing is reported stored before commit
        await asyncio.gather(*writes)
        with pytest.raises(ValueError, match="fails after writing"):
            await failing
        assert store.writer.commits == 1 and store.writer.steps == 6
    finally:
        await store.close()
    with sqlite3.connect(tmp_path / "db.sqlite3") as conn:
        ids = [r[0] for r in conn.execute("SELECT receipt FROM processed_updates ORDER BY 1")]
    assert ids == ["1", "2", "3", "4", "5"]  # the failing step's own row was undone, no one else's


async def test_one_step_alone_is_committed_at_once(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "db.sqlite3", SEALER)
    try:
        await store.writer.write(insert(7))
        with sqlite3.connect(tmp_path / "db.sqlite3") as other:  # another process's view
            assert other.execute("SELECT receipt FROM processed_updates").fetchall() == [("7",)]
    finally:
        await store.close()
