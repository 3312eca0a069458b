"""Words in typed text that suggest someone may be in danger (self-harm, abuse, bleeding, the baby
moving less …). The chat is not monitored, so the engine answers them at once with signposting."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable


def danger_check(triggers: Iterable[str]) -> Callable[[str], bool]:
    """A pure test for any of `triggers` as whole words, any case, any spacing between words."""
    patterns = [
        re.compile(r"(?<!\w)" + re.escape(t.casefold()).replace(r"\ ", r"\s+") + r"(?!\w)")
        for t in triggers
        if t.strip()
    ]

    def in_danger(text: str) -> bool:
        folded = text.casefold()
        return any(pattern.search(folded) for pattern in patterns)

    return in_danger
