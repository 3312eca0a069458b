"""Emailing contact details to the engagement agency, then deleting them from the bot.

Order of operations, for each due row of the outbox (oldest retry first):
1. unseal it and send one plain-text email to the agency;
2. the moment the agency's server has taken it (its reply to DATA, before QUIT and before the
   next row is sent), delete the row and count the delivery in ONE transaction.
A crash between the two means the agency gets the email twice, never zero times (at-least-once).
The Message-ID is derived from the row's random id, so a repeat carries the same Message-ID and the
agency can spot and drop it (docs/deploy.md tells the agency so).

Every wait on the agency's server ends when the bot is stopping: the row stays queued as it was
(no failed attempt counted) and is sent on the next start, so a server that hangs never holds
up a shutdown. Only a delete already begun is let finish.

A failed send adds one to the row's attempts, moves its next attempt back by `retry_first_seconds
* 2**attempts` (capped at `retry_max_seconds`), counts a failed attempt and ends the pass: the
server is probably down, so don't hammer it. Rows are never dropped for failing. A row that cannot
be unsealed with the current key (BOT_CONTACT_KEY changed?) is kept, not deleted, and reported as an
error once per `retry_max_seconds`. Nothing here logs or prints contact details: only counts.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage

from bot.delivery.email import SEND_ERRORS, Send, compose, message_id_for
from bot.delivery.settings import AgencySettings
from bot.errors import MissingContactKey, WrongContactKey
from bot.privacy.seal import Sealer
from bot.storage.store import Store
from bot.words import number_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryResult:
    delivered: int = 0
    failed: int = 0
    waiting: int = 0  # rows still in the outbox after this pass
    unreadable: int = 0  # rows this pass could not unseal (wrong key)


@dataclass(frozen=True)
class OutboxStatus:
    now: float
    queued: int
    due: int
    waiting: int  # not due yet: waiting to retry
    next_retry: float | None
    max_attempts: int
    oldest_month: str | None
    unreadable: int | None  # None when no contact key was given
    delivered_7d: int
    failed_7d: int
    held: int = 0  # given by parents, not yet gathered into the outbox


def _sealer(store: Store) -> Sealer:
    if store.sealer is None:
        raise MissingContactKey("delivering contact details needs BOT_CONTACT_KEY")
    return store.sealer


async def deliver_due(
    store: Store,
    send: Send,
    settings: AgencySettings,
    now: float,
    *,
    stopping: asyncio.Event | None = None,
) -> DeliveryResult:
    """One pass over the rows due at `now`, oldest retry first. Stops at the first failed send."""
    sealer = _sealer(store)
    queue = store.outbox
    delivered = failed = unreadable = 0
    for row_id in await queue.due(now):
        if stopping is not None and stopping.is_set():
            break
        # Read each row just before sending it: /delete may have removed it meanwhile.
        row = await queue.get(row_id)
        if row is None:
            continue
        try:
            details = sealer.unseal(row.sealed)
        except WrongContactKey:
            unreadable += 1
            await queue.postpone(row_id, now + settings.retry_max_seconds)
            continue
        message = compose(details, settings, message_id=message_id_for(row_id, settings), now=now)
        try:
            delete = functools.partial(queue.delivered, row_id, now)
            sent = await _send_one(send, message, delete, stopping)
        except SEND_ERRORS as exc:
            backoff = min(
                settings.retry_first_seconds * 2 ** min(row.attempts, 60),
                settings.retry_max_seconds,
            )
            await queue.failed(row_id, now + backoff, now)
            failed += 1
            log.warning("sending to the agency failed (%s); next try in %.0f s",
                        type(exc).__name__, backoff)  # fmt: skip
            break
        if not sent:
            log.info("outbox: stopped while sending to the agency; the contact stays queued")
            break
        delivered += 1
    if unreadable:
        log.error("%s cannot be decrypted with this BOT_CONTACT_KEY; kept until the key they "
                  "were sealed with is set", number_of(unreadable, "queued contact"))  # fmt: skip
    waiting = await queue.waiting()
    if delivered or failed:
        log.info("outbox: %d delivered, %d failed, %d waiting", delivered, failed, waiting)
    return DeliveryResult(delivered, failed, waiting, unreadable)


async def _send_one(
    send: Send,
    message: EmailMessage,
    delete: Callable[[], Awaitable[None]],
    stopping: asyncio.Event | None,
) -> bool:
    """Send `message`, deleting its row (`delete`) the moment the server takes it. True once
    taken and deleted; False when `stopping` came first (the row is left as it was). Raises
    what `send` raised when the server did not take it, and what `delete` raised."""
    deleting: asyncio.Future[None] | None = None

    async def accepted() -> None:
        nonlocal deleting
        deleting = asyncio.ensure_future(delete())
        await asyncio.shield(deleting)  # a stop never cuts a delete short

    sending = asyncio.ensure_future(send(message, accepted))
    stop = asyncio.ensure_future(stopping.wait() if stopping else asyncio.Event().wait())
    try:
        await asyncio.wait({sending, stop}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stop.cancel()
        if not sending.done():  # stopping, or cancelled ourselves: no server wait outlives it
            sending.cancel()
            await asyncio.wait({sending})
    if deleting is not None:
        if not sending.cancelled():
            sending.exception()  # what came after the server took it (QUIT) does not matter
        await deleting
        return True
    if sending.cancelled():
        return False
    sending.result()  # SEND_ERRORS: not taken
    await delete()  # a sender that returned without saying: returning means taken
    return True


class OutboxWorker:
    """Runs `deliver_due` every `poll_seconds`, or at once when `wake()` is called."""

    def __init__(
        self,
        store: Store,
        send: Send,
        settings: AgencySettings,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store, self.send, self.settings, self.clock = store, send, settings, clock
        self.passes = 0  # finished passes, for tests and status
        self._nudged = asyncio.Event()
        self._gathered_at: float | None = None

    def wake(self) -> None:
        """A contact was just held: gather it now if gathering is due, rather than at the next
        poll."""
        self._nudged.set()

    async def _gather(self, now: float) -> None:
        """Held contacts into the outbox, every `gather_minutes` (and at start-up); when a
        reader keeps the WAL from being emptied, again at the next pass."""
        due = (
            self._gathered_at is None
            or now - self._gathered_at >= 60 * self.settings.gather_minutes
        )
        if not due:
            return
        moved = await self.store.gather_contacts(datetime.fromtimestamp(now, UTC).date())
        if moved is not None:
            self._gathered_at = now
        if moved:
            log.info("outbox: %d contact details gathered for the agency", moved)

    async def run(self, stopping: asyncio.Event, poll_seconds: float = 5) -> None:
        while not stopping.is_set():
            self._nudged.clear()
            try:
                now = self.clock()
                await self._gather(now)
                await deliver_due(self.store, self.send, self.settings, now, stopping=stopping)
            except Exception as exc:  # keep the worker alive; the type only, never a message
                log.error("outbox pass failed (%s); trying again shortly", type(exc).__name__)
            self.passes += 1
            waits = [
                asyncio.ensure_future(stopping.wait()),
                asyncio.ensure_future(self._nudged.wait()),
            ]
            try:
                await asyncio.wait(waits, timeout=poll_seconds, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for waiting in waits:
                    waiting.cancel()
                await asyncio.gather(*waits, return_exceptions=True)


async def status(store: Store, now: float) -> OutboxStatus:
    """Counts only, for `python -m bot outbox`."""
    counts = await store.outbox.counts(now)
    unreadable: int | None = None
    if store.sealer is not None:  # try each key, say nothing of what is inside
        unreadable = 0
        async for sealed in store.outbox.sealed():
            try:
                store.sealer.unseal(sealed)
            except WrongContactKey:
                unreadable += 1
    return OutboxStatus(
        now, counts.queued, counts.due, counts.queued - counts.due, counts.next_retry,
        counts.max_attempts, counts.oldest_month, unreadable, counts.delivered_7d,
        counts.failed_7d, await store.outbox.held(),
    )  # fmt: skip


def _relative(status: OutboxStatus) -> str:
    seconds = max((status.next_retry or status.now) - status.now, 0)
    if seconds < 60:
        return f"in {seconds:.0f} s"
    minutes = round(seconds / 60)
    return f"in {minutes} min" if minutes < 60 else f"in {minutes // 60} h {minutes % 60} min"


def describe(status: OutboxStatus) -> str:
    """A few lines for staff. Counts and times only, never anything a parent wrote."""
    lines = [
        f"Contacts held until the next gathering (sealed under both keys): {status.held}",
        f"Contacts waiting to be emailed to the agency: {status.queued}",
    ]
    if status.queued:
        retry = "" if status.next_retry is None else f" (next {_relative(status)})"
        lines += [
            f"  due now: {status.due}",
            f"  waiting to retry: {status.waiting}{retry}",
            f"  most attempts for one contact: {status.max_attempts}",
            f"  oldest queued in: {status.oldest_month}",
        ]
        if status.unreadable:
            lines.append(f"  cannot be decrypted with this BOT_CONTACT_KEY: {status.unreadable} "
                         "(kept; set the key they were sealed with)")  # fmt: skip
    lines.append(
        f"Last 7 days: {status.delivered_7d} delivered, "
        f"{number_of(status.failed_7d, 'failed attempt')}"
    )
    return "\n".join(lines)
