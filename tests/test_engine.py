"""The conversation engine, driven directly: no I/O, a fixed clock."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import NOW, flow_from_text
from hypothesis import given
from hypothesis import strategies as st

from bot.conversation import events as ev
from bot.conversation import parse
from bot.conversation.engine import step
from bot.conversation.months import example_month, month_in_digits, month_in_words
from bot.conversation.session import Session
from bot.questionnaire.flow import Flow


class Talk:
    """A parent talking to the engine; keeps the session and the last step's events."""

    def __init__(self, flow: Flow, now: datetime = NOW) -> None:
        self.flow = flow
        self.now = now
        self.session: Session | None = None
        self.events: list[ev.Event] = []

    def send(self, event: ev.Input) -> list[ev.Event]:
        self.session, self.events = step(self.flow, self.session, event, self.now)
        return self.events

    def reply(self, text: str) -> list[ev.Event]:
        return self.send(ev.Reply(text))

    @property
    def s(self) -> Session:
        assert self.session is not None
        return self.session

    def prompt(self) -> ev.Prompt:
        asked = [e.prompt for e in self.events if isinstance(e, ev.Asked | ev.Updated)]
        assert asked, f"no question in {self.events}"
        return asked[-1]

    def said(self) -> list[str]:
        return [e.text for e in self.events if isinstance(e, ev.Said)]

    def rejected(self) -> list[str]:
        return [e.reason for e in self.events if isinstance(e, ev.Rejected)]

    def recorded(self) -> dict[str, object]:
        return {e.question_id: e.value for e in self.events if isinstance(e, ev.AnswerRecorded)}

    def start_and_agree(self, source: str | None = None, language: str | None = None) -> None:
        self.send(ev.Start(source, language))
        self.send(ev.Choose(("agree",), seq=self.s.seq))


def test_start_shows_intro_then_consent(every_type: Flow) -> None:
    talk = Talk(every_type)
    talk.send(ev.Start())
    assert talk.said() == ["Welcome"]
    prompt = talk.prompt()
    assert prompt.key == "consent"
    assert [c.label for c in prompt.choices] == ["Yes", "No thanks"]
    assert talk.s.stage == "consent"
    assert not any(isinstance(e, ev.ResponseStarted) for e in talk.events)


def test_declining_consent_stores_nothing_and_ends_politely(every_type: Flow) -> None:
    talk = Talk(every_type)
    talk.send(ev.Start())
    talk.reply("No thanks")
    assert talk.said() == ["Nothing saved."]
    assert any(isinstance(e, ev.ResponseDeclined) for e in talk.events)
    assert not any(isinstance(e, ev.ResponseStarted | ev.AnswerRecorded) for e in talk.events)
    assert talk.s.stage == "declined"


def test_agreeing_starts_the_response_and_asks_the_first_question(every_type: Flow) -> None:
    talk = Talk(every_type)
    talk.send(ev.Start(source=None, language="en"))
    talk.reply("yes")
    started = [e for e in talk.events if isinstance(e, ev.ResponseStarted)]
    assert started == [
        ev.ResponseStarted("every_type", every_type.content_hash(), "en", None, "2026-11")
    ]
    prompt = talk.prompt()
    assert (prompt.key, prompt.kind, prompt.progress) == ("unit", "single", 0)
    assert prompt.help == "Pick one"
    assert not prompt.can_back


def test_single_choice_by_tap_number_or_label(every_type: Flow) -> None:
    for answer in (
        ev.Choose(("telford",)),
        ev.Reply("2"),
        ev.Reply("  TELFORD "),
        ev.Reply("telford"),
    ):
        talk = Talk(every_type)
        talk.start_and_agree()
        talk.send(answer)
        assert talk.recorded() == {"unit": "telford"}, answer
        assert talk.prompt().key == "stages"


def test_other_option_asks_a_follow_up(every_type: Flow) -> None:
    talk = Talk(every_type)
    talk.start_and_agree()
    talk.reply("3")
    assert talk.prompt().key == "unit.other"
    assert talk.prompt().text == "Where was it?"
    talk.reply("Hereford")
    assert talk.recorded() == {"unit.other": "Hereford"}
    assert talk.prompt().key == "stages"


def test_multi_choice_min_max_and_exclusive(every_type: Flow) -> None:
    talk = Talk(every_type)
    talk.start_and_agree()
    talk.reply("1")
    talk.reply("1, 2, 3")
    assert talk.rejected() == ["Please choose between 1 and 2 options."]
    talk.reply("1 4")
    assert talk.rejected() == ["“None of these” can't be chosen together with other answers."]
    talk.reply("2 and 1")
    assert talk.recorded() == {"stages": ["antenatal", "birth"]}


def test_multi_choice_toggles_and_done(every_type: Flow) -> None:
    talk = Talk(every_type)
    talk.start_and_agree()
    talk.reply("1")
    seq = talk.s.seq
    talk.send(ev.Toggle("antenatal", seq))
    assert [c.selected for c in talk.prompt().choices] == [True, False, False, False]
    assert isinstance(talk.events[0], ev.Updated)
    talk.send(ev.Toggle("none", seq))
    assert [c.selected for c in talk.prompt().choices] == [False, False, False, True]
    talk.send(ev.Toggle("birth", seq))
    talk.send(ev.Toggle("after", seq))
    assert talk.s.draft == ("birth", "after")
    talk.send(ev.Toggle("antenatal", seq))
    assert talk.rejected() == ["You can choose up to 2."]
    talk.send(ev.Done(seq))
    assert talk.recorded() == {"stages": ["birth", "after"]}


def test_done_with_nothing_ticked_is_explained(every_type: Flow) -> None:
    talk = Talk(every_type)
    talk.start_and_agree()
    talk.reply("1")
    talk.send(ev.Done(talk.s.seq))
    assert talk.rejected() == ["Please choose between 1 and 2 options."]


def test_branching_shows_birth_questions_only_after_a_birth(every_type: Flow) -> None:
    talk = Talk(every_type)
    talk.start_and_agree()
    talk.reply("1")
    talk.reply("1")
    assert talk.prompt().key == "fft"
    assert talk.prompt().progress == 28  # 2 of 7 behind

    talk = Talk(every_type)
    talk.start_and_agree()
    talk.reply("1")
    talk.reply("2")
    assert talk.said() == ["Now about the birth."]
    assert talk.prompt().key == "listened"
    assert talk.prompt().progress == 25  # 2 of 8: the birth questions added


def test_changing_an_answer_drops_answers_that_no_longer_apply(every_type: Flow) -> None:
    talk = Talk(every_type)
    talk.start_and_agree()
    talk.reply("1")
    talk.reply("2")
    talk.reply("Always")
    assert talk.s.answers["listened"] == "always"
    talk.send(ev.Back())
    talk.send(ev.Back())
    assert talk.prompt().key == "stages"
    assert [c.selected for c in talk.prompt().choices] == [False, True, False, False]
    talk.reply("1")
    removed = [e.question_id for e in talk.events if isinstance(e, ev.AnswerRemoved)]
    assert removed == ["listened"]
    assert "listened" not in talk.s.answers
    assert talk.prompt().key == "fft"


def test_number_range_and_numeric_branch(every_type: Flow) -> None:
    talk = Talk(every_type)
    talk.start_and_agree()
    for answer in ("1", "1", "Good"):
        talk.reply(answer)
    assert talk.prompt().kind == "number"
    talk.reply("lots")
    assert talk.rejected() == ["Please send a number."]
    talk.reply("31")
    assert talk.rejected() == ["Please send a number from 0 to 30."]
    talk.reply("12")
    assert talk.recorded() == {"visits": 12}
    assert talk.prompt().key == "many_visits"
    assert [c.label for c in talk.prompt().choices] == ["Yes", "No"]


def test_month_year_accepts_common_forms_and_never_keeps_a_day(every_type: Flow) -> None:
    forms = {"March 2025": "2025-03", "03/2025": "2025-03", "3/25": "2025-03",
             "2025-03": "2025-03", "12/03/2025": "2025-03", "mar 25": "2025-03",
             "marzec 2025": "2025-03", "August 2027": "2027-08"}  # fmt: skip
    for typed, stored in forms.items():
        talk = Talk(every_type)
        talk.start_and_agree()
        for answer in ("1", "1", "Good", "skip"):
            talk.reply(answer)
        assert talk.prompt().key == "born"
        talk.reply(typed)
        assert talk.recorded() == {"born": stored}, typed


def test_month_year_out_of_range_is_explained(every_type: Flow) -> None:
    talk = Talk(every_type)
    talk.start_and_agree()
    for answer in ("1", "1", "Good", "skip"):
        talk.reply(answer)
    talk.reply("January 2020")
    assert talk.rejected() == ["Please send a month between May 2024 and August 2027."]
    talk.reply("yesterday")  # the example is a month the question takes (NOW is November 2026)
    assert talk.rejected() == ["Please send the month and year, like “August 2026” or “08/2026”."]
    assert talk.prompt().example == "2026-08"


@given(
    today=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    back=st.integers(0, 240),
    ahead=st.integers(0, 240),
    language=st.sampled_from(["en", "pl"]),
)
def test_a_months_example_is_always_a_month_the_question_accepts(
    today: date, back: int, ahead: int, language: str
) -> None:
    example = example_month(today, back, ahead)
    now = datetime(today.year, today.month, today.day, 12, tzinfo=UTC)
    for typed in (month_in_digits(example), month_in_words(example, language)):
        assert parse.month_year(typed, now, back, ahead, language) == example, typed


def test_skip_only_where_optional_and_prefer_not_where_offered(every_type: Flow) -> None:
    talk = Talk(every_type)
    talk.start_and_agree()
    talk.send(ev.Skip())
    assert talk.rejected() == ["This question can't be skipped."]
    for answer in ("1", "1", "Good"):
        talk.reply(answer)
    assert talk.prompt().can_skip
    talk.send(ev.Skip())
    assert talk.recorded() == {"visits": "_skipped"}
    assert talk.prompt().can_prefer_not and not talk.prompt().can_skip
    talk.reply("Prefer not to say")
    assert talk.recorded() == {"born": "_prefer_not_to_say"}


def test_reask_limit_moves_on_instead_of_trapping(every_type: Flow) -> None:
    talk = Talk(every_type)
    talk.start_and_agree()
    talk.reply("1")
    talk.reply("1")
    talk.reply("brilliant")
    talk.reply("amazing")
    assert talk.prompt().key == "fft"
    talk.reply("10/10")
    assert talk.rejected() == []  # no error line right before letting it go
    assert talk.said() == ["Let's leave this one for now. You can come back to it with Back."]
    assert talk.recorded() == {"fft": "_not_answered"}
    assert ev.Left("fft") in talk.events  # so a channel shows no answer for the last try
    assert talk.prompt().key == "visits"
    # A question that offers "Prefer not to say" still records no valid answer: the parent
    # never chose to decline, and refusals must not be over-counted.
    talk.send(ev.Skip())
    for typed in ("soon", "later", "whenever"):
        talk.reply(typed)
    assert talk.recorded() == {"born": "_not_answered"}


def test_back_after_a_question_was_left_returns_to_it(every_type: Flow) -> None:
    talk = Talk(every_type)
    talk.start_and_agree()
    for typed in ("1", "1", "brilliant", "amazing", "10/10"):
        talk.reply(typed)
    assert talk.prompt().key == "visits"
    talk.send(ev.Back(seq=talk.s.seq))
    assert talk.prompt().key == "fft"
    talk.reply("Good")
    assert talk.recorded() == {"fft": "good"}
    assert talk.prompt().key == "visits"


def test_a_question_left_at_the_very_end_does_not_promise_a_way_back() -> None:
    flow = flow_from_text(
        "id: a\ntitle: A\nintro: I\nconsent: {text: C}\nclosing: Bye\nreask_limit: 0\n"
        "questions: [{id: q, type: yes_no, text: T}]"
    )
    talk = Talk(flow)
    talk.start_and_agree()
    talk.reply("maybe")
    assert talk.rejected() == []
    assert talk.said() == ["Let's leave this one.", "Bye"]
    assert talk.s.stage == "complete"


def test_the_words_for_leaving_a_question_in_polish(every_type: Flow) -> None:
    talk = Talk(every_type)
    talk.start_and_agree(language="pl")
    for typed in ("x", "y", "z"):
        talk.reply(typed)
    assert talk.said() == [
        "Zostawmy na razie to pytanie. Możesz do niego wrócić, wybierając Wstecz."
    ]
    assert talk.prompt().key == "stages"


def test_text_answers_respect_max_length(every_type: Flow) -> None:
    talk = Talk(every_type)
    talk.start_and_agree()
    for answer in ("1", "1", "Good", "skip", "prefer not to say"):
        talk.reply(answer)
    assert talk.prompt().key == "why"
    talk.reply("x" * 10_000)
    assert talk.rejected() == ["That's 10000 characters. Please keep it under 50."]
    talk.reply("   ")
    assert talk.rejected() == ["Please type your answer."]
    talk.reply("Kind staff")
    assert talk.recorded() == {"why": "Kind staff"}


def test_back_walks_the_history_and_the_first_question_says_so(every_type: Flow) -> None:
    talk = Talk(every_type)
    talk.start_and_agree()
    talk.send(ev.Back())
    assert talk.said() == ["This is the first question."]
    talk.reply("1")
    talk.reply("1")
    assert talk.prompt().can_back
    talk.send(ev.Back())
    assert talk.prompt().key == "stages"
    talk.reply("back")
    assert talk.prompt().key == "unit"
    assert [c.selected for c in talk.prompt().choices] == [True, False, False]


def test_stale_or_double_tap_never_records_a_second_answer(every_type: Flow) -> None:
    talk = Talk(every_type)
    talk.start_and_agree()
    seq = talk.s.seq
    talk.send(ev.Choose(("ludlow",), seq))
    talk.send(ev.Choose(("telford",), seq))
    assert talk.recorded() == {}
    assert talk.said() == ["That button is from an earlier message. Here is where we are now:"]
    assert talk.prompt().key == "stages"
    assert talk.s.answers["unit"] == "ludlow"


def test_stop_and_resume_where_left_off(every_type: Flow) -> None:
    talk = Talk(every_type)
    talk.start_and_agree()
    talk.reply("1")
    talk.send(ev.Stop())
    assert any(isinstance(e, ev.ResponsePaused) for e in talk.events)
    talk.send(ev.Start())
    assert talk.said() == ["Welcome back! Let's carry on where you left off."]
    assert talk.prompt().key == "stages"
    assert talk.prompt().progress == 14


def test_restart_clears_answers_and_starts_again(every_type: Flow) -> None:
    talk = Talk(every_type)
    talk.start_and_agree()
    talk.reply("1")
    talk.reply("1")
    talk.send(ev.Restart())
    assert any(isinstance(e, ev.ResponseRestarted) for e in talk.events)
    assert talk.s.answers == {}
    assert talk.prompt().key == "unit"


def test_source_tag_answers_the_unit_upfront(every_type: Flow) -> None:
    talk = Talk(every_type)
    talk.start_and_agree(source="mlu-ludlow")
    assert talk.recorded() == {"unit": "ludlow"}
    assert talk.prompt().key == "stages"
    assert talk.prompt().progress == 0
    assert not talk.prompt().can_back


def test_language_variants_and_fallback(every_type: Flow) -> None:
    talk = Talk(every_type)
    talk.send(ev.Start(language="pl"))
    assert talk.said() == ["Witamy"]
    talk.reply("Tak")
    assert talk.prompt().text == "Który oddział?"
    talk.send(ev.SwitchLanguage("en"))
    assert talk.prompt().text == "Which unit?"
    unknown = Talk(every_type)
    unknown.send(ev.Start(language="ro"))
    assert unknown.said() == ["Welcome"]


def finish_until(talk: Talk, key: str) -> None:
    answers = {"unit": "1", "stages": "1", "fft": "Good", "visits": "skip", "born": "skip",
               "why": "skip"}  # fmt: skip
    for _ in range(50):
        if talk.prompt().key == key:
            return
        talk.reply(answers.get(talk.prompt().key, "prefer not to say"))
    raise AssertionError(f"never reached {key}")


def test_contact_step_collects_details_apart_from_answers(every_type: Flow) -> None:
    talk = Talk(every_type)
    talk.start_and_agree()
    finish_until(talk, "why")
    talk.reply("skip")
    assert talk.prompt().key == "talk"
    talk.reply("Yes")
    assert talk.prompt().key == "talk.name"
    talk.reply("Sam")
    talk.reply("not a phone")
    assert talk.rejected() == [
        "That doesn't look like a UK phone number. Please try again, like 07700 900123."
    ]
    talk.reply("07700 900123")
    talk.reply("skip")  # typed, as in Telegram: same as the Skip button
    assert talk.prompt().key == "talk.time"
    talk.reply("Evening")
    opted = [e for e in talk.events if isinstance(e, ev.ContactOptedIn)]
    assert opted == [
        ev.ContactOptedIn("Sam", "+44 7700 900123", None, "Evening", (("Which unit?", "Ludlow"),))
    ]
    assert talk.recorded() == {"talk": "yes"}
    assert "Sam" not in str(talk.s.model_dump())
    assert talk.s.stage == "complete"
    assert talk.said() == [
        "Thank you. Someone from the engagement team will contact you by phone.",
        "Thank you!",
    ]


def test_contact_needs_a_phone_or_an_email(every_type: Flow) -> None:
    talk = Talk(every_type)
    talk.start_and_agree()
    finish_until(talk, "talk")
    talk.reply("1")
    talk.reply("Sam")
    talk.send(ev.Skip())
    talk.send(ev.Skip())
    assert talk.rejected() == ["We need a phone number or an email address to contact you."]
    talk.reply("sam@example.org")
    assert talk.prompt().key == "talk.time"


def test_declining_contact_records_no(every_type: Flow) -> None:
    talk = Talk(every_type)
    talk.start_and_agree()
    finish_until(talk, "talk")
    talk.reply("No")
    assert talk.recorded() == {"talk": "no"}
    assert any(isinstance(e, ev.ResponseCompleted) for e in talk.events)
    assert talk.said() == ["Thank you!"]


def test_after_completion_a_tap_is_answered_and_start_begins_anew(every_type: Flow) -> None:
    talk = Talk(every_type)
    talk.start_and_agree()
    finish_until(talk, "talk")
    talk.reply("No")
    talk.send(ev.Choose(("no",), 3))
    assert talk.said() == ["You have already finished. Thank you! Send /start to answer again."]
    talk.send(ev.Start())
    assert talk.prompt().key == "consent"


def test_a_session_finishes_on_the_version_it_started_on(every_type: Flow) -> None:
    talk = Talk(every_type)
    talk.start_and_agree()
    assert talk.s.flow_hash == every_type.content_hash()
    changed = every_type.model_copy(update={"closing": "Changed"})
    assert changed.content_hash() != every_type.content_hash()
    # The same YAML laid out differently is the same version.
    plain = flow_from_text(
        "id: a\ntitle: A\nintro: I\nconsent: {text: C}\nclosing: X\n"
        "questions: [{id: q, type: text, text: T}]"
    )
    laid_out = flow_from_text(
        "# comment\nid: a\ntitle: 'A'\nintro: I\nconsent:\n  text: C\n"
        "closing: X\nquestions:\n  - {id: q, type: text, text: T}"
    )
    assert plain.content_hash() == laid_out.content_hash()


@pytest.mark.parametrize(
    "now", [datetime(2026, 1, 31, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)]
)
def test_started_month_comes_from_the_clock_passed_in(every_type: Flow, now: datetime) -> None:
    talk = Talk(every_type, now)
    talk.start_and_agree()
    assert talk.s.started == now.strftime("%Y-%m")


def test_repeat_on_a_finished_questionnaire_says_its_last_words_again(every_type: Flow) -> None:
    # What a redelivered last answer (its reply lost to a crash) or a sticker after the end shows.
    talk = Talk(every_type)
    talk.start_and_agree()
    finish_until(talk, "talk")
    talk.reply("No")
    assert talk.said() == ["Thank you!"]
    talk.send(ev.Repeat())
    assert talk.said() == ["Thank you!"]
    assert talk.s.stage == "complete"
    declined = Talk(every_type)
    declined.send(ev.Start())
    declined.send(ev.Choose(("decline",), seq=declined.s.seq))
    last = declined.said()
    assert last and declined.s.stage == "declined"
    declined.send(ev.Repeat())
    assert declined.said() == last
    declined.send(ev.Returned())
    assert declined.events == []


def test_what_a_step_may_change_is_every_session_field_and_the_type_checker_refuses_the_rest(
    tmp_path: Path,
) -> None:
    import subprocess
    import sys
    import typing

    from bot.conversation.session import Changes

    hints = typing.get_type_hints(Changes)
    assert set(hints) == set(Session.model_fields)
    for name, field in Session.model_fields.items():
        assert hints[name] == field.annotation, name
    wrong = tmp_path / "wrong.py"
    wrong.write_text(
        "from bot.conversation.turn import Turn\n\n"
        "def step(turn: Turn) -> None:\n"
        "    turn.update(stag='question')\n"
        "    turn.update(stage='nonsense')\n"
    )
    done = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental",
                           str(wrong)], capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 1, done.stdout
    assert 'Unexpected keyword argument "stag"' in done.stdout
    assert "nonsense" in done.stdout
