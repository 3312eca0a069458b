"""Hostile or broken YAML, as a file or as text from the database: always a located problem.

The same loader runs when the bot starts, so no questionnaire file may hang it, exhaust its
memory or stack, or crash it with a traceback.
"""

from __future__ import annotations

import tempfile
import time
import tracemalloc
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_validate import MINIMAL

from bot.questionnaire.check import Checked, check_file, check_text
from bot.questionnaire.loader import MAX_BYTES, MAX_DEPTH

VALID = MINIMAL.format(questions="  - id: q\n    type: text\n    text: Q")


def laughs(levels: int = 9, width: int = 9) -> str:
    """The 'billion laughs': each level is a list of `width` aliases of the level before."""
    lines = ["a0: &a0 lol"]
    for n in range(1, levels + 1):
        lines.append(f"a{n}: &a{n} [" + ",".join([f"*a{n - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def only_problem(checked: Checked) -> str:
    assert checked.flow is None
    assert len(checked.problems) == 1, checked.problems
    return str(checked.problems[0])


def timed_check(text: str) -> tuple[Checked, float]:
    started = time.perf_counter()
    checked = check_text(text, "f.yaml")
    return checked, time.perf_counter() - started


def test_billion_laughs_is_refused_at_once_with_a_position() -> None:
    text = laughs()
    assert len(text) < 450
    checked, took = timed_check(text)
    assert took < 1
    assert only_problem(checked) == (
        "f.yaml:1:5: error: YAML syntax: anchors like '&a0' are not used in questionnaires; "
        "write each text out in full (a text starting with & needs quotes)"
    )


def test_aliases_that_refer_to_themselves_are_refused() -> None:
    assert only_problem(check_text("&a [*a]\n", "f.yaml")).startswith(
        "f.yaml:1:1: error: YAML syntax: anchors like '&a'"
    )
    assert only_problem(check_text("x: &x {k: *x}\n", "f.yaml")).startswith(
        "f.yaml:1:4: error: YAML syntax: anchors like '&x'"
    )
    assert only_problem(check_text("title: *name\n", "f.yaml")) == (
        "f.yaml:1:8: error: YAML syntax: aliases like '*name' are not used in questionnaires; "
        "write the text out in full (a text starting with * needs quotes)"
    )


def test_deep_nesting_is_refused_at_the_level_too_deep() -> None:
    for text in (
        "[" * 5000 + "]" * 5000 + "\n",
        "{a: " * 5000 + "}" * 5000 + "\n",
        "- " * 5000 + "x\n",
        "".join("  " * i + f"k{i}:\n" for i in range(900)),  # 5,000 would pass 1 MB
    ):
        checked, took = timed_check(text)
        assert took < 1
        message = only_problem(checked)
        assert f"nested more than {MAX_DEPTH} levels deep" in message
        assert "check the indentation" in message
    block = "".join("  " * i + f"k{i}:\n" for i in range(60))
    assert only_problem(check_text(block, "f.yaml")).startswith(f"f.yaml:{MAX_DEPTH + 1}:")
    assert only_problem(check_text("- " * 60 + "x\n", "f.yaml")).startswith(
        f"f.yaml:1:{2 * MAX_DEPTH + 1}: error"
    )


def test_nesting_up_to_the_limit_is_still_read() -> None:
    text = VALID + "    help: " + "[" * (MAX_DEPTH - 3) + "]" * (MAX_DEPTH - 3) + "\n"
    assert "nested" not in str(check_text(text, "f.yaml").problems)


def test_dates_and_other_yaml_1_1_words_stay_text() -> None:
    text = VALID.replace("title: Tiny", "title: 2026-02-30").replace("text: Q", "text: =")
    text += "  - {id: r, type: text, text: 2026-02-28 10:00:00, help: <<}\n"
    text += "  - {id: s, type: number, text: S, min: 09, max: 0123}\n"
    checked = check_text(text, "f.yaml")
    assert checked.ok, checked.problems
    assert checked.flow is not None
    assert checked.flow.title == "2026-02-30"
    assert [q.text for q in checked.flow.questions[:2]] == ["=", "2026-02-28 10:00:00"]
    assert checked.flow.questions[1].help == "<<"
    assert (checked.flow.questions[2].min, checked.flow.questions[2].max) == (9, 123)  # type: ignore[union-attr]


def test_tags_are_refused_with_a_position() -> None:
    for tag in ("!!python/object:os.system", "!!timestamp", "!!binary", "!!set", "!custom"):
        message = only_problem(check_text(f"id: x\ntitle: {tag} 2026-02-30\n", "f.yaml"))
        assert message == (
            f"f.yaml:2:8: error: YAML syntax: tags like '{tag}' are not used in questionnaires; "
            "remove it (a text starting with ! needs quotes)"
        )
    checked = check_text(VALID.replace("title: Tiny", "title: !!str 12"), "f.yaml")
    assert checked.flow is not None and checked.flow.title == "12"


def test_a_repeated_key_is_an_error_not_a_silent_overwrite() -> None:
    text = VALID.replace("    text: Q\n", "    text: Q\n    optional: true\n    text: R\n")
    assert only_problem(check_text(text, "f.yaml")) == (
        "f.yaml:12:5: error: YAML syntax: 'text' appears twice here (first on line 10); "
        "keep one of them"
    )


def test_a_second_document_and_a_list_as_key_are_explained() -> None:
    assert only_problem(check_text(VALID + "---\nid: other\n", "f.yaml")).startswith(
        "f.yaml:11:1: error: YAML syntax: a questionnaire file holds one questionnaire"
    )
    assert only_problem(check_text("? [a, b]\n: c\n", "f.yaml")).startswith(
        "f.yaml:1:3: error: YAML syntax: a key must be a plain word"
    )


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text(VALID + "# " + "x" * MAX_BYTES + "\n")
    assert only_problem(check_file(path)) == (
        f"{path}:1:1: error: the file is {path.stat().st_size:,} bytes; a questionnaire file "
        "can be at most 1,000,000 bytes (split it into several questionnaires)"
    )
    assert only_problem(check_text(path.read_text(), "f.yaml")).startswith(
        "f.yaml:1:1: error: the file is 1,000,"
    )
    big_but_allowed = VALID + "# " + "x" * (MAX_BYTES // 2) + "\n"
    assert check_text(big_but_allowed, "f.yaml").ok


def test_a_file_that_is_not_utf8_is_located(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(VALID.replace("intro: Hello", "intro: Café à côté").encode("latin-1"))
    assert only_problem(check_file(path)) == (
        f"{path}:3:11: error: the file is not UTF-8 text (byte 0xe9 here); save it with the "
        "encoding UTF-8"
    )


def test_windows_line_endings_and_a_byte_order_mark_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "windows.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.replace("\n", "\r\n").encode())
    checked = check_file(path)
    assert checked.ok, checked.problems
    assert "\r" not in checked.source


def test_control_characters_and_unencodable_text_are_located() -> None:
    assert only_problem(check_text("id: x\ntitle: a\x00b\n", "f.yaml")) == (
        "f.yaml:2:9: error: YAML syntax: the file contains a control character (U+0000) that "
        "YAML does not allow; delete it"
    )
    assert only_problem(check_text("id: x\ntitle: \ud800\n", "f.yaml")).startswith(
        "f.yaml:1:1: error: YAML syntax: this file cannot be read as YAML"
    )


# Pieces of hostile YAML; the property test strings them together, inside a valid flow or alone.
_ATOMS = st.sampled_from(
    [
        "&a [*a]", "x: &x {k: *x}", "*nothing", "&", "*", "!!python/object:os.system ls",
        "!!python/object/apply:os.system [ls]", "!!binary AAAA", "!!binary ???", "!!timestamp x",
        "!!set {a, b}", "!!omap [a: 1]", "!<tag:yaml.org,2002:str> t", "!local x", "! plain",
        "2026-02-30", "2026-13-45 25:61:61", "09", "0x1F", "0o17", "1_000", ".inf", "-.nan",
        "1e999", "<<", "=", "~", "null", "yes", "\t", "\t- tab", "\x00", "\x07", "\x1b[31m",
        "\ufeff", "\u2028", "\x85", "\ud7ff", "\U0001f476", "'unclosed", '"unclosed', "\"\\x\"",
        "{a: 1, a: 2}", "[a, b", "{a", "]", "}", "? complex\n: key", "? [a]\n: b", "- - - -",
        "---", "...", "--- !!map", "%YAML 1.1", "%TAG ! tag:x,2000:", "#", "|", ">-", "|9",
        "key: value: more", "a:b", ":", "- :", "@", "`", "%", "\\", "\r", "\r\n",
    ]
)  # fmt: skip


@st.composite
def hostile(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return laughs(draw(st.integers(1, 12)), draw(st.integers(1, 12)))
    if kind == 1:
        depth = draw(st.integers(1, 3000))
        pairs = [("[", "]"), ("{a: ", "}"), ("- ", ""), ("[{", "}]")]
        opener, closer = draw(st.sampled_from(pairs))
        return opener * depth + draw(st.sampled_from(["x", ""])) + closer * depth
    if kind == 2:  # one huge scalar or key, sometimes past the size limit
        size = draw(st.sampled_from([10, 1000, 100_000, MAX_BYTES - 50, MAX_BYTES + 1]))
        char = draw(st.sampled_from(["x", "é", " ", "\n", "- ", "a: ", "[", "'"]))
        return VALID.replace("text: Q", "text: " + char * (size // len(char.encode())))
    if kind == 3:  # a duplicated or deeply repeated valid flow
        return VALID * draw(st.integers(2, 50))
    pieces = draw(st.lists(st.one_of(_ATOMS, st.text(max_size=20)), min_size=1, max_size=12))
    separator = draw(st.sampled_from(["", " ", "\n", "\n  ", ": ", ", "]))
    text = separator.join(pieces)
    if kind == 4:  # inside a valid flow, where the checker goes on to read it
        line = draw(st.integers(0, VALID.count("\n")))
        lines = VALID.splitlines()
        lines.insert(line, text)
        return "\n".join(lines)
    return text


@settings(
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(hostile(), st.binary(max_size=40), st.booleans())
def test_hostile_documents_give_problems_quickly_never_an_exception(
    text: str, noise: bytes, as_file: bool
) -> None:
    tracemalloc.start()
    try:
        started = time.perf_counter()
        if as_file:  # through the file reader too, with some raw bytes that may not be UTF-8
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "f.yaml"
                raw = text.encode("utf-8", "surrogatepass")
                cut = len(raw) // 2
                path.write_bytes(raw[:cut] + noise + raw[cut:])
                checked = check_file(path)
        else:
            checked = check_text(text, "f.yaml")
        took = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert took < 1, f"{took:.2f} s"
    assert peak < 200_000_000, f"{peak / 1e6:.0f} MB"
    assert checked.ok or checked.problems
    for p in checked.problems:
        assert p.line >= 1 and p.col >= 1
        assert "Traceback" not in p.message
