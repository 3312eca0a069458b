"""Settings from config.yaml. Secrets are never here: they come from the environment."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.delivery.settings import AgencySettings
from bot.errors import ConfigError
from bot.safety import SHIPPED, Lists, PhraseError, check_entries
from bot.words import LANGUAGES, say

#: One text for every language, or one per language code (`{en: ..., pl: ...}`).
Texts = str | dict[str, str]


def text_in(texts: Texts | None, key: str, language: str | None) -> str:
    """A parent-facing text from config.yaml in `language`. A language the team has not
    written gets the bot's own text in that language where there is one (English and Polish
    are built in), else the team's English. A plain string is the team's English."""
    language = language or "en"
    written = {"en": texts} if isinstance(texts, str) else dict(texts or {})
    if written.get(language):
        return written[language]
    if language in LANGUAGES or not written.get("en"):
        return say(key, language)
    return written["en"]


def missing_languages(texts: Texts | None, languages: set[str]) -> list[str]:
    """Languages the team offers but has not written this text in (None: the bot's own)."""
    if texts is None:
        return sorted(languages - set(LANGUAGES))
    written = {"en"} if isinstance(texts, str) else set(texts)
    return sorted(languages - written)


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
    notice: Texts | None = Field(
        None, description="Shown by /privacy and the web chat's privacy page, per language."
    )


class SafeguardingConfig(Section):
    """The team's additions to the built-in danger lists (bot/safety/en.py, pl.py), by
    language, and the signposting message. The built-in lists always apply."""

    phrases: dict[str, list[str]] = Field(
        {}, description="Danger wherever they stand, e.g. {en: [scared of my brother]}."
    )
    words: dict[str, list[str]] = Field(
        {}, description="Red-flag words: danger near a word that says now, or said alone."
    )
    message: Texts | None = Field(
        None, description="The signposting message, per language (default: built in)."
    )

    @model_validator(mode="before")
    @classmethod
    def _old_triggers(cls, data: object) -> object:
        """`triggers: [...]`, from before phrases came per language, are English phrases."""
        if isinstance(data, dict) and "triggers" in data:
            data = dict(data)
            triggers = data.pop("triggers") or []
            phrases = dict(data.get("phrases") or {})
            phrases["en"] = [*phrases.get("en", []), *triggers]
            data["phrases"] = phrases
        return data

    def lists(self) -> dict[str, Lists]:
        """The team's additions, by language."""
        languages = set(self.phrases) | set(self.words)
        return {
            code: Lists(
                phrases=tuple(self.phrases.get(code, ())), words=tuple(self.words.get(code, ()))
            )
            for code in sorted(languages)
        }


class WebhookConfig(Section):
    listen: str = "127.0.0.1"
    port: int = 8443
    public_url: str | None = None
    path: str = "/telegram"
    idle_timeout: float = Field(
        15,
        gt=0,
        le=3600,
        description="Seconds a connection may wait for a request (from when it opens, or from "
        "its last answer) before it is closed; Telegram opens a new one when it needs it.",
    )
    body_timeout: float = Field(
        10,
        gt=0,
        le=600,
        description="Seconds a request has to send its update once its headers are in; a "
        "slower one gets 408 (Telegram sends the update again) and is closed.",
    )
    max_connections: int = Field(
        100,
        ge=1,
        le=100_000,
        description="Connections open at once; one more is closed at once with 503. Telegram "
        "opens up to 40 (setWebhook's max_connections, at most 100).",
    )


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
    backlog_per_parent: int = Field(
        30,
        ge=1,
        le=1000,
        description="Updates one parent can have waiting for an answer; what they send beyond "
        "it is not read (they are told once, and still signposted if it suggests danger), so a "
        "flood holds nobody and fills nothing.",
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
    without one is counted by address (many parents on one hospital Wi-Fi share an address).
    Each kind has a budget of its own: reloading pages never uses up answers, and a parent who
    has sent too many answers can still delete them."""

    answers_per_minute: float = Field(
        60, ge=0, description="Answers (and other forms) per session; 0 turns it off."
    )
    page_loads_per_minute: float = Field(
        120,
        ge=0,
        description="Pages opened or reloaded per session (without JavaScript, each answer is "
        "followed by one); 0 turns it off.",
    )
    deletes_per_minute: float = Field(
        10,
        ge=0,
        description="'Delete my answers' per session, its question and the deleting both; a "
        "budget of its own, so a parent can always delete; 0 turns it off.",
    )
    burst: int = Field(20, ge=1, description="Requests of each kind a client may send at once.")
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
        False,
        description="Behind your proxy only: count clients by its X-Forwarded-For, and believe "
        "its X-Forwarded-Proto (HTTPS responses carry HSTS).",
    )
    idle_timeout: float = Field(
        15,
        gt=0,
        le=3600,
        description="Seconds a connection may wait for a request (from when it opens, or from "
        "its last page) before it is closed: a client that sends nothing, or its headers a "
        "byte at a time, cannot hold it.",
    )
    body_timeout: float = Field(
        20,
        gt=0,
        le=600,
        description="Seconds a client has to send a form once its headers are in; a slower one "
        "gets 'that took too long', and its connection is closed within about twice this.",
    )
    limits: WebLimits = WebLimits()


class StaffConfig(Section):
    """Engagement staff who may use /stats, /export and /reload in Telegram (not respondents)."""

    telegram_ids: list[int] = []


class ReportConfig(Section):
    """Disclosure control on every figure shown: nothing about fewer than `min_base` parents,
    `*` for 1 to `suppress_up_to`, other counts rounded to `round_to`. NHS Digital's rule (10,
    7 and 5) is the least protection: a team may raise each, never lower it."""

    suppress_up_to: int = Field(7, ge=7)
    round_to: int = Field(5, ge=5)
    min_base: int = Field(10, ge=10)


class Config(Section):
    flows: Path = Path("flows")
    default_flow: str = "mlu_experience"
    welcome: Texts | None = None
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
        """The welcome notice in a parent's language."""
        return text_in(self.welcome, "welcome", language)

    def notice_in(self, language: str | None) -> str:
        """The privacy notice in a parent's language."""
        return text_in(self.privacy.notice, "privacy_notice", language)

    def signpost_in(self, language: str | None) -> str:
        """The safeguarding message (999, NHS 111, the helplines) in a parent's language."""
        return text_in(self.safeguarding.message, "signpost", language)

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
        config = Config.model_validate({**data, "base_dir": path.resolve().parent})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{path}: {where}: {first['msg']}") from None
    try:
        check_entries(config.safeguarding.lists())
    except PhraseError as exc:
        raise ConfigError(f"{path}:{_line_of(path, exc.text)}: safeguarding: {exc}") from None
    return config


def _line_of(path: Path, text: str, lines: list[str] | None = None) -> int:
    """The line of config.yaml where `text` is written (1 if it cannot be found)."""
    lines = lines if lines is not None else path.read_text(encoding="utf-8").splitlines()
    return next((n for n, line in enumerate(lines, start=1) if text in line), 1)


#: The parent-facing texts of config.yaml: (setting, key in the file, the bot's own word).
TEXTS = (
    ("safeguarding.message", "message:", "signpost"),
    ("privacy.notice", "notice:", "privacy_notice"),
    ("welcome", "welcome:", "welcome"),
)


def language_gaps(config: Config, path: Path, languages: set[str]) -> list[str]:
    """Warnings, as `file:line: warning: ...`, for what parents in `languages` (the ones the
    questionnaires offer) would miss: a text the team has not written in their language, a
    signposting message without 999, a language with no built-in danger lists."""
    found: list[str] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    written = {
        "safeguarding.message": config.safeguarding.message,
        "privacy.notice": config.privacy.notice,
        "welcome": config.welcome,
    }
    for setting, key, _word in TEXTS:
        where = f"{path}:{_line_of(path, key, lines)}: warning"
        for code in missing_languages(written[setting], languages):
            fallback = "the bot's own text" if code in LANGUAGES else "your English text"
            found.append(
                f"{where}: {setting} has no {code!r} text, so those parents get {fallback}; "
                f"add `{code}: ...` under {key[:-1]}"
            )
    for code in sorted(languages):
        if "999" not in config.signpost_in(code):
            found.append(
                f"{path}:{_line_of(path, 'message:', lines)}: warning: safeguarding.message in "
                f"{code!r} does not say 999: parents in danger must read where to get help now"
            )
        if code not in SHIPPED and code not in config.safeguarding.phrases:
            found.append(
                f"{path}:{_line_of(path, 'safeguarding:', lines)}: warning: no danger phrases in "
                f"{code!r}"
                f" (the bot ships {', '.join(SHIPPED)}): add `{code}: [...]` under "
                "safeguarding.phrases so what those parents type in danger is recognised"
            )
    return found
