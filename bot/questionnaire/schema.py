"""The JSON Schema of the questionnaire language, for editors' autocomplete and underlining.

It is generated from the models the checker uses, so the two agree: every file the checker accepts
passes the schema. The checker reads a few scalars leniently (`optional: yes`, `max_length: "500"`),
so the schema accepts those spellings too, as patterns that editors do not offer as completions.
"""

from __future__ import annotations

from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from bot.questionnaire.flow import Flow

# The words the checker takes for true and false, in any letter case.
_BOOL_WORDS = (
    "^(0|1|[Oo][Nn]|[Oo][Ff][Ff]|[Tt]([Rr][Uu][Ee])?|[Ff]([Aa][Ll][Ss][Ee])?|[Yy]([Ee][Ss])?"
    "|[Nn][Oo]?)$"
)
_INT_TEXT = r"^\s*[-+]?[0-9][0-9_]*(\.0*)?\s*$"
_NUMBER_TEXT = (
    r"^\s*[-+]?(([0-9][0-9_]*\.?[0-9_]*|\.[0-9]+)([eE][-+]?[0-9]+)?"
    r"|[Ii][Nn][Ff]([Ii][Nn][Ii][Tt][Yy])?|[Nn][Aa][Nn])\s*$"
)


def _lenient(schema: JsonSchemaValue, *also: JsonSchemaValue) -> JsonSchemaValue:
    """`schema` with its type widened to `also`; bounds (minimum …) stay and apply to numbers."""
    strict = {"type": schema.pop("type")}
    return {**schema, "anyOf": [strict, *also]}


class _Generator(GenerateJsonSchema):
    def bool_schema(self, schema: core_schema.BoolSchema) -> JsonSchemaValue:
        words = {"type": "string", "pattern": _BOOL_WORDS}
        return _lenient(super().bool_schema(schema), words, {"enum": [0, 1]})

    def int_schema(self, schema: core_schema.IntSchema) -> JsonSchemaValue:
        text = {"type": "string", "pattern": _INT_TEXT}
        return _lenient(super().int_schema(schema), text, {"type": "boolean"})

    def float_schema(self, schema: core_schema.FloatSchema) -> JsonSchemaValue:
        text = {"type": "string", "pattern": _NUMBER_TEXT}
        return _lenient(super().float_schema(schema), text, {"type": "boolean"})


def flow_schema() -> dict[str, Any]:
    schema = Flow.model_json_schema(by_alias=True, schema_generator=_Generator)
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    schema["title"] = "Maternity feedback questionnaire"
    return schema
