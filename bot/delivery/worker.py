"""Emailing contact details to the engagement agency, then deleting them from the bot.

Order of operations, for each due row of `outbox` (oldest retry first):
1. unseal it and send one plain-text email to the agency;
2. only then, in ONE transaction, delete the row and count the delivery in `delivery_log`.
A crash between the two means the agency gets the email twice, never zero times (at-least-once).
The Message-ID is derived from the row's random id, so a repeat carries the same Message-ID and the
agency can spot and drop it.

A failed send adds one to the row's attempts, moves its next attempt back by `first_backoff *
2**attempts` (capped at `max_backoff`), counts a failed attempt and ends the pass: the server is
probably down, so don't hammer it. Rows are never dropped for failing. A row that cannot be unsealed
with the current key (BOT_CONTACT_KEY changed?) is kept, not deleted, and reported as an error once
per `max_backoff`. Nothing here logs or prints contact details: only counts.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import aiosmtplib
import aiosqlite

from bot.storage.store import Store

log = logging.getLogger(__name__)
PASSWORD_ENV = "BOT_SMTP_PASSWORD"
SUBJECT = "Follow-up interview: a parent would like to talk"
SEND_ERRORS = (aiosmtplib.SMTPException, OSError, asyncio.TimeoutError)
FIELDS = {"name": "Name", "phone": "Phone", "email": "Email", "preferred_time": "Preferred time"}


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "localhost"
    port: int = 587
    starttls: bool = True
    use_tls: bool = False  # implicit TLS (usually port 465)
    username: str | None = None
    password: str | None = field(default=None, repr=False)  # from BOT_SMTP_PASSWORD
    sender: str = "feedback-bot@example.org"
    to: str = "interviews@example.org"
    timeout: float = 30

    def __post_init__(self) -> None:
        if self.starttls and self.use_tls:
            raise ValueError("agency: choose starttls (port 587) or use_tls (port 465), not both")


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


def _domain(address: str) -> str:
    return address.rpartition("@")[2].strip(" >") or "localhost"


def message_id_for(row_id: str, settings: SmtpSettings) -> str:
    """The same for every attempt at one row (its id is random), so a repeat can be recognised."""
    return f"<outbox.{row_id}@{_domain(settings.sender)}>"


def compose(
    details: Mapping[str, object],
    settings: SmtpSettings,
    *,
    message_id: str | None = None,
    now: float | None = None,
) -> EmailMessage:
    """The agency's email: the details the parent gave and the answers they agreed to share."""
    message = EmailMessage()
    message["Subject"] = SUBJECT  # never the name: subjects end up in lists and previews
    message["From"], message["To"] = settings.sender, settings.to
    message["Date"] = formatdate(now, usegmt=True)  # now=None: the current time
    message["Message-ID"] = message_id or make_msgid(domain=_domain(settings.sender))
    given = {key: str(details.get(key) or "(not given)") for key in FIELDS}
    lines = [
        "A parent who answered the maternity feedback questionnaire would like to talk about",
        "their experience in a follow-up interview.\n",
        *(f"{label}: {given[key]}" for key, label in FIELDS.items()),
    ]
    shared = details.get("shared")
    if isinstance(shared, list) and shared:
        lines.append("\nAnswers they agreed to share:")
        lines += [f"{p[0]}: {p[1]}" for p in shared if isinstance(p, list) and len(p) == 2]
    lines.append(
        "\nSent by the maternity feedback bot. These details are deleted from the bot once this "
        "email is sent; it keeps no copy."
    )
    message.set_content("\n".join(lines) + "\n")
    return message


async def _send(message: EmailMessage, settings: SmtpSettings) -> None:
    await aiosmtplib.send(
        message, hostname=settings.host, port=settings.port, start_tls=settings.starttls,
        use_tls=settings.use_tls, username=settings.username, password=settings.password,
        timeout=settings.timeout,
    )  # fmt: skip


async def _count(db: aiosqlite.Connection, column: str, now: float) -> None:
    """One more delivered email or failed attempt on `now`'s day (UTC) in delivery_log."""
    day = datetime.fromtimestamp(now, UTC).date().isoformat()
    await db.execute(
        f"INSERT INTO delivery_log (day, {column}) VALUES (?, 1) "
        f"ON CONFLICT (day) DO UPDATE SET {column} = {column} + 1",
        (day,),
    )


async def deliver_due(
    store: Store,
    settings: SmtpSettings,
    now: float,
    *,
    first_backoff: float = 30,
    max_backoff: float = 3600,
    stopping: asyncio.Event | None = None,
) -> DeliveryResult:
    """One pass over the rows due at `now`, oldest retry first. Stops at the first failed send."""
    if store.sealer is None:
        raise RuntimeError("delivering contact details needs the contact key (BOT_CONTACT_KEY)")
    async with store.db.execute(
        "SELECT id FROM outbox WHERE next_attempt <= ? ORDER BY next_attempt, id", (now,)
    ) as cursor:
        due = [str(row[0]) async for row in cursor]
    delivered = failed = unreadable = 0
    for row_id in due:
        if stopping is not None and stopping.is_set():
            break
        # Read each row just before sending it: /delete may have removed it meanwhile.
        async with store.db.execute(
            "SELECT sealed, attempts FROM outbox WHERE id = ?", (row_id,)
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            continue
        try:
            details = store.sealer.unseal(bytes(row[0]))
        except ValueError:
            unreadable += 1
            async with store.transaction() as db:  # look again later; attempts stay as they are
                await db.execute(
                    "UPDATE outbox SET next_attempt = ? WHERE id = ?", (now + max_backoff, row_id)
                )
            continue
        message = compose(details, settings, message_id=message_id_for(row_id, settings), now=now)
        try:
            await _send(message, settings)
        except SEND_ERRORS as exc:
            backoff = min(first_backoff * 2 ** min(int(row[1]), 60), max_backoff)
            async with store.transaction() as db:
                await db.execute(
                    "UPDATE outbox SET attempts = attempts + 1, next_attempt = ? WHERE id = ?",
                    (now + backoff, row_id),
                )
                await _count(db, "failed_attempts", now)
            failed += 1
            log.warning("sending to the agency failed (%s); next try in %.0f s",
                        type(exc).__name__, backoff)  # fmt: skip
            break
        # Sent: only now delete. A crash before this commit means one more email, never none.
        async with store.transaction() as db:
            await db.execute("DELETE FROM outbox WHERE id = ?", (row_id,))
            await _count(db, "delivered", now)
        delivered += 1
    if unreadable:
        log.error("%d queued contact(s) cannot be decrypted with this BOT_CONTACT_KEY; kept "
                  "until the key they were sealed with is set", unreadable)  # fmt: skip
    waiting = int(str(await store.scalar("SELECT count(*) FROM outbox")))
    if delivered or failed:
        log.info("outbox: %d delivered, %d failed, %d waiting", delivered, failed, waiting)
    return DeliveryResult(delivered, failed, waiting, unreadable)


class OutboxWorker:
    """Runs `deliver_due` every `poll_seconds`, or at once when `wake()` is called."""

    def __init__(
        self,
        store: Store,
        settings: SmtpSettings,
        *,
        clock: Callable[[], float] = time.time,
        first_backoff: float = 30,
        max_backoff: float = 3600,
    ) -> None:
        self.store, self.settings, self.clock = store, settings, clock
        self.backoff = {"first_backoff": first_backoff, "max_backoff": max_backoff}
        self.passes = 0  # finished passes, for tests and status
        self._nudged = asyncio.Event()

    def wake(self) -> None:
        """A contact was just queued: deliver it now rather than at the next poll."""
        self._nudged.set()

    async def run(self, stopping: asyncio.Event, poll_seconds: float = 5) -> None:
        while not stopping.is_set():
            self._nudged.clear()
            try:
                now = self.clock()
                await deliver_due(self.store, self.settings, now, **self.backoff, stopping=stopping)
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
    since = (datetime.fromtimestamp(now, UTC).date() - timedelta(days=6)).isoformat()
    week = "(SELECT coalesce(sum({}), 0) FROM delivery_log WHERE day >= :since)"
    async with store.db.execute(
        "SELECT count(*), coalesce(sum(next_attempt <= :now), 0), "
        "min(CASE WHEN next_attempt > :now THEN next_attempt END), coalesce(max(attempts), 0), "
        f"min(queued), {week.format('delivered')}, {week.format('failed_attempts')} FROM outbox",
        {"now": now, "since": since},
    ) as cursor:
        row = await cursor.fetchone()
    assert row is not None
    queued, due, next_retry, max_attempts, oldest, delivered, failed = row
    unreadable: int | None = None
    if store.sealer is not None:  # try each key, say nothing of what is inside
        unreadable = 0
        async with store.db.execute("SELECT sealed FROM outbox") as cursor:
            async for (sealed,) in cursor:
                try:
                    store.sealer.unseal(bytes(sealed))
                except ValueError:
                    unreadable += 1
    return OutboxStatus(now, queued, due, queued - due, next_retry, max_attempts, oldest,
                        unreadable, delivered, failed)  # fmt: skip


def _relative(status: OutboxStatus) -> str:
    seconds = max((status.next_retry or status.now) - status.now, 0)
    if seconds < 60:
        return f"in {seconds:.0f} s"
    minutes = round(seconds / 60)
    return f"in {minutes} min" if minutes < 60 else f"in {minutes // 60} h {minutes % 60} min"


def describe(status: OutboxStatus) -> str:
    """A few lines for staff. Counts and times only, never anything a parent wrote."""
    lines = [f"Contacts waiting to be emailed to the agency: {status.queued}"]
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
        f"Last 7 days: {status.delivered_7d} delivered, {status.failed_7d} failed attempt(s)"
    )
    return "\n".join(lines)
