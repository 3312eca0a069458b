"""The JSON Schema of the questionnaire language, for editors' autocomplete and underlining."""

from __future__ import annotations

from typing import Any

from bot.questionnaire.flow import Flow


def flow_schema() -> dict[str, Any]:
    schema = Flow.model_json_schema(by_alias=True)
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    schema["title"] = "Maternity feedback questionnaire"
    return schema
