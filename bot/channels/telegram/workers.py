"""Each parent's updates, worked in order on that parent's own task, from the durable inbox.

An update is kept in the inbox (sealed, bot/storage/inbox.py) before Telegram is told it arrived,
and leaves it only once it is answered: its step stored and its whole reply shown. A crash, an
outage of any length or a shutdown leaves it there, and the next start works it again: the
service recognises its step as stored and the adapter shows what was still owed of the reply, in
order. Different parents never wait for each other, and a parent who floods the bot is answered
for the first `backlog` updates waiting, told once that the rest were not read, and holds nobody.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import traceback
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from telegram import Bot, Update

from bot.channels.telegram.adapter import TelegramBot, more_waiting, telegram_language
from bot.channels.telegram.budget import waiting_since
from bot.channels.telegram.owed import Owed
from bot.channels.telegram.render import escape
from bot.channels.telegram.sender import reply_started
from bot.errors import WrongContactKey
from bot.words import say

log = logging.getLogger(__name__)
FLOOD_MEMORY = 60.0  # seconds a parent told their backlog is full is not told again
BUSY_AFTER = 3.0  # seconds a parent waits for a reply before they may be told the bot is busy
BUSY_STILL = 2.0  # … if the overall budget would keep them waiting at least this much longer
BUSY_MEMORY = 300.0  # seconds a parent told the bot is busy is not told again
MAX_TAPS_ANSWERED = 100  # taps beyond a parent's backlog whose spinners are stopped


def parse_update(raw: object, bot: Bot) -> Update | None:
    """One update from its JSON, or None when python-telegram-bot cannot read it. Never raises
    and never logs the content (parsing errors can quote it)."""
    if not isinstance(raw, dict) or type(raw.get("update_id")) is not int:
        return None
    try:
        return Update.de_json(raw, bot)
    except Exception:  # any shape the library does not know
        return None


@dataclass(frozen=True)
class Job:
    """An update kept in the inbox (`row`), to be answered."""

    row: int
    update: Update
    mark: str


@dataclass
class TooMany:
    """A parent whose backlog is full: told once that what they sent next was not read, after
    where to get help now if any of it suggested danger (it is read for that much)."""

    chat_id: int
    language: str
    danger: bool = False
    sent: bool = False
    messages: bool = False  # a message was not read (taps alone are only acknowledged)
    taps: list[str] = field(default_factory=list)  # taps not read, their spinners to stop


Work = Job | TooMany | Owed
Answered = tuple[int, int, str]  # an answered update's inbox row, id and mark


class Workers:
    def __init__(self, bot: Bot, handler: TelegramBot, *, backlog: int = 30) -> None:
        self.bot = bot
        self.handler = handler
        self.backlog = backlog  # updates waiting per parent; beyond it they are not kept
        self.set_aside = 0  # updates that could not be read
        self.dropped = 0  # updates beyond a parent's backlog, not read
        self._queues: dict[int, deque[tuple[Work, float]]] = {}
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._kept: set[tuple[int, str]] = set()  # (update id, mark) in the inbox, not answered
        self._answered: list[Answered] = []  # (row, update id, mark) to forget
        # Parents told their backlog is full, and when: told once per flood (a minute).
        self._told: dict[int, tuple[TooMany, float]] = {}
        self._reassured: dict[int, float] = {}  # parents told the bot is busy, and when
        self.progress = asyncio.Event()  # set each time an update is answered
        # After a start, updates kept from before wait for the first fetch, so each parent's
        # queue holds what Telegram still had for them too (see `more_waiting`).
        self.paused = False

    # ── taking updates in ────────────────────────────────────────────────────────────────
    async def take(self, batch: Sequence[object]) -> int:
        """Keep the readable updates of `batch` in the inbox (one commit), then queue them on
        their parents' tasks. When this returns, Telegram may be told they arrived; if it
        raises (the database cannot be written), nothing was kept. How many were new."""
        readable: list[tuple[object, Update]] = []
        for raw in batch:
            update = parse_update(raw, self.bot)
            if update is None:
                self.set_aside += 1
                log.error("set aside an update this bot cannot read (%d so far)", self.set_aside)
            else:
                readable.append((raw, update))
        return await self.keep(readable)

    async def keep(self, readable: Sequence[tuple[object, Update]]) -> int:
        """Keep these updates (each with its JSON) in the inbox, then queue them."""
        fresh: list[tuple[int, Update, str, object]] = []
        for raw, update in readable:
            key = parent_of(update)
            mark = self.handler.mark(update)
            if (update.update_id, mark) in self._kept:
                continue  # Telegram sent it again: it is already waiting
            if self._full(key, update, fresh):
                continue
            fresh.append((key, update, mark, raw))
        if not fresh:
            return 0
        now = datetime.now(UTC)
        sealed = [
            (u.update_id, mark, self.handler.sealer.seal({"update": raw}, now))
            for _, u, mark, raw in fresh
        ]
        rows = await self.handler.service.store.inbox.keep(sealed)
        for (key, update, mark, _), row in zip(fresh, rows, strict=True):
            if row is not None:
                self._queue(key, Job(row, update, mark))
        return len(fresh)

    def _full(self, key: int, update: Update, fresh: list[tuple[int, Update, str, object]]) -> bool:
        """Whether this parent already has a full backlog (their flood is not read)."""
        waiting = len(self._queues.get(key, ())) + sum(1 for f in fresh if f[0] == key)
        if waiting < self.backlog:
            return False
        self.dropped += 1
        chat = update.effective_chat
        now = asyncio.get_running_loop().time()
        if key not in self._told and chat is not None:
            self._told[key] = (TooMany(chat.id, telegram_language(update) or "en"), now)
            self._queue(key, self._told[key][0])
        told = self._told.get(key, (None, now))[0]
        if told is None:
            return True
        if update.callback_query is not None:
            if not told.sent and len(told.taps) < MAX_TAPS_ANSWERED:
                told.taps.append(update.callback_query.id)
            return True
        told.messages = True
        message = update.effective_message
        text = (message.text or message.caption or "") if message else ""
        if told.danger or not text:
            return True
        if self.handler.service.rules.in_danger(text):
            if told.sent:  # told already: where to get help goes out on its own
                self._told[key] = (TooMany(told.chat_id, told.language, danger=True), now)
                self._queue(key, self._told[key][0])
            told.danger = True
        return True

    async def resume(self, paused: bool = False) -> None:
        """After a start: every update still in the inbox is worked again, in the order it
        arrived, ahead of anything Telegram sends now; then replies owed by earlier versions.
        `paused`: only queued, until `go()`."""
        self.paused = paused
        store = self.handler.service.store
        unreadable = []
        for kept in await store.inbox.waiting():
            try:
                raw = self.handler.sealer.unseal(kept.sealed)["update"]
            except (WrongContactKey, KeyError):
                raw = None
            update = parse_update(raw, self.bot)
            if update is None:
                unreadable.append((kept.row, kept.update_id, kept.mark))
                continue
            self._queue(parent_of(update), Job(kept.row, update, kept.mark))
        if unreadable:
            log.error(
                "%d updates in the inbox do not open with this key; forgotten", len(unreadable)
            )
            await store.inbox.answered(unreadable)
        for one in await self.handler.owed.load():
            self._queue(one.user_id, one)
        if self._queues:
            log.info("answering %d parents' updates kept from before the start", len(self._queues))

    # ── working ─────────────────────────────────────────────────────────────────────────
    def _queue(self, key: int, work: Work) -> None:
        queue = self._queues.setdefault(key, deque())
        queue.append((work, asyncio.get_running_loop().time()))
        if isinstance(work, Job):
            self._kept.add((work.update.update_id, work.mark))
        if key not in self._tasks and not self.paused:
            self._tasks[key] = asyncio.create_task(self._work(key, queue))

    async def _work(self, key: int, queue: deque[tuple[Work, float]]) -> None:
        try:
            while queue:
                work, arrived = queue[0]
                waiting_since.set(arrived)  # when the budget is short, the oldest goes first
                more_waiting.set(
                    any(isinstance(w, Job) for w, _ in itertools.islice(queue, 1, None))
                )
                if isinstance(work, Job):
                    started = asyncio.Event()
                    reply_started.set(started)
                    watch = asyncio.create_task(self._reassure(key, work, arrived, started))
                    try:
                        await self._answer(work)
                    finally:
                        watch.cancel()
                else:
                    await self._answer(work)
                if isinstance(work, Job):
                    await self._all_shown(work)
                queue.popleft()
                if isinstance(work, Job):
                    self._kept.discard((work.update.update_id, work.mark))
                    self._answered.append((work.row, work.update.update_id, work.mark))
                elif isinstance(work, Owed):
                    await self.handler.owed.settle([work.update_id])
                self.progress.set()
        finally:  # finished, or cancelled by a stop: what is left stays in the inbox
            del self._tasks[key]
            del self._queues[key]
            self._forget_told()

    async def _reassure(self, key: int, job: Job, arrived: float, started: asyncio.Event) -> None:
        """When Telegram's overall budget is short: a parent whose reply has not begun after
        `BUSY_AFTER` seconds, and would wait `BUSY_STILL` more, is told once (in
        `BUSY_MEMORY`) that the bot is busy and will answer shortly. Their reply is unchanged."""
        loop = asyncio.get_running_loop()
        await asyncio.sleep(max(0.0, arrived + BUSY_AFTER - loop.time()))
        budget = self.handler.sender.overall
        if started.is_set() or budget is None or budget.expected_wait(arrived) < BUSY_STILL:
            return
        now = loop.time()
        if now - self._reassured.get(key, -BUSY_MEMORY) < BUSY_MEMORY:
            return
        if len(self._reassured) > 10_000:
            self._reassured = {k: t for k, t in self._reassured.items() if now - t < BUSY_MEMORY}
        self._reassured[key] = now
        try:
            await self.handler.reassure(job.update)
        except Exception as exc:
            _log_error(exc)

    async def _all_shown(self, job: Job) -> None:
        """Noted at once, not when the row goes (after the next fetch): a restart in between
        would otherwise show the end of the reply again."""
        update_id = job.update.update_id
        try:
            await self.handler.service.store.inbox.all_shown(update_id, job.mark)
        except Exception as exc:
            log.error("could not note a reply as shown (%s)", type(exc).__name__)

    async def _answer(self, work: Work) -> None:
        if isinstance(work, Job):
            await process_safely(self.handler, work.update)
            return
        try:
            if isinstance(work, TooMany):
                await self._tell(work)
            else:
                await self.handler.repay(work)
        except Exception as exc:
            _log_error(exc)

    def _forget_told(self) -> None:
        """Floods over a minute ago: a parent who floods again is told again."""
        now = asyncio.get_running_loop().time()
        for key, (_, when) in list(self._told.items()):
            if now - when > FLOOD_MEMORY and key not in self._queues:
                del self._told[key]

    async def _tell(self, told: TooMany) -> None:
        told.sent = True
        sender = self.handler.sender
        for tap in told.taps:
            await sender.answer_tap(told.chat_id, tap)
        if told.danger:
            help_now = self.handler.service.signpost_in(told.language)
            await sender.send(told.chat_id, f"🆘 {escape(help_now)}")
        if told.messages:
            await sender.send(told.chat_id, escape(say("too_many", told.language)))

    # ── what the inbox can forget ───────────────────────────────────────────────────────
    def answered(self) -> list[Answered]:
        """The updates answered since last asked, to forget once Telegram was told of them."""
        done, self._answered = self._answered, []
        return done

    def give_back(self, done: list[Answered]) -> None:
        """Telegram was not told after all: forget these another time."""
        self._answered[:0] = done

    async def forget(self, done: list[Answered]) -> None:
        """Delete answered updates from the inbox; if that fails they are worked again after a
        restart (their steps are stored, so only what was owed of a reply is shown)."""
        if not done:
            return
        try:
            await self.handler.service.store.inbox.answered(done)
        except Exception as exc:
            log.error("could not clear answered updates from the inbox (%s)", type(exc).__name__)

    @asynccontextmanager
    async def receiving(
        self, grace: float, every: float = 1.0
    ) -> AsyncIterator[Callable[[Update], Awaitable[None]]]:
        """For the webhook, where Telegram is told each update arrived by its 200: what to call
        with each update (it returns once the update is kept), with what was kept before a
        start worked first, and what is answered forgotten every `every` seconds. On leaving,
        the work in hand gets `grace` seconds, as on a stop."""

        async def receive(update: Update) -> None:
            await self.keep([(update.to_dict(), update)])

        async def forget_answered() -> None:
            while True:
                await asyncio.sleep(every)
                await self.forget(self.answered())  # each had its 200 before it was worked

        await self.resume()
        tidying = asyncio.create_task(forget_answered())
        try:
            yield receive
        finally:
            tidying.cancel()
            await asyncio.gather(tidying, return_exceptions=True)
            await self.stop(grace)
            await self.forget(self.answered())

    @property
    def busy(self) -> bool:
        return bool(self._queues)

    def go(self) -> None:
        """Start working what was queued while paused."""
        self.paused = False
        for key, queue in self._queues.items():
            if key not in self._tasks:
                self._tasks[key] = asyncio.create_task(self._work(key, queue))

    async def stop(self, grace: float) -> None:
        """Let the work in hand finish for up to `grace` seconds, then cancel the rest: it stays
        in the inbox and is worked after the next start."""
        tasks = list(self._tasks.values())
        if tasks:
            await asyncio.wait(tasks, timeout=grace)
        left = [t for t in self._tasks.values() if not t.done()]
        for task in left:
            task.cancel()
        await asyncio.gather(*left, return_exceptions=True)
        if left:
            log.info("stopped with %d parents' updates in hand; kept for the next start", len(left))
        await self.handler.sender.cosmetics.stop()  # tidying is not owed: nobody waits for it


async def process_safely(handler: TelegramBot, update: Update) -> None:
    """Never let one bad update stop the bot. Logs the error's type and place, never its text;
    the parent is told something went wrong."""
    try:
        await handler.process(update)
    except Exception as exc:
        _log_error(exc)
        chat = update.effective_chat
        if chat is not None and chat.type == "private":
            language = telegram_language(update) or "en"
            with contextlib.suppress(Exception):
                await handler.sender.send(chat.id, escape(say("sorry", language)))


def parent_of(update: Update) -> int:
    user = update.effective_user
    return user.id if user else -update.update_id


def _log_error(exc: Exception) -> None:
    frame = traceback.extract_tb(exc.__traceback__)[-1]
    log.error(
        "could not handle an update: %s at %s:%s",
        type(exc).__name__,
        os.path.basename(frame.filename),
        frame.lineno,
    )
