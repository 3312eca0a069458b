"""Counts per questionnaire for staff (`/stats` in Telegram), under the same disclosure control
as the report: nothing about fewer than the minimum base of parents."""

from __future__ import annotations

from pathlib import Path

from bot.analysis.disclosure import Rule
from bot.storage.reading import Filter, counts, reading


def stats(database: Path, rule: Rule) -> str:
    """A short plain-text table: responses started and completed, and the completion rate."""
    with reading(database) as conn:
        rows = counts(conn, Filter())
    if not rows:
        return "No responses yet."
    lines = ["Responses (started / completed / completion rate):"]
    for row in rows:
        if not rule.enough(row.started):
            lines.append(f"• {row.flow_id}: fewer than {rule.min_base}, not shown")
            continue
        lines.append(
            f"• {row.flow_id}: {rule.count(row.started)} / {rule.count(row.complete)} / "
            f"{rule.percent(row.complete, row.started)}"
        )
    lines += ["", rule.describe()]
    return "\n".join(lines)
