"""Sending to Telegram politely: rate limits kept, 429 and network errors retried, a parent's reply
never dropped. Wraps python-telegram-bot's Bot."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import timedelta
from typing import TypeVar

from aiolimiter import AsyncLimiter
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.channels.telegram.budget import SharedBudget
from bot.channels.telegram.cosmetics import Cosmetics
from bot.channels.telegram.render import Button

# Durations (retry_after) as timedelta: python-telegram-bot's int form is deprecated.
os.environ.setdefault("PTB_TIMEDELTA", "true")
log = logging.getLogger(__name__)
T = TypeVar("T")
#: For the task answering an update: set once the first message of its reply has gone out.
reply_started: ContextVar[asyncio.Event | None] = ContextVar("reply_started", default=None)


def retry_seconds(exc: RetryAfter) -> float:
    """How long Telegram asked us to wait, in seconds (a timedelta, or an int in older PTB)."""
    wait = exc.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


def keyboard(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


class Sender:
    """One Bot shared by every conversation; limits of about 30 messages a second overall and a
    short burst then about 1 a second per chat."""

    def __init__(
        self,
        bot: Bot,
        *,
        overall_per_second: float = 30,
        per_chat: tuple[float, float] = (6, 6),
        max_attempts: int = 8,
        first_backoff: float = 0.5,
        longest_wait: float = 15,
    ) -> None:
        self.bot = bot
        self.overall = SharedBudget(overall_per_second) if overall_per_second else None
        self.per_chat_rate = per_chat
        self._chats: dict[int, AsyncLimiter] = {}
        self.max_attempts = max_attempts
        self.first_backoff = first_backoff
        self.longest_wait = longest_wait  # between tries while Telegram cannot be reached
        self.cosmetics = Cosmetics(self)  # tidying, after replies and only with budget to spare

    def _limiter(self, chat_id: int) -> AsyncLimiter | None:
        if not self.per_chat_rate[0]:
            return None
        if len(self._chats) > 10_000:
            self._chats.clear()
        return self._chats.setdefault(chat_id, AsyncLimiter(*self.per_chat_rate))

    async def take_spare(self, chat_id: int) -> bool:
        """A slot for something nobody waits for, taken only if the chat's own pace has room for
        more than one message and the overall budget has room with nobody waiting. Never waits."""
        limiter = self._limiter(chat_id)
        if limiter is not None and not limiter.has_capacity(2):
            return False
        if self.overall is not None and not self.overall.spare():
            return False
        if limiter is not None:
            await limiter.acquire()  # has room: goes straight through
        return True

    async def _limit(self, chat_id: int, first: bool = False) -> None:
        """The chat's own pace first, then a share of the overall budget: a parent waiting on
        their own chat's pace holds no overall slot another parent could use. When the overall
        budget is short, the parent whose update arrived first goes first (budget.py)."""
        limiter = self._limiter(chat_id)
        if limiter is not None:
            await limiter.acquire()
        if self.overall is not None:
            await self.overall.acquire(first)

    async def call(
        self,
        chat_id: int,
        action: Callable[[], Awaitable[T]],
        *,
        limited: bool = True,
        owed: bool = True,
        attempts: int | None = None,
        first: bool = False,
    ) -> T | None:
        """Run one Bot API call. None when Telegram refuses it for good (a bad request, a parent
        who blocked the bot). A call `owed` to a parent (a message of a reply) is tried until
        Telegram takes it, however long Telegram cannot be reached: it is never given up, only
        cancelled when the bot stops (its update stays in the inbox). Other calls (a button's
        answer) are given up after `max_attempts` (or `attempts`).
        `limited=False` for calls that are not chat messages (answering a button tap); `first`
        for one that goes before everyone waiting for the overall budget."""
        backoff = self.first_backoff
        attempt = 0
        most = self.max_attempts if attempts is None else attempts
        while owed or attempt < most:
            attempt += 1
            if limited:
                await self._limit(chat_id, first)
            try:
                result = await action()
                started = reply_started.get()
                if owed and limited and started is not None:
                    started.set()
                return result
            except RetryAfter as exc:
                seconds = retry_seconds(exc)
                log.warning("Telegram asked us to wait %.1fs (429)", seconds)
                if owed or attempt < most:
                    await asyncio.sleep(seconds)
            except BadRequest as exc:
                if "not modified" in exc.message.lower():
                    return None
                if "query is too old" in exc.message.lower():  # a tap worked after a restart
                    log.info("a tap's spinner had already stopped")
                    return None
                log.error("Telegram refused a message: %s", exc.message)
                return None
            except Forbidden:
                log.info("a parent has blocked the bot; message not sent")
                return None
            except NetworkError as exc:
                if attempt & (attempt - 1) == 0:  # the 1st, 2nd, 4th, 8th … failure
                    log.warning(
                        "network error (%s), try %d; retrying in %.1fs", exc.message, attempt,
                        backoff,
                    )  # fmt: skip
                if owed or attempt < most:
                    await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.longest_wait)
        log.error("gave up after %d attempts (nothing a parent waits for)", attempt)
        return None

    async def send(
        self, chat_id: int, text: str, buttons: tuple[tuple[Button, ...], ...] = ()
    ) -> Message | None:
        return await self.call(
            chat_id,
            lambda: self.bot.send_message(
                chat_id, text, parse_mode="HTML", reply_markup=keyboard(buttons)
            ),
        )

    async def send_first(self, chat_id: int, text: str) -> None:
        """A note nobody is owed, before every message waiting for the overall budget."""
        await self.call(
            chat_id,
            lambda: self.bot.send_message(chat_id, text, parse_mode="HTML"),
            owed=False,
            first=True,
        )

    def tidy_text(self, chat_id: int, message_id: int, text: str) -> None:
        """Later, with spare budget: an answered question shown with its answer, no buttons."""
        self.cosmetics.later(
            chat_id,
            message_id,
            lambda: self.bot.edit_message_text(text, chat_id, message_id, parse_mode="HTML"),
        )

    def tidy_buttons(self, chat_id: int, message_id: int) -> None:
        """Later, with spare budget: an old question's buttons taken away."""
        self.cosmetics.later(
            chat_id,
            message_id,
            lambda: self.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None),
        )

    async def remove_buttons(self, chat_id: int, message_id: int) -> None:
        """Buttons taken away now, for a choice that must not be made twice (given up after
        `max_attempts`)."""
        self.cosmetics.forget(chat_id, message_id)
        await self.call(
            chat_id,
            lambda: self.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None),
            owed=False,
        )

    async def edit_buttons(
        self, chat_id: int, message_id: int, buttons: tuple[tuple[Button, ...], ...]
    ) -> None:
        """New buttons on a message as the reply (ticks redrawn): owed, and replacing any
        tidying of that message still waiting."""
        self.cosmetics.forget(chat_id, message_id)
        await self.call(
            chat_id,
            lambda: self.bot.edit_message_reply_markup(
                chat_id, message_id, reply_markup=keyboard(buttons)
            ),
        )

    async def answer_tap(self, chat_id: int, query_id: str, notice: str | None = None) -> None:
        """Not a chat message: never waits behind the message limits (the parent's app shows a
        spinner until it is answered)."""
        await self.call(
            chat_id,
            lambda: self.bot.answer_callback_query(query_id, text=notice),
            limited=False,
            owed=False,
        )
