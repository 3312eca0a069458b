"""Month names parents type and read, in every language the bot ships with."""

from __future__ import annotations

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
