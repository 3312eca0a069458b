"""Counting answers for the report, one response at a time as they stream from the databases.
Pure: responses in, counts out. Nothing here decides what may be shown; `disclosure` does."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bot.analysis.columns import NO_VALID_ANSWER, Item, Plan
from bot.questionnaire.conditions import NOT_ANSWERED, Value
from bot.questionnaire.flow import (
    ChoiceQuestion,
    ContactStep,
    MultiQuestion,
    NumberQuestion,
    ScaleQuestion,
    TextQuestion,
    YesNoQuestion,
)

NO_GROUP = "(none)"
#: How many typed answers a question shows at most.
QUOTES_SHOWN = 12


def counted(item: Item) -> bool:
    """Questions whose answers are options, counted and charted."""
    return isinstance(item.question, ChoiceQuestion | MultiQuestion | ScaleQuestion | YesNoQuestion)


@dataclass
class QuestionTally:
    item: Item
    options: Counter[str] = field(default_factory=Counter)  # option code → parents choosing it
    missing: Counter[str] = field(default_factory=Counter)  # no-answer code → parents
    by_group: dict[str, Counter[str]] = field(default_factory=dict)
    answered_by_group: Counter[str] = field(default_factory=Counter)
    by_month: dict[str, Counter[str]] = field(default_factory=dict)  # month started → options
    answered: int = 0  # parents who gave a real answer
    numbers: list[float] = field(default_factory=list)
    typed: int = 0  # typed answers, including "other, please say"
    quotes: list[str] = field(default_factory=list)

    def quote(self, text: str) -> None:
        """Keep an even spread of up to QUOTES_SHOWN typed answers without holding them all."""
        self.typed += 1
        if len(self.quotes) < QUOTES_SHOWN:
            self.quotes.append(text)
        elif self.typed % (self.typed // QUOTES_SHOWN + 1) == 0:
            self.quotes[self.typed % QUOTES_SHOWN] = text


@dataclass
class Tally:
    plan: Plan
    by: str  # "source" or a question id
    started: int = 0
    complete: int = 0
    months: Counter[str] = field(default_factory=Counter)
    groups: Counter[str] = field(default_factory=Counter)
    groups_complete: Counter[str] = field(default_factory=Counter)
    questions: dict[str, QuestionTally] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for item in self.plan.items:
            if not isinstance(item.question, ContactStep):
                self.questions[item.id] = QuestionTally(item)

    def group_of(self, source: str | None, answers: dict[str, Value]) -> str:
        if self.by == "source":
            return source or NO_GROUP
        value = answers.get(self.by)
        return value if isinstance(value, str) and not value.startswith("_") else NO_GROUP

    def add(self, status: str, source: str | None, started: str, answers: dict[str, Value]) -> None:
        self.started += 1
        done = status == "complete"
        self.complete += done
        self.months[started] += 1
        group = self.group_of(source, answers)
        self.groups[group] += 1
        self.groups_complete[group] += done
        for qid, tally in self.questions.items():
            value = answers.get(qid)
            if value is None:
                continue
            if isinstance(value, str) and value.startswith("_"):
                tally.missing[NO_VALID_ANSWER if value == NOT_ANSWERED else value] += 1
                continue
            tally.answered += 1
            tally.answered_by_group[group] += 1
            question = tally.item.question
            chosen = value if isinstance(value, list) else [str(value)]
            if counted(tally.item):
                tally.options.update(chosen)
                tally.by_group.setdefault(group, Counter()).update(chosen)
                tally.by_month.setdefault(started, Counter()).update(chosen)
            elif isinstance(question, NumberQuestion) and isinstance(value, int | float):
                tally.numbers.append(float(value))
            elif isinstance(question, TextQuestion) and isinstance(value, str):
                tally.quote(value)
            other = answers.get(f"{qid}.other")
            if isinstance(other, str):
                tally.quote(other)

    def regroup(self, shown_as: dict[str, str]) -> None:
        """Merge groups as they are to be shown (small groups into "Other")."""

        def merge(counts: Counter[str]) -> Counter[str]:
            out: Counter[str] = Counter()
            for group, n in counts.items():
                out[shown_as[group]] += n
            return out

        self.groups, self.groups_complete = merge(self.groups), merge(self.groups_complete)
        for q in self.questions.values():
            q.answered_by_group = merge(q.answered_by_group)
            by_group: dict[str, Counter[str]] = {}
            for group, counts in q.by_group.items():
                by_group.setdefault(shown_as[group], Counter()).update(counts)
            q.by_group = by_group
