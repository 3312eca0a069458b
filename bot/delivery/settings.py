"""Where follow-up contact details are emailed: the `agency` section of config.yaml.

The SMTP password is a secret: it comes from BOT_SMTP_PASSWORD, never from this file."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

PASSWORD_ENV = "BOT_SMTP_PASSWORD"


class AgencySettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = "localhost"
    port: int = Field(587, ge=1, le=65535)
    starttls: bool = True
    use_tls: bool = Field(False, description="Implicit TLS (usually port 465).")
    username: str | None = None
    sender: str = "feedback-bot@example.org"
    to: str = "interviews@example.org"
    timeout: float = Field(30, gt=0)
    retry_first_seconds: float = Field(30, gt=0)
    retry_max_seconds: float = Field(3600, gt=0)
    gather_minutes: float = Field(
        360,
        ge=0,
        description="Contact details are gathered for the agency this often, all at once and in "
        "random order, so the files never show which answers they came with; 0 gathers at "
        "every pass (a few seconds), which links them by time while the WAL holds the step.",
    )

    @model_validator(mode="after")
    def _one_kind_of_tls(self) -> AgencySettings:
        if self.starttls and self.use_tls:
            raise ValueError("choose starttls (port 587) or use_tls (port 465), not both")
        return self
