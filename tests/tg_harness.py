"""Run the real Telegram adapter (python-telegram-bot's HTTP stack) against the fake Bot API."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from conftest import FLOWS, NOW, SEALER, make_config, make_service
from fake_telegram import FakeTelegram, SentMessage
from telegram import Bot

from bot.channels.telegram.adapter import TelegramBot
from bot.channels.telegram.pipeline import Poller
from bot.channels.telegram.polling import make_bot
from bot.channels.telegram.sender import Sender
from bot.config import Config
from bot.storage.store import Store

KEY = b"test-pseudonym-key-0123456789"


@dataclass
class Harness:
    tg: FakeTelegram
    store: Store
    config: Config
    clock: list[datetime]
    poller: Poller | None = None
    handler: TelegramBot | None = None
    task: asyncio.Task[None] | None = None
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    bot: Bot | None = None
    limits: dict[str, Any] = field(default_factory=dict)  # Sender's rate limits; off by default

    async def start(self) -> None:
        service = await make_service(self.store, self.config, clock=lambda: self.clock[0])
        self.bot = make_bot(self.tg.token, self.config, self.tg.base_url)
        await self.bot.initialize()
        limits = {"overall_per_second": 0, "per_chat": (0, 0)} | self.limits
        sender = Sender(self.bot, first_backoff=0.05, **limits)
        self.handler = TelegramBot(service, sender, KEY)
        await self.handler.register_commands()
        self.poller = Poller(self.bot, self.handler, timeout=1)
        self.stopping = asyncio.Event()
        self.task = asyncio.create_task(self.poller.run(self.stopping))

    async def stop(self) -> None:
        self.stopping.set()
        if self.task:
            await self.task
        if self.bot:
            await self.bot.shutdown()

    async def crash(self) -> None:
        """As kill -9 would leave it: every task stops where it is, nothing is drained or
        confirmed; only what was committed to the database stays."""
        assert self.task is not None and self.poller is not None
        assert self.handler is not None
        cosmetics = self.handler.sender.cosmetics
        tasks = [self.task, *self.poller.workers._tasks.values(), *cosmetics._tasks.values()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self.task = None
        if self.bot:
            await self.bot.shutdown()

    async def restart(self) -> None:
        """A clean restart of the bot process (same database, same Telegram)."""
        await self.stop()
        await self.start()

    async def settle(self) -> None:
        """Wait until every update queued so far is kept and answered: the fake drops updates
        once they are in the inbox, and the workers are idle once each is answered."""
        await self.tg.wait_for(lambda: self.tg.pending_updates() == 0, 10, "updates received")
        assert self.poller is not None
        workers = self.poller.workers
        await self.tg.wait_for(lambda: not workers.busy, 10, "updates answered")
        assert self.handler is not None
        cosmetics = self.handler.sender.cosmetics
        await self.tg.wait_for(lambda: cosmetics.idle, 10, "answered questions to be tidied")
        await self.tg.wait_for(self.inbox_empty, 10, "the inbox to forget what was answered")

    def inbox_empty(self) -> bool:
        with sqlite3.connect(self.config.database) as conn:
            return conn.execute("SELECT count(*) FROM inbox").fetchone() == (0,)


@asynccontextmanager
async def running_bot(
    tmp_path: Path,
    flows: Path = FLOWS,
    default_flow: str = "mlu_experience",
    now: datetime = NOW,
    limits: dict[str, Any] | None = None,
    **settings: object,
) -> AsyncIterator[Harness]:
    """The bot on the fake Bot API; `settings` replace top-level config sections."""
    config = make_config(tmp_path, flows=flows, default_flow=default_flow)
    config = config.model_copy(update=settings)
    async with FakeTelegram() as tg:
        store = await Store.open(config.database, SEALER)
        harness = Harness(tg, store, config, [now], limits=limits or {})
        await harness.start()
        try:
            yield harness
        finally:
            await harness.stop()
            await store.close()


def split_question(message: SentMessage) -> tuple[str, str]:
    """A message as (what was said in it before its question, the question): a reply's words
    and its question share one message when they fit. ("", text) for a message that is all
    question, or that asks nothing; the question starts at its first bold or italic line."""
    if not (message.buttons or "✍️" in message.text) or not message.entities:
        return "", message.text
    units = min(int(e["offset"]) for e in message.entities)  # UTF-16 code units
    index = count = 0
    while count < units:
        count += 2 if ord(message.text[index]) > 0xFFFF else 1
        index += 1
    return message.text[:index].rstrip("\n"), message.text[index:]


class Parent:
    """A parent on their phone: taps buttons and types, then waits for the bot to reply."""

    def __init__(self, harness: Harness, user_id: int, language: str = "en") -> None:
        self.h = harness
        self.tg = harness.tg
        self.id = user_id
        self.language = language

    async def start(self, payload: str | None = None) -> None:
        self.tg.send_text(self.id, "/start" + (f" {payload}" if payload else ""),
                          language_code=self.language)  # fmt: skip
        await self.h.settle()

    async def command(self, text: str) -> None:
        self.tg.send_text(self.id, text)
        await self.h.settle()

    async def type(self, text: str) -> None:
        self.tg.send_text(self.id, text)
        await self.h.settle()

    async def tap(self, label: str) -> None:
        self.tg.press_label(self.id, label)
        await self.h.settle()

    async def press(self, message_id: int, data: str) -> None:
        self.tg.press(self.id, message_id, data, force=True)
        await self.h.settle()

    def messages(self) -> list[SentMessage]:
        return self.tg.chat(self.id)

    def last(self) -> SentMessage:
        message = self.tg.last_message(self.id)
        assert message is not None
        return message

    def question(self) -> SentMessage:
        """The newest message that still has buttons or asks to type."""
        for message in reversed(self.messages()):
            if message.buttons or "✍️" in message.text:
                return message
        raise AssertionError("no open question")

    def last_text_before_question(self) -> str:
        """What the bot said last before it asked the current question again: in the
        question's own message, or the message before it."""
        messages = self.messages()
        said, _ = split_question(messages[-1])
        if said:
            return said
        return messages[-2].text if len(messages) > 1 else messages[-1].text

    def pieces(self) -> list[str]:
        """What the parent reads, each message's words and its question apart."""
        return [p for m in self.messages() for p in split_question(m) if p]

    def texts(self) -> list[str]:
        return [m.text for m in self.messages()]
