"""Replies owed, as earlier versions of the Telegram path wrote them down: the chat of each stored
update that Telegram was told to forget before its reply went out, sealed under a key derived from
the pseudonym key. Read once after an upgrade (each parent is shown where they are); the inbox
(bot/channels/telegram/workers.py) has taken their place.

Whoever holds the pseudonym key can already turn a pseudonym back into a Telegram id by trying
ids, so this seal gives nobody more than they have. Without that key a row says nothing."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from bot.errors import WrongContactKey
from bot.privacy.seal import Sealer, owed_reply_key
from bot.storage.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Owed:
    """A parent to show where they are: their stored update's reply may never have gone out."""

    update_id: int
    user_id: int
    chat_id: int


class OwedLedger:
    def __init__(self, store: Store, pseudonym_key: bytes) -> None:
        self._store = store
        self._sealer = Sealer(owed_reply_key(pseudonym_key))

    async def settle(self, update_ids: Iterable[int]) -> None:
        await self._store.owed.settle(update_ids)

    async def load(self) -> list[Owed]:
        """Every reply still owed. A row that does not open (the pseudonym key was changed) is
        dropped: nobody can answer it."""
        owed, unreadable = [], []
        for update_id, sealed in await self._store.owed.all():
            try:
                chat = self._sealer.unseal(sealed)
                owed.append(Owed(update_id, int(str(chat["user"])), int(str(chat["chat"]))))
            except (WrongContactKey, KeyError, ValueError):
                unreadable.append(update_id)
        if unreadable:
            log.error("dropped %d owed replies sealed under another key", len(unreadable))
            await self.settle(unreadable)
        return owed
