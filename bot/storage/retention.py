"""The privacy windows: responses unlinked from their pseudonym after a while (then anonymous),
everything deleted after the retention period, and a parent's own answers deleted on request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from bot.storage.scrub import OWE_SCRUB

if TYPE_CHECKING:
    from bot.storage.store import Store


@dataclass(frozen=True)
class Erased:
    responses: int
    answers: int
    sessions: int
    contacts: int = 0


@dataclass(frozen=True)
class Purged:
    unlinked: int
    deleted: int
    sessions: int


class Retention:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def purge(
        self, today: date, *, retention_days: int, forget_sessions_after_days: int
    ) -> Purged:
        """Unlink completed responses whose window has passed (they become anonymous), forget
        sessions left alone too long (their partial responses become anonymous too), and delete
        everything older than the retention period."""
        cutoff_day = (today - timedelta(days=forget_sessions_after_days)).isoformat()
        retention_month = (today - timedelta(days=retention_days)).strftime("%Y-%m")
        async with self._store.transaction():
            unlinked = await self._store._changed(
                "UPDATE responses SET respondent = NULL, unlink_on = NULL "
                "WHERE respondent IS NOT NULL AND status = 'complete' AND unlink_on <= ?",
                (today.isoformat(),),
            )
            unlinked += await self._store._changed(
                "UPDATE responses SET respondent = NULL WHERE status = 'partial' AND respondent IN "
                "(SELECT respondent FROM sessions WHERE active_on < ?)",
                (cutoff_day,),
            )
            sessions = await self._store._changed(
                "DELETE FROM sessions WHERE active_on < ?", (cutoff_day,)
            )
            deleted = await self._store._changed(
                "DELETE FROM responses WHERE coalesce(finished, started) < ?", (retention_month,)
            )
            week_ago = (today - timedelta(days=7)).isoformat()
            await self._store.db.execute(
                "DELETE FROM processed_updates WHERE day < ? AND reply IS NULL", (week_ago,)
            )
            await self._store.db.execute(
                "DELETE FROM delivery_log WHERE day < ?",
                ((today - timedelta(days=retention_days)).isoformat(),),
            )
            if unlinked or deleted or sessions:  # owed in the same commit: a crash keeps it
                await self._store.db.execute(OWE_SCRUB)
        # No old copy of a pseudonym or an answer in the WAL: now, or (a reader holding it off)
        # in the background until it gets through; also one an earlier deletion still owes.
        await self._store.scrub_if_owed()
        return Purged(unlinked, deleted, sessions)

    async def erase(self, respondent: str) -> Erased:
        """Delete everything still linked to this pseudonym, and every copy of it on disk: at
        once when no reader holds the cleanup off, otherwise in the background (the parent is
        answered meanwhile), retried until it gets through, across restarts."""
        erased = await self._erase(respondent)
        await self._store.scrub_if_owed()
        return erased

    async def _erase(self, respondent: str) -> Erased:
        async with self._store.transaction():
            answers = await self._store._scalar(
                "SELECT count(*) FROM answers WHERE response_id IN "
                "(SELECT id FROM responses WHERE respondent = ?)",
                (respondent,),
            )
            responses = await self._store._changed(
                "DELETE FROM responses WHERE respondent = ?", (respondent,)
            )
            sessions = await self._store._changed(
                "DELETE FROM sessions WHERE respondent = ?", (respondent,)
            )
            contacts = 0
            if self._store.sealer is not None:
                tag = self._store.sealer.erasure_tag(respondent)
                contacts = await self._store.outbox.remove_tagged(tag)
            await self._store.db.execute(OWE_SCRUB)
            return Erased(responses, int(str(answers or 0)), sessions, contacts)
