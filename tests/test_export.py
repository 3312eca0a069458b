"""Exports and the codebook, from databases filled by real conversations through the service."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from analysis_data import build
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from bot.analysis.writers import neutralise
from bot.cli import main

TRICKY = 'Scan day, with "quotes"\nand a new line'
FORMULA = "=1+1 lovely care"
V1 = [
    {"unit": ("ludlow",), "stages": ("antenatal", "birth"), "birth_place": ("home",),
     "fft": ("very_good",), "visits": "5", "comments": FORMULA},
    {"unit": ("telford",), "stages": ("antenatal",), "fft": ("good",), "visits": "skip",
     "comments": "skip"},
    {"unit": ("ludlow",), "stages": ("other",), "stages.other": TRICKY, "fft": ("poor",),
     "visits": "prefer", "comments": "skip"},
    {"unit": ("ludlow",)},  # stops after the first question: a partial response
]  # fmt: skip
V2 = [
    {"unit": ("telford",), "stages": ("birth",), "birth_place": ("unit",), "fft": ("very_good",),
     "visits": "2", "improve": "More parking"},
]  # fmt: skip


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import asyncio

    return asyncio.run(build(tmp_path_factory.mktemp("export"), V1, V2))


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "no byte-order mark: Excel would misread accents"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def by_unit_and_fft(rows: list[dict[str, str]]) -> dict[tuple[str, str], dict[str, str]]:
    return {(r["unit"], r["fft"]): r for r in rows}


def test_wide_csv_has_stable_columns_and_four_kinds_of_missing(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "answers.csv"
    run("export", "--db", str(db), "--out", str(out))
    rows = read_csv(out)
    assert list(rows[0])[:9] == ["response", "flow", "version", "flow_hash", "status",
                                 "language", "source", "started", "finished"]  # fmt: skip
    assert list(rows[0])[9:] == [
        "unit", "stages", "stages/antenatal", "stages/birth", "stages/other", "stages.other",
        "birth_place", "fft", "visits", "improve", "improve.themes", "improve.sentiment",
        "comments", "comments.themes", "comments.sentiment",
    ]  # fmt: skip
    assert len(rows) == 5
    r = by_unit_and_fft(rows)
    first, second = r[("ludlow", "very_good")], r[("telford", "good")]
    assert (first["stages"], first["stages/antenatal"], first["stages/birth"]) == (
        "antenatal birth", "1", "1")  # fmt: skip
    assert first["stages/other"] == "0" and first["birth_place"] == "home"
    assert first["visits"] == "5" and first["comments"] == "'" + FORMULA  # neutralised
    assert first["improve"] == ""  # not in version 2026.1
    assert second["birth_place"] == "_not_asked"
    assert (second["visits"], second["comments"]) == ("_skipped", "_skipped")
    third = r[("ludlow", "poor")]
    assert third["stages.other"] == TRICKY  # commas, quotes and new lines survive the round trip
    assert third["visits"] == "_prefer_not_to_say"
    partial = r[("ludlow", "_not_reached")]
    assert partial["status"] == "partial" and partial["finished"] == ""
    # birth_place's show_if reads stages, which this parent never reached: not reached either
    assert {
        partial[c] for c in ("stages", "stages/birth", "birth_place", "visits", "comments")
    } == {"_not_reached"}
    newer = r[("telford", "very_good")]
    assert (newer["version"], newer["improve"], newer["comments"]) == (
        "2026.2", "More parking", "")  # fmt: skip
    assert first["version"] == "2026.1" and first["started"] == "2026-11"


def test_response_ids_are_random_never_the_pseudonym_or_row_id(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.csv"
    run("export", "--db", str(db), "--out", str(out))
    ids = [r["response"] for r in read_csv(out)]
    again = [r["response"] for r in read_csv(out) if run("export", "--db", str(db), "--out", "-")]
    with sqlite3.connect(db) as conn:
        stored = {str(v) for row in conn.execute("SELECT id, respondent FROM responses")
                  for v in row}  # fmt: skip
    assert len(set(ids)) == len(ids) == 5
    assert all(len(i) == 16 and int(i, 16) >= 0 for i in ids)
    assert not stored & set(ids)
    assert ids == again  # the same file read twice; a new export makes new ids:
    fresh = tmp_path / "b.csv"
    run("export", "--db", str(db), "--out", str(fresh))
    assert not set(ids) & {r["response"] for r in read_csv(fresh)}


def test_labels_in_either_language(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "labels.csv"
    run("export", "--db", str(db), "--labels", "--out", str(out))
    first = by_unit_and_fft(read_csv(out))[("Ludlow", "Very good")]
    assert first["stages"] == "Before birth; Birth" and first["stages/birth"] == "1"
    second = by_unit_and_fft(read_csv(out))[("Telford", "Good")]
    assert (second["birth_place"], second["visits"]) == ("(not asked)", "(skipped)")
    run("export", "--db", str(db), "--labels", "--lang", "pl", "--out", str(out))
    assert {r["stages"] for r in read_csv(out)} >= {"Przed porodem; Poród", "Poród"}


def test_long_form_one_row_per_answer(db: Path) -> None:
    def long(*args: str) -> list[dict[str, str]]:
        out = run("export", "--db", str(db), "--long", "--out", "-", *args)
        return list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))

    rows = long()
    assert list(rows[0])[-2:] == ["question", "value"]
    with sqlite3.connect(db) as conn:
        (stored,) = conn.execute("SELECT count(*) FROM answers").fetchone()
    assert len(rows) == stored
    skipped = [r for r in rows if r["value"] == "_skipped"]
    assert {r["question"] for r in skipped} == {"visits", "comments"}
    assert any(r["question"] == "stages" and r["value"] == "antenatal birth" for r in rows)
    labelled = long("--labels")
    assert any(r["question"] == "stages" and r["value"] == "Before birth; Birth" for r in labelled)
    assert {r["value"] for r in labelled if r["question"] == "visits"} >= {"(skipped)", "5"}


def test_status_and_month_filters(db: Path) -> None:
    def count(*args: str) -> int:
        return len(run("export", "--db", str(db), "--format", "jsonl", "--out", "-", *args)
                   .splitlines())  # fmt: skip

    assert count() == 5
    assert count("--status", "complete") == 4
    assert count("--since", "2026-12") == 1  # version 2 was answered 40 days later
    assert count("--until", "2026-11") == 4
    result = CliRunner().invoke(main, ["export", "--db", str(db), "--since", "2026-13",
                                       "--out", "-"])  # fmt: skip
    assert result.exit_code == 2 and "not a month like 2026-03" in result.output


def test_jsonl_keeps_types(db: Path) -> None:
    rows = [json.loads(line) for line in run(
        "export", "--db", str(db), "--out", "-", "--format", "jsonl").splitlines()]  # fmt: skip
    first = next(r for r in rows if r["fft"] == "very_good" and r["unit"] == "ludlow")
    assert first["visits"] == 5 and first["stages/birth"] == 1 and first["improve"] is None
    assert first["comments"] == FORMULA  # only spreadsheets need neutralising


def test_xlsx_round_trip_with_codebook_sheets(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "answers.xlsx"
    run("export", "--db", str(db), "--out", str(out))
    book = openpyxl.load_workbook(out, read_only=False)
    assert book.sheetnames == ["survey_answers", "survey", "choices", "missing_values"]
    answers = book["survey_answers"]
    assert answers.freeze_panes == "A2"
    header = [c.value for c in answers[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in answers.iter_rows(2)]
    first = next(r for r in rows if r["fft"] == "very_good" and r["unit"] == "ludlow")
    assert first["comments"] == FORMULA and first["visits"] == 5  # text stays text, no formula
    assert answers.column_dimensions["A"].width >= 10
    survey = [[c.value for c in row] for row in book["survey"].iter_rows()]
    assert survey[0][:3] == ["flow", "name", "type"]


def test_several_databases_merged_with_a_source_column(tmp_path: Path) -> None:
    import asyncio

    regions = tmp_path / "regions"
    regions.mkdir()
    asyncio.run(build(regions, V1[:2], name="north.sqlite3"))
    asyncio.run(build(regions, V1[2:3], V2, name="-south.sqlite3"))
    out = tmp_path / "all.csv"
    run("export", "--db", str(regions / "*.sqlite3"), "--out", str(out))
    rows = read_csv(out)
    assert next(iter(rows[0])) == "database"
    # a file name a spreadsheet would read as a formula is made inert like any text
    assert sorted(r["database"] for r in rows) == ["'-south", "'-south", "north", "north"]
    assert "improve" in rows[0] and "comments" in rows[0]


def test_clear_messages_for_what_cannot_be_done(db: Path, tmp_path: Path) -> None:
    def fails(*args: str) -> str:
        result = CliRunner().invoke(main, ["export", "--db", str(db), *args])
        assert result.exit_code == 1, result.output
        return result.output

    assert "no answers to a questionnaire called 'nope'" in fails("--flow", "nope", "--out", "-")
    assert "questionnaires there: survey" in fails("--flow", "nope", "--out", "-")
    assert "give --out FILE" in fails("--format", "xlsx", "--out", "-")
    missing = CliRunner().invoke(main, ["export", "--db", str(tmp_path / "x.db"), "--out", "-"])
    assert missing.exit_code == 1 and "no such database file" in missing.output


def test_codebook_follows_xlsform(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "codebook.csv"
    run("codebook", "--db", str(db), "--out", str(out))
    rows = {r["name"]: r for r in read_csv(out)}
    assert rows["stages"]["type"] == "select_multiple stages"
    assert rows["fft"]["type"] == "select_one fft"
    assert rows["birth_place"]["relevant"] == "selected(${stages}, 'birth')"
    assert rows["unit"]["versions"] == "2026.1 2026.2"
    assert (rows["comments"]["versions"], rows["improve"]["versions"]) == ("2026.1", "2026.2")
    assert rows["visits"]["missing_values"].split() == [
        "_skipped", "_prefer_not_to_say", "_no_valid_answer", "_not_reached"]  # fmt: skip
    assert rows["stages"]["label::pl"] == "Które części opieki?"
    assert rows["stages"]["columns"].split()[-1] == "stages.other"
    md = run("codebook", "--db", str(db), "--format", "md", "--out", "-")
    assert "## choices" in md and "| survey | stages | other | Something else | Coś innego |" in md
    assert "_not_reached | (not reached) |" in md


@given(st.text())
def test_neutralised_text_never_starts_a_formula(text: str) -> None:
    out = neutralise(text)
    assert isinstance(out, str)
    assert not out.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert out.removeprefix("'") == text or out == text


@given(
    st.lists(st.one_of(st.none(), st.text(max_size=20), st.integers()), min_size=1, max_size=5),
    st.lists(st.tuples(st.text(max_size=10), st.one_of(st.text(max_size=30), st.integers()))),
)
def test_long_form_fast_path_writes_what_the_csv_module_would(
    meta: list[str | int | None], pairs: list[tuple[str, str | int]]
) -> None:
    from bot.analysis.writers import CsvSink

    fast, slow = io.StringIO(), io.StringIO()
    sink = CsvSink(fast)
    sink.answers("answers", meta, pairs)
    writer = csv.writer(slow, lineterminator="\r\n")
    writer.writerows([(*meta, q, neutralise(v)) for q, v in pairs])
    assert fast.getvalue() == "\ufeff" + slow.getvalue()


def test_a_skipped_multiple_choice_is_skipped_in_every_column(tmp_path: Path) -> None:
    import asyncio

    parents = [{"unit": ("ludlow",), "stages": "skip", "fft": ("good",), "visits": "1",
                "comments": "skip"}]  # fmt: skip
    db = asyncio.run(build(tmp_path, parents))
    out = tmp_path / "answers.csv"
    run("export", "--db", str(db), "--out", str(out))
    (row,) = read_csv(out)
    stages = [c for c in row if c.startswith("stages")]
    assert stages == ["stages", "stages/antenatal", "stages/birth", "stages/other", "stages.other"]
    assert {row[c] for c in stages} == {"_skipped"}
    assert row["birth_place"] == "_not_asked"  # its show_if reads the skipped ticks as no ticks
    long = list(csv.DictReader(io.StringIO(run("export", "--db", str(db), "--long", "--out", "-")
                                           .removeprefix("\ufeff"))))  # fmt: skip
    assert [r["value"] for r in long if r["question"] == "stages"] == ["_skipped"]


def test_typed_other_text_is_neutralised_too(tmp_path: Path) -> None:
    import asyncio

    parents = [{"unit": ("ludlow",), "stages": ("other",), "stages.other": "+ a home visit",
                "fft": ("good",), "visits": "1", "comments": "skip"}]  # fmt: skip
    db = asyncio.run(build(tmp_path, parents))
    out = tmp_path / "answers.csv"
    run("export", "--db", str(db), "--out", str(out))
    (row,) = read_csv(out)
    assert row["stages.other"] == "'+ a home visit"
    run("export", "--db", str(db), "--labels", "--out", str(out))
    (row,) = read_csv(out)
    assert (row["stages.other"], row["stages"]) == ("'+ a home visit", "Something else")


def test_a_question_that_changed_from_ticks_to_one_choice_keeps_both_kinds_of_answer() -> None:
    from test_validate import MINIMAL

    from bot.analysis.columns import cells, plan
    from bot.questionnaire.check import check_text
    from bot.questionnaire.flow import Flow

    def version(kind: str, label: str) -> tuple[str, str, Flow]:
        questions = (f"  - {{id: care, type: {kind}, text: Which?, "
                     "options: [{id: home, label: Home}, {id: unit, label: Unit}]}")  # fmt: skip
        flow = check_text(MINIMAL.format(questions=questions), f"{label}.yaml").flow
        assert flow is not None
        return label, label, flow

    p = plan("tiny", [version("multi", "v1"), version("single", "v2")])
    assert p.columns() == ["care"]  # the newest wording: one column
    assert cells(p, "v1", {"care": ["home", "unit"]}, complete=True) == ["home unit"]
    assert cells(p, "v2", {"care": "unit"}, complete=True) == ["unit"]
    assert cells(p, "v2", {}, complete=False) == ["_not_reached"]
