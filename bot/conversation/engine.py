"""The conversation engine: a pure function from (flow, session, input, now) to (session, events).

It knows nothing of Telegram, SQLite or the clock. Adapters turn what a parent does into an Input,
call `step`, store the result, and only then show the events to the parent.
"""

from __future__ import annotations

from datetime import datetime

from bot.conversation import parse
from bot.conversation.contact import ContactSteps
from bot.conversation.events import (
    Back,
    Choose,
    Done,
    Event,
    Input,
    Rejected,
    Repeat,
    Reply,
    Restart,
    Returned,
    Said,
    Skip,
    Stale,
    Start,
    Stop,
    SwitchLanguage,
    Toggle,
    Updated,
)
from bot.conversation.events import ResponseDeclined as Declined
from bot.conversation.events import ResponsePaused as Paused
from bot.conversation.events import ResponseRestarted as Restarted
from bot.conversation.events import ResponseStarted as Started
from bot.conversation.messages import every_language, say
from bot.conversation.session import Session
from bot.conversation.turn import Cleaner, free_text, unchanged
from bot.questionnaire import flow as lang
from bot.questionnaire.conditions import Value


def step(
    flow: lang.Flow,
    session: Session | None,
    event: Input,
    now: datetime,
    redact: Cleaner = unchanged,
) -> tuple[Session, list[Event]]:
    """Apply one input. Never raises on anything a parent can send.

    `redact` cleans free-text answers before they enter the session or any event; it must be pure.
    """
    if session is None:
        return _begin(flow, event if isinstance(event, Start) else Start(), now)
    if session.finished:
        if isinstance(event, Start | Restart):
            start = event if isinstance(event, Start) else Start(session.source)
            return _begin(flow, start, now)
        if isinstance(event, Repeat | Returned):
            return session, []
        return session, [Said(say("finished", session.language))]
    if session.returning:
        return _returning(flow, session, event, now)
    run = Run(flow, session, redact)
    run.handle(event, now)
    return run.session, run.events


def _returning(
    flow: lang.Flow, session: Session, event: Input, now: datetime
) -> tuple[Session, list[Event]]:
    """Back after a long gap: 'carry on' resumes the same response; 'start again' begins a new
    one (the old one stays as a partial response)."""
    choice = event.options if isinstance(event, Choose) else None
    if isinstance(event, Reply):
        choice = (
            ("resume",)
            if event.text.strip() in ("1", say("carry_on", session.language))
            else (
                ("again",)
                if event.text.strip() in ("2", say("start_again", session.language))
                else None
            )
        )
    if choice == ("resume",):
        run = Run(flow, session.model_copy(update={"returning": False}))
        run.events.append(Said(say("resumed", run.language)))
        run.ask()
        return run.session, run.events
    if choice == ("again",):
        return _begin(flow, Start(session.source, session.language), now)
    run = Run(flow, session)
    run.ask(new=False)
    return run.session, run.events


def _fresh(flow: lang.Flow, start: Start, now: datetime) -> Session:
    language = start.language if start.language in flow.languages else flow.default_language
    return Session(
        flow_id=flow.id,
        flow_hash=flow.content_hash(),
        language=language,
        source=start.source,
        started=f"{now.year:04d}-{now.month:02d}",
    )


def _begin(flow: lang.Flow, start: Start, now: datetime) -> tuple[Session, list[Event]]:
    session = _fresh(flow, start, now)
    run = Run(flow, session)
    run.say(flow.intro)
    run.ask_consent()
    return run.session, run.events


class Run(ContactSteps):
    """One step's worth of work, with every kind of answer handled."""

    def handle(self, event: Input, now: datetime) -> None:
        s = self.session
        if isinstance(event, Start):
            if event.language in self.flow.languages:
                self.update(language=event.language)
            self.events.append(Said(say("resumed", self.language)))
            self.ask(new=False)
        elif isinstance(event, Stop):
            self.events.append(Paused())
            self.events.append(Said(say("paused", self.language)))
        elif isinstance(event, Repeat):
            self.ask(new=False)
        elif isinstance(event, Returned):
            self.update(returning=True)
            self.ask()
        elif isinstance(event, SwitchLanguage):
            if event.language in self.flow.languages:
                self.update(language=event.language)
            self.ask(new=False)
        elif isinstance(event, Restart):
            self._restart()
        elif getattr(event, "seq", None) not in (None, s.seq):
            self.events.append(Stale())
            self.events.append(Said(say("stale", self.language)))
            self.ask(new=False)
        elif s.stage == "consent":
            self._consent(event)
        elif isinstance(event, Back):
            self._back()
        elif s.stage == "other":
            self._other(event)
        elif s.stage == "contact":
            self._contact(event)
        else:
            self._answer(event, now)

    def _restart(self) -> None:
        if self.session.stage == "consent":
            self.ask(new=False)
            return
        self.events.append(Restarted())
        self.update(answers={}, history=(), current=None, contact={}, prefilled=())
        self.events.append(Said(say("restarted", self.language)))
        self._prefill()
        self.advance()

    def _prefill(self) -> None:
        tag = self.session.source
        for qid, option in self.flow.source_tags.get(tag or "", {}).items():
            self.record(qid, option)
            self.update(prefilled=(*self.session.prefilled, qid))

    def _consent(self, event: Input) -> None:
        chosen = self._chosen(event, self.prompt())
        if isinstance(event, Reply) and chosen is None:
            typed = event.text.strip().casefold()
            for word, meaning in (("yes", "agree"), ("no", "decline")):
                if typed in every_language(word):
                    chosen = [meaning]
        if chosen == ["agree"]:
            self.events.append(
                Started(
                    self.flow.id,
                    self.session.flow_hash,
                    self.language,
                    self.session.source,
                    self.session.started,
                )
            )
            self._prefill()
            self.advance()
        elif chosen == ["decline"]:
            self.update(stage="declined")
            self.events.append(Declined())
            self.say(self.flow.consent.declined)
        else:
            self.reject(say("choose_one", self.language))

    def _answer(self, event: Input, now: datetime) -> None:
        question = self.current()
        if not isinstance(question, lang.TextQuestion):
            event = self._nav_word(event)
            if isinstance(event, Back):
                self._back()
                return
        if self._skip_or_prefer(event, question):
            return
        if isinstance(question, lang.MultiQuestion):
            self._multi(question, event)
            return
        if lang.options_of(question):
            chosen = self._chosen(event, self.prompt())
            if chosen is None or len(chosen) != 1:
                self.reject(say("choose_one", self.language))
                return
            self._choose_single(question, chosen[0])
            return
        if not isinstance(event, Reply):
            self.reject(say("type_answer", self.language))
            return
        value = self._typed(question, event.text, now)
        if isinstance(value, parse.Invalid):
            self.reject(value.reason)
            return
        self.record(question.id, value)
        self.advance()

    def _typed(self, question: lang.Question, typed: str, now: datetime) -> Value | parse.Invalid:
        if isinstance(question, lang.NumberQuestion):
            return parse.number(typed, question.min, question.max, question.whole, self.language)
        if isinstance(question, lang.MonthYearQuestion):
            back, ahead = question.months_back, question.months_ahead
            return parse.month_year(typed, now, back, ahead, self.language)
        limit = question.max_length if isinstance(question, lang.TextQuestion) else 1000
        value = free_text(typed, limit, self.language)
        return value if isinstance(value, parse.Invalid) else self.redact(value)

    def _choose_single(self, question: lang.Question, option_id: str) -> None:
        self.record(question.id, option_id)
        option = next(o for o in lang.options_of(question) if o.id == option_id)
        if option.other:
            self.update(stage="other", attempts=0)
            self.ask()
        else:
            self.advance()

    def _multi(self, question: lang.MultiQuestion, event: Input) -> None:
        options = {o.id: o for o in question.options}
        if isinstance(event, Toggle) and event.option in options:
            draft = list(self.session.draft)
            if event.option in draft:
                draft.remove(event.option)
            elif options[event.option].exclusive:
                draft = [event.option]
            else:
                draft = [d for d in draft if not options[d].exclusive] + [event.option]
            if question.max is not None and len(draft) > question.max:
                self.events.append(Rejected(say("choose_at_most", self.language, max=question.max)))
                return
            self.update(draft=tuple(draft))
            self.events.append(Updated(self.prompt()))
            return
        chosen = list(self.session.draft) if isinstance(event, Done) else None
        if isinstance(event, Choose | Reply):
            chosen = self._chosen(event, self.prompt())
        if chosen is None:
            self.reject(say("choose_one", self.language))
            return
        exclusive = [options[c] for c in chosen if options[c].exclusive]
        if exclusive and len(chosen) > 1:
            self.reject(say("exclusive", self.language, label=self.text(exclusive[0].label)))
        elif len(chosen) < question.min or (question.max and len(chosen) > question.max):
            lo, hi = question.min, question.max or len(options)
            key = "choose_at_least" if hi == len(options) else "choose_some"
            self.reject(say(key, self.language, min=lo, max=hi))
        else:
            ordered = [o for o in options if o in chosen]
            self.record(question.id, ordered)
            if any(options[c].other for c in ordered):
                self.update(stage="other", attempts=0)
                self.ask()
            else:
                self.advance()

    def _other(self, event: Input) -> None:
        question = self.current()
        key = f"{question.id}.other"
        if isinstance(event, Skip):
            self.update(stage="question")
            self.advance()
            return
        if not isinstance(event, Reply):
            self.reject(say("type_answer", self.language))
            return
        value = free_text(event.text, 1000, self.language)
        if isinstance(value, parse.Invalid):
            self.reject(value.reason)
            return
        self.record(key, self.redact(value))
        self.update(stage="question")
        self.advance()
