"""The coder: a comment (already redacted) in, its themes out, each with the phrase that matched,
so a reader can see why; and the comment's sentiment. Pure: the codebook is compiled once into
an index from each word reading to the phrases that start with it, so a comment costs a few
look-ups a word however many phrases the codebook holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.themes.codebook import Codebook, Theme
from bot.themes.forms import phrase_readings, readings, words
from bot.themes.sentiment import Sentiment, sentiment_of


@dataclass(frozen=True, slots=True)
class Code:
    theme: str  # the theme's id
    phrase: str  # the phrase as the codebook writes it
    language: str  # the language the phrase is listed under


@dataclass(frozen=True, slots=True)
class Coded:
    codes: tuple[Code, ...]  # in the codebook's order of themes
    sentiment: Sentiment

    @property
    def themes(self) -> tuple[str, ...]:
        return tuple(code.theme for code in self.codes)


@dataclass(frozen=True, slots=True)
class _Entry:
    theme: int  # index into the codebook's themes
    phrase: str
    language: str
    rest: tuple[frozenset[str], ...]  # readings of the words after the first
    guard: bool


@dataclass(frozen=True, slots=True)
class _Match:
    entry: _Entry
    start: int
    end: int  # one past the last word


_REMEMBERED = 100_000  # words whose candidate phrases are remembered, at most


def _compile(themes: list[Theme]) -> dict[str, list[_Entry]]:
    index: dict[str, list[_Entry]] = {}
    for t, theme in enumerate(themes):
        for guard, table in ((False, theme.phrases), (True, theme.guards)):
            for language, phrases in table.items():
                for phrase in phrases:
                    seq = phrase_readings(phrase)
                    if not seq:
                        continue
                    entry = _Entry(t, phrase, language, seq[1:], guard)
                    for key in seq[0]:
                        index.setdefault(key, []).append(entry)
    return index


def _applies(theme: Theme, question: str | None) -> bool:
    return question is None or theme.questions == "all" or question in theme.questions


class Coder:
    """A compiled codebook. `sentiment` reads a comment's sentiment (the shipped model and
    rules by default)."""

    def __init__(
        self, book: Codebook, sentiment: Callable[[str], Sentiment] = sentiment_of
    ) -> None:
        self.book = book
        self._themes = list(book.themes)
        self._index = _compile(self._themes)
        self._candidates: dict[frozenset[str], tuple[_Entry, ...]] = {}
        self._sentiment = sentiment

    def _starting(self, keys: frozenset[str]) -> tuple[_Entry, ...]:
        """The phrases and guards whose first word has one of these readings (remembered)."""
        entries = self._candidates.get(keys)
        if entries is None:
            if len(self._candidates) >= _REMEMBERED:
                self._candidates.clear()
            unique = {id(e): e for key in keys for e in self._index.get(key, ())}
            entries = self._candidates[keys] = tuple(unique.values())
        return entries

    def matches(self, text: str) -> list[_Match]:
        """Every phrase and guard found in `text`, by where it starts."""
        seq = [readings(word) for word in words(text)]
        found: list[_Match] = []
        for i, keys in enumerate(seq):
            for entry in self._starting(keys):
                end = i + 1 + len(entry.rest)
                if not entry.rest or (
                    end <= len(seq)
                    and all(want & seq[i + 1 + k] for k, want in enumerate(entry.rest))
                ):
                    found.append(_Match(entry, i, end))
        return found

    def themes_of(self, text: str, question: str | None = None) -> tuple[Code, ...]:
        """The themes a comment speaks of: a phrase of the theme found and no guard of the same
        theme overlapping it; only themes that apply to `question` (when given)."""
        found = self.matches(text)
        guards = [m for m in found if m.entry.guard]
        first: dict[int, _Match] = {}
        for m in found:
            if m.entry.guard or m.entry.theme in first:
                continue
            t = m.entry.theme
            if any(g.entry.theme == t and g.start < m.end and m.start < g.end for g in guards):
                continue
            first[t] = m
        codes = []
        for t in sorted(first):
            theme = self._themes[t]
            if not _applies(theme, question):
                continue
            m = first[t]
            codes.append(Code(theme.id, m.entry.phrase, m.entry.language))
        return tuple(codes)

    def code(self, text: str, question: str | None = None) -> Coded:
        return Coded(self.themes_of(text, question), self._sentiment(text))
