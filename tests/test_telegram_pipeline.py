"""Parents never wait for each other: a flood from one parent, or fifty taps on one button, does
not hold up anyone else, each parent's updates are answered in order, and nothing is sent that
changes nothing. Ordering is measured on the fake Bot API's log of calls, never by the clock."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest
from tg_harness import Harness, Parent, running_bot

from bot.storage.inbox import Inbox
from bot.words import say

# Telegram's shape with a faster per-chat pace, so a 60-message flood finishes in seconds.
LIMITS = {"overall_per_second": 30, "per_chat": (3, 0.1)}


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as db:
        return db.execute(sql).fetchall()


def sends_to(h: Harness, chat_id: int, since: int = 0) -> list[int]:
    """Positions in the call log of the messages sent to one chat."""
    return [
        i
        for i, (method, params) in enumerate(h.tg.calls)
        if i >= since and method == "sendMessage" and int(params["chat_id"]) == chat_id
    ]


async def test_a_flooding_parent_does_not_hold_up_another_parents_first_reply(
    tmp_path: Path,
) -> None:
    async with running_bot(tmp_path, limits=LIMITS) as h:
        flooder = Parent(h, 401)
        await flooder.start()
        flood = [h.tg.send_text(401, f"hello {n}") for n in range(60)]
        await h.tg.wait_for(lambda: flood[-1]["update_id"] in h.tg.delivered, 10, "the flood")
        arrived = len(h.tg.calls)
        h.tg.send_text(402, "/start")
        await h.settle()
        other_first = sends_to(h, 402)[0]
        flooder_after = sends_to(h, 401, since=arrived)
        # The other parent is answered while the flood is still being answered, after at most a
        # few of the flooder's messages (one each time the budget comes round).
        assert other_first < flooder_after[-1]
        assert len([i for i in flooder_after if i < other_first]) <= 10
        # The flooder's backlog (30 updates) was answered, two messages each; the rest of the
        # flood was not read, and they were told so once.
        assert len(flooder_after) == 2 * 30 + 1
        assert Parent(h, 401).texts().count(say("too_many", "en")) == 1


async def test_a_flood_beyond_the_backlog_is_still_read_for_danger(tmp_path: Path) -> None:
    async with running_bot(tmp_path, limits=LIMITS) as h:
        flooder = Parent(h, 403)
        await flooder.start()
        for n in range(60):
            h.tg.send_text(403, "I'm bleeding heavily" if n == 50 else f"hello {n}")
        await h.settle()
        texts = flooder.texts()
        assert sum(t.startswith("🆘") for t in texts) == 1  # the 51st message was not kept
        assert texts.count(say("too_many", "en")) == 1
        assert texts.index(say("too_many", "en")) > max(
            i for i, t in enumerate(texts) if t.startswith("🆘")
        )


async def test_fifty_rapid_taps_on_one_button_ask_the_next_question_at_most_twice(
    tmp_path: Path,
) -> None:
    async with running_bot(tmp_path) as h:
        parent = Parent(h, 411)
        await parent.start()
        consent = parent.question()
        yes = consent.buttons[0][1] or ""
        for _ in range(50):
            h.tg.press(411, consent.message_id, yes, force=True)
        await h.settle()
        asked = [m for m in parent.messages() if "Which midwife-led unit" in m.text]
        assert len(asked) == 1  # the question shown is on screen: stale taps are acknowledged
        assert len(h.tg.callback_answers) == 50  # every tap answered, no spinner left
        # After a restart the bot does not know what is on screen, but Telegram says what the
        # tapped message holds now: no buttons any more, so nothing is asked again.
        await h.restart()
        for _ in range(10):
            h.tg.press(411, consent.message_id, yes, force=True)
        await h.settle()
        asked = [m for m in parent.messages() if "Which midwife-led unit" in m.text]
        assert len(asked) == 1
        assert len(h.tg.callback_answers) == 60
        with sqlite3.connect(h.config.database) as conn:
            assert conn.execute("SELECT count(*) FROM responses").fetchone() == (1,)


async def test_each_parents_updates_are_answered_in_order_while_parents_run_at_once(
    tmp_path: Path,
) -> None:
    script = ["/help", "/privacy", "/language", "/privacy", "/help", "/language"] * 2
    parents = range(421, 433)
    async with running_bot(tmp_path) as h:
        help_text = say("help", "en")[:30]
        privacy = h.config.notice_in("en")[:30]
        language = say("choose_language", "en")
        for command in script:  # every parent's updates interleaved in each batch
            for user in parents:
                h.tg.send_text(user, command)
        await h.settle()

        def kind(text: str) -> str | None:
            for name, start in (("/help", help_text), ("/privacy", privacy)):
                if text.startswith(start):
                    return name
            return "/language" if text.startswith(language) else None

        for user in parents:
            seen = [k for m in h.tg.chat(user) if (k := kind(m.text))]
            assert seen == script, user


async def test_nothing_is_sent_that_changes_nothing(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as h:
        parent = Parent(h, 431)
        await parent.start()
        await parent.tap("Yes, I'm happy to start")
        await parent.tap("Ludlow")
        await parent.tap("▫️ Labour and birth")
        await parent.tap("✔️ Done")
        await parent.type("March 2025")  # a typed question, then one with buttons
        await parent.type("always")
        await parent.type("something nobody offered")
        await parent.tap("◀️ Back")
        for _ in range(30):
            question = parent.question()
            if "✍️" in question.text:
                await parent.type("The midwives were lovely")
            else:
                await parent.tap(question.buttons[0][0])
            if "Thank you" in parent.last().text:
                break
        await parent.command("/delete")
        confirm = parent.question()
        yes = confirm.buttons[0][1] or ""
        await parent.press(confirm.message_id, yes)
        await parent.press(confirm.message_id, yes)  # a late second tap: its buttons are gone
        refused = [d for _, d in h.tg.refused if "not modified" in d]
        assert refused == []
        assert h.tg.calls_to("editMessageReplyMarkup") or h.tg.calls_to("editMessageText")


OTHERS = range(1000, 1130)  # more than one getUpdates batch behind the stuck parent
HELP = say("help", "en")[:30]


async def hold_one_reply(h: Harness) -> Parent:
    """Parent 441 answers; the answer is stored at once, but its reply hangs (until
    `h.tg.release`). Then 130 other parents send /help behind it."""
    stuck = Parent(h, 441)
    await stuck.start()
    h.tg.held.add(441)
    h.tg.send_text(441, "maybe")
    await h.tg.wait_for(lambda: h.tg.pending_updates() == 0, 10, "the stuck update received")
    for user in OTHERS:
        h.tg.send_text(user, "/help")
    return stuck


def helped(h: Harness) -> int:
    """How many of the other parents have their /help answer."""
    return sum(any(m.text.startswith(HELP) for m in h.tg.chat(u)) for u in OTHERS)


async def test_a_reply_stuck_for_one_parent_does_not_stop_updates_beyond_one_batch(
    tmp_path: Path,
) -> None:
    """Telegram returns at most 100 updates from the offset: a parent whose reply hangs (their
    chat paced, a long 429) must not hold back the 101st update of everyone else."""
    async with running_bot(tmp_path) as h:
        try:
            await hold_one_reply(h)
            before = len(h.tg.chat(441))
            await h.tg.wait_for(lambda: helped(h) == len(OTHERS), 10, "everyone else answered")
        finally:
            h.tg.release.set()
        await h.settle()
        assert len(h.tg.chat(441)) > before


async def test_a_reply_cut_off_by_a_crash_is_finished_after_the_restart(
    tmp_path: Path,
) -> None:
    """Parent 441's answer is stored and its reply hangs; 130 others are answered meanwhile, and
    Telegram is told every update arrived. The bot is killed: the update waits in the inbox,
    sealed, and the restarted bot sends the reply that was owed; then the row goes."""
    async with running_bot(tmp_path) as h:
        db = h.config.database
        try:
            stuck = await hold_one_reply(h)
            await h.tg.wait_for(lambda: helped(h) == len(OTHERS), 10, "everyone else answered")
            assert h.tg.pending_updates() == 0  # nothing waits on Telegram's side
            one = lambda: len(rows(db, "SELECT * FROM inbox")) == 1  # noqa: E731
            await h.tg.wait_for(one, 10, "the answered updates gone from the inbox")
            kept = rows(db, "SELECT sealed FROM inbox")
            assert b"441" not in kept[0][0] and b"maybe" not in kept[0][0]
            shown = len(h.tg.chat(441))
            await h.crash()
            h.tg.held.discard(441)  # the old request never completes: it died with the process
            await h.start()
            await h.tg.wait_for(lambda: len(h.tg.chat(441)) > shown, 10, "the owed reply shown")
            assert stuck.question().buttons  # where they are: the question they are on
            await h.tg.wait_for(lambda: rows(db, "SELECT * FROM inbox") == [], 10, "row gone")
        finally:
            h.tg.release.set()


class FullDisk(Inbox):
    async def keep(self, updates: Sequence[tuple[int, str, bytes]]) -> list[int | None]:
        raise sqlite3.OperationalError("database or disk is full")


async def test_when_the_inbox_cannot_be_written_telegram_keeps_the_updates(
    tmp_path: Path,
) -> None:
    """Telegram is told an update arrived only once it is kept."""
    async with running_bot(tmp_path) as h:
        working = h.store.inbox
        h.store.inbox = FullDisk(h.store)
        polls = len(h.tg.calls_to("getUpdates"))
        h.tg.send_text(451, "/start")
        more = lambda: len(h.tg.calls_to("getUpdates")) >= polls + 3  # noqa: E731
        await h.tg.wait_for(more, 10, "three tries to keep it")
        assert h.tg.pending_updates() == 1 and h.tg.chat(451) == []
        h.store.inbox = working
        await h.settle()
        assert Parent(h, 451).texts()[0].startswith(say("welcome", "en")[:20])


async def test_without_tidying_a_tap_costs_two_calls_and_old_buttons_stay_safe(
    tmp_path: Path,
) -> None:
    from bot.config import TelegramConfig

    async with running_bot(tmp_path, telegram=TelegramConfig(tidy_chat=False)) as h:
        parent = Parent(h, 451)
        await parent.start()
        await parent.tap("Yes, I'm happy to start")
        before = len(h.tg.calls)
        consent = parent.messages()[-2]
        await parent.tap("Ludlow")
        calls = [m for m, _ in h.tg.calls[before:] if m != "getUpdates"]
        assert calls == ["answerCallbackQuery", "sendMessage"]
        assert consent.buttons  # left as it was
        h.tg.press(451, consent.message_id, consent.buttons[0][1] or "", force=True)
        await h.settle()
        with sqlite3.connect(h.config.database) as conn:
            assert conn.execute("SELECT count(*) FROM responses").fetchone() == (1,)


async def test_when_the_budget_is_short_a_whole_reply_goes_before_a_later_parents(
    tmp_path: Path,
) -> None:
    # Two messages a second overall: two parents' welcomes cannot all go at once.
    async with running_bot(tmp_path, limits={"overall_per_second": 2, "per_chat": (0, 0)}) as h:
        first, second = Parent(h, 421), Parent(h, 422)
        # Words after /start that suggest danger: where to get help, then the welcome.
        h.tg.send_text(421, "/start I'm bleeding heavily")
        h.tg.send_text(422, "/start I'm bleeding heavily")
        await h.settle()
        order = [
            int(params["chat_id"])
            for method, params in h.tg.calls
            if method == "sendMessage" and int(params["chat_id"]) in (421, 422)
        ]
        reply = len(first.messages())
        assert reply >= 2 and len(second.messages()) == reply  # help now, then the welcome
        # Served message by message as each asked, the two replies would interleave.
        assert order == [421] * reply + [422] * reply


async def test_telegram_numbering_afresh_is_said_once_and_strands_nobody(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A database that has answered updates up to 50,000, and a Telegram numbering from 1 again
    (after a quiet week): the parent is answered, and the operator is told once."""
    async with running_bot(tmp_path) as h:
        with sqlite3.connect(h.config.database) as db:
            # the highest id answered is kept apart from the (keyed) stored updates
            db.execute("INSERT INTO update_numbering (id, highest) VALUES (1, 50000)")
        for user in (461, 462):
            await Parent(h, user).start()
        assert all(Parent(h, u).texts() for u in (461, 462))
    said = [r.getMessage() for r in caplog.records if "numbers start again" in r.getMessage()]
    assert len(said) == 1 and "up to 50000" in said[0]
