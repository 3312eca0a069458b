"""Secrets still holding a placeholder from the examples are refused where they are read.

deploy/secrets.env.example fills every secret with CHANGE-ME, and the README shows a made-up bot
token. A bot started on them would contact Telegram or the agency's mail server with them, so each
secret is checked as it is read from the environment, before anything is contacted, and refused
in one sentence that names the variable and says what to put there, never repeating the value."""

from __future__ import annotations

from bot.errors import MissingSecret

#: The placeholders of deploy/secrets.env.example and README.md, compared without case (the
#: README's token with its ellipsis, and typed with three dots or none).
PLACEHOLDERS = frozenset({"change-me", "123456:abc…", "123456:abc...", "123456:abc"})
#: The README's example token, and Telegram's own (123456:ABC-DEF1234ghIkl-…), start so.
EXAMPLE_TOKEN = "123456:abc"


def is_placeholder(value: str) -> bool:
    """True for an example's placeholder, however it is quoted, spaced or capitalised."""
    bare = value.strip().strip("'\"").strip().casefold()
    return bare in PLACEHOLDERS or bare.startswith(EXAMPLE_TOKEN)


def refuse_placeholder(name: str, value: str, put: str, error: type[MissingSecret]) -> None:
    """Raise `error` if `value` is a placeholder, saying what to put there instead."""
    if is_placeholder(value):
        raise error(f"{name} is still a placeholder: set it to {put}.")
