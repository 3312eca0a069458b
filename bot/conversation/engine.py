"""The conversation engine: a pure function from (flow, session, input, now) to (session, events).

It knows nothing of Telegram, the web, SQLite or the clock. Adapters turn what a parent does into
an Input, the service calls `step`, stores the result, and only then shows the events.

How an input is handled, in order (each rule is data or one small function):
1. no session yet, or a finished one: Start (or Restart) begins a new response; Repeat on a finished
   one says its last words again (the closing, or the declined message), in case they were lost;
2. words that suggest danger in typed text (an answer, or an aside such as an edited message):
   the signpost is said first, in the parent's language, whatever the stage;
3. back after a long gap (`Rules.expire_after_days`): offer to carry on or start again;
4. inputs that mean the same in every stage (`COMMON`: Start, Stop, Repeat, …);
5. a tap on an older question message: stale, nothing recorded;
6. the stage's own rules (`STAGES`): Back, then everything else.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from bot.conversation.answering import CONSENT, OTHER, QUESTION, prefill
from bot.conversation.contact import CONTACT
from bot.conversation.events import (
    Aside,
    Back,
    Choose,
    Event,
    Input,
    Repeat,
    Reply,
    ResponsePaused,
    ResponseRestarted,
    Restart,
    Returned,
    Said,
    Signposted,
    Stale,
    Start,
    Stop,
    SwitchLanguage,
)
from bot.conversation.session import Session, Stage
from bot.conversation.turn import PLAIN, Rules, StageRules, Turn
from bot.questionnaire import flow as lang
from bot.questionnaire.estimate import typical_minutes
from bot.words import say

__all__ = ["STAGES", "Rules", "signposts", "step"]

#: What each stage of an unfinished questionnaire does (complete and declined have no inputs).
STAGES: dict[Stage, StageRules] = {
    "consent": CONSENT,
    "question": QUESTION,
    "other": OTHER,
    "contact": CONTACT,
}


def step(
    flow: lang.Flow,
    session: Session | None,
    event: Input,
    now: datetime,
    rules: Rules = PLAIN,
) -> tuple[Session, list[Event]]:
    """Apply one input. Never raises on anything a parent can send."""
    new, events = _step(flow, session, Repeat() if isinstance(event, Aside) else event, now, rules)
    # Said first; the questionnaire carries on. Only the redacted answer is ever kept.
    events = [*signposts(event, new.language, rules), *events]
    return new.model_copy(update={"active": now.date().isoformat()}), events


def signposts(event: Input, language: str, rules: Rules) -> list[Event]:
    """Where to get help now, when typed text suggests danger (else nothing)."""
    if isinstance(event, Reply | Aside) and rules.in_danger(event.text):
        return [Signposted(rules.signpost(language))]
    return []


def _step(
    flow: lang.Flow, session: Session | None, event: Input, now: datetime, rules: Rules
) -> tuple[Session, list[Event]]:
    if session is None:
        return _begin(flow, event if isinstance(event, Start) else Start(), now, rules)
    if session.finished:
        if isinstance(event, Start | Restart):
            start = event if isinstance(event, Start) else Start(session.source)
            return _begin(flow, start, now, rules)
        if isinstance(event, Repeat):
            return session, [Said(_last_words(flow, session))]
        if isinstance(event, Returned):
            return session, []
        return session, [Said(say("finished", session.language))]
    turn = Turn(flow, session, STAGES, rules, now.date())
    if session.returning:
        return _returning(turn, event, now)
    if _away_too_long(session, now, rules) or isinstance(event, Returned):
        turn.update(returning=True)
        turn.ask()
        return turn.session, turn.events
    handle(turn, event, now)
    return turn.session, turn.events


def _last_words(flow: lang.Flow, session: Session) -> str:
    """What a finished questionnaire said last: its closing, or its declined message."""
    text = flow.closing if session.stage == "complete" else flow.consent.declined
    return lang.text_in(text, session.language, flow.default_language)


def _away_too_long(session: Session, now: datetime, rules: Rules) -> bool:
    """An unfinished questionnaire left alone longer than the expiry window."""
    if rules.expire_after_days is None or session.active is None:
        return False
    idle = (now.date() - date.fromisoformat(session.active)).days
    return idle > rules.expire_after_days


def handle(turn: Turn, event: Input, now: datetime) -> None:
    """One input to an unfinished questionnaire, by the rules above (4 to 6)."""
    common = COMMON.get(type(event))
    if common is not None:
        common(turn, event)
    elif getattr(event, "seq", None) not in (None, turn.session.seq):
        turn.events.append(Stale())
        turn.tell("stale")
        turn.ask(new=False)
    elif isinstance(event, Back):
        turn.rules_here().back(turn)
    else:
        turn.rules_here().handle(turn, event, now)


# ── inputs that mean the same in every stage ───────────────────────────────────────────────
def _resume(turn: Turn, event: Input) -> None:
    if isinstance(event, Start) and event.language in turn.flow.languages:
        turn.update(language=event.language)
    turn.tell("resumed")
    turn.ask(new=False)


def _pause(turn: Turn, event: Input) -> None:
    turn.events.append(ResponsePaused())
    turn.tell("paused")


def _repeat(turn: Turn, event: Input) -> None:
    turn.ask(new=False)


def _switch(turn: Turn, event: Input) -> None:
    if isinstance(event, SwitchLanguage) and event.language in turn.flow.languages:
        turn.update(language=event.language)
    turn.ask(new=False)


def _restart(turn: Turn, event: Input) -> None:
    if turn.session.stage == "consent":
        turn.ask(new=False)
        return
    turn.events.append(ResponseRestarted())
    turn.update(answers={}, history=(), current=None, contact={}, prefilled=(), progress=0)
    turn.tell("restarted")
    prefill(turn)
    turn.advance()


COMMON: dict[type, Callable[[Turn, Input], None]] = {
    Start: _resume,
    Stop: _pause,
    Repeat: _repeat,
    SwitchLanguage: _switch,
    Restart: _restart,
}


# ── beginning, and coming back after a long gap ─────────────────────────────────────────────
def _returning(turn: Turn, event: Input, now: datetime) -> tuple[Session, list[Event]]:
    """'Carry on' resumes the same response; 'start again' begins a new one (the old one stays
    as a partial response). An input from an older message (its `seq` is not the offer's) is
    stale: a "2" typed as a number of visits is never taken for "start again"."""
    if getattr(event, "seq", None) not in (None, turn.session.seq):
        turn.events.append(Stale())
        turn.tell("stale")
        turn.ask(new=False)
        return turn.session, turn.events
    choice = event.options if isinstance(event, Choose) else None
    if isinstance(event, Reply):
        typed = event.text.strip()
        if typed in ("1", say("carry_on", turn.language)):
            choice = ("resume",)
        elif typed in ("2", say("start_again", turn.language)):
            choice = ("again",)
    if choice == ("resume",):
        turn.update(returning=False)
        turn.tell("resumed")
        turn.ask()
    elif choice == ("again",):
        return _begin(turn.flow, Start(turn.session.source, turn.language), now, turn.rules)
    else:
        turn.ask(new=False)
    return turn.session, turn.events


def _begin(
    flow: lang.Flow, start: Start, now: datetime, rules: Rules
) -> tuple[Session, list[Event]]:
    language = start.language if start.language in flow.languages else flow.default_language
    session = Session(
        flow_id=flow.id,
        flow_hash=flow.content_hash(),
        language=language,
        source=start.source,
        started=f"{now.year:04d}-{now.month:02d}",
    )
    turn = Turn(flow, session, STAGES, rules, now.date())
    intro = turn.text(flow.intro).replace("{minutes}", str(typical_minutes(flow)))
    turn.events.append(Said(intro))
    turn.ask()
    return turn.session, turn.events
