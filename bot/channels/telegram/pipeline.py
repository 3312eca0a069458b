"""Long polling without head-of-line blocking: updates keep being fetched while others are handled,
each parent's updates in order on their own task, different parents never waiting for each other.

Telegram confirms updates with one number, the offset: everything below it is gone for good. We
send as offset the lowest update not yet finished (stored and answered), so a crash at any moment
leaves every unfinished update with Telegram, which delivers it again; the service recognises one
already stored by its id and shows the parent where they are. Telegram returns at most 100 updates
from the offset, so when a slow reply (one parent's chat paced, or retrying after a 429) holds the
offset 100 updates back, the offset moves up to the lowest update not yet *stored* instead. Before
it does, the replies still owed for the stored updates it passes are written down (their chats
sealed, bot/channels/telegram/owed.py), and a restarted bot shows those parents where they are: no
reply is lost to a crash. See docs/telegram.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import traceback
from collections import deque
from collections.abc import Sequence
from typing import Any

from telegram import Bot, Update
from telegram.error import Conflict, NetworkError, RetryAfter

from bot.channels.telegram.adapter import TelegramBot, telegram_language
from bot.channels.telegram.budget import waiting_since
from bot.channels.telegram.owed import Owed
from bot.channels.telegram.sender import retry_seconds
from bot.words import say

log = logging.getLogger(__name__)
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
BATCH = 100  # Telegram's largest getUpdates batch


def parse_update(raw: object, bot: Bot) -> Update | None:
    """One update from its JSON, or None when python-telegram-bot cannot read it. Never raises
    and never logs the content (parsing errors can quote it)."""
    if not isinstance(raw, dict) or type(raw.get("update_id")) is not int:
        return None
    try:
        return Update.de_json(raw, bot)
    except Exception:  # any shape the library does not know
        return None


def update_id_of(raw: object) -> int | None:
    if isinstance(raw, dict) and type(raw.get("update_id")) is int:
        return int(raw["update_id"])
    return None


class Poller:
    """getUpdates in a loop, handing each parent's updates to that parent's own task."""

    def __init__(
        self,
        bot: Bot,
        handler: TelegramBot,
        timeout: int,
        *,
        idle_poll: float = 0.1,
        gather: float = 0.02,
    ) -> None:
        self.bot = bot
        self.handler = handler
        self.timeout = timeout
        self.idle_poll = idle_poll  # how often to look for new updates while some are in flight
        # After one update finishes, how long to let others finish before fetching again: each
        # fetch while updates are in flight returns (and decodes) all of them again.
        self.gather = gather
        self.offset: int | None = None  # what Telegram was last told (its confirmed watermark)
        self.set_aside = 0  # updates that could not be read, skipped
        self._next: int | None = None  # one past the highest update id fetched
        self._unfinished: set[int] = set()
        self._stored: set[int] = set()  # unfinished, but their answers are durably stored
        self._updates: dict[int, Update] = {}  # the unfinished updates by id
        self._owed: set[int] = set()  # unfinished, confirmed to Telegram, their reply written down
        self._paid: set[int] = set()  # owed replies sent, their rows still to delete
        self._queues: dict[int, deque[tuple[Update | Owed, float]]] = {}
        self._workers: dict[int, asyncio.Task[None]] = {}
        self._progress = asyncio.Event()
        handler.on_stored = self._stored.add

    def watermark(self) -> int | None:
        """The offset to send: the lowest unfinished update, else one past the highest fetched;
        the lowest not yet stored when the unfinished one is a whole batch behind."""
        if not self._unfinished or self._next is None:
            return self._next
        mark = min(self._unfinished)
        if self._next - mark >= BATCH:
            mark = min(self._unfinished - self._stored, default=self._next)
        return mark

    async def _advance(self) -> int | None:
        """The watermark, once every stored update it passes has its reply written down as
        owed; if that cannot be written, the lowest unfinished update (Telegram keeps them)."""
        mark = self.watermark()
        if self._paid:
            paid, self._paid = self._paid, set()
            with contextlib.suppress(Exception):  # left for the next restart to show again
                await self.handler.owed.settle(paid)
        passed = [i for i in self._stored if mark is not None and i < mark and i in self._updates]
        passed = [i for i in passed if i not in self._owed]
        if not passed:
            return mark
        try:
            await self.handler.owed.owe(self._updates[i] for i in passed)
        except Exception as exc:
            log.error("could not write down owed replies (%s)", type(exc).__name__)
            return min(self._unfinished, default=mark)
        log.info("more than a batch in flight: wrote down %d replies owed", len(passed))
        for i in passed:  # one may have finished while its reply was written down
            (self._owed if i in self._unfinished else self._paid).add(i)
        return mark

    async def _repay(self) -> None:
        """After a crash: each parent owed a reply is shown where they are, in their own queue
        ahead of anything Telegram delivers now."""
        owed = await self.handler.owed.load()
        if owed:
            log.info("showing %d parents owed a reply where they are", len(owed))
        for one in owed:
            self._enqueue(one.user_id, one)

    async def run(self, stopping: asyncio.Event) -> None:
        backoff = 1.0
        try:
            await self._repay()
        except Exception as exc:
            log.error("could not read the owed replies (%s)", type(exc).__name__)
        while not stopping.is_set():
            poll = asyncio.ensure_future(self._fetch())
            stop = asyncio.ensure_future(stopping.wait())
            done, _ = await asyncio.wait({poll, stop}, return_when=asyncio.FIRST_COMPLETED)
            if poll not in done:  # stopping while waiting: nothing fetched is lost (unconfirmed)
                poll.cancel()
                with contextlib.suppress(asyncio.CancelledError, NetworkError):
                    await poll
                break
            stop.cancel()
            try:
                fresh = self._accept(poll.result())
            except RetryAfter as exc:
                await asyncio.sleep(retry_seconds(exc))
                continue
            except Conflict:
                log.error("another copy of this bot is polling the same token; waiting")
                await asyncio.sleep(5)
                continue
            except NetworkError as exc:
                log.warning("getUpdates failed (%s); retrying in %.0fs", exc.message, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 60)
                continue
            backoff = 1.0
            if not fresh and self._unfinished:
                await self._wait_for_progress(stopping)
        await self.drain()
        await self._confirm()

    async def _fetch(self) -> list[Any]:
        """The raw batch. Parsed one update at a time by us: python-telegram-bot's own
        get_updates fails the whole batch on one update it cannot read, and logs it whole."""
        offset = await self._advance()
        self.offset = offset
        # Long poll only when nothing is in flight: otherwise Telegram would answer at once
        # with the updates we are still handling.
        timeout = 0 if self._unfinished else self.timeout
        data: dict[str, Any] = {"timeout": timeout, "offset": offset, "limit": BATCH}
        data["allowed_updates"] = ALLOWED_UPDATES
        result = await self.bot._post("getUpdates", data, read_timeout=timeout + 15)
        return list(result) if isinstance(result, list) else []

    def _accept(self, batch: Sequence[object]) -> int:
        """Queue the updates not seen before; set aside those that cannot be read. How many
        were new."""
        fresh = 0
        for raw in batch:
            update_id = update_id_of(raw)
            if update_id is not None and update_id < (self._next or 0):
                continue  # fetched before: Telegram numbers updates in increasing order
            fresh += 1
            update = parse_update(raw, self.bot)
            if update_id is None:
                self.set_aside += 1
                log.error("set aside an update without an id (%d so far)", self.set_aside)
                continue
            self._next = max(self._next or 0, update_id + 1)
            if update is None:
                self.set_aside += 1
                log.error(
                    "set aside update %d: not a shape this bot can read (%d so far)",
                    update_id,
                    self.set_aside,
                )
                continue
            self._unfinished.add(update_id)
            self._updates[update_id] = update
            self.dispatch(update)
        return fresh

    def dispatch(self, update: Update) -> None:
        """Into its parent's queue; that parent's task handles it after the ones before it."""
        user = update.effective_user
        self._enqueue(user.id if user else -update.update_id, update)

    def _enqueue(self, key: int, item: Update | Owed) -> None:
        queue = self._queues.setdefault(key, deque())
        queue.append((item, asyncio.get_running_loop().time()))
        if key not in self._workers:
            self._workers[key] = asyncio.create_task(self._work(key, queue))

    async def _work(self, key: int, queue: deque[tuple[Update | Owed, float]]) -> None:
        try:
            while queue:
                item, arrived = queue[0]
                waiting_since.set(arrived)  # when the budget is short, the oldest goes first
                try:
                    if isinstance(item, Owed):
                        await repay_safely(self.handler, item)
                    else:
                        await process_safely(self.handler, item)
                finally:
                    queue.popleft()
                    if isinstance(item, Owed):
                        self._paid.add(item.update_id)
                    else:
                        self._finished(item.update_id)
        finally:
            del self._workers[key]
            del self._queues[key]

    def _finished(self, update_id: int) -> None:
        self._unfinished.discard(update_id)
        self._stored.discard(update_id)
        self._updates.pop(update_id, None)
        if update_id in self._owed:
            self._owed.discard(update_id)
            self._paid.add(update_id)
        self._progress.set()

    async def _wait_for_progress(self, stopping: asyncio.Event) -> None:
        """Something is in flight and nothing new came: look again soon, or when an update
        finishes (the watermark moves and Telegram can forget it)."""
        self._progress.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._progress.wait(), self.idle_poll)
            await asyncio.sleep(self.gather)

    async def drain(self) -> None:
        """Finish every update already fetched (Ctrl-C / SIGTERM lets them finish)."""
        while self._workers:
            await asyncio.gather(*self._workers.values(), return_exceptions=True)

    async def _confirm(self) -> None:
        """Tell Telegram what was finished, so a restart does not see it again."""
        mark = await self._advance()
        if mark is None or mark == self.offset:
            return
        with contextlib.suppress(NetworkError):
            await self.bot._post("getUpdates", {"offset": mark, "timeout": 0, "limit": 1})
        self.offset = mark


async def repay_safely(handler: TelegramBot, owed: Owed) -> None:
    """Show a parent owed a reply where they are; an error is logged by type and place only."""
    try:
        await handler.repay(owed)
    except Exception as exc:
        _log_error(exc)


def _log_error(exc: Exception) -> None:
    frame = traceback.extract_tb(exc.__traceback__)[-1]
    log.error(
        "could not handle an update: %s at %s:%s",
        type(exc).__name__,
        os.path.basename(frame.filename),
        frame.lineno,
    )


async def process_safely(handler: TelegramBot, update: Update) -> None:
    """Never let one bad update stop the bot. Logs the error's type and place, never its text."""
    try:
        await handler.process(update)
    except Exception as exc:
        _log_error(exc)
        chat = update.effective_chat
        if chat is not None and chat.type == "private":
            await handler.sender.send(chat.id, say("sorry", telegram_language(update) or "en"))
