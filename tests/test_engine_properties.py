"""Whatever a parent sends, in whatever order, the engine never crashes and never traps them."""

from __future__ import annotations

from conftest import DATA, FLOWS, NOW, flow_from_text, load_flow
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_engine import Talk, finish_until
from test_engine_required import REQUIRED

from bot.conversation import events as ev
from bot.conversation.engine import step
from bot.conversation.session import Session
from bot.questionnaire.conditions import NOT_ANSWERED, PREFER_NOT, holds
from bot.questionnaire.flow import Flow, options_of

FLOW_LIST = [load_flow(p) for p in sorted(FLOWS.glob("*.yaml"))] + [
    load_flow(DATA / "every_type.yaml"),
    flow_from_text(REQUIRED),  # a required question of each kind
]


#: The contact step's own choices: its ways on after a detail that does not fit, and times.
CONTACT_IDS = {"instead", "retry", "only", "none", "morning", "any"}


def inputs_for(flow: Flow) -> st.SearchStrategy[ev.Input]:
    option_ids = sorted(
        {o.id for q in flow.questions for o in options_of(q)} | {"agree", "yes"} | CONTACT_IDS
    )
    labels = [str(o.label) for q in flow.questions for o in options_of(q)]
    seqs = st.one_of(st.none(), st.integers(0, 60))
    texts = st.one_of(
        st.text(max_size=60),
        st.sampled_from(["1", "2", "3", "1, 2", "yes", "no", "skip", "back", "March 2025",
                         "12", "-1", "1e9", "nan", "x" * 5000, "", "   ", "Prefer not to say",
                         "07700 900123", "sam@example.org", *labels]),
    )  # fmt: skip
    tags = st.sampled_from([None, "nonsense", *flow.source_tags])
    return st.one_of(
        st.builds(ev.Start, tags, st.sampled_from([None, "en", "pl", "ro"])),
        st.builds(ev.Choose, st.lists(st.sampled_from(option_ids), max_size=3).map(tuple), seqs),
        st.builds(ev.Toggle, st.sampled_from(option_ids), seqs),
        st.builds(ev.Done, seqs),
        st.builds(ev.Reply, texts),
        st.builds(ev.Back, seqs),
        st.builds(ev.Skip, seqs),
        st.builds(ev.PreferNot, seqs),
        st.just(ev.Restart()),
        st.just(ev.Stop()),
        st.builds(ev.SwitchLanguage, st.sampled_from(["en", "pl", "xx"])),
    )


def check_invariants(flow: Flow, session: Session, events: list[ev.Event]) -> None:
    ids = {q.id for q in flow.questions}
    required = {q.id for q in flow.questions if q.required}
    for key, value in session.answers.items():
        assert not (key in required and value == NOT_ANSWERED), f"required {key} left"
    for key in session.answers:
        assert key.split(".")[0] in ids, key
    for question in flow.questions:
        if question.id in session.answers and question.show_if is not None:
            assert holds(question.show_if, session.answers), f"{question.id} kept but not shown"
    for event in events:
        if isinstance(event, ev.Asked):
            assert event.prompt.seq == session.seq
            assert 0 <= (event.prompt.progress or 0) <= 100
            assert event.prompt.text.strip()
    check_contact(flow, session, events)


def check_contact(flow: Flow, session: Session, events: list[ev.Event]) -> None:
    """A yes is recorded only with the details sent, once, in the same step; details are kept
    only inside the step, and never one that did not fit."""
    contacts = {q.id for q in flow.questions if q.type == "contact"}
    said_yes = [e for e in events if isinstance(e, ev.AnswerRecorded) and e.value == "yes"]
    sent = [e for e in events if isinstance(e, ev.ContactOptedIn)]
    assert len(sent) == len([e for e in said_yes if e.question_id in contacts]) <= 1
    for details in sent:
        assert details.name.strip() and (details.phone or details.email), details
    if session.contact:
        assert session.stage == "contact", session.contact
        assert session.contact_field not in (None, "consent"), session.contact
    failed = {"phone_failed": "phone", "email_failed": "email"}.get(session.contact_field or "")
    assert failed not in session.contact


def check_step(
    flow: Flow, before: Session | None, session: Session, events: list[ev.Event]
) -> None:
    """Only a parent's explicit No or "Don't contact me" records a contact opt-in as "no"."""
    check_invariants(flow, session, events)
    for event in events:
        if isinstance(event, ev.AnswerRecorded) and event.value == "no":
            if flow.question(event.question_id).type != "contact":
                continue
            assert before is not None and before.current == event.question_id
            assert before.contact_field in ("consent", "phone_failed", "email_failed"), before


def finish(flow: Flow, session: Session) -> Session:
    """Answer nothing sensible at all: the re-ask limit must still carry the parent to the end,
    except where the bot rightly keeps asking (a required question): there, once it has asked
    beyond the limit, the parent gives its last option (or a number)."""
    limit = (flow.reask_limit + 2) * (len(flow.questions) + 6) * 2
    prompt: ev.Prompt | None = None
    for _ in range(limit):
        if session.stage in ("complete", "declined"):
            return session
        event: ev.Input = ev.Reply("1") if session.stage == "consent" else ev.Reply("@@@")
        if session.attempts > flow.reask_limit and prompt is not None:
            last = prompt.choices[-1:]
            event = ev.Choose((last[0].id,), prompt.seq) if last else ev.Reply("1")
        before = session
        session, events = step(flow, session, event, NOW)
        check_step(flow, before, session, events)
        prompt = next((e.prompt for e in reversed(events) if isinstance(e, ev.Asked)), prompt)
    raise AssertionError(f"still at {session.stage} {session.current} after {limit} steps")


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_inputs_never_crash_and_always_reach_an_end(data: st.DataObject) -> None:
    flow = data.draw(st.sampled_from(FLOW_LIST))
    session: Session | None = None
    shown = 0
    for event in data.draw(st.lists(inputs_for(flow), max_size=40)):
        before = session
        session, events = step(flow, session, event, NOW)
        check_step(flow, before, session, events)
        if any(isinstance(e, ev.ResponseStarted | ev.ResponseRestarted) for e in events):
            shown = 0
        for asked in (e for e in events if isinstance(e, ev.Asked)):
            progress = asked.prompt.progress or 0
            assert progress >= shown, "progress went back within one response"
            shown = progress
    if session is None:
        session, _ = step(flow, None, ev.Start(), NOW)
    if session.stage == "complete":
        session, _ = step(flow, session, ev.Start(), NOW)
    assert finish(flow, session).stage in ("complete", "declined")


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_answers_survive_a_round_trip_through_json(data: st.DataObject) -> None:
    """What storage keeps (the session as JSON) resumes exactly where the parent was."""
    flow = data.draw(st.sampled_from(FLOW_LIST))
    session: Session | None = None
    for event in data.draw(st.lists(inputs_for(flow), max_size=25)):
        session, _ = step(flow, session, event, NOW)
        reloaded = Session.model_validate_json(session.model_dump_json())
        assert reloaded == session


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_a_required_question_is_never_left_however_it_is_answered(data: st.DataObject) -> None:
    """Mostly answers that do not fit, from a parent who never stops trying."""
    flow = data.draw(
        st.sampled_from([f for f in FLOW_LIST if any(q.required for q in f.questions)])
    )
    unfitting = st.builds(ev.Reply, st.sampled_from(["@@@", "99", "", "lots", "0, 9"]))
    session, _ = step(flow, None, ev.Start(), NOW)
    session, _ = step(flow, session, ev.Reply("1"), NOW)
    for event in data.draw(st.lists(st.one_of(unfitting, inputs_for(flow)), max_size=60)):
        session, events = step(flow, session, event, NOW)
        check_invariants(flow, session, events)
        for left in (e for e in events if isinstance(e, ev.Left)):
            assert not flow.question(left.question_id).required, left


CONTACT_TEXTS = ["Sam", "07700 900123", "+44 7700 900123", "0121 496 0000", "sam@example.org",
                 "not a phone", "sam@", "12345", "", "1", "2", "3", "4", "yes", "no", "skip",
                 "back", "pomiń", "wstecz", "Don't contact me", "x" * 200]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_a_wish_to_be_contacted_is_never_dropped(data: st.DataObject) -> None:
    """From the contact question, whatever is typed or tapped: a yes ends with the details sent,
    an explicit no, or the parent still being asked; never quietly as "no"."""
    flow = load_flow(DATA / "every_type.yaml")
    talk = Talk(flow)
    talk.start_and_agree(language=data.draw(st.sampled_from(["en", "pl"])))
    finish_until(talk, "talk")
    session = talk.s
    ids = st.sampled_from(["yes", "no", *sorted(CONTACT_IDS), "evening", "afternoon", "ludlow"])
    inputs = st.one_of(
        st.builds(ev.Reply, st.sampled_from(CONTACT_TEXTS)),
        st.builds(ev.Choose, st.tuples(ids), st.sampled_from([None, session.seq])),
        st.builds(ev.Back),
        st.builds(ev.Skip),
        st.just(ev.Stop()),
        st.just(ev.Start()),
    )
    sent = False
    for event in data.draw(st.lists(inputs, max_size=50)):
        if isinstance(event, ev.Choose) and event.seq is not None:
            event = ev.Choose(event.options, session.seq)  # a tap on the question on screen
        before = session
        session, events = step(flow, session, event, NOW)
        check_step(flow, before, session, events)
        sent = sent or any(isinstance(e, ev.ContactOptedIn) for e in events)
        if session.stage == "complete":
            break
    assert (session.answers.get("talk") == "yes") == sent
    assert finish(flow, session).stage == "complete"


def declines(event: ev.Input) -> bool:
    """The parent's own "prefer not to say": the button, or its words typed in any language."""
    from bot.conversation.turn import Turn

    return isinstance(Turn.nav_word(event), ev.PreferNot)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_prefer_not_to_say_is_stored_only_when_the_parent_chose_it(data: st.DataObject) -> None:
    """Answers that do not fit, however many, are never counted as a refusal."""
    flow = data.draw(st.sampled_from(FLOW_LIST))
    inputs = data.draw(st.lists(inputs_for(flow).filter(lambda e: not declines(e)), max_size=40))
    session, _ = step(flow, None, ev.Start(), NOW)
    for event in inputs:
        session, _ = step(flow, session, event, NOW)
    session = finish(flow, session)
    assert PREFER_NOT not in session.answers.values(), session.answers
