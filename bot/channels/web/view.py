"""What a parent's chat page shows: the last few bubbles and the question waiting for an answer.

Kept in memory only, for as long as the parent is likely to be looking (nothing here is written
to disk). After a restart the page is drawn again from the stored session: the current question,
without the older bubbles.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Literal

from bot.channels.web.fields import contact_part
from bot.conversation import events as ev
from bot.questionnaire.conditions import NO_ANSWER
from bot.service import Outcome, Service
from bot.words import say

BubbleKind = Literal["bot", "you", "warn", "safety"]
KEEP_BUBBLES = 12
KEEP_TYPED = 4000  # characters of a refused answer kept to show again (the longest a text takes)
ENDINGS = (ev.ResponseCompleted, ev.ResponseDeclined)


@dataclass(frozen=True)
class Bubble:
    kind: BubbleKind
    paragraphs: tuple[str, ...]
    turn: int = 0  # the view's turn it was added in: bubbles of the latest turn are new


@dataclass(frozen=True)
class Refusal:
    """An answer that did not fit the question still on screen: why, and what the parent gave,
    to show again in its place (in memory only, until the next answer)."""

    reason: str
    seq: int
    typed: str = ""
    ticked: tuple[str, ...] = ()


@dataclass
class View:
    """One parent's page. `prompt` is None once the questionnaire has ended or stopped for now
    (or not begun)."""

    language: str
    languages: tuple[str, ...] = ()
    bubbles: deque[Bubble] = field(default_factory=lambda: deque(maxlen=KEEP_BUBBLES))
    prompt: ev.Prompt | None = None
    ended: bool = False
    started: bool = False
    paused: bool = False  # stopped for now: the questionnaire is kept, to carry on later
    refusal: Refusal | None = None
    notice: str | None = None  # what happened to the parent's place, said once at the top
    turn: int = 0

    def next_turn(self) -> None:
        """A new answer or choice: only what it brings is new (and read out)."""
        self.turn += 1
        self.notice = None

    def lost(self, notice: str, *, finished: bool) -> None:
        """An answer that found no questionnaire under way: say so, and show the end of a
        finished one, or the welcome."""
        self.prompt, self.refusal, self.paused, self.notice = None, None, False, notice
        self.started = self.ended = finished

    def add(self, kind: BubbleKind, text: str) -> None:
        parts = tuple(p.strip() for p in text.split("\n\n") if p.strip())
        if parts:
            self.bubbles.append(Bubble(kind, parts, self.turn))

    def show(
        self,
        events: list[ev.Event],
        language: str | None,
        said: str | None = None,
        given: ev.Input | None = None,
    ) -> None:
        """Apply what the engine said. `said` is the parent's own answer, in words, shown
        unless the answer was refused or came from an old page. An answer (`given`) refused
        while its question stays on screen becomes the page's `refusal`; one refused as the
        questionnaire moves on is said in the conversation."""
        if language:
            self.language = language
        refused = any(isinstance(e, ev.Rejected | ev.Stale | ev.Left) for e in events)
        if said and not refused:
            self.add("you", said)
        stale = any(isinstance(e, ev.Stale) for e in events)
        self.refusal = _refusal(events, given)
        paused = False
        for event in events:
            if isinstance(event, ev.ResponseStarted | ev.ResponseRestarted):
                self.started, self.ended = True, False
            if isinstance(event, ev.ResponsePaused):
                paused = True
                self.prompt, self.paused = None, True  # (the page says so, in its own words)
            elif isinstance(event, ev.Signposted):
                self.add("safety", event.text)  # even on an old page: it is about now
            elif isinstance(event, ev.Said) and not stale and not paused:
                self.add("bot", event.text)  # (the chat-app wording after a pause is not ours)
            elif isinstance(event, ev.Rejected) and self.refusal is None:
                self.add("warn", event.reason)
            elif isinstance(event, ev.Asked | ev.Updated):
                self.prompt, self.paused = event.prompt, False
                self.started = True
            elif isinstance(event, ENDINGS):
                self.prompt, self.ended = None, True


def _refusal(events: list[ev.Event], given: ev.Input | None) -> Refusal | None:
    reasons = [e.reason for e in events if isinstance(e, ev.Rejected)]
    shown = [e.prompt for e in events if isinstance(e, ev.Asked | ev.Updated)]
    seq = getattr(given, "seq", None)
    if not reasons or not shown or seq != shown[-1].seq:
        return None
    typed = given.text[:KEEP_TYPED] if isinstance(given, ev.Reply) else ""
    ticked = given.options if isinstance(given, ev.Choose) else ()
    return Refusal(reasons[-1], seq, typed, ticked)


async def drawn_again(service: Service, who: str, language: str) -> View:
    """A parent's page drawn again from their stored session (after a restart, or once memory
    has let it go): the current question, without the older bubbles."""
    standing = await service.standing(who)
    view = View(language=standing.language or language, languages=standing.languages)
    if standing.status == "active":
        outcome = await service.handle(who, ev.Repeat())
        view.show(outcome.events, outcome.language)
    elif standing.status == "finished":
        view.started = view.ended = True
    return view


class Views:
    """Pages by pseudonym, the least recently seen forgotten first."""

    def __init__(self, limit: int = 20_000) -> None:
        self.limit = limit
        self._views: OrderedDict[str, View] = OrderedDict()

    def get(self, who: str) -> View | None:
        view = self._views.get(who)
        if view is not None:
            self._views.move_to_end(who)
        return view

    def put(self, who: str, view: View) -> View:
        self._views[who] = view
        self._views.move_to_end(who)
        while len(self._views) > self.limit:
            self._views.popitem(last=False)
        return view

    def forget(self, who: str) -> None:
        self._views.pop(who, None)

    def __len__(self) -> int:
        return len(self._views)


def answer_words(prompt: ev.Prompt, event: ev.Input, outcome: Outcome) -> str:
    """The parent's answer to `prompt` as their own bubble: the labels they chose, or what they
    typed as it was kept (free text redacted). Contact details are never echoed back."""
    language = prompt.language
    if isinstance(event, ev.Back | ev.Skip | ev.PreferNot):
        key = {ev.Back: "back", ev.Skip: "skip", ev.PreferNot: "prefer_not"}[type(event)]
        return say(key, language)
    if isinstance(event, ev.Choose):
        labels = {c.id: c.label for c in prompt.choices}
        return ", ".join(labels[o] for o in event.options if o in labels)
    if not isinstance(event, ev.Reply):
        return ""
    if contact_part(prompt) is not None:
        return "✓"
    for shown in outcome.events:
        kept = shown.value if isinstance(shown, ev.AnswerRecorded) else None
        if isinstance(kept, str | int | float) and kept not in NO_ANSWER:
            return str(kept)
    return event.text.strip()
