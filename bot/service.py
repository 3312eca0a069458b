"""The imperative shell shared by every channel: load a parent's session, step the engine, store
the result in one transaction, and only then hand the events back to be shown."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from bot.config import Config
from bot.conversation import events as ev
from bot.conversation.engine import step
from bot.conversation.session import Session
from bot.conversation.turn import Cleaner
from bot.privacy.redact import redactor_for
from bot.questionnaire.flow import Flow
from bot.storage.store import Erased, Purged, Store
from bot.storage.versions import FlowVersions

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class _Turn:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


@dataclass
class Outcome:
    events: list[ev.Event]
    duplicate: bool = False
    language: str | None = None


class Service:
    def __init__(
        self,
        config: Config,
        store: Store,
        flows: FlowVersions,
        *,
        clock: Callable[[], datetime] = utc_now,
        redact: Cleaner | None = None,
        on_contact: Callable[[], None] | None = None,
    ) -> None:
        self.on_contact = on_contact  # e.g. wake the worker that emails the agency
        self.config = config
        self.store = store
        self.flows = flows
        self.clock = clock
        # Free text is redacted before it is stored, whoever builds the service.
        self.redact = redact or redactor_for(tuple(config.privacy.staff_names)).redact
        self._turns: dict[str, _Turn] = {}
        self._danger = [
            re.compile(r"(?<!\w)" + re.escape(t.casefold()).replace(r"\ ", r"\s+") + r"(?!\w)")
            for t in config.safeguarding.triggers
            if t.strip()
        ]

    @asynccontextmanager
    async def _turn(self, respondent: str) -> AsyncIterator[None]:
        """One input at a time per parent; the lock goes once nobody holds or waits for it, so
        a bot that runs for months keeps nothing per parent in memory."""
        turn = self._turns.setdefault(respondent, _Turn())
        turn.users += 1
        try:
            async with turn.lock:
                yield
        finally:
            turn.users -= 1
            if turn.users == 0:
                del self._turns[respondent]

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
        update_id: int | None = None,
        flow_id: str | None = None,
    ) -> Outcome:
        """Process one input from one parent. Inputs of the same parent run one at a time."""
        async with self._turn(respondent):
            if update_id is not None and await self.store.already_processed(update_id):
                return Outcome([], duplicate=True)
            now = self.clock()
            loaded = await self.store.load_session(respondent)
            if loaded is None and isinstance(event, ev.Repeat):
                return Outcome([])
            session = loaded.session if loaded else None
            response_id = loaded.response_id if loaded else None
            if loaded and self._expired(loaded.session, loaded.active_on, now):
                event = ev.Returned()
            flow: Flow | None = None
            if session is not None and not session.finished:
                flow = await self.flows.version(session.flow_hash)
            if flow is None:
                tag = event.source if isinstance(event, ev.Start) else None
                flow = self.pick_flow(tag, flow_id)
                if session is not None and session.flow_id != flow.id:
                    session = None
            if isinstance(event, ev.Start):
                event = ev.Start(self.known_tag(event.source), event.language)
            new, events = step(flow, session, event, now, self.redact)
            if isinstance(event, ev.Reply) and self.signpost_needed(event.text):
                # Said at once; the questionnaire carries on. Only the redacted answer is stored.
                events = [ev.Said(self.config.safeguarding.message), *events]
            await self.store.save(
                respondent,
                new,
                events,
                now.date(),
                response_id=response_id,
                unlink_after_days=self.config.privacy.unlink_after_days,
                update_id=update_id,
            )
            if self.on_contact and any(isinstance(e, ev.ContactOptedIn) for e in events):
                self.on_contact()
            return Outcome(events, language=new.language)

    def signpost_needed(self, text: str) -> bool:
        """Words that suggest danger (self-harm, abuse, bleeding, baby moving less …)."""
        folded = text.casefold()
        return any(pattern.search(folded) for pattern in self._danger)

    async def purge(self) -> Purged:
        privacy = self.config.privacy
        forget = self.config.sessions.expire_after_days + privacy.unlink_after_days
        return await self.store.purge(
            self.clock().date(),
            retention_days=privacy.retention_days,
            forget_sessions_after_days=forget,
        )

    def _expired(self, session: Session, active_on: date, now: datetime) -> bool:
        """An unfinished questionnaire left alone longer than sessions.expire_after_days."""
        idle = (now.date() - active_on).days
        limit = self.config.sessions.expire_after_days
        return not session.finished and not session.returning and idle > limit

    async def languages(self, respondent: str) -> list[str]:
        """The languages of the questionnaire this parent is on (or would start)."""
        loaded = await self.store.load_session(respondent)
        if loaded is not None:
            flow = await self.flows.version(loaded.session.flow_hash)
            if flow is not None:
                return list(flow.languages)
        return list(self.pick_flow(None).languages)

    async def erase(self, respondent: str) -> Erased:
        async with self._turn(respondent):
            return await self.store.erase(respondent)
