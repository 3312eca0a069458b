"""Turn what a parent typed into an answer, or a polite reason why not. Pure functions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from bot.conversation.months import (
    MONTH_NAMES_IN_RANGE,
    MONTHS,
    example_month,
    month_in_digits,
    month_in_words,
)
from bot.words import number_words, plain, say


@dataclass(frozen=True)
class Invalid:
    reason: str


NUMBER_WORDS = number_words()  # in every language: "two" and "dwie"


def choices(text: str, options: list[tuple[str, str]], many: bool) -> list[str] | None:
    """Option ids for typed text: numbers ("2", "1, 3"), labels or ids; None if nothing fits."""
    wanted = text.strip().casefold()
    if not many:
        found = _one(wanted, options)
        return [found] if found else None
    for pattern in (r"^$", r"\s*[,;]\s*", r"\s*(?:[,;]|\band\b|\bi\b)\s*|\s+"):
        parts = [p for p in re.split(pattern, wanted) if p] if pattern != "^$" else [wanted]
        matched = [_one(p, options) for p in parts]
        if parts and all(matched):
            return list(dict.fromkeys(m for m in matched if m))
    return None


def _one(part: str, options: list[tuple[str, str]]) -> str | None:
    """One option by its number, label or id."""
    part = part.strip()
    if re.fullmatch(r"[0-9]+", part.rstrip(".")):  # "²" and "٣" are digits, but not ours
        index = int(part.rstrip(".")) - 1
        return options[index][0] if 0 <= index < len(options) else None
    return next((oid for oid, label in options if part in (label.casefold(), oid.casefold())), None)


def number(
    text: str, lo: float | None, hi: float | None, whole: bool, lang: str
) -> float | Invalid:
    cleaned = plain(text.strip()).replace(",", ".")
    if cleaned in NUMBER_WORDS:
        value: float = NUMBER_WORDS[cleaned]
    else:
        try:
            value = float(cleaned)
        except ValueError:
            return Invalid(say("number", lang))
        if value != value or value in (float("inf"), float("-inf")):
            return Invalid(say("number", lang))
    if whole and value != int(value):
        return Invalid(say("whole_number", lang))

    def show(x: float) -> str:
        return str(int(x)) if x == int(x) else str(x)

    if (lo is not None and value < lo) or (hi is not None and value > hi):
        if lo is not None and hi is not None:
            return Invalid(say("number_range", lang, min=show(lo), max=show(hi)))
        if lo is not None:
            return Invalid(say("number_min", lang, min=show(lo)))
        return Invalid(say("number_max", lang, max=show(hi or 0)))
    return int(value) if value == int(value) else value


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def month_year(text: str, now: datetime, back: int, ahead: int, lang: str) -> str | Invalid:
    """'March 2025', 'mar 25', '03/2025', '2025-03', '12/03/2025' -> '2025-03' (day dropped)."""
    cleaned = text.strip().casefold().replace(",", " ").replace(".", " ")
    month = year = None
    if m := re.fullmatch(r"(\d{4})[-/ ](\d{1,2})", cleaned):
        year, month = int(m[1]), int(m[2])
    elif m := re.fullmatch(r"(?:\d{1,2}[/\- ])?(\d{1,2})[/\- ](\d{2}|\d{4})", cleaned):
        month, year = int(m[1]), _year(m[2])
    elif m := re.fullmatch(r"(?:\d{1,2}(?:st|nd|rd|th)?\s+)?([^\W\d]+)\s+(\d{2}|\d{4})", cleaned):
        month, year = MONTHS.get(m[1]), _year(m[2])
    if month is None or year is None or not 1 <= month <= 12:
        example = example_month(now.date(), back, ahead)
        words, digits = month_in_words(example, lang), month_in_digits(example)
        return Invalid(say("month_year", lang, words=words, digits=digits))
    given = year * 12 + month - 1
    current = now.year * 12 + now.month - 1
    if not current - back <= given <= current + ahead:
        names = MONTH_NAMES_IN_RANGE.get(lang, MONTH_NAMES_IN_RANGE["en"])

        def show(index: int) -> str:
            return f"{names[index % 12]} {index // 12}"

        return Invalid(
            say("month_year_range", lang, first=show(current - back), last=show(current + ahead))
        )
    return f"{year:04d}-{month:02d}"


def phone(text: str, lang: str) -> str | Invalid:
    """A UK phone number in international format (phonenumbers, region GB).

    "Possible" rather than "valid": a parent's real number must never be refused because the
    library's allocation tables are behind, and Ofcom's drama range (07700 900xxx) stays usable.
    """
    typed = text.strip()
    try:
        parsed = phonenumbers.parse(typed, "GB")
    except phonenumbers.NumberParseException:
        return Invalid(say("bad_phone", lang))
    if not typed.startswith(("0", "+", "(")) or not phonenumbers.is_possible_number(parsed):
        return Invalid(say("bad_phone", lang))
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def email(text: str, lang: str) -> str | Invalid:
    try:
        valid = validate_email(text.strip(), check_deliverability=False)
    except EmailNotValidError:
        return Invalid(say("bad_email", lang))
    return str(valid.normalized)
