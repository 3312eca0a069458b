"""What a forensic reader of the database files finds after contacts are delivered and after a
parent deletes their answers: nothing (secure_delete, and the WAL checkpointed and truncated)."""

from __future__ import annotations

import shutil
from email.message import EmailMessage
from pathlib import Path

from conftest import DATA, SEALER, make_config, make_service
from test_outbox import leave_contact

from bot.conversation import events as ev
from bot.delivery.email import Accepted
from bot.delivery.worker import deliver_due
from bot.service import Service
from bot.storage.store import Store

FERNET = b"gAAAAA"  # every Fernet token starts so (version byte 0x80, then the time)
TYPED = "zqxjvk lanterns"  # a typed answer no redactor touches


def raw(db: Path) -> dict[str, bytes]:
    """Every file SQLite writes for this database: main file, WAL and shared memory."""
    return {p.name: p.read_bytes() for p in db.parent.glob(db.name + "*")}


async def service_on(tmp_path: Path, store: Store) -> Service:
    flows = tmp_path / "flows"
    flows.mkdir(exist_ok=True)
    shutil.copy(DATA / "every_type.yaml", flows / "every_type.yaml")
    config = make_config(tmp_path, flows=flows, default_flow="every_type")
    return await make_service(store, config, redact=lambda text: text)


async def test_no_sealed_contact_is_left_in_any_file_once_delivered(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "feedback.sqlite3", SEALER)
    try:
        service = await service_on(tmp_path, store)
        for n in range(5):
            await leave_contact(service, f"parent-{n}")
        before = raw(store.path)
        assert sum(data.count(FERNET) for data in before.values()) >= 5  # the test can see them
        sent: list[EmailMessage] = []

        async def record(message: EmailMessage, accepted: Accepted) -> None:
            sent.append(message)
            await accepted()

        assert (await deliver_due(store, record, service.config.agency, 0.0)).delivered == 5
        after = raw(store.path)
        found = {name: data.count(FERNET) for name, data in after.items()}
        assert sum(found.values()) == 0, found
        assert len(sent) == 5
    finally:
        await store.close()


async def test_deleted_answers_are_gone_from_every_file(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "feedback.sqlite3", SEALER)
    try:
        service = await service_on(tmp_path, store)
        who = "parent-to-forget"
        await service.handle(who, ev.Start())
        await service.handle(who, ev.Reply("1"))  # consent
        await service.handle(who, ev.Reply("3"))  # somewhere else: "Where was it?"
        await service.handle(who, ev.Reply(TYPED))
        assert any(TYPED.encode() in data for data in raw(store.path).values())
        erased = await service.erase(who)
        assert erased.responses == 1
        found = [name for name, data in raw(store.path).items() if TYPED.encode() in data]
        assert found == []
        found = [name for name, data in raw(store.path).items() if who.encode() in data]
        assert found == []
    finally:
        await store.close()


def test_an_erasure_tag_needs_both_keys() -> None:
    from cryptography.fernet import Fernet

    from bot.privacy.seal import Sealer

    contact, pseudonym_key = Fernet.generate_key(), b"p" * 32
    with_both = Sealer(contact, erasure_key=pseudonym_key).erasure_tag("someone")
    assert with_both == Sealer(contact, erasure_key=pseudonym_key).erasure_tag("someone")
    assert with_both != Sealer(contact).erasure_tag("someone")  # the contact key alone
    assert with_both != Sealer(Fernet.generate_key(), erasure_key=pseudonym_key).erasure_tag(
        "someone"
    )
