"""Anonymised answers out for analysts, from one database or several merged.

Wide form: a row per response, a column per question (stable across versions). Long form: a row
per answer. Both start with the same metadata: a random response id made for this export (never
the pseudonym, and different in every export), the questionnaire and its version, status,
language, source tag, and the months the response started and finished. Rows stream from SQLite
to the file one response at a time."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

from bot.analysis.columns import META, Cell, Plan, exported, label_of, plan
from bot.analysis.columns import cells as cells_of
from bot.analysis.writers import ExportError, Sink
from bot.questionnaire.check import check_text
from bot.questionnaire.conditions import Value
from bot.questionnaire.flow import Flow
from bot.storage.reading import AnswerRow, Filter, answer_rows, reading, versions

LONG = ("question", "value", "label")
#: Sheet names the codebook takes in an XLSX export; a questionnaire with one of these ids gets
#: its answers in a sheet called `<id>_answers`.
CODEBOOK_SHEETS = ("survey", "choices", "missing_values")


def table_name(flow_id: str) -> str:
    return f"{flow_id}_answers" if flow_id in CODEBOOK_SHEETS else flow_id


@dataclass(frozen=True)
class Request:
    databases: list[Path]
    which: Filter = field(default_factory=Filter)
    long: bool = False
    labels: bool = False
    language: str | None = None


def plans(databases: list[Path], flow_id: str | None = None) -> dict[str, Plan]:
    """A plan per questionnaire over every version stored in any of the databases."""
    seen: dict[str, tuple[str, str, str, Flow]] = {}
    for path in databases:
        with reading(path) as conn:
            for v in versions(conn):
                if v.hash in seen or (flow_id is not None and v.flow_id != flow_id):
                    continue
                checked = check_text(v.source, f"<stored {v.flow_id} {v.hash}>")
                if checked.flow is not None:
                    seen[v.hash] = (v.first_seen, v.flow_id, str(v.version), checked.flow)
    by_flow: dict[str, list[tuple[str, str, Flow]]] = {}
    for digest, (_, fid, label, flow) in sorted(seen.items(), key=lambda kv: kv[1][0]):
        by_flow.setdefault(fid, []).append((digest, label, flow))
    return {fid: plan(fid, vs) for fid, vs in sorted(by_flow.items())}


def _decode(raw: object) -> Value:
    if isinstance(raw, str) and raw.startswith("["):
        decoded: list[str] = json.loads(raw)
        return decoded
    if isinstance(raw, int | float):
        return raw
    return str(raw)


def _responses(path: Path, which: Filter) -> Iterator[tuple[AnswerRow, dict[str, Value]]]:
    with reading(path) as conn:
        for _, group in groupby(answer_rows(conn, which), key=lambda r: r[0]):
            rows = list(group)
            answers = {r[8]: _decode(r[9]) for r in rows if r[8] is not None}
            yield rows[0], answers


def _meta(head: AnswerRow, p: Plan, response: str, database: str | None) -> list[Cell]:
    _, flow_id, digest, status, language, source, started, finished = head[:8]
    meta: list[Cell] = [response, flow_id, p.labels.get(digest, ""), digest, status, language]
    meta += [source, started, finished]
    return ([database] if database is not None else []) + meta


def export(request: Request, sink: Sink) -> int:
    """Write the export into `sink`. Returns the number of responses written."""
    all_plans = plans(request.databases, request.which.flow_id)
    if request.which.flow_id is not None and request.which.flow_id not in all_plans:
        known = ", ".join(plans(request.databases)) or "none yet"
        raise ExportError(
            f"no answers to a questionnaire called '{request.which.flow_id}' in "
            f"{', '.join(map(str, request.databases))} (questionnaires there: {known})"
        )
    several = len(request.databases) > 1
    meta_header = (["database"] if several else []) + list(META)
    if request.long:
        sink.table("answers", meta_header + list(LONG))
    else:
        for fid, p in all_plans.items():
            sink.table(table_name(fid), meta_header + p.columns())
    written = 0
    for path in request.databases:
        database = path.stem if several else None
        for head, answers in _responses(path, request.which):
            found = all_plans.get(head[1])
            if found is None:  # a version the checker cannot read back: nothing to map it to
                continue
            p = found
            meta = _meta(head, p, secrets.token_hex(8), database)
            if request.long:
                _long_rows(request, p, meta, answers, sink)
            else:
                sink.row(table_name(p.flow_id), meta + _wide_cells(request, p, head, answers))
            written += 1
    return written


def _language(request: Request, flow: Flow) -> str:
    return request.language or flow.default_language


def _wide_cells(
    request: Request, p: Plan, head: AnswerRow, answers: dict[str, Value]
) -> list[Cell]:
    flow = p.flows.get(head[2])
    row = cells_of(p, flow, answers, complete=head[3] == "complete")
    if not request.labels:
        return row
    newest = p.newest()
    lang = _language(request, newest)
    mains = p.main_items()
    return [
        label_of(item, c, lang, newest.default_language) if item is not None else c
        for item, c in zip(mains, row, strict=True)
    ]


def _long_rows(
    request: Request, p: Plan, meta: list[Cell], answers: dict[str, Value], sink: Sink
) -> None:
    newest = p.newest()
    lang = _language(request, newest)
    items = {item.id: item for item in p.items}
    for qid, value in answers.items():
        code = exported(" ".join(value) if isinstance(value, list) else value)
        item = items.get(qid)
        label = code if item is None else label_of(item, code, lang, newest.default_language)
        sink.row("answers", [*meta, qid, code, label])
