"""The themes and sentiment of typed answers (table `answer_themes`): written with the answer in
the step that stores it, and again by `themes recode` after the codebook changes. A row goes
with its answer (a foreign key): a changed answer, a deletion or retention takes it too."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.storage.store import Store


@dataclass(frozen=True)
class ThemeCode:
    """One typed answer's coding: its themes (ids, space-separated), the phrase behind each
    (JSON), its sentiment, and which codebook (its content hash) coded it."""

    question_id: str
    codebook: str
    themes: str
    phrases: str
    sentiment: str


_SAVE = (
    "INSERT INTO answer_themes (response_id, question_id, codebook, themes, phrases, sentiment) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (response_id, question_id) DO UPDATE SET "
    "codebook = excluded.codebook, themes = excluded.themes, phrases = excluded.phrases, "
    "sentiment = excluded.sentiment"
)
#: An answer changed: its old coding goes (the new one, if any, is written after it).
FORGET = "DELETE FROM answer_themes WHERE response_id = ? AND question_id = ?"


def save_codes(conn: sqlite3.Connection, response_id: int, codes: Sequence[ThemeCode]) -> None:
    """Inside the step's transaction, after its answers are written."""
    conn.executemany(
        _SAVE,
        [(response_id, c.question_id, c.codebook, c.themes, c.phrases, c.sentiment) for c in codes],
    )


class ThemeCodes:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def typed(
        self, flow_hash: str, question_ids: Sequence[str], *, uncoded: bool = False
    ) -> list[tuple[int, str, str]]:
        """Every stored answer to these questions of this questionnaire version (with
        `uncoded`, those not coded yet): (response id, question id, the answer as stored)."""
        if not question_ids:
            return []
        marks = ", ".join("?" * len(question_ids))
        missing = " AND t.response_id IS NULL" if uncoded else ""
        rows = await self._store.db.execute_fetchall(
            "SELECT a.response_id, a.question_id, a.value FROM answers a JOIN responses r "
            "ON r.id = a.response_id LEFT JOIN answer_themes t ON t.response_id = "
            "a.response_id AND t.question_id = a.question_id "
            f"WHERE r.flow_hash = ? AND a.question_id IN ({marks}){missing}",
            (flow_hash, *question_ids),
        )
        return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]

    async def save(self, coded: Sequence[tuple[int, ThemeCode]]) -> None:
        """Many answers' codings at once (a recode), in one transaction."""
        async with self._store.transaction() as db:
            await db.executemany(
                _SAVE,
                [
                    (rid, c.question_id, c.codebook, c.themes, c.phrases, c.sentiment)
                    for rid, c in coded
                ],
            )

    async def versions(self) -> list[tuple[str, str]]:
        """Every questionnaire version with responses: (content hash, its YAML source)."""
        rows = await self._store.db.execute_fetchall(
            "SELECT hash, source FROM flow_versions WHERE hash IN "
            "(SELECT DISTINCT flow_hash FROM responses)"
        )
        return [(str(r[0]), str(r[1])) for r in rows]
