"""Replies owed: parents whose update is stored but was confirmed to Telegram before its reply
went out. Each row holds the update id and the sealed chat to answer, and lives only until that
reply is sent (or, after a crash, until the restarted bot has shown the parent where they are).
Written by earlier versions only: read once after an upgrade."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.storage.store import Store


class OwedReplies:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def settle(self, update_ids: Iterable[int]) -> None:
        """Those replies went out: forget them (secure_delete zeroes the rows)."""
        async with self._store.transaction() as db:
            await db.executemany(
                "DELETE FROM owed_replies WHERE update_id = ?", ((i,) for i in update_ids)
            )

    async def all(self) -> list[tuple[int, bytes]]:
        """Every reply still owed, oldest update first."""
        rows = await self._store.db.execute_fetchall(
            "SELECT update_id, sealed FROM owed_replies ORDER BY update_id"
        )
        return [(int(r[0]), bytes(r[1])) for r in rows]
