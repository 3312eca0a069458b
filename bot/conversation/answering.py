"""The stages where a parent answers: consent, a question, and an "other, please say" follow-up.

Each stage is a `StageRules` entry: how it handles an input, how its prompt looks, what Back does,
and what happens after too many answers that do not fit. Pure: no I/O, no clock."""

from __future__ import annotations

from datetime import datetime

from bot.conversation import parse
from bot.conversation.events import (
    Back,
    Choice,
    Done,
    Input,
    Prompt,
    Rejected,
    Reply,
    ResponseDeclined,
    ResponseStarted,
    Skip,
    Toggle,
    Updated,
)
from bot.conversation.prompts import prompt_for
from bot.conversation.turn import StageRules, Turn, free_text
from bot.questionnaire import flow as lang
from bot.questionnaire.conditions import NOT_ANSWERED, Value
from bot.words import every_language, plain, say

OTHER_LIMIT = 1000


# ── consent ─────────────────────────────────────────────────────────────────────────────────
def consent_prompt(turn: Turn) -> Prompt:
    c = turn.flow.consent
    return Prompt(
        key="consent",
        kind="single",
        text=turn.text(c.text),
        language=turn.language,
        seq=turn.session.seq,
        choices=(Choice("agree", turn.text(c.agree)), Choice("decline", turn.text(c.decline))),
    )


def consent(turn: Turn, event: Input, now: datetime) -> None:
    chosen = turn.chosen(event)
    if isinstance(event, Reply) and chosen is None:
        typed = plain(event.text.strip())
        for word, meaning in (("yes", "agree"), ("no", "decline")):
            if typed in every_language(word):
                chosen = [meaning]
    s = turn.session
    if chosen == ["agree"]:
        turn.events.append(
            ResponseStarted(turn.flow.id, s.flow_hash, s.language, s.source, s.started)
        )
        prefill(turn)
        turn.advance()
    elif chosen == ["decline"]:
        turn.update(stage="declined")
        turn.events.append(ResponseDeclined())
        turn.say(turn.flow.consent.declined)
    else:
        turn.reject(say("choose_one", turn.language))


def prefill(turn: Turn) -> None:
    """Answer the questions a poster's deep-link tag answers upfront."""
    for qid, option in turn.flow.source_tags.get(turn.session.source or "", {}).items():
        turn.record(qid, option)
        turn.update(prefilled=(*turn.session.prefilled, qid))


def no_back_from_consent(turn: Turn) -> None:
    turn.reject(say("choose_one", turn.language))


#: Consent is never assumed: after any number of unclear answers, it is asked again.
CONSENT = StageRules(
    handle=consent, prompt=consent_prompt, back=no_back_from_consent, give_up=Turn.ask_again
)


# ── a question ──────────────────────────────────────────────────────────────────────────────
def question_prompt(turn: Turn) -> Prompt:
    return prompt_for(turn.flow, turn.current(), turn.session, turn.progress(), turn.today)


def answer(turn: Turn, event: Input, now: datetime) -> None:
    question = turn.current()
    if not isinstance(question, lang.TextQuestion):  # a text answer may be the word "back"
        event = turn.nav_word(event)
    if isinstance(event, Back):
        turn.back_in_history()
        return
    if turn.skip_or_prefer(event, question):
        return
    if isinstance(question, lang.MultiQuestion):
        _multi(turn, question, event)
        return
    if lang.options_of(question):
        chosen = turn.chosen(event)
        if chosen is None or len(chosen) != 1:
            turn.reject(say("choose_one", turn.language))
            return
        turn.record(question.id, chosen[0])
        _then_other_or_on(turn, question, chosen)
        return
    if not isinstance(event, Reply):
        turn.reject(say("type_answer", turn.language))
        return
    value = _typed(turn, question, event.text, now)
    if isinstance(value, parse.Invalid):
        turn.reject(value.reason)
        return
    turn.record(question.id, value)
    turn.advance()


def _typed(turn: Turn, question: lang.Question, typed: str, now: datetime) -> Value | parse.Invalid:
    if isinstance(question, lang.NumberQuestion):
        return parse.number(typed, question.min, question.max, question.whole, turn.language)
    if isinstance(question, lang.MonthYearQuestion):
        back, ahead = question.months_back, question.months_ahead
        return parse.month_year(typed, now, back, ahead, turn.language)
    limit = question.max_length if isinstance(question, lang.TextQuestion) else OTHER_LIMIT
    value = free_text(typed, limit, turn.language)
    return value if isinstance(value, parse.Invalid) else turn.rules.redact(value)


def _then_other_or_on(turn: Turn, question: lang.Question, chosen: list[str]) -> None:
    """After a choice: ask 'please tell us' when an "other" option was chosen, else move on."""
    options = {o.id: o for o in lang.options_of(question)}
    if any(options[c].other for c in chosen):
        turn.update(stage="other", attempts=0)
        turn.ask()
    else:
        turn.advance()


def _multi(turn: Turn, question: lang.MultiQuestion, event: Input) -> None:
    options = {o.id: o for o in question.options}
    if isinstance(event, Toggle) and event.option in options:
        draft = list(turn.session.draft)
        if event.option in draft:
            draft.remove(event.option)
        elif options[event.option].exclusive:
            draft = [event.option]
        else:
            draft = [d for d in draft if not options[d].exclusive] + [event.option]
        if question.max is not None and len(draft) > question.max:
            turn.events.append(Rejected(say("choose_at_most", turn.language, max=question.max)))
            return
        turn.update(draft=tuple(draft))
        turn.events.append(Updated(turn.prompt()))
        return
    chosen = list(turn.session.draft) if isinstance(event, Done) else turn.chosen(event)
    if chosen is None:
        turn.reject(say("choose_one", turn.language))
        return
    exclusive = [options[c] for c in chosen if options[c].exclusive]
    if exclusive and len(chosen) > 1:
        turn.reject(say("exclusive", turn.language, label=turn.text(exclusive[0].label)))
    elif len(chosen) < question.min or (question.max and len(chosen) > question.max):
        lo, hi = question.min, question.max or len(options)
        key = "choose_at_least" if hi == len(options) else "choose_some"
        turn.reject(say(key, turn.language, min=lo, max=hi))
    else:
        ordered = [o for o in options if o in chosen]
        turn.record(question.id, ordered)
        _then_other_or_on(turn, question, ordered)


#: After too many answers that do not fit a required question: how to answer it, in full.
REQUIRED_HINTS = {"single": "required_single", "multi": "required_multi"}


def not_answered(turn: Turn, reason: str) -> None:
    """Too many answers that do not fit: record that there is no valid answer, and move on; a
    required question is asked again instead, with the reason and how to answer it. Never
    "prefer not to say", even where it is offered: that is only ever the parent's own choice."""
    question = turn.current()
    if question.required:
        turn.events.append(Rejected(reason))
        turn.tell(REQUIRED_HINTS.get(turn.prompt().kind, "required_typed"))
        turn.ask(new=False)
        return
    turn.leave(NOT_ANSWERED)


QUESTION = StageRules(
    handle=answer, prompt=question_prompt, back=Turn.back_in_history, give_up=not_answered
)


# ── the "other, please say" follow-up ────────────────────────────────────────────────────────
def other(turn: Turn, event: Input, now: datetime) -> None:
    question = turn.current()
    if isinstance(event, Skip):  # the button: a typed "skip" is kept as the answer
        turn.update(stage="question")
        turn.advance()
        return
    if not isinstance(event, Reply):
        turn.reject(say("type_answer", turn.language))
        return
    value = free_text(event.text, OTHER_LIMIT, turn.language)
    if isinstance(value, parse.Invalid):
        turn.reject(value.reason)
        return
    turn.record(f"{question.id}.other", turn.rules.redact(value))
    turn.update(stage="question")
    turn.advance()


def back_to_question(turn: Turn) -> None:
    turn.update(stage="question")
    turn.ask()


def other_given_up(turn: Turn, reason: str) -> None:
    """The choice is kept; the follow-up is left (Back, then the choice again, asks it again)."""
    turn.update(stage="question")
    turn.leave(None)


OTHER = StageRules(
    handle=other, prompt=question_prompt, back=back_to_question, give_up=other_given_up
)
