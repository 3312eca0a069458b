"""Check questionnaire files; explain each problem as `file:line:col: error|warning: message`.

At most MAX_PROBLEMS problems of a file are kept, errors before warnings, and the rest only
counted: a file with a hundred thousand mistakes gets a short answer, quickly, and only the
problems shown have their message (and its "did you mean …") written.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from bot.errors import MAX_PROBLEMS
from bot.questionnaire import flow as lang
from bot.questionnaire.loader import MAX_BYTES, Located, Path, Position, YamlSyntaxError, load
from bot.questionnaire.meaning import Found, did_you_mean, semantic_problems
from bot.questionnaire.unknown_keys import trim
from bot.words import number_of


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    col: int
    severity: Literal["error", "warning"]
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.severity}: {self.message}"


@dataclass(frozen=True)
class Checked:
    file: str
    flow: lang.Flow | None
    problems: tuple[Problem, ...]  # at most MAX_PROBLEMS, in file order
    source: str
    more_errors: int = 0  # found but not in `problems`
    more_warnings: int = 0

    @property
    def errors(self) -> int:
        return self.more_errors + sum(p.severity == "error" for p in self.problems)

    @property
    def warnings(self) -> int:
        return self.more_warnings + sum(p.severity == "warning" for p in self.problems)

    @property
    def more(self) -> int:
        """Problems found but not shown."""
        return self.more_errors + self.more_warnings

    @property
    def ok(self) -> bool:
        return self.flow is not None and self.errors == 0


def _all_keys() -> set[str]:
    models: list[type[BaseModel]] = [
        lang.Flow,
        lang.Consent,
        lang.Option,
        lang.Condition,
        lang.ChoiceQuestion,
        lang.MultiQuestion,
        lang.ScaleQuestion,
        lang.YesNoQuestion,
        lang.TextQuestion,
        lang.NumberQuestion,
        lang.MonthYearQuestion,
        lang.InfoStep,
        lang.ContactStep,
    ]
    return {f.alias or name for m in models for name, f in m.model_fields.items()}


KNOWN_KEYS = _all_keys()
QUESTION_TYPES = (
    "single",
    "multi",
    "scale",
    "yes_no",
    "text",
    "number",
    "month_year",
    "info",
    "contact",
)


def _describe(path: Path, data: Any) -> str:
    """'question "unit"' for paths inside a question, else the dotted path."""
    if len(path) >= 2 and path[0] == "questions" and isinstance(path[1], int):
        questions = data.get("questions") if isinstance(data, dict) else None
        if isinstance(questions, list) and path[1] < len(questions):
            q = questions[path[1]]
            if isinstance(q, dict) and isinstance(q.get("id"), str):
                return f"question '{q['id']}'"
        return f"question {path[1] + 1}"
    return ".".join(str(p) for p in path[:2]) if path else "questionnaire"


def _real_path(loc: tuple[int | str, ...], data: Any) -> Path:
    """Drop the parts of a pydantic location (union tags) that are not in the YAML data."""
    path: list[str | int] = []
    node = data
    for n, part in enumerate(loc):
        after_item = n > 0 and isinstance(loc[n - 1], int)
        if after_item and isinstance(node, dict) and part == node.get("type"):
            continue  # the question type pydantic names after a list item, not a key
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and part < len(node)
        if in_dict or in_list:
            node = node[part]
        elif part == "is_" and isinstance(node, dict) and "is" in node:
            part, node = "is", node["is"]
        else:
            continue
        path.append(part)
    return tuple(path)


TEXT_UNION = ("str", "dict[str,str]")
PLAIN = {
    "text_type": "'{field}' should be a text, or translations like {{en: Hello, pl: Cześć}} "
    "(put a text with a comma in quotes)",
    "missing": "'{field}' is required here",
    "string_type": "'{field}' should be text",
    "int_parsing": "'{field}' should be a whole number",
    "int_type": "'{field}' should be a whole number",
    "float_parsing": "'{field}' should be a number",
    "bool_parsing": "'{field}' should be true or false",
    "bool_type": "'{field}' should be true or false",
    "list_type": "'{field}' should be a list (lines starting with '- ')",
    "dict_type": "'{field}' should be a set of 'key: value' lines",
    "model_type": "'{field}' should be a set of 'key: value' lines",
    "too_short": "'{field}' needs at least {items}",
    "string_pattern_mismatch": "'{value}' is not a valid {field}: use lower-case letters, "
    "digits and _ (starting with a letter)",
    "string_too_long": "'{field}' is too long (at most {max_length} characters)",
    "greater_than_equal": "'{field}' should be at least {ge}",
    "less_than_equal": "'{field}' should be at most {le}",
    "literal_error": "'{value}' is not allowed for '{field}': use {expected}",
}


def _message(err: Any, known_keys: Collection[str]) -> str:
    kind = err["type"]
    field = next((str(p) for p in reversed(err["loc"]) if isinstance(p, str)), "value")
    ctx = err.get("ctx") or {}
    if kind != "extra_forbidden":  # an unknown key is named as written
        field = "is" if field == "is_" else "not" if field == "not_" else field
    if kind == "extra_forbidden":
        if field in known_keys:
            return f"'{field}' does not belong here; check its indentation"
        return f"unknown key '{field}'{did_you_mean(field, known_keys)}"
    if kind == "union_tag_invalid":
        tag = str(ctx.get("tag", ""))
        hint = did_you_mean(tag, QUESTION_TYPES) or " — use one of: " + ", ".join(QUESTION_TYPES)
        return f"unknown question type '{tag}'{hint}"
    if kind == "union_tag_not_found":
        return "this question needs a 'type': one of " + ", ".join(QUESTION_TYPES)
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    template = PLAIN.get(kind)
    if kind == "too_short":
        ctx = {**ctx, "items": number_of(int(ctx.get("min_length", 1)), "item")}
    if template:
        value = err.get("input")
        try:
            return template.format(field=field, value=value, **ctx)
        except (KeyError, IndexError):
            pass
    return f"'{field}': {err['msg']}"


def check_text(text: str, file: str) -> Checked:
    """Check one questionnaire's YAML text."""

    def refused(pos: Position, msg: str) -> Checked:
        return Checked(file, None, (Problem(file, pos.line, pos.col, "error", msg),), text)

    try:
        located = load(text)
    except YamlSyntaxError as exc:
        return refused(exc.position, exc.message)
    if not isinstance(located.data, dict):
        return refused(Position(1, 1), "a questionnaire file must start with 'id:', 'title:' …")
    set_aside = trim(located)
    try:
        flow = lang.Flow.model_validate(located.data)
    except ValidationError as exc:
        return _shape_problems(exc, located, file, text, set_aside)
    found = semantic_problems(flow, located)
    shown = _errors_first(found.kept)
    problems = []
    for path, severity, msg in shown:
        where = located.where(path)
        problems.append(Problem(file, where.line, where.col, severity, msg))
    problems.sort(key=lambda p: (p.line, p.col))
    errors = sum(severity == "error" for _, severity, _ in shown)
    more_errors = found.errors - errors
    more_warnings = found.warnings - (len(shown) - errors)
    return Checked(file, flow, tuple(problems), text, more_errors, more_warnings)


def _errors_first(kept: list[Found]) -> list[Found]:
    """At most MAX_PROBLEMS of what was found, errors before warnings, in the order found."""
    room = MAX_PROBLEMS - sum(severity == "error" for _, severity, _ in kept)
    shown = []
    for found in kept:
        if found[1] == "warning":
            if room <= 0:
                continue
            room -= 1
        shown.append(found)
    return shown


def _shape_problems(
    exc: ValidationError, located: Located, file: str, text: str, set_aside: int
) -> Checked:
    """Pydantic's errors, each located once; the first MAX_PROBLEMS in the file explained.
    `set_aside` unknown keys were taken out before pydantic read the data: they only count."""
    problems, more = shape_problems(exc, located, file)
    return Checked(file, None, problems, text, more_errors=more + set_aside)


def shape_problems(
    exc: ValidationError,
    located: Located,
    file: str,
    *,
    known_keys: Collection[str] = KNOWN_KEYS,
    describe: Callable[[Path, Any], str] = _describe,
) -> tuple[tuple[Problem, ...], int]:
    """Pydantic's errors about any YAML file read with `load`, each located once and the first
    MAX_PROBLEMS in the file explained in plain words (unknown keys with "did you mean" among
    `known_keys`, each prefixed with `describe(path, data)`); and how many more there were."""
    placed: list[tuple[Position, Path, Any]] = []
    seen: set[tuple[Path, str]] = set()
    for err in exc.errors(include_url=False):
        loc = err["loc"]
        if any(part in TEXT_UNION for part in loc):
            loc = loc[: min(loc.index(p) for p in TEXT_UNION if p in loc)]
            err = {**err, "loc": loc, "type": "text_type"}
        path = _real_path(loc, located.data)
        if err["type"] == "union_tag_invalid":
            path = (*path, "type")
        if (path, err["type"]) in seen:
            continue
        seen.add((path, err["type"]))
        at_key = err["type"] in ("extra_forbidden", "missing")
        placed.append((located.where(path, key=at_key), path, err))
    placed.sort(key=lambda found: (found[0].line, found[0].col))
    problems = tuple(
        Problem(
            file, where.line, where.col, "error",
            f"{describe(path, located.data)}: {_message(err, known_keys)}",
        )
        for where, path, err in placed[:MAX_PROBLEMS]
    )  # fmt: skip
    return problems, len(placed) - len(problems)


def check_file(path: FsPath) -> Checked:
    def unreadable(line: int, col: int, message: str) -> Checked:
        return Checked(str(path), None, (Problem(str(path), line, col, "error", message),), "")

    try:
        size = path.stat().st_size
        if size > MAX_BYTES:  # refused before reading, however large
            return unreadable(
                1, 1, f"the file is {size:,} bytes; a questionnaire file can be at most "
                f"{MAX_BYTES:,} bytes (split it into several questionnaires)"
            )  # fmt: skip
        raw = path.read_bytes()
    except OSError as exc:
        return unreadable(1, 1, f"cannot read the file: {exc.strerror or exc}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line_start = before.rfind(b"\n") + 1
        col = len(before[line_start:].decode("utf-8", "replace")) + 1
        return unreadable(
            before.count(b"\n") + 1, col,
            f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x} here); save it with "
            "the encoding UTF-8",
        )  # fmt: skip
    # As reading in text mode would: Windows and old Mac line endings become \n.
    return check_text(text.replace("\r\n", "\n").replace("\r", "\n"), str(path))


def check_folder(folder: FsPath) -> list[Checked]:
    """Every questionnaire file (*.yaml, *.yml) in a folder, checked, in name order."""
    return [check_file(path) for path in sorted(folder.glob("*.y*ml"))]
