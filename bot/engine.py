"""The conversation engine: a pure function from (flow, session, input, now) to (session, events).

It knows nothing of Telegram, SQLite or the clock. Adapters turn what a parent does into an Input,
call `step`, store the result, and only then show the events to the parent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot import flow as lang
from bot import parse
from bot.conditions import NOT_ANSWERED, PREFER_NOT, SKIPPED, Value, holds
from bot.events import AnswerRecorded as Recorded
from bot.events import AnswerRemoved as Removed
from bot.events import (
    Asked,
    Back,
    Choice,
    Choose,
    ContactOptedIn,
    Done,
    Event,
    Input,
    PreferNot,
    Prompt,
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
from bot.events import ResponseCompleted as Completed
from bot.events import ResponseDeclined as Declined
from bot.events import ResponsePaused as Paused
from bot.events import ResponseRestarted as Restarted
from bot.events import ResponseStarted as Started
from bot.messages import every_language, say
from bot.prompts import contact_prompt, label_of, prompt_for
from bot.session import CONTACT_FIELDS, Session

NAV_WORDS: dict[str, Input] = {"back": Back(), "skip": Skip(), "prefer_not": PreferNot()}


Cleaner = Callable[[str], str]


def _unchanged(text: str) -> str:
    return text


def step(
    flow: lang.Flow,
    session: Session | None,
    event: Input,
    now: datetime,
    redact: Cleaner = _unchanged,
) -> tuple[Session, list[Event]]:
    """Apply one input. Never raises on anything a parent can send.

    `redact` cleans free-text answers before they enter the session or any event; it must be pure.
    """
    if session is None:
        return _begin(flow, event if isinstance(event, Start) else Start(), now)
    if session.stage in ("complete", "declined"):
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


class Run:
    """One step's worth of work: a session being changed and the events it gives rise to."""

    def __init__(self, flow: lang.Flow, session: Session, redact: Cleaner = _unchanged) -> None:
        self.redact = redact
        self.flow = flow
        self.session = session
        self.events: list[Event] = []

    # ── small helpers ────────────────────────────────────────────────────────────
    @property
    def language(self) -> str:
        return self.session.language

    def text(self, text: lang.Text) -> str:
        return lang.text_in(text, self.language, self.flow.default_language)

    def say(self, text: lang.Text) -> None:
        self.events.append(Said(self.text(text)))

    def update(self, **changes: object) -> None:
        self.session = self.session.model_copy(update=changes)

    def applies(self, question: lang.Question) -> bool:
        return question.show_if is None or holds(question.show_if, self.session.answers)

    def current(self) -> lang.Question:
        assert self.session.current is not None
        return self.flow.question(self.session.current)

    def prompt(self) -> Prompt:
        s = self.session
        if s.returning:
            return Prompt(
                key="returning",
                kind="single",
                text=say("returning", self.language),
                language=self.language,
                seq=s.seq,
                choices=(
                    Choice("resume", say("carry_on", self.language)),
                    Choice("again", say("start_again", self.language)),
                ),
            )
        if s.stage == "consent":
            c = self.flow.consent
            return Prompt(
                key="consent",
                kind="single",
                text=self.text(c.text),
                language=self.language,
                seq=s.seq,
                choices=(
                    Choice("agree", self.text(c.agree)),
                    Choice("decline", self.text(c.decline)),
                ),
            )
        question = self.current()
        if s.stage == "contact" and s.contact_field != "consent":
            return contact_prompt(self.flow, question, s, self._progress())
        return prompt_for(self.flow, question, s, self._progress())

    def ask(self, new: bool = True) -> None:
        """Show the current prompt. `seq` names a prompt instance and changes only when the
        parent moves to a different prompt: showing the same one again (after a wrong answer, a
        sticker, a restart of the bot) keeps earlier copies of it valid, so they never race."""
        if new:
            self.update(seq=self.session.seq + 1)
        self.events.append(Asked(self.prompt()))

    def ask_consent(self) -> None:
        self.update(stage="consent", current=None)
        self.ask()

    def _progress(self) -> tuple[int, int]:
        listed = [q.id for q in self.flow.questions if q.type != "info" and self.applies(q)]
        listed = [qid for qid in listed if qid not in self.session.prefilled]
        current = self.session.current
        n = listed.index(current) + 1 if current in listed else len(listed)
        return n, len(listed)

    def reject(self, reason: str) -> None:
        """An answer that does not fit: explain and ask again, or move on after too many tries."""
        attempts = self.session.attempts + 1
        self.update(attempts=attempts)
        self.events.append(Rejected(reason))
        if attempts <= self.flow.reask_limit or self.session.stage == "consent":
            self.ask(new=False)
            return
        self.events.append(Said(say("moving_on", self.language)))
        if self.session.stage == "contact":
            self.record(self.current().id, "no")
            self.update(contact={}, contact_field=None)
            self.advance()
        elif self.session.stage == "other":
            self.update(stage="question")
            self.advance()
        else:
            question = self.current()
            self.record(question.id, PREFER_NOT if question.prefer_not_to_say else NOT_ANSWERED)
            self.advance()

    def record(self, key: str, value: Value) -> None:
        answers = dict(self.session.answers)
        answers[key] = value
        self.update(answers=answers)
        self.events.append(Recorded(key, value))
        self._prune()

    def _prune(self) -> None:
        """Drop answers to questions that, after a changed answer, no longer apply."""
        for question in self.flow.questions:
            answers = self.session.answers
            if question.id in answers and not self.applies(question):
                kept = {k: v for k, v in answers.items() if k.split(".")[0] != question.id}
                for key in sorted(set(answers) - set(kept)):
                    self.events.append(Removed(key))
                self.update(answers=kept)

    # ── moving through the flow ─────────────────────────────────────────────────
    def go_to(self, question: lang.Question, push: bool = True) -> None:
        s = self.session
        history = s.history
        if push and s.current is not None and s.current != question.id:
            history = (*history, s.current)
        previous = s.answers.get(question.id)
        draft = tuple(previous) if isinstance(previous, list) else ()
        self.update(
            current=question.id,
            stage="question",
            history=history,
            attempts=0,
            draft=draft,
            contact_field=None,
        )
        if isinstance(question, lang.ContactStep):
            self.update(stage="contact", contact_field="consent")
        self.ask()

    def advance(self) -> None:
        questions = self.flow.questions
        start = 0
        if self.session.current is not None:
            start = [q.id for q in questions].index(self.session.current) + 1
        for question in questions[start:]:
            if question.id in self.session.prefilled or not self.applies(question):
                continue
            if isinstance(question, lang.InfoStep):
                self.say(question.text)
                continue
            self.go_to(question)
            return
        self.update(stage="complete", current=None, contact={}, contact_field=None, draft=())
        self.events.append(Completed())
        self.say(self.flow.closing)

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

    def _chosen(self, event: Input, prompt: Prompt) -> list[str] | None:
        ids = [c.id for c in prompt.choices]
        if isinstance(event, Choose):
            return list(event.options) if all(o in ids for o in event.options) else None
        if isinstance(event, Reply):
            pairs = [(c.id, c.label) for c in prompt.choices]
            return parse.choices(event.text, pairs, many=prompt.kind == "multi")
        return None

    def _nav_word(self, event: Input) -> Input:
        """A typed 'skip', 'back' or 'prefer not to say' means the same as its button."""
        if isinstance(event, Reply):
            typed = event.text.strip().casefold()
            for key, meaning in NAV_WORDS.items():
                if typed in every_language(key):
                    return meaning
        return event

    def _back(self) -> None:
        s = self.session
        if s.stage == "other":
            self.update(stage="question")
            self.ask()
            return
        if s.stage == "contact" and s.contact_field not in (None, "consent"):
            fields = CONTACT_FIELDS
            self.update(contact_field=fields[fields.index(s.contact_field) - 1])
            self.ask()
            return
        if not s.history:
            self.events.append(Said(say("first_question", self.language)))
            self.ask(new=False)
            return
        *rest, previous = s.history
        self.update(history=tuple(rest))
        self.go_to(self.flow.question(previous), push=False)

    def _skip_or_prefer(self, event: Input, question: lang.Question) -> bool:
        """Handle Skip / Prefer not to say. True when the event was one of them."""
        if isinstance(event, Skip):
            if question.optional:
                self.record(question.id, SKIPPED)
                self.advance()
            else:
                self.reject(say("no_skip", self.language))
            return True
        if isinstance(event, PreferNot) and question.prefer_not_to_say:
            self.record(question.id, PREFER_NOT)
            self.advance()
            return True
        return False

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
        value = _free_text(typed, limit, self.language)
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
        value = _free_text(event.text, 1000, self.language)
        if isinstance(value, parse.Invalid):
            self.reject(value.reason)
            return
        self.record(key, self.redact(value))
        self.update(stage="question")
        self.advance()

    def _contact(self, event: Input) -> None:
        question = self.current()
        assert isinstance(question, lang.ContactStep)
        field = self.session.contact_field
        if field == "consent":
            event = self._nav_word(event)
            if isinstance(event, Back):
                self._back()
            elif not self._skip_or_prefer(event, question):
                chosen = self._chosen(event, self.prompt())
                if chosen == ["yes"]:
                    self.update(contact_field="name", attempts=0)
                    self.ask()
                elif chosen == ["no"]:
                    self.record(question.id, "no")
                    self.advance()
                else:
                    self.reject(say("choose_one", self.language))
            return
        if field == "time":
            chosen = self._chosen(self._nav_word(event), self.prompt())
            if chosen is None or len(chosen) != 1:
                self.reject(say("choose_one", self.language))
                return
            self._finish_contact(question, chosen[0])
            return
        contact = dict(self.session.contact)
        event = self._nav_word(event)
        if isinstance(event, Back):
            self._back()
            return
        if isinstance(event, Skip) and field in ("phone", "email"):
            if field == "email" and "phone" not in contact:
                self.reject(say("contact_need_one", self.language))
                return
            contact.pop(field, None)
        elif isinstance(event, Reply):
            checks = {
                "name": lambda t, lg: _free_text(t, 100, lg),
                "phone": parse.phone,
                "email": parse.email,
            }
            value = checks[field or "name"](event.text, self.language)
            if isinstance(value, parse.Invalid):
                self.reject(value.reason)
                return
            contact[field or "name"] = value
        else:
            self.reject(say("type_answer", self.language))
            return
        after = CONTACT_FIELDS[CONTACT_FIELDS.index(field or "name") + 1]
        self.update(contact=contact, contact_field=after, attempts=0)
        self.ask()

    def _finish_contact(self, question: lang.ContactStep, time_id: str) -> None:
        contact = self.session.contact
        shared = tuple(
            (
                self.text(self.flow.question(qid).text),
                label_of(self.flow, qid, value, self.language),
            )
            for qid in question.share_answers
            if (value := self.session.answers.get(qid)) is not None
        )
        time_label = say(f"time_{time_id}", self.language)
        self.events.append(
            ContactOptedIn(
                contact.get("name", ""),
                contact.get("phone"),
                contact.get("email"),
                time_label,
                shared,
            )
        )
        self.events.append(Said(say("contact_thanks", self.language)))
        self.update(contact={}, contact_field=None)
        self.record(question.id, "yes")
        self.advance()


def _free_text(text: str, limit: int, language: str) -> str | parse.Invalid:
    cleaned = text.strip()
    if not cleaned:
        return parse.Invalid(say("type_answer", language))
    if len(cleaned) > limit:
        return parse.Invalid(say("too_long", language, n=len(cleaned), max=limit))
    return cleaned
