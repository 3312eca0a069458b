"""Staff commands in Telegram, through the real python-telegram-bot stack and the fake Bot API."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

from analysis_data import ANALYSIS
from conftest import eventually
from hypothesis import given, settings
from hypothesis import strategies as st
from tg_harness import Parent, running_bot

from bot.analysis.disclosure import Rule
from bot.channels.telegram.render import MAX_TEXT
from bot.channels.telegram.staff import refused_reload
from bot.config import StaffConfig
from bot.errors import MAX_PROBLEMS, FlowProblems, more_problems

STAFF = 4_000_001
PARENT = 4_000_002


def survey_flows(tmp_path: Path) -> Path:
    flows = tmp_path / "flows"
    flows.mkdir()
    shutil.copy(ANALYSIS / "v1.yaml", flows / "survey.yaml")
    return flows


async def test_staff_get_stats_export_and_reload(tmp_path: Path) -> None:
    flows = survey_flows(tmp_path)
    staff = StaffConfig(telegram_ids=[STAFF])
    async with running_bot(tmp_path, flows=flows, default_flow="survey", staff=staff) as h:
        menu = [c["command"] for c in h.tg.menu({"type": "chat", "chat_id": STAFF})]
        assert {"stats", "export", "report", "reload", "start", "delete"} <= set(menu)
        assert "stats" not in [c["command"] for c in h.tg.commands]  # parents' menu
        parent = Parent(h, PARENT)
        await parent.start()
        await parent.tap("Yes, I'm happy to start")
        await parent.tap("Ludlow")
        me = Parent(h, STAFF)

        await me.command("/stats")
        await eventually(lambda: any("Responses" in t for t in me.texts()), what="stats")
        stats = next(t for t in me.texts() if "Responses" in t)
        assert "survey: fewer than 10, not shown" in stats  # one partial response
        assert "Counts of 1 to 7 are shown as *" in stats

        await me.command("/export")
        # The first export and report load their libraries in the bot: allow for a busy machine.
        await eventually(lambda: h.tg.uploads, timeout=20, what="the export sent as a document")
        method, name, body = h.tg.uploads[0]
        assert (method, name) == ("sendDocument", "survey.csv")
        rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
        assert [(r["unit"], r["status"]) for r in rows] == [("ludlow", "partial")]

        await me.command("/report")
        await eventually(
            lambda: len(h.tg.uploads) == 2, timeout=20, what="the report sent as a document"
        )
        method, name, body = h.tg.uploads[1]
        assert (method, name) == ("sendDocument", "report-all.html")
        page = body.decode()
        assert page.startswith("<!doctype html>") and "Counts of 1 to 7" in page
        assert "Whole months that have ended" in page and "Up to today" not in page
        assert "Not shown: fewer than 10 parents" in page  # one partial response: nothing
        assert not re.search(r"(src|href)=[\"']?https?:", page)  # nothing fetched from outside

        (flows / "survey.yaml").write_text(
            (ANALYSIS / "v1.yaml").read_text().replace("type: single", "type: singel", 1)
        )
        await me.command("/reload")
        await eventually(lambda: any("Not reloaded" in t for t in me.texts()), what="errors")
        refused = next(t for t in me.texts() if "Not reloaded" in t)
        assert "survey.yaml:" in refused and "singel" in refused
        await parent.tap("▫️ Before birth")  # the questionnaire in use still works
        await parent.tap("✔️ Done")
        assert "Overall, how was your experience" in parent.question().text

        shutil.copy(ANALYSIS / "v2.yaml", flows / "survey.yaml")
        await me.command("/reload")
        await eventually(lambda: any("Reloaded: survey" in t for t in me.texts()), what="ok")


async def test_commands_are_unknown_to_everyone_else(tmp_path: Path) -> None:
    flows = survey_flows(tmp_path)
    staff = StaffConfig(telegram_ids=[STAFF])
    async with running_bot(tmp_path, flows=flows, default_flow="survey", staff=staff) as h:
        parent = Parent(h, PARENT)
        await parent.start()
        await parent.command("/nonsense")
        unknown = parent.texts()[-1:]  # "I don't know that command", and the question again
        for command in ("/stats", "/export", "/report", "/reload"):
            before = len(parent.texts())
            await parent.command(command)
            assert parent.texts()[before:] == unknown, command
        assert not h.tg.uploads


def test_disclosure_rule_at_its_boundaries() -> None:
    rule = Rule()
    shown = {n: rule.count(n) for n in (0, 1, 7, 8, 12, 13, 1234)}
    assert shown == {0: "0", 1: "*", 7: "*", 8: "10", 12: "10", 13: "15", 1234: "1235"}
    assert rule.percent(5, 100) == "*" and rule.percent(50, 7) == "*"
    assert rule.percent(13, 22) == "75%"  # 15 of 20: from the rounded counts
    assert rule.percent(0, 0) == "–"


async def test_reload_of_a_file_with_thousands_of_mistakes_answers_in_one_message(
    tmp_path: Path,
) -> None:
    flows = survey_flows(tmp_path)
    staff = StaffConfig(telegram_ids=[STAFF])
    async with running_bot(tmp_path, flows=flows, default_flow="survey", staff=staff) as h:
        me = Parent(h, STAFF)
        await me.start()
        long_keys = "".join(f"x{k}{'x' * 400}: 1\n" for k in range(2000))
        (flows / "noisy.yaml").write_text((ANALYSIS / "v1.yaml").read_text() + long_keys)
        await me.command("/reload")
        await eventually(lambda: any("Not reloaded" in t for t in me.texts()), what="errors")
        refused = next(t for t in me.texts() if "Not reloaded" in t)
        lines = refused.split("\n")
        assert len(refused) <= MAX_TEXT and 1 < len(lines) <= 22
        assert all(line.endswith("…") for line in lines[1:-1])  # each long line cut short
        listed = len(lines) - 2
        assert lines[-1] == more_problems(2000 - listed)


@settings(max_examples=200)
@given(
    st.lists(
        st.text(st.characters(exclude_characters="\n"), min_size=1, max_size=5000),
        min_size=1,
        max_size=MAX_PROBLEMS,
    ),
    st.integers(0, 10**6),
)
def test_a_refused_reload_always_fits_in_one_telegram_message(
    problems: list[str], more: int
) -> None:
    text = refused_reload(FlowProblems(problems, more=more))
    lines = text.split("\n")
    assert len(text) <= MAX_TEXT
    assert lines[0] == "Not reloaded: the questionnaires in use are unchanged."
    listed = [line for line in lines[1:] if not line.startswith("… and ")]
    hidden = len(problems) + more - len(listed)
    assert (lines[-1] == more_problems(hidden)) if hidden else not lines[-1].startswith("… and ")
