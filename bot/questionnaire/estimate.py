"""How long a questionnaire takes, from the questionnaire itself, for the `{minutes}` an intro can
say ("It takes about {minutes} minutes"), so the promise stays true when questions are added."""

from __future__ import annotations

import math

from bot.questionnaire import flow as lang
from bot.questionnaire.conditions import Value, holds

#: Seconds a parent on a phone takes: reading and tapping a choice, typing a few words.
SECONDS = {"text": 40, "info": 8, "contact": 20}
TAP = 12


def typical_path(flow: lang.Flow) -> list[lang.Question]:
    """The questions asked of a parent who picks the first option every time (branching
    included): the path a typical parent takes, as far as the flow itself can tell."""
    answers: dict[str, Value] = {}
    asked = []
    for question in flow.questions:
        if question.show_if is not None and not holds(question.show_if, answers):
            continue
        asked.append(question)
        options = getattr(question, "options", None)
        if options:
            first = options[0].id
            answers[question.id] = [first] if question.type == "multi" else first
        elif question.type == "text":
            answers[question.id] = "…"
    return asked


def typical_minutes(flow: lang.Flow) -> int:
    """Whole minutes for the typical path; never under 2, so the sentence reads as plural."""
    seconds = sum(SECONDS.get(q.type, TAP) for q in typical_path(flow))
    return max(2, math.ceil(seconds / 60))
