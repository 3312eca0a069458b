"""Group commit: the steps of many parents, stored together in one transaction and one trip to
SQLite's thread, each parent's step all or nothing. A step waits only for the commit it is in;
its reply is shown after that commit. With one parent at a time this is one step per commit, as
before; with hundreds, one disk flush serves many of them."""

from __future__ import annotations

import asyncio
import json
import secrets
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import TYPE_CHECKING

from bot.conversation import events as ev
from bot.storage.outbox import HOLD_CONTACT
from bot.storage.themes import FORGET, ThemeCode, save_codes

if TYPE_CHECKING:
    from bot.storage.store import Store

Step = Callable[[sqlite3.Connection], None]


@dataclass(frozen=True)
class Receipt:
    """A Telegram update a step answers: stored with the step, so it is applied once, with its
    reply (sealed) owed until the channel has shown it."""

    update_id: int
    mark: str
    reply: bytes | None = None
    key: str = ""  # what is stored: a keyed hash of the id and mark (Store.receipt_key)


class GroupCommit:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._pending: list[tuple[Step, asyncio.Future[None]]] = []
        self._flushing: asyncio.Task[None] | None = None
        self.commits = 0  # transactions committed, for the benchmarks
        self.steps = 0

    async def write(self, step: Step) -> None:
        """Store one step; returns once it is committed (or raises what it raised)."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((step, done))
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._flush())
        await asyncio.shield(done)

    async def _flush(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                async with self.store._writing:
                    outcomes = await self.store.in_thread(
                        partial(commit_together, steps=[step for step, _ in batch])
                    )
            except BaseException as exc:  # the commit itself failed: none of them is stored
                outcomes = [exc] * len(batch)
            self.commits += 1
            self.steps += len(batch)
            for (_, done), outcome in zip(batch, outcomes, strict=True):
                if done.done():
                    continue
                if outcome is None:
                    done.set_result(None)
                else:
                    done.set_exception(outcome)


def commit_together(conn: sqlite3.Connection, *, steps: list[Step]) -> list[BaseException | None]:
    """One transaction; each step in a savepoint of its own, so a step that fails is undone
    alone and the others are committed."""
    outcomes: list[BaseException | None] = []
    conn.execute("BEGIN IMMEDIATE")
    try:
        for step in steps:
            conn.execute("SAVEPOINT step")
            try:
                step(conn)
            except Exception as exc:
                conn.execute("ROLLBACK TO step")
                outcomes.append(exc)
            else:
                outcomes.append(None)
            conn.execute("RELEASE step")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return outcomes


def write_step(
    conn: sqlite3.Connection,
    *,
    respondent: str,
    events: Sequence[ev.Event],
    today: date,
    response_id: int | None,
    unlink_after_days: int,
    receipt: Receipt | None,
    contacts: list[tuple[str, bytes]],
    state: str | None,
    keep_response: bool,
    language: str,
    codes: Sequence[ThemeCode] = (),
) -> None:
    """One step's statements, on SQLite's own thread, inside the group's transaction."""
    if receipt is not None:
        write_receipt(conn, receipt=receipt, today=today)
    for tag, sealed in contacts:
        conn.execute(HOLD_CONTACT, (secrets.token_hex(16), tag, sealed))
    for event in events:
        response_id = _apply(conn, event, respondent, response_id, today, unlink_after_days,
                             language)  # fmt: skip
    if codes and response_id is not None:
        save_codes(conn, response_id, codes)
    if state is None:  # declined: nothing of the session stays
        conn.execute("DELETE FROM sessions WHERE respondent = ?", (respondent,))
    else:
        conn.execute(
            "INSERT INTO sessions (respondent, state, response_id, active_on) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (respondent) DO UPDATE SET "
            "state = excluded.state, response_id = excluded.response_id, "
            "active_on = excluded.active_on",
            (respondent, state, response_id if keep_response else None,
             (today if keep_response else month_end(today)).isoformat()),
        )  # fmt: skip


def write_receipt(conn: sqlite3.Connection, *, receipt: Receipt, today: date) -> None:
    conn.execute(
        "INSERT INTO processed_updates (receipt, day, reply) VALUES (?, ?, ?)",
        (receipt.key, today.isoformat(), receipt.reply),
    )


def _apply(
    conn: sqlite3.Connection,
    event: ev.Event,
    respondent: str,
    response_id: int | None,
    today: date,
    unlink_after_days: int,
    language: str,
) -> int | None:
    if isinstance(event, ev.ResponseStarted):
        cursor = conn.execute(
            "INSERT INTO responses (respondent, flow_id, flow_hash, status, language, "
            "source, started) VALUES (?, ?, ?, 'partial', ?, ?, ?)",
            (respondent, event.flow_id, event.flow_hash, event.language, event.source,
             event.month),
        )  # fmt: skip
        return cursor.lastrowid
    if response_id is None:
        return None
    if isinstance(event, ev.AnswerRecorded):
        conn.execute(FORGET, (response_id, event.question_id))
        conn.execute(
            "INSERT INTO answers (response_id, question_id, value) VALUES (?, ?, ?) "
            "ON CONFLICT (response_id, question_id) DO UPDATE SET value = excluded.value",
            (response_id, event.question_id, json.dumps(event.value, ensure_ascii=False)),
        )
    elif isinstance(event, ev.AnswerRemoved):
        conn.execute(
            "DELETE FROM answers WHERE response_id = ? AND question_id = ?",
            (response_id, event.question_id),
        )
    elif isinstance(event, ev.ResponseRestarted):
        conn.execute("DELETE FROM answers WHERE response_id = ?", (response_id,))
    elif isinstance(event, ev.ResponseCompleted):
        unlink_on = unlink_day(today, unlink_after_days)
        conn.execute(
            "UPDATE responses SET status = 'complete', finished = ?, unlink_on = ?, "
            "language = ? WHERE id = ?",
            (today.strftime("%Y-%m"), unlink_on.isoformat(), language, response_id),
        )
    return response_id


def unlink_day(finished: date, unlink_after_days: int) -> date:
    """When a response finished on `finished` is unlinked: `unlink_after_days` after the last
    day of its month, so the stored day says no more than the month (which is stored anyway),
    and no parent is unlinked sooner than promised; later by less than a month at most."""
    return month_end(finished) + timedelta(days=unlink_after_days)


def month_end(day: date) -> date:
    """The last day of `day`'s month: what a finished session keeps as its last day, so the
    pseudonym's session row does not tell the day its response was finished."""
    next_month = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return next_month - timedelta(days=1)
