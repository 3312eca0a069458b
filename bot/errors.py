"""Mistakes an operator can put right, as one tree. Each is said in one plain sentence, never
with a traceback, and never carries a secret or anything a parent wrote.

    BotError                    anything the product reports to the person running it
    ├── ConfigError             config.yaml cannot be read, or a setting is wrong
    ├── FlowProblems            a questionnaire has errors (file:line:col for each)
    ├── SecretError             a secret from the environment
    │   ├── MissingSecret       not set, not usable (too short, not a Fernet key), or still a
    │   │   │                   placeholder from the examples (CHANGE-ME, the README's token)
    │   │   ├── MissingToken          TELEGRAM_BOT_TOKEN
    │   │   ├── MissingPseudonymKey   BOT_PSEUDONYM_KEY
    │   │   ├── MissingContactKey     BOT_CONTACT_KEY
    │   │   ├── MissingSmtpPassword   BOT_SMTP_PASSWORD (may be empty, never a placeholder)
    │   │   └── MissingWebhookSecret  TELEGRAM_WEBHOOK_SECRET (webhook mode)
    │   └── WrongContactKey     sealed contact details do not open with this BOT_CONTACT_KEY
    ├── StartError              the bot cannot start (Telegram refused the token, …)
    └── BackupError             a backup cannot be made (no database, the file exists, …)
"""

from __future__ import annotations

from collections.abc import Sequence


class BotError(Exception):
    """Anything the product reports to the person running it, in one sentence."""


class ConfigError(BotError):
    """config.yaml cannot be read, or one of its settings is wrong."""


#: The most problems listed at once (per file when checking): enough to work on, and a short
#: answer to a file with thousands of mistakes.
MAX_PROBLEMS = 100


def more_problems(count: int) -> str:
    """The line that ends a list of problems cut short."""
    more = "1 more problem" if count == 1 else f"{count:,} more problems"
    return f"… and {more} not shown; fix these first"


class FlowProblems(BotError):
    """One or more questionnaires have errors; the bot will not start on them. At most
    MAX_PROBLEMS are kept; `more` counts the rest, including any already left out by the
    checker."""

    def __init__(self, problems: Sequence[str], more: int = 0) -> None:
        self.problems = tuple(problems[:MAX_PROBLEMS])
        self.more = more + len(problems) - len(self.problems)
        listed = [*self.problems, more_problems(self.more)] if self.more else self.problems
        super().__init__("questionnaires have errors:\n" + "\n".join(listed))


class SecretError(BotError):
    """A secret from the environment is missing or does not fit."""


class MissingSecret(SecretError):
    """An environment variable the command needs is not set, not usable, or a placeholder."""


class MissingToken(MissingSecret):
    """TELEGRAM_BOT_TOKEN is not set, or still a placeholder."""


class MissingPseudonymKey(MissingSecret):
    """BOT_PSEUDONYM_KEY is not set, too short, or still a placeholder."""


class MissingContactKey(MissingSecret):
    """BOT_CONTACT_KEY is not set, not a Fernet key, or still a placeholder."""


class MissingSmtpPassword(MissingSecret):
    """BOT_SMTP_PASSWORD is still a placeholder (empty is fine: the server may need none)."""


class MissingWebhookSecret(MissingSecret):
    """TELEGRAM_WEBHOOK_SECRET is not set, not 16 to 256 safe characters, or a placeholder."""


class WrongContactKey(SecretError):
    """Sealed contact details cannot be opened with this BOT_CONTACT_KEY."""


class StartError(BotError):
    """The bot cannot start: Telegram refused the token, or a setting stops it."""


class BackupError(BotError):
    """A backup of the database cannot be made, or did not check out."""
