"""Slips on one line that the YAML parser notices only lines later: a colon left out after a key,
and a quote that is never closed. Each is found from the parser's complaint and the text, and
reported at the line where the slip is, in plain words with the fix.

    text:
      en Hello             <- the parser complains at the next line's ':'
      pl: Dzień dobry

    text: 'It's fine       <- the quote ends at the apostrophe, and the parser complains at s
    text: 'Hello           <- the quote ends at the next ' in the file, perhaps pages further
                              on, where the parser complains
"""

from __future__ import annotations

import re
from typing import Any

import yaml

#: A message, and the line and column (1-based) it is about.
Hint = tuple[str, int, int]

#: `key:` or `- key:` at the start of a line, followed by a space or the end of the line.
KEY = re.compile(r"^\s*(?:-\s+)?([A-Za-z_][\w-]*):(?:\s|$)")
_LIST_ITEM = re.compile(r"^\s*-(?:\s|$)")
_ITEM = re.compile(r"^(\s*-\s+)\S")
#: `key:text`, a key and its value with no space between.
_GLUED = re.compile(r"^\s*(?:-\s+)?([A-Za-z_][\w-]*):(\S.*)$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_DECLARED = re.compile(r"^languages:\s*(.*)$")

# Tokens are read again, up to the parser's complaint, to find the quoted text before it.
_Scanner: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_QUOTES = ("'", '"')


def indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def starts_at(line: str) -> int:
    """The column (0-based) a line's key or text starts in, after any '- '."""
    item = _ITEM.match(line)
    return len(item[1]) if item else indent(line)


def content(lines: list[str], index: int, step: int) -> int | None:
    """The nearest line from `index` (0-based, going by `step`) that holds more than a comment."""
    while 0 <= index < len(lines):
        stripped = lines[index].strip()
        if stripped and not stripped.startswith("#"):
            return index
        index += step
    return None


def opens_block(line: str) -> bool:
    """`key:` or `- key:` with nothing after it but a comment: the lines below belong to it."""
    code = re.sub(r"\s+#.*$", "", line).rstrip()
    return code.endswith(":") or code in ("-", "") or code.endswith((": |", ": >", ": |-", ": >-"))


# ── a colon left out ─────────────────────────────────────────────────────────────────────────────


def colon_slip(lines: list[str], index: int) -> Hint | None:
    """Line `index` (0-based) has no ': '. In a block of translations (`en: Hello` / `pl Dzień
    dobry`) that is the colon after the language, left out; after a key (`pl:Dzień dobry`,
    `type:text`), the space after the colon."""
    line = lines[index]
    languages = _languages(lines)
    glued = _GLUED.match(line)
    if glued and (glued[1] in languages or _used_as_key(lines, glued[1])):
        return (
            f"'{glued[1]}:' needs a space after the colon (write it as '{glued[1]}: "
            f"{_shown(glued[2])}')",
            index + 1,
            starts_at(line) + 1,
        )
    word, _, rest = line.strip().partition(" ")
    if word not in languages or not rest.strip() or not _sibling_keys(lines, index) & languages:
        return None
    parent = _parent(lines, index)
    block = KEY.match(lines[parent]) if parent is not None else None
    under = f"under '{block[1]}:'" if block and opens_block(block.string) else "here"
    return (
        f"a line {under} is missing the colon after '{word}' (write it as '{word}: "
        f"{_shown(rest)}')",
        index + 1,
        indent(line) + 1,
    )


def _shown(text: str) -> str:
    text = text.strip()
    return text if len(text) <= 40 else text[:40] + " …"


def _used_as_key(lines: list[str], word: str) -> bool:
    return any((key := KEY.match(line)) and key[1] == word for line in lines)


def no_colon(lines: list[str], index: int) -> str:
    """Line `index` (0-based) has no ':': a setting without it, or a text's next line."""
    return (
        f"line {index + 1} ('{lines[index].strip()[:40]}') has no ':'; write settings as "
        "'key: value', and if the line continues the text above, indent it further than that "
        "text's key"
    )


def colon_left_out_above(lines: list[str], index: int) -> int | None:
    """For "mapping values are not allowed" at line `index`: the line above it that is really the
    mistake, if any. A block's first key written without its colon (`en Hello`, `- id unit`) is
    read, with the lines after it, as one text, so the parser notices only at the ':' of the
    next key."""
    here = lines[index]
    if KEY.match(here) is None:
        return None
    column = indent(here)
    above = content(lines, index - 1, -1)
    while above is not None and indent(lines[above]) > column:  # the text's own next lines
        above = content(lines, above - 1, -1)
    if above is None or KEY.match(lines[above]):
        return None
    item = _ITEM.match(lines[above])
    if starts_at(lines[above]) != column:
        return None
    if item is None:  # the first line of a block: under a `key:`, or the file's first setting
        opener = content(lines, above - 1, -1)
        if opener is None and column > 0:
            return None
        if opener is not None and (
            indent(lines[opener]) >= column or not opens_block(lines[opener])
        ):
            return None
    return above


def _parent(lines: list[str], index: int) -> int | None:
    """The line of the block that line `index` is in (None at the top level)."""
    column = indent(lines[index])
    above = content(lines, index - 1, -1)
    while above is not None and indent(lines[above]) >= column:
        above = content(lines, above - 1, -1)
    return above


def _sibling_keys(lines: list[str], index: int) -> set[str]:
    """The keys of the other lines of the block that line `index` is in."""
    column, parent = indent(lines[index]), _parent(lines, index)
    keys: set[str] = set()
    other = content(lines, 0 if parent is None else parent + 1, 1)
    while other is not None and indent(lines[other]) >= column:
        found = KEY.match(lines[other])
        if other != index and indent(lines[other]) == column and found:
            keys.add(found[1])
        other = content(lines, other + 1, 1)
    return keys


def _languages(lines: list[str]) -> set[str]:
    """The languages the file declares (`languages: [en, pl]`, or a list under it), and en."""
    found = {"en"}
    for number, line in enumerate(lines):
        declared = _DECLARED.match(line)
        if declared is None:
            continue
        inline = declared[1].split("#")[0].strip()
        if inline:
            items = inline.strip("[]").split(",")
        else:
            items = []
            following = content(lines, number + 1, 1)
            while following is not None and _LIST_ITEM.match(lines[following]):
                items.append(lines[following].strip()[1:])
                following = content(lines, following + 1, 1)
        found |= {code for item in items if _LANGUAGE.match(code := item.strip(" '\""))}
    return found


# ── a quote never closed ─────────────────────────────────────────────────────────────────────────


def never_closed(quote: str) -> str:
    """What to say about a quote opened and not closed where it was meant to be."""
    if quote == "'":
        return (
            "a quote ' opened here is never closed; if the text contains an apostrophe, put the "
            "whole text in double quotes or leave the quotes off"
        )
    return (
        'a quote " opened here is never closed; add the closing " at the end of the text, or '
        "leave the quotes off"
    )


def unclosed_quote(exc: yaml.MarkedYAMLError, text: str, lines: list[str]) -> Hint | None:
    """When the parser's complaint comes just after a quoted text that did not end where it was
    meant to: one that ran on over other settings, or stopped at an apostrophe."""
    mark = exc.problem_mark
    if mark is None or not 0 <= mark.line < len(lines):
        return None
    above = content(lines, mark.line - 1, -1)
    near = lines[mark.line if above is None else above : mark.line + 1]
    if not any(quote in line for line in near for quote in _QUOTES):
        return None  # no quoted text ends just before the complaint: no need to read it all
    token, scalars_after = _quoted_before(text, mark.line, mark.column)
    if token is None or scalars_after > 1:  # the complaint is about something further on
        return None
    start, end = token.start_mark, token.end_mark
    at = (start.line + 1, start.column + 1)
    if start.line < end.line:  # it ran on: over settings, or up to the complaint
        ran_over = lines[start.line + 1 : end.line + 1]
        if end.line == mark.line or any(KEY.match(ln) or _LIST_ITEM.match(ln) for ln in ran_over):
            return (never_closed(token.style), *at)
        return None
    if end.line != mark.line or mark.column < end.column:
        return None
    line = lines[end.line]
    before, after = line[: end.column - 1], line[end.column :]
    word = re.search(r"\w+$", before), re.match(r"\w+", after)
    if token.style == "'" and word[0] and word[1]:  # It's, don't
        return (
            f"the apostrophe in {word[0][0]}'{word[1][0]} (column {end.column}) ends the quote ' "
            "opened here; put the whole text in double quotes or leave the quotes off",
            *at,
        )
    return (
        f"the text in quotes that starts here ends in column {end.column}, but more follows it "
        "on the line; put all of the text inside the quotes",
        *at,
    )


def _quoted_before(text: str, line: int, column: int) -> tuple[Any, int]:
    """The last quoted text (a scalar token) that starts before line:column (0-based), and how
    many texts come after it before there."""
    scanner = _Scanner(text)
    last, after = None, 0
    try:
        while True:
            token = scanner.get_token()  # type: ignore[no-untyped-call]
            if token is None or isinstance(token, yaml.StreamEndToken):
                break
            if (token.start_mark.line, token.start_mark.column) >= (line, column):
                break
            if isinstance(token, yaml.ScalarToken):
                if token.style in _QUOTES:
                    last, after = token, 0
                else:
                    after += 1
    except yaml.YAMLError:
        pass  # the scanner stops where the parser did, or soon after
    finally:
        scanner.dispose()
    return last, after
