"""The disclosure rules on their own: the minimum base, merged groups, headline percentages, and
what a report may be broken down by."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest
from analysis_data import ANALYSIS, build
from click.testing import CliRunner
from conftest import CONFIG, flow_from_text
from pydantic import ValidationError

from bot.analysis.disclosure import OTHER, Rule, merged
from bot.analysis.report import build as build_report
from bot.cli import main
from bot.config import ReportConfig, load_config
from bot.storage.reading import Filter

PARENT = {"unit": ("ludlow",), "stages": ("antenatal",), "fft": ("very_good",), "visits": "3",
          "comments": "The midwives were kind"}  # fmt: skip


def test_the_minimum_base_can_be_raised_but_never_lowered() -> None:
    assert load_config(CONFIG).report.min_base == 10
    assert ReportConfig(min_base=20).min_base == 20
    with pytest.raises(ValidationError):
        ReportConfig(min_base=9)
    for lower in ({"suppress_up_to": 6}, {"round_to": 4}):
        with pytest.raises(ValidationError):
            ReportConfig.model_validate(lower)
    assert ReportConfig(min_base=20, suppress_up_to=10, round_to=10).min_base == 20


def test_small_groups_are_merged_until_every_group_meets_the_base() -> None:
    rule = Rule()
    assert merged({"a": 30, "b": 12, "c": 3}, rule) == {"a": "a", "b": OTHER, "c": OTHER}
    assert merged({"a": 30, "b": 12, "c": 10}, rule) == {"a": "a", "b": "b", "c": "c"}
    assert merged({"a": 12, "c": 1}, rule) == {"a": OTHER, "c": OTHER}  # no breakdown left
    assert merged({"a": 3, "b": 4, "c": 5, "d": 40}, rule)["c"] == OTHER  # 12 together


def test_headline_percentages_come_from_actual_counts() -> None:
    rule = Rule()
    assert rule.headline(26, 69) == "38%"  # 37.7%: rounded counts would have said 42%
    assert rule.headline(48, 49) == "98%"  # one "neither" hides nothing
    assert rule.headline(1, 8) is None  # under the minimum base
    assert rule.headline(1, 200) == "1%" and rule.headline(1, 400) == "0%"
    assert rule.headline(1, 40) == "3%"  # 2.5%: half rounds up


@pytest.mark.parametrize("by", ["stages", "comments", "visits", "fft", "birth_place"])
def test_a_report_is_only_broken_down_by_questions_marked_safe(tmp_path: Path, by: str) -> None:
    db = asyncio.run(build(tmp_path, [PARENT] * 2))
    with pytest.raises(Exception, match="use --by source or unit"):
        build_report([db], Filter(), by, Rule())
    out = tmp_path / "r.html"
    result = CliRunner().invoke(main, ["report", "--db", str(db), "--by", by, "--out", str(out)])
    assert result.exit_code == 1 and not out.exists()


def test_the_headline_is_shown_per_group_where_every_group_meets_the_base(tmp_path: Path) -> None:
    telford = {**PARENT, "unit": ("telford",), "fft": ("poor",)}
    good = {**telford, "fft": ("good",)}
    db = asyncio.run(build(tmp_path, [PARENT] * 14 + [telford] * 4 + [good] * 7))
    fft = build_report([db], Filter(), "unit", Rule())["sections"][0]["fft"]
    assert (fft["positive"], fft["negative"]) == ("84%", "16%")  # 21 and 4 of 25
    rows = [(r.label, r.answered, r.positive, r.negative) for r in fft["by_group"]]
    assert rows == [("Ludlow", "15", "100%", "0%"), ("Telford", "10", "64%", "36%")]


@pytest.mark.parametrize(("kind", "marked"), [("multi", "stages"), ("text", "comments")])
def test_only_a_single_choice_question_can_be_a_breakdown(kind: str, marked: str) -> None:
    from bot.questionnaire.check import check_text

    source = (ANALYSIS / "v1.yaml").read_text(encoding="utf-8")
    source = source.replace(f"    type: {kind}\n", f"    type: {kind}\n    breakdown: true\n", 1)
    problems = [str(p) for p in check_text(source, "survey.yaml").problems]
    assert any(f"question '{marked}': 'breakdown' does not belong here" in p for p in problems)


def test_marking_a_breakdown_is_a_new_version() -> None:
    from conftest import load_flow

    marked = load_flow(ANALYSIS / "v1.yaml")
    source = (ANALYSIS / "v1.yaml").read_text(encoding="utf-8")
    plain = flow_from_text(source.replace("    breakdown: true\n", "", 1))
    assert plain.content_hash() != marked.content_hash()


def test_a_unit_with_few_parents_is_never_shown_on_its_own(tmp_path: Path) -> None:
    telford = {**PARENT, "unit": ("telford",), "fft": ("poor",)}
    db = asyncio.run(build(tmp_path, [PARENT] * 14 + [telford] * 3))
    section = build_report([db], Filter(), "unit", Rule())["sections"][0]
    assert section["groups"] == [] and section["fft"]["by_group"] == []  # all one group
    assert all(q["cross"] is None for q in section["questions"])
    out = tmp_path / "r.html"
    result = CliRunner().invoke(
        main, ["report", "--db", str(db), "--by", "unit", "--out", str(out)]
    )
    assert result.exit_code == 0 and "telford" not in out.read_text(encoding="utf-8")


def test_the_friends_and_family_test_over_time_takes_months_together_until_the_base() -> None:
    from bot.analysis.fft import periods, span

    answered = {"2026-01": 4, "2026-02": 7, "2026-03": 12, "2026-04": 3}
    # January and February make 11; March makes 12; April's 3 join March rather than vanish.
    assert periods(answered, Rule()) == [["2026-01", "2026-02"], ["2026-03", "2026-04"]]
    assert periods({"2026-01": 9}, Rule()) == []
    assert span("2025-12", "2026-02") == "Dec 2025–Feb 2026"
    assert span("2026-03", "2026-04") == "Mar–Apr 2026"


def test_the_report_shows_the_friends_and_family_test_per_period(tmp_path: Path) -> None:
    unhappy = {**PARENT, "fft": ("poor",)}
    # 12 parents in one month (9 positive, 3 negative), 11 in the next (all positive).
    db = asyncio.run(build(tmp_path, [PARENT] * 9 + [unhappy] * 3, [PARENT] * 11))
    later = date(2027, 2, 1)  # both months closed
    fft = build_report([db], Filter(), "source", Rule(), today=later)["sections"][0]["fft"]
    rows = [(r.answered, r.positive, r.negative) for r in fft["trend"]]
    assert rows == [("10", "75%", "25%"), ("10", "100%", "0%")]
    assert (fft["positive"], fft["negative"]) == ("87%", "13%")  # 20 and 3 of 23
    assert "<svg" in fft["chart"] and "Positive (blue)" in fft["chart"]


def test_a_questionnaire_nobody_answered_gets_no_section(tmp_path: Path) -> None:
    # Version 2 of another questionnaire is registered when the bot starts, with no answers.
    db = asyncio.run(build(tmp_path, [PARENT] * 12))
    other = (ANALYSIS / "v1.yaml").read_text(encoding="utf-8").replace("id: survey", "id: quiet")
    assert "id: quiet" in other

    async def register() -> None:
        from bot.storage.store import Store

        store = await Store.open(db)
        try:
            await store.register_flow(flow_from_text(other), other, date(2026, 11, 1))
        finally:
            await store.close()

    asyncio.run(register())
    sections = build_report([db], Filter(), "source", Rule())["sections"]
    assert [s["flow"] for s in sections] == ["survey"]


def test_a_breakdown_by_poster_tag_names_its_groups(tmp_path: Path) -> None:
    tagged = {**PARENT, "_tag": "poster-ludlow"}
    db = asyncio.run(build(tmp_path, [tagged] * 12 + [PARENT] * 11))
    section = build_report([db], Filter(), "source", Rule())["sections"][0]
    labels = [r.label for r in section["fft"]["by_group"]]
    assert labels == ["poster-ludlow", "No poster tag"]
    assert [g for g, *_ in section["groups"]] == labels
