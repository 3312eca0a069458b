"""Settings from config.yaml. Secrets are never here: they come from the environment."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.delivery.settings import AgencySettings
from bot.errors import ConfigError

DEFAULT_NOTICE = (
    "This chat is anonymous: we never see your name or phone number. It is not monitored, "
    "so it cannot help in an emergency."
)


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StorageConfig(Section):
    path: Path = Path("data/feedback.sqlite3")


class SessionsConfig(Section):
    expire_after_days: int = Field(14, ge=1)


class PrivacyConfig(Section):
    unlink_after_days: int = Field(30, ge=0)
    retention_days: int = Field(730, ge=1)
    staff_names: list[str] = []
    notice: str = "Your answers are anonymous."


class SafeguardingConfig(Section):
    triggers: list[str] = []
    message: str = (
        "If you or your baby need help now, call 999. For urgent advice call NHS 111 (option 2 "
        "for mental health crisis). Samaritans: 116 123. National Domestic Abuse Helpline: "
        "0808 2000 247. If your baby is moving less than usual, call your midwife or maternity "
        "unit now - do not wait."
    )


class WebhookConfig(Section):
    listen: str = "127.0.0.1"
    port: int = 8443
    public_url: str | None = None
    path: str = "/telegram"


class RateLimitConfig(Section):
    overall_per_second: float = Field(30, ge=0, description="0 turns the limit off.")
    per_chat_burst: float = Field(
        6,
        ge=0,
        description="Messages to one parent at once (a whole reply), then about one a second, "
        "as Telegram asks. 0 turns the limit off.",
    )


class TelegramConfig(Section):
    api_base_url: str = "https://api.telegram.org/bot"
    poll_timeout: int = Field(30, ge=0, le=60)
    webhook: WebhookConfig = WebhookConfig()
    rate_limit: RateLimitConfig = RateLimitConfig()
    tidy_chat: bool = Field(
        True,
        description="Edit each answered question to show the answer and take its buttons away "
        "(a clean transcript; one more Bot API call per answer).",
    )
    connections: int = Field(
        8,
        ge=1,
        le=256,
        description="HTTP connections kept open to Telegram for sending. 8 carry Telegram's "
        "whole budget (30 messages a second, plus button answers) at a 100-200 ms round trip; "
        "more only cost CPU, as every request checks each open connection.",
    )


class WebLimits(Section):
    """Per-client limits, kept in memory only. A client is its session cookie; a visitor
    without one is counted by address (many parents on one hospital Wi-Fi share an address)."""

    answers_per_minute: float = Field(60, ge=0, description="Per session; 0 turns it off.")
    burst: int = Field(20, ge=1, description="Requests a client may send at once.")
    new_visitors_per_minute: float = Field(
        120, ge=0, description="Sessions begun from one address; 0 turns it off."
    )


class WebConfig(Section):
    """The web chat, for parents without Telegram. Served behind the team's HTTPS proxy."""

    enabled: bool = False
    listen: str = "127.0.0.1"
    port: int = Field(8080, ge=1, le=65535)
    public_url: str | None = Field(
        None, description="Where parents reach the chat, e.g. https://feedback.example.nhs.uk/"
    )
    base_path: str = Field("/", pattern=r"^/([A-Za-z0-9_.-]+/)*$")
    secure_cookie: bool = Field(True, description="Only switch off to try it over plain http.")
    trust_proxy: bool = Field(
        False, description="Count clients by the proxy's X-Forwarded-For (behind a proxy only)."
    )
    limits: WebLimits = WebLimits()


class StaffConfig(Section):
    """Engagement staff who may use /stats, /export and /reload in Telegram (not respondents)."""

    telegram_ids: list[int] = []


class ReportConfig(Section):
    """Disclosure control on every count shown: `*` for 1 to `suppress_up_to`, then rounding."""

    suppress_up_to: int = Field(7, ge=0)
    round_to: int = Field(5, ge=1)


class Config(Section):
    flows: Path = Path("flows")
    default_flow: str = "mlu_experience"
    welcome: str | dict[str, str] = DEFAULT_NOTICE
    storage: StorageConfig = StorageConfig()
    sessions: SessionsConfig = SessionsConfig()
    privacy: PrivacyConfig = PrivacyConfig()
    safeguarding: SafeguardingConfig = SafeguardingConfig()
    telegram: TelegramConfig = TelegramConfig()
    agency: AgencySettings = AgencySettings()
    web: WebConfig = WebConfig()
    staff: StaffConfig = StaffConfig()
    report: ReportConfig = ReportConfig()
    base_dir: Path = Field(Path("."), exclude=True)

    def resolve(self, path: Path) -> Path:
        """Paths in config.yaml are relative to the file itself."""
        return path if path.is_absolute() else self.base_dir / path

    def welcome_in(self, language: str | None) -> str:
        """The welcome notice in a parent's language (English when it has no translation)."""
        if isinstance(self.welcome, str):
            return self.welcome
        return self.welcome.get(language or "en") or self.welcome.get("en") or DEFAULT_NOTICE

    @property
    def flows_dir(self) -> Path:
        return self.resolve(self.flows)

    @property
    def database(self) -> Path:
        return self.resolve(self.storage.path)


def load_config(path: Path) -> Config:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected 'key: value' settings")
    try:
        return Config.model_validate({**data, "base_dir": path.resolve().parent})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{path}: {where}: {first['msg']}") from None
