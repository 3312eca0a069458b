"""Small links a motivated reader of the files could use: a Telegram update id stored in the same
commit as the session row it changed, and a day finer than the month the README promises."""

from __future__ import annotations

import itertools
import shutil
import struct
from pathlib import Path

from conftest import DATA, FLOWS, SEALER, make_config, make_service
from cryptography.fernet import Fernet
from tg_harness import Parent, running_bot

from bot.conversation import events as ev
from bot.privacy.seal import Sealer
from bot.service import Ticket
from bot.storage.store import Store

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
