"""Durable storage in SQLite (WAL). Everything one input changes is written in one transaction."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import aiosqlite

from bot.conversation import events as ev
from bot.conversation.session import Session
from bot.errors import MissingContactKey
from bot.privacy.seal import Sealer
from bot.questionnaire.flow import Flow
from bot.storage.migrations import migrate
from bot.storage.outbox import OutboxQueue
from bot.storage.retention import Retention


def now_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


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
        self.retention = Retention(self)

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
        return cls(db, path, sealer)

    async def close(self) -> None:
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
        copy in the WAL (secure_delete zeroes it in the database file). False when a reader in
        another process kept the checkpoint from finishing; the next scrub finishes it."""
        async with self._writing, self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)") as cursor:
            row = await cursor.fetchone()
        return row is not None and row[0] == 0

    async def _changed(self, sql: str, params: Sequence[object] = ()) -> int:
        """Run a statement; how many rows it changed."""
        cursor = await self.db.execute(sql, params)
        return cursor.rowcount

    async def _scalar(self, sql: str, params: Sequence[object] = ()) -> object:
        async with self.db.execute(sql, params) as cursor:
            row = await cursor.fetchone()
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
        async with self.db.execute(
            "SELECT state, response_id, active_on FROM sessions WHERE respondent = ?",
            (respondent,),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        session = Session.model_validate_json(row[0])
        if session.active is None:  # stored before sessions knew their last day
            session = session.model_copy(update={"active": row[2]})
        if session.contact:
            sealed = str(session.contact.get("sealed", "")).encode()
            unsealed = {k: str(v) for k, v in self._sealer().unseal(sealed).items()}
            session = session.model_copy(update={"contact": unsealed})
        return Stored(session, row[1], date.fromisoformat(row[2]))

    def _sealer(self) -> Sealer:
        if self.sealer is None:
            raise MissingContactKey("contact details need the contact key (BOT_CONTACT_KEY)")
        return self.sealer

    async def already_processed(self, update_id: int) -> bool:
        found = await self._scalar(
            "SELECT 1 FROM processed_updates WHERE update_id = ?", (update_id,)
        )
        return found is not None

    async def save(
        self,
        respondent: str,
        session: Session,
        events: Sequence[ev.Event],
        today: date,
        *,
        response_id: int | None,
        unlink_after_days: int = 30,
        update_id: int | None = None,
    ) -> None:
        """Write a step's outcome atomically: answers, response status, session, update id."""
        db = self.db
        async with self.transaction():
            if update_id is not None:
                await db.execute(
                    "INSERT INTO processed_updates (update_id, day) VALUES (?, ?)",
                    (update_id, today.isoformat()),
                )
            for event in events:
                response_id = await self._apply(
                    event, respondent, response_id, session, today, unlink_after_days
                )
            if session.stage == "declined":
                await db.execute("DELETE FROM sessions WHERE respondent = ?", (respondent,))
                return
            kept_response = response_id
            if session.stage == "complete":
                # Nothing but "finished" stays with the pseudonym in the session row.
                session = session.model_copy(update={"answers": {}, "history": (), "contact": {}})
                kept_response = None
            if session.contact:
                sealed = self._sealer().seal(dict(session.contact), now_of(today))
                session = session.model_copy(update={"contact": {"sealed": sealed.decode()}})
            await db.execute(
                "INSERT INTO sessions (respondent, state, response_id, active_on) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (respondent) DO UPDATE SET "
                "state = excluded.state, response_id = excluded.response_id, "
                "active_on = excluded.active_on",
                (respondent, session.model_dump_json(), kept_response, today.isoformat()),
            )

    async def _apply(
        self,
        event: ev.Event,
        respondent: str,
        response_id: int | None,
        session: Session,
        today: date,
        unlink_after_days: int,
    ) -> int | None:
        db = self.db
        if isinstance(event, ev.ResponseStarted):
            cursor = await db.execute(
                "INSERT INTO responses (respondent, flow_id, flow_hash, status, language, "
                "source, started) VALUES (?, ?, ?, 'partial', ?, ?, ?)",
                (
                    respondent,
                    event.flow_id,
                    event.flow_hash,
                    event.language,
                    event.source,
                    event.month,
                ),
            )
            return cursor.lastrowid
        if isinstance(event, ev.ContactOptedIn):
            await self._queue_contact(event, respondent, today)
            return response_id
        if response_id is None:
            return None
        if isinstance(event, ev.AnswerRecorded):
            await db.execute(
                "INSERT INTO answers (response_id, question_id, value) VALUES (?, ?, ?) "
                "ON CONFLICT (response_id, question_id) DO UPDATE SET value = excluded.value",
                (response_id, event.question_id, json.dumps(event.value, ensure_ascii=False)),
            )
        elif isinstance(event, ev.AnswerRemoved):
            await db.execute(
                "DELETE FROM answers WHERE response_id = ? AND question_id = ?",
                (response_id, event.question_id),
            )
        elif isinstance(event, ev.ResponseRestarted):
            await db.execute("DELETE FROM answers WHERE response_id = ?", (response_id,))
        elif isinstance(event, ev.ResponseCompleted):
            unlink_on = today + timedelta(days=unlink_after_days)
            await db.execute(
                "UPDATE responses SET status = 'complete', finished = ?, unlink_on = ?, "
                "language = ? WHERE id = ?",
                (today.strftime("%Y-%m"), unlink_on.isoformat(), session.language, response_id),
            )
        return response_id

    async def _queue_contact(self, event: ev.ContactOptedIn, respondent: str, today: date) -> None:
        """Into the outbox, sealed, with nothing that links it to the answers."""
        sealer = self._sealer()
        details: dict[str, object] = {
            "name": event.name,
            "phone": event.phone,
            "email": event.email,
            "preferred_time": event.preferred_time,
            "shared": [list(pair) for pair in event.shared],
        }
        await self.outbox.add(
            sealer.erasure_tag(respondent),
            sealer.seal(details, now_of(today)),
            today.strftime("%Y-%m"),
        )

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
