"""A forensic reader with a copy of the database files, and one of the keys, tries to link a
parent's contact details to their answers, as docs/privacy.md says nobody holding one key can:

- during a mail outage, with the agency's key: every Fernet token in the main file, the WAL and
  the shared memory is tried, and the WAL is read commit by commit, since a commit holding a
  contact beside a session or answers links the two;
- with a parent half-way through typing their details, with the agency's key and with the
  pseudonym key (which also opens what the Telegram inbox keeps).
Both keys together open them, which the tests check too, so they can see what they look for."""

from __future__ import annotations

import re
import struct
from pathlib import Path

from conftest import CONTACT_KEY, NOW, PSEUDONYM_KEY, SEALER
from test_outbox import NAME, Agency, every_type_service, leave_contact

from bot.conversation import events as ev
from bot.delivery.worker import deliver_due
from bot.errors import WrongContactKey
from bot.privacy.seal import Sealer, owed_reply_key
from bot.storage.store import Store

TOKEN = re.compile(rb"gAAAAA[A-Za-z0-9_\-]{40,}={0,2}")
AGENCY_ONLY = Sealer(CONTACT_KEY)  # the agency's key, without the pseudonym key
PSEUDONYM_ONLY = Sealer(owed_reply_key(PSEUDONYM_KEY))  # what the pseudonym key derives


def raw(db: Path) -> dict[str, bytes]:
    """Every file SQLite writes for this database: main file, WAL and shared memory."""
    return {p.name: p.read_bytes() for p in db.parent.glob(db.name + "*")}


def commits(wal: bytes) -> list[bytes]:
    """The WAL's transactions, each as the pages it wrote (a frame whose header gives the
    database size after it ends a transaction)."""
    if len(wal) < 32:
        return []
    page_size = struct.unpack(">I", wal[8:12])[0]
    found, current, at = [], b"", 32
    while at + 24 + page_size <= len(wal):
        size_after = struct.unpack(">I", wal[at + 4 : at + 8])[0]
        current += wal[at + 24 : at + 24 + page_size]
        at += 24 + page_size
        if size_after:
            found.append(current)
            current = b""
    return found


def opens(sealer: Sealer, data: bytes, held: bool = False) -> list[dict[str, object]]:
    """What every token found in `data` holds, where `sealer` opens it. A token runs into
    whatever SQLite stored after it, so each length a token can have is tried, longest first."""
    opened = []
    for found in set(TOKEN.findall(data)):
        for end in range(len(found) - len(found) % 4, 99, -4):
            try:
                token = found[:end]
                opened.append(sealer.unseal_held(token) if held else sealer.unseal(token))
                break
            except WrongContactKey:
                continue
    return opened


async def test_a_copy_taken_during_a_mail_outage_links_no_contact_to_any_answer(
    tmp_path: Path,
) -> None:
    db = tmp_path / "feedback.sqlite3"
    store = await Store.open(db, SEALER)
    down = Agency()  # nothing listens: the agency's server is down
    try:
        service = await every_type_service(tmp_path, store)
        copies = []
        for n in range(6):
            await leave_contact(service, f"parent-{n}", f"{NAME} {n}", gathered=False)
            copies.append(raw(db))  # the WAL holds each step, its answers and its contact
        assert await store.gather_contacts(NOW.date()) == 6
        copies.append(raw(db))
        for _ in range(3):
            assert (await deliver_due(store, down.send, down.settings, NOW.timestamp())).failed
            copies.append(raw(db))
        for n in range(6, 9):  # more parents answer while the contacts wait
            await leave_contact(service, f"parent-{n}", f"{NAME} {n}", gathered=False)
            copies.append(raw(db))
    finally:
        await store.close()
    seen = 0
    for copy in copies:
        wal = copy.get(db.name + "-wal", b"")
        for commit in commits(wal):
            opened = opens(AGENCY_ONLY, commit)
            seen += len(opened)
            # A commit with a contact the agency's key opens holds no session, answer or step.
            assert not opened or b"parent-" not in commit, "a contact beside a parent's session"
            assert not opened or b"Evening" not in commit
        for data in copy.values():  # and whole files: nothing beside a session opens
            assert not [d for d in opens(AGENCY_ONLY, data) if "parent" in str(d)]
    assert seen, "the agency's key opened no contact at all: the test would see nothing"
    # Both keys open the held details: what the files hold while a contact waits to be gathered.
    assert opens(SEALER, copies[0][db.name + "-wal"], held=True)


async def test_details_half_typed_open_with_neither_key_alone(tmp_path: Path) -> None:
    db = tmp_path / "feedback.sqlite3"
    store = await Store.open(db, SEALER)
    try:
        service = await every_type_service(tmp_path, store)
        await leave_contact(service, "parent-a", gathered=False)  # the contact step's shape
        who = "parent-b"
        outcome = await service.handle(who, ev.Start())
        outcome = await service.handle(who, ev.Reply("1"))
        answers = {"unit": "1", "stages": "1", "fft": "Good", "why": "kind"}
        for _ in range(30):
            keys = [e.prompt.key for e in outcome.events if isinstance(e, ev.Asked | ev.Updated)]
            if keys and keys[-1] == "talk":
                break
            outcome = await service.handle(who, ev.Reply(answers.get(keys[-1], "skip")))
        for typed in ("1", "Philippa Quoin", "07700 900987"):  # yes, name, phone: then gone
            await service.handle(who, ev.Reply(typed))
        copy = raw(db)
    finally:
        await store.close()
    everything = b"".join(copy.values())
    assert b"Philippa" not in everything and b"900987" not in everything
    for sealer in (AGENCY_ONLY, PSEUDONYM_ONLY):
        for held in (False, True):
            assert not [d for d in opens(sealer, everything, held) if "Philippa" in str(d)]
    typed = [d for d in opens(SEALER, everything, held=True) if "Philippa" in str(d)]
    assert typed, "with both keys the half-typed details open: the test sees what it looks for"
