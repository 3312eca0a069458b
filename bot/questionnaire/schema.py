"""The JSON Schema of the questionnaire language, for editors' autocomplete and underlining."""

from __future__ import annotations

from typing import Any

from bot.questionnaire.flow import Flow


def flow_schema() -> dict[str, Any]:
    schema = Flow.model_json_schema(by_alias=True)
    # `is: birth` is the documented short form of `is: [birth]` (the model accepts both).
    condition = schema.get("$defs", {}).get("Condition", {}).get("properties", {})
    for key in ("is", "is_not"):
        shapes = condition.get(key, {}).get("anyOf")
        if shapes is not None:
            items = next(s["items"] for s in shapes if s.get("type") == "array")
            shapes.insert(1, dict(items))
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    schema["title"] = "Maternity feedback questionnaire"
    return schema
