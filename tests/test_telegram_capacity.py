"""A busy bot: what a parent waits for goes before anything cosmetic, and a question whose tidying
was put off or dropped is still safe to tap."""

from __future__ import annotations

from pathlib import Path

from test_telegram import answers_of
from tg_driver import is_prompt
from tg_harness import Parent, running_bot

from bot.words import say

STALE = "That button is from an earlier message. Here is where we are now:"


async def test_the_next_question_goes_out_before_the_answered_one_is_tidied(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as h:
        parent = Parent(h, 301)
        await parent.start()
        await parent.tap("Yes, I'm happy to start")
        unit = parent.question()
        before = len(h.tg.calls)
        await parent.tap("Ludlow")
        calls = [(m, p) for m, p in h.tg.calls[before:] if m != "getUpdates"]
        methods = [m for m, _ in calls]
        sent = methods.index("sendMessage")
        edits = [i for i, (m, p) in enumerate(calls) if m == "editMessageText"]
        tidied = next(i for i in edits if int(calls[i][1]["message_id"]) == unit.message_id)
        assert sent < tidied  # the reply first, the answered question shown with its answer after
        answered = next(m for m in parent.messages() if m.message_id == unit.message_id)
        assert answered.text.endswith("➡️ Ludlow") and answered.buttons == []


async def test_a_tap_on_a_question_whose_tidying_was_dropped_does_the_right_thing(
    tmp_path: Path,
) -> None:
    async with running_bot(tmp_path) as h:
        assert h.handler is not None
        h.handler.sender.cosmetics.keep_for = -1  # no budget ever to spare: every tidying dropped
        parent = Parent(h, 302)
        await parent.start()
        await parent.tap("Yes, I'm happy to start")
        unit = parent.question()
        await parent.tap("Ludlow")
        old = next(m for m in parent.messages() if m.message_id == unit.message_id)
        assert "Telford" in [label for label, _ in old.buttons]  # left with its buttons
        assert h.handler.sender.cosmetics.dropped >= 1
        shown = len(parent.messages())
        await parent.press(unit.message_id, next(d for t, d in old.buttons if t == "Telford"))
        assert answers_of(h.config.database, 302) == {"unit": '"ludlow"'}  # not answered again
        assert [a.get("text") for a in h.tg.callback_answers if a.get("text")] == [STALE]
        assert len(parent.messages()) == shown  # the question on screen is not asked again
        assert "Which parts of your care" in parent.question().text
        # After a restart the bot no longer knows which question is on screen: the stale tap
        # is acknowledged and the parent is shown where they are, once.
        await h.restart()
        await parent.press(unit.message_id, next(d for t, d in old.buttons if t == "Telford"))
        assert answers_of(h.config.database, 302) == {"unit": '"ludlow"'}
        assert len(parent.messages()) == shown + 1
        assert "Which parts of your care" in parent.last().text
        await parent.tap("▫️ Labour and birth")  # and the parent carries on from there
        assert "✅ Labour and birth" in [b[0] for b in parent.question().buttons]


async def test_parents_kept_waiting_by_a_busy_bot_are_told_once_in_their_language(
    tmp_path: Path,
) -> None:
    # Three messages a second overall, twenty parents starting in the same moment: the last
    # welcomes wait several seconds. Those parents hear first, once, that the bot is busy.
    async with running_bot(tmp_path, limits={"overall_per_second": 3, "per_chat": (0, 0)}) as h:
        users = range(501, 521)
        for user in users:
            h.tg.send_text(user, "/start", language_code="pl" if user % 2 else "en")
        busy = {"en": say("busy", "en"), "pl": say("busy", "pl")}
        welcomed = lambda: all(any(is_prompt(m) for m in h.tg.chat(u)) for u in users)  # noqa: E731
        await h.tg.wait_for(welcomed, 30, "every welcome")
        await h.settle()
        told = []
        for user in users:
            texts = [m.text for m in h.tg.chat(user)]
            language = "pl" if user % 2 else "en"
            notes = [t for t in texts if t in busy.values()]
            assert notes in ([], [busy[language]])  # once at most, in their own language
            assert len(texts) == len(notes) + 1  # the welcome, whole and once
            assert is_prompt(h.tg.chat(user)[-1])  # after the note
            told += [user] * len(notes)
        assert 0 < len(told) < len(users)  # those served within seconds were not told
        assert not {501, 502, 503} & set(told)
