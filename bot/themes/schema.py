"""The JSON Schema of the theme codebook language (`python -m bot schema --themes`), generated
from the models the checker uses, so the two agree."""

from __future__ import annotations

from typing import Any

from bot.themes.codebook import Codebook
from bot.themes.framework import SUBCATEGORIES


def codebook_schema() -> dict[str, Any]:
    schema = Codebook.model_json_schema(by_alias=True)
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    schema["title"] = "Maternity feedback theme codebook"
    framework = schema["$defs"]["Theme"]["properties"]["framework"]
    framework["anyOf"] = [{"enum": list(SUBCATEGORIES)}, {"type": "null"}]
    return schema
