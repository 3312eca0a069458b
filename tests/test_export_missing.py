"""The values that stand for "no answer", as analysts read them in an export: a refusal is only
ever the parent's own choice, and a partial response's unreached questions are "not reached"."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

from analysis_data import build
from click.testing import CliRunner
from conftest import NOW
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_engine_properties import FLOW_LIST, inputs_for

from bot.analysis.columns import NOT_ASKED, NOT_REACHED, cells, plan
from bot.cli import main
from bot.conversation import events as ev
from bot.conversation.engine import step
from bot.questionnaire.flow import InfoStep

FULL = {"unit": ("ludlow",), "stages": ("antenatal",), "fft": ("good",), "visits": "1",
        "comments": "skip"}  # fmt: skip


def export_rows(db: Path, *args: str) -> list[dict[str, str]]:
    result = CliRunner().invoke(main, ["export", "--db", str(db), "--out", "-", *args])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout.removeprefix("\ufeff"))))


def test_answers_that_never_fit_are_no_valid_answer_not_a_refusal(tmp_path: Path) -> None:
    # visits offers "Prefer not to say"; this parent typed words until the bot moved on
    gave_up = FULL | {"visits": "lots"}
    declined = FULL | {"visits": "prefer"}
    db = asyncio.run(build(tmp_path, [gave_up, declined]))
    assert sorted(r["visits"] for r in export_rows(db)) == ["_no_valid_answer",
                                                            "_prefer_not_to_say"]  # fmt: skip
    labels = sorted(r["visits"] for r in export_rows(db, "--labels"))
    assert labels == ["(no valid answer)", "(prefer not to say)"]
    long = [r["value"] for r in export_rows(db, "--long") if r["question"] == "visits"]
    assert sorted(long) == ["_no_valid_answer", "_prefer_not_to_say"]


def test_a_partial_response_tells_branching_from_stopping(tmp_path: Path) -> None:
    # stopped at fft, after stages without "birth": birth_place was passed over by branching
    passed = {"unit": ("ludlow",), "stages": ("antenatal",)}
    # stopped at stages: birth_place's condition reads an answer never given
    stopped = {"unit": ("telford",)}
    db = asyncio.run(build(tmp_path, [passed, stopped]))
    rows = {r["unit"]: r for r in export_rows(db)}
    assert rows["ludlow"]["birth_place"] == "_not_asked"
    assert rows["ludlow"]["fft"] == "_not_reached"
    assert rows["telford"]["birth_place"] == "_not_reached"
    assert rows["telford"]["stages/birth"] == "_not_reached"


def test_the_codebook_says_what_each_missing_value_means(tmp_path: Path) -> None:
    db = asyncio.run(build(tmp_path, [FULL]))
    result = CliRunner().invoke(main, ["codebook", "--db", str(db), "--format", "md", "--out", "-"])
    assert result.exit_code == 0, result.output
    assert "also where 'Prefer not to say' was offered" in result.stdout
    assert "whether or not its show_if would have held" in result.stdout


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_parent_who_stops_anywhere_is_not_reached_from_there_on(data: st.DataObject) -> None:
    """Whatever a parent sends before stopping (no Back, which revisits earlier questions), the
    question the bot waits on and every later one without an answer is `_not_reached`, and
    every earlier one without an answer was passed over by branching: `_not_asked`."""
    flow = data.draw(st.sampled_from(FLOW_LIST))
    forward = inputs_for(flow).filter(lambda e: not isinstance(e, ev.Back | ev.Restart))
    session, _ = step(flow, None, ev.Start(), NOW)
    session, _ = step(flow, session, ev.Choose(("agree",), session.seq), NOW)
    for event in data.draw(st.lists(forward, max_size=30)):
        session, _ = step(flow, session, event, NOW)
    if session.stage != "question" or session.current is None:
        return  # finished, declined, or inside a follow-up: not a parent stopped at a question
    p = plan(flow.id, [("v", "1", flow)])
    row = dict(zip(p.columns(), cells(p, "v", dict(session.answers), complete=False), strict=True))
    order = [q.id for q in flow.questions]
    waiting = order.index(session.current)
    for at, question in enumerate(flow.questions):
        if isinstance(question, InfoStep) or question.id in session.answers:
            continue
        expected = NOT_REACHED if at >= waiting else NOT_ASKED
        assert row[question.id] == expected, (question.id, session.current, session.answers)
