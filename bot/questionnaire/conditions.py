"""Evaluate a question's `show_if` against the answers given so far. Pure data, never eval."""

from __future__ import annotations

from collections.abc import Mapping

from bot.questionnaire.flow import Condition

#: Stored in place of an answer when a parent skips, prefers not to say, or is moved on.
SKIPPED = "_skipped"
#: Only ever the parent's own choice (the button, or the words typed).
PREFER_NOT = "_prefer_not_to_say"
#: No valid answer: the bot moved on after several answers that did not fit, whatever the
#: question offers. Exported as `_no_valid_answer` (analysis/columns.py).
NOT_ANSWERED = "_not_answered"
NO_ANSWER = frozenset({SKIPPED, PREFER_NOT, NOT_ANSWERED})

Value = str | int | float | list[str]


def is_real(value: Value | None) -> bool:
    """True when the parent actually answered (not skipped, not 'prefer not to say')."""
    return value is not None and not (isinstance(value, str) and value in NO_ANSWER)


def holds(cond: Condition, answers: Mapping[str, Value]) -> bool:
    if cond.all is not None:
        return all(holds(c, answers) for c in cond.all)
    if cond.any is not None:
        return any(holds(c, answers) for c in cond.any)
    if cond.not_ is not None:
        return not holds(cond.not_, answers)
    if cond.question is None:  # the model allows no other shape; never true if it did
        return False
    value = answers.get(cond.question)
    real = is_real(value)
    if cond.answered is not None:
        return real == cond.answered
    if cond.is_ is not None:
        return real and _matches(value, cond.is_)
    if cond.is_not is not None:
        return not (real and _matches(value, cond.is_not))
    if not real or not isinstance(value, int | float) or isinstance(value, bool):
        return False
    if cond.at_least is not None and value < cond.at_least:
        return False
    return not (cond.at_most is not None and value > cond.at_most)


def _matches(value: Value | None, wanted: list[str]) -> bool:
    if isinstance(value, list):
        return any(v in wanted for v in value)
    return value in wanted
