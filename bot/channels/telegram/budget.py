"""Telegram's overall budget (about 30 messages a second), shared so that the parent who has waited
longest goes first.

A leaky bucket like aiolimiter's (a burst of `rate`, then `rate` a `period`), but when messages have
to wait they are let through in order of when their parent's update arrived, not of when each
message asked. A reply of several messages therefore goes out whole before the replies of parents
who tapped after it: served first come first served per message, every reply in a busy second
would finish at the end of that second. The arrival is set once per update (`waiting_since`) by
whoever receives it, and read here; a message sent outside an update arrives when it asks.

Cosmetic calls (an answered question shown with its answer, old buttons taken away) never wait
here: they take a slot only when nobody waits and at least half the burst is free (`spare`), so
they never stand between a parent and their reply.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from contextvars import ContextVar

# When the update being answered arrived (the event loop's clock), for the task answering it.
waiting_since: ContextVar[float | None] = ContextVar("waiting_since", default=None)


class SharedBudget:
    """At most `rate` messages per `period`, with a burst of `rate`; waiters served oldest first."""

    def __init__(self, rate: float, period: float = 1.0) -> None:
        self.capacity = max(rate, 1.0)
        self.drain = rate / period  # how fast the bucket empties, messages a second
        self.level = 0.0
        self._then: float | None = None
        self._waiting: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._timer: asyncio.TimerHandle | None = None

    def _leak(self, now: float) -> None:
        if self._then is not None:
            self.level = max(0.0, self.level - (now - self._then) * self.drain)
        self._then = now

    def _room(self) -> bool:
        return self.level + 1 <= self.capacity + 1e-9  # what the clock's rounding leaves

    def spare(self, share: float = 0.5) -> bool:
        """Take a slot only if nobody waits and the bucket is at most `share` full after it:
        for what nobody waits for. Never waits."""
        self._leak(asyncio.get_running_loop().time())
        if self._waiting or self.level + 1 > self.capacity * share + 1e-9:
            return False
        self.level += 1
        return True

    def expected_wait(self, since: float) -> float:
        """About how many seconds a message for an update that arrived at `since` would wait
        now: behind every message waiting for an update that arrived before it."""
        self._leak(asyncio.get_running_loop().time())
        waiting = sum(1 for when, _, f in self._waiting if when <= since and not f.done())
        return max(0.0, (self.level + waiting + 1 - self.capacity) / self.drain)

    async def acquire(self, first: bool = False) -> None:
        """Wait for a slot. Goes straight through when there is room and nobody waits; `first`
        goes before everyone waiting (telling a parent once that the bot is busy)."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        self._leak(now)
        if not self._waiting and self._room():
            self.level += 1
            return
        since = float("-inf") if first else waiting_since.get()
        granted: asyncio.Future[None] = loop.create_future()
        heapq.heappush(self._waiting, (now if since is None else since, next(self._order), granted))
        self._wake_later(loop)
        await granted  # cancelled while waiting: its entry is skipped when reached

    def _wake_later(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._timer is None and self._waiting:
            delay = max(0.0, (self.level + 1 - self.capacity) / self.drain)
            self._timer = loop.call_later(delay, self._wake, loop)

    def _wake(self, loop: asyncio.AbstractEventLoop) -> None:
        self._timer = None
        self._leak(loop.time())
        while self._waiting and self._room():
            granted = heapq.heappop(self._waiting)[2]
            if not granted.done():  # not cancelled meanwhile
                self.level += 1
                granted.set_result(None)
        self._wake_later(loop)
