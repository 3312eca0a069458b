"""The Telegram inbox: each update kept, sealed, from the moment it is received until it has been
answered, so Telegram can be told at once that it was received and no crash, outage or shutdown
loses it. Rows are deleted once answered (secure_delete zeroes them), together with the reply the
update's step left owed."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.storage.store import Store


#: An update's reply is no longer owed (shown whole, or its update forgotten).
CLEAR_REPLY = (
    "UPDATE processed_updates SET reply = NULL, shown = 0 "
    "WHERE update_id = ? AND mark = ? AND reply IS NOT NULL"
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

        def delete(conn: sqlite3.Connection) -> None:
            conn.executemany("DELETE FROM inbox WHERE id = ?", ((row,) for row, _, _ in done))
            conn.executemany(CLEAR_REPLY, ((update_id, mark) for _, update_id, mark in done))

        await self._store.writer.write(delete)

    async def all_shown(self, update_id: int, mark: str) -> None:
        """The update's whole reply has been shown: a restart before its row is deleted shows
        none of it again."""

        def clear(conn: sqlite3.Connection) -> None:
            conn.execute(CLEAR_REPLY, (update_id, mark))

        await self._store.writer.write(clear)

    async def shown(self, update_id: int, mark: str, count: int) -> None:
        """The first `count` events of the update's reply have been shown."""

        def mark_shown(conn: sqlite3.Connection) -> None:
            conn.execute(
                "UPDATE processed_updates SET shown = ? WHERE update_id = ? AND mark = ?",
                (count, update_id, mark),
            )

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
        value = await self._store._scalar("SELECT max(update_id) FROM processed_updates")
        return int(str(value)) if value is not None else None
