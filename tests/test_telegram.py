"""The Telegram bot end to end: the real python-telegram-bot stack against a fake Bot API server."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from tg_harness import KEY, Parent, running_bot, split_question

from bot.privacy.pseudonym import pseudonym


def assert_nothing_stored(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        for table in ("responses", "answers", "sessions"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table


def answers_of(db: Path, user_id: int) -> dict[str, str]:
    who = pseudonym(KEY, "telegram", user_id)
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT question_id, value FROM answers JOIN responses ON id = response_id "
            "WHERE respondent = ?", (who,),
        ).fetchall()  # fmt: skip
    return dict(rows)


async def test_commands_are_registered_and_start_greets(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as h:
        assert [c["command"] for c in h.tg.commands] == [
            "start", "help", "privacy", "language", "restart", "stop", "delete"
        ]  # fmt: skip
        polish = [c["description"] for c in h.tg.menu(language_code="pl")]
        assert polish[0] == "Zacznij lub kontynuuj" and len(polish) == 7
        parent = Parent(h, 101)
        await parent.start()
        [welcome] = parent.messages()  # welcome, notice and the first question: one message
        assert welcome.text.startswith("This chat is anonymous")
        assert "\n\nHello! We'd love to hear" in welcome.text
        assert [b[0] for b in parent.question().buttons] == ["Yes, I'm happy to start", "No thanks"]


async def test_mlu_flow_by_tapping_and_typing_reads_as_a_clean_transcript(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as h:
        parent = Parent(h, 102)
        await parent.start()
        await parent.tap("Yes, I'm happy to start")
        assert "% done" not in parent.question().text  # nothing done yet, nothing to show
        await parent.tap("Ludlow")
        assert "10% done" in parent.question().text  # 1 of 10 behind
        answered = parent.messages()[-2]
        assert answered.text.endswith("➡️ Ludlow") and answered.buttons == []
        # multiple choice: ticks, then Done
        await parent.tap("▫️ Labour and birth")
        assert "✅ Labour and birth" in [b[0] for b in parent.question().buttons]
        await parent.tap("▫️ Check-ups in pregnancy (antenatal)")
        await parent.tap("✔️ Done")
        assert (
            "➡️ Check-ups in pregnancy (antenatal), Labour and birth" in parent.messages()[-2].text
        )
        # month and year are typed; the question says so
        assert "✍️ Type your answer and send it." in parent.question().text
        await parent.type("March 2025")
        answers = answers_of(h.config.database, 102)
        assert answers == {"unit": '"ludlow"', "care_parts": '["antenatal", "birth"]',
                           "baby_month": '"2025-03"'}  # fmt: skip
        # a typed answer that matches a button's label counts like a tap
        await parent.type("always")
        assert answers_of(h.config.database, 102)["ante_listened"] == '"always"'
        # Back, then Skip
        await parent.tap("◀️ Back")
        assert "In pregnancy, did the midwives listen to you?" in parent.question().text
        await parent.tap("Skip ▶️")
        assert answers_of(h.config.database, 102)["ante_listened"] == '"_skipped"'
        # finish: keep taking the first option, typing where asked
        for _ in range(40):
            question = parent.question()
            if "✍️" in question.text:
                await parent.type("The midwives were lovely")
            else:
                first = next(label for label, data in question.buttons if data and ":c:" in data)
                if first == "Yes" and "contact" in question.text:
                    first = "No"
                await parent.tap(first)
            if parent.last().text.startswith("Thank you for sharing"):
                break
        with sqlite3.connect(h.config.database) as conn:
            assert conn.execute("SELECT status FROM responses").fetchall() == [("complete",)]
        # every question message ended up answered, with no buttons left to tap
        leftovers = [m.text[:40] for m in parent.messages() if m.buttons]
        assert leftovers == []


async def test_deep_link_tag_answers_the_unit_and_unknown_tags_are_ignored(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as h:
        tagged = Parent(h, 103)
        await tagged.start("mlu-ludlow")
        await tagged.tap("Yes, I'm happy to start")
        assert "Which parts of your care" in tagged.question().text
        assert answers_of(h.config.database, 103) == {"unit": '"ludlow"'}
        unknown = Parent(h, 104)
        await unknown.start("poster-nowhere")
        await unknown.tap("Yes, I'm happy to start")
        assert "Which midwife-led unit" in unknown.question().text
        with sqlite3.connect(h.config.database) as conn:
            sources = conn.execute("SELECT source FROM responses ORDER BY id").fetchall()
        assert sources == [("mlu-ludlow",), (None,)]


async def test_stale_and_double_taps_never_record_a_second_answer(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as h:
        parent = Parent(h, 105)
        await parent.start()
        await parent.tap("Yes, I'm happy to start")
        question = parent.question()
        ludlow = next(d for label, d in question.buttons if label == "Ludlow")
        telford = next(d for label, d in question.buttons if label == "Telford")
        # double tap: both presses arrive before the bot answers
        h.tg.press(105, question.message_id, ludlow)
        h.tg.press(105, question.message_id, telford, force=True)
        await h.settle()
        assert answers_of(h.config.database, 105) == {"unit": '"ludlow"'}
        notices = [a.get("text") for a in h.tg.callback_answers if a.get("text")]
        assert notices == ["That button is from an earlier message. Here is where we are now:"]
        assert "Which parts of your care" in parent.question().text
        # an old button after going back
        await parent.tap("◀️ Back")
        await parent.press(question.message_id, telford)
        assert answers_of(h.config.database, 105) == {"unit": '"ludlow"'}


async def test_a_question_left_after_taps_that_do_not_fit_shows_no_answer(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as h:
        parent = Parent(h, 113)
        await parent.start()
        await parent.tap("Yes, I'm happy to start")
        await parent.tap("Ludlow")
        for _ in range(2):  # Done with nothing ticked: explained, asked again
            await parent.tap("✔️ Done")
            assert parent.last_text_before_question() == "⚠️ Please choose at least 1."
        question = parent.question()
        await parent.tap("✔️ Done")
        left = next(m for m in parent.messages() if m.message_id == question.message_id)
        assert left.buttons == [] and "➡️" not in left.text  # no answer shown as if given
        assert parent.last_text_before_question() == (
            "Let's leave this one for now. You can come back to it with Back."
        )
        assert answers_of(h.config.database, 113)["care_parts"] == '"_not_answered"'


async def test_unexpected_messages_get_a_polite_reply_and_the_question_again(
    tmp_path: Path,
) -> None:
    async with running_bot(tmp_path) as h:
        parent = Parent(h, 106)
        await parent.start()
        await parent.tap("Yes, I'm happy to start")
        for send in (h.tg.send_sticker, h.tg.send_photo, h.tg.send_voice, h.tg.send_location,
                     h.tg.send_contact, h.tg.send_document):  # fmt: skip
            before = len(parent.messages())
            send(106)
            await h.settle()
            [new] = parent.messages()[before:]  # what went wrong, and the question again
            said, asked = split_question(new)
            assert said.startswith("I can only read typed messages and button taps"), send
            assert said.endswith("if you or your baby need help now, call 999."), send
            assert "Which midwife-led unit" in asked
        before = len(parent.messages())
        h.tg.edit_text(106, 1, "changed my mind")
        await h.settle()
        assert parent.messages()[before].text.startswith("I can't read changes to earlier")
        await parent.type("/nonsense")
        assert parent.last_text_before_question().startswith("I don't know that command")
        # a group chat gets no reply at all
        calls = len(h.tg.calls_to("sendMessage"))
        h.tg.send_group_text(-5000, 106, "hello bot")
        await h.settle()
        assert len(h.tg.calls_to("sendMessage")) == calls
        assert answers_of(h.config.database, 106) == {}


async def test_delete_asks_first_then_deletes_everything(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as h:
        parent = Parent(h, 107)
        await parent.start()
        await parent.tap("Yes, I'm happy to start")
        await parent.tap("Telford")
        await parent.command("/delete")
        assert parent.last().text == "Do you want to delete the answers you have given here?"
        await parent.tap("No, keep them")
        assert parent.last().text == "Nothing was deleted."
        assert answers_of(h.config.database, 107) == {"unit": '"telford"'}
        await parent.command("/delete")
        await parent.tap("🗑 Yes, delete my answers")
        assert parent.last().text.startswith(
            "Deleted: 1 questionnaire with 1 answer. Nothing else is kept about you here."
        )
        assert_nothing_stored(h.config.database)


async def test_restart_mid_questionnaire_carries_on(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as h:
        parent = Parent(h, 108)
        await parent.start()
        await parent.tap("Yes, I'm happy to start")
        await parent.tap("Oswestry")
        await h.restart()
        await parent.tap("▫️ Labour and birth")  # a button from before the restart
        await parent.tap("✔️ Done")
        assert answers_of(h.config.database, 108) == {"unit": '"oswestry"',
                                                       "care_parts": '["birth"]'}  # fmt: skip
        await parent.command("/stop")
        assert parent.last().text.startswith("Your answers so far are saved")
        await parent.start()
        assert parent.last_text_before_question().endswith(  # after the notice, as every start
            "\n\nWelcome back! Let's carry on where you left off."
        )
        assert "When was your baby born" in parent.question().text


async def test_language_from_telegram_and_the_language_command(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as h:
        parent = Parent(h, 109, language="pl")
        await parent.start()
        assert [b[0] for b in parent.question().buttons] == ["Tak, zaczynajmy", "Nie, dziękuję"]
        await parent.command("/language")
        await parent.tap("English")
        assert "Yes, I'm happy to start" in [b[0] for b in parent.question().buttons]


async def test_502s_and_429s_are_retried_not_dropped(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as h:
        parent = Parent(h, 110)
        h.tg.fail_next("sendMessage", status=502, count=2)
        h.tg.rate_limit_next("sendMessage", retry_after=1, count=1)
        h.tg.fail_next("getUpdates", status=502, count=1)
        await parent.start()
        texts = parent.texts()
        assert texts[0].startswith("This chat is anonymous")
        assert [b[0] for b in parent.question().buttons] == ["Yes, I'm happy to start", "No thanks"]
        assert len([t for t in texts if t.startswith("This chat is anonymous")]) == 1


async def test_declining_stores_nothing(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as h:
        parent = Parent(h, 111)
        await parent.start()
        await parent.tap("No thanks")
        assert parent.last().text.startswith("That's fine. Nothing has been saved.")
        assert_nothing_stored(h.config.database)


async def test_returning_after_the_session_expired_offers_to_carry_on_or_start_again(
    tmp_path: Path,
) -> None:
    async with running_bot(tmp_path) as h:
        parent = Parent(h, 112)
        await parent.start()
        await parent.tap("Yes, I'm happy to start")
        await parent.tap("Bridgnorth")
        h.clock[0] = h.clock[0] + timedelta(days=h.config.sessions.expire_after_days + 1)
        await parent.start()
        assert "You started this questionnaire a while ago" in parent.question().text
        await parent.tap("Carry on")
        assert "Which parts of your care" in parent.question().text
        h.clock[0] = h.clock[0] + timedelta(days=h.config.sessions.expire_after_days + 1)
        await parent.type("hello")
        await parent.tap("Start again")
        await parent.tap("Yes, I'm happy to start")
        with sqlite3.connect(h.config.database) as conn:
            statuses = conn.execute("SELECT status FROM responses ORDER BY id").fetchall()
        assert statuses == [("partial",), ("partial",)]  # the first is kept as a partial response


async def test_privacy_and_help_commands(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as h:
        parent = Parent(h, 113)
        await parent.start()
        await parent.command("/privacy")
        texts = parent.texts()
        assert any("Information Commissioner's Office" in t for t in texts)
        assert "Are you happy to start?" in parent.question().text  # and the question again
        await parent.command("/help")
        assert any("Samaritans: 116 123" in t for t in parent.texts())


async def test_a_polish_speaking_parent_reads_help_and_delete_in_polish(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as h:
        parent = Parent(h, 131, language="pl")
        await parent.start()
        await parent.command("/help")
        assert any(t.startswith("Zadaję kilka pytań") for t in parent.texts())
        await parent.command("/delete")
        assert parent.last().text == "Czy chcesz usunąć odpowiedzi, których tu udzielono?"
        await parent.tap("Nie, zachowaj je")
        assert parent.last().text == "Nic nie zostało usunięte."
        await parent.command("/nonsense")
        assert parent.last_text_before_question().startswith("Nie znam tego polecenia")


async def test_privacy_shows_the_polish_notice_to_a_parent_who_chose_polish(
    tmp_path: Path,
) -> None:
    async with running_bot(tmp_path) as h:
        parent = Parent(h, 132)  # their phone is in English
        await parent.start()
        await parent.command("/language")
        await parent.tap("Polski")
        before = len(parent.pieces())
        await parent.command("/privacy")
        shown = parent.pieces()[before:]
        polish, english = h.config.privacy.notice["pl"], h.config.privacy.notice["en"]
        assert polish.startswith("Jak wykorzystujemy Twoje odpowiedzi")
        notices = [t for t in shown if t.startswith("Jak wykorzystujemy")]
        assert notices == [polish]
        assert not any(t.startswith(english.splitlines()[0]) for t in shown)
        buttons = [b[0] for b in parent.question().buttons]  # then the question again, in Polish
        assert buttons == ["Tak, zaczynajmy", "Nie, dziękuję"]
