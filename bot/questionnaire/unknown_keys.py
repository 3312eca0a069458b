"""Unknown keys beyond the first MAX_PROBLEMS of a file, taken out before pydantic reads it.

Pydantic describes every unknown key it meets, all of them at once: for a 990 KB file of 100,000
unknown keys, `validate` needed 227 MB with them and needs 117 MB without. A key that is
certainly unknown (not a key of the model its mapping is read as) and has MAX_PROBLEMS of them
before it in the file can never be among the problems shown, so it is taken out of the data and
only counted. Mappings whose model is not certain (a question of an unknown type) are left alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, get_args

from pydantic import BaseModel

from bot.errors import MAX_PROBLEMS
from bot.questionnaire import flow as lang
from bot.questionnaire.loader import Located, Path

Read = tuple[Path, dict[str, Any], type[BaseModel]]

#: Each question model by the `type` that chooses it.
QUESTION_MODELS: dict[str, type[BaseModel]] = {
    get_args(model.model_fields["type"].annotation)[0]: model
    for model in get_args(get_args(lang.Question)[0])
}


def _keys(model: type[BaseModel]) -> frozenset[str]:
    return frozenset(field.alias or name for name, field in model.model_fields.items())


MODELS: tuple[type[BaseModel], ...] = (lang.Flow, lang.Consent, lang.Option, lang.Condition)
KEYS = {model: _keys(model) for model in (*MODELS, *QUESTION_MODELS.values())}


def trim(located: Located) -> int:
    """Take the certainly unknown keys after the first MAX_PROBLEMS (in file order) out of
    `located.data`; return how many were taken out. The first unknown key of each mapping stays:
    a model's own checks (such as "one of all/any/not") run only on a mapping with no unknown
    keys, so taking them all out could bring up a problem that was not there."""
    unknown = []
    for path, mapping, model in _read_as_models(located.data):
        extra = [key for key in mapping if key not in KEYS[model]]
        for key in extra[1:]:
            at = located.keys[(*path, key)]
            unknown.append((at.line, at.col, mapping, key))
    if len(unknown) <= MAX_PROBLEMS:
        return 0
    unknown.sort(key=lambda found: (found[0], found[1]))
    for _, _, mapping, key in unknown[MAX_PROBLEMS:]:
        del mapping[key]
    return len(unknown) - MAX_PROBLEMS


def _read_as_models(data: Any) -> Iterator[Read]:
    """Every mapping pydantic will certainly read as a model: the questionnaire, its consent,
    each question of a known type, the question's options or points, and its conditions."""
    if not isinstance(data, dict):
        return
    yield (), data, lang.Flow
    if isinstance(data.get("consent"), dict):
        yield ("consent",), data["consent"], lang.Consent
    questions = data.get("questions")
    for i, question in enumerate(questions if isinstance(questions, list) else ()):
        kind = question.get("type") if isinstance(question, dict) else None
        model = QUESTION_MODELS.get(kind) if isinstance(kind, str) else None
        if model is None:
            continue
        here: Path = ("questions", i)
        yield here, question, model
        for key in ("options", "points"):
            items = question.get(key)
            if key in model.model_fields and isinstance(items, list):
                for j, item in enumerate(items):
                    if isinstance(item, dict):
                        yield (*here, key, j), item, lang.Option
        yield from _conditions((*here, "show_if"), question.get("show_if"))


def _conditions(path: Path, condition: Any) -> Iterator[Read]:
    """A condition and those inside it (all, any, not), without recursion."""
    waiting = [(path, condition)]
    while waiting:
        path, condition = waiting.pop()
        if not isinstance(condition, dict):
            continue
        yield path, condition, lang.Condition
        for key in ("all", "any"):
            children = condition.get(key)
            if isinstance(children, list):
                waiting += [((*path, key, k), child) for k, child in enumerate(children)]
        waiting.append(((*path, "not"), condition.get("not")))
