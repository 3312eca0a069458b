"""The agency's mail server against a real SMTP server on loopback: a contact's row is deleted
the moment the server takes the email, before QUIT and before the next one."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from test_outbox import T0, Agency, Collector, every_type_service, leave_contact

from bot.delivery.worker import deliver_due
from bot.storage.store import Store


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
