"""Contact details on their way to the agency, and a log of counts only.

A parent's details are first *held*: written with the step that took them (so a crash loses
none), sealed under both keys, so that the agency's key alone cannot open what the WAL holds
beside that step's answers. From time to time they are *gathered* into the outbox: only once the
WAL has been checkpointed and truncated since they were written (no trace of their steps left),
all at once, in random order, resealed for the agency. An outbox row then carries a random id, an
erasure tag (so /delete can find it) and the month: nothing that links it to a response, in any
file, even for whoever holds the agency's key."""

from __future__ import annotations

import math
import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

#: Holding one contact: run inside the transaction that stores the step (storage/writer.py).
HOLD_CONTACT = "INSERT INTO held_contacts (id, erasure_tag, sealed) VALUES (?, ?, ?)"
OUTBOX_INSERT = "INSERT INTO outbox (id, erasure_tag, sealed, queued) VALUES (?, ?, ?, ?)"

if TYPE_CHECKING:
    from bot.storage.store import Store


@dataclass(frozen=True)
class Queued:
    row_id: str
    sealed: bytes
    attempts: int


@dataclass(frozen=True)
class OutboxCounts:
    queued: int
    due: int
    next_retry: float | None
    max_attempts: int
    oldest_month: str | None
    delivered_7d: int
    failed_7d: int


def _day(now: float) -> str:
    return datetime.fromtimestamp(now, UTC).date().isoformat()


class OutboxQueue:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def remove_tagged(self, erasure_tag: str) -> int:
        """Delete a parent's undelivered contacts. Runs inside the caller's transaction."""
        removed = 0
        for table in ("held_contacts", "outbox"):
            cursor = await self._store.db.execute(
                f"DELETE FROM {table} WHERE erasure_tag = ?", (erasure_tag,)
            )
            removed += cursor.rowcount
        return removed

    async def gather(self, reseal: Callable[[bytes], bytes | None], month: str) -> int | None:
        """Move the held contacts into the outbox, resealed for the agency by `reseal` (None:
        cannot be opened, left held), in random order, in one transaction. Only contacts held
        before a checkpoint that truncated the WAL are moved; None are when it cannot finish
        (a reader is open) and the next gathering tries again. How many were moved."""
        async with self._store.db.execute("SELECT id FROM held_contacts") as cursor:
            ids = [str(row[0]) async for row in cursor]
        if not ids:
            return 0
        if not await self._store.scrub():
            return None
        secrets.SystemRandom().shuffle(ids)
        moved = 0
        async with self._store.transaction() as db:
            for held_id in ids:
                async with db.execute(
                    "SELECT erasure_tag, sealed FROM held_contacts WHERE id = ?", (held_id,)
                ) as cursor:
                    row = await cursor.fetchone()
                token = None if row is None else reseal(bytes(row[1]))
                if row is None or token is None:
                    continue
                await db.execute(OUTBOX_INSERT, (secrets.token_hex(16), row[0], token, month))
                await db.execute("DELETE FROM held_contacts WHERE id = ?", (held_id,))
                moved += 1
        await self._store.scrub()  # the held copies leave the WAL too
        return moved

    async def held(self) -> int:
        async with self._store.db.execute("SELECT count(*) FROM held_contacts") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def due(self, now: float) -> list[str]:
        """Ids of rows due at `now`, oldest retry first."""
        async with self._store.db.execute(
            "SELECT id FROM outbox WHERE next_attempt <= ? ORDER BY next_attempt, id", (now,)
        ) as cursor:
            return [str(row[0]) async for row in cursor]

    async def get(self, row_id: str) -> Queued | None:
        async with self._store.db.execute(
            "SELECT sealed, attempts FROM outbox WHERE id = ?", (row_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else Queued(row_id, bytes(row[0]), int(row[1]))

    async def postpone(self, row_id: str, until: float) -> None:
        """Look at this row again later; its attempts stay as they are."""
        async with self._store.transaction() as db:
            await db.execute(
                "UPDATE outbox SET next_attempt = ? WHERE id = ?", (math.ceil(until), row_id)
            )

    async def failed(self, row_id: str, until: float, now: float) -> None:
        """One more failed attempt at this row; try again at `until` (kept to the whole second:
        it tells when the agency's server failed, after gathering, and nothing about a parent)."""
        async with self._store.transaction() as db:
            await db.execute(
                "UPDATE outbox SET attempts = attempts + 1, next_attempt = ? WHERE id = ?",
                (math.ceil(until), row_id),
            )
            await db.execute(
                "INSERT INTO delivery_log (day, failed_attempts) VALUES (?, 1) "
                "ON CONFLICT (day) DO UPDATE SET failed_attempts = failed_attempts + 1",
                (_day(now),),
            )

    async def delivered(self, row_id: str, now: float) -> None:
        """The agency's server accepted it: delete the row, count one delivery, and leave no
        copy of the sealed details in the WAL."""
        async with self._store.transaction() as db:
            await db.execute("DELETE FROM outbox WHERE id = ?", (row_id,))
            await db.execute(
                "INSERT INTO delivery_log (day, delivered) VALUES (?, 1) "
                "ON CONFLICT (day) DO UPDATE SET delivered = delivered + 1",
                (_day(now),),
            )
        await self._store.scrub()

    async def waiting(self) -> int:
        async with self._store.db.execute("SELECT count(*) FROM outbox") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def sealed(self) -> AsyncIterator[bytes]:
        """Every queued token, to check which open with the current key."""
        async with self._store.db.execute("SELECT sealed FROM outbox") as cursor:
            async for (token,) in cursor:
                yield bytes(token)

    async def counts(self, now: float) -> OutboxCounts:
        since = (datetime.fromtimestamp(now, UTC).date() - timedelta(days=6)).isoformat()
        async with self._store.db.execute(
            "SELECT count(*), coalesce(sum(next_attempt <= :now), 0), "
            "min(CASE WHEN next_attempt > :now THEN next_attempt END), "
            "coalesce(max(attempts), 0), min(queued), "
            "(SELECT coalesce(sum(delivered), 0) FROM delivery_log WHERE day >= :since), "
            "(SELECT coalesce(sum(failed_attempts), 0) FROM delivery_log WHERE day >= :since) "
            "FROM outbox",
            {"now": now, "since": since},
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:  # an aggregate always gives one row
            return OutboxCounts(0, 0, None, 0, None, 0, 0)
        queued, due, next_retry, max_attempts, oldest, delivered, failed = row
        return OutboxCounts(
            int(queued), int(due), next_retry, int(max_attempts), oldest, int(delivered),
            int(failed),
        )  # fmt: skip
