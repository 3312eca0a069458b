"""Plain words for the YAML parser's complaints, at the line the mistake is on.

The parser says what it expected where it noticed ("mapping values are not allowed here",
"did not find expected key"); staff writing questionnaires are not programmers, so each complaint
comes with what is probably wrong and how to put it right: a colon left out or a quote never
closed (yaml_slips.py), a line indented wrongly, a tab, a text that needs quotes.
"""

from __future__ import annotations

import re

import yaml

from bot.questionnaire.yaml_slips import (
    Hint,
    colon_left_out_above,
    colon_slip,
    content,
    indent,
    never_closed,
    no_colon,
    opens_block,
    starts_at,
    unclosed_quote,
)

#: What YAML counts as a line break, so hints name the lines the parser's positions count.
LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def explain(exc: yaml.MarkedYAMLError, text: str, max_depth: int) -> Hint:
    """The complaint as "YAML syntax: …" in plain words, with the line and column to look at."""
    lines = LINE_BREAK.split(text)
    try:
        slip = _slip(exc, text, lines)
    except Exception:  # a hint is a courtesy: never let it hide the located problem
        slip = None
    if slip is not None:
        return f"YAML syntax: {slip[0]}", slip[1], slip[2]
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or "invalid YAML"
    hint = ""
    try:
        indentation = _indentation_hint(exc, lines)
    except Exception:
        indentation = None
    if "'\\t'" in str(exc) or "tab character" in problem:
        hint = " (use spaces, not tabs, to indent)"
    elif "expected ',' or '}'" in problem or "expected ',' or ']'" in problem:
        hint = " (inside { } or [ ], put any text with , : ? or # in quotes)"
    elif "maximum nesting depth" in problem:
        problem = f"this is nested more than {max_depth} levels deep"
        hint = "; a questionnaire needs far fewer (check the indentation)"
    elif indentation is not None:
        hint, line, column = f" ({indentation[0]})", indentation[1], indentation[2]
    elif "mapping values are not allowed" in problem:
        hint = " (a ':' inside a text needs the text in quotes)"
    return f"YAML syntax: {problem}{hint}", line, column


def _slip(exc: yaml.MarkedYAMLError, text: str, lines: list[str]) -> Hint | None:
    """A quote never closed or a colon left out, at the line where it is, not where the parser
    noticed it."""
    opened = exc.context_mark
    if "quoted scalar" in (exc.context or "") and opened:  # the file ends inside the quotes
        return never_closed(lines[opened.line][opened.column]), opened.line + 1, opened.column + 1
    quote = unclosed_quote(exc, text, lines)
    if quote is not None:
        return quote
    problem, mark = exc.problem or "", exc.problem_mark
    if "could not find expected ':'" in problem and exc.context_mark is not None:
        return colon_slip(lines, exc.context_mark.line)
    if "mapping values are not allowed" in problem and mark is not None:
        above = colon_left_out_above(lines, mark.line)
        if above is not None:
            general = (no_colon(lines, above), above + 1, starts_at(lines[above]) + 1)
            return colon_slip(lines, above) or general
    return None


def _indentation_hint(exc: yaml.MarkedYAMLError, lines: list[str]) -> Hint | None:
    """A hint in plain words when the parser's complaint is really about indentation."""
    problem, mark = exc.problem or "", exc.problem_mark
    if mark is None or not 0 <= mark.line < len(lines):
        return None
    here = lines[mark.line]
    column, line = indent(here), mark.line + 1
    above_index = content(lines, mark.line - 1, -1)
    above = lines[above_index] if above_index is not None else None
    if "mapping values are not allowed" in problem:
        if above is None or above_index is None or column <= indent(above) or opens_block(above):
            return None
        target, name = above_index, above.strip().removeprefix("- ").split(":")[0] + ":"
        if here.lstrip().startswith("-"):  # a list item: line it up with the items before it
            for i in range(above_index, -1, -1):
                if lines[i].lstrip().startswith("-") and indent(lines[i]) < column:
                    target, name = i, "-"
                    break
        return (
            f"line {mark.line + 1} is indented more than the line above it, so the indentation "
            f"is probably wrong: line it up with the '{name}' on line {target + 1}",
            line,
            column + 1,
        )
    if "expected '-' indicator" in problem:
        items = exc.context_mark.column + 1 if exc.context_mark else None
        if here.lstrip().startswith("-"):
            return (
                f"this '- ' is in column {column + 1}, but the list it belongs to starts its "
                f"items in column {items}; start every '- ' of a list in the same column",
                line,
                column + 1,
            )
        return (
            f"this line is inside a list whose items start with '- ' in column {items}, but it is "
            "not an item: indent it under an item, or start it with '- '",
            line,
            column + 1,
        )
    if "could not find expected ':'" in problem and exc.context_mark is not None:
        key = exc.context_mark
        if not 0 <= key.line < len(lines):
            return None
        return no_colon(lines, key.line), key.line + 1, key.column + 1
    if "expected key" in problem or "expected <block end>" in problem:
        if here.lstrip().startswith("-"):
            return (
                f"this '- ' item in column {column + 1} is not under a list; the indentation is "
                "probably wrong: line it up with the '- ' items it belongs with",
                line,
                column + 1,
            )
        if above is not None and indent(above) != column:
            return (
                f"this line starts in column {column + 1} and the line above in column "
                f"{indent(above) + 1}; keys of one block start in the same column, so one of "
                "the two is probably indented wrongly",
                line,
                column + 1,
            )
        return (
            f"this line starts in column {column + 1}, which lines up with no key above it; "
            "the indentation is probably wrong: keys of one block start in the same column",
            line,
            column + 1,
        )
    return None
