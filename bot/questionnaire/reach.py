"""Find questions that no combination of earlier answers can ever show."""

from __future__ import annotations

import itertools
import math

from bot.questionnaire import flow as lang
from bot.questionnaire.conditions import SKIPPED, Value, holds

#: Beyond this many combinations a condition is assumed satisfiable rather than searched.
MAX_COMBINATIONS = 20_000
#: Combinations tried in all, for one questionnaire: once they are used up, the conditions left
#: are assumed satisfiable too. The shipped questionnaires try fewer than 100; thousands of
#: conditions that can never hold, over questions with many options, would otherwise take minutes.
MAX_TRIED = 200_000


def _domain(question: lang.Question, thresholds: list[float]) -> list[Value | None]:
    ids = [o.id for o in lang.options_of(question)]
    if isinstance(question, lang.MultiQuestion):
        if len(ids) <= 8:
            subsets = itertools.chain.from_iterable(
                itertools.combinations(ids, n) for n in range(1, len(ids) + 1)
            )
            return [None, SKIPPED, *[list(s) for s in subsets]]
        return [None, SKIPPED, *[[i] for i in ids]]
    if ids:
        return [None, SKIPPED, *ids]
    if isinstance(question, lang.NumberQuestion):
        values: set[float] = {0.0}
        for t in thresholds:
            values.update({t - 1, t, t + 1})
        return [None, SKIPPED, *sorted(values)]
    return [None, SKIPPED, "something"]


def _thresholds(cond: lang.Condition, found: dict[str, list[float]]) -> dict[str, list[float]]:
    """The numbers each question is compared with (at_least, at_most), in one walk."""
    if cond.question is not None:
        bounds = found.setdefault(cond.question, [])
        bounds += [x for x in (cond.at_least, cond.at_most) if x is not None]
    for child in (*(cond.all or ()), *(cond.any or ()), *([cond.not_] if cond.not_ else [])):
        _thresholds(child, found)
    return found


def _domains(
    refs: list[str], cond: lang.Condition, by_id: dict[str, lang.Question], dead: set[str]
) -> list[list[Value | None]] | None:
    """The answers worth trying for each question a condition looks at; None when the
    combinations would pass MAX_COMBINATIONS (stops as soon as they do)."""
    thresholds = _thresholds(cond, {})
    domains: list[list[Value | None]] = []
    size = 1
    for ref in refs:
        domain: list[Value | None] = [None] if ref in dead else _domain(by_id[ref], thresholds[ref])
        size *= len(domain)
        if size > MAX_COMBINATIONS:
            return None
        domains.append(domain)
    return domains


def unreachable(flow: lang.Flow) -> list[int]:
    """Indices of questions whose show_if can never hold. Each question is looked up by id once,
    so a long chain of conditions takes time in proportion to its length."""
    by_id = {q.id: q for q in reversed(flow.questions)}  # the first of any repeated id
    dead: set[str] = set()
    result = []
    left = MAX_TRIED
    for i, q in enumerate(flow.questions):
        cond = q.show_if
        if cond is None:
            continue
        refs = sorted(set(cond.questions()))
        domains = _domains(refs, cond, by_id, dead)
        if domains is None or left == 0:  # too many to search: assumed satisfiable
            continue
        tried, shown = 0, False
        for combo in itertools.islice(itertools.product(*domains), left):
            tried += 1
            if holds(cond, {r: v for r, v in zip(refs, combo, strict=True) if v is not None}):
                shown = True
                break
        left -= tried
        if not shown and tried == math.prod(map(len, domains)):  # every combination tried
            dead.add(q.id)
            result.append(i)
    return result
