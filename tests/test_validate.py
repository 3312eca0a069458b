"""`python -m bot validate`: every problem as file:line:col with a plain message and a hint."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import typing
from pathlib import Path

from conftest import CONFIG, DATA, FLOWS, ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from bot.questionnaire import flow as lang
from bot.questionnaire.check import check_file, check_text
from bot.questionnaire.schema import flow_schema

BROKEN = DATA / "broken" / "many_mistakes.yaml"

MINIMAL = """\
id: tiny
title: Tiny
intro: Hello
consent:
  text: Shall we start?
closing: Thanks
questions:
{questions}
"""


def problems(text: str) -> list[str]:
    return [str(p) for p in check_text(text, "f.yaml").problems]


def test_example_flows_have_no_problems_at_all() -> None:
    for path in sorted(FLOWS.glob("*.yaml")):
        checked = check_file(path)
        assert checked.ok and checked.problems == (), [str(p) for p in checked.problems]
    assert {p.stem for p in FLOWS.glob("*.yaml")} >= {
        "mlu_experience", "community_hub", "staff_experience"
    }  # fmt: skip


def test_many_mistakes_are_all_reported_with_positions() -> None:
    found = [str(p).replace(str(BROKEN), "F") for p in check_file(BROKEN).problems]
    assert found == [
        "F:2:8: warning: 'title' has no translation; add pl: variants",
        "F:9:22: error: source tag 'mlu-ludlow': 'ludlo' is not an option of question 'unit' "
        "— did you mean 'ludlow'?",
        "F:17:14: error: question 'unit': option id "
        "'a_very_long_option_identifier_that_will_not_fit' is too long for a Telegram button "
        "(at most 32 characters)",
        "F:18:9: error: question id 'unit' is used twice (first as question 1); ids must be unique",
        "F:26:11: warning: no pl translation here; the en text is shown",
        "F:27:25: error: question 'birth': show_if looks at unknown question 'unti' — did you "
        "mean 'unit'?",
        "F:31:25: error: question 'early': show_if looks at 'later', which is asked at or after "
        "this question; a condition can only use earlier answers",
        "F:35:36: error: question 'later': 'maybe' is not an option of 'birth' (options: yes, no)",
    ]


def test_a_key_in_the_wrong_place_is_called_out() -> None:
    text = MINIMAL.format(questions="  - id: q\n    type: text\n    text: Q\n") + "options: []\n"
    assert problems(text) == [
        "f.yaml:12:1: error: options: 'options' does not belong here; check its indentation"
    ]


def test_misspelt_key_and_type_get_a_suggestion() -> None:
    text = MINIMAL.format(questions="  - id: q\n    type: singel\n    text: Q\n"
                          "  - id: r\n    type: text\n    txt: R\n")  # fmt: skip
    assert problems(text) == [
        "f.yaml:9:11: error: question 'q': unknown question type 'singel' — did you mean 'single'?",
        "f.yaml:11:5: error: question 'r': 'text' is required here",
        "f.yaml:13:5: error: question 'r': unknown key 'txt' — did you mean 'text'?",
    ]


def test_python_spellings_of_condition_keys_are_unknown_keys() -> None:
    questions = "  - {id: a, type: yes_no, text: A}\n  - {id: b, type: text, text: B, show_if: "
    text = MINIMAL.format(questions=questions + "{question: a, is_: a}}\n")
    assert problems(text) == [
        "f.yaml:9:57: error: question 'b': unknown key 'is_' — did you mean 'is'?"
    ]


def test_wrong_types_are_explained_in_plain_words() -> None:
    text = MINIMAL.format(questions="  - id: n\n    type: number\n    text: N\n    min: lots\n"
                          "    optional: maybe\n")  # fmt: skip
    assert problems(text) == [
        "f.yaml:11:10: error: question 'n': 'min' should be a number",
        "f.yaml:12:15: error: question 'n': 'optional' should be true or false",
    ]


def test_a_list_too_short_says_how_many_items_it_needs_in_words() -> None:
    one = MINIMAL.format(questions="  - id: c\n    type: single\n    text: C\n    options:\n"
                         "      - {id: a, label: A}\n")  # fmt: skip
    assert problems(one) == ["f.yaml:12:7: error: question 'c': 'options' needs at least 2 items"]
    none = MINIMAL.replace("questions:\n{questions}", "questions: []")
    assert problems(none) == ["f.yaml:7:12: error: questions: 'questions' needs at least 1 item"]


def test_a_wrong_value_in_a_text_question_is_reported_at_the_value() -> None:
    path = DATA / "broken" / "max_length_word.yaml"
    found = [str(p).replace(str(path), "F") for p in check_file(path).problems]
    assert found == [
        "F:12:17: error: question 'why': 'max_length' should be a whole number",
        "F:17:15: error: question 'more': 'optional' should be true or false",
    ]


def test_unreachable_question_is_an_error() -> None:
    text = MINIMAL.format(
        questions="""\
  - id: birth
    type: yes_no
    text: Birth?
  - id: never
    type: text
    text: Never shown
    show_if:
      all:
        - {question: birth, is: "yes"}
        - {question: birth, is: "no"}
"""
    )
    assert problems(text) == [
        "f.yaml:15:7: error: question 'never' can never be shown: no set of earlier answers "
        "makes its show_if true"
    ]


def test_number_conditions_need_number_questions() -> None:
    text = MINIMAL.format(
        questions="""\
  - {id: unit, type: yes_no, text: "Unit?"}
  - {id: more, type: text, text: More, show_if: {question: unit, at_least: 3}}
"""
    )
    assert problems(text) == [
        "f.yaml:9:76: error: question 'more': 'at_least' needs a number question, but 'unit' "
        "is a yes_no question; use is or is_not"
    ]


def test_a_text_too_long_for_a_chat_message_is_an_error() -> None:
    text = MINIMAL.format(questions="  - id: q\n    type: info\n    text: " + "x" * 1600 + "\n")
    assert problems(text) == [
        "f.yaml:10:11: error: this text has 1600 characters; keep each text under 1500 so it "
        "fits in one chat message (split it into an info step)"
    ]


def test_free_text_never_goes_to_the_agency() -> None:
    text = MINIMAL.format(
        questions="""\
  - {id: story, type: text, text: Tell us}
  - {id: talk, type: contact, share_answers: [story]}
"""
    )
    assert problems(text) == [
        "f.yaml:9:47: error: question 'talk': only choice answers can go to the agency with "
        "contact details; 'story' is a text question"
    ]


def test_required_cannot_be_optional_too_nor_on_an_info_step() -> None:
    text = MINIMAL.format(
        questions="""\
  - id: unit
    type: single
    required: true
    optional: true
    text: Which unit?
    options: [{id: a, label: A}, {id: b, label: B}]
  - {id: note, type: info, text: Thanks, required: true}
  - {id: ok, type: number, text: How many?, required: true, prefer_not_to_say: true}
"""
    )
    assert problems(text) == [
        "f.yaml:10:15: error: question 'unit': 'required: true' and 'optional: true' contradict "
        "each other — remove 'optional' to keep asking until it is answered, or 'required' to "
        "offer Skip",
        "f.yaml:14:52: error: question 'note': an info step asks nothing, so it cannot be "
        "required — remove 'required'",
    ]


def test_yaml_syntax_errors_are_positions_not_tracebacks() -> None:
    assert problems('id: x\ntitle: "unclosed\n') == [
        'f.yaml:2:8: error: YAML syntax: a quote " opened here is never closed; add the closing " '
        "at the end of the text, or leave the quotes off"
    ]
    assert problems("id: x\n\ttitle: tab\n") == [
        "f.yaml:2:1: error: YAML syntax: found a tab character that violates indentation "
        "(use spaces, not tabs, to indent)"
    ]
    assert problems("title: {en: Ready, pl: Gotowy\nid: x\n") == [
        "f.yaml:2:3: error: YAML syntax: did not find expected ',' or '}' (inside { } or [ ], "
        "put any text with , : ? or # in quotes)"
    ]
    assert problems("- just\n- a list\n") == [
        "f.yaml:1:1: error: a questionnaire file must start with 'id:', 'title:' …"
    ]


def broken(name: str) -> list[str]:
    path = DATA / "broken" / f"{name}.yaml"
    return [str(p).replace(str(path), "F") for p in check_file(path).problems]


def test_a_translation_indented_too_far_is_called_an_indentation_problem() -> None:
    assert broken("pl_indented") == [
        "F:9:5: error: YAML syntax: mapping values are not allowed in this context (line 9 is "
        "indented more than the line above it, so the indentation is probably wrong: line it "
        "up with the 'en:' on line 8)"
    ]
    # At the same indentation, the ':' is inside a text, and quotes are the cure.
    assert problems("id: x\ntitle: Note: this\n") == [
        "f.yaml:2:12: error: YAML syntax: mapping values are not allowed in this context (a ':' "
        "inside a text needs the text in quotes)"
    ]


def test_parser_jargon_about_lists_and_colons_comes_with_a_plain_hint() -> None:
    assert broken("item_misaligned") == [
        "F:15:8: error: YAML syntax: did not find expected '-' indicator (this '- ' is in "
        "column 8, but the list it belongs to starts its items in column 7; start every '- ' of "
        "a list in the same column)"
    ]
    assert broken("option_outside_list") == [
        "F:15:7: error: YAML syntax: did not find expected '-' indicator (this line is inside a "
        "list whose items start with '- ' in column 7, but it is not an item: indent it under "
        "an item, or start it with '- ')"
    ]
    assert broken("missing_colon") == [
        "F:3:1: error: YAML syntax: could not find expected ':' (line 3 ('title Missing colon') "
        "has no ':'; write settings as 'key: value', and if the line continues the text above, "
        "indent it further than that text's key)"
    ]
    assert problems("consent:\n    text: a\n  agree: b\n") == [
        "f.yaml:3:3: error: YAML syntax: did not find expected key (this line starts in column "
        "3 and the line above in column 5; keys of one block start in the same column, so one "
        "of the two is probably indented wrongly)"
    ]


def test_yes_no_and_numbers_like_ids_stay_text() -> None:
    text = MINIMAL.format(
        questions="""\
  - id: age
    type: single
    text: Age?
    options:
      - {id: 20_24, label: 20 to 24}
      - {id: no, label: No}
"""
    )
    checked = check_text(text, "f.yaml")
    assert checked.ok, checked.problems
    assert checked.flow is not None
    assert [o.id for o in checked.flow.questions[0].options] == ["20_24", "no"]  # type: ignore[union-attr]


def test_the_docs_list_every_required_field() -> None:
    """docs/flow-language.md says plainly what a file must have: every field the checker needs."""
    docs = (ROOT / "docs" / "flow-language.md").read_text(encoding="utf-8")
    section = docs.split("### What every file must have", 1)[1].split("\n#", 1)[0]
    rows = {
        row.split("|")[1].strip(): set(re.findall(r"`([a-z_]+)", row.split("|")[2]))
        for row in section.splitlines()
        if row.startswith("| ") and not row.startswith("| where")
    }
    assert rows["the questionnaire"] == required(lang.Flow)
    assert rows["`consent`"] == required(lang.Consent)
    assert rows["every option and point"] == required(lang.Option)
    assert rows["every question"] == {"id", "type"}
    questions = typing.get_args(typing.get_args(lang.Question)[0])
    for model in questions:
        needs = required(model) - {"id", "type"}
        kind = typing.get_args(model.model_fields["type"].annotation)[0]
        if kind in ("single", "multi"):
            needs -= rows["`single` and `multi`"]
        assert needs == ({"text"} if kind not in ("scale", "contact") else set()), kind
    assert "`intro` is the first message" in section


def required(model: type[BaseModel]) -> set[str]:
    return {f.alias or name for name, f in model.model_fields.items() if f.is_required()}


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)  # fmt: skip


def test_cli_exit_status_and_the_configured_folder() -> None:
    ok = run_cli("validate", "--config", str(CONFIG))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "3 questionnaires checked: 0 errors, 0 warnings" in ok.stderr
    bad = run_cli("validate", str(BROKEN))
    assert bad.returncode == 1
    assert bad.stdout.count(": error: ") == 6
    assert "Traceback" not in bad.stdout + bad.stderr


def test_an_empty_flows_folder_is_said_in_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "flows").mkdir()
    config = tmp_path / "config.yaml"
    config.write_text("flows: flows\n")
    empty = run_cli("validate", "--config", str(config))
    assert empty.returncode == 1
    assert empty.stdout == ""
    assert empty.stderr == (
        f"No questionnaire files (.yaml) found in {tmp_path / 'flows'}: add one "
        "(docs/flow-language.md shows how), or point `flows:` in the config at the folder that "
        "holds them.\n"
    )
    config.write_text("flows: missing\n")
    missing = run_cli("validate", "--config", str(config))
    assert missing.returncode == 1
    assert "Traceback" not in missing.stderr and str(tmp_path / "missing") in missing.stderr


def test_schema_on_disk_matches_the_language(tmp_path: Path) -> None:
    on_disk = json.loads((ROOT / "docs" / "flow.schema.json").read_text())
    assert on_disk == flow_schema(), "run: python -m bot schema -o docs/flow.schema.json"
    for path in FLOWS.glob("*.yaml"):
        assert path.read_text().startswith(
            "# yaml-language-server: $schema=../../../docs/flow.schema.json\n"
        )
    written = run_cli("schema", "-o", str(tmp_path / "s.json"))
    assert written.returncode == 0
    assert (
        json.loads((tmp_path / "s.json").read_text())["title"] == "Maternity feedback questionnaire"
    )


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gives_problems_never_an_exception(text: str) -> None:
    checked = check_text(text, "f.yaml")
    assert checked.ok or checked.problems
    for p in checked.problems:
        assert p.line >= 1 and p.col >= 1


EXAMPLE_LINES = (FLOWS / "mlu_experience.yaml").read_text().splitlines()


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, len(EXAMPLE_LINES) - 1), max_size=6, unique=True), st.data())
def test_damaged_example_flow_is_reported_never_crashes(
    drop: list[int], data: st.DataObject
) -> None:
    """Delete or garble a few lines of a real flow: the checker still answers with positions."""
    lines = list(EXAMPLE_LINES)
    for index in sorted(drop, reverse=True):
        if data.draw(st.booleans()):
            del lines[index]
        else:
            lines[index] = lines[index].replace(":", "", 1) + data.draw(
                st.sampled_from(["", "x", " -"])
            )
    text = "\n".join(lines)
    checked = check_text(text, "f.yaml")
    n_lines = max(1, len(lines) + 1)
    for p in checked.problems:
        assert 1 <= p.line <= n_lines and p.col >= 1, p
        assert "Traceback" not in p.message
