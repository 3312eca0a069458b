"""Draw a question as a Prompt: the parent's language, choices with ticks, progress, nav buttons."""

from __future__ import annotations

from datetime import date

from bot.conversation.events import Choice, Prompt, PromptKind
from bot.conversation.months import example_month
from bot.conversation.session import Session
from bot.questionnaire import flow as lang
from bot.questionnaire.conditions import NO_ANSWER, Value
from bot.words import say

KINDS: dict[str, PromptKind] = {
    "single": "single",
    "scale": "single",
    "yes_no": "single",
    "multi": "multi",
    "text": "text",
    "number": "number",
    "month_year": "month_year",
    "contact": "single",
}


def option_labels(flow: lang.Flow, question: lang.Question, language: str) -> list[tuple[str, str]]:
    """(id, label) of each option, in the parent's language."""
    if isinstance(question, lang.YesNoQuestion | lang.ContactStep):
        return [("yes", say("yes", language)), ("no", say("no", language))]
    return [
        (o.id, lang.text_in(o.label, language, flow.default_language))
        for o in lang.options_of(question)
    ]


def label_of(flow: lang.Flow, question_id: str, value: Value, language: str) -> str:
    """An answer in words, as the parent would recognise it."""
    if isinstance(value, str) and value in NO_ANSWER:
        return say("prefer_not", language) if value == "_prefer_not_to_say" else "—"
    try:
        question = flow.question(question_id)
    except KeyError:
        return str(value)
    labels = dict(option_labels(flow, question, language))
    if isinstance(value, list):
        return ", ".join(labels.get(v, v) for v in value)
    if isinstance(value, str) and value in labels:
        return labels[value]
    return str(value)


def prompt_for(
    flow: lang.Flow,
    question: lang.Question,
    session: Session,
    progress: int,
    today: date | None = None,
) -> Prompt:
    """The question as the parent sees it. `today` (the engine's `now`) dates the examples."""
    language = session.language

    def text(value: lang.Text) -> str:
        return lang.text_in(value, language, flow.default_language)

    can_back = bool(session.history)
    if session.stage == "other":
        chosen = session.answers.get(question.id)
        chosen_ids = chosen if isinstance(chosen, list) else [chosen]
        other = next((o for o in lang.options_of(question) if o.other and o.id in chosen_ids), None)
        asked = other.other_prompt if other and other.other_prompt else None
        return Prompt(
            key=f"{question.id}.other",
            kind="text",
            language=language,
            seq=session.seq,
            text=text(asked) if asked else say("other_prompt", language),
            progress=progress,
            can_back=True,
            can_skip=True,
        )
    answer = session.answers.get(question.id)
    selected = set(session.draft) if question.type == "multi" else {answer}
    choices = tuple(
        Choice(oid, label, oid in selected)
        for oid, label in option_labels(flow, question, language)
    )
    return Prompt(
        key=question.id,
        kind=KINDS[question.type],
        text=text(question.text),
        language=language,
        seq=session.seq,
        choices=choices,
        help=text(question.help) if question.help else None,
        progress=progress,
        can_back=can_back,
        can_skip=question.optional,
        can_prefer_not=question.prefer_not_to_say,
        max_length=question.max_length if isinstance(question, lang.TextQuestion) else None,
        whole=isinstance(question, lang.NumberQuestion) and question.whole,
        example=example_month(today, question.months_back, question.months_ahead)
        if isinstance(question, lang.MonthYearQuestion) and today is not None
        else None,
    )


def ways_on(session: Session) -> tuple[tuple[str, str], ...]:
    """(id, word) of each way on after a phone number or email address that would not fit:
    the other detail instead (or just the other one, when it was given), try again, or no
    contact at all. Only that last one ever records the opt-in as "no"."""
    tried = "phone" if session.contact_field == "phone_failed" else "email"
    other = "email" if tried == "phone" else "phone"
    instead = ("only", f"contact_{other}_only") if other in session.contact else None
    instead = instead or ("instead", f"contact_use_{other}")
    again = ("retry", f"contact_retry_{tried}")
    first, second = (instead, again) if tried == "phone" else (again, instead)
    return first, second, ("none", "contact_dont")


def contact_prompt(
    flow: lang.Flow, question: lang.Question, session: Session, progress: int
) -> Prompt:
    """The name / phone / email / preferred-time questions after a parent agrees to be contacted,
    and what to do after a phone number or email address that would not fit."""
    language = session.language
    field = session.contact_field or "name"
    key = f"{question.id}.{field}"
    if field in ("time", "phone_failed", "email_failed"):
        if field == "time":
            times = ("morning", "afternoon", "evening", "any")
            words = tuple((t, f"time_{t}") for t in times)
        else:
            words = ways_on(session)
        return Prompt(
            key=key,
            kind="single",
            text=say(f"contact_{field}", language),
            language=language,
            seq=session.seq,
            choices=tuple(Choice(i, say(w, language)) for i, w in words),
            progress=progress,
            can_back=True,
        )
    return Prompt(
        key=key,
        kind="text",
        text=say(f"contact_{field}", language),
        language=language,
        seq=session.seq,
        progress=progress,
        can_back=True,
        can_skip=field == "phone" or (field == "email" and "phone" in session.contact),
        max_length=100 if field == "name" else None,
    )
