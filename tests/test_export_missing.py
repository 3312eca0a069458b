"""The values that stand for "no answer", as analysts read them in an export: a refusal is only
ever the parent's own choice, and a partial response's unreached questions are "not reached"."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

from analysis_data import build
from click.testing import CliRunner

from bot.cli import main

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
