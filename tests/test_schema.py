"""docs/flow.schema.json, as editors use it: every questionnaire the checker accepts passes it, and
the mistakes a schema can express are underlined."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import DATA, FLOWS, ROOT
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.questionnaire.check import check_file, check_text
from bot.questionnaire.loader import load
from bot.questionnaire.schema import flow_schema

SCHEMA = json.loads((ROOT / "docs" / "flow.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)
VALID_FILES = [
    *sorted(FLOWS.glob("*.yaml")),
    DATA / "every_type.yaml",
    *sorted((DATA / "analysis").glob("*.yaml")),
]
# Broken fixtures whose mistake is one of shape, which a schema can express.
SHAPE_MISTAKES = ["unknown_type", "missing_id", "missing_intro", "unknown_key", "bad_option_id"]


def schema_errors(data: Any) -> list[str]:
    return [e.message for e in VALIDATOR.iter_errors(data)]


def test_the_schema_is_a_valid_draft_7_schema() -> None:
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    assert flow_schema() == SCHEMA


@pytest.mark.parametrize("path", VALID_FILES, ids=lambda p: p.name)
def test_every_valid_questionnaire_passes_the_schema(path: Path) -> None:
    assert check_file(path).ok
    assert schema_errors(load(path.read_text(encoding="utf-8")).data) == []


def test_a_single_value_for_is_passes_the_schema() -> None:
    condition = VALIDATOR.evolve(schema={"$defs": SCHEMA["$defs"], **SCHEMA["$defs"]["Condition"]})
    for cond in (
        {"question": "stages", "is": "birth"},
        {"question": "stages", "is": ["birth", "home"]},
        {"question": "stages", "is_not": "birth"},
    ):
        assert list(condition.iter_errors(cond)) == [], cond
    assert list(condition.iter_errors({"question": "stages", "is": "Not An Id"}))


@pytest.mark.parametrize("name", SHAPE_MISTAKES)
def test_shape_mistakes_are_refused_by_the_checker_and_the_schema(name: str) -> None:
    path = DATA / "broken" / f"{name}.yaml"
    checked = check_file(path)
    assert not checked.ok and any(p.severity == "error" for p in checked.problems)
    assert schema_errors(load(path.read_text(encoding="utf-8")).data), name


BOOL_SPELLINGS = {
    True: ["true", "True", "TRUE", "yes", "Yes", "on", "ON", "y", "t", "1", 1],
    False: ["false", "False", "no", "NO", "off", "n", "f", "0", 0],
}


def _respelt(value: Any, draw: st.DrawFn, key: str | int | None) -> Any:
    """The same value, spelt another way the checker accepts (or left alone)."""
    if isinstance(value, dict):
        return {k: _respelt(v, draw, k) for k, v in value.items()}
    if isinstance(value, list):
        if key in ("is", "is_not") and len(value) == 1 and draw(st.booleans()):
            return value[0]
        return [_respelt(v, draw, i) for i, v in enumerate(value)]
    if isinstance(value, bool):
        return draw(st.sampled_from([value, *BOOL_SPELLINGS[value]]))
    if isinstance(value, int):
        forms = [value, str(value), f" {value} ", float(value), f"{value}.0", f"+{value}"]
        return draw(st.sampled_from(forms))
    if isinstance(value, float):
        return draw(st.sampled_from([value, str(value), repr(value), int(value)]))
    return value


@st.composite
def respelt_flows(draw: st.DrawFn) -> str:
    path = draw(st.sampled_from(VALID_FILES))
    data = load(path.read_text(encoding="utf-8")).data
    return yaml.safe_dump(_respelt(data, draw, None), allow_unicode=True, sort_keys=False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(respelt_flows())
def test_whatever_the_checker_accepts_the_schema_accepts(text: str) -> None:
    checked = check_text(text, "f.yaml")
    assume(checked.flow is not None)
    assert schema_errors(load(text).data) == []
