"""The outbox: contact details reach the agency at least once, through a real SMTP server, and then
leave the bot. Contacts are produced by the real Service, as a parent would leave them."""

from __future__ import annotations

import asyncio
import email
import email.policy
import logging
import shutil
import socket
import sqlite3
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from conftest import DATA, NOW, SEALER, eventually, make_config, make_service
from cryptography.fernet import Fernet

from bot.conversation import events as ev
from bot.delivery.email import Accepted, Send, compose, smtp_sender
from bot.delivery.settings import AgencySettings
from bot.delivery.worker import OutboxWorker, deliver_due, describe, status
from bot.privacy.seal import Sealer
from bot.service import Service
from bot.storage.store import Store

T0 = NOW.timestamp()
NAME, PHONE, TYPED_PHONE = "Zofia Łukasiewicz", "+44 7700 900123", "07700 900123"
WHO = "pseudonym-5f1c9e0a"
ANSWERS = {"unit": "1", "stages": "1", "fft": "Good", "visits": "skip", "born": "skip",
           "why": "The midwives were kind"}  # fmt: skip


class Collector:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Agency:
    """A real SMTP server on 127.0.0.1 (aiosmtpd's Controller cannot take port 0)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = Collector()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(
            self.inbox, hostname="127.0.0.1", port=self.port, ready_timeout=10
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def send(self) -> Send:
        return smtp_sender(self.settings, None)

    @property
    def settings(self) -> AgencySettings:
        return AgencySettings(
            host="127.0.0.1", port=self.port, starttls=False, use_tls=False,
            sender="feedback-bot@mvp.example.org", to="interviews@agency.example.org", timeout=5,
        )  # fmt: skip


@pytest.fixture
def agency() -> Iterator[Agency]:
    server = Agency()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def down() -> Agency:
    """Settings for an agency whose server is not running (nothing listens on its port)."""
    return Agency()


async def every_type_service(tmp_path: Path, store: Store) -> Service:
    flows = tmp_path / "flows"
    flows.mkdir(exist_ok=True)
    shutil.copy(DATA / "every_type.yaml", flows / "every_type.yaml")
    config = make_config(tmp_path, flows=flows, default_flow="every_type")
    return await make_service(store, config)


async def leave_contact(
    service: Service, who: str = WHO, name: str = NAME, *, gathered: bool = True
) -> None:
    """A parent answers every_type and asks to be contacted (phone, no email, evenings); with
    `gathered`, the bot then gathers held contacts into the outbox, as its worker does."""
    outcome = await service.handle(who, ev.Start())
    outcome = await service.handle(who, ev.Reply("1"))  # consent
    for _ in range(30):
        keys = [e.prompt.key for e in outcome.events if isinstance(e, ev.Asked | ev.Updated)]
        if keys and keys[-1] == "talk":
            break
        outcome = await service.handle(who, ev.Reply(ANSWERS.get(keys[-1], "prefer not to say")))
    else:
        raise AssertionError("never reached the contact step")
    for event in (ev.Reply("1"), ev.Reply(name), ev.Reply(TYPED_PHONE), ev.Skip()):
        await service.handle(who, event)
    outcome = await service.handle(who, ev.Reply("Evening"))
    assert any(isinstance(e, ev.ContactOptedIn) for e in outcome.events)
    if gathered:
        assert await service.store.gather_contacts(NOW.date()) is not None


def rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


async def test_one_contact_is_emailed_once_and_deleted(
    tmp_path: Path, store: Store, agency: Agency, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    await leave_contact(await every_type_service(tmp_path, store))
    assert rows(store.path, "SELECT count(*) FROM outbox") == [(1,)]

    result = await deliver_due(store, agency.send, agency.settings, T0)

    assert (result.delivered, result.failed, result.waiting) == (1, 0, 0)
    [message] = agency.inbox.messages
    assert agency.inbox.envelopes == [
        ("feedback-bot@mvp.example.org", ["interviews@agency.example.org"])
    ]
    assert message["To"] == "interviews@agency.example.org"
    assert message["From"] == "feedback-bot@mvp.example.org"
    assert message["Subject"] == "Follow-up interview: a parent would like to talk"
    assert message["Message-ID"].endswith("@mvp.example.org>")
    text = body(message)
    expected = [
        f"Name: {NAME}",
        f"Phone: {PHONE}",
        "Email: (not given)",
        "Preferred time: Evening",
        "Which unit?: Ludlow",
        "deleted from the bot",
    ]
    for line in expected:
        assert line in text, text
    # Only the answers the flow shares: nothing else the parent said, and no pseudonym.
    raw = message.as_string()
    for private in ("midwives were kind", "Before birth", "Good", WHO):
        assert private not in raw and private not in text
    assert NAME not in message["Subject"]
    assert rows(store.path, "SELECT count(*) FROM outbox") == [(0,)]
    assert rows(store.path, "SELECT day, delivered, failed_attempts FROM delivery_log") == [
        ("2026-11-23", 1, 0)
    ]
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bot"))
    assert "1 delivered" in logged
    for private in ("Zofia", "Łukasiewicz", "7700", "Evening", "Ludlow", WHO):
        assert private not in logged
    # A second pass has nothing to send.
    assert (await deliver_due(store, agency.send, agency.settings, T0 + 60)).delivered == 0
    assert len(agency.inbox.messages) == 1


async def test_nothing_personal_is_left_in_the_database_files(
    tmp_path: Path, store: Store, agency: Agency
) -> None:
    await leave_contact(await every_type_service(tmp_path, store))
    await deliver_due(store, agency.send, agency.settings, T0)
    files = [p for p in tmp_path.iterdir() if p.name.startswith("feedback.sqlite3")]
    assert any(p.name.endswith("-wal") for p in files)
    for path in files:
        data = path.read_bytes()
        # (The pseudonym itself is in the answers' tables until it is unlinked: by design.)
        for private in (NAME, "Zofia", "Łukasiewicz", PHONE, TYPED_PHONE, "7700900123"):
            assert private.encode() not in data, (path.name, private)


async def test_server_down_then_up(tmp_path: Path, store: Store, down: Agency) -> None:
    await leave_contact(await every_type_service(tmp_path, store))

    result = await deliver_due(store, down.send, down.settings, T0)

    assert (result.delivered, result.failed, result.waiting) == (0, 1, 1)
    assert rows(store.path, "SELECT attempts, next_attempt FROM outbox") == [(1, T0 + 30)]
    assert rows(store.path, "SELECT delivered, failed_attempts FROM delivery_log") == [(0, 1)]
    # Before its next attempt the row is left alone: not even a connection is tried.
    early = await deliver_due(store, down.send, down.settings, T0 + 29)
    assert (early.delivered, early.failed, early.waiting) == (0, 0, 1)
    assert rows(store.path, "SELECT attempts FROM outbox") == [(1,)]

    down.start()
    try:
        later = await deliver_due(store, down.send, down.settings, T0 + 31)
    finally:
        down.stop()
    assert (later.delivered, later.failed, later.waiting) == (1, 0, 0)
    assert len(down.inbox.messages) == 1
    assert rows(store.path, "SELECT count(*) FROM outbox") == [(0,)]
    assert rows(store.path, "SELECT delivered, failed_attempts FROM delivery_log") == [(1, 1)]


async def test_a_long_outage_keeps_the_contact_and_caps_the_backoff(
    tmp_path: Path, store: Store, down: Agency
) -> None:
    await leave_contact(await every_type_service(tmp_path, store))
    now, gaps = T0, []
    for _ in range(12):
        assert (await deliver_due(store, down.send, down.settings, now)).failed == 1
        [(attempts, next_attempt)] = rows(store.path, "SELECT attempts, next_attempt FROM outbox")
        gaps.append(next_attempt - now)
        now = next_attempt
    assert attempts == 12
    assert gaps == [30, 60, 120, 240, 480, 960, 1920] + [3600] * 5
    assert rows(store.path, "SELECT sum(failed_attempts) FROM delivery_log") == [(12,)]


async def test_a_failure_stops_the_pass(tmp_path: Path, store: Store, down: Agency) -> None:
    service = await every_type_service(tmp_path, store)
    for who in ("a", "b", "c"):
        await leave_contact(service, who)
    result = await deliver_due(store, down.send, down.settings, T0)
    assert (result.failed, result.waiting) == (1, 3)
    assert sorted(rows(store.path, "SELECT attempts FROM outbox")) == [(0,), (0,), (1,)]


async def test_a_crash_between_send_and_delete_sends_twice_never_zero(
    tmp_path: Path, agency: Agency
) -> None:
    path = tmp_path / "feedback.sqlite3"
    store = await Store.open(path, SEALER)
    await leave_contact(await every_type_service(tmp_path, store))

    async def send_then_die(message: EmailMessage, accepted: Accepted) -> None:
        async def die() -> None:
            await store.db.close()  # the process dies before the row is deleted
            await accepted()

        await agency.send(message, die)

    with pytest.raises(ValueError, match="no active connection"):
        await deliver_due(store, send_then_die, agency.settings, T0)
    assert len(agency.inbox.messages) == 1
    assert rows(path, "SELECT count(*) FROM outbox") == [(1,)]

    restarted = await Store.open(path, SEALER)
    try:
        assert (await deliver_due(restarted, agency.send, agency.settings, T0 + 5)).delivered == 1
    finally:
        await restarted.close()
    first, second = agency.inbox.messages
    assert body(first) == body(second)
    assert first["Message-ID"] == second["Message-ID"]  # the agency can drop the repeat
    assert rows(path, "SELECT count(*) FROM outbox") == [(0,)]


async def test_a_row_sealed_under_another_key_is_kept_and_reported(
    tmp_path: Path, store: Store, agency: Agency, caplog: pytest.LogCaptureFixture
) -> None:
    await leave_contact(await every_type_service(tmp_path, store))
    other = await Store.open(store.path, Sealer(Fernet.generate_key()))
    try:
        await leave_contact(await every_type_service(tmp_path, other), "someone-else")
    finally:
        await other.close()

    result = await deliver_due(store, agency.send, agency.settings, T0)

    assert (result.delivered, result.failed, result.waiting, result.unreadable) == (1, 0, 1, 1)
    assert len(agency.inbox.messages) == 1
    assert rows(store.path, "SELECT attempts, next_attempt FROM outbox") == [(0, T0 + 3600)]
    assert "cannot be decrypted" in caplog.text
    now_status = await status(store, T0)
    assert now_status.unreadable == 1
    assert "cannot be decrypted" in describe(now_status)
    # Tried again (and reported again) only after max_backoff, never deleted.
    assert (await deliver_due(store, agency.send, agency.settings, T0 + 60)).unreadable == 0
    assert (await deliver_due(store, agency.send, agency.settings, T0 + 3600)).unreadable == 1
    assert rows(store.path, "SELECT count(*) FROM outbox") == [(1,)]


async def test_status_counts_and_describes_without_contents(
    tmp_path: Path, store: Store, down: Agency
) -> None:
    empty = await status(store, T0)
    assert (empty.queued, empty.due, empty.delivered_7d, empty.failed_7d) == (0, 0, 0, 0)
    assert "waiting to be emailed to the agency: 0" in describe(empty)

    service = await every_type_service(tmp_path, store)
    await leave_contact(service, "a")
    for later in (0, 30):  # fails twice: next try at T0 + 30 + 60
        await deliver_due(store, down.send, down.settings, T0 + later)
    for who in ("b", "c"):
        await leave_contact(service, who)
    seen = await status(store, T0 + 40)
    assert (seen.queued, seen.due, seen.waiting, seen.max_attempts) == (3, 2, 1, 2)
    assert (seen.next_retry, seen.oldest_month, seen.unreadable) == (T0 + 90, "2026-11", 0)
    assert (seen.delivered_7d, seen.failed_7d) == (0, 2)
    text = describe(seen)
    assert "Contacts waiting to be emailed to the agency: 3" in text
    assert "due now: 2" in text and "waiting to retry: 1 (next in 50 s)" in text
    assert "most attempts for one contact: 2" in text and "2026-11" in text
    assert "Last 7 days: 0 delivered, 2 failed attempts" in text
    for private in ("Zofia", "Łukasiewicz", "7700", "Evening", "Ludlow", "@"):
        assert private not in text
    assert "in 4 min" in describe(await status(store, T0 + 90 - 240))
    # Read-only, as `python -m bot outbox` opens it, and without the key.
    opened = await Store.open_readonly(store.path)
    try:
        read_only = await status(opened, T0 + 40)
    finally:
        await opened.close()
    assert (read_only.queued, read_only.unreadable) == (3, None)
    # Counts older than seven days drop out.
    assert (await status(store, T0 + 7 * 86400)).failed_7d == 0


async def test_worker_delivers_when_woken_and_stops_promptly(
    tmp_path: Path, store: Store, agency: Agency
) -> None:
    clock = [T0]
    worker = OutboxWorker(store, agency.send, agency.settings, clock=lambda: clock[0])
    stopping = asyncio.Event()
    running = asyncio.create_task(worker.run(stopping, poll_seconds=60))
    await leave_contact(await every_type_service(tmp_path, store))
    worker.wake()
    await eventually(lambda: agency.inbox.messages, 5, "the woken worker to send")
    assert len(agency.inbox.messages) == 1
    stopping.set()
    await asyncio.wait_for(running, timeout=2)  # far sooner than the 60 s poll
    assert rows(store.path, "SELECT count(*) FROM outbox") == [(0,)]


async def test_worker_waits_for_the_retry_time_on_its_clock(
    tmp_path: Path, store: Store, down: Agency
) -> None:
    await leave_contact(await every_type_service(tmp_path, store))
    clock = [T0]
    worker = OutboxWorker(store, down.send, down.settings, clock=lambda: clock[0])
    stopping = asyncio.Event()
    running = asyncio.create_task(worker.run(stopping, poll_seconds=0.01))
    try:
        await eventually(lambda: worker.passes >= 3, 5, "three worker passes")
        assert rows(store.path, "SELECT attempts FROM outbox") == [(1,)]  # not yet due again
        down.start()
        clock[0] = T0 + 30
        await eventually(
            lambda: rows(store.path, "SELECT count(*) FROM outbox") == [(0,)], 5, "delivery"
        )
    finally:
        stopping.set()
        await asyncio.wait_for(running, timeout=2)
        down.stop()
    assert len(down.inbox.messages) == 1


def test_settings_refuse_two_kinds_of_tls_and_take_no_password() -> None:
    with pytest.raises(ValueError, match="not both"):
        AgencySettings(starttls=True, use_tls=True)
    with pytest.raises(ValueError, match="password"):  # a secret: only from BOT_SMTP_PASSWORD
        AgencySettings.model_validate({"username": "bot", "password": "secret"})


def test_compose_without_a_row_still_has_a_message_id() -> None:
    details: dict[str, object] = {"name": "Sam", "email": "sam@example.org",
                                  "preferred_time": "Morning", "shared": []}  # fmt: skip
    message = compose(details, AgencySettings())
    assert message["Message-ID"].endswith("@example.org>")
    assert "Phone: (not given)" in body(message) and "Answers they agreed" not in body(message)


async def test_a_contact_erased_before_delivery_is_never_sent(
    tmp_path: Path, store: Store, agency: Agency
) -> None:
    service = await every_type_service(tmp_path, store)
    await leave_contact(service)
    assert (await service.erase(WHO)).contacts == 1
    result = await deliver_due(store, agency.send, agency.settings, T0)
    assert (result.delivered, result.waiting) == (0, 0)
    assert agency.inbox.messages == []


async def test_the_worker_gathers_at_start_and_then_every_gather_minutes(
    tmp_path: Path, store: Store, agency: Agency
) -> None:
    service = await every_type_service(tmp_path, store)
    await leave_contact(service, "parent-a", gathered=False)
    clock = [T0]
    settings = agency.settings.model_copy(update={"gather_minutes": 60})
    worker = OutboxWorker(store, agency.send, settings, clock=lambda: clock[0])
    stopping = asyncio.Event()
    running = asyncio.create_task(worker.run(stopping, poll_seconds=0.01))
    try:
        await eventually(lambda: len(agency.inbox.messages) == 1, 5, "gathering at start-up")
        await leave_contact(service, "parent-b", gathered=False)
        worker.wake()
        passes = worker.passes
        await eventually(lambda: worker.passes >= passes + 3, 5, "three more passes")
        assert len(agency.inbox.messages) == 1  # held until the next gathering
        assert rows(store.path, "SELECT count(*) FROM held_contacts") == [(1,)]
        clock[0] = T0 + 3600
        await eventually(lambda: len(agency.inbox.messages) == 2, 5, "the next gathering")
    finally:
        stopping.set()
        await asyncio.wait_for(running, timeout=2)
    assert rows(store.path, "SELECT count(*) FROM held_contacts") == [(0,)]


async def test_contacts_are_not_gathered_while_a_reader_keeps_the_wal(
    tmp_path: Path, store: Store
) -> None:
    await leave_contact(await every_type_service(tmp_path, store), gathered=False)
    reader = sqlite3.connect(store.path)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM answers").fetchone()  # a snapshot, as an export
        assert await store.gather_contacts(NOW.date()) is None  # the WAL still holds the step
        assert rows(store.path, "SELECT count(*) FROM held_contacts") == [(1,)]
    finally:
        reader.close()
    assert await store.gather_contacts(NOW.date()) == 1
    assert rows(store.path, "SELECT count(*) FROM outbox") == [(1,)]
