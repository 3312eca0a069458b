"""Encryption at rest for contact details (Fernet from `cryptography`), key from the environment.

A Fernet token carries its creation time in clear; we coarsen it to the first of the month so the
token cannot be matched by time to the answers it came with.
"""

from __future__ import annotations

import base64
import calendar
import hashlib
import hmac
import json
import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from bot.errors import MissingContactKey, WrongContactKey
from bot.privacy.placeholders import refuse_placeholder
from bot.privacy.pseudonym import local_key

ENV_KEY = "BOT_CONTACT_KEY"
MAKE_KEY = (
    "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
)


class Sealer:
    """Seals contact details. For the agency: under the contact key. While the bot still holds
    them (typed half-way, or given and not yet gathered into the outbox): under a key made from
    both the contact key and `erasure_key` (the pseudonym key, where the bot has it), so the
    agency's key alone never opens details that sit beside a session or its step. The erasure
    tags take both keys too, so matching a queued contact to a parent's pseudonym takes both
    secrets, not the contact key alone."""

    def __init__(self, key: bytes, erasure_key: bytes = b"", older: Sequence[bytes] = ()) -> None:
        """`older`: keys that sealed earlier rows, which this sealer still opens."""
        self._fernet = MultiFernet([Fernet(k) for k in (key, *older)])
        self._both = key + b"\0" + erasure_key
        self._held = Fernet(self.derived(b"held-contact"))
        self._tag_key = hashlib.sha256(b"erasure-tag:" + self._both).digest()

    def derived(self, purpose: bytes) -> bytes:
        """A Fernet key for `purpose` made from both keys: whoever holds only one opens nothing
        sealed under it."""
        return base64.urlsafe_b64encode(hashlib.sha256(purpose + b":" + self._both).digest())

    def seal(self, data: dict[str, object], now: datetime) -> bytes:
        """For the agency: opens with the contact key."""
        return _seal(self._fernet, data, now)

    def unseal(self, token: bytes) -> dict[str, object]:
        """The details sealed in `token`. Raises WrongContactKey if this key cannot open it."""
        return _unseal(self._fernet, token)

    def seal_held(self, data: dict[str, object], now: datetime) -> bytes:
        """While the bot holds them: opens only with both keys."""
        return _seal(self._held, data, now)

    def unseal_held(self, token: bytes) -> dict[str, object]:
        return _unseal(self._held, token)

    def erasure_tag(self, respondent: str) -> str:
        """Lets /delete find a parent's undelivered contact without storing their pseudonym."""
        return hmac.new(self._tag_key, respondent.encode(), hashlib.sha256).hexdigest()


def _seal(fernet: Fernet | MultiFernet, data: dict[str, object], now: datetime) -> bytes:
    month_start = calendar.timegm((now.year, now.month, 1, 0, 0, 0))
    plain = json.dumps(data, ensure_ascii=False).encode()
    return fernet.encrypt_at_time(plain, current_time=month_start)


def _unseal(fernet: Fernet | MultiFernet, token: bytes) -> dict[str, object]:
    try:
        value = json.loads(fernet.decrypt(token))
    except (InvalidToken, ValueError) as exc:
        raise WrongContactKey("contact details do not open with this BOT_CONTACT_KEY") from exc
    if not isinstance(value, dict):
        raise WrongContactKey("a sealed value is not a set of contact details")
    return value


def key_from_env() -> bytes:
    value = os.environ.get(ENV_KEY, "").strip()
    put = f"a Fernet key for contact details, made with: {MAKE_KEY}"
    refuse_placeholder(ENV_KEY, value, put, MissingContactKey)
    try:
        Fernet(value.encode())
    except ValueError:
        raise MissingContactKey(f"Set {ENV_KEY} to {put}") from None
    return value.encode()


def development_key(path: Path) -> tuple[bytes, bool]:
    """The environment's key, or a local key file for terminal chats (created mode 0600)."""
    try:
        return key_from_env(), False
    except MissingContactKey:
        return local_key(path, Fernet.generate_key)


def owed_reply_key(pseudonym_key: bytes) -> bytes:
    """The Fernet key that seals the chat of a reply still owed (bot/channels/telegram/owed.py),
    derived from the pseudonym key: whoever holds that key can already turn a pseudonym back into
    a Telegram id by trying ids, so the seal gives them nothing more."""
    digest = hmac.new(pseudonym_key, b"owed-replies", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest)
