"""Word forms in English and Polish: what makes "położnej", "polozne" and "położna" one word, and
"waited" and "waiting" one with "wait".

Each word is read three ways, and two words are the same word when any of their readings agree:
- folded: any case, with or without Polish letters ("Położna" and "polozna" alike);
- its dictionary form (lemma), from simplemma's own English and Polish dictionaries (shipped in
  its wheel; nothing is downloaded), folded;
- for words of five letters or more, the folded word less a common ending (`ENDINGS`), for words
  the dictionaries cannot read, above all Polish typed without its letters ("karmieniu").

A phrase's words are read as written (folded, and stemmed), a comment's words also by their
dictionary forms in both languages, as a parent may mix them: so "wait" in a codebook matches
"waited", and "caring" matches "caring" but not "care". The dictionaries are read once a
process, as streams (2.5 to 4 s and about 40 MB; read whole, Polish took 8 s and 450 MB:
docs/benchmarks.md), and each word's readings are remembered.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from simplemma import Lemmatizer
from simplemma.strategies import DefaultStrategy

from bot.words import plain

#: The languages whose word forms are known; phrases in other languages match folded words.
LANGUAGES = ("en", "pl")

#: Endings taken off folded words of five letters or more, longest first, so the stem left has
#: at least four letters: Polish case and verb endings (folded: "ą" is "a") and English ones.
ENDINGS: tuple[str, ...] = tuple(
    sorted(
        {
            # Polish nouns, adjectives, verbs
            "owania", "owanie", "owaniu", "enia", "enie", "eniu", "ania", "anie", "aniu",
            "ymi", "imi", "ych", "ich", "ego", "emu", "owi", "ach", "ami", "iej", "owa",
            "owe", "owy", "lam", "lem", "las", "lismy", "lysmy", "li", "ly", "la", "lo",
            "ej", "om", "ow", "ie", "ia", "iu",
            "a", "e", "i", "o", "u", "y", "c",
            # English
            "ing", "ed", "es", "s",
        },
        key=lambda e: (-len(e), e),
    )
)  # fmt: skip
_MIN_STEM = 4
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@cache
def _lemmatizer() -> Lemmatizer:
    return Lemmatizer(lemmatization_strategy=DefaultStrategy(low_memory=True))


def words(text: str) -> list[str]:
    """The words of a text, lower-cased, accents kept (the dictionaries need them)."""
    return _WORD.findall(text.casefold().replace("’", "'"))


def stem(folded: str) -> str | None:
    """A folded word less its ending, or None for a short word."""
    if len(folded) <= _MIN_STEM:
        return None
    for ending in ENDINGS:
        if folded.endswith(ending) and len(folded) - len(ending) >= _MIN_STEM:
            return "~" + folded[: -len(ending)]
    return None


@lru_cache(maxsize=200_000)
def readings(word: str, languages: tuple[str, ...] = LANGUAGES) -> frozenset[str]:
    """Every reading of one lower-cased word, in the languages given (`words` makes them)."""
    folded = plain(word)
    found = {folded, plain(word.replace("'", ""))}
    for language in languages:
        if language in LANGUAGES:
            found.add(plain(_lemmatizer().lemmatize(word, lang=language)))
    stemmed = stem(folded)
    if stemmed:
        found.add(stemmed)
    return frozenset(found)


@lru_cache(maxsize=20_000)
def phrase_word(word: str) -> frozenset[str]:
    """The readings of a word of a phrase: a word written in its dictionary form ("wait",
    "położna") matches every form of it; a word written in another form ("caring") matches that
    form and those sharing its stem, not every form of its dictionary word ("care"): a
    comment's words are read with their dictionary forms, a phrase's words as written."""
    folded = plain(word)
    stemmed = stem(folded)
    return frozenset({folded, plain(word.replace("'", ""))} | ({stemmed} if stemmed else set()))


def phrase_readings(phrase: str) -> tuple[frozenset[str], ...]:
    """A phrase as a sequence of word readings, as written (whatever its language)."""
    return tuple(phrase_word(word) for word in words(phrase))
