"""Reports cover whole closed periods by default, so two reports of the same months are the same
whenever they are made, and any two reports differ by at least the minimum base of parents."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from pathlib import Path

from analysis_data import build
from click.testing import CliRunner
from conftest import NOW

from bot.analysis.disclosure import Rule
from bot.analysis.periods import Period, covered, last_closed, periods
from bot.analysis.report import build as build_report
from bot.cli import main
from bot.storage.reading import Filter

PARENT = {"unit": ("ludlow",), "stages": ("antenatal",), "fft": ("very_good",), "visits": "3",
          "comments": "The midwives were kind"}  # fmt: skip
TODAY = date(2026, 12, 8)


def test_the_last_closed_month() -> None:
    assert last_closed(date(2026, 12, 8)) == "2026-11"
    assert last_closed(date(2027, 1, 1)) == "2026-12"


def test_months_are_grouped_into_periods_of_at_least_the_minimum_base() -> None:
    months = {"2026-07": 4, "2026-08": 7, "2026-09": 12, "2026-10": 3, "2026-11": 40}
    assert periods(months, "2026-10", Rule()) == [("2026-07", "2026-08"), ("2026-09", "2026-09")]
    asked = Period(None, None)
    assert covered(months, asked, Rule(), date(2026, 11, 2)) == Period("2026-07", "2026-09")
    assert covered(months, Period("2026-08", None), Rule(), date(2026, 11, 2)) == Period(
        "2026-09", "2026-09"
    )
    assert covered(months, Period(None, "2026-07"), Rule(), date(2026, 11, 2)) is None
    assert covered(months, asked, Rule(), date(2026, 11, 2), to_date=True) == asked


def test_a_response_in_the_month_not_yet_ended_changes_nothing(tmp_path: Path) -> None:
    october = NOW - timedelta(days=30)
    before = asyncio.run(build(tmp_path, [PARENT] * 12, when=october))
    unhappy = {**PARENT, "fft": ("poor",)}  # answers on 4 December, the month not yet ended
    after = asyncio.run(build(tmp_path, [PARENT] * 12, [unhappy], name="b.sqlite3", when=october))
    first, second = (build_report([db], Filter(), "source", Rule(), today=TODAY)["sections"][0]
                     for db in (before, after))  # fmt: skip
    assert first["period"] == second["period"] == ("2026-10", "2026-10")
    for key in ("started", "complete", "fft", "months"):
        assert first[key] == second[key], key
    fft = [q for q in second["questions"] if q["id"] == "fft"]
    assert fft == [q for q in first["questions"] if q["id"] == "fft"]


def test_a_report_up_to_today_says_so(tmp_path: Path) -> None:
    db = asyncio.run(build(tmp_path, [PARENT] * 12))
    out = tmp_path / "r.html"
    result = CliRunner().invoke(main, ["report", "--db", str(db), "--out", str(out), "--to-date"])
    assert result.exit_code == 0 and "Warning: This report runs up to today" in result.output
    html = out.read_text(encoding="utf-8")
    assert "<b>Up to today:</b>" in html and "Responses started from the start to today" in html
