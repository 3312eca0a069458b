"""The questionnaire language: what engagement staff write in flows/*.yaml.

Every model forbids unknown keys so a misspelt key is reported, never silently ignored. A text can
be a plain string or a mapping of language code to string (`{en: ..., pl: ...}`).
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

Text = str | dict[str, str]
Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=48)]
OptionId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
#: A poster's tag, as Telegram deep links allow (and web links use the same).
TAG_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"


def _one_as_list(value: object) -> object:
    return [value] if isinstance(value, str) else value


#: One option id, or a list of them: `is: birth` means `is: [birth]`.
OptionIds = Annotated[
    list[OptionId],
    BeforeValidator(_one_as_list, json_schema_input_type=OptionId | list[OptionId]),
]

#: Longest option id: it travels inside a Telegram button's 64-byte callback data.
MAX_OPTION_ID_BYTES = 32

#: The NHS Friends and Family Test question and its six answers, in the current national wording.
FFT_TEXT: dict[str, str] = {
    "en": "Overall, how was your experience of our service?",
    "pl": "Jak ogólnie oceniasz swoje doświadczenia z naszą usługą?",
}
FFT_POINTS: tuple[tuple[str, dict[str, str]], ...] = (
    ("very_good", {"en": "Very good", "pl": "Bardzo dobrze"}),
    ("good", {"en": "Good", "pl": "Dobrze"}),
    ("neither", {"en": "Neither good nor poor", "pl": "Ani dobrze, ani źle"}),
    ("poor", {"en": "Poor", "pl": "Źle"}),
    ("very_poor", {"en": "Very poor", "pl": "Bardzo źle"}),
    ("dont_know", {"en": "Don't know", "pl": "Nie wiem"}),
)


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(Model):
    id: OptionId
    label: Text
    other: bool = Field(False, description="Ask 'please tell us' as a follow-up when chosen.")
    other_prompt: Text | None = None
    exclusive: bool = Field(False, description="Multiple choice: clears the other choices.")


class Condition(Model):
    """When a question is shown. One of: a test on an earlier answer, or all/any/not of others."""

    question: Id | None = None
    is_: OptionIds | None = Field(None, alias="is")
    is_not: OptionIds | None = None
    at_least: float | None = None
    at_most: float | None = None
    answered: bool | None = None
    all: list[Condition] | None = None
    any: list[Condition] | None = None
    not_: Condition | None = Field(None, alias="not")

    @model_validator(mode="after")
    def _one_shape(self) -> Condition:
        combinators = [x for x in (self.all, self.any, self.not_) if x is not None]
        tests = [x for x in (self.is_, self.is_not, self.at_least, self.at_most, self.answered)]
        tests = [x for x in tests if x is not None]
        if self.question is None:
            if len(combinators) != 1 or tests:
                raise ValueError(
                    "a condition needs 'question' with one test (is, is_not, at_least, "
                    "at_most, answered), or exactly one of all/any/not"
                )
        elif combinators or not tests:
            raise ValueError(
                f"condition on '{self.question}' needs a test: is, is_not, at_least, "
                "at_most or answered"
            )
        return self

    def questions(self) -> list[str]:
        """Ids of the questions this condition looks at."""
        found = [self.question] if self.question else []
        for child in (*(self.all or ()), *(self.any or ()), *([self.not_] if self.not_ else [])):
            found.extend(child.questions())
        return found


class QuestionBase(Model):
    id: Id
    text: Text
    help: Text | None = None
    optional: bool = Field(False, description="Offer a Skip button.")
    prefer_not_to_say: bool = Field(False, description="Offer 'Prefer not to say'.")
    required: bool = Field(
        False,
        description="Never left without an answer: after reask_limit answers that do not fit, "
        "asked again (with how to answer) instead of moving on. Not with optional.",
    )
    show_if: Condition | None = None


class ChoiceQuestion(QuestionBase):
    type: Literal["single"]
    options: list[Option] = Field(min_length=2)
    breakdown: bool = Field(
        False,
        description="Staff may break the report down by this question's answer (a unit, a "
        "hub): only for answers that are safe to show groups by.",
    )


class MultiQuestion(QuestionBase):
    type: Literal["multi"]
    options: list[Option] = Field(min_length=2)
    min: int = Field(1, ge=0, description="0 lets a parent tick nothing and press Done.")
    max: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _bounds(self) -> MultiQuestion:
        if self.max is not None and self.max < self.min:
            raise ValueError(f"max ({self.max}) is smaller than min ({self.min})")
        if self.max is not None and self.max > len(self.options):
            raise ValueError(f"max ({self.max}) is more than the {len(self.options)} options")
        return self


class ScaleQuestion(QuestionBase):
    type: Literal["scale"]
    text: Text = Field(default_factory=lambda: dict(FFT_TEXT))
    preset: Literal["fft"] | None = Field(None, description="fft: the Friends and Family Test.")
    points: list[Option] | None = None

    @model_validator(mode="after")
    def _preset_or_points(self) -> ScaleQuestion:
        if (self.preset is None) == (self.points is None):
            raise ValueError("a scale needs either 'preset: fft' or a list of 'points'")
        if self.points is not None and len(self.points) < 2:
            raise ValueError("a scale needs at least 2 points")
        return self

    @property
    def options(self) -> list[Option]:
        if self.points is not None:
            return self.points
        return [Option(id=i, label=label) for i, label in FFT_POINTS]


class YesNoQuestion(QuestionBase):
    type: Literal["yes_no"]

    @property
    def options(self) -> list[Option]:
        return [Option(id="yes", label="Yes"), Option(id="no", label="No")]


class TextQuestion(QuestionBase):
    type: Literal["text"]
    max_length: int = Field(1000, ge=1, le=4000)


class NumberQuestion(QuestionBase):
    type: Literal["number"]
    min: float | None = None
    max: float | None = None
    whole: bool = Field(True, description="Only whole numbers.")


class MonthYearQuestion(QuestionBase):
    type: Literal["month_year"]
    months_back: int = Field(120, ge=0, description="How many months in the past are allowed.")
    months_ahead: int = Field(0, ge=0, description="How many months in the future are allowed.")


class InfoStep(QuestionBase):
    type: Literal["info"]


class ContactStep(QuestionBase):
    type: Literal["contact"]
    text: Text = Field(
        default_factory=lambda: {
            "en": "Can the engagement team contact you for a conversation about your experience?",
            "pl": "Czy zespół może się z Tobą skontaktować, aby porozmawiać o Twoich "
            "doświadczeniach?",
        }
    )
    share_answers: list[Id] = Field(
        default_factory=list, description="Answers sent with the contact details (say so in text)."
    )


Question = Annotated[
    ChoiceQuestion
    | MultiQuestion
    | ScaleQuestion
    | YesNoQuestion
    | TextQuestion
    | NumberQuestion
    | MonthYearQuestion
    | InfoStep
    | ContactStep,
    Field(discriminator="type"),
]
CHOICE_TYPES = (ChoiceQuestion, MultiQuestion, ScaleQuestion, YesNoQuestion)


class Consent(Model):
    text: Text
    agree: Text = Field(
        default_factory=lambda: {"en": "Yes, I'm happy to start", "pl": "Tak, zaczynajmy"}
    )
    decline: Text = Field(default_factory=lambda: {"en": "No thanks", "pl": "Nie, dziękuję"})
    declined: Text = Field(
        default_factory=lambda: {
            "en": "That's fine. Nothing has been saved. Thank you for your time.",
            "pl": "W porządku. Nic nie zostało zapisane. Dziękujemy za poświęcony czas.",
        }
    )


class Flow(Model):
    id: Id
    title: Text
    version: str | int = 1
    languages: list[Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]] = Field(
        default_factory=lambda: ["en"], min_length=1
    )
    intro: Text
    consent: Consent
    closing: Text
    reask_limit: int = Field(2, ge=0, le=10, description="Invalid answers before moving on.")
    source_tags: dict[Annotated[str, Field(pattern=TAG_PATTERN)], dict[Id, OptionId]] = Field(
        default_factory=dict, description="Deep-link tags that answer questions upfront."
    )
    questions: list[Question] = Field(min_length=1)

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    def content_hash(self) -> str:
        """A stable hash of what the flow says (not how the YAML is laid out). A question that
        is not `required` (or not a `breakdown`) hashes as before that key existed, so parents
        part-way through a questionnaire written before it keep their version."""
        data = self.model_dump(mode="json", by_alias=True)
        for question in data["questions"]:
            for key in ("required", "breakdown"):
                if key in question and not question[key]:
                    del question[key]
        canonical = json.dumps(data, sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def options_of(question: Question) -> list[Option]:
    """The options a choice question offers (empty for other kinds)."""
    if isinstance(question, CHOICE_TYPES):
        return list(question.options)
    return []


def text_in(text: Text, language: str, default: str) -> str:
    """A text in the parent's language, falling back to the flow's default language."""
    if isinstance(text, str):
        return text
    return text.get(language) or text.get(default) or next(iter(text.values()), "")
