"""The Telegram inbox: each update kept, sealed, from the moment it is received until it has been
answered, so Telegram can be told at once that it was received and no crash, outage or shutdown
loses it. Rows are deleted once answered (secure_delete zeroes them), together with the reply the
update's step left owed."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.storage.scrub import OWE_SCRUB

if TYPE_CHECKING:
    from bot.storage.store import Store


#: An update's reply is no longer owed (shown whole, or its update forgotten).
CLEAR_REPLY = (
    "UPDATE processed_updates SET reply = NULL, shown = 0 WHERE receipt = ? AND reply IS NOT NULL"
)
#: The highest update id answered, to notice Telegram numbering afresh: kept apart from every
#: step (written when inbox rows are forgotten, long after their steps' commits).
NUMBERING = (
    "INSERT INTO update_numbering (id, highest) VALUES (1, ?) "
    "ON CONFLICT (id) DO UPDATE SET highest = max(highest, excluded.highest)"
)


@dataclass(frozen=True)
class Kept:
    """An update in the inbox: its row, Telegram's id for it, its mark and its sealed body."""

    row: int
    update_id: int
    mark: str
    sealed: bytes


class Inbox:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def keep(self, updates: Sequence[tuple[int, str, bytes]]) -> list[int | None]:
        """Keep these (update id, mark, sealed) in one commit; durable when this returns. The
        row of each, or None for one already kept (Telegram sent it again)."""
        rows: list[int | None] = []

        def insert(conn: sqlite3.Connection) -> None:
            rows.clear()  # a retried step starts again
            for update_id, mark, sealed in updates:
                cursor = conn.execute(
                    "INSERT OR IGNORE INTO inbox (update_id, mark, sealed) VALUES (?, ?, ?)",
                    (update_id, mark, sealed),
                )
                rows.append(cursor.lastrowid if cursor.rowcount == 1 else None)

        await self._store.writer.write(insert)
        return rows

    async def answered(self, done: Sequence[tuple[int, int, str]]) -> None:
        """Forget these (row, update id, mark): answered, their replies shown."""
        keys = [(self._store.receipt_key(update_id, mark),) for _, update_id, mark in done]
        highest = max((update_id for _, update_id, _ in done), default=None)

        def delete(conn: sqlite3.Connection) -> None:
            conn.executemany("DELETE FROM inbox WHERE id = ?", ((row,) for row, _, _ in done))
            conn.executemany(CLEAR_REPLY, keys)
            if highest is not None:
                conn.execute(NUMBERING, (highest,))

        await self._store.writer.write(delete)

    async def all_shown(self, update_id: int, mark: str) -> None:
        """The update's whole reply has been shown: a restart before its row is deleted shows
        none of it again."""

        key = self._store.receipt_key(update_id, mark)

        def clear(conn: sqlite3.Connection) -> None:
            conn.execute(CLEAR_REPLY, (key,))

        await self._store.writer.write(clear)

    async def shown(self, update_id: int, mark: str, count: int) -> None:
        """The first `count` events of the update's reply have been shown."""

        key = self._store.receipt_key(update_id, mark)

        def mark_shown(conn: sqlite3.Connection) -> None:
            conn.execute("UPDATE processed_updates SET shown = ? WHERE receipt = ?", (count, key))

        await self._store.writer.write(mark_shown)

    async def waiting(self) -> list[Kept]:
        """Every update not yet answered, in the order received."""
        rows = await self._store.db.execute_fetchall(
            "SELECT id, update_id, mark, sealed FROM inbox ORDER BY id"
        )
        return [Kept(int(r[0]), int(r[1]), str(r[2]), bytes(r[3])) for r in rows]

    async def highest_seen(self) -> int | None:
        """The highest update id this database has answered (to notice Telegram restarting
        its numbering)."""
        value = await self._store._scalar(
            "SELECT max(highest) FROM (SELECT highest FROM update_numbering "
            "UNION ALL SELECT max(update_id) FROM inbox)"
        )
        return int(str(value)) if value is not None else None

    async def hide_plain_receipts(self) -> None:
        """Updates stored before they were known by a keyed hash (kept as 'plain ID MARK' by
        the migration): hashed, once the keys are here; then the old copies are cleaned up."""
        if self._store.sealer is None:
            return
        rows = await self._store.db.execute_fetchall(
            "SELECT receipt FROM processed_updates WHERE receipt LIKE 'plain %'"
        )
        if not rows:
            return
        renamed = []
        for (plain,) in rows:
            _, update_id, mark = str(plain).split(" ", 2)
            renamed.append((self._store.receipt_key(int(update_id), mark), plain))
        async with self._store.transaction() as db:
            await db.executemany(
                "UPDATE processed_updates SET receipt = ? WHERE receipt = ?", renamed
            )
            await db.execute(OWE_SCRUB)
