"""Checks of what a questionnaire means, once its YAML has the right shape: unique ids, conditions
that can hold, translations, texts that fit a chat message."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from itertools import islice
from typing import Any, Literal

from bot.errors import MAX_PROBLEMS
from bot.questionnaire import flow as lang
from bot.questionnaire.loader import Located, Path
from bot.questionnaire.reach import unreachable


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" — did you mean '{close[0]}'?" if close else ""


Found = tuple[Path, Literal["error", "warning"], str]
#: The end of a message, worked out only if the message is kept ("— did you mean …?").
Hint = Callable[[], str]


class Findings:
    """What the checks find, in the order found. Every one is counted, but only the first
    MAX_PROBLEMS errors and the first MAX_PROBLEMS warnings are kept, and only their hints
    worked out."""

    def __init__(self) -> None:
        self.kept: list[Found] = []
        self.errors = 0
        self.warnings = 0

    def error(self, path: Path, message: str, hint: Hint | None = None) -> None:
        self.errors += 1
        if self.errors <= MAX_PROBLEMS:
            self.kept.append((path, "error", message + (hint() if hint else "")))

    def warning(self, path: Path, message: str, hint: Hint | None = None) -> None:
        self.warnings += 1
        if self.warnings <= MAX_PROBLEMS:
            self.kept.append((path, "warning", message + (hint() if hint else "")))


@dataclass(frozen=True)
class Places:
    """Where each question id is, worked out once, so that every condition is checked in
    constant time however long the questionnaire."""

    ids: list[str]  # in question order
    first: dict[str, int]
    last: dict[str, int]

    @classmethod
    def of(cls, flow: lang.Flow) -> Places:
        ids = [q.id for q in flow.questions]
        first: dict[str, int] = {}
        for i, qid in enumerate(ids):
            first.setdefault(qid, i)
        return cls(ids, first, {qid: i for i, qid in enumerate(ids)})


def semantic_problems(flow: lang.Flow, located: Located) -> Findings:
    found = Findings()
    places = Places.of(flow)
    for i, q in enumerate(flow.questions):
        here: Path = ("questions", i)
        if places.first[q.id] < i:
            found.error(
                (*here, "id"),
                f"question id '{q.id}' is used twice (first as question "
                f"{places.first[q.id] + 1}); ids must be unique",
            )
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
        if q.required and (q.optional or isinstance(q, lang.InfoStep)):
            found.error(
                (*here, "required"),
                f"question '{q.id}': 'required: true' and 'optional: true' contradict each "
                "other — remove 'optional' to keep asking until it is answered, or 'required' "
                "to offer Skip"
                if q.optional
                else f"question '{q.id}': an info step asks nothing, so it cannot be required "
                "— remove 'required'",
            )
        if q.show_if is not None:
            who = f"question '{q.id}': "
            _check_condition(found, flow, places, i, q.show_if, (*here, "show_if"), who)
        if isinstance(q, lang.ContactStep):
            for k, ref in enumerate(q.share_answers):
                if places.first.get(ref, i) >= i:
                    found.error(
                        (*here, "share_answers", k),
                        f"question '{q.id}': share_answers names '{ref}', which is not an "
                        "earlier question",
                        partial(did_you_mean, ref, islice(places.ids, i)),
                    )
                    continue
                shared = flow.questions[places.first[ref]]
                if not lang.options_of(shared):
                    found.error(
                        (*here, "share_answers", k),
                        f"question '{q.id}': only choice answers can go to the agency with "
                        f"contact details; '{ref}' is a {shared.type} question",
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
            if qid not in places.first:
                found.error(
                    tpath,
                    f"source tag '{tag}' answers unknown question '{qid}'",
                    partial(did_you_mean, qid, places.ids),
                )
                continue
            ids = [o.id for o in lang.options_of(flow.questions[places.first[qid]])]
            if answer not in ids:
                found.error(
                    tpath,
                    f"source tag '{tag}': '{answer}' is not an option of question '{qid}'",
                    partial(did_you_mean, answer, ids),
                )
    if not found.errors:
        for i in unreachable(flow):
            found.error(
                ("questions", i, "show_if"),
                f"question '{flow.questions[i].id}' can never be shown: no set of earlier answers "
                "makes its show_if true",
            )
    _check_translations(found, flow, located)
    return found


def _check_condition(
    found: Findings,
    flow: lang.Flow,
    places: Places,
    index: int,
    cond: lang.Condition,
    path: Path,
    who: str,
) -> None:
    last = places.last.get(cond.question) if cond.question is not None else None
    if last is not None and last >= index:
        found.error(
            (*path, "question"),
            f"{who}show_if looks at '{cond.question}', which is asked at or after this question; "
            "a condition can only use earlier answers",
        )
    elif cond.question is not None and last is None:
        found.error(
            (*path, "question"),
            f"{who}show_if looks at unknown question '{cond.question}'",
            partial(did_you_mean, cond.question, islice(places.ids, index)),
        )
    elif last is not None:
        target = flow.questions[last]
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
                        f"{who}'{value}' is not an option of '{target.id}'",
                        partial(_option_hint, value, ids),
                    )
    for key, children in (("all", cond.all), ("any", cond.any)):
        for k, child in enumerate(children or ()):
            _check_condition(found, flow, places, index, child, (*path, key, k), who)
    if cond.not_ is not None:
        _check_condition(found, flow, places, index, cond.not_, (*path, "not"), who)


def _option_hint(value: str, ids: list[str]) -> str:
    return did_you_mean(value, ids) or f" (options: {', '.join(ids)})"


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
                            f"({', '.join(wanted)})",
                            partial(did_you_mean, code, wanted),
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
