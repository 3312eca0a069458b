"""Disclosure control on every count shown to anyone (NHS Digital's rule, see DESIGN.md):
0 stays 0, 1 to `suppress_up_to` (7) becomes `*`, other counts are rounded to the nearest
`round_to` (5), and a percentage is worked out from rounded counts, never from a small cell.
Pure: numbers in, text out."""

from __future__ import annotations

from dataclasses import dataclass

SUPPRESSED = "*"


@dataclass(frozen=True)
class Rule:
    suppress_up_to: int = 7
    round_to: int = 5

    def describe(self) -> str:
        return (
            f"Counts of 1 to {self.suppress_up_to} are shown as {SUPPRESSED}; other counts are "
            f"rounded to the nearest {self.round_to}; percentages are worked out from the rounded "
            f"counts and not shown where either count is {self.suppress_up_to} or fewer."
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
