"""Tidying a chat after the reply, never before it: an answered question shown with its answer,
an old question's buttons taken away.

Nobody waits for these, so they go out per chat in the background, after the reply that caused
them and only with budget to spare: the chat's own pace has room for more than one message and
the overall budget has nobody waiting and half its burst free (`Sender.take_spare`). Only the
latest tidying of each message is kept (one superseded is dropped), one still waiting after
`keep_for` seconds is dropped, and one Telegram refuses is not tried again. A question left with
its buttons is safe: a tap on it is stale to the engine, acknowledged, and the parent is shown
where they are. Stopping the bot cancels what is left; it is not owed.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Protocol

Action = Callable[[], Awaitable[object]]


class Spare(Protocol):
    async def take_spare(self, chat_id: int) -> bool: ...

    async def call(
        self, chat_id: int, action: Action, *, limited: bool, owed: bool, attempts: int
    ) -> object: ...


class Cosmetics:
    def __init__(self, sender: Spare, *, keep_for: float = 60.0, every: float = 0.2) -> None:
        self.sender = sender
        self.keep_for = keep_for  # seconds a tidying waits for spare budget before it is dropped
        self.every = every  # seconds between looks at the budget while there is none to spare
        self._pending: dict[int, dict[int, tuple[float, Action]]] = {}
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self.sent = 0
        self.dropped = 0  # superseded, waited too long, or the message's reply replaced it

    @property
    def idle(self) -> bool:
        return not self._tasks

    def later(self, chat_id: int, message_id: int, action: Action) -> None:
        """Tidy this message once the budget has room; replaces a tidying still waiting."""
        pending = self._pending.setdefault(chat_id, {})
        if pending.pop(message_id, None) is not None:
            self.dropped += 1
        pending[message_id] = (asyncio.get_running_loop().time(), action)
        if chat_id not in self._tasks:
            self._tasks[chat_id] = asyncio.create_task(self._run(chat_id))

    def forget(self, chat_id: int, message_id: int) -> None:
        """A reply changes this message now: its waiting tidying would undo that."""
        if self._pending.get(chat_id, {}).pop(message_id, None) is not None:
            self.dropped += 1

    async def _run(self, chat_id: int) -> None:
        loop = asyncio.get_running_loop()
        try:
            while pending := self._pending.get(chat_id):
                message_id, (queued, action) = next(iter(pending.items()))
                if loop.time() - queued > self.keep_for:
                    del pending[message_id]
                    self.dropped += 1
                elif await self.sender.take_spare(chat_id):
                    del pending[message_id]
                    await self.sender.call(chat_id, action, limited=False, owed=False, attempts=1)
                    self.sent += 1
                else:
                    await asyncio.sleep(self.every)
        finally:
            self._tasks.pop(chat_id, None)
            if not self._pending.get(chat_id):
                self._pending.pop(chat_id, None)

    async def stop(self) -> None:
        """Cancel every tidying still waiting or in flight."""
        tasks = list(self._tasks.values())
        self._pending.clear()
        for task in tasks:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*tasks, return_exceptions=True)
