"""Anonymised answers out for analysts, from one database or several merged.

Wide form: a row per response, a column per question (stable across versions). Long form: a row
per answer. Both start with the same metadata: a random response id made for this export (never
the pseudonym, and different in every export), the questionnaire and its version, status,
language, source tag, and the months the response started and finished. Rows come in a fresh
random order in every export, streamed from SQLite to the file (SQLite sorts them by a random
place; only the places are held in memory)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from bot.analysis.columns import META, NO_VALID_ANSWER, Cell, Labels, Plan, as_cell, plan
from bot.analysis.columns import cells as cells_of
from bot.analysis.writers import ExportError, Sink, neutralise
from bot.questionnaire.check import check_text
from bot.questionnaire.conditions import NOT_ANSWERED, Value
from bot.questionnaire.flow import Flow
from bot.storage.reading import Answers, Filter, ResponseRow, counts, reading, shuffled, versions

LONG = ("question", "value")
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


def _responses(path: Path, which: Filter) -> Iterator[tuple[ResponseRow, Answers]]:
    """A database's responses in a fresh random order, so two exports never line up row by row."""
    with reading(path) as conn:
        yield from shuffled(conn, which, secrets.SystemRandom().shuffle)


def answered(databases: list[Path], which: Filter) -> set[str]:
    """The questionnaires with at least one response the filter chooses."""
    found: set[str] = set()
    for path in databases:
        with reading(path) as conn:
            found.update(c.flow_id for c in counts(conn, which) if c.started)
    return found


def database_names(paths: list[Path]) -> dict[Path, str]:
    """What the `database` column says for each file: its name without the suffix, with as many
    of its folders as it takes to tell the files apart (`north/feedback`, `south/feedback`), and
    the suffix only where nothing else differs."""
    parts = {path: PurePath(os.path.abspath(path)).parts[1:] for path in paths}
    longest = max((len(p) for p in parts.values()), default=0)
    names: dict[Path, str] = {}
    for depth in range(1, longest + 1):
        for last in (lambda name: PurePath(name).stem, str):
            names = {path: "/".join((*p[-depth:-1], last(p[-1]))) for path, p in parts.items()}
            if len(set(names.values())) == len(names):
                return names
    return names  # only the same file named twice comes here


def _meta(head: ResponseRow, p: Plan, response: str, database: str | None) -> list[Cell]:
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
    # a table per questionnaire that has responses (all of them when none has any yet), so a
    # CSV needs no --flow when only one of the questionnaires has been answered
    given = answered(request.databases, request.which)
    tables = {fid: p for fid, p in all_plans.items() if fid in given} or all_plans
    if request.long:
        sink.table("answers", meta_header + list(LONG))
    else:
        for fid, p in tables.items():
            sink.table(table_name(fid), meta_header + p.columns())
    names = database_names(request.databases)
    labelled = {fid: Labels(p, request.language) for fid, p in all_plans.items()}
    unsafe = {fid: _unsafe(p, meta_header, request.labels) for fid, p in all_plans.items()}
    written = 0
    for path in request.databases:
        database = names[path] if several else None
        for head, rows in _responses(path, request.which):
            found = all_plans.get(head[1])
            if found is None:  # a version the checker cannot read back: nothing to map it to
                continue
            if not request.long and found.flow_id not in tables:
                continue  # the first response to a questionnaire, given since the export began
            p = found
            meta = _meta(head, p, secrets.token_hex(8), database)
            labels = labelled[p.flow_id]
            if request.long:
                sink.answers("answers", meta, _long(rows, labels if request.labels else None))
            else:
                row = meta + _wide_cells(p, labels if request.labels else None, head, rows)
                if sink.spreadsheet:
                    for at in unsafe[p.flow_id]:
                        row[at] = neutralise(row[at])
                sink.rows(table_name(p.flow_id), [row])
            written += 1
    return written


def _wide_cells(
    p: Plan, labels: Labels | None, head: ResponseRow, answers: dict[str, Value]
) -> list[Cell]:
    row = cells_of(p, head[2], answers, complete=head[3] == "complete")
    if labels is None:
        return row
    mains = p.main_items()
    return [
        labels.of(item.id, c) if item is not None else c for item, c in zip(mains, row, strict=True)
    ]


def _long(answers: Answers, labels: Labels | None) -> Iterable[tuple[str, Cell]]:
    """A response's (question, cell) pairs for the long form."""
    if labels is not None:
        return [(qid, labels.of(qid, as_cell(v))) for qid, v in answers.items()]
    values = answers.values()
    if NOT_ANSWERED in values or list in map(type, values):
        return [
            (q, NO_VALID_ANSWER if v == NOT_ANSWERED else as_cell(v)) for q, v in answers.items()
        ]
    return answers.items()  # codes and texts as they are: the commonest case, left untouched


def _unsafe(p: Plan, meta: list[str], labels: bool) -> list[int]:
    """The cells of a wide row a spreadsheet could read as a formula: text a parent typed (with
    --labels, every label staff wrote) and the metadata that is not a code or a month."""
    if labels:
        return list(range(len(meta) + len(p.columns())))
    free = [meta.index(name) for name in ("database", "version", "source") if name in meta]
    return free + [len(meta) + at for at in p.typed_columns()]
