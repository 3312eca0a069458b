"""The word lists behind bot/privacy/redact.py, read once per process and shared by every Redactor.

First and last names come from every person locale that Faker ships (MIT), plus
``redact_names.txt``; ``redact_words.txt`` holds stop-words (never a name on their own) and
``equality_words.txt`` the ethnic groups, religions, languages and nationalities that an
equality-monitoring answer needs, which are stop-words too.
"""

from __future__ import annotations

import functools
import gc
import importlib
import pkgutil
import re
import sys
from dataclasses import dataclass
from importlib import resources

__all__ = ["WordLists", "equality_categories", "word_lists"]

_KEEP_SHORT = frozenset({"jo", "ed"})
# Latin letters, Polish and the rest of Latin Extended-A/B included; at least one letter.
_LATIN = re.compile(r"(?=.*[^\W\d_])[\x00-\x7f\u00c0-\u024f]+", re.DOTALL)
_TOKEN = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


@dataclass(frozen=True)
class WordLists:
    stop: frozenset[str]  # never a name on its own (equality words included)
    any_first: frozenset[str]  # first names, stop-words included
    first: frozenset[str]  # first names that are not stop-words
    last: frozenset[str]  # last names that are not stop-words


def _text(name: str) -> str:
    return resources.files("bot.privacy").joinpath(name).read_text(encoding="utf-8")


def _words(name: str) -> set[str]:
    lines = _text(name).splitlines()
    return {w for line in lines if not line.startswith("#") for w in line.lower().split()}


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


def _faker_names() -> tuple[set[str], set[str]]:
    """First and last names from every Faker person locale, lower-cased."""
    loaded = set(sys.modules)
    import faker.providers.person as person

    first: set[str] = set()
    last: set[str] = set()
    for info in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{info.name}").Provider
        for attr, value in vars(provider).items():
            target = first if "first_names" in attr else last if "last_names" in attr else None
            if target is not None and isinstance(value, list | tuple | dict):
                target.update(map(str.lower, map(str, value)))
    # Faker is used for nothing else: the modules this loaded (8 MB of them, the name tuples
    # more) are let go, so the bot keeps only the sets. Importing Faker again reloads it.
    # Each module is unlinked from its package too: typing's caches keep a few Faker classes, and
    # through them their package, alive.
    unload = {n for n in set(sys.modules) - loaded if n == "faker" or n.startswith("faker.")}
    for name in unload:
        parent, _, child = name.rpartition(".")
        if parent in unload and child in vars(sys.modules[parent]):
            delattr(sys.modules[parent], child)
    for name in unload:
        del sys.modules[name]
    gc.collect()
    return first, last


def _feminine(surnames: set[str]) -> set[str]:
    """Polish surnames change with gender: Faker lists Kowalski, parents write Kowalska."""
    return {n[:-1] + "a" for n in surnames if n.endswith(("ski", "cki"))}


@functools.cache
def word_lists() -> WordLists:
    """Read once per process; every Redactor shares them."""
    stop = _words("redact_words.txt")
    for categories in equality_categories().values():
        stop.update(w.lower() for c in categories for w in _TOKEN.findall(c))
    first, last = _faker_names()
    if len(first) < 1000:
        raise RuntimeError("Faker's first-name lists were not found")
    first |= _words("redact_names.txt")
    last |= _feminine(last)

    latin = {n for n in first | last if len(n) > 2 or n in _KEEP_SHORT}
    # ASCII with a letter, or else checked by the slower pattern.
    latin = {n for n in latin if (n.isascii() and n != n.upper()) or _LATIN.fullmatch(n)}
    any_first = frozenset(first & latin)
    return WordLists(
        stop=frozenset(stop),
        any_first=any_first,
        first=any_first - stop,
        last=frozenset((last & latin) - stop),
    )
