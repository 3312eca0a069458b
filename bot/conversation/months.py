"""Month names parents type and read, in every language the bot ships with."""

from __future__ import annotations

from datetime import date

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        ("january", "jan", "styczeń", "stycznia", "styczen", "sty"),
        ("february", "feb", "luty", "lutego", "lut"),
        ("march", "mar", "marzec", "marca"),
        ("april", "apr", "kwiecień", "kwietnia", "kwiecien", "kwi"),
        ("may", "maj", "maja"),
        ("june", "jun", "czerwiec", "czerwca", "cze"),
        ("july", "jul", "lipiec", "lipca", "lip"),
        ("august", "aug", "sierpień", "sierpnia", "sierpien", "sie"),
        ("september", "sep", "sept", "wrzesień", "września", "wrzesien", "wrz"),
        ("october", "oct", "październik", "października", "pazdziernik", "paź", "paz"),
        ("november", "nov", "listopad", "listopada", "lis"),
        ("december", "dec", "grudzień", "grudnia", "grudzien", "gru"),
    ],
    start=1,
):
    for _name in _names:
        MONTHS[_name] = _number

MONTH_NAMES = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "pl": [
        "styczeń",
        "luty",
        "marzec",
        "kwiecień",
        "maj",
        "czerwiec",
        "lipiec",
        "sierpień",
        "wrzesień",
        "październik",
        "listopad",
        "grudzień",
    ],
}


#: Month names as they read in "between May 2024 and August 2027" (Polish needs the genitive).
MONTH_NAMES_IN_RANGE = {
    "en": MONTH_NAMES["en"],
    "pl": [
        "stycznia",
        "lutego",
        "marca",
        "kwietnia",
        "maja",
        "czerwca",
        "lipca",
        "sierpnia",
        "września",
        "października",
        "listopada",
        "grudnia",
    ],
}


def example_month(today: date, back: int, ahead: int) -> str:
    """A month that a question taking `back` months before today to `ahead` after accepts, as
    an answer is kept ("2026-08"), for examples: a few months back where the question looks
    back, else a few ahead (this month when it takes only this month)."""
    index = today.year * 12 + today.month - 1
    index += -min(back, 3) if back else min(ahead, 3)
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_in_digits(month: str) -> str:
    """ "2026-08" as a parent types it in digits: "08/2026"."""
    year, number = month.split("-")
    return f"{number}/{year}"


def month_in_words(month: str, language: str) -> str:
    """ "2026-08" in words in `language`: "August 2026", "sierpień 2026"."""
    year, number = month.split("-")
    return f"{MONTH_NAMES.get(language, MONTH_NAMES['en'])[int(number) - 1]} {year}"
