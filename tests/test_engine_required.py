"""Questions a questionnaire marks `required`: never left without an answer. After the re-ask
limit the bot keeps asking, with the reason, how to answer in full, and the question again."""

from __future__ import annotations

from conftest import FLOWS, flow_from_text, load_flow
from test_engine import Talk

from bot.conversation import events as ev
from bot.questionnaire.conditions import NOT_ANSWERED
from bot.questionnaire.flow import Flow

REQUIRED = """
id: required
title: Required
intro: Hello
consent: {text: Start?}
closing: Bye
reask_limit: 1
languages: [en, pl]
questions:
  - id: unit
    type: single
    required: true
    text: Which unit?
    options: [{id: a, label: A}, {id: b, label: B}]
  - id: parts
    type: multi
    required: true
    text: Which parts?
    options: [{id: a, label: A}, {id: b, label: B}]
  - id: visits
    type: number
    required: true
    prefer_not_to_say: true
    text: How many visits?
    min: 0
    max: 30
  - {id: why, type: text, text: Why?}
"""

SINGLE_HINT = (
    "We need an answer to this question to go on. Please choose the answer below that fits "
    "best. If now isn't a good time, you can stop for now and carry on later."
)


def test_which_unit_is_asked_until_answered_however_often_it_does_not_fit() -> None:
    talk = Talk(load_flow(FLOWS / "mlu_experience.yaml"))
    talk.start_and_agree()
    for _ in range(2):  # within the limit: the reason and the question, as for any question
        talk.reply("9")
        assert talk.rejected() == ["Please choose one of the options."]
        assert talk.said() == []
    for _ in range(4):  # beyond it: the reason, how to answer in full, and the question again
        talk.reply("9")
        assert talk.rejected() == ["Please choose one of the options."]
        assert talk.said() == [SINGLE_HINT]
        assert talk.prompt().key == "unit"
        assert talk.recorded() == {}
        assert not any(isinstance(e, ev.Left) for e in talk.events)
    talk.reply("2")
    assert talk.recorded() == {"unit": "ludlow"}
    assert talk.prompt().key == "care_parts"


def test_every_kind_of_required_question_says_how_to_answer_it() -> None:
    talk = Talk(flow_from_text(REQUIRED))
    talk.start_and_agree()
    talk.reply("x")
    talk.reply("x")
    assert talk.said() == [SINGLE_HINT]
    talk.reply("1")
    talk.reply("x")
    talk.send(ev.Done(talk.s.seq))
    assert talk.rejected() == ["Please choose at least 1."]
    assert talk.said() == [
        "We need an answer to this question to go on. Please choose all the answers below "
        "that fit. If now isn't a good time, you can stop for now and carry on later."
    ]
    talk.reply("1, 2")
    talk.send(ev.Skip())  # not optional: refused, and counted like any answer that does not fit
    talk.reply("lots")
    assert talk.rejected() == ["Please send a number."]
    assert talk.said() == [
        "We need an answer to this question to go on. Please send it the way the line above "
        "says. If now isn't a good time, you can stop for now and carry on later."
    ]
    assert talk.recorded() == {}
    talk.reply("Prefer not to say")  # offered, so an answer the parent chose
    assert talk.recorded() == {"visits": "_prefer_not_to_say"}
    talk.reply("")  # not required: left after the limit, as before
    talk.reply("")
    assert talk.recorded() == {"why": NOT_ANSWERED}
    assert talk.s.stage == "complete"


def test_the_hint_in_polish() -> None:
    talk = Talk(flow_from_text(REQUIRED))
    talk.start_and_agree(language="pl")
    talk.reply("x")
    talk.reply("x")
    assert talk.rejected() == ["Proszę wybrać jedną z odpowiedzi."]
    assert talk.said() == [
        "Potrzebujemy odpowiedzi na to pytanie, aby przejść dalej. Wybierz poniżej odpowiedź, "
        "która najlepiej pasuje. Jeśli to nie jest dobry moment, możesz przerwać i wrócić później."
    ]


def test_stop_and_back_still_work_on_a_required_question() -> None:
    talk = Talk(flow_from_text(REQUIRED))
    talk.start_and_agree()
    talk.reply("1")
    for _ in range(3):
        talk.reply("x")
    talk.send(ev.Back(talk.s.seq))
    assert talk.prompt().key == "unit"
    talk.reply("x")
    talk.send(ev.Stop())
    assert any(isinstance(e, ev.ResponsePaused) for e in talk.events)


def test_a_flow_written_before_required_existed_keeps_its_version(every_type: Flow) -> None:
    """Sessions are pinned to a flow's hash: adding the key to the language must not move it."""
    assert every_type.content_hash() == "4ebeb54d6c706360"
    plain = (
        "id: a\ntitle: A\nintro: I\nconsent: {text: C}\nclosing: X\n"
        "questions: [{id: q, type: text, text: T%s}]"
    )
    same = flow_from_text(plain % "").content_hash()
    assert flow_from_text(plain % ", required: false").content_hash() == same
    assert flow_from_text(plain % ", required: true").content_hash() != same
