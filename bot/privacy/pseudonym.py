"""The only respondent key ever stored: HMAC-SHA256 of the channel's user id under a secret key."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from bot.errors import MissingPseudonymKey
from bot.privacy.placeholders import refuse_placeholder

ENV_KEY = "BOT_PSEUDONYM_KEY"
PUT = "a long random secret (at least 16 characters), e.g. the output of openssl rand -hex 32"


def pseudonym(key: bytes, channel: str, user_id: str | int) -> str:
    message = f"{channel}:{user_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def key_from_env() -> bytes:
    value = os.environ.get(ENV_KEY, "")
    refuse_placeholder(ENV_KEY, value, PUT, MissingPseudonymKey)
    if len(value) < 16:
        raise MissingPseudonymKey(
            f"Set {ENV_KEY} to a long random secret (at least 16 characters) before starting "
            f"the bot, e.g. export {ENV_KEY}=$(openssl rand -hex 32)"
        )
    return value.encode()


def development_key(path: Path) -> tuple[bytes, bool]:
    """The environment's key, or a local key file for terminal chats (created mode 0600).

    Returns the key and whether the file was created just now.
    """
    try:
        return key_from_env(), False
    except MissingPseudonymKey:
        return local_key(path, lambda: secrets.token_hex(32).encode())


def local_key(path: Path, make: Callable[[], bytes]) -> tuple[bytes, bool]:
    """A development key kept in a file readable only by this user; made on first use.

    Returns the key and whether the file was created just now."""
    if path.exists():
        return path.read_bytes().strip(), False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(make())
    return path.read_bytes().strip(), True
