"""The theme codebook language: what engagement staff write in `themes/*.yaml` (docs/themes.md).

A codebook is a list of themes; each has an id, a label in every language, a one-line
description, the NHS England framework sub-category it maps to (where one does), the phrases that
signal it and the guard phrases that cancel a match, per language, and the free-text questions it
applies to. Unknown keys are refused, so a misspelt key is reported rather than ignored.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.questionnaire.meaning import did_you_mean
from bot.themes.framework import SUBCATEGORIES

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}$"

Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=64)]
Language = Annotated[str, Field(pattern=LANGUAGE_PATTERN)]
Phrase = Annotated[str, Field(min_length=1, max_length=200)]
#: Phrases per language: `{en: [kind, caring], pl: [miła, troskliwa]}`.
Phrases = dict[Language, list[Phrase]]


class Theme(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Id = Field(description="Short name used in exports: lower-case letters, digits and _.")
    label: dict[Language, Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        description="The theme's name as staff read it, per language: {en: …, pl: …}."
    )
    description: Annotated[str, Field(min_length=1, max_length=300)] = Field(
        description="One line saying what belongs in this theme."
    )
    framework: str | None = Field(
        default=None,
        description="The NHS England FFT framework sub-category this theme maps to, if any.",
    )
    phrases: Phrases = Field(
        description="Words or phrases that signal the theme, per language; any word form counts."
    )
    guards: Phrases = Field(
        default_factory=dict,
        description="Phrases that cancel a match they overlap (e.g. 'no complaints about the "
        "food'), per language.",
    )
    questions: Literal["all"] | list[Id] = Field(
        default="all",
        description="The free-text question ids this theme applies to, or 'all'.",
    )

    @field_validator("framework")
    @classmethod
    def _known_subcategory(cls, value: str | None) -> str | None:
        if value is None or value in SUBCATEGORIES:
            return value
        hint = did_you_mean(value, SUBCATEGORIES) or (
            " — use one of the framework's sub-categories (docs/themes.md lists them)"
        )
        raise ValueError(f"'{value}' is not an NHS England framework sub-category{hint}")


class Codebook(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Id = Field(description="The codebook's name, e.g. maternity.")
    description: str | None = Field(default=None, description="What the codebook is for.")
    themes: Annotated[list[Theme], Field(min_length=1)] = Field(description="The themes.")


def codebook_keys() -> set[str]:
    """Every key the codebook language knows, for "did you mean"."""
    models: list[type[BaseModel]] = [Codebook, Theme]
    return {f.alias or name for m in models for name, f in m.model_fields.items()}
