"""The follow-up interview opt-in, all of it: a separate yes, then name, phone and/or email, and a
good time to call. The details leave the engine in one `ContactOptedIn` event, which carries
nothing that links them to the answers; nothing typed that did not fit is kept.

A yes is never dropped quietly: after phone numbers (or email addresses) that do not fit, the
parent chooses how to go on (the other detail, try again, or no contact); only an explicit "no"
or "Don't contact me" records the opt-in as "no", and the parent is told plainly either way
whether anyone will contact them. Pure: no I/O, no clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.conversation import parse
from bot.conversation.answering import not_answered
from bot.conversation.events import Back, ContactOptedIn, Input, Left, Prompt, Reply, Skip
from bot.conversation.prompts import contact_prompt, label_of, prompt_for
from bot.conversation.session import CONTACT_FIELDS, FAILED, ContactField
from bot.conversation.turn import StageRules, Turn, free_text
from bot.questionnaire import flow as lang
from bot.words import say

NAME_LIMIT = 100
CHECKS: dict[ContactField, Callable[[str, str], str | parse.Invalid]] = {
    "name": lambda text, language: free_text(text, NAME_LIMIT, language),
    "phone": parse.phone,
    "email": parse.email,
}


def _step(turn: Turn) -> lang.ContactStep:
    question = turn.current()
    if not isinstance(question, lang.ContactStep):
        raise LookupError(f"'{question.id}' is not a contact step")
    return question


def _field(turn: Turn) -> ContactField:
    return turn.session.contact_field or "consent"


def contact(turn: Turn, event: Input, now: datetime) -> None:
    question = _step(turn)
    field = _field(turn)
    event = turn.nav_word(event)
    if isinstance(event, Back):
        back(turn)
    elif field == "consent":
        _consent(turn, question, event)
    elif field in ("name", "phone", "email"):
        _detail(turn, field, event)
    elif (chosen := turn.chosen(event)) is None or len(chosen) != 1:
        turn.reject(say("choose_one", turn.language))
    elif field == "time":
        _finish(turn, question, chosen[0])
    else:
        _way_on(turn, field, chosen[0])


def _consent(turn: Turn, question: lang.ContactStep, event: Input) -> None:
    turn.update(contact={})  # details are typed afresh after every yes
    if turn.skip_or_prefer(event, question):
        return
    chosen = turn.chosen(event)
    if chosen == ["yes"]:
        turn.update(contact_field="name", attempts=0)
        turn.ask()
    elif chosen == ["no"]:
        turn.record(question.id, "no")
        turn.advance()
    else:
        turn.reject(say("choose_one", turn.language))


def _detail(turn: Turn, field: ContactField, event: Input) -> None:
    """Name, phone or email: phone and email may be skipped, but not both."""
    details = dict(turn.session.contact)
    if isinstance(event, Skip) and field in ("phone", "email"):
        if field == "email" and "phone" not in details:
            turn.reject(say("contact_need_one", turn.language))
            return
        details.pop(field, None)
    elif isinstance(event, Reply):
        value = CHECKS[field](event.text, turn.language)
        if isinstance(value, parse.Invalid):
            turn.reject(value.reason)
            return
        details[field] = value
    else:
        turn.reject(say("type_answer", turn.language))
        return
    after = CONTACT_FIELDS[CONTACT_FIELDS.index(field) + 1]
    turn.update(contact=details, contact_field=after, attempts=0)
    turn.ask()


def _way_on(turn: Turn, failed: ContactField, way: str) -> None:
    """After a phone number or email address that would not fit: what the parent chose."""
    tried: ContactField = "phone" if failed == "phone_failed" else "email"
    other: ContactField = "email" if tried == "phone" else "phone"
    if way == "none":
        turn.update(contact={}, contact_field=None)
        turn.record(_step(turn).id, "no")
        turn.tell("contact_none")
        turn.advance()
        return
    goes_to: dict[str, ContactField] = {"retry": tried, "instead": other, "only": "time"}
    turn.update(contact_field=goes_to[way], attempts=0)
    turn.ask()


def _finish(turn: Turn, question: lang.ContactStep, time_id: str) -> None:
    details = turn.session.contact
    shared = tuple(
        (turn.text(turn.flow.question(qid).text), label_of(turn.flow, qid, value, turn.language))
        for qid in question.share_answers
        if (value := turn.session.answers.get(qid)) is not None
    )
    turn.events.append(
        ContactOptedIn(
            details.get("name", ""),
            details.get("phone"),
            details.get("email"),
            say(f"time_{time_id}", turn.language),
            shared,
        )
    )
    how = (
        "both" if {"phone", "email"} <= set(details) else "phone" if "phone" in details else "email"
    )
    turn.tell(f"contact_thanks_{how}")
    turn.update(contact={}, contact_field=None)
    turn.record(question.id, "yes")
    turn.advance()


def prompt(turn: Turn) -> Prompt:
    question = turn.current()
    if _field(turn) == "consent":
        return prompt_for(turn.flow, question, turn.session, turn.progress(), turn.today)
    return contact_prompt(turn.flow, question, turn.session, turn.progress())


def back(turn: Turn) -> None:
    """Within the details: the field before (after a detail that would not fit: that detail).
    From the opt-in question: the question before. Details are kept only inside the step."""
    field = _field(turn)
    if field == "consent":
        turn.update(contact={})
        turn.back_in_history()
        return
    failed: dict[ContactField, ContactField] = {v: k for k, v in FAILED.items()}
    before = failed.get(field) or CONTACT_FIELDS[CONTACT_FIELDS.index(field) - 1]
    turn.update(contact_field=before, attempts=0)
    if before == "consent":
        turn.update(contact={})
    turn.ask()


def give_up(turn: Turn, reason: str) -> None:
    """Too many answers that do not fit. The opt-in question: left like any question. A phone
    number or email address: the parent chooses how to go on (nothing typed for it is kept).
    Anything else: asked again, as a yes is never dropped quietly."""
    field = _field(turn)
    if field == "consent":
        turn.update(contact={})
        not_answered(turn, reason)
    elif field in FAILED:
        turn.events.append(Left(f"{_step(turn).id}.{field}"))  # what was typed is no answer
        details = {k: v for k, v in turn.session.contact.items() if k != field}
        turn.update(contact=details, contact_field=FAILED[field], attempts=0)
        turn.ask()
    else:
        turn.ask_again(reason)


CONTACT = StageRules(handle=contact, prompt=prompt, back=back, give_up=give_up)
