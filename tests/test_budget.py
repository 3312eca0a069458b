"""Telegram's overall budget, shared: when messages must wait, the parent whose update arrived
first goes first, so a reply of several messages goes out whole before later parents' replies.
Order is read from the log of grants, never from the clock; the only clock check is that the
budget holds at all."""

from __future__ import annotations

import asyncio

from bot.channels.telegram.budget import SharedBudget, waiting_since


async def parent(
    budget: SharedBudget, name: str, since: float | None, n: int, log: list[str]
) -> None:
    """One parent's reply: `n` messages, one after another, as the adapter sends them."""
    waiting_since.set(since)
    for _ in range(n):
        await budget.acquire()
        log.append(name)


async def test_a_reply_goes_out_whole_before_the_reply_of_a_parent_who_came_later() -> None:
    budget = SharedBudget(1, 0.02)
    log: list[str] = []
    loop = asyncio.get_running_loop()
    now = loop.time()
    async with asyncio.timeout(5):
        later = asyncio.create_task(parent(budget, "later", now, 3, log))
        await asyncio.sleep(0)  # the later parent's first message takes the one free slot
        earlier = asyncio.create_task(parent(budget, "earlier", now - 1, 3, log))
        await asyncio.gather(later, earlier)
    # Served message by message in order of asking, the two replies would interleave.
    assert log == ["later", "earlier", "earlier", "earlier", "later", "later"]


async def test_a_message_outside_an_update_counts_as_arriving_when_it_asks() -> None:
    budget = SharedBudget(1, 0.05)
    log: list[str] = []
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(5):
        first = asyncio.create_task(parent(budget, "first", None, 1, log))  # the one free slot
        await asyncio.sleep(0)
        asked = loop.time()
        outside = asyncio.create_task(parent(budget, "outside", None, 1, log))
        await asyncio.sleep(0)
        older = asyncio.create_task(parent(budget, "older", asked - 1, 1, log))
        newer = asyncio.create_task(parent(budget, "newer", asked + 1, 1, log))
        await asyncio.gather(first, outside, older, newer)
    # Behind a parent whose update arrived before it asked, ahead of one whose arrived after.
    assert log == ["first", "older", "outside", "newer"]


async def test_a_message_given_up_while_waiting_takes_no_slot() -> None:
    budget = SharedBudget(1, 0.05)
    log: list[str] = []
    async with asyncio.timeout(5):
        await budget.acquire()  # the bucket is full
        gone = asyncio.create_task(parent(budget, "gone", 0.0, 1, log))
        await asyncio.sleep(0)
        gone.cancel()
        await asyncio.gather(gone, return_exceptions=True)
        await parent(budget, "next", 1.0, 2, log)
    assert log == ["next", "next"]
    assert budget._waiting == []


async def test_the_budget_holds_a_burst_then_its_rate() -> None:
    rate, period, n = 5, 0.1, 20
    budget = SharedBudget(rate, period)
    loop = asyncio.get_running_loop()
    log: list[str] = []
    start = loop.time()
    async with asyncio.timeout(5):
        await asyncio.gather(*(parent(budget, str(i), start, 1, log) for i in range(n)))
    assert len(log) == n
    # A burst of `rate` at once, then `rate` a period: the other 15 needed at least 0.3 s.
    assert loop.time() - start >= (n - rate) * period / rate - 0.01


async def test_tidying_takes_only_spare_budget_and_a_busy_note_goes_first() -> None:
    budget = SharedBudget(4, 0.4)  # a burst of four, then one every 0.1 s
    loop = asyncio.get_running_loop()
    now = loop.time()
    assert budget.spare() and budget.spare()  # half the burst is free: tidying may go
    assert not budget.spare()  # the other half is kept for replies
    log: list[str] = []

    async def note() -> None:
        await budget.acquire(first=True)
        log.append("note")

    async with asyncio.timeout(5):
        await parent(budget, "burst", now, 2, log)  # the burst is spent
        reply = asyncio.create_task(parent(budget, "reply", now - 1, 1, log))
        await asyncio.sleep(0)
        assert not budget.spare()  # a reply is waiting: nothing cosmetic takes its slot
        assert budget.expected_wait(now - 1) > budget.expected_wait(now - 2)  # behind elders
        await asyncio.gather(reply, note())
    assert log == ["burst", "burst", "note", "reply"]
