"""What the bot sends is valid for Telegram: escaped HTML, short enough, callback data in limits."""

from __future__ import annotations

from conftest import DATA, FLOWS, NOW, load_flow
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.telegram.render import (
    MAX_CALLBACK_BYTES,
    MAX_TEXT,
    parse_callback,
    parts,
    render_prompt,
    split_text,
)
from bot.conversation import events as ev
from bot.conversation.engine import step
from bot.questionnaire.flow import options_of

FLOW_LIST = [load_flow(p) for p in sorted(FLOWS.glob("*.yaml"))] + [
    load_flow(DATA / "every_type.yaml")
]


def test_every_question_of_every_flow_renders_within_telegram_limits() -> None:
    for flow in FLOW_LIST:
        for language in flow.languages:
            session, events = step(flow, None, ev.Start(language=language), NOW)
            seen = 0
            for _ in range(200):
                prompts = [e.prompt for e in events if isinstance(e, ev.Asked)]
                if not prompts:
                    break
                prompt = prompts[-1]
                rendered = render_prompt(prompt.__class__(**{**prompt.__dict__, "seq": 10**9}))
                assert 0 < len(rendered.text) <= MAX_TEXT
                for row in rendered.buttons:
                    for label, data in row:
                        assert label.strip()
                        assert 1 <= len(data.encode()) <= MAX_CALLBACK_BYTES
                        assert parse_callback(data) is not None
                seen += 1
                choice = prompt.choices[0].id if prompt.choices else None
                event: ev.Input = ev.Choose((choice,)) if choice else ev.Reply("skip")
                session, events = step(flow, session, event, NOW)
            assert seen >= 3, flow.id


def test_text_is_escaped_for_html() -> None:
    prompt = ev.Prompt(key="q", kind="text", text="Was it <b>ok</b> & safe?", language="en",
                       seq=1, help="Use < and >")  # fmt: skip
    rendered = render_prompt(prompt)
    assert "<b>Was it &lt;b&gt;ok&lt;/b&gt; &amp; safe?</b>" in rendered.text
    assert "Use &lt; and &gt;" in rendered.text


def test_callback_data_round_trips() -> None:
    assert parse_callback("7:c:ludlow") == ev.Choose(("ludlow",), 7)
    assert parse_callback("7:t:birth") == ev.Toggle("birth", 7)
    assert parse_callback("7:d") == ev.Done(7)
    assert parse_callback("7:b") == ev.Back(7)
    assert parse_callback("7:s") == ev.Skip(7)
    assert parse_callback("7:p") == ev.PreferNot(7)
    for nonsense in ("", "x:c:a", "7:z", "7:c", "7:t:", "lang"):
        assert parse_callback(nonsense) is None


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=0, max_size=20_000))
def test_long_messages_are_split_into_valid_parts(text: str) -> None:
    parts = split_text(text)
    assert all(0 < len(p) <= MAX_TEXT for p in parts)
    assert "".join(parts).replace(" ", "").replace("\n", "") == (
        text.replace(" ", "").replace("\n", "")
        if text.strip()
        else parts[0].replace(" ", "").replace("\n", "")
    )


def test_option_ids_fit_in_buttons_for_all_flows() -> None:
    for flow in FLOW_LIST:
        for question in flow.questions:
            for option in options_of(question):
                assert len(f"{10**9}:c:{option.id}".encode()) <= MAX_CALLBACK_BYTES


def test_a_reply_goes_out_in_as_few_messages_as_fit_with_help_first_and_warnings_alone() -> None:
    flow = FLOW_LIST[0]
    _, events = step(flow, None, ev.Start(language="en"), NOW)
    asked = next(e for e in events if isinstance(e, ev.Asked))
    help_now, thanks, intro = ev.Signposted("call 999"), ev.Said("Thank you."), ev.Said("Next:")
    warning, stored = ev.Rejected("Please choose one."), ev.AnswerRemoved("q")
    reply = [help_now, thanks, stored, intro, asked]
    assert [p.events for p in parts(reply)] == [(help_now,), (thanks, stored, intro, asked)]
    assert [p.end for p in parts(reply)] == [1, 5]  # after each message, how far it was shown
    assert [p.events for p in parts([warning, asked])] == [(warning,), (asked,)]
    # What does not fit in one message goes in more, in the same order.
    long = ev.Said("x" * (MAX_TEXT - 10))
    assert [p.events for p in parts([thanks, long, asked])] == [(thanks,), (long,), (asked,)]
    assert [p.end for p in parts([thanks, long, asked])] == [1, 2, 3]
    huge = ev.Said("y " * MAX_TEXT)  # split by split_text, on its own
    assert [p.events for p in parts([thanks, huge, asked])] == [(thanks,), (huge,), (asked,)]
