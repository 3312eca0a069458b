"""What every step of a conversation needs: saying things, asking, recording, moving on.

`Steps` holds one step's work (a session being changed and the events it gives rise to); the
engine (`bot.engine.Run`) adds how each kind of answer is handled. Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.conversation import parse
from bot.conversation.events import AnswerRecorded as Recorded
from bot.conversation.events import AnswerRemoved as Removed
from bot.conversation.events import (
    Asked,
    Back,
    Choice,
    Choose,
    Event,
    Input,
    PreferNot,
    Prompt,
    Rejected,
    Reply,
    Said,
    Skip,
)
from bot.conversation.events import ResponseCompleted as Completed
from bot.conversation.messages import every_language, say
from bot.conversation.prompts import contact_prompt, prompt_for
from bot.conversation.session import CONTACT_FIELDS, Session
from bot.questionnaire import flow as lang
from bot.questionnaire.conditions import NOT_ANSWERED, PREFER_NOT, SKIPPED, Value, holds

NAV_WORDS: dict[str, Input] = {"back": Back(), "skip": Skip(), "prefer_not": PreferNot()}

Cleaner = Callable[[str], str]


def unchanged(text: str) -> str:
    return text


class Steps:
    """One step's worth of work: a session being changed and the events it gives rise to."""

    def __init__(self, flow: lang.Flow, session: Session, redact: Cleaner = unchanged) -> None:
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


def free_text(text: str, limit: int, language: str) -> str | parse.Invalid:
    cleaned = text.strip()
    if not cleaned:
        return parse.Invalid(say("type_answer", language))
    if len(cleaned) > limit:
        return parse.Invalid(say("too_long", language, n=len(cleaned), max=limit))
    return cleaned
