"""Disclosure control on every figure shown to anyone (see docs/report.md for the reasoning).

- A minimum base (`min_base`, 10): a table, group or percentage describing fewer parents is
  withheld as a whole, so a zero never sits beside a small count that gives a parent away.
- Cells (NHS Digital's rule): 0 stays 0, 1 to `suppress_up_to` (7) becomes `*`, other counts are
  rounded to the nearest `round_to` (5); a lone hidden cell hides the next smallest (secondary).
- Groups of a breakdown under the minimum base are merged into "Other" until every group shown
  meets it.
- Headline percentages come from actual counts, whole percent, where the base meets the minimum.
Pure: numbers in, text out."""

from __future__ import annotations

from dataclasses import dataclass

SUPPRESSED = "*"
OTHER = "Other"
#: The smallest minimum base a team may set: configurable upward only.
MIN_BASE = 10


@dataclass(frozen=True)
class Rule:
    suppress_up_to: int = 7
    round_to: int = 5
    min_base: int = MIN_BASE

    def describe(self) -> str:
        return (
            f"Counts of 1 to {self.suppress_up_to} are shown as {SUPPRESSED}; other counts are "
            f"rounded to the nearest {self.round_to}; percentages in tables are worked out from "
            f"the rounded counts and not shown where either count is {self.suppress_up_to} or "
            f"fewer. Nothing is shown about fewer than {self.min_base} parents."
        )

    def enough(self, base: int) -> bool:
        """Whether a table, group or percentage about `base` parents may be shown at all."""
        return base >= self.min_base

    def withheld(self, what: str = "answered") -> str:
        """The plain sentence shown in place of something withheld."""
        return (
            f"Not shown: fewer than {self.min_base} parents {what}, too few to show without "
            "risk of recognising someone."
        )

    def headline(self, part: int, whole: int) -> str | None:
        """`part` of `whole` as a whole percentage from the actual counts (half rounded up), as
        NHS England publishes the Friends and Family Test; None below the minimum base."""
        if not self.enough(whole):
            return None
        return f"{(200 * part + whole) // (2 * whole)}%"

    def method(self) -> str:
        return (
            "Percentages positive and negative are worked out from the actual numbers of "
            "answers, rounded to the nearest whole percent, and shown only where at least "
            f"{self.min_base} parents answered."
        )

    def hidden(self, count: int) -> bool:
        return 0 < count <= self.suppress_up_to

    def rounded(self, count: int) -> int | None:
        """The count as it may be shown: None when it must be suppressed."""
        if count == 0:
            return 0
        if self.hidden(count):
            return None
        step = self.round_to
        return int((count + step / 2) // step * step) if step > 1 else count

    def count(self, count: int) -> str:
        shown = self.rounded(count)
        return SUPPRESSED if shown is None else str(shown)

    def percent(self, part: int, whole: int) -> str:
        """`part` as a percentage of `whole`, from the rounded counts; `*` from a small cell."""
        if whole == 0 or self.hidden(part) or self.hidden(whole):
            return SUPPRESSED if whole else "–"
        top, bottom = self.rounded(part), self.rounded(whole)
        if top is None or not bottom:
            return SUPPRESSED
        return f"{100 * top / bottom:.0f}%"


def protect(table: list[list[int]], rule: Rule) -> list[list[bool]]:
    """Which cells of a table of counts to hide: every small cell (primary), and then, in any
    row or column with exactly one hidden cell, the next smallest non-zero cell too (secondary),
    until no hidden cell can be worked out by subtracting the others from a total."""
    hidden = [[rule.hidden(n) for n in row] for row in table]
    lines = [[(r, c) for c in range(len(row))] for r, row in enumerate(table)]
    width = max((len(row) for row in table), default=0)
    lines += [[(r, c) for r in range(len(table)) if c < len(table[r])] for c in range(width)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(hidden[r][c] for r, c in line) != 1:
                continue
            candidates = [(table[r][c], r, c) for r, c in line if not hidden[r][c] and table[r][c]]
            if candidates:
                _, r, c = min(candidates)
                hidden[r][c] = changed = True
    return hidden


def shown_table(table: list[list[int]], rule: Rule) -> list[list[str]]:
    """A table of counts as it may be shown: hidden cells as `*`, the rest rounded."""
    hidden = protect(table, rule)
    return [
        [SUPPRESSED if h else rule.count(n) for n, h in zip(row, hide, strict=True)]
        for row, hide in zip(table, hidden, strict=True)
    ]


def merged(sizes: dict[str, int], rule: Rule) -> dict[str, str]:
    """Each group of a breakdown → the group it is shown as: groups under the minimum base are
    merged into "Other", and, while "Other" is still under it, the next smallest group joins it.
    Every group shown then meets the minimum base, and none is left out (a left-out group could
    be worked out as the total less the groups shown). One group left means no breakdown."""
    order = sorted(sizes, key=lambda g: (sizes[g], g))
    other = [g for g in order if not rule.enough(sizes[g])]
    kept = [g for g in order if rule.enough(sizes[g])]
    while other and kept and not rule.enough(sum(sizes[g] for g in other)):
        other.append(kept.pop(0))
    if not kept:
        return dict.fromkeys(sizes, OTHER)
    return {g: g for g in kept} | dict.fromkeys(other, OTHER)
