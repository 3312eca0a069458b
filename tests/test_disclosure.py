"""The disclosure rules on their own: the minimum base, merged groups, headline percentages, and
what a report may be broken down by."""

from __future__ import annotations

import asyncio
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
    assert fft["by_group"] == [("ludlow", "15", "100%", "0%"), ("telford", "10", "64%", "36%")]


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
