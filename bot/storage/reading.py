"""Reading answers out for analysts: the SQL behind `export`, `codebook`, `report` and `/stats`.

Exports run beside a live bot and may read millions of answers, so this module uses a plain
read-only `sqlite3` connection (a cursor streams rows; nothing is held in memory) rather than the
bot's async connection."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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


#: (id, flow_id, flow_hash, status, language, source, started, finished)
ResponseRow = tuple[Any, ...]
#: question id → value as stored, decoded from JSON: text, a number, or a list of ticked codes.
Answers = dict[str, Any]


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


#: A response's metadata and its answers joined into one JSON object (the values are stored as
#: JSON already), so Python decodes one text per response instead of handling a row per answer.
_RESPONSE = (
    "SELECT r.id, r.flow_id, r.flow_hash, r.status, r.language, r.source, r.started, "
    "r.finished, (SELECT '{' || group_concat(json_quote(a.question_id) || ':' || a.value) "
    "|| '}' FROM answers a WHERE a.response_id = r.id) FROM responses r "
)
#: A typed answer's themes and sentiment, added to its response's answers as
#: `<question>.themes` and `<question>.sentiment` (few responses have any: read apart).
_CODES = (
    "SELECT response_id, question_id, themes, sentiment FROM answer_themes "
    "WHERE response_id IN (SELECT value FROM json_each(?))"
)


def _chunk(
    conn: sqlite3.Connection, sql: str, params: list[object], ids: list[int] | None = None
) -> list[tuple[ResponseRow, Answers]]:
    """One chunk of responses with their answers and codes, read in one snapshot (a read
    transaction of its own, ended here). `ids`: the responses the statement chooses, when
    known; otherwise the codes are read for the responses it returned."""
    loads = json.loads
    conn.execute("BEGIN")
    try:
        rows = conn.execute(sql, params).fetchall()
        found = [(row[:8], loads(row[8]) if row[8] is not None else {}) for row in rows]
        wanted = ids if ids is not None else [row[0] for row in rows]
        by_id = {head[0]: answers for head, answers in found}
        for rid, qid, themes, sentiment in conn.execute(_CODES, [json.dumps(wanted)]):
            answers = by_id.get(rid)
            if answers is not None:
                answers[f"{qid}.themes"], answers[f"{qid}.sentiment"] = themes, sentiment
    finally:
        conn.execute("COMMIT")
    return found


#: Responses read per snapshot. Each read is a short transaction of its own, ended before the
#: next, so an export or a report never holds off for long the cleanup that follows a deletion
#: (a checkpoint must wait for readers of old snapshots). Each response comes whole, with its
#: answers, from one snapshot; one deleted while the export runs is left out.
CHUNK = 500


def responses(
    conn: sqlite3.Connection, which: Filter, chunk: int = CHUNK
) -> Iterator[tuple[ResponseRow, Answers]]:
    """Stream the chosen responses in id order, each with its answers."""
    where, params = which.where()
    after = None
    while True:
        since = "" if after is None else " AND r.id > ?"
        rows = _chunk(
            conn,
            f"{_RESPONSE} WHERE {where}{since} ORDER BY r.id LIMIT ?",
            [*params, *([] if after is None else [after]), chunk],
        )  # all of it: the statements, and their read, end here
        yield from rows
        if len(rows) < chunk:
            return
        after = rows[-1][0][0]


def shuffled(
    conn: sqlite3.Connection,
    which: Filter,
    shuffle: Callable[[list[int]], None],
    chunk: int = CHUNK,
) -> Iterator[tuple[ResponseRow, Answers]]:
    """The chosen responses, each with its answers, in a new order: `shuffle` shuffles the
    places 0 … n-1 given to the responses in id order, and they come out by place.

    Only the ids are held in Python; the responses are read `chunk` at a time in that order,
    each read a short snapshot of its own, while a bot may be writing to the database (a
    response deleted meanwhile is left out)."""
    where, params = which.where()
    ids = [
        row[0]
        for row in conn.execute(
            f"SELECT r.id FROM responses r WHERE {where} ORDER BY r.id", params
        ).fetchall()
    ]
    places = list(range(len(ids)))
    shuffle(places)
    order = [0] * len(ids)
    for response_id, place in zip(ids, places, strict=True):
        order[place] = response_id
    del ids, places
    for start in range(0, len(order), chunk):
        wanted = order[start : start + chunk]
        found = {
            head[0]: (head, answers)
            for head, answers in _chunk(
                conn,
                f"{_RESPONSE} WHERE {where} AND r.id IN (SELECT value FROM json_each(?))",
                [*params, json.dumps(wanted)],
                wanted,
            )
        }
        for response_id in wanted:
            if (hit := found.get(response_id)) is not None:
                yield hit


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


def start_months(conn: sqlite3.Connection, flow_id: str) -> dict[str, int]:
    """How many responses to one questionnaire were started in each month (YYYY-MM)."""
    rows = conn.execute(
        "SELECT started, count(*) FROM responses WHERE flow_id = ? GROUP BY started", (flow_id,)
    )
    return dict(rows.fetchall())
