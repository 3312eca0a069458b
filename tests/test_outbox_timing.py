"""The agency's mail server, slow or hanging, against a real SMTP server on loopback: stopping
the bot is never held up by it (the contact stays queued and goes next time), and a contact's
row is deleted the moment the server takes the email, before QUIT and before the next one."""

from __future__ import annotations

import asyncio
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import eventually
from test_outbox import T0, Agency, Collector, every_type_service, leave_contact, rows

from bot.delivery.worker import OutboxWorker, deliver_due
from bot.storage.store import Store

DEADLINE = 20  # seconds for anything to happen
SLOW = 30  # the agency's `timeout`, as shipped: what a stop used to wait for


class Hanging(Collector):
    """An agency's server that stops answering at one command (DATA or QUIT) until released."""

    def __init__(self, at: str) -> None:
        super().__init__()
        self.at = at
        self.reached = threading.Event()  # set in the server's thread
        self.release = asyncio.Event()  # of the server's loop; never set: it hangs for good

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.at == "DATA":
            self.reached.set()
            await self.release.wait()
        return await super().handle_DATA(server, session, envelope)

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:
        if self.at == "QUIT":
            self.reached.set()
            await self.release.wait()
        return "221 Bye"


class Silent:
    """A server that accepts connections but never greets."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.1)
        self.port = int(self.sock.getsockname()[1])
        self.reached = threading.Event()  # a connection was accepted
        self.held: list[socket.socket] = []
        self.closing = threading.Event()
        self.thread = threading.Thread(target=self._accept)
        self.thread.start()

    def _accept(self) -> None:
        while not self.closing.is_set():
            try:
                self.held.append(self.sock.accept()[0])
            except TimeoutError:
                continue
            self.reached.set()

    def close(self) -> None:
        self.closing.set()
        self.thread.join(DEADLINE)
        for sock in [*self.held, self.sock]:
            sock.close()


@pytest.fixture
def slow_agency(request: pytest.FixtureRequest) -> Iterator[tuple[Agency, Any]]:
    """An agency whose server hangs at `request.param`: "greeting", "DATA" or "QUIT"."""
    agency = Agency()
    if request.param == "greeting":
        silent = Silent()
        agency.port = silent.port
        try:
            yield agency, silent
        finally:
            silent.close()
        return
    hanging = Hanging(request.param)
    agency.inbox = hanging
    agency.start()
    try:
        yield agency, hanging
    finally:
        agency.stop()


@pytest.mark.parametrize("slow_agency", ["greeting", "DATA", "QUIT"], indirect=True)
async def test_stopping_is_not_held_up_by_a_hanging_server_and_nothing_is_lost(
    tmp_path: Path, store: Store, slow_agency: tuple[Agency, Any], request: pytest.FixtureRequest
) -> None:
    agency, server = slow_agency
    at = request.node.callspec.params["slow_agency"]
    await leave_contact(await every_type_service(tmp_path, store))
    settings = agency.settings.model_copy(update={"timeout": SLOW})
    worker = OutboxWorker(store, agency.send, settings, clock=lambda: T0)
    stopping = asyncio.Event()
    running = asyncio.create_task(worker.run(stopping, poll_seconds=60))
    await eventually(server.reached.is_set, DEADLINE, f"the worker to wait at {at}")
    await asyncio.sleep(0.2)  # well inside the wait
    started = time.monotonic()
    stopping.set()
    await asyncio.wait_for(running, DEADLINE)
    took = time.monotonic() - started
    assert took < 2, took
    assert rows(store.path, "SELECT sum(failed_attempts) FROM delivery_log") in ([(None,)], [(0,)])
    if at == "QUIT":  # the server had taken it: its row went before QUIT was even sent
        assert rows(store.path, "SELECT count(*) FROM outbox") == [(0,)]
        assert len(agency.inbox.messages) == 1
        return
    assert rows(store.path, "SELECT count(*), max(attempts) FROM outbox") == [(1, 0)]
    # Sent next time, by a server that answers.
    answering = Agency()
    answering.start()
    try:
        result = await deliver_due(store, answering.send, answering.settings, T0 + 1)
    finally:
        answering.stop()
    assert (result.delivered, result.waiting) == (1, 0)
    assert len(answering.inbox.messages) == 1


class Counting(Collector):
    """Notes, at each DATA and QUIT, how many contacts the bot's database still holds."""

    def __init__(self, database: Path) -> None:
        super().__init__()
        self.database = database
        self.seen: list[tuple[str, int]] = []

    def _queued(self) -> int:
        with sqlite3.connect(self.database) as conn:  # another reader, as a second process
            return int(conn.execute("SELECT count(*) FROM outbox").fetchone()[0])

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.seen.append(("DATA", self._queued()))
        return await super().handle_DATA(server, session, envelope)

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:
        self.seen.append(("QUIT", self._queued()))
        return "221 Bye"


async def test_each_row_goes_once_its_email_is_taken_before_quit_and_the_next_email(
    tmp_path: Path, store: Store
) -> None:
    service = await every_type_service(tmp_path, store)
    for who in ("a", "b", "c"):
        await leave_contact(service, who)
    agency = Agency()
    counting = Counting(store.path)
    agency.inbox = counting
    agency.start()
    try:
        result = await deliver_due(store, agency.send, agency.settings, T0)
    finally:
        agency.stop()
    assert result.delivered == 3
    # At DATA the row is still there (nothing is taken yet); by QUIT it is gone, and the next
    # email is only sent after that.
    assert counting.seen == [("DATA", 3), ("QUIT", 2), ("DATA", 2), ("QUIT", 1),
                             ("DATA", 1), ("QUIT", 0)]  # fmt: skip
