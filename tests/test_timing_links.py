"""Small links a motivated reader of the files could use: a Telegram update id stored in the same
commit as the session row it changed, and a day finer than the month the README promises."""

from __future__ import annotations

import itertools
import json
import shutil
import sqlite3
import struct
from datetime import date, timedelta
from pathlib import Path

from conftest import DATA, FLOWS, NOW, SEALER, make_config, make_service
from cryptography.fernet import Fernet
from tg_harness import Parent, running_bot

from bot.conversation import events as ev
from bot.privacy.seal import Sealer
from bot.service import Ticket
from bot.storage.migrations import MIGRATIONS
from bot.storage.store import Store
from bot.storage.writer import unlink_day

REPLIES = Sealer(Fernet.generate_key())
FIRST_ID = 918_273_645_000  # six bytes in a SQLite record: easy to find if it is there


def id_bytes(update_id: int) -> list[bytes]:
    """How an update id reads in the files: as text, or as a SQLite integer (big-endian)."""
    return [str(update_id).encode(), update_id.to_bytes(6, "big"), update_id.to_bytes(8, "big")]


def raw(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))


def commits(wal: bytes) -> list[bytes]:
    """The WAL read as an attacker would: its frames grouped into the commits that wrote them."""
    (page_size,) = struct.unpack(">I", wal[8:12])
    found, current, at = [], b"", 32
    while at + 24 + page_size <= len(wal):
        _, size_after = struct.unpack(">II", wal[at : at + 8])
        current += wal[at + 24 : at + 24 + page_size]
        at += 24 + page_size
        if size_after:  # the commit's last frame
            found.append(current)
            current = b""
    return found


async def test_no_update_id_is_stored_with_the_step_it_changed(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "feedback.sqlite3", SEALER)
    try:
        flows = tmp_path / "flows"
        flows.mkdir()
        shutil.copy(DATA / "every_type.yaml", flows / "every_type.yaml")
        config = make_config(tmp_path, flows=flows, default_flow="every_type")
        service = await make_service(store, config)
        ids = [FIRST_ID + n for n in range(3)]
        for update_id, event in zip(ids, (ev.Start(), ev.Reply("1"), ev.Reply("1")), strict=True):
            await service.handle("p1", event, ticket=Ticket(update_id, f"m{update_id}", REPLIES))
        data = raw(store.path)
        for update_id in ids:
            assert not any(b in data for b in id_bytes(update_id)), update_id
        # still applied once: the same update again is known, and its step not applied again
        again = await service.handle(
            "p1", ev.Reply("1"), ticket=Ticket(ids[1], f"m{ids[1]}", REPLIES)
        )
        assert again.duplicate
    finally:
        await store.close()


async def test_a_live_wal_pairs_no_update_id_with_a_session_row(tmp_path: Path) -> None:
    """Through the whole Telegram pipeline (inbox, step, reply shown, inbox forgotten): no commit
    that writes a session row holds any update id the parent's messages came with."""
    async with running_bot(tmp_path, flows=FLOWS, default_flow="community_hub") as h:
        h.tg._update_ids = itertools.count(FIRST_ID)  # the fake Telegram's numbering
        parent = Parent(h, 4242)
        await parent.start()
        await parent.tap(parent.question().buttons[0][0])
        await parent.tap(parent.question().buttons[0][0])
        wal = Path(f"{h.config.database}-wal").read_bytes()
        sent = list(h.tg.delivered)
    assert sent and min(sent) >= FIRST_ID
    with_session = [c for c in commits(wal) if b'"stage"' in c]
    assert with_session  # the steps are in this WAL
    for update_id in sent:
        for commit in with_session:
            assert not any(b in commit for b in id_bytes(update_id)), update_id
    # The inbox did keep each id (in commits of its own): the search would find them.
    assert any(update_id.to_bytes(6, "big") in wal for update_id in sent)


def test_unlinked_no_sooner_than_promised_and_at_most_a_month_later() -> None:
    day = date(2025, 1, 1)
    while day < date(2027, 1, 1):
        for promised in (1, 30, 31, 90):
            unlink = unlink_day(day, promised)
            assert day + timedelta(days=promised) <= unlink < day + timedelta(days=promised + 31)
            # the same for every day of the month: it says no more than the month
            assert unlink == unlink_day(day.replace(day=1), promised)
        day += timedelta(days=1)


async def test_a_finished_session_and_its_unlink_day_say_only_the_month(tmp_path: Path) -> None:
    """The pseudonym's session row would otherwise tell the day its response was finished."""
    from test_privacy import every_type_config, finish

    store = await Store.open(tmp_path / "feedback.sqlite3", SEALER)
    try:
        service = await make_service(store, every_type_config(tmp_path, unlink_after_days=30))
        await finish(service, "finished", contact=False)
        await service.handle("halfway", ev.Start())
        await service.handle("halfway", ev.Reply("1"))
        with sqlite3.connect(store.path) as conn:
            days = dict(conn.execute("SELECT respondent, active_on FROM sessions").fetchall())
            state = dict(
                conn.execute("SELECT respondent, json_extract(state, '$.active') FROM sessions")
            )
            unlink = conn.execute("SELECT unlink_on FROM responses WHERE unlink_on IS NOT NULL")
            assert unlink.fetchall() == [("2026-12-30",)]  # 30 days after 30 November
        assert NOW.date().isoformat() == "2026-11-23"
        assert days == {"finished": "2026-11-30", "halfway": "2026-11-23"}  # a day to expire by
        assert state == days
        again = await service.handle("finished", ev.Reply("hello"))  # said after finishing
        assert again.events
        with sqlite3.connect(store.path) as conn:
            row = conn.execute("SELECT active_on FROM sessions WHERE respondent = 'finished'")
            assert row.fetchall() == [("2026-11-30",)]
    finally:
        await store.close()


async def test_the_upgrade_coarsens_unlink_days_and_hides_stored_update_ids(
    tmp_path: Path,
) -> None:
    """A database from before (schema 5) with exact unlink days and plain update ids: after the
    upgrade no row is unlinked sooner than it was promised, the days say only the month, the
    update ids are gone from every file, and a stored update is still known as applied."""
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        for number, script in enumerate(MIGRATIONS[:5], start=1):
            conn.executescript(script)
            conn.execute(f"PRAGMA user_version = {number}")
        conn.execute("INSERT INTO flow_versions VALUES ('h', 'f', '1', 'x', '2026-01-01')")
        exact = {1: "2026-02-03", 2: "2026-03-01", 3: "2026-03-30"}  # finished + 30 days
        finished = {1: "2026-01", 2: "2026-01", 3: "2026-02"}
        for n, unlink_on in exact.items():
            conn.execute(
                "INSERT INTO responses (id, respondent, flow_id, flow_hash, status, language, "
                "started, finished, unlink_on) VALUES (?, ?, 'f', 'h', 'complete', 'en', ?, ?, ?)",
                (n, f"p{n}", finished[n], finished[n], unlink_on),
            )
        finished = json.dumps({"stage": "complete", "active": "2026-01-04"})
        halfway = json.dumps({"stage": "questions", "active": "2026-02-10"})
        conn.execute("INSERT INTO sessions VALUES ('p1', ?, NULL, '2026-01-04')", (finished,))
        conn.execute("INSERT INTO sessions VALUES ('p4', ?, NULL, '2026-02-10')", (halfway,))
        conn.execute(
            "INSERT INTO processed_updates (update_id, mark, day, reply) VALUES (?, 'mk', ?, ?)",
            (FIRST_ID, NOW.date().isoformat(), b"owed"),
        )
        conn.execute(
            "INSERT INTO processed_updates (update_id, mark, day) VALUES (?, '', ?)",
            (FIRST_ID + 1, NOW.date().isoformat()),
        )
    assert any(b in raw(path) for b in id_bytes(FIRST_ID))
    store = await Store.open(path, SEALER)
    try:
        handled = await store.handled(FIRST_ID, "mk")
        assert handled is not None and handled.reply == b"owed"
        assert await store.handled(FIRST_ID + 1, "any mark") is not None  # matched by id alone
        assert await store.handled(FIRST_ID + 2, "mk") is None
        assert await store.inbox.highest_seen() == FIRST_ID + 1
        assert not await store.scrubbing()
    finally:
        await store.close()
    with sqlite3.connect(path) as conn:
        now = dict(conn.execute("SELECT id, unlink_on FROM responses").fetchall())
        sessions = conn.execute(
            "SELECT respondent, active_on, json_extract(state, '$.active') FROM sessions "
            "ORDER BY respondent"
        ).fetchall()
    assert sessions == [("p1", "2026-01-31", "2026-01-31"), ("p4", "2026-02-10", "2026-02-10")]
    for n, promised in exact.items():
        assert promised <= now[n] < (date.fromisoformat(promised) + timedelta(days=31)).isoformat()
    assert now[1] == now[2]  # the same month, the same day: nothing finer than the month
    data = raw(path)
    for update_id in (FIRST_ID, FIRST_ID + 1):
        # the highest id answered stays, on its own, for the numbering check
        found = [b for b in id_bytes(update_id)[:2] if b in data]
        assert update_id == FIRST_ID + 1 or not found, found
    assert data.count((FIRST_ID + 1).to_bytes(6, "big")) <= 1
    for n, old in exact.items():
        assert old == now[n] or old.encode() not in data
