"""Long polling into the durable inbox: each batch is kept in SQLite first, and the next
getUpdates tells Telegram it arrived (the offset moves past it at once), so no parent's backlog
ever holds the 100-update window and nothing Telegram sent is lost to a crash. Each parent's
updates are worked from the inbox in order on their own task (bot/channels/telegram/workers.py);
an update leaves the inbox once it is answered and Telegram has been told it arrived. See
docs/telegram.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from telegram import Bot
from telegram.error import Conflict, NetworkError, RetryAfter

from bot.channels.telegram.adapter import TelegramBot
from bot.channels.telegram.sender import retry_seconds
from bot.channels.telegram.workers import Answered, Workers, parse_update

__all__ = ["ALLOWED_UPDATES", "BATCH", "Poller", "parse_update"]
log = logging.getLogger(__name__)
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
BATCH = 100  # Telegram's largest getUpdates batch
#: Seconds a stop lets the work in hand finish before it is left in the inbox for the next start.
STOP_GRACE = 3.0
#: Seconds a stop waits to tell Telegram what arrived (if it cannot, Telegram sends it again
#: and the inbox knows it).
STOP_CONFIRM = 2.0


class Poller:
    """getUpdates in a loop, keeping each batch in the inbox before asking for the next."""

    def __init__(
        self,
        bot: Bot,
        handler: TelegramBot,
        timeout: int,
        *,
        idle_poll: float = 0.1,
        gather: float = 0.02,
        backlog: int = 30,
    ) -> None:
        self.bot = bot
        self.timeout = timeout
        self.idle_poll = idle_poll  # how often to look for new updates while some are in flight
        # After one update is answered, how long to let others finish before fetching again.
        self.gather = gather
        self.workers = Workers(bot, handler, backlog=backlog)
        self.offset: int | None = None  # one past the highest update kept in the inbox
        self._checked_numbering = False

    @property
    def set_aside(self) -> int:
        return self.workers.set_aside

    async def run(self, stopping: asyncio.Event) -> None:
        backoff = 1.0
        try:
            await self.workers.resume(paused=True)  # until the first fetch has been kept
        except Exception as exc:
            log.error("could not read the inbox (%s)", type(exc).__name__)
        while not stopping.is_set():
            # Answered, and kept before this fetch: its offset tells Telegram they arrived.
            answered = self.workers.answered()
            poll = asyncio.ensure_future(self._fetch(long=not (answered or self.workers.busy)))
            stop = asyncio.ensure_future(stopping.wait())
            done, _ = await asyncio.wait({poll, stop}, return_when=asyncio.FIRST_COMPLETED)
            if poll not in done:  # stopping while waiting: the fetched batch was not kept
                poll.cancel()
                with contextlib.suppress(asyncio.CancelledError, NetworkError):
                    await poll
                self.workers.give_back(answered)
                break
            stop.cancel()
            if poll.exception() is not None:
                self.workers.go()  # Telegram cannot say what it still has: work what was kept
            try:
                batch = poll.result()
            except RetryAfter as exc:
                self.workers.give_back(answered)
                await _pause(stopping, retry_seconds(exc))
                continue
            except Conflict:
                self.workers.give_back(answered)
                log.error("another copy of this bot is polling the same token; waiting")
                await _pause(stopping, 5)
                continue
            except NetworkError as exc:
                self.workers.give_back(answered)
                log.warning("getUpdates failed (%s); retrying in %.0fs", exc.message, backoff)
                await _pause(stopping, backoff)
                backoff = min(backoff * 2, 30)
                continue
            backoff = 1.0
            await self.workers.forget(self._confirmed(answered, batch))
            await self._check_numbering(batch)
            try:
                fresh = await self.workers.take(batch)
            except Exception as exc:  # not kept: Telegram is not told, and sends them again
                self.workers.go()
                log.error("could not keep updates in the inbox (%s)", type(exc).__name__)
                await _pause(stopping, 1)
                continue
            ids = [_id(u) for u in batch if _id(u) >= 0]
            if ids:  # the next fetch tells Telegram these arrived
                self.offset = max(self.offset or 0, max(ids) + 1)
            self.workers.go()
            if not fresh and self.workers.busy:
                await self._wait_for_progress(stopping)
        await self.workers.stop(STOP_GRACE)
        await self._confirm()

    async def _fetch(self, long: bool) -> list[Any]:
        """The raw batch. Parsed one update at a time by us: python-telegram-bot's own
        get_updates fails the whole batch on one update it cannot read, and logs it whole."""
        # Long poll only when nothing is in flight or to forget: an update answered should
        # leave the inbox soon, and the fetch after it is what lets it.
        timeout = self.timeout if long else 0
        data: dict[str, Any] = {"timeout": timeout, "offset": self.offset, "limit": BATCH}
        data["allowed_updates"] = ALLOWED_UPDATES
        result = await self.bot._post("getUpdates", data, read_timeout=timeout + 15)
        return list(result) if isinstance(result, list) else []

    def _confirmed(self, answered: list[Answered], batch: list[Any]) -> list[Answered]:
        """Of the answered updates, those Telegram will never send again: all of them once an
        offset was sent. Before (the first fetch after a start), Telegram sends every update
        it still has from the oldest, so an answered one it did not send, in a batch that is
        not full, it no longer has; the others wait for the next fetch."""
        if self.offset is not None:
            return answered
        sent = {_id(u) for u in batch}
        confirmed = [a for a in answered if len(batch) < BATCH and a[1] not in sent]
        self.workers.give_back([a for a in answered if a not in confirmed])
        return confirmed

    async def _check_numbering(self, batch: list[Any]) -> None:
        """Once: say so if Telegram's update numbers are far behind what this database has
        answered (Telegram numbers afresh after a week without updates). Nothing is skipped:
        updates are told apart by their chat and message as well."""
        ids = [_id(u) for u in batch if _id(u) >= 0]
        if self._checked_numbering or not ids:
            return
        self._checked_numbering = True
        with contextlib.suppress(Exception):
            seen = await self.workers.handler.service.store.inbox.highest_seen()
            if seen is not None and min(ids) < seen - BATCH:
                log.warning(
                    "Telegram's update numbers start again below those this database has "
                    "answered (now %d, up to %d before); updates are told apart by chat and "
                    "message too, so none is skipped",
                    min(ids),
                    seen,
                )

    async def _wait_for_progress(self, stopping: asyncio.Event) -> None:
        """Something is in flight and nothing new came: look again soon, or when an update is
        answered (so the inbox can forget it)."""
        self.workers.progress.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.workers.progress.wait(), self.idle_poll)
            await asyncio.sleep(self.gather)

    async def _confirm(self) -> None:
        """On the way out: tell Telegram what was kept, then forget what was answered. Bounded:
        if Telegram cannot be reached the inbox keeps both, and knows them when sent again."""
        answered = self.workers.answered()
        if self.offset is None:
            return
        data = {"offset": self.offset, "timeout": 0, "limit": 1}
        try:
            post = self.bot._post("getUpdates", data, read_timeout=STOP_CONFIRM)
            await asyncio.wait_for(post, STOP_CONFIRM)
        except (NetworkError, TimeoutError):
            return
        await self.workers.forget(answered)


def _id(raw: object) -> int:
    if isinstance(raw, dict) and type(raw.get("update_id")) is int:
        return int(raw["update_id"])
    return -1


async def _pause(stopping: asyncio.Event, seconds: float) -> None:
    """Wait, unless the bot is stopping."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stopping.wait(), seconds)
