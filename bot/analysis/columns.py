"""The columns of an export and what goes in each cell. Pure: no I/O.

One plan per questionnaire covers every version of it that responses were given on, so columns
are stable: a question added later is empty for earlier responses, a removed one stays for the
responses that had it. The values that stand for "no answer" are distinct and documented
(`MISSING`); an empty cell means only that the question was not in that response's version."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.questionnaire.conditions import NOT_ANSWERED, PREFER_NOT, SKIPPED, Value, holds
from bot.questionnaire.flow import (
    Flow,
    InfoStep,
    MultiQuestion,
    Option,
    Question,
    options_of,
    text_in,
)

NOT_ASKED = "_not_asked"
NOT_REACHED = "_not_reached"
NO_VALID_ANSWER = "_no_valid_answer"

#: Every value that stands in for an answer: code → what it means (for the codebook).
MISSING: dict[str, str] = {
    SKIPPED: "skipped: the parent pressed Skip",
    PREFER_NOT: "prefer not to say: the parent chose 'Prefer not to say'",
    NO_VALID_ANSWER: "no valid answer: moved on after answers that did not fit, several times",
    NOT_ASKED: "not asked: the question's show_if did not hold for this parent (branching)",
    NOT_REACHED: "not reached: the parent stopped before this question (partial response)",
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

Cell = str | int | float | list[str] | None


@dataclass
class Item:
    """One question as it appears across the versions of a questionnaire."""

    question: Question  # its newest wording
    versions: list[str] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.question.id

    @property
    def multi(self) -> bool:
        return isinstance(self.question, MultiQuestion)

    @property
    def has_other(self) -> bool:
        return any(o.other for o in self.options)

    def columns(self) -> list[str]:
        cols = [self.id]
        if self.multi:
            cols += [f"{self.id}/{o.id}" for o in self.options]
        if self.has_other:
            cols.append(f"{self.id}.other")
        return cols


@dataclass
class Plan:
    flow_id: str
    items: list[Item]
    flows: dict[str, Flow]  # content hash → that version
    labels: dict[str, str]  # content hash → the version label staff gave it

    def columns(self) -> list[str]:
        return [c for item in self.items for c in item.columns()]

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
    return Plan(
        flow_id,
        list(items.values()),
        {d: f for d, _, f in versions},
        {d: label for d, label, _ in versions},
    )


def _missing(question: Question, answers: dict[str, Value], complete: bool) -> str:
    if question.show_if is not None and not holds(question.show_if, answers):
        return NOT_ASKED
    return NOT_ASKED if complete else NOT_REACHED


def cells(plan: Plan, flow: Flow | None, answers: dict[str, Value], complete: bool) -> list[Cell]:
    """One response's cells in the order of `plan.columns()`, as codes."""
    out: list[Cell] = []
    asked = {q.id: q for q in flow.questions} if flow is not None else {}
    for item in plan.items:
        question = asked.get(item.id)
        width = len(item.columns())
        if question is None:
            out += [None] * width
            continue
        value = answers.get(item.id)
        if value is None:
            marker: str = _missing(question, answers, complete)
            out += [marker] * width
            continue
        if isinstance(value, str) and value.startswith("_"):
            out += [exported(value)] * width
            continue
        if item.multi:
            chosen = value if isinstance(value, list) else [str(value)]
            out.append(" ".join(chosen))
            out += [int(o.id in chosen) for o in item.options]
        else:
            out.append(value)
        if item.has_other:
            out.append(answers.get(f"{item.id}.other"))
    return out


def label_of(item: Item, code: Cell, language: str, default: str) -> Cell:
    """A cell's label in `language`: option labels, missing-value labels, others unchanged."""
    if isinstance(code, str) and code in MISSING_LABELS:
        return MISSING_LABELS[code]
    if not item.options or code is None:
        return code
    labels = {o.id: text_in(o.label, language, default) for o in item.options}
    if isinstance(code, str) and " " in code and isinstance(item.question, MultiQuestion):
        return "; ".join(labels.get(c, c) for c in code.split(" "))
    return labels.get(str(code), code) if isinstance(code, str) else code
