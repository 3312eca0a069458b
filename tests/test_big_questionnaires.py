"""Very long questionnaires, written to real files: checked correctly, and answered briefly.

How long they take is measured in bench/yaml_bench.py, never here.
"""

from __future__ import annotations

from pathlib import Path

from test_validate import MINIMAL

from bot.questionnaire.check import check_file

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
