"""Which months a report covers, so that two reports cannot be set side by side to find one
parent's answers (differencing).

By default a report covers only closed periods: whole months that have ended, grouped from the
first month with responses into periods of at least the minimum base of responses each. A report
starts where a period starts and ends where one ends, so any two reports differ by whole periods
of at least that many parents, and two reports of the same period are identical whenever they
are made. An "up to today" report takes the months as asked, with a warning on the page.
Pure: counts and dates in, months out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.analysis.disclosure import Rule

TO_DATE_WARNING = (
    "This report runs up to today and includes a month that has not ended, so a report made "
    "later for the same months can differ by a single parent's answers. Keep it within the "
    "engagement team; for anyone else, make the report of closed months."
)


@dataclass(frozen=True)
class Period:
    since: str | None  # YYYY-MM, or None: from the first response
    until: str | None  # YYYY-MM, or None: up to now


def last_closed(today: date) -> str:
    """The last month that has ended."""
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year:04d}-{month:02d}"


def periods(months: dict[str, int], closed: str, rule: Rule) -> list[tuple[str, str]]:
    """Closed months, from the first with responses, grouped into periods of at least the
    minimum base of responses each; months after the last whole period wait for more."""
    found: list[tuple[str, str]] = []
    first, total = "", 0
    for month in sorted(m for m in months if m <= closed):
        first, total = first or month, total + months[month]
        if rule.enough(total):
            found.append((first, month))
            first, total = "", 0
    return found


def covered(
    months: dict[str, int], asked: Period, rule: Rule, today: date, to_date: bool = False
) -> Period | None:
    """The months a report covers: the whole closed periods inside those asked for (None when
    there are none), or with `to_date`, the months as asked."""
    if to_date:
        return asked
    inside = [
        (first, last)
        for first, last in periods(months, last_closed(today), rule)
        if (asked.since is None or first >= asked.since)
        and (asked.until is None or last <= asked.until)
    ]
    if not inside:
        return None
    return Period(inside[0][0], inside[-1][1])
