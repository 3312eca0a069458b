"""The web page's own words (buttons, links, headings): the `web_` texts of `bot.words`."""

from __future__ import annotations

from bot.words import en, say

RIGHT_TO_LEFT = frozenset({"ar", "ur", "fa", "he", "ps", "ckb"})
_PAGE_KEYS = tuple(key for key in en.WORDS if key.startswith("web_"))


def word(key: str, language: str) -> str:
    return say(f"web_{key}", language)


def words_in(language: str) -> dict[str, str]:
    """Every word of the page in `language`, for the templates."""
    return {key.removeprefix("web_"): say(key, language) for key in _PAGE_KEYS}
