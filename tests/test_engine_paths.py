"""The engine's less travelled paths, event by event: the "other" follow-up when a parent skips or
taps, an "other" option in a multiple choice, Back inside the contact details, skipping both phone
and email, giving up on a contact, coming back after a long gap, and signposting."""

from __future__ import annotations

from datetime import timedelta

from conftest import NOW, flow_from_text
from test_engine import Talk, finish_until

from bot.conversation import events as ev
from bot.conversation.engine import step
from bot.conversation.turn import Rules
from bot.questionnaire.flow import Flow

MULTI_WITH_OTHER = """
id: multi_other
title: Help
intro: Hello
consent: {text: Start?}
closing: Bye
questions:
  - id: help
    type: multi
    text: Who helped you?
    options:
      - {id: midwife, label: A midwife}
      - {id: other, label: Someone else, other: true}
  - id: done
    type: yes_no
    text: Anything else?
"""


def at_other_prompt(every_type: Flow) -> Talk:
    talk = Talk(every_type)
    talk.start_and_agree()
    talk.send(ev.Choose(("other",), seq=talk.s.seq))
    assert talk.prompt().key == "unit.other"
    return talk


def test_skipping_the_other_follow_up_keeps_the_choice_and_moves_on(every_type: Flow) -> None:
    talk = at_other_prompt(every_type)
    talk.send(ev.Skip(seq=talk.s.seq))
    assert talk.prompt().key == "stages"
    assert talk.s.answers == {"unit": "other"}  # no "unit.other": nothing was typed


def test_a_tap_on_the_other_follow_up_asks_for_typing(every_type: Flow) -> None:
    talk = at_other_prompt(every_type)
    talk.send(ev.Choose(("ludlow",), seq=talk.s.seq))
    assert talk.rejected() == ["Please type your answer."]
    assert talk.prompt().key == "unit.other"


def test_back_from_the_other_follow_up_returns_to_its_question(every_type: Flow) -> None:
    talk = at_other_prompt(every_type)
    talk.send(ev.Back(seq=talk.s.seq))
    assert talk.prompt().key == "unit"
    assert talk.s.stage == "question"


def test_the_other_follow_up_gives_up_after_the_reask_limit(every_type: Flow) -> None:
    talk = at_other_prompt(every_type)
    for _ in range(3):
        talk.reply("x" * 1001)
    assert talk.rejected() == []
    assert talk.said() == ["Let's leave this one for now. You can come back to it with Back."]
    assert talk.prompt().key == "stages"
    assert "unit.other" not in talk.s.answers
    talk.send(ev.Back(seq=talk.s.seq))
    assert talk.prompt().key == "unit"


def test_a_multi_choice_with_an_other_option_asks_and_redacts_the_follow_up() -> None:
    flow = flow_from_text(MULTI_WITH_OTHER)
    rules = Rules(redact=lambda text: text.replace("Kasia", "[name]"))
    session, _ = step(flow, None, ev.Start(), NOW, rules)
    session, _ = step(flow, session, ev.Reply("1"), NOW, rules)
    session, events = step(flow, session, ev.Reply("1, 2"), NOW, rules)
    assert session.answers == {"help": ["midwife", "other"]}
    assert [e.prompt.key for e in events if isinstance(e, ev.Asked)] == ["help.other"]
    session, events = step(flow, session, ev.Reply("my friend Kasia"), NOW, rules)
    assert session.answers["help.other"] == "my friend [name]"
    recorded = [e for e in events if isinstance(e, ev.AnswerRecorded)]
    assert recorded == [ev.AnswerRecorded("help.other", "my friend [name]")]
    assert [e.prompt.key for e in events if isinstance(e, ev.Asked)] == ["done"]


def at_contact_details(every_type: Flow) -> Talk:
    talk = Talk(every_type)
    talk.start_and_agree()
    finish_until(talk, "talk")
    talk.reply("Yes")
    assert talk.prompt().key == "talk.name"
    return talk


def test_back_inside_the_contact_details_goes_one_field_at_a_time(every_type: Flow) -> None:
    talk = at_contact_details(every_type)
    talk.reply("Sam")
    assert talk.prompt().key == "talk.phone"
    talk.send(ev.Back(seq=talk.s.seq))
    assert talk.prompt().key == "talk.name"
    talk.reply("back")  # typed, it means the same as the button
    assert talk.prompt().key == "talk"
    assert talk.s.contact_field == "consent"
    talk.send(ev.Back(seq=talk.s.seq))
    assert talk.prompt().key == "why"  # the question before the contact step


def test_back_from_the_time_question_returns_to_the_email(every_type: Flow) -> None:
    talk = at_contact_details(every_type)
    for typed in ("Sam", "07700 900123"):
        talk.reply(typed)
    talk.send(ev.Skip(seq=talk.s.seq))
    assert talk.prompt().key == "talk.time"
    talk.reply("back")
    assert talk.prompt().key == "talk.email"


def test_skipping_the_email_when_no_phone_was_given_is_refused(every_type: Flow) -> None:
    talk = at_contact_details(every_type)
    talk.reply("Sam")
    talk.send(ev.Skip(seq=talk.s.seq))  # no phone
    assert talk.prompt().key == "talk.email"
    talk.send(ev.Skip(seq=talk.s.seq))  # and no email
    assert talk.rejected() == ["We need a phone number or an email address to contact you."]
    assert talk.prompt().key == "talk.email"
    talk.reply("sam@example.org")
    assert talk.prompt().key == "talk.time"


def test_phone_numbers_that_do_not_fit_keep_nothing_and_drop_no_one(every_type: Flow) -> None:
    talk = at_contact_details(every_type)
    talk.reply("Sam")
    for _ in range(3):
        talk.reply("not a phone")
    assert talk.prompt().key == "talk.phone_failed"  # what next is the parent's choice
    assert "talk" not in talk.s.answers
    assert talk.s.contact == {"name": "Sam"}  # nothing typed for the phone is kept
    assert not any(isinstance(e, ev.ContactOptedIn) for e in talk.events)


def test_a_tap_that_is_no_time_is_refused_at_the_time_question(every_type: Flow) -> None:
    talk = at_contact_details(every_type)
    talk.reply("Sam")
    talk.reply("07700 900123")
    talk.send(ev.Skip(seq=talk.s.seq))
    talk.send(ev.Choose(("midnight",), seq=talk.s.seq))
    assert talk.rejected() == ["Please choose one of the options."]
    assert talk.prompt().key == "talk.time"


def test_coming_back_after_the_expiry_window_offers_carry_on_or_start_again(
    every_type: Flow,
) -> None:
    rules = Rules(expire_after_days=14)
    session, _ = step(every_type, None, ev.Start(), NOW, rules)
    session, _ = step(every_type, session, ev.Reply("1"), NOW, rules)
    session, _ = step(every_type, session, ev.Reply("1"), NOW, rules)  # unit answered
    later = NOW + timedelta(days=15)
    session, events = step(every_type, session, ev.Reply("2"), later, rules)
    assert session.returning and "unit" in session.answers
    assert [e.prompt.key for e in events if isinstance(e, ev.Asked)] == ["returning"]
    unclear, events = step(every_type, session, ev.Reply("maybe"), later, rules)
    assert unclear.returning
    resumed, events = step(every_type, session, ev.Reply("1"), later, rules)
    assert not resumed.returning and resumed.answers == session.answers
    assert [e.text for e in events if isinstance(e, ev.Said)] == [
        "Welcome back! Let's carry on where you left off."
    ]
    again, events = step(every_type, session, ev.Choose(("again",)), later, rules)
    assert again.stage == "consent" and again.answers == {}
    # Within the window, nothing is offered.
    soon, events = step(every_type, session, ev.Reply("2"), NOW + timedelta(days=14), rules)
    assert not soon.returning


def test_an_answer_from_a_page_older_than_the_offer_is_never_taken_for_a_choice(
    every_type: Flow,
) -> None:
    rules = Rules(expire_after_days=14)
    session, _ = step(every_type, None, ev.Start(), NOW, rules)
    session, _ = step(every_type, session, ev.Choose(("agree",), seq=session.seq), NOW, rules)
    asked = session.seq  # the unit question, on a web page
    later = NOW + timedelta(days=15)
    session, _ = step(every_type, session, ev.Repeat(), later, rules)  # the page drawn again
    assert session.returning and session.seq == asked + 1
    kept, events = step(every_type, session, ev.Reply("2", seq=asked), later, rules)  # not "again"
    assert kept.returning and kept.stage == "question" and kept.seq == asked + 1
    assert any(isinstance(e, ev.Stale) for e in events)
    assert [e.prompt.key for e in events if isinstance(e, ev.Asked)] == ["returning"]
    resumed, _ = step(every_type, session, ev.Choose(("resume",), seq=asked + 1), later, rules)
    assert not resumed.returning  # the offer's own buttons still work


def test_signposting_comes_first_whatever_the_stage(every_type: Flow) -> None:
    rules = Rules(in_danger=lambda text: "bleeding" in text, signpost=lambda lang: f"999 ({lang})")
    session, _ = step(every_type, None, ev.Start(), NOW, rules)
    session, events = step(every_type, session, ev.Reply("I am bleeding"), NOW, rules)
    assert events[0] == ev.Signposted("999 (en)")
    assert session.stage == "consent"  # and the questionnaire carries on where it was
    session, events = step(every_type, session, ev.Reply("1"), NOW, rules)
    assert not any(isinstance(e, ev.Signposted) for e in events)


def test_control_characters_never_reach_a_stored_answer(every_type: Flow) -> None:
    talk = Talk(every_type)
    talk.start_and_agree()
    finish_until(talk, "why")
    talk.reply("kind\x00 staff\x1b[31m\u009b and\ttea\nthanks")
    assert talk.recorded() == {"why": "kind staff[31m and\ttea\nthanks"}


def test_a_superscript_or_other_script_digit_is_no_option_number(every_type: Flow) -> None:
    talk = Talk(every_type)
    talk.send(ev.Start())
    for typed in ("²", "٣", "1²"):
        talk.reply(typed)
        assert talk.rejected() == ["Please choose one of the options."]
