"""Check questionnaire files; explain each problem as `file:line:col: error|warning: message`."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from bot import flow as lang
from bot.reach import unreachable
from bot.yamlpos import Located, Path, Position, YamlSyntaxError, load


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
    problems: tuple[Problem, ...]
    source: str

    @property
    def ok(self) -> bool:
        return self.flow is not None and not any(p.severity == "error" for p in self.problems)


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


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" — did you mean '{close[0]}'?" if close else ""


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
    for part in loc:
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
    "too_short": "'{field}' needs at least {min_length} item(s)",
    "string_pattern_mismatch": "'{value}' is not a valid {field}: use lower-case letters, "
    "digits and _ (starting with a letter)",
    "string_too_long": "'{field}' is too long (at most {max_length} characters)",
    "greater_than_equal": "'{field}' should be at least {ge}",
    "less_than_equal": "'{field}' should be at most {le}",
    "literal_error": "'{value}' is not allowed for '{field}': use {expected}",
}


def _message(err: Any, path: Path, data: Any) -> str:
    kind = err["type"]
    field = next((str(p) for p in reversed(err["loc"]) if isinstance(p, str)), "value")
    field = "is" if field == "is_" else "not" if field == "not_" else field
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden":
        if field in KNOWN_KEYS:
            return f"'{field}' does not belong here; check its indentation"
        return f"unknown key '{field}'{did_you_mean(field, KNOWN_KEYS)}"
    if kind == "union_tag_invalid":
        tag = str(ctx.get("tag", ""))
        hint = did_you_mean(tag, QUESTION_TYPES) or " — use one of: " + ", ".join(QUESTION_TYPES)
        return f"unknown question type '{tag}'{hint}"
    if kind == "union_tag_not_found":
        return "this question needs a 'type': one of " + ", ".join(QUESTION_TYPES)
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    template = PLAIN.get(kind)
    if template:
        value = err.get("input")
        try:
            return template.format(field=field, value=value, **ctx)
        except (KeyError, IndexError):
            pass
    return f"'{field}': {err['msg']}"


def check_text(text: str, file: str) -> Checked:
    """Check one questionnaire's YAML text."""
    problems: list[Problem] = []

    def report(pos: Position, severity: Literal["error", "warning"], msg: str) -> None:
        problems.append(Problem(file, pos.line, pos.col, severity, msg))

    try:
        located = load(text)
    except YamlSyntaxError as exc:
        report(exc.position, "error", exc.message)
        return Checked(file, None, tuple(problems), text)
    if not isinstance(located.data, dict):
        report(Position(1, 1), "error", "a questionnaire file must start with 'id:', 'title:' …")
        return Checked(file, None, tuple(problems), text)
    try:
        flow = lang.Flow.model_validate(located.data)
    except ValidationError as exc:
        seen: set[tuple[Path, str]] = set()
        for err in exc.errors():
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
            where = located.where(path, key=at_key)
            msg = _message(err, path, located.data)
            report(where, "error", f"{_describe(path, located.data)}: {msg}")
        problems.sort(key=lambda p: (p.line, p.col))
        return Checked(file, None, tuple(problems), text)
    for path, severity, msg in semantic_problems(flow, located):
        report(located.where(path), severity, msg)
    problems.sort(key=lambda p: (p.line, p.col))
    return Checked(file, flow, tuple(problems), text)


def check_file(path: FsPath) -> Checked:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problem = Problem(str(path), 1, 1, "error", f"cannot read the file: {exc}")
        return Checked(str(path), None, (problem,), "")
    return check_text(text, str(path))


Found = tuple[Path, Literal["error", "warning"], str]


class Findings(list[Found]):
    def error(self, path: Path, message: str) -> None:
        self.append((path, "error", message))

    def warning(self, path: Path, message: str) -> None:
        self.append((path, "warning", message))


def semantic_problems(flow: lang.Flow, located: Located) -> list[Found]:
    found = Findings()
    seen: dict[str, int] = {}
    for i, q in enumerate(flow.questions):
        here: Path = ("questions", i)
        if q.id in seen:
            found.error(
                (*here, "id"),
                f"question id '{q.id}' is used twice (first as question {seen[q.id] + 1}); "
                "ids must be unique",
            )
        seen.setdefault(q.id, i)
        option_ids: set[str] = set()
        for j, option in enumerate(lang.options_of(q)):
            opath: Path = (*here, "points" if q.type == "scale" else "options", j, "id")
            if option.id in option_ids:
                found.error(opath, f"question '{q.id}': option id '{option.id}' is used twice")
            option_ids.add(option.id)
            if len(option.id.encode()) > lang.MAX_OPTION_ID_BYTES:
                found.error(
                    opath,
                    f"question '{q.id}': option id '{option.id}' is too long for a Telegram "
                    f"button (at most {lang.MAX_OPTION_ID_BYTES} characters)",
                )
        if q.show_if is not None:
            _check_condition(found, flow, i, q.show_if, (*here, "show_if"), f"question '{q.id}': ")
        if isinstance(q, lang.ContactStep):
            before = [x.id for x in flow.questions[:i]]
            for k, ref in enumerate(q.share_answers):
                if ref not in before:
                    found.error(
                        (*here, "share_answers", k),
                        f"question '{q.id}': share_answers names '{ref}', which is not an "
                        f"earlier question{did_you_mean(ref, before)}",
                    )
                elif not lang.options_of(flow.question(ref)):
                    found.error(
                        (*here, "share_answers", k),
                        f"question '{q.id}': only choice answers can go to the agency with "
                        f"contact details; '{ref}' is a {flow.question(ref).type} question",
                    )
        for j, option in enumerate(getattr(q, "options", None) or []):
            opath = (*here, "options", j)
            if option.other_prompt is not None and not option.other:
                found.warning(
                    (*opath, "other_prompt"),
                    f"question '{q.id}': other_prompt is only used with 'other: true'",
                )
            if option.exclusive and not isinstance(q, lang.MultiQuestion):
                found.warning(
                    (*opath, "exclusive"),
                    f"question '{q.id}': 'exclusive' only matters in a multi question",
                )
    for tag, answers in flow.source_tags.items():
        for qid, answer in answers.items():
            tpath: Path = ("source_tags", tag, qid)
            if qid not in seen:
                found.error(
                    tpath,
                    f"source tag '{tag}' answers unknown question '{qid}'"
                    + did_you_mean(qid, seen),
                )
                continue
            ids = [o.id for o in lang.options_of(flow.question(qid))]
            if answer not in ids:
                found.error(
                    tpath,
                    f"source tag '{tag}': '{answer}' is not an option of question '{qid}'"
                    + did_you_mean(answer, ids),
                )
    if not any(severity == "error" for _, severity, _ in found):
        for i in unreachable(flow):
            found.error(
                ("questions", i, "show_if"),
                f"question '{flow.questions[i].id}' can never be shown: no set of earlier answers "
                "makes its show_if true",
            )
    _check_translations(found, flow, located)
    return found


def _check_condition(
    found: Findings, flow: lang.Flow, index: int, cond: lang.Condition, path: Path, who: str
) -> None:
    earlier = {q.id: q for q in flow.questions[:index]}
    later = {q.id for q in flow.questions[index:]}
    if cond.question in later:
        found.error(
            (*path, "question"),
            f"{who}show_if looks at '{cond.question}', which is asked at or after this question; "
            "a condition can only use earlier answers",
        )
    elif cond.question is not None and cond.question not in earlier:
        found.error(
            (*path, "question"),
            f"{who}show_if looks at unknown question '{cond.question}'"
            + did_you_mean(cond.question, earlier),
        )
    elif cond.question is not None:
        target = earlier[cond.question]
        ids = [o.id for o in lang.options_of(target)]
        for key, bound in (("at_least", cond.at_least), ("at_most", cond.at_most)):
            if bound is not None and not isinstance(target, lang.NumberQuestion):
                found.error(
                    (*path, key),
                    f"{who}'{key}' needs a number question, but '{target.id}' is a {target.type} "
                    "question; use is or is_not",
                )
        for key, values in (("is", cond.is_), ("is_not", cond.is_not)):
            if values and not ids:
                found.error(
                    (*path, key),
                    f"{who}'{key}' needs a choice question, but '{target.id}' is a {target.type} "
                    "question; use at_least, at_most or answered",
                )
                continue
            for k, value in enumerate(values or ()):
                if value not in ids:
                    found.error(
                        (*path, key, k),
                        f"{who}'{value}' is not an option of '{target.id}'"
                        + (did_you_mean(value, ids) or f" (options: {', '.join(ids)})"),
                    )
    for key, children in (("all", cond.all), ("any", cond.any)):
        for k, child in enumerate(children or ()):
            _check_condition(found, flow, index, child, (*path, key, k), who)
    if cond.not_ is not None:
        _check_condition(found, flow, index, cond.not_, (*path, "not"), who)


MAX_TEXT = 1500
TEXT_KEYS = {
    "title",
    "intro",
    "closing",
    "text",
    "help",
    "label",
    "other_prompt",
    "agree",
    "decline",
    "declined",
}


def _check_translations(found: Findings, flow: lang.Flow, located: Located) -> None:
    wanted = flow.languages
    default = flow.default_language

    def walk(node: Any, path: Path) -> None:
        if isinstance(node, str) and len(node) > MAX_TEXT and path and path[-1] in TEXT_KEYS:
            found.error(
                path,
                f"this text has {len(node)} characters; keep each text under "
                f"{MAX_TEXT} so it fits in one chat message (split it into an info step)",
            )
        if isinstance(node, dict):
            is_text = bool(node) and all(isinstance(v, str) for v in node.values())
            if is_text and path and path[-1] in TEXT_KEYS:
                missing = [code for code in wanted if code not in node]
                if default in missing:
                    found.error(path, f"'{path[-1]}' has no {default} text (the default language)")
                elif missing:
                    found.warning(
                        path,
                        f"no {', '.join(missing)} translation here; the {default} text is shown",
                    )
                for code in node:
                    if code not in wanted:
                        found.warning(
                            (*path, code),
                            f"'{code}' is not one of this questionnaire's languages "
                            f"({', '.join(wanted)}){did_you_mean(code, wanted)}",
                        )
                return
            for key, value in node.items():
                walk(value, (*path, key))
        elif isinstance(node, list):
            for k, value in enumerate(node):
                walk(value, (*path, k))
        elif isinstance(node, str) and len(wanted) > 1 and path and path[-1] in TEXT_KEYS:
            found.warning(
                path,
                f"'{path[-1]}' has no translation; add "
                + ", ".join(f"{c}:" for c in wanted[1:])
                + " variants",
            )

    walk(located.data, ())
