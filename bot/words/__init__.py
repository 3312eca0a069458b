"""What the bot itself says, one file per language (`en.py`, `pl.py`): the conversation's words,
each channel's own words, and the defaults for the welcome, the privacy notice and the
safeguarding message. Questionnaires supply everything else. Pure: no I/O.
"""

from __future__ import annotations

import unicodedata
from types import ModuleType

from bot.words import en, pl

#: The languages the bot's own words are written in, English first.
LANGUAGES: dict[str, ModuleType] = {"en": en, "pl": pl}

#: Each language's name in itself, for the language switch (also for languages a questionnaire
#: offers whose bot words fall back to English).
LANGUAGE_NAMES = {
    "en": "English",
    "pl": "Polski",
    "ro": "Română",
    "pa": "ਪੰਜਾਬੀ",
    "ur": "اردو",
    "cy": "Cymraeg",
    "ar": "العربية",
    "bn": "বাংলা",
    "so": "Soomaali",
}

#: Letters that do not come apart into a base letter and an accent.
_UNACCENTED = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe"})


def _words(language: str) -> dict[str, str]:
    module = LANGUAGES.get(language, en)
    words: dict[str, str] = module.WORDS
    return words


def say(key: str, language: str, **values: object) -> str:
    """One of the bot's own texts in `language` (English when it has no translation)."""
    text: str = _words(language).get(key) or en.WORDS[key]
    return text.format(**values)


def counted(key: str, language: str, n: int) -> str:
    """A text with `|`-separated plural forms, in the form that fits `n` ("1 answer")."""
    module = LANGUAGES.get(language, en)
    forms = say(key, language, n=n).split("|")
    index: int = module.plural(n)
    return forms[min(index, len(forms) - 1)]


def number_of(n: int, thing: str) -> str:
    """A count for staff and the logs, which are in English: "1 problem", "1,200 problems"."""
    return f"{n:,} {thing}" if n == 1 else f"{n:,} {thing}s"


def languages() -> tuple[str, ...]:
    """Every language the bot's own words are written in."""
    return tuple(LANGUAGES)


def plain(text: str) -> str:
    """Text folded for matching what a parent typed: any case, with or without accents
    ("Usuń" and "usun" alike), apostrophes made straight."""
    for _ in range(2):  # twice: casefolding can make letters that come apart again
        text = unicodedata.normalize("NFKD", text).casefold().translate(_UNACCENTED)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return text.replace("’", "'").replace("‘", "'")


def every_language(key: str) -> set[str]:
    """A word in every language, folded: typed words that mean the same as a button."""
    return {plain(module.WORDS[key]) for module in LANGUAGES.values() if key in module.WORDS}


def number_words() -> dict[str, int]:
    """Number words in every language, folded ("dwie" and "two" are both 2)."""
    return {plain(word): n for module in LANGUAGES.values() for word, n in module.NUMBERS.items()}


def erased(
    language: str, *, responses: int, answers: int, contacts: int, sessions: int, days: int
) -> str:
    """The one reply to "delete my answers", in every channel."""
    if responses or sessions:
        text = say(
            "deleted",
            language,
            responses=counted("deleted_responses", language, responses),
            answers=counted("deleted_answers", language, answers),
        )
        if contacts:
            requests = counted("deleted_contact_requests", language, contacts)
            text += say("deleted_contacts", language, contacts=requests)
        text += say("deleted_end", language)
    else:
        text = say("nothing_to_delete", language)
    return text + say("already_anonymous", language, days=days)
