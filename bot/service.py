"""The imperative shell shared by every channel: load a parent's session, step the engine, store
the result in one transaction, and only then hand the events back to be shown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from bot.config import Config
from bot.conversation import events as ev
from bot.conversation.engine import signposts, step
from bot.conversation.reply import from_json, shown, to_json
from bot.conversation.session import Session
from bot.conversation.turn import Cleaner, Rules
from bot.errors import FlowProblems, WrongContactKey
from bot.privacy.redact import redactor_for
from bot.privacy.seal import Sealer
from bot.questionnaire.flow import Flow
from bot.safety import danger_check
from bot.storage.retention import Erased, Purged
from bot.storage.store import Handled, Store
from bot.storage.versions import FlowVersions
from bot.storage.writer import Receipt

if TYPE_CHECKING:  # the theme coder's modules load only where a codebook is used
    from bot.analysis.coding import ThemeCoding

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class _Turn:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


class Turns:
    """One thing at a time per parent. A parent's lock goes once nobody holds or waits for it,
    so a bot that runs for months keeps nothing per parent in memory."""

    def __init__(self) -> None:
        self._turns: dict[str, _Turn] = {}

    @asynccontextmanager
    async def of(self, respondent: str) -> AsyncIterator[None]:
        turn = self._turns.setdefault(respondent, _Turn())
        turn.users += 1
        try:
            async with turn.lock:
                yield
        finally:
            turn.users -= 1
            if turn.users == 0:
                del self._turns[respondent]

    def __len__(self) -> int:
        return len(self._turns)


Status = Literal["new", "active", "finished"]


@dataclass(frozen=True)
class Standing:
    """A parent with no questionnaire, one under way or a finished one; its language (none if
    new) and the languages it offers; the questionnaire (the version they are on) and the
    poster's tag it began from."""

    status: Status
    language: str | None
    languages: tuple[str, ...]
    flow: Flow | None = None
    source: str | None = None


@dataclass
class Outcome:
    """What to show. For an input with a ticket: its reply (from event `first` on, when it was
    stored before and partly shown)."""

    events: list[ev.Event]
    duplicate: bool = False
    language: str | None = None
    first: int = 0


@dataclass(frozen=True)
class Ticket:
    """A channel's own name for an input (a Telegram update, by id and mark): its step is
    stored once, and its reply, `preface` and all, is kept sealed until the channel has shown
    it, so a restart can finish showing it."""

    update_id: int
    mark: str
    sealer: Sealer
    preface: tuple[ev.Event, ...] = ()


class Service:
    """Every channel's way in: one parent's input, in order, stored before it is shown."""

    def __init__(
        self,
        config: Config,
        store: Store,
        flows: FlowVersions,
        *,
        clock: Callable[[], datetime] = utc_now,
        redact: Cleaner | None = None,
        on_contact: Callable[[], None] | None = None,
        coding: ThemeCoding | None = None,
    ) -> None:
        self.config = config
        self.coding = coding  # themes and sentiment of typed answers, when a codebook is given
        self.store = store
        self.flows = flows
        self.clock = clock
        self.on_contact = on_contact  # e.g. wake the worker that emails the agency
        # Free text is redacted before it is stored, whoever builds the service.
        self.rules = Rules(
            redact=redact or redactor_for(tuple(config.privacy.staff_names)).redact,
            in_danger=danger_check(config.safeguarding.lists()),
            signpost=config.signpost_in,
            expire_after_days=config.sessions.expire_after_days,
        )
        self._turns = Turns()

    def pick_flow(self, tag: str | None, flow_id: str | None = None) -> Flow:
        """The flow a new conversation starts on: by deep-link tag, by id, else the default."""
        current = self.flows.current
        if flow_id is not None and flow_id in current:
            return current[flow_id]
        by_tag = self.flows.for_tag(tag)
        if by_tag is not None:
            return by_tag
        if tag in current:
            return current[tag]
        if self.config.default_flow in current:
            return current[self.config.default_flow]
        return next(iter(current.values()))

    def known_tag(self, tag: str | None) -> str | None:
        """Deep-link tags no flow knows are ignored, not stored."""
        if tag and (self.flows.for_tag(tag) or tag in self.flows.current):
            return tag
        return None

    async def handle(
        self,
        respondent: str,
        event: ev.Input,
        *,
        ticket: Ticket | None = None,
        flow_id: str | None = None,
    ) -> Outcome:
        """Process one input from one parent: lock, load, step, save, then hand back to show."""
        return await self._handle(respondent, event, ticket, flow_id)

    async def start_afresh(
        self, respondent: str, start: ev.Start, *, flow_id: str | None = None
    ) -> Outcome:
        """Begin the questionnaire a poster opens (by its tag, or `flow_id`) even though another
        is under way, as "start again" after a long gap does: the one under way stays as a
        partial response, kept under the usual privacy rules."""
        return await self._handle(respondent, start, None, flow_id, afresh=True)

    async def _handle(
        self,
        respondent: str,
        event: ev.Input,
        ticket: Ticket | None,
        flow_id: str | None,
        *,
        afresh: bool = False,
    ) -> Outcome:
        async with self._turns.of(respondent):
            if ticket is not None:
                handled = await self.store.handled(ticket.update_id, ticket.mark)
                if handled is not None:
                    return Outcome(owed(handled, ticket), True, first=handled.shown)
            now = self.clock()
            loaded = await self.store.load_session(respondent)
            if loaded is None and isinstance(event, ev.Repeat | ev.Aside):
                # nothing started, nothing to show again; but danger is always answered
                language = (event.language if isinstance(event, ev.Aside) else None) or "en"
                events = signposts(event, language, self.rules)
                if ticket is not None:
                    events = shown([*ticket.preface, *events])
                    await self.store.save_receipt(receipt_of(ticket, events, now), now.date())
                return Outcome(events, language=language)
            session = loaded.session if loaded and not afresh else None
            flow = await self._flow_for(session, event, flow_id)
            if session is not None and session.flow_id != flow.id:
                session = None  # a finished questionnaire; this one starts afresh
            if isinstance(event, ev.Start):
                event = ev.Start(self.known_tag(event.source), event.language)
            new, events = step(flow, session, event, now, self.rules)
            reply = shown([*ticket.preface, *events]) if ticket is not None else events
            await self.store.save(
                respondent,
                new,
                events,
                now.date(),
                response_id=loaded.response_id if loaded else None,
                unlink_after_days=self.config.privacy.unlink_after_days,
                receipt=receipt_of(ticket, reply, now) if ticket is not None else None,
                codes=self.coding.codes(flow, events) if self.coding else (),
            )
        if self.on_contact and any(isinstance(e, ev.ContactOptedIn) for e in events):
            self.on_contact()
        return Outcome(reply, language=new.language)

    async def _flow_for(
        self, session: Session | None, event: ev.Input, flow_id: str | None
    ) -> Flow:
        """The exact version an unfinished session started on; else the one to start."""
        if session is not None and not session.finished:
            pinned = await self.flows.version(session.flow_hash)
            if pinned is not None:
                return pinned
        tag = event.source if isinstance(event, ev.Start) else None
        return self.pick_flow(tag, flow_id)

    def signpost_in(self, language: str) -> str:
        """The safeguarding message (999, NHS 111, helplines) in a parent's language."""
        return self.config.signpost_in(language)

    def privacy_notice_in(self, language: str) -> str:
        """The privacy notice in a parent's language."""
        return self.config.notice_in(language)

    async def reload(self) -> FlowProblems | None:
        """Re-read and check the flows folder. On any error keep the questionnaires in use and
        return the problems (file:line:col); parents part-way through keep their version."""
        folder = self.config.flows_dir
        try:
            fresh = await FlowVersions.load(folder, self.store, self.clock().date())
        except FlowProblems as exc:
            return exc
        if not fresh.current:
            return FlowProblems([f"{folder}: no questionnaires (.yaml files) there"])
        fresh.by_hash = {**self.flows.by_hash, **fresh.by_hash}
        self.flows = fresh
        return None

    async def purge(self) -> Purged:
        privacy = self.config.privacy
        forget = self.config.sessions.expire_after_days + privacy.unlink_after_days
        return await self.store.retention.purge(
            self.clock().date(),
            retention_days=privacy.retention_days,
            forget_sessions_after_days=forget,
        )

    async def languages(self, respondent: str) -> list[str]:
        """The languages of the questionnaire this parent is on (or would start)."""
        return list((await self.standing(respondent)).languages)

    async def standing(self, respondent: str) -> Standing:
        """Where this parent is, from one read of their session."""
        loaded = await self.store.load_session(respondent)
        if loaded is None:
            return Standing("new", None, tuple(self.pick_flow(None).languages))
        session = loaded.session
        flow = await self.flows.version(session.flow_hash) or self.pick_flow(None)
        status: Status = "finished" if session.finished else "active"
        return Standing(status, session.language, tuple(flow.languages), flow, session.source)

    async def language_of(self, respondent: str) -> str | None:
        """The language of this parent's questionnaire, if they have one."""
        loaded = await self.store.load_session(respondent)
        return loaded.session.language if loaded else None

    async def erase(self, respondent: str) -> Erased:
        async with self._turns.of(respondent):
            return await self.store.retention.erase(respondent)


def receipt_of(ticket: Ticket, reply: list[ev.Event], now: datetime) -> Receipt:
    """The update, to store with its step: with its reply sealed when there is one to show."""
    sealed = ticket.sealer.seal({"reply": to_json(reply)}, now) if reply else None
    return Receipt(ticket.update_id, ticket.mark, sealed)


def owed(handled: Handled, ticket: Ticket) -> list[ev.Event]:
    """What is left to show of a stored update's reply; nothing once it was all shown (or when
    it does not open: sealed under a pseudonym key that was since changed)."""
    if handled.reply is None:
        return []
    try:
        reply = from_json(str(ticket.sealer.unseal(handled.reply)["reply"]))
    except (WrongContactKey, KeyError, ValueError):
        log.error("a reply still owed does not open with this pseudonym key; not shown")
        return []
    return reply[handled.shown :]


async def housekeeping(service: Service, stopping: asyncio.Event, every: float = 6 * 3600) -> None:
    """Unlink and delete old answers (privacy windows) at start and every few hours."""
    while not stopping.is_set():
        try:
            done = await service.purge()
            log.info(
                "privacy housekeeping: %d made anonymous, %d deleted, %d sessions forgotten",
                done.unlinked,
                done.deleted,
                done.sessions,
            )
        except Exception as exc:
            log.error("privacy housekeeping failed: %s", type(exc).__name__)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), every)
