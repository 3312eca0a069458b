"""An answer posted from a question page, taken truthfully whatever happened to the parent's
place meanwhile.

- **Under way:** the answer goes to the engine, and the page shows what it made of it.
- **Away too long** (`sessions.expire_after_days`): the engine offers to carry on or start again
  instead of taking the answer. When the answer is for the question the parent was on (its
  sequence number is the one just before the offer's: the offer always follows that question
  directly), the parent clearly means to carry on: the chat carries on for them, gives the
  answer to the same question, and says so. Otherwise the page says the answer was not saved
  and shows the offer.
- **Forgotten** (past the privacy window, or deleted elsewhere) or **finished:** nothing is
  stepped (so no new questionnaire starts by itself); the page says the answer was not saved.
"""

from __future__ import annotations

from dataclasses import replace

from bot.channels.web.view import View, answer_words
from bot.channels.web.words import word
from bot.conversation import events as ev
from bot.service import Outcome, Service

Answer = ev.Choose | ev.Reply | ev.Back | ev.Skip | ev.PreferNot
RETURNING = "returning"  # the engine's "carry on or start again?" prompt


async def take_answer(service: Service, who: str, view: View, event: ev.Input) -> None:
    asked = view.prompt
    standing = await service.standing(who)
    if standing.status == "new":
        view.lost(word("gone", view.language), finished=False)
        return
    if standing.status == "finished":
        view.lost(word("finished_already", view.language), finished=True)
        return
    outcome = await service.handle(who, event)
    offer = _offered(outcome)
    if offer is None:
        view.show(outcome.events, outcome.language, _said(asked, event, outcome), event)
    elif isinstance(event, Answer) and event.seq is not None and event.seq + 1 == offer.seq:
        await _carry_on(service, who, view, event, asked, offer)
    else:
        view.show(outcome.events, outcome.language)
        view.notice = word("away_lost", view.language)


async def _carry_on(
    service: Service,
    who: str,
    view: View,
    event: Answer,
    asked: ev.Prompt | None,
    offer: ev.Prompt,
) -> None:
    """Carry on for a parent back after a long gap, and give their answer to its question."""
    resumed = await service.handle(who, ev.Choose(("resume",), offer.seq))
    prompt = _asked(resumed)
    if prompt is None or (asked is not None and asked.key not in (prompt.key, RETURNING)):
        view.show(resumed.events, resumed.language)  # (never: the offer follows its question)
        view.notice = word("away_lost", view.language)
        return
    again = replace(event, seq=prompt.seq)
    outcome = await service.handle(who, again)
    view.show(outcome.events, outcome.language, answer_words(prompt, again, outcome), again)
    saved = any(isinstance(e, ev.AnswerRecorded) for e in outcome.events)
    view.notice = word("away_saved" if saved else "away_resumed", view.language)


def _asked(outcome: Outcome) -> ev.Prompt | None:
    shown = [e.prompt for e in outcome.events if isinstance(e, ev.Asked)]
    return shown[-1] if shown else None


def _offered(outcome: Outcome) -> ev.Prompt | None:
    """The "carry on or start again?" offer, when the engine made it instead of an answer."""
    prompt = _asked(outcome)
    return prompt if prompt is not None and prompt.key == RETURNING else None


def _said(asked: ev.Prompt | None, event: ev.Input, outcome: Outcome) -> str | None:
    return answer_words(asked, event, outcome) if asked is not None else None
