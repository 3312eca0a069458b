"""`validate` points at the line of two slips the YAML parser notices only later: a colon left
out after a key (a translation's first line was reported one line too low) and a quote never
closed (reported where the parser gave up, 89 lines further on, as an indentation problem)."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import DATA, FLOWS, ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from test_validate import MINIMAL, broken, problems

NEVER_CLOSED = (
    "a quote ' opened here is never closed; if the text contains an apostrophe, put the whole "
    "text in double quotes or leave the quotes off"
)
NEVER_CLOSED_DOUBLE = (
    'a quote " opened here is never closed; add the closing " at the end of the text, or leave '
    "the quotes off"
)
MLU = (FLOWS / "mlu_experience.yaml").read_text(encoding="utf-8").splitlines()


def test_a_translation_without_its_colon_is_reported_at_its_line() -> None:
    assert broken("pl_missing_colon") == [
        "F:58:7: error: YAML syntax: a line under 'text:' is missing the colon after 'pl' (write "
        "it as 'pl: Którego oddziału prowadzonego przez poło …')"
    ]
    # The first line of the block: the parser reads it and the next as one text, and used to
    # complain at the next line's ':'.
    assert broken("en_missing_colon") == [
        "F:83:7: error: YAML syntax: a line under 'text:' is missing the colon after 'en' (write "
        "it as 'en: Which parts of your care were at the uni …')"
    ]


def test_a_quote_never_closed_is_reported_where_it_opens() -> None:
    """The quote runs on for 89 lines, to the apostrophe in Don't, where the parser gives up."""
    lines = (DATA / "broken" / "unclosed_quote.yaml").read_text().splitlines()
    assert lines[56] == "      en: 'Which midwife-led unit did you use?"
    assert lines[145].endswith("{en: Don't know, pl: Nie wiem}}")
    assert len(lines) - 57 > 400
    assert broken("unclosed_quote") == [f"F:57:11: error: YAML syntax: {NEVER_CLOSED}"]


def test_validate_names_the_file_line_and_fix() -> None:
    path = DATA / "broken" / "unclosed_quote.yaml"
    done = subprocess.run([sys.executable, "-m", "bot", "validate", str(path)],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)  # fmt: skip
    assert done.returncode == 1
    assert done.stdout == f"{path}:57:11: error: YAML syntax: {NEVER_CLOSED}\n"
    assert done.stderr.startswith("1 questionnaire checked: 1 error, 0 warnings")


def question(text_lines: str) -> str:
    return MINIMAL.format(questions="  - id: q\n    type: text\n" + text_lines).replace(
        "id: tiny\n", "id: tiny\nlanguages: [en, pl]\n"
    )


def errors(text: str) -> list[str]:
    return [p for p in problems(text) if ": error: " in p]


def test_an_apostrophe_inside_single_quotes() -> None:
    assert problems(question("    text: 'It's fine'\n    optional: true\n")) == [
        "f.yaml:11:11: error: YAML syntax: the apostrophe in It's (column 14) ends the quote ' "
        "opened here; put the whole text in double quotes or leave the quotes off"
    ]
    assert problems(question("    text: 'It's fine\n    optional: true\n")) == [
        "f.yaml:11:11: error: YAML syntax: the apostrophe in It's (column 14) ends the quote ' "
        "opened here; put the whole text in double quotes or leave the quotes off"
    ]
    assert errors(question('    text: "It\'s fine"\n')) == []


def test_text_after_the_closing_quote_and_an_unclosed_double_quote() -> None:
    assert problems(question('    text: "Hello" and more\n')) == [
        "f.yaml:11:11: error: YAML syntax: the text in quotes that starts here ends in column 17, "
        "but more follows it on the line; put all of the text inside the quotes"
    ]
    text = question('    text: "Hello\n    optional: true\n  - id: r\n    type: text\n'
                    '    text: "Second"\n')  # fmt: skip
    assert problems(text) == [f"f.yaml:11:11: error: YAML syntax: {NEVER_CLOSED_DOUBLE}"]
    # A quoted text written over two lines on purpose is fine.
    assert errors(question('    text: "Hello,\n      and welcome"\n')) == []


def test_other_colons_left_out() -> None:
    assert problems(question("    text:\n      en: Hello\n      pl:Dzień dobry\n")) == [
        "f.yaml:13:7: error: YAML syntax: 'pl:' needs a space after the colon (write it as "
        "'pl: Dzień dobry')"
    ]
    assert problems(question("    text:\n      en Hello\n      pl: Dzień dobry\n")) == [
        "f.yaml:12:7: error: YAML syntax: a line under 'text:' is missing the colon after 'en' "
        "(write it as 'en: Hello')"
    ]
    # Not a translation: the line is named, and the fix either way.
    assert problems("id: x\ntitle: T\nquestions:\n  - id q\n    type: text\n") == [
        "f.yaml:4:5: error: YAML syntax: line 4 ('- id q') has no ':'; write settings as 'key: "
        "value', and if the line continues the text above, indent it further than that text's key"
    ]


def translations(lines: list[str]) -> list[int]:
    """The lines of translation blocks (`en: …` / `pl: …` under a key), 0-based."""
    return [n for n, line in enumerate(lines) if re.match(r"^\s+(en|pl): \S", line)]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(translations(MLU)))
def test_a_translation_without_its_colon_anywhere_is_reported_at_its_line(index: int) -> None:
    lines = list(MLU)
    language = lines[index].split(":")[0].strip()
    lines[index] = lines[index].replace(":", "", 1)
    found = problems("\n".join(lines) + "\n")
    column = len(lines[index]) - len(lines[index].lstrip()) + 1
    assert len(found) == 1, found
    assert found[0].startswith(f"f.yaml:{index + 1}:{column}: error: YAML syntax: a line under '")
    assert f"' is missing the colon after '{language}' (write it as '{language}: " in found[0]


def plain_values(lines: list[str]) -> list[int]:
    """Lines with a `key: value` whose value is a plain text on that line, 0-based."""
    return [
        n for n, line in enumerate(lines) if re.match(r"^\s*(- )?[a-z_]+: [^\s'\"{\[>|#]", line)
    ]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(plain_values(MLU)), st.sampled_from(["'", '"']))
def test_a_quote_opened_on_any_line_and_never_closed_is_reported_there(
    index: int, quote: str
) -> None:
    lines = list(MLU)
    key = re.match(r"^\s*(- )?[a-z_]+: ", lines[index])
    assert key is not None
    lines[index] = key[0] + quote + lines[index][key.end() :]
    found = problems("\n".join(lines) + "\n")
    assert found, lines[index]
    assert found[0].startswith(f"f.yaml:{index + 1}:{key.end() + 1}: error: YAML syntax: ")
    said = found[0].split("YAML syntax: ", 1)[1]
    apostrophe = quote == "'" and re.search(r"\w'\w", lines[index])
    if apostrophe:
        assert said.startswith("the apostrophe in "), said
    else:
        assert said == (NEVER_CLOSED if quote == "'" else NEVER_CLOSED_DOUBLE)
