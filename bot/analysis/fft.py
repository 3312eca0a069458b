"""The Friends and Family Test section of the report: % positive and % negative overall, per
group of a breakdown and over time, worked out from actual counts as NHS England publishes them,
each only where at least the minimum base of parents answered.

Over time, months are taken together from the first into periods of at least the minimum base of
answers each (the last period takes any months left over), so every period is shown and no
period's figures can be worked out from the others and the total."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from bot.analysis.charts import shares
from bot.analysis.columns import Plan
from bot.analysis.disclosure import Rule
from bot.analysis.periods import periods as closed_periods
from bot.analysis.tally import QuestionTally, Tally
from bot.questionnaire.flow import ScaleQuestion

POSITIVE, NEGATIVE = ("very_good", "good"), ("poor", "very_poor")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Row:
    label: str
    answered: str  # as shown: rounded or `*`
    positive: str | None
    negative: str | None


def _shares(rule: Rule, counts: Counter[str], base: int) -> tuple[str | None, str | None]:
    positive = sum(counts.get(c, 0) for c in POSITIVE)
    negative = sum(counts.get(c, 0) for c in NEGATIVE)
    return rule.headline(positive, base), rule.headline(negative, base)


def month_name(month: str) -> str:
    """`2026-08` → `Aug 2026`."""
    year, number = month.split("-")
    return f"{MONTHS[int(number) - 1]} {year}"


def span(first: str, last: str) -> str:
    """A period's label: `Aug 2026`, `Aug–Oct 2026` or `Dec 2025–Feb 2026`."""
    if first == last:
        return month_name(first)
    if first[:4] == last[:4]:
        return f"{month_name(first)[:3]}–{month_name(last)}"
    return f"{month_name(first)}–{month_name(last)}"


def periods(answered: dict[str, int], rule: Rule) -> list[list[str]]:
    """Months in order, taken together into periods of at least the minimum base of answers
    (as the report's closed periods are); months left over at the end join the last period.
    None when the months hold fewer."""
    if not answered:
        return []
    spans = closed_periods(answered, max(answered), rule)
    if spans:
        spans[-1] = (spans[-1][0], max(answered))
    return [[m for m in sorted(answered) if first <= m <= last] for first, last in spans]


def _trend(rule: Rule, q: QuestionTally) -> list[Row]:
    rows = []
    answered = {m: sum(c.values()) for m, c in q.by_month.items()}
    for months in periods(answered, rule):
        counts: Counter[str] = Counter()
        for m in months:
            counts.update(q.by_month[m])
        base = sum(answered[m] for m in months)
        shown = _shares(rule, counts, base)
        rows.append(Row(span(months[0], months[-1]), rule.count(base), *shown))
    return rows


def section(rule: Rule, p: Plan, tally: Tally, groups: list[str], names: dict[str, str]) -> Any:
    """What the template shows of the Friends and Family Test, or None without one."""
    item = next((i for i in p.items if getattr(i.question, "preset", None) == "fft"), None)
    if item is None or not isinstance(item.question, ScaleQuestion):
        return None
    q = tally.questions[item.id]
    positive, negative = _shares(rule, q.options, q.answered)
    if positive is None:
        return {"id": item.id, "withheld": rule.withheld(), "positive": None}
    per_group = []
    if len(groups) > 1 and all(rule.enough(q.answered_by_group[g]) for g in groups):
        for g in groups:
            base = q.answered_by_group[g]
            shown = _shares(rule, q.by_group.get(g, Counter()), base)
            per_group.append(Row(names.get(g, g), rule.count(base), *shown))
    trend = _trend(rule, q) if len(q.by_month) > 1 else []
    overall = Row("All", rule.count(q.answered), positive, negative)
    chart_rows = [overall, *per_group, *(trend if len(trend) > 1 else [])]
    return {
        "id": item.id,
        "answered": overall.answered,
        "positive": positive,
        "negative": negative,
        "withheld": None,
        "by_group": per_group,
        "trend": trend if len(trend) > 1 else [],
        "chart": shares([(r.label, _whole(r.positive), _whole(r.negative)) for r in chart_rows]),
        "method": rule.method(),
    }


def _whole(percent: str | None) -> int:
    return int(percent.rstrip("%")) if percent else 0
