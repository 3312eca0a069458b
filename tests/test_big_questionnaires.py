"""Very long questionnaires, written to real files: checked correctly, and answered briefly.

How long they take is measured in bench/yaml_bench.py, never here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest.mock import patch

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from test_validate import MINIMAL, run_cli

from bot.errors import MAX_PROBLEMS, FlowProblems, more_problems
from bot.questionnaire.check import check_file, check_text
from bot.questionnaire.loader import MAX_BYTES
from bot.questionnaire.reach import MAX_TRIED

CHAIN = 6000


def chain(n: int = CHAIN, *, impossible_at: int | None = None) -> str:
    """n yes/no questions, each shown only when the one before was answered yes (and one, if
    asked, shown only when it was answered both yes and no)."""
    lines = ["  - {id: q0, type: yes_no, text: Q}"]
    for i in range(1, n):
        before = f"{{question: q{i - 1}, is: yes}}"
        if i == impossible_at:
            before = f"{{all: [{before}, {{question: q{i - 1}, is: no}}]}}"
        lines.append(f"  - {{id: q{i}, type: yes_no, text: Q, show_if: {before}}}")
    return MINIMAL.format(questions="\n".join(lines))


def written(tmp_path: Path, text: str, name: str = "long.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_chain_of_6000_conditions_is_checked_and_accepted(tmp_path: Path) -> None:
    checked = check_file(written(tmp_path, chain()))
    assert checked.ok and checked.problems == ()
    assert checked.flow is not None and len(checked.flow.questions) == CHAIN


def test_a_broken_link_near_the_end_of_a_long_chain_is_found(tmp_path: Path) -> None:
    path = written(tmp_path, chain(impossible_at=CHAIN - 3))
    found = [str(p).removeprefix(f"{path}:") for p in check_file(path).problems]
    assert found == [
        f"{8 + i}:49: error: question 'q{i}' can never be shown: no set of earlier answers "
        "makes its show_if true"
        for i in (5997, 5998, 5999)
    ]


def test_wrong_references_at_the_end_of_a_long_chain_are_located(tmp_path: Path) -> None:
    text = chain().replace("show_if: {question: q5998,", "show_if: {question: q5999,")
    text = text.replace("show_if: {question: q5997,", "show_if: {question: q59977,")
    path = written(tmp_path, text)
    found = [str(p).removeprefix(f"{path}:") for p in check_file(path).problems]
    assert found == [
        "6006:60: error: question 'q5998': show_if looks at unknown question 'q59977' — did you "
        "mean 'q5997'?",
        "6007:60: error: question 'q5999': show_if looks at 'q5999', which is asked at or "
        "after this question; a condition can only use earlier answers",
    ]


def test_thousands_of_conditions_that_can_never_hold_are_searched_within_a_budget(
    tmp_path: Path,
) -> None:
    """Each condition has 129 x 129 answers of two multi questions to try, and none holds. Once
    MAX_TRIED combinations are used up, the conditions left are assumed satisfiable."""
    options = "[" + ", ".join(f"{{id: o{k}, label: O}}" for k in range(7)) + "]"
    never = "{all: [{question: m1, is: o1}, {not: {question: m1, is: o1}}, {question: m2, is: o2}]}"
    questions = [f"  - {{id: m{n}, type: multi, text: M, options: {options}}}" for n in (1, 2)]
    questions += [f"  - {{id: q{i}, type: text, text: Q, show_if: {never}}}" for i in range(3000)]
    path = written(tmp_path, MINIMAL.format(questions="\n".join(questions)))
    checked = check_file(path)
    searched = MAX_TRIED // (129 * 129)
    assert [p.line for p in checked.problems] == [10 + i for i in range(searched)]
    assert all("can never be shown" in p.message for p in checked.problems)
    assert checked.errors == searched


def unknown_keys(size: int = 990_000) -> tuple[str, int]:
    """A questionnaire followed by unknown keys, one a line, to about `size` bytes."""
    lines = [MINIMAL.format(questions="  - {id: q, type: text, text: Q}")]
    total = len(lines[0])
    while total < size:
        lines.append(f"x{len(lines) - 1}: 1\n")
        total += len(lines[-1])
    return "".join(lines), len(lines) - 1


def test_a_file_of_100_000_unknown_keys_lists_the_first_100_and_counts_the_rest(
    tmp_path: Path,
) -> None:
    text, keys = unknown_keys()
    path = written(tmp_path, text)
    assert keys > 100_000 and path.stat().st_size < MAX_BYTES
    checked = check_file(path)
    assert [str(p) for p in checked.problems] == [
        f"{path}:{9 + k}:1: error: x{k}: unknown key 'x{k}'" for k in range(MAX_PROBLEMS)
    ]
    assert checked.more_errors == keys - MAX_PROBLEMS and checked.more_warnings == 0
    assert (checked.errors, checked.warnings, checked.ok) == (keys, 0, False)


def test_validate_prints_the_first_100_problems_and_how_many_more(tmp_path: Path) -> None:
    text, keys = unknown_keys(200_000)
    path = written(tmp_path, text)
    done = run_cli("validate", str(path))
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert len(lines) == MAX_PROBLEMS + 1
    assert lines[0] == f"{path}:9:1: error: x0: unknown key 'x0'"
    assert lines[-1] == (
        f"{path}: … and {keys - MAX_PROBLEMS:,} more problems not shown; fix these first"
    )
    assert f"1 questionnaire checked: {keys:,} errors, 0 warnings" in done.stderr


def test_a_chain_broken_early_lists_100_questions_that_can_never_be_shown(
    tmp_path: Path,
) -> None:
    path = written(tmp_path, chain(impossible_at=3000))
    checked = check_file(path)
    assert [p.line for p in checked.problems] == [8 + i for i in range(3000, 3100)]
    assert all("can never be shown" in p.message for p in checked.problems)
    assert (checked.errors, checked.more_errors) == (3000, 2900)


HEAD = """\
id: two_languages
title: {en: T, pl: T}
languages: [en, pl]
intro: {en: I, pl: I}
consent:
  text: {en: S, pl: S}
closing: {en: C, pl: C}
questions:
  - {id: q, type: yes_no, text: {en: Q, pl: Q}}
"""


def mistakes(kinds: list[bool]) -> str:
    """One question per kind: an error (a condition on an unknown question) if True, else a
    warning (a text with no Polish translation)."""
    lines = [
        f"  - {{id: q{i}, type: yes_no, text: {{en: Q, pl: Q}}, "
        "show_if: {question: nope, answered: true}}"
        if error
        else f"  - {{id: q{i}, type: yes_no, text: Q}}"
        for i, error in enumerate(kinds)
    ]
    return HEAD + "\n".join(lines) + "\n"


def test_errors_are_listed_before_warnings_when_there_are_too_many() -> None:
    checked = check_text(mistakes([False] * 150 + [True] * 30), "f.yaml")
    shown = [p.severity for p in checked.problems]
    assert (shown.count("error"), shown.count("warning")) == (30, 70)
    assert [p.line for p in checked.problems] == [10 + i for i in [*range(70), *range(150, 180)]]
    assert (checked.more_errors, checked.more_warnings) == (0, 80)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.booleans(), max_size=260))
def test_at_most_100_problems_are_shown_errors_first_and_all_are_counted(
    kinds: list[bool],
) -> None:
    checked = check_text(mistakes(kinds), "f.yaml")
    errors, warnings = kinds.count(True), kinds.count(False)
    assert (checked.errors, checked.warnings) == (errors, warnings)
    shown = [p.severity for p in checked.problems]
    assert shown.count("error") == min(errors, MAX_PROBLEMS)
    assert shown.count("warning") == min(warnings, MAX_PROBLEMS - shown.count("error"))
    assert [(p.line, p.col) for p in checked.problems] == sorted(
        (p.line, p.col) for p in checked.problems
    )
    assert checked.more == errors + warnings - len(checked.problems)


@settings(max_examples=200)
@given(st.lists(st.text(max_size=30), min_size=1, max_size=250), st.integers(0, 10**6))
def test_the_bot_refuses_to_start_with_100_problems_and_a_count(
    problems: list[str], more: int
) -> None:
    refused = FlowProblems(problems, more=more)
    assert refused.problems == tuple(problems[:MAX_PROBLEMS])
    assert refused.more == more + len(problems) - len(refused.problems)
    message = str(refused).split("\n")
    assert message[0] == "questionnaires have errors:"
    if refused.more:
        assert message[-1] == more_problems(refused.more)


def test_the_count_line_reads_well() -> None:
    assert more_problems(1) == "… and 1 more problem not shown; fix these first"
    assert more_problems(100_004) == "… and 100,004 more problems not shown; fix these first"


def _noisy_flow(noise: dict[str, int], broken: bool) -> dict[str, Any]:
    """A questionnaire with `noise[site]` unknown keys at each site, some read as a model (the
    questionnaire, consent, a question, an option, conditions) and some not."""

    def junk(site: str) -> dict[str, int]:
        return {f"{site}_{k}": k for k in range(noise.get(site, 0))}

    condition = {
        "all": [{"question": "unit", "is": "a", **junk("all")}],
        "any": [{"question": "unit", "is": "b"}, {"question": "fft", "answered": True}],
        "not": {"question": "unit", "is": "b", **junk("not")},
        **junk("show_if"),
    }
    return {
        "id": "noisy",
        "title": {"en": "T", **junk("text")},
        "intro": "I",
        "consent": {"text": "S", **junk("consent")},
        "closing": "C",
        **junk("top"),
        "questions": [
            {"id": "unit", "type": "single", "text": "Q", **junk("question"),
             "options": [{"id": "a", "label": "A", **junk("option")}, {"id": "b", "label": "B"}]},
            {"id": "fft", "type": "scale", "text": "F",
             "points": [{"id": "x", "label": "X"}, {"id": "y", "label": "Y", **junk("point")}]},
            {"id": "later", "type": "yes_no", "text": "L", "show_if": condition},
            {"id": "odd", "type": "singel" if broken else "yes_no", "text": "O", **junk("odd")},
            {"id": "yn", "type": "yes_no", "text": "Y", "options": [{"id": "c", **junk("yn")}]},
        ],
    }  # fmt: skip


SITES = ["top", "consent", "question", "option", "point", "show_if", "all", "not", "text", "odd",
         "yn"]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(SITES), st.integers(0, 120)), st.booleans())
def test_unknown_keys_set_aside_early_change_nothing_that_is_reported(
    noise: dict[str, int], broken: bool
) -> None:
    text = yaml.safe_dump(_noisy_flow(noise, broken), sort_keys=False)
    checked = check_text(text, "f.yaml")
    with patch("bot.questionnaire.check.trim", lambda located: 0):
        everything = check_text(text, "f.yaml")
    assert [str(p) for p in checked.problems] == [str(p) for p in everything.problems]
    assert (checked.more_errors, checked.more_warnings) == (
        everything.more_errors, everything.more_warnings
    )  # fmt: skip
