"""The follow-up interview opt-in, all of it: a separate yes, then name, phone and/or email, and a
good time to call. The details leave the engine in one `ContactOptedIn` event, which carries
nothing that links them to the answers. Pure: no I/O, no clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.conversation import parse
from bot.conversation.events import Back, ContactOptedIn, Input, Prompt, Reply, Said, Skip
from bot.conversation.prompts import contact_prompt, label_of, prompt_for
from bot.conversation.session import CONTACT_FIELDS, ContactField
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
    elif field == "time":
        chosen = turn.chosen(event)
        if chosen is None or len(chosen) != 1:
            turn.reject(say("choose_one", turn.language))
        else:
            _finish(turn, question, chosen[0])
    else:
        _detail(turn, field, event)


def _consent(turn: Turn, question: lang.ContactStep, event: Input) -> None:
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
    turn.events.append(Said(say("contact_thanks", turn.language)))
    turn.update(contact={}, contact_field=None)
    turn.record(question.id, "yes")
    turn.advance()


def prompt(turn: Turn) -> Prompt:
    question = turn.current()
    if _field(turn) == "consent":
        return prompt_for(turn.flow, question, turn.session, turn.progress())
    return contact_prompt(turn.flow, question, turn.session, turn.progress())


def back(turn: Turn) -> None:
    """Within the details: the field before. From the opt-in question: the question before."""
    field = _field(turn)
    if field == "consent":
        turn.back_in_history()
        return
    turn.update(contact_field=CONTACT_FIELDS[CONTACT_FIELDS.index(field) - 1], attempts=0)
    turn.ask()


def give_up(turn: Turn, reason: str) -> None:
    """Too many answers that do not fit: no contact at all, and nothing kept of what was typed."""
    turn.update(contact={}, contact_field=None)
    turn.leave("no")


CONTACT = StageRules(handle=contact, prompt=prompt, back=back, give_up=give_up)
