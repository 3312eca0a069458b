"""Storage on real SQLite files: durable, atomic, versioned, and nothing kept on a decline."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

from conftest import DATA, FLOWS, ROOT, make_config, make_service
from cryptography.fernet import Fernet

from bot.conversation import events as ev
from bot.privacy.seal import Sealer
from bot.service import Ticket
from bot.storage.migrations import MIGRATIONS
from bot.storage.store import Store


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    """Read with a separate connection, as another process would after a crash."""
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


async def test_new_database_is_private_wal_and_migrated(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "feedback.sqlite3"
    store = await Store.open(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert rows(path, "PRAGMA journal_mode") == [("wal",)]
    assert rows(path, "PRAGMA user_version") == [(len(MIGRATIONS),)]
    await store.close()
    again = await Store.open(path)  # reopening applies nothing twice
    assert rows(path, "PRAGMA user_version") == [(len(MIGRATIONS),)]
    await again.close()


def every_type_config(tmp_path: Path):  # type: ignore[no-untyped-def]
    flows = tmp_path / "flows"
    flows.mkdir()
    shutil.copy(DATA / "every_type.yaml", flows / "every_type.yaml")
    return make_config(tmp_path, flows=flows, default_flow="every_type")


async def test_each_answer_is_committed_when_given(tmp_path: Path, store: Store) -> None:
    service = await make_service(store, every_type_config(tmp_path))
    db = store.path
    await service.handle("p1", ev.Start())
    await service.handle("p1", ev.Reply("1"))
    assert rows(db, "SELECT status, language, started, finished, respondent FROM responses") == [
        ("partial", "en", "2026-11", None, "p1")
    ]
    await service.handle("p1", ev.Reply("3"))
    await service.handle("p1", ev.Reply("Hereford"))
    assert rows(db, "SELECT question_id, value FROM answers ORDER BY question_id") == [
        ("unit", '"other"'), ("unit.other", '"Hereford"')
    ]  # fmt: skip
    for typed in ("1 2", "Always", "Good", "12", "yes", "May 2025", "Lovely team", "No"):
        await service.handle("p1", ev.Reply(typed))
    assert rows(db, "SELECT status, finished FROM responses") == [("complete", "2026-11")]
    assert dict(rows(db, "SELECT question_id, value FROM answers")) == {
        "unit": '"other"', "unit.other": '"Hereford"', "stages": '["antenatal", "birth"]',
        "listened": '"always"', "fft": '"good"', "visits": "12", "many_visits": '"yes"',
        "born": '"2025-05"', "why": '"Lovely team"', "talk": '"no"',
    }  # fmt: skip
    # Only "finished" stays in the session row once the response is complete.
    (state,) = rows(db, "SELECT state FROM sessions")[0]
    assert "Lovely" not in str(state) and "Hereford" not in str(state)


async def test_declining_leaves_nothing_behind(tmp_path: Path, store: Store) -> None:
    service = await make_service(store, every_type_config(tmp_path))
    await service.handle("p1", ev.Start())
    await service.handle("p1", ev.Reply("2"))
    for table in ("responses", "answers", "sessions"):
        assert rows(store.path, f"SELECT * FROM {table}") == []


async def test_changed_answers_and_restart_are_stored(tmp_path: Path, store: Store) -> None:
    service = await make_service(store, every_type_config(tmp_path))
    for event in (ev.Start(), ev.Reply("1"), ev.Reply("1"), ev.Reply("2"), ev.Reply("Never"),
                  ev.Back(), ev.Back(), ev.Reply("1")):  # fmt: skip
        await service.handle("p1", event)
    assert dict(rows(store.path, "SELECT question_id, value FROM answers")) == {
        "unit": '"ludlow"', "stages": '["antenatal"]'
    }  # fmt: skip
    await service.handle("p1", ev.Restart())
    assert rows(store.path, "SELECT * FROM answers") == []
    assert rows(store.path, "SELECT status FROM responses") == [("partial",)]


async def test_a_session_finishes_on_its_version_after_the_yaml_changes(
    tmp_path: Path, store: Store
) -> None:
    config = every_type_config(tmp_path)
    service = await make_service(store, config)
    for event in (ev.Start(), ev.Reply("1"), ev.Reply("1")):
        await service.handle("p1", event)
    loaded = await store.load_session("p1")
    assert loaded is not None
    old_hash = loaded.session.flow_hash
    path = config.flows_dir / "every_type.yaml"
    path.write_text(path.read_text().replace("closing: {en: Thank you!", "closing: {en: New end!"))
    restarted = await make_service(store, config)  # the bot restarts with the new YAML
    assert restarted.flows.current["every_type"].content_hash() != old_hash
    restarted.flows.by_hash.clear()  # force the pinned version to come from the database
    said: list[str] = []
    for typed in ("1", "Good", "skip", "prefer not to say", "skip", "No"):
        outcome = await restarted.handle("p1", ev.Reply(typed))
        said += [e.text for e in outcome.events if isinstance(e, ev.Said)]
    assert said[-1] == "Thank you!"
    assert rows(store.path, "SELECT flow_hash, status FROM responses") == [(old_hash, "complete")]
    assert len(rows(store.path, "SELECT hash FROM flow_versions")) == 2
    # A new parent gets the new version.
    await restarted.handle("p2", ev.Start())
    new_session = await store.load_session("p2")
    assert new_session is not None and new_session.session.flow_hash != old_hash


async def test_erase_deletes_everything_linked_to_the_pseudonym(
    tmp_path: Path, store: Store
) -> None:
    service = await make_service(store, every_type_config(tmp_path))
    for who in ("p1", "p2"):
        for event in (ev.Start(), ev.Reply("1"), ev.Reply("1")):
            await service.handle(who, event)
    erased = await service.erase("p1")
    assert (erased.responses, erased.answers, erased.sessions) == (1, 1, 1)
    assert rows(store.path, "SELECT respondent FROM responses") == [("p2",)]
    assert rows(store.path, "SELECT count(*) FROM answers") == [(1,)]


REPLIES = Sealer(Fernet.generate_key())


def ticket(update_id: int, mark: str = "m", *preface: ev.Event) -> Ticket:
    return Ticket(update_id, mark, REPLIES, preface)


async def test_same_update_processed_once_and_its_reply_kept_until_shown(
    tmp_path: Path, store: Store
) -> None:
    service = await make_service(store, every_type_config(tmp_path))
    await service.handle("p1", ev.Start(), ticket=ticket(1))
    first = await service.handle("p1", ev.Reply("1"), ticket=ticket(2, "m", ev.Said("Hello")))
    assert isinstance(first.events[0], ev.Said) and isinstance(first.events[-1], ev.Asked)
    again = await service.handle("p1", ev.Reply("1"), ticket=ticket(2))
    assert again.duplicate and again.events == first.events and again.first == 0
    assert rows(store.path, "SELECT count(*) FROM responses") == [(1,)]
    await store.inbox.shown(2, "m", 1)  # the first event went out before a crash
    after_crash = await service.handle("p1", ev.Reply("1"), ticket=ticket(2))
    assert after_crash.events == first.events[1:] and after_crash.first == 1
    await store.inbox.answered([(0, 2, "m")])  # all shown: nothing is owed any more
    assert (await service.handle("p1", ev.Reply("1"), ticket=ticket(2))).events == []
    sealed = rows(store.path, "SELECT reply FROM processed_updates")
    assert all(reply is None or b"Hello" not in reply for (reply,) in sealed)


async def test_an_update_id_telegram_uses_again_is_a_new_update(
    tmp_path: Path, store: Store
) -> None:
    """Telegram numbers updates afresh after a long quiet spell: the same id with another
    chat or message (another mark) is answered, not taken for the old one."""
    service = await make_service(store, every_type_config(tmp_path))
    await service.handle("p1", ev.Start(), ticket=ticket(1, "old"))
    fresh = await service.handle("p2", ev.Start(), ticket=ticket(1, "new"))
    assert not fresh.duplicate and any(isinstance(e, ev.Asked) for e in fresh.events)
    assert rows(store.path, "SELECT count(*) FROM sessions") == [(2,)]


def test_kill_9_mid_questionnaire_loses_no_given_answer(tmp_path: Path) -> None:
    """A real `python -m bot chat` process, killed with SIGKILL after each answer is shown."""
    config = tmp_path / "config.yaml"
    shutil.copytree(FLOWS, tmp_path / "flows")
    config.write_text("flows: flows\ndefault_flow: community_hub\nstorage: {path: db.sqlite3}\n")
    env = {**os.environ, "BOT_PSEUDONYM_KEY": "k" * 32, "PYTHONUNBUFFERED": "1"}
    answers = ["1", "1", "1 2", "1", "2", "Always"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat", "--live", "--config", str(config)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT, env=env,
    )  # fmt: skip
    assert proc.stdin and proc.stdout
    os.set_blocking(proc.stdout.fileno(), False)
    seen = b""

    def wait_for_prompts(count: int) -> None:
        nonlocal seen
        deadline = time.monotonic() + 30
        while seen.count(b"\n> ") < count:
            assert time.monotonic() < deadline, seen.decode()
            chunk = proc.stdout.read()  # type: ignore[union-attr]
            seen += chunk or b""
            time.sleep(0.01)

    try:
        for number, typed in enumerate(answers, start=1):
            wait_for_prompts(number)
            proc.stdin.write(typed.encode() + b"\n")
            proc.stdin.flush()
        wait_for_prompts(len(answers) + 1)  # the next question is on screen: all stored
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdin.close()
        proc.stdout.close()
    stored = rows(tmp_path / "db.sqlite3", "SELECT question_id FROM answers")
    # consent + five answers given; each must be there.
    assert len(stored) == len(answers) - 1, seen.decode()
    assert rows(tmp_path / "db.sqlite3", "SELECT status FROM responses") == [("partial",)]
    # Restarted, the same parent carries on from the next question.
    resumed = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--live", "--config", str(config)],
        input="", capture_output=True, text=True, env=env, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert "Welcome back" in resumed.stdout


async def test_many_parents_at_once_leave_nothing_behind_in_memory(
    tmp_path: Path, store: Store
) -> None:
    """Each parent's inputs run one at a time; once idle, nothing per parent stays in memory."""
    service = await make_service(store, every_type_config(tmp_path))

    async def parent(who: str) -> None:
        for event in (ev.Start(), ev.Reply("1"), ev.Reply("1"), ev.Reply("1")):
            await service.handle(who, event)

    same = [service.handle("twin", ev.Start()), service.handle("twin", ev.Reply("1"))]
    await asyncio.gather(*(parent(f"p{n}") for n in range(40)), *same)
    assert len(service._turns) == 0
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("SELECT count(*) FROM answers").fetchone() == (80,)
        # the twin's two inputs arrived together and were applied in order: consent, then start
        assert conn.execute(
            "SELECT status FROM responses WHERE respondent = 'twin'"
        ).fetchall() == [("partial",)]
