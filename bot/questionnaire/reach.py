"""Find questions that no combination of earlier answers can ever show."""

from __future__ import annotations

import itertools

from bot.questionnaire import flow as lang
from bot.questionnaire.conditions import SKIPPED, Value, holds

#: Beyond this many combinations a condition is assumed satisfiable rather than searched.
MAX_COMBINATIONS = 20_000


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


def _thresholds(cond: lang.Condition, qid: str) -> list[float]:
    found = []
    if cond.question == qid:
        found += [x for x in (cond.at_least, cond.at_most) if x is not None]
    for child in (*(cond.all or ()), *(cond.any or ()), *([cond.not_] if cond.not_ else [])):
        found += _thresholds(child, qid)
    return found


def unreachable(flow: lang.Flow) -> list[int]:
    """Indices of questions whose show_if can never hold."""
    dead: set[str] = set()
    result = []
    for i, q in enumerate(flow.questions):
        if q.show_if is None:
            continue
        refs = sorted(set(q.show_if.questions()))
        domains = []
        for ref in refs:
            target = flow.question(ref)
            domains.append([None] if ref in dead else _domain(target, _thresholds(q.show_if, ref)))
        size = 1
        for d in domains:
            size *= len(d)
        if size > MAX_COMBINATIONS:
            continue
        cond = q.show_if
        if not any(
            holds(cond, {r: v for r, v in zip(refs, combo, strict=True) if v is not None})
            for combo in itertools.product(*domains)
        ):
            dead.add(q.id)
            result.append(i)
    return result
