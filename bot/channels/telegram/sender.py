"""Sending to Telegram politely: rate limits kept, 429 and network errors retried, never dropped
silently. Wraps python-telegram-bot's Bot."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from aiolimiter import AsyncLimiter
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.channels.telegram.budget import SharedBudget
from bot.channels.telegram.render import Button

# Durations (retry_after) as timedelta: python-telegram-bot's int form is deprecated.
os.environ.setdefault("PTB_TIMEDELTA", "true")
log = logging.getLogger(__name__)
T = TypeVar("T")


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
    ) -> None:
        self.bot = bot
        self.overall = SharedBudget(overall_per_second) if overall_per_second else None
        self.per_chat_rate = per_chat
        self._chats: dict[int, AsyncLimiter] = {}
        self.max_attempts = max_attempts
        self.first_backoff = first_backoff

    async def _limit(self, chat_id: int) -> None:
        """The chat's own pace first, then a share of the overall budget: a parent waiting on
        their own chat's pace holds no overall slot another parent could use. When the overall
        budget is short, the parent whose update arrived first goes first (budget.py)."""
        if self.per_chat_rate[0]:
            if len(self._chats) > 10_000:
                self._chats.clear()
            limiter = self._chats.setdefault(chat_id, AsyncLimiter(*self.per_chat_rate))
            await limiter.acquire()
        if self.overall is not None:
            await self.overall.acquire()

    async def call(
        self, chat_id: int, action: Callable[[], Awaitable[T]], *, limited: bool = True
    ) -> T | None:
        """Run one Bot API call with retries. None when Telegram refuses it for good.
        `limited=False` for calls that are not chat messages (answering a button tap)."""
        backoff = self.first_backoff
        for attempt in range(1, self.max_attempts + 1):
            if limited:
                await self._limit(chat_id)
            try:
                return await action()
            except RetryAfter as exc:
                seconds = retry_seconds(exc)
                log.warning("Telegram asked us to wait %.1fs (429)", seconds)
                await asyncio.sleep(seconds)
            except BadRequest as exc:
                if "not modified" in exc.message.lower():
                    return None
                log.error("Telegram refused a message: %s", exc.message)
                return None
            except Forbidden:
                log.info("a parent has blocked the bot; message not sent")
                return None
            except NetworkError as exc:
                if attempt == self.max_attempts:
                    break
                log.warning("network error (%s); retrying in %.1fs", exc.message, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30)
        log.error("gave up sending after %d attempts", self.max_attempts)
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

    async def edit(
        self, chat_id: int, message_id: int, text: str, buttons: tuple[tuple[Button, ...], ...] = ()
    ) -> None:
        await self.call(
            chat_id,
            lambda: self.bot.edit_message_text(
                text, chat_id, message_id, parse_mode="HTML", reply_markup=keyboard(buttons)
            ),
        )

    async def edit_buttons(
        self, chat_id: int, message_id: int, buttons: tuple[tuple[Button, ...], ...]
    ) -> None:
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
            chat_id, lambda: self.bot.answer_callback_query(query_id, text=notice), limited=False
        )
