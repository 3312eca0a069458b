"""Privacy by construction: nothing that identifies a parent in the database files or logs."""

from __future__ import annotations

import logging
import shutil
import sqlite3
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import CONTACT_KEY, DATA, NOW, SEALER, make_config, make_service
from test_contact_links import opens
from tg_harness import KEY, Parent, running_bot

from bot.conversation import events as ev
from bot.privacy import logs
from bot.privacy.redact import Redactor
from bot.privacy.seal import Sealer, owed_reply_key
from bot.storage.store import Store

USER_ID = 8_765_432_109
FIRST_NAME = "Zebedeeqq"


def raw_bytes(db: Path) -> bytes:
    """Every byte SQLite has written for this database: main file, WAL and shared memory."""
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))


def every_type_config(tmp_path: Path, **privacy: object):  # type: ignore[no-untyped-def]
    flows = tmp_path / "flows"
    flows.mkdir(exist_ok=True)
    shutil.copy(DATA / "every_type.yaml", flows / "every_type.yaml")
    config = make_config(tmp_path, flows=flows, default_flow="every_type")
    if privacy:
        config = config.model_copy(update={"privacy": config.privacy.model_copy(update=privacy)})
    return config


async def test_database_bytes_hold_no_telegram_id_name_or_contact(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    logs.configure()  # exactly as `python -m bot run` does
    caplog.set_level(logging.INFO)
    async with running_bot(tmp_path, default_flow="community_hub") as h:
        h.tg.fail_next("sendMessage", status=502, count=1)  # something worth logging
        h.tg.send_text(USER_ID, "/start", first_name=FIRST_NAME, language_code="en")
        await h.settle()
        parent = Parent(h, USER_ID)
        for _ in range(60):
            question = parent.question()
            labels = [label for label, data in question.buttons if data and ":c:" in data]
            toggles = [data for _, data in question.buttons if data and ":t:" in data]
            if "Can they contact you?" in question.text:
                await parent.tap("Yes")
            elif "What name" in question.text:
                await parent.type("Philippa")
            elif "phone number" in question.text:
                await parent.type("07700 900987")
            elif "email" in question.text:
                await parent.type("philippa@example.org")
            elif toggles:
                await parent.press(question.message_id, toggles[0])
                await parent.tap("✔️ Done")
            elif labels:
                await parent.tap(labels[0])
            else:
                await parent.type("Midwife Sarah Jones was great, my number is 07700 900555")
            if any(m.text.startswith("Thank you for your time") for m in parent.messages()):
                break
        db = h.config.database
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT status FROM responses").fetchall() == [("complete",)]
            stored = [v for (v,) in conn.execute("SELECT value FROM answers")]
            assert conn.execute("SELECT count(*) FROM held_contacts").fetchone() == (1,)
        assert any("[name]" in v and "[phone]" in v for v in stored), stored
    data = raw_bytes(db)
    for secret in (str(USER_ID), FIRST_NAME, "Philippa", "philippa@example.org", "900987",
                   "07700 900987", "Sarah", "Jones", "900555"):  # fmt: skip
        assert secret.encode() not in data, secret
    # What the inbox kept of the typed details opens with neither key alone, only with both.
    one_key = [Sealer(owed_reply_key(KEY)), Sealer(CONTACT_KEY)]
    assert not [d for s in one_key for d in opens(s, data) if "900987" in str(d)]
    both = Sealer(SEALER.derived(b"telegram-inbox"))
    assert [d for d in opens(both, data) if "900987" in str(d)], "the test sees the inbox"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "network error" in logged  # the log did record what happened, without who
    for secret in (str(USER_ID), FIRST_NAME, "Philippa", "Sarah"):
        assert secret not in logged


async def test_database_and_its_journal_are_private_files(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "f.sqlite3")
    await store.db.execute("CREATE TABLE t (x)")  # make SQLite open the WAL
    files = sorted(tmp_path.glob("f.sqlite3*"))
    assert [f.name for f in files] == ["f.sqlite3", "f.sqlite3-shm", "f.sqlite3-wal"]
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    await store.close()


async def finish(service, who: str, contact: bool) -> None:  # type: ignore[no-untyped-def]
    answers = ["1", "1", "1", "Good", "skip", "prefer not to say", "Kind staff"]
    answers += ["Yes", "Sam", "07700 900123", "skip", "Evening"] if contact else ["No"]
    await service.handle(who, ev.Start())
    for typed in answers:
        await service.handle(who, ev.Reply(typed))


async def test_erasure_deletes_answers_sessions_and_undelivered_contact(
    tmp_path: Path, store: Store
) -> None:
    service = await make_service(store, every_type_config(tmp_path))
    await finish(service, "parent-a", contact=True)
    await finish(service, "parent-b", contact=True)
    erased = await service.erase("parent-a")
    assert (erased.responses, erased.answers, erased.sessions, erased.contacts) == (1, 7, 1, 1)
    with sqlite3.connect(store.path) as conn:
        # parent-b's details, held until the next gathering
        assert conn.execute("SELECT count(*) FROM held_contacts").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM responses").fetchone() == (1,)


async def test_unlink_after_the_window_then_delete_after_retention(
    tmp_path: Path, store: Store
) -> None:
    config = every_type_config(tmp_path, unlink_after_days=30, retention_days=730)
    today = [NOW]  # the service's clock: moved on below
    service = await make_service(store, config, clock=lambda: today[0])
    await finish(service, "parent-a", contact=False)
    await service.handle("parent-b", ev.Start())
    await service.handle("parent-b", ev.Reply("1"))  # partial, then left alone
    # Finished on 23 November: unlinked 30 days after the month's last day (30 December), so
    # the stored day says only the month; never sooner than 30 days after finishing.
    with sqlite3.connect(store.path) as conn:
        assert conn.execute(
            "SELECT unlink_on FROM responses WHERE unlink_on IS NOT NULL"
        ).fetchall() == [("2026-12-30",)]
    today[0] = NOW + timedelta(days=36)
    assert (await service.purge()).unlinked == 0
    with sqlite3.connect(store.path) as conn:
        linked = conn.execute("SELECT respondent FROM responses ORDER BY id").fetchall()
    assert linked == [("parent-a",), ("parent-b",)]
    today[0] = NOW + timedelta(days=37)
    assert (await service.purge()).unlinked == 1
    erased = await service.erase("parent-a")
    assert erased.responses == 0  # anonymous now: cannot be found, so cannot be deleted
    today[0] = NOW + timedelta(days=14 + 31)  # idle past expiry + unlink window
    done = await service.purge()
    assert (done.unlinked, done.sessions) == (1, 1)  # parent-a's session went with /delete
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("SELECT respondent FROM responses").fetchall() == [(None,), (None,)]
        assert conn.execute("SELECT count(*) FROM sessions").fetchone() == (0,)
    today[0] = NOW + timedelta(days=800)
    assert (await service.purge()).deleted == 2
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("SELECT count(*) FROM answers").fetchone() == (0,)


async def test_danger_words_get_signposting_at_once_and_the_questions_carry_on(
    tmp_path: Path, store: Store
) -> None:
    config = every_type_config(tmp_path)
    redactor = Redactor(["Jane Moss"])
    service = await make_service(store, config, redact=redactor.redact)
    await service.handle("p", ev.Start())
    for typed in ("1", "1", "1", "Good", "skip", "prefer not to say"):
        await service.handle("p", ev.Reply(typed))
    outcome = await service.handle("p", ev.Reply("Still BLEEDING heavily, Jane Moss said call"))
    assert outcome.events[0] == ev.Signposted(config.signpost_in("en"))
    assert [e.prompt.key for e in outcome.events if isinstance(e, ev.Asked)] == ["talk"]
    with sqlite3.connect(store.path) as conn:
        (why,) = conn.execute("SELECT value FROM answers WHERE question_id = 'why'").fetchone()
    assert why == '"Still BLEEDING heavily, [name] said call"'
    quiet = await service.handle("p", ev.Reply("No"))
    assert not any(isinstance(e, ev.Signposted) for e in quiet.events)
