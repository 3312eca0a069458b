"""The columns of an export and what goes in each cell. Pure: no I/O.

One plan per questionnaire covers every version of it that responses were given on, so columns
are stable: a question added later is empty for earlier responses, a removed one stays for the
responses that had it. The values that stand for "no answer" are distinct and documented
(`MISSING`); an empty cell means only that the question was not in that response's version."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from operator import itemgetter
from typing import Any

from bot.questionnaire.conditions import NOT_ANSWERED, PREFER_NOT, SKIPPED, Value, holds
from bot.questionnaire.flow import (
    CHOICE_TYPES,
    Flow,
    InfoStep,
    MultiQuestion,
    Option,
    Question,
    TextQuestion,
    options_of,
    text_in,
)

#: The columns after a typed answer's: its themes (ids, space-separated) and its sentiment.
CODED = (".themes", ".sentiment")
NOT_ASKED = "_not_asked"
NOT_REACHED = "_not_reached"
NO_VALID_ANSWER = "_no_valid_answer"

#: Every value that stands in for an answer: code → what it means (for the codebook).
MISSING: dict[str, str] = {
    SKIPPED: "skipped: the parent pressed Skip",
    PREFER_NOT: "prefer not to say: the parent chose 'Prefer not to say'",
    NO_VALID_ANSWER: "no valid answer: the bot moved on after several answers that did not fit, "
    "also where 'Prefer not to say' was offered (stored as _not_answered)",
    NOT_ASKED: "not asked: the question's show_if did not hold for this parent (branching)",
    NOT_REACHED: "not reached: the parent stopped before this question's place in the "
    "questionnaire (partial response), whether or not its show_if would have held",
}
#: Short labels for --labels exports.
MISSING_LABELS: dict[str, str] = {
    SKIPPED: "(skipped)",
    PREFER_NOT: "(prefer not to say)",
    NO_VALID_ANSWER: "(no valid answer)",
    NOT_ASKED: "(not asked)",
    NOT_REACHED: "(not reached)",
}
_STORED_AS = {NOT_ANSWERED: NO_VALID_ANSWER}


def exported(code: Cell) -> Cell:
    """A stored value as exported: 'moved on without an answer' under its export name."""
    return _STORED_AS.get(code, code) if isinstance(code, str) else code


#: Metadata columns, first in every export. `database` is added when several are merged.
META = ("response", "flow", "version", "flow_hash", "status", "language", "source", "started",
        "finished")  # fmt: skip

Cell = str | int | float | None


@dataclass
class Item:
    """One question as it appears across the versions of a questionnaire."""

    question: Question  # its newest wording
    versions: list[str] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    #: In some version a parent typed the answer (not a choice): its cell may hold any text.
    typed: bool = False

    # Read for every cell of an export, so worked out once (after `plan` has built the item).
    @cached_property
    def id(self) -> str:
        return self.question.id

    @cached_property
    def multi(self) -> bool:
        return isinstance(self.question, MultiQuestion)

    @cached_property
    def has_other(self) -> bool:
        return any(o.other for o in self.options)

    @cached_property
    def coded(self) -> bool:
        """A question parents answer in their own words: its themes and sentiment follow it."""
        return isinstance(self.question, TextQuestion)

    @cached_property
    def width(self) -> int:
        return len(self.columns())

    def columns(self) -> list[str]:
        cols = [self.id]
        if self.multi:
            cols += [f"{self.id}/{o.id}" for o in self.options]
        if self.has_other:
            cols.append(f"{self.id}.other")
        if self.coded:
            cols += [f"{self.id}{suffix}" for suffix in CODED]
        return cols


@dataclass
class Plan:
    flow_id: str
    items: list[Item]
    flows: dict[str, Flow]  # content hash → that version
    labels: dict[str, str]  # content hash → the version label staff gave it
    _asked: dict[str, dict[str, Question]] = field(default_factory=dict)
    _layouts: dict[str, Layout] = field(default_factory=dict)

    def columns(self) -> list[str]:
        return [c for item in self.items for c in item.columns()]

    def typed_columns(self) -> list[int]:
        """Which columns may hold text a parent typed (answers to typed questions, "other"):
        the only cells, with the metadata, that a spreadsheet could take for a formula. Every
        other cell holds an option code or a marker (`[a-z0-9_]`, by the checker's rules)."""
        found: list[int] = []
        at = 0
        for item in self.items:
            if item.typed:
                found.append(at)
            if item.has_other:
                found.append(at + item.width - 1)
            at += item.width
        return found

    def asked_in(self, digest: str) -> dict[str, Question]:
        """The questions of one version by id (worked out once per version)."""
        if digest not in self._asked:
            flow = self.flows.get(digest)
            self._asked[digest] = {q.id: q for q in flow.questions} if flow else {}
        return self._asked[digest]

    def layout(self, digest: str) -> Layout:
        """How one version's answers become cells (worked out once per version)."""
        if digest not in self._layouts:
            self._layouts[digest] = Layout(self.items, self.asked_in(digest))
        return self._layouts[digest]

    @cached_property
    def multi(self) -> frozenset[str]:
        return frozenset(item.id for item in self.items if item.multi)

    def main_items(self) -> list[Item | None]:
        """For each column, its item if it holds the answer's code (a label in --labels)."""
        return [
            item if i == 0 else None for item in self.items for i, _ in enumerate(item.columns())
        ]

    def newest(self) -> Flow:
        return self.flows[next(reversed(self.flows))]


def plan(flow_id: str, versions: list[tuple[str, str, Flow]]) -> Plan:
    """Columns for one questionnaire from its versions (hash, label, flow), oldest first."""
    items: dict[str, Item] = {}
    for _, label, flow in reversed(versions):
        for question in flow.questions:
            if isinstance(question, InfoStep):
                continue
            item = items.setdefault(question.id, Item(question))
            if label not in item.versions:
                item.versions.insert(0, label)
            known = {o.id for o in item.options}
            item.options += [o for o in options_of(question) if o.id not in known]
            item.typed = item.typed or not isinstance(question, CHOICE_TYPES)
    return Plan(
        flow_id,
        list(items.values()),
        {d: f for d, _, f in versions},
        {d: label for d, label, _ in versions},
    )


def _missing(question: Question, answers: dict[str, Value], complete: bool, reached: bool) -> str:
    """Why a question has no answer. `reached`: the parent got past its place (a complete
    response, or a question before the one a partial response stopped at)."""
    if not reached:
        return NOT_REACHED  # whatever its show_if: the answers it reads may not be given yet
    if question.show_if is not None and not holds(question.show_if, answers):
        return NOT_ASKED
    return NOT_ASKED if complete else NOT_REACHED


def _plain(item: Item, question: Question) -> bool:
    """A question whose answer needs no more than a look-up: one column, asked of everyone, and
    not ticks in this version (a question that became a single choice later keeps its lists)."""
    return item.width == 1 and question.show_if is None and not isinstance(question, MultiQuestion)


class Layout:
    """One version's cells as runs of plain questions, each read from the answers in one
    `itemgetter` call, between the questions that need more (ticks, "other", show_if).

    A run reads a copy of the answers in which every question of the run that is not answered
    holds the response's marker (not asked or not reached) and questions absent from the
    version read "" → None: an export calls this for every response."""

    def __init__(self, items: list[Item], asked: dict[str, Question]) -> None:
        self.parts: list[Getter | tuple[Item, Question]] = []
        self.unanswered: dict[bool, dict[str, Cell]] = {}
        run: list[str] = []
        for item in items:
            question = asked.get(item.id)
            if question is None:
                run += [""] * item.width
            elif _plain(item, question):
                run.append(item.id)
            else:
                if run:
                    self.parts.append(_getter(run))
                    run = []
                self.parts.append((item, question))
        if run:
            self.parts.append(_getter(run))
        plain = [item.id for item in items if item.id in asked and _plain(item, asked[item.id])]
        for complete in (True, False):
            marker: Cell = NOT_ASKED if complete else NOT_REACHED
            unanswered: dict[str, Cell] = dict.fromkeys(plain, marker)
            unanswered[""] = None
            self.unanswered[complete] = unanswered
        #: Each question's place in this version, to tell "not asked" from "not reached".
        self.place = {qid: n for n, qid in enumerate(asked)}
        self.order = list(asked.values())

    def stopped_at(self, answers: dict[str, Value], complete: bool) -> int:
        """The place of the question a partial response stopped at: the first after the last
        one answered (or skipped) that the bot would ask; those between were passed over."""
        if complete:
            return len(self.order)
        at = max((self.place.get(key, -1) for key in answers), default=-1) + 1
        while at < len(self.order):
            show_if = self.order[at].show_if
            if show_if is None or holds(show_if, answers):
                break
            at += 1
        return at


#: Cells of a run of plain questions from the answers (filled in as `Layout` describes).
Getter = Callable[[dict[str, Any]], tuple[Cell, ...]]


def _getter(keys: list[str]) -> Getter:
    get = itemgetter(*keys)
    if len(keys) == 1:
        return lambda answers: (get(answers),)
    return get


def cells(plan: Plan, digest: str, answers: dict[str, Value], complete: bool) -> list[Cell]:
    """One response's cells in the order of `plan.columns()`, as codes."""
    layout = plan.layout(digest)
    filled = layout.unanswered[complete] | answers
    stop = layout.stopped_at(answers, complete)
    out: list[Cell] = []
    for part in layout.parts:
        if isinstance(part, tuple):
            reached = layout.place[part[1].id] < stop
            out += _item_cells(part[0], part[1], answers, complete, reached)
        else:
            out += part(filled)
    if NOT_ANSWERED in out:
        return [exported(c) for c in out]
    return out


def _item_cells(
    item: Item, question: Question, answers: dict[str, Value], complete: bool, reached: bool
) -> list[Cell]:
    value = answers.get(item.id)
    if value is None:
        return [_missing(question, answers, complete, reached)] * item.width
    if isinstance(value, str) and value.startswith("_"):
        return [exported(value)] * item.width
    out: list[Cell] = []
    if item.multi:
        chosen = value if isinstance(value, list) else [str(value)]
        out.append(" ".join(chosen))
        out += [int(o.id in chosen) for o in item.options]
    else:
        out.append(as_cell(value))
    if item.has_other:
        out.append(as_cell(answers.get(f"{item.id}.other")))
    if item.coded:  # empty when not coded: no codebook, or before `themes recode`
        out += [as_cell(answers.get(f"{item.id}{suffix}")) for suffix in CODED]
    return out


def as_cell(value: Value | None) -> Cell:
    return " ".join(value) if isinstance(value, list) else value


class Labels:
    """Option labels in one language, looked up per cell of a --labels export."""

    def __init__(self, plan: Plan, language: str | None) -> None:
        newest = plan.newest()
        lang, default = language or newest.default_language, newest.default_language
        self.options = {
            item.id: {o.id: text_in(o.label, lang, default) for o in item.options}
            for item in plan.items
        }
        self.multi = {item.id for item in plan.items if item.multi}

    def of(self, question_id: str, code: Cell) -> Cell:
        """A cell's label: option labels, missing-value labels, anything else unchanged."""
        if type(code) is not str:
            return code
        code = _STORED_AS.get(code, code)
        if code in MISSING_LABELS:
            return MISSING_LABELS[code]
        labels = self.options.get(question_id)
        if not labels:
            return code
        if question_id in self.multi:
            return "; ".join(labels.get(c, c) for c in code.split(" "))
        return labels.get(code, code)
