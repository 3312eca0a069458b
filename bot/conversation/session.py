"""A parent's place in a questionnaire: everything needed to carry on after a restart."""

from __future__ import annotations

from typing import Literal, TypedDict

from pydantic import BaseModel, ConfigDict

from bot.questionnaire.conditions import Value

Stage = Literal["consent", "question", "other", "contact", "complete", "declined"]
ContactField = Literal["consent", "name", "phone", "email", "time", "phone_failed", "email_failed"]
#: The contact details in the order they are asked (Back goes one to the left).
CONTACT_FIELDS: tuple[ContactField, ...] = ("consent", "name", "phone", "email", "time")
#: After too many phone numbers (or email addresses) that do not fit: what would you like to do?
FAILED: dict[ContactField, ContactField] = {"phone": "phone_failed", "email": "email_failed"}


class Session(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    flow_id: str
    flow_hash: str
    language: str
    source: str | None = None
    started: str  # YYYY-MM: never a precise time
    stage: Stage = "consent"
    current: str | None = None
    answers: dict[str, Value] = {}
    prefilled: tuple[str, ...] = ()
    history: tuple[str, ...] = ()
    attempts: int = 0
    seq: int = 0
    draft: tuple[str, ...] = ()
    contact_field: ContactField | None = None
    contact: dict[str, str] = {}
    returning: bool = False  # back after the session expired: offered to carry on or restart
    active: str | None = None  # YYYY-MM-DD of the last input: never a precise time
    progress: int = 0  # the highest percent done shown so far, so progress never goes back

    @property
    def finished(self) -> bool:
        """Completed or declined: the next Start begins a new response."""
        return self.stage in ("complete", "declined")


class Changes(TypedDict, total=False):
    """What a step may change in a session, named and typed as in `Session`, so a misspelt field
    or a stage that does not exist is refused by the type checker, not found when the session is
    loaded again (a test keeps the two in step)."""

    flow_id: str
    flow_hash: str
    language: str
    source: str | None
    started: str
    stage: Stage
    current: str | None
    answers: dict[str, Value]
    prefilled: tuple[str, ...]
    history: tuple[str, ...]
    attempts: int
    seq: int
    draft: tuple[str, ...]
    contact_field: ContactField | None
    contact: dict[str, str]
    returning: bool
    active: str | None
    progress: int
