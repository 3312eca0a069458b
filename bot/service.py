"""The imperative shell shared by every channel: load a parent's session, step the engine, store
the result in one transaction, and only then hand the events back to be shown."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot import events as ev
from bot.config import Config
from bot.engine import Cleaner, step
from bot.flow import Flow
from bot.library import Library
from bot.storage import Erased, Store

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


def _unchanged(text: str) -> str:
    return text


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
        library: Library,
        *,
        clock: Callable[[], datetime] = utc_now,
        redact: Cleaner = _unchanged,
    ) -> None:
        self.config = config
        self.store = store
        self.library = library
        self.clock = clock
        self.redact = redact
        self._locks: dict[str, asyncio.Lock] = {}

    def _lock(self, respondent: str) -> asyncio.Lock:
        return self._locks.setdefault(respondent, asyncio.Lock())

    def pick_flow(self, tag: str | None, flow_id: str | None = None) -> Flow:
        """The flow a new conversation starts on: by deep-link tag, by id, else the default."""
        current = self.library.current
        if flow_id is not None and flow_id in current:
            return current[flow_id]
        by_tag = self.library.for_tag(tag)
        if by_tag is not None:
            return by_tag
        if tag in current:
            return current[tag]
        if self.config.default_flow in current:
            return current[self.config.default_flow]
        return next(iter(current.values()))

    def known_tag(self, tag: str | None) -> str | None:
        """Deep-link tags no flow knows are ignored, not stored."""
        if tag and (self.library.for_tag(tag) or tag in self.library.current):
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
        async with self._lock(respondent):
            if update_id is not None and await self.store.already_processed(update_id):
                return Outcome([], duplicate=True)
            now = self.clock()
            loaded = await self.store.load_session(respondent)
            session, response_id = loaded if loaded else (None, None)
            flow: Flow | None = None
            if session is not None and session.stage not in ("complete", "declined"):
                flow = await self.library.version(session.flow_hash)
            if flow is None:
                tag = event.source if isinstance(event, ev.Start) else None
                flow = self.pick_flow(tag, flow_id)
                if session is not None and session.flow_id != flow.id:
                    session = None
            if isinstance(event, ev.Start):
                event = ev.Start(self.known_tag(event.source), event.language)
            new, events = step(flow, session, event, now, self.redact)
            await self.store.save(
                respondent,
                new,
                events,
                now.date(),
                response_id=response_id,
                unlink_after_days=self.config.privacy.unlink_after_days,
                update_id=update_id,
            )
            return Outcome(events, language=new.language)

    async def erase(self, respondent: str) -> Erased:
        async with self._lock(respondent):
            return await self.store.erase(respondent)
