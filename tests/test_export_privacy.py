"""Exports tried the way an intruder would: lining two exports up row by row, reading when a
workbook was made, and a merge of regions whose files share a name; and the file left behind
when an export fails."""

from __future__ import annotations

import asyncio
import csv
import io
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from analysis_data import build
from click.testing import CliRunner
from conftest import DATA, FLOWS, NOW
from hypothesis import given
from hypothesis import strategies as st

from bot.analysis.export import database_names
from bot.cli import main

PARENTS = [
    {"unit": ("ludlow",), "stages": ("antenatal",), "fft": ("good",), "visits": str(n),
     "comments": "skip"}
    for n in range(1, 13)
]  # fmt: skip


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return asyncio.run(build(tmp_path_factory.mktemp("privacy"), PARENTS))


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def xlsx_rows(path: Path) -> list[tuple[object, ...]]:
    sheet = openpyxl.load_workbook(path)["survey_answers"]
    return [tuple(c.value for c in row) for row in sheet.iter_rows(2)]


def test_two_exports_of_the_same_answers_do_not_line_up(db: Path, tmp_path: Path) -> None:
    first, second = (csv_rows(run("export", "--db", str(db), "--out", "-")) for _ in range(2))
    order = [[r["visits"] for r in rows] for rows in (first, second)]
    arrival = [str(n) for n in range(1, 13)]
    # 12 responses: the chance of the same order twice by luck is 1 in 479,001,600
    assert order[0] != order[1] and arrival not in order
    assert sorted(order[0]) == sorted(order[1]) == sorted(arrival)
    long = [[r["response"] for r in csv_rows(run("export", "--db", str(db), "--long",
                                                 "--out", "-"))] for _ in range(2)]  # fmt: skip
    visits = [
        [r["value"] for r in csv_rows(run("export", "--db", str(db), "--long", "--out", "-"))
         if r["question"] == "visits"] for _ in range(2)
    ]  # fmt: skip
    assert len(set(long[0])) == 12 and visits[0] != visits[1]


def test_a_workbook_never_says_when_it_was_made(db: Path, tmp_path: Path) -> None:
    made = []
    for n in range(2):
        out = tmp_path / f"answers{n}.xlsx"
        run("export", "--db", str(db), "--out", str(out))
        made.append(out)
        time.sleep(1.1)  # a second apart: a creation time would differ
    books = [zipfile.ZipFile(path) for path in made]
    now = datetime.now(UTC)
    for book in books:
        for info in book.infolist():
            assert info.date_time[:1] == (1980,) and info.date_time[3:] == (0, 0, 0), info
            text = book.read(info).decode("utf-8", "replace")
            assert now.strftime("%Y-%m-%d") not in text and now.strftime("%H:%M") not in text
    assert openpyxl.load_workbook(made[0]).properties.created == datetime(1980, 1, 1)
    names = books[0].namelist()
    assert names == books[1].namelist()
    assert [i.date_time for i in books[0].infolist()] == [i.date_time for i in books[1].infolist()]
    answers = "xl/worksheets/sheet1.xml"
    for name in names:  # every part but the answers themselves is byte for byte the same
        if name not in (answers, "xl/sharedStrings.xml"):
            assert books[0].read(name) == books[1].read(name), name
    # and the answers differ only in their order (and the response ids made afresh each time)
    rows = [sorted(r[1:] for r in xlsx_rows(path)) for path in made]
    assert rows[0] == rows[1]
    header = next(openpyxl.load_workbook(made[0])["survey_answers"].iter_rows(max_row=1))
    at = [c.value for c in header].index("visits")
    assert [r[at] for r in xlsx_rows(made[0])] != [r[at] for r in xlsx_rows(made[1])]


def test_merged_regions_with_the_same_file_name_are_told_apart(tmp_path: Path) -> None:
    for region, parents in (("north", PARENTS[:2]), ("south", PARENTS[2:3])):
        (tmp_path / "regions" / region).mkdir(parents=True)
        asyncio.run(build(tmp_path / "regions" / region, parents))
    pattern = str(tmp_path / "regions" / "*" / "feedback.sqlite3")
    rows = csv_rows(run("export", "--db", pattern, "--out", "-"))
    assert sorted(r["database"] for r in rows) == [
        "north/feedback", "north/feedback", "south/feedback"]  # fmt: skip


paths = st.lists(
    st.lists(st.sampled_from(["a", "b", "feedback", "x.db", "feedback.sqlite3", "-s"]),
             min_size=1, max_size=4).map(lambda parts: Path("/", *parts)),
    min_size=1, max_size=6, unique=True,
)  # fmt: skip


@given(paths)
def test_every_database_gets_its_own_name_from_the_end_of_its_path(found: list[Path]) -> None:
    names = database_names(found)
    assert len(set(names.values())) == len(found)
    for path, name in names.items():
        assert str(path).endswith(name) or str(path.with_suffix("")).endswith(name)


def test_csv_needs_no_flow_when_only_one_questionnaire_has_answers(tmp_path: Path) -> None:
    from bot.questionnaire.check import check_text
    from bot.storage.store import Store

    db = asyncio.run(build(tmp_path, PARENTS[:2]))
    source = (FLOWS / "mlu_experience.yaml").read_text(encoding="utf-8")
    flow = check_text(source, "mlu_experience.yaml").flow
    assert flow is not None

    async def register() -> None:  # as the bot does for every questionnaire it offers
        store = await Store.open(db)
        try:
            await store.register_flow(flow, source, NOW.date())
        finally:
            await store.close()

    asyncio.run(register())
    rows = csv_rows(run("export", "--db", str(db), "--out", "-"))
    assert [r["flow"] for r in rows] == ["survey", "survey"]
    assert "mlu_experience" in run("codebook", "--db", str(db), "--format", "md", "--out", "-")


def test_a_failed_export_leaves_no_file_behind(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "answers.csv"
    failed = CliRunner().invoke(main, ["export", "--db", str(db), "--flow", "nope",
                                       "--out", str(out)])  # fmt: skip
    assert failed.exit_code == 1 and "nope" in failed.output
    assert list(tmp_path.iterdir()) == []
    # one that breaks half way, after rows were written, leaves an earlier good file as it was
    out.write_text("an earlier export", encoding="utf-8")
    from bot.analysis import export

    calls = []

    def breaks(*args: object) -> object:
        calls.append(1)
        if len(calls) > 5:
            raise OSError(28, "No space left on device")
        return wide(*args)

    wide = export._wide_cells
    monkeypatch.setattr(export, "_wide_cells", breaks)
    for suffix in ("csv", "xlsx"):
        calls.clear()
        target = out.with_suffix(f".{suffix}")
        failed = CliRunner().invoke(main, ["export", "--db", str(db), "--out", str(target)])
        assert failed.exit_code == 1 and "No space left on device" in failed.output
    assert [p.name for p in tmp_path.iterdir()] == ["answers.csv"]
    assert out.read_text(encoding="utf-8") == "an earlier export"
    monkeypatch.setattr(export, "_wide_cells", wide)
    run("export", "--db", str(db), "--out", str(out))  # a file like any other the analyst makes
    plain = tmp_path / "plain"
    plain.write_text("")
    assert out.stat().st_mode & 0o777 == plain.stat().st_mode & 0o777


@pytest.mark.parametrize(
    "path", [DATA / "every_type.yaml", *sorted(FLOWS.glob("*.yaml"))], ids=lambda p: p.stem
)
def test_the_choices_sheet_has_every_list_a_question_names(path: Path) -> None:
    from bot.analysis.codebook import choices, survey
    from bot.analysis.columns import plan
    from bot.questionnaire.check import check_text

    flow = check_text(path.read_text(encoding="utf-8"), path.name).flow
    assert flow is not None
    plans = {flow.id: plan(flow.id, [("h", "1", flow)])}
    _, header, rows = survey(plans)
    types = [r[header.index("type")].split(" ") for r in rows]
    named = {kind[1] for kind in types if kind[0] in ("select_one", "select_multiple")}
    _, header, rows = choices(plans)
    lists = [(r[1], r[2], r[3:]) for r in rows]
    assert named == {name for name, _, _ in lists} and "yes_no" in named  # a contact opt-in
    (yes,) = [labels for name, code, labels in lists if (name, code) == ("yes_no", "yes")]
    assert yes[0] == "Yes" and len(yes) == len(flow.languages) + 1  # each language, "other"


@given(st.data())
def test_responses_come_in_the_places_shuffled_out_and_none_is_lost(
    db: Path, data: st.DataObject
) -> None:
    from bot.storage.reading import Filter, reading, responses, shuffled

    which = data.draw(st.sampled_from([Filter(), Filter(complete_only=True), Filter("nope")]))
    with reading(db) as conn:
        ids = [head[0] for head, _ in responses(conn, which)]
        order = data.draw(st.permutations(range(len(ids))))

        def shuffle(places: list[int]) -> None:
            places[:] = order

        got = [(head[0], answers) for head, answers in shuffled(conn, which, shuffle)]
        assert [rid for rid, _ in got] == [ids[order.index(n)] for n in range(len(ids))]
        assert dict(got) == {head[0]: answers for head, answers in responses(conn, which)}
