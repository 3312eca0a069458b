"""What goes into the engine (inputs) and what comes out (events). Plain frozen data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.questionnaire.conditions import Value


# ── inputs: what a parent did ────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class Start:
    source: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Choose:
    """Tapped an option (or several). `seq` identifies the question message it came from."""

    options: tuple[str, ...]
    seq: int | None = None


@dataclass(frozen=True)
class Toggle:
    option: str
    seq: int | None = None


@dataclass(frozen=True)
class Done:
    seq: int | None = None


@dataclass(frozen=True)
class Reply:
    """Typed text. `seq`, where a channel knows it (a web form), names the question it answers."""

    text: str
    seq: int | None = None


@dataclass(frozen=True)
class Back:
    seq: int | None = None


@dataclass(frozen=True)
class Skip:
    seq: int | None = None


@dataclass(frozen=True)
class PreferNot:
    seq: int | None = None


@dataclass(frozen=True)
class Restart:
    pass


@dataclass(frozen=True)
class Stop:
    pass


@dataclass(frozen=True)
class SwitchLanguage:
    language: str


@dataclass(frozen=True)
class Repeat:
    """Show the current question again (after a sticker, /help, an edited message …)."""


@dataclass(frozen=True)
class Aside:
    """Text that is not an answer (an edited message, a photo's caption, words after a
    command): read for danger, then the current question is shown again. `language` is the
    channel's guess, for a parent with no questionnaire yet."""

    text: str
    language: str | None = None


@dataclass(frozen=True)
class Returned:
    """The parent is back after the session expired: offer to carry on or start again."""


Input = (
    Start
    | Choose
    | Toggle
    | Done
    | Reply
    | Back
    | Skip
    | PreferNot
    | Restart
    | Stop
    | SwitchLanguage
    | Repeat
    | Aside
    | Returned
)


# ── what the parent is shown ─────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class Choice:
    id: str
    label: str
    selected: bool = False


PromptKind = Literal["single", "multi", "text", "number", "month_year"]


@dataclass(frozen=True)
class Prompt:
    """A question as the parent sees it, in their language, ready for any channel to draw."""

    key: str
    kind: PromptKind
    text: str
    language: str
    seq: int
    choices: tuple[Choice, ...] = ()
    help: str | None = None
    progress: int | None = None  # percent of this parent's likely path done; never goes down
    can_back: bool = False
    can_skip: bool = False
    can_prefer_not: bool = False
    max_length: int | None = None
    whole: bool = False  # a number question that takes whole numbers only
    example: str | None = None  # an answer it accepts, as kept ("2026-08" for a month), for hints


# ── events: what happened ───────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class Said:
    text: str


@dataclass(frozen=True)
class Signposted:
    """Words that suggest danger were typed: where to get help now, in the parent's language.
    Always the first event of a step; channels show it so it cannot be missed."""

    text: str


@dataclass(frozen=True)
class Asked:
    prompt: Prompt


@dataclass(frozen=True)
class Updated:
    """A multiple-choice question's ticks changed; redraw it in place."""

    prompt: Prompt


@dataclass(frozen=True)
class Rejected:
    reason: str


@dataclass(frozen=True)
class Stale:
    """A tap on an old question message: nothing was recorded."""


@dataclass(frozen=True)
class ResponseStarted:
    flow_id: str
    flow_hash: str
    language: str
    source: str | None
    month: str


@dataclass(frozen=True)
class AnswerRecorded:
    question_id: str
    value: Value


@dataclass(frozen=True)
class AnswerRemoved:
    question_id: str


@dataclass(frozen=True)
class Left:
    """A question was left without an answer that fits, after too many tries: a channel shows
    the parent's last try as no answer (the bot says so, and Back returns to it)."""

    question_id: str


@dataclass(frozen=True)
class ResponseCompleted:
    pass


@dataclass(frozen=True)
class ResponseDeclined:
    pass


@dataclass(frozen=True)
class ResponsePaused:
    pass


@dataclass(frozen=True)
class ResponseRestarted:
    pass


@dataclass(frozen=True)
class ContactOptedIn:
    """A parent asked to be contacted. Carries nothing that links it to their answers."""

    name: str
    phone: str | None
    email: str | None
    preferred_time: str
    shared: tuple[tuple[str, str], ...] = ()


Event = (
    Signposted
    | Said
    | Asked
    | Updated
    | Rejected
    | Stale
    | ResponseStarted
    | AnswerRecorded
    | AnswerRemoved
    | Left
    | ResponseCompleted
    | ResponseDeclined
    | ResponsePaused
    | ResponseRestarted
    | ContactOptedIn
)
