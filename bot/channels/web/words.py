"""The web page's own words (buttons, links, headings): the `web_` texts of `bot.words`."""

from __future__ import annotations

from bot.words import en, say

RIGHT_TO_LEFT = frozenset({"ar", "ur", "fa", "he", "ps", "ckb"})
#: The page's words without blanks ({...}): those with blanks are filled in where they are used.
_PAGE_KEYS = tuple(
    key for key, text in en.WORDS.items() if key.startswith("web_") and "{" not in text
)


def word(key: str, language: str) -> str:
    return say(f"web_{key}", language)


def words_in(language: str) -> dict[str, str]:
    """Every word of the page in `language`, for the templates."""
    return {key.removeprefix("web_"): say(key, language) for key in _PAGE_KEYS}
