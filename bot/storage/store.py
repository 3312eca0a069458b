"""Durable storage in SQLite (WAL). Everything one input changes is written in one transaction."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import TypeVar, cast

import aiosqlite

from bot.conversation import events as ev
from bot.conversation.session import Session
from bot.errors import MissingContactKey, WrongContactKey
from bot.privacy.seal import Sealer
from bot.questionnaire.flow import Flow
from bot.storage.inbox import Inbox
from bot.storage.migrations import migrate
from bot.storage.outbox import OutboxQueue
from bot.storage.owed import OwedReplies
from bot.storage.retention import Retention
from bot.storage.scrub import OWE_SCRUB
from bot.storage.themes import ThemeCode, ThemeCodes
from bot.storage.writer import GroupCommit, Receipt, month_end, write_receipt, write_step

T = TypeVar("T")
log = logging.getLogger(__name__)

#: How long one try at the checkpoint waits for readers (ms): our own writes wait that long at
#: most, so no parent's reply is held up; then it tries again later, in the background.
SCRUB_WAIT_MS = 100


def now_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


@dataclass(frozen=True)
class Handled:
    reply: bytes | None
    shown: int


@dataclass(frozen=True)
class Stored:
    session: Session
    response_id: int | None
    active_on: date


class Store:
    def __init__(self, db: aiosqlite.Connection, path: Path, sealer: Sealer | None = None) -> None:
        self.db = db
        self.path = path
        self.sealer = sealer
        # One connection serves every parent: transactions take turns (each is a few ms).
        self._writing = asyncio.Lock()
        self.outbox = OutboxQueue(self)
        self.writer = GroupCommit(self)
        self.retention = Retention(self)
        self.themes = ThemeCodes(self)
        self.owed = OwedReplies(self)
        self.inbox = Inbox(self)
        # Tries at the checkpoint owed after a deletion: the first soon, then less often.
        self.scrub_backoff = (0.05, 2.0)  # first and longest wait between tries (seconds)
        self._scrubbing: asyncio.Task[None] | None = None

    @classmethod
    async def open_readonly(cls, path: Path | str, sealer: Sealer | None = None) -> Store:
        """An existing database, for reading only (counts, exports) while the bot runs."""
        path = Path(path)
        db = await aiosqlite.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        await db.execute("PRAGMA busy_timeout = 5000")
        return cls(db, path, sealer)

    @classmethod
    async def open(cls, path: Path | str, sealer: Sealer | None = None) -> Store:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            # Created readable by this user only, before SQLite writes anything into it.
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        db = await aiosqlite.connect(path, isolation_level=None)
        await db.execute("PRAGMA journal_mode = WAL")
        await db.execute("PRAGMA synchronous = FULL")
        await db.execute("PRAGMA foreign_keys = ON")
        await db.execute("PRAGMA busy_timeout = 5000")
        # Deleted content is overwritten with zeros, not left in free pages for a forensic reader.
        await db.execute("PRAGMA secure_delete = ON")
        await migrate(db)
        store = cls(db, path, sealer)
        await store.inbox.hide_plain_receipts()
        await store.scrub_if_owed()  # a deletion whose cleanup a crash or a reader held off
        return store

    async def close(self) -> None:
        """Close; a cleanup still owed stays owed (on disk) for the next start."""
        if self._scrubbing is not None:
            self._scrubbing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._scrubbing
        await self.db.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._writing:
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                await self.db.execute("ROLLBACK")
                raise
            await self.db.execute("COMMIT")

    async def scrub(self) -> bool:
        """Move the WAL into the database file and truncate it, so a deleted row leaves no old
        copy in the WAL (secure_delete zeroes it in the database file). Tried once now; if a
        reader (an export, a report, a backup, in this process or another) holds it off, it is
        owed, on disk, and tried again in the background until it gets through, across
        restarts. True when it got through now."""
        if await self._try_scrub():
            return True
        await self._owe_scrub()
        return False

    async def scrub_if_owed(self) -> None:
        """Finish a cleanup owed by an earlier deletion (at start-up, and by housekeeping)."""
        if await self._scalar("SELECT count(*) FROM scrub_owed") and not await self._try_scrub():
            self._keep_scrubbing()

    async def scrubbing(self) -> bool:
        """Whether a cleanup is still owed."""
        return bool(await self._scalar("SELECT count(*) FROM scrub_owed"))

    async def _owe_scrub(self) -> None:
        async with self.transaction() as db:
            await db.execute(OWE_SCRUB)
        self._keep_scrubbing()

    def _keep_scrubbing(self) -> None:
        if self._scrubbing is None or self._scrubbing.done():
            self._scrubbing = asyncio.create_task(self._retry_scrub())

    async def _retry_scrub(self) -> None:
        wait, longest = self.scrub_backoff
        while True:
            await asyncio.sleep(wait)
            try:
                if await self._try_scrub():
                    return
            except Exception as exc:  # e.g. the disk is full: try again later
                log.error("cleanup of deleted data failed, will retry: %s", type(exc).__name__)
            wait = min(wait * 2, longest)

    async def _try_scrub(self) -> bool:
        """One checkpoint, waiting at most SCRUB_WAIT_MS for readers; the mark that a cleanup
        is owed is cleared once it got through (and that clearing checkpointed too)."""

        def checkpoint(conn: sqlite3.Connection) -> bool:
            conn.execute(f"PRAGMA busy_timeout = {SCRUB_WAIT_MS}")
            try:
                if conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] != 0:
                    return False
                if conn.execute("DELETE FROM scrub_owed").rowcount:
                    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # only that row's page
                return True
            finally:
                conn.execute("PRAGMA busy_timeout = 5000")

        async with self._writing:
            return await self.in_thread(checkpoint)

    async def _changed(self, sql: str, params: Sequence[object] = ()) -> int:
        """Run a statement; how many rows it changed."""
        cursor = await self.db.execute(sql, params)
        return cursor.rowcount

    async def _scalar(self, sql: str, params: Sequence[object] = ()) -> object:
        row = next(iter(await self.db.execute_fetchall(sql, params)), None)
        return row[0] if row else None

    # ── questionnaire versions ───────────────────────────────────────────────────
    async def register_flow(self, flow: Flow, source: str, today: date) -> str:
        digest = flow.content_hash()
        await self.db.execute(
            "INSERT OR IGNORE INTO flow_versions (hash, flow_id, version, source, first_seen) "
            "VALUES (?, ?, ?, ?, ?)",
            (digest, flow.id, str(flow.version), source, today.isoformat()),
        )
        return digest

    async def flow_source(self, digest: str) -> str | None:
        value = await self._scalar("SELECT source FROM flow_versions WHERE hash = ?", (digest,))
        return str(value) if value is not None else None

    # ── sessions ───────────────────────────────────────────────────────────────────
    async def load_session(self, respondent: str) -> Stored | None:
        rows = await self.db.execute_fetchall(  # one trip to SQLite's thread, not two
            "SELECT state, response_id, active_on FROM sessions WHERE respondent = ?",
            (respondent,),
        )
        row = next(iter(rows), None)
        if row is None:
            return None
        session = Session.model_validate_json(row[0])
        if session.active is None:  # stored before sessions knew their last day
            session = session.model_copy(update={"active": row[2]})
        if session.contact:
            sealed = str(session.contact.get("sealed", "")).encode()
            unsealed = {k: str(v) for k, v in self._unseal_typed(sealed).items()}
            session = session.model_copy(update={"contact": unsealed})
        return Stored(session, row[1], date.fromisoformat(row[2]))

    def _sealer(self) -> Sealer:
        if self.sealer is None:
            raise MissingContactKey("contact details need the contact key (BOT_CONTACT_KEY)")
        return self.sealer

    def _unseal_typed(self, sealed: bytes) -> dict[str, object]:
        """Details a parent is typing, sealed under both keys (or, stored before that was so,
        under the contact key)."""
        try:
            return self._sealer().unseal_held(sealed)
        except WrongContactKey:
            return self._sealer().unseal(sealed)

    def receipt_key(self, update_id: int, mark: str) -> str:
        """How a Telegram update is known in `processed_updates`: a keyed hash of its id and
        mark, so the commit that stores it with the session row it changed shows no update id
        (the pseudonym and contact keys are needed to make it)."""
        return self._sealer().erasure_tag(f"update {update_id} {mark}")

    async def handled(self, update_id: int, mark: str) -> Handled | None:
        """The update's stored step, if any: its reply still owed (sealed) and how much of it
        was shown. Updates stored before marks existed match by id alone."""
        exact, by_id = self.receipt_key(update_id, mark), self.receipt_key(update_id, "")
        rows = await self.db.execute_fetchall(
            "SELECT reply, shown FROM processed_updates WHERE receipt IN (?, ?) "
            "ORDER BY receipt = ? DESC LIMIT 1",
            (exact, by_id, exact),
        )
        row = next(iter(rows), None)
        return None if row is None else Handled(row[0], int(row[1]))

    async def save(
        self,
        respondent: str,
        session: Session,
        events: Sequence[ev.Event],
        today: date,
        *,
        response_id: int | None,
        unlink_after_days: int = 30,
        receipt: Receipt | None = None,
        codes: Sequence[ThemeCode] = (),
    ) -> None:
        """Write a step's outcome atomically: answers, response status, session, the update.
        The whole transaction runs in one trip to SQLite's thread, so the write lock is held
        for the statements alone, never across the event loop's other work."""
        contacts = [
            (self._sealer().erasure_tag(respondent), self._sealed_contact(event, today))
            for event in events
            if isinstance(event, ev.ContactOptedIn)
        ]
        keep_response = session.stage != "complete"
        if not keep_response:
            # Nothing but "finished" stays with the pseudonym in the session row.
            # Its last day, too, says only the month (the response's unlink day likewise).
            last = str(month_end(today))
            session = session.model_copy(
                update={"answers": {}, "history": (), "contact": {}, "active": last}
            )
        if session.contact:  # half-typed: beside the session, so under both keys
            sealed = self._sealer().seal_held(dict(session.contact), now_of(today))
            session = session.model_copy(update={"contact": {"sealed": sealed.decode()}})
        state = None if session.stage == "declined" else session.model_dump_json()
        if receipt is not None:
            receipt = replace(receipt, key=self.receipt_key(receipt.update_id, receipt.mark))
        write = partial(
            write_step, respondent=respondent, events=events, today=today,
            response_id=response_id, unlink_after_days=unlink_after_days, receipt=receipt,
            contacts=contacts, state=state, keep_response=keep_response,
            language=session.language, codes=codes,
        )  # fmt: skip
        await self.writer.write(write)

    async def save_receipt(self, receipt: Receipt, today: date) -> None:
        """An update answered without a step (nothing started): stored once, reply owed."""
        receipt = replace(receipt, key=self.receipt_key(receipt.update_id, receipt.mark))
        await self.writer.write(partial(write_receipt, receipt=receipt, today=today))

    async def in_thread(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn` with the connection on SQLite's own thread, in one trip (aiosqlite runs
        each statement as a trip of its own; a transaction of many is cheaper as one)."""
        conn = self.db._conn
        return cast(T, await self.db._execute(fn, conn))  # type: ignore[no-untyped-call]

    async def gather_contacts(self, today: date) -> int | None:
        """Move held contact details into the outbox for the agency (see `outbox`): how many,
        or None when the WAL could not be emptied first (a reader is open)."""

        def reseal(held: bytes) -> bytes | None:
            try:
                return self._sealer().seal(self._sealer().unseal_held(held), now_of(today))
            except WrongContactKey:
                return None

        return await self.outbox.gather(reseal, today.strftime("%Y-%m"))

    def _sealed_contact(self, event: ev.ContactOptedIn, today: date) -> bytes:
        """Held until gathered: under both keys, as it is written with the step's answers."""
        details: dict[str, object] = {
            "name": event.name,
            "phone": event.phone,
            "email": event.email,
            "preferred_time": event.preferred_time,
            "shared": [list(pair) for pair in event.shared],
        }
        return self._sealer().seal_held(details, now_of(today))

    # ── reading back ───────────────────────────────────────────────────────────────
    async def answers(self, response_id: int) -> dict[str, object]:
        async with self.db.execute(
            "SELECT question_id, value FROM answers WHERE response_id = ?", (response_id,)
        ) as cursor:
            return {qid: json.loads(value) async for qid, value in cursor}

    async def responses(self, flow_id: str | None = None) -> list[dict[str, object]]:
        sql = (
            "SELECT id, flow_id, flow_hash, status, language, source, started, finished "
            "FROM responses"
        )
        params: tuple[object, ...] = ()
        if flow_id is not None:
            sql, params = sql + " WHERE flow_id = ?", (flow_id,)
        async with self.db.execute(sql + " ORDER BY id", params) as cursor:
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) async for row in cursor]
