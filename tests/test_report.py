"""The summary report: from databases filled through the service, disclosure control on every
number, nothing fetched from anywhere."""

from __future__ import annotations

import asyncio
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from analysis_data import build
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from bot.analysis.disclosure import Rule, protect, shown_table
from bot.analysis.report import build as build_report
from bot.cli import main
from bot.storage.reading import Filter

PARENT = {"unit": ("ludlow",), "stages": ("antenatal",), "fft": ("very_good",), "visits": "3",
          "comments": "The midwives were kind"}  # fmt: skip
UNHAPPY = {**PARENT, "unit": ("telford",), "fft": ("poor",), "comments": "Parking was hard"}


class Page(HTMLParser):
    """Every tag with its attributes, and the text of figures, for assertions."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.text.append(data.strip())


def report(db: Path, tmp_path: Path, *args: str) -> tuple[str, Page]:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["report", "--db", str(db), "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    page = Page()
    page.feed(html)
    return html, page


def figure(page: Page, label: str) -> str:
    """The number shown above a figure's label (`300` above `responses started`)."""
    at = page.text.index(label)
    return page.text[at - 1]


def test_the_report_fetches_nothing(tmp_path: Path) -> None:
    db = asyncio.run(build(tmp_path, [PARENT] * 9 + [UNHAPPY] * 9))
    html, page = report(db, tmp_path, "--by", "unit")
    assert not [t for t, _ in page.tags if t in ("script", "link", "img", "iframe", "object")]
    for tag, attrs in page.tags:
        for name in ("src", "href", "action", "xlink:href"):
            value = attrs.get(name) or ""
            assert not value or value.startswith("#"), (tag, name, value)
    body = re.sub(r'xmlns(:\w+)?="[^"]*"', "", html)  # XML namespaces name, never fetch
    assert not re.search(r"url\((?!#)|@import|https?:|//", body.split("<main>")[1])
    assert html.count("<svg") == 4  # the FFT, and a chart per choice question (unit, stages, fft)


def test_a_questionnaire_with_few_responses_is_withheld_whole(tmp_path: Path) -> None:
    db = asyncio.run(build(tmp_path, [PARENT] * 9))
    html, page = report(db, tmp_path)
    assert "responses started" not in page.text
    assert "Not shown: fewer than 10 parents responded in whole months" in html
    assert "9" not in page.text  # the true count appears nowhere
    assert "The midwives were kind" not in page.text


def test_a_report_of_one_response_discloses_nothing(tmp_path: Path) -> None:
    db = asyncio.run(build(tmp_path, [UNHAPPY]))
    for by in ("source", "unit"):
        _, page = report(db, tmp_path, "--by", by)
        assert not {"*", "0", "Telford", "Poor", "Parking was hard"} & set(page.text), by


@pytest.mark.parametrize(("parents", "shown"), [(10, "10"), (12, "10"), (13, "15")])
def test_counts_at_the_boundaries(tmp_path: Path, parents: int, shown: str) -> None:
    db = asyncio.run(build(tmp_path, [PARENT] * parents))
    _, page = report(db, tmp_path)
    assert figure(page, "responses started") == shown
    assert "The midwives were kind" in page.text  # 10 typed answers or more: quoted


def test_breakdown_with_secondary_suppression(tmp_path: Path) -> None:
    content = {**UNHAPPY, "fft": ("good",)}
    parents = [PARENT] * 20 + [UNHAPPY] * 9 + [content] * 3 + [{"unit": ("telford",)}]
    db = asyncio.run(build(tmp_path, parents))
    context = build_report([db], Filter(), "unit", Rule())
    fft = next(q for q in context["sections"][0]["questions"] if q["id"] == "fft")
    rows = dict(fft["cross"]["rows"])
    labels = fft["cross"]["labels"]
    telford = dict(zip(labels, rows["Telford"], strict=True))  # labels, not codes
    assert telford["Good"] == "*"  # 3: hidden
    assert telford["Poor"] == "*"  # 9: hidden too, or 12 - 9 would give the 3 away
    assert dict(zip(labels, rows["Ludlow"], strict=True))["Very good"] == "20"
    assert context["suppressed"].secondary >= 1
    html, _ = report(db, tmp_path, "--by", "unit")
    assert "Of 30 parents who answered" in html  # 32 answered, rounded to the nearest 5


def test_unknown_breakdown_question_is_explained(tmp_path: Path) -> None:
    db = asyncio.run(build(tmp_path, [PARENT] * 2))
    result = CliRunner().invoke(main, ["report", "--db", str(db), "--by", "nope", "--out",
                                       str(tmp_path / "r.html")])  # fmt: skip
    assert result.exit_code == 1 and "use --by source or unit" in result.output


def test_secondary_suppression_hides_the_next_smallest() -> None:
    assert shown_table([[20, 3, 12]], Rule()) == [["20", "*", "*"]]
    assert shown_table([[20, 0, 12]], Rule()) == [["20", "0", "10"]]
    assert shown_table([[20, 3, 0]], Rule()) == [["*", "*", "0"]]  # a zero protects nothing
    assert shown_table([[9, 3], [9, 9]], Rule()) == [["*", "*"], ["*", "*"]]  # rows, then columns


@given(st.lists(st.lists(st.integers(0, 40), min_size=1, max_size=5), min_size=1, max_size=5))
def test_no_hidden_cell_is_alone_in_its_row_or_column(table: list[list[int]]) -> None:
    width = min(len(r) for r in table)
    table = [row[:width] for row in table]
    hidden = protect(table, Rule())
    lines = [list(zip(r, h, strict=True)) for r, h in zip(table, hidden, strict=True)]
    lines += [[(table[r][c], hidden[r][c]) for r in range(len(table))] for c in range(width)]
    for line in lines:
        alone = [n for n, h in line if h]
        others = [n for n, h in line if not h]
        assert len(alone) != 1 or not any(others), line
    for row, hide in zip(table, hidden, strict=True):
        for n, h in zip(row, hide, strict=True):
            assert h or not Rule().hidden(n)


def test_a_skipped_multiple_choice_counts_as_skipped_not_answered(tmp_path: Path) -> None:
    skipper = {**PARENT, "stages": "skip"}
    db = asyncio.run(build(tmp_path, [PARENT] * 10 + [skipper] * 10))
    context = build_report([db], Filter(), "source", Rule())
    stages = next(q for q in context["sections"][0]["questions"] if q["id"] == "stages")
    assert stages["answered"] == "10"
    assert dict(stages["missing"]) == {"(skipped)": "10"}
    assert dict((label, n) for label, n, _ in stages["rows"])["Before birth"] == "10"


def test_a_friends_and_family_test_few_answered_is_withheld_and_the_rest_is_shown(
    tmp_path: Path,
) -> None:
    skipped = {**PARENT, "fft": "skip"}
    db = asyncio.run(build(tmp_path, [UNHAPPY] * 3 + [skipped] * 10))
    html, page = report(db, tmp_path)
    fft = html.split('-fft">Friends and Family Test</h3>', 1)[1].split("</section>", 1)[0]
    assert "Not shown: fewer than 10 parents answered" in fft
    assert "<svg" not in fft and "%" not in fft  # no chart, no percentage from 3 answers
    assert figure(page, "responses started") == "15"  # the questionnaire itself is shown
