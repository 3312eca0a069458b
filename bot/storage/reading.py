"""Reading answers out for analysts: the SQL behind `export`, `codebook`, `report` and `/stats`.

Exports run beside a live bot and may read millions of answers, so this module uses a plain
read-only `sqlite3` connection (a cursor streams rows; nothing is held in memory) rather than the
bot's async connection. SQLite decodes each JSON value (`->>`), so Python sees plain text and
numbers and parses only the lists of a multiple-choice answer."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

from bot.errors import BotError


class NotADatabase(BotError):
    """A file given to read answers from is missing or is not the bot's database."""


@dataclass(frozen=True)
class StoredVersion:
    hash: str
    flow_id: str
    version: str
    source: str
    first_seen: str


@dataclass(frozen=True)
class Filter:
    """Which responses to read: one flow or all, complete only or all, a range of start months."""

    flow_id: str | None = None
    complete_only: bool = False
    since: str | None = None  # YYYY-MM, inclusive
    until: str | None = None  # YYYY-MM, inclusive

    def where(self) -> tuple[str, list[object]]:
        clauses: list[str] = ["1"]
        params: list[object] = []
        if self.flow_id is not None:
            clauses.append("r.flow_id = ?")
            params.append(self.flow_id)
        if self.complete_only:
            clauses.append("r.status = 'complete'")
        if self.since is not None:
            clauses.append("r.started >= ?")
            params.append(self.since)
        if self.until is not None:
            clauses.append("r.started <= ?")
            params.append(self.until)
        return " AND ".join(clauses), params


#: One row per stored answer, in response order: the response's metadata, then the answer.
#: A response with no answers yet gives one row whose question is NULL.
#: (id, flow_id, flow_hash, status, language, source, started, finished)
ResponseRow = tuple[Any, ...]
#: (question_id, value): the value decoded from JSON; ticked options as one space-separated text.
AnswerRow = tuple[str, Any]


@contextmanager
def reading(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to a bot database; safe while the bot writes (WAL)."""
    if not path.is_file():
        raise NotADatabase(f"{path}: no such database file")
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        conn.execute("PRAGMA busy_timeout = 5000")
        try:
            conn.execute("SELECT 1 FROM responses LIMIT 1")
        except sqlite3.DatabaseError as exc:
            raise NotADatabase(f"{path}: not a feedback database ({exc})") from None
        yield conn
    finally:
        conn.close()


def versions(conn: sqlite3.Connection) -> list[StoredVersion]:
    """Every questionnaire version any response was given on, oldest first."""
    rows = conn.execute(
        "SELECT hash, flow_id, version, source, first_seen FROM flow_versions "
        "ORDER BY first_seen, rowid"
    )
    return [StoredVersion(*row) for row in rows]


def responses(
    conn: sqlite3.Connection, which: Filter
) -> Iterator[tuple[ResponseRow, list[AnswerRow]]]:
    """Stream the chosen responses in id order, each with its answers.

    Two cursors walk responses and answers side by side (both in response order): joining them
    in SQL would repeat every response's metadata on each of its answers."""
    where, params = which.where()
    heads = conn.execute(
        "SELECT r.id, r.flow_id, r.flow_hash, r.status, r.language, r.source, r.started, "
        f"r.finished FROM responses r WHERE {where} ORDER BY r.id",
        params,
    )
    values = conn.execute(
        "SELECT a.response_id, a.question_id, "
        "CASE json_type(a.value) WHEN 'array' THEN "
        "(SELECT group_concat(j.value, ' ') FROM json_each(a.value) j) ELSE a.value ->> '$' END "
        f"FROM responses r JOIN answers a ON a.response_id = r.id WHERE {where} ORDER BY r.id",
        params,
    )
    heads_left = iter(heads)
    for response_id, group in groupby(values, key=itemgetter(0)):
        for head in heads_left:
            if head[0] == response_id:
                yield head, [(question_id, value) for _, question_id, value in group]
                break
            yield head, []  # a response with no answers yet
    for head in heads_left:
        yield head, []


@dataclass(frozen=True)
class FlowCounts:
    flow_id: str
    started: int
    complete: int


def counts(conn: sqlite3.Connection, which: Filter) -> list[FlowCounts]:
    """Responses started and completed per questionnaire."""
    where, params = which.where()
    rows = conn.execute(
        "SELECT r.flow_id, count(*), sum(r.status = 'complete') FROM responses r "
        f"WHERE {where} GROUP BY r.flow_id ORDER BY r.flow_id",
        params,
    )
    return [FlowCounts(flow, started, complete or 0) for flow, started, complete in rows]
