"""One step of a conversation as one object: the session being changed and the events it gives
rise to, with what every stage shares (saying, asking, recording, moving on, giving up).

What a stage does differently lives in its own `StageRules` (the table is built in `engine`):
how it handles an input, how its question looks, what Back does and what happens when a parent
has given too many answers that do not fit. Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Unpack

from bot.conversation import parse
from bot.conversation.events import (
    AnswerRecorded,
    AnswerRemoved,
    Asked,
    Back,
    Choice,
    Choose,
    Event,
    Input,
    Left,
    PreferNot,
    Prompt,
    Rejected,
    Reply,
    ResponseCompleted,
    Said,
    Skip,
)
from bot.conversation.session import Changes, Session, Stage
from bot.questionnaire import flow as lang
from bot.questionnaire.conditions import PREFER_NOT, SKIPPED, Value, holds
from bot.words import every_language, plain, say

NAV_WORDS: dict[str, Input] = {"back": Back(), "skip": Skip(), "prefer_not": PreferNot()}
#: C0 and C1 control characters other than tab and newline: never stored (they can attack a
#: terminal that shows an export).
CONTROL = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)])

Cleaner = Callable[[str], str]


def unchanged(text: str) -> str:
    return text


def never(text: str) -> bool:
    return False


@dataclass(frozen=True)
class Rules:
    """What the shell decides and the engine applies. Every callable must be pure."""

    redact: Cleaner = unchanged  # free text, before it enters the session or any event
    in_danger: Callable[[str], bool] = never  # words that suggest someone is in danger
    signpost: Callable[[str], str] = unchanged  # by language: said at once when they do
    expire_after_days: int | None = None  # an unfinished questionnaire left alone this long


PLAIN = Rules()  # nothing redacted, no signposting, no expiry: for tests and previews


@dataclass(frozen=True)
class StageRules:
    """What one stage of the conversation does (h11-style: behaviour as a table of data)."""

    handle: Callable[[Turn, Input, datetime], None]
    prompt: Callable[[Turn], Prompt]
    back: Callable[[Turn], None]
    #: After more than `reask_limit` answers that do not fit; given the reason the last one
    #: did not fit (no error line is shown before it: this decides what the parent reads).
    give_up: Callable[[Turn, str], None]


class Turn:
    """One step's worth of work: a session being changed and the events it gives rise to."""

    def __init__(
        self,
        flow: lang.Flow,
        session: Session,
        stages: Mapping[Stage, StageRules],
        rules: Rules = PLAIN,
        today: date | None = None,
    ) -> None:
        self.flow = flow
        self.session = session
        self.stages = stages
        self.rules = rules
        self.today = today  # the day of this step (the engine's `now`), for prompts' examples
        self.events: list[Event] = []

    # ── small helpers ────────────────────────────────────────────────────────────
    @property
    def language(self) -> str:
        return self.session.language

    def text(self, text: lang.Text) -> str:
        return lang.text_in(text, self.language, self.flow.default_language)

    def say(self, text: lang.Text) -> None:
        self.events.append(Said(self.text(text)))

    def tell(self, key: str, **values: object) -> None:
        """Say one of the bot's own messages, in the parent's language."""
        self.events.append(Said(say(key, self.language, **values)))

    def update(self, **changes: Unpack[Changes]) -> None:
        self.session = self.session.model_copy(update=changes)

    def applies(self, question: lang.Question) -> bool:
        return question.show_if is None or holds(question.show_if, self.session.answers)

    def current(self) -> lang.Question:
        if self.session.current is None:
            raise LookupError(f"stage {self.session.stage!r} has no current question")
        return self.flow.question(self.session.current)

    def rules_here(self) -> StageRules:
        return self.stages[self.session.stage]

    # ── asking ───────────────────────────────────────────────────────────────────
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
        return self.rules_here().prompt(self)

    def ask(self, new: bool = True) -> None:
        """Show the current prompt. `seq` names a prompt instance and changes only when the
        parent moves to a different prompt: showing the same one again (after a wrong answer, a
        sticker, a restart of the bot) keeps earlier copies of it valid, so they never race."""
        if new:
            self.update(seq=self.session.seq + 1)
        self.events.append(Asked(self.prompt()))

    def progress(self) -> int:
        """Percent done: the questions behind the parent on their own path, against those plus
        the ones still ahead that apply to their answers so far. Never shown lower than before:
        branching that adds questions slows it down instead of turning it back."""
        s = self.session
        listed = [q.id for q in self.flow.questions if q.type != "info" and self.applies(q)]
        listed = [qid for qid in listed if qid not in s.prefilled]
        behind = len(set(s.history) & set(listed) - {s.current})
        ahead = len(listed) - listed.index(s.current) if s.current in listed else 0
        percent = 100 * behind // (behind + ahead) if behind + ahead else 100
        if percent > s.progress:
            self.update(progress=percent)
        return max(percent, s.progress)

    def reject(self, reason: str) -> None:
        """An answer that does not fit: explain and ask again, or, after too many tries, what
        the stage does then (its `give_up`)."""
        attempts = self.session.attempts + 1
        self.update(attempts=attempts)
        if attempts <= self.flow.reask_limit:
            self.ask_again(reason)
            return
        self.rules_here().give_up(self, reason)

    def ask_again(self, reason: str) -> None:
        """Say why an answer does not fit, and show the same prompt again."""
        self.events.append(Rejected(reason))
        self.ask(new=False)

    def leave(self, value: Value | None) -> None:
        """Leave the current question after too many answers that do not fit: keep `value` as
        its answer (None: keep what is there), move on, and say so kindly, and truthfully: Back
        from the next question returns to this one; at the end there is no next question."""
        left = self.current().id
        if value is not None:
            self.record(left, value)
        self.events.append(Left(left))
        before = len(self.events)
        self.advance()
        key = "left_at_end" if self.session.stage == "complete" else "left_for_now"
        self.events.insert(before, Said(say(key, self.language)))

    # ── recording ────────────────────────────────────────────────────────────────
    def record(self, key: str, value: Value) -> None:
        answers = dict(self.session.answers)
        answers[key] = value
        self.update(answers=answers)
        self.events.append(AnswerRecorded(key, value))
        self._prune()

    def _prune(self) -> None:
        """Drop answers to questions that, after a changed answer, no longer apply."""
        for question in self.flow.questions:
            answers = self.session.answers
            if question.id in answers and not self.applies(question):
                kept = {k: v for k, v in answers.items() if k.split(".")[0] != question.id}
                for key in sorted(set(answers) - set(kept)):
                    self.events.append(AnswerRemoved(key))
                self.update(answers=kept)

    # ── moving through the flow ─────────────────────────────────────────────────
    def go_to(self, question: lang.Question, push: bool = True) -> None:
        s = self.session
        history = s.history
        if push and s.current is not None and s.current != question.id:
            history = (*history, s.current)
        previous = s.answers.get(question.id)
        draft = tuple(previous) if isinstance(previous, list) else ()
        stage: Stage = "contact" if isinstance(question, lang.ContactStep) else "question"
        self.update(
            current=question.id,
            stage=stage,
            history=history,
            attempts=0,
            draft=draft,
            contact_field="consent" if stage == "contact" else None,
        )
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
        self.events.append(ResponseCompleted())
        self.say(self.flow.closing)

    def back_in_history(self) -> None:
        """Back to the question asked before this one (or say this is the first)."""
        s = self.session
        if not s.history:
            self.tell("first_question")
            self.ask(new=False)
            return
        *rest, previous = s.history
        self.update(history=tuple(rest))
        self.go_to(self.flow.question(previous), push=False)

    # ── reading what the parent did ─────────────────────────────────────────────
    def chosen(self, event: Input) -> list[str] | None:
        """The option ids a tap or typed text picks on the current prompt; None if none fits."""
        prompt = self.prompt()
        ids = [c.id for c in prompt.choices]
        if isinstance(event, Choose):
            return list(event.options) if all(o in ids for o in event.options) else None
        if isinstance(event, Reply):
            pairs = [(c.id, c.label) for c in prompt.choices]
            return parse.choices(event.text, pairs, many=prompt.kind == "multi")
        return None

    @staticmethod
    def nav_word(event: Input) -> Input:
        """A typed 'skip', 'back' or 'prefer not to say' means the same as its button."""
        if isinstance(event, Reply):
            typed = plain(event.text.strip())
            for key, meaning in NAV_WORDS.items():
                if typed in every_language(key):
                    return meaning
        return event

    def skip_or_prefer(self, event: Input, question: lang.Question) -> bool:
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
    """Typed text as it may be kept: control characters removed, trimmed, within `limit`."""
    cleaned = text.translate(CONTROL).strip()
    if not cleaned:
        return parse.Invalid(say("type_answer", language))
    if len(cleaned) > limit:
        return parse.Invalid(say("too_long", language, n=len(cleaned), max=limit))
    return cleaned
