"""The personal details that have a shape: emails, URLs, NHS numbers, dates, UK phone numbers,
postcodes, street addresses and @handles. Each finder yields (start, end) spans in the text;
bot/privacy/redact.py chooses between overlapping spans and adds names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers

__all__ = [
    "addresses",
    "dates",
    "emails",
    "handles",
    "is_valid_nhs_number",
    "nhs_numbers",
    "phones",
    "postcodes",
    "urls",
]

_EMAIL = re.compile(r"(?<![\w.%+'-])[\w.%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_TLDS = "com|org|net|uk|io|co|info|me|ly|gov|nhs|ac|app|link|page|site|online|blog|eu|ie"
_URL = re.compile(
    r"(?:\bhttps?://|\bwww\.)[^\s<>\"']+"
    rf"|(?<![\w.@-])[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:{_TLDS})\b"
    r"(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
_NOT_DIAL = re.compile(r"[^\d+]")
_DIAL = re.compile(r"[+(]*\d[\d()./-]*")
_DIAL_RUN = re.compile(rf"{_DIAL.pattern}(?:[ \t]+{_DIAL.pattern})*")
_NHS = re.compile(r"(?<![\d+])(\d{3})([ -]?)(\d{3})\2(\d{4})(?!\d)")
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\b\.?"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])"
_ORD = r"(?:st|nd|rd|th)"
_YEAR = r"(?:,?\s+(?:(?:19|20)\d\d|'\d\d))"
_DATES = [
    re.compile(rf"\b{_DAY}{_ORD}?(?:\s+of)?\s+{_MONTH}{_YEAR}?", re.IGNORECASE),
    re.compile(
        rf"\b{_MONTH}\s+(?:the\s+)?{_DAY}(?:{_ORD}\b|\b(?!\s*(?:[.:]\d|%)))(?:{_YEAR})?", re.I
    ),
    re.compile(r"(?<![\d.,/-])(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?![\d./-]*\d)"),
    re.compile(r"(?<![\d.,/-])(?:19|20)\d\d-(?:0?[1-9]|1[0-2])-(?:[12]\d|3[01]|0?[1-9])(?![\d-])"),
]
_SURE_DATE = re.compile(r"\d(?:st|nd|rd|th)|\d{4}|'\d\d", re.IGNORECASE)
_POSTCODE = re.compile(r"\b[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2}\b", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@/.\]])@[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?")
_NOT_HANDLE = re.compile(r"@\d+(?:[:.]\d+)?(?:am|pm|cm|kg|lbs?|wks?|weeks?|days?|hrs?|mins?)?")
_STREETS = (
    "street|st|road|rd|lane|ln|avenue|ave|close|drive|way|place|crescent|court|gardens|grove"
    "|terrace|row|square|mews|walk|rise|green|foregate|parade|hill|view|park|croft|vale|meadows?"
    "|fields|bank|gate|wharf|quay|yard|boulevard|broadway|circus|esplanade|wynd"
)
# "12 Church Street", "Flat 3, 45 High Road", "22 Abbey Foregate": a house number, one to three
# words, a street word. The words are checked in addresses() ("36 weeks in a row" is none).
_ADDRESS = re.compile(
    r"(?:\b(?:flat|apartment|apt)\.?\s+\d{1,4}[a-z]?\b,?\s+)?"
    r"(?<![\w+./:-])\d{1,4}[a-z]?\b,?\s+"
    r"(?P<words>(?:[^\W\d_]+(?:['’.-][^\W\d_]+)*\s+){1,3}?)"
    rf"(?:{_STREETS})\b",
    re.IGNORECASE,
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that say what a number counts: "36 weeks", "2 kids", "Ward 21" are not addresses.
_NOT_ADDRESS = _words(
    """a an and the at for from in into is of on or to with was were by my our your his her
    their it this that we i you he she they me us them very so but if as up down out over
    about after before weeks week wks wk days day hours hour hrs hr minutes minute mins min
    months month years year yrs kids kid children child babies baby times time nights night
    miles mile cm mm kg lb lbs oz people women mums dads staff beds bed visits scans pounds
    stone"""
)
_NOT_BEFORE_ADDRESS = _words("ward wards room rooms bay bed theatre level floor page number no")


def is_valid_nhs_number(digits: str) -> bool:
    """True when `digits` (10 digits, separators allowed) has a valid NHS mod-11 check digit."""
    ds = [int(c) for c in digits if c.isdigit()]
    if len(ds) != 10:
        return False
    check = 11 - sum(d * w for d, w in zip(ds[:9], range(10, 1, -1), strict=True)) % 11
    if check == 10:
        return False
    return (0 if check == 11 else check) == ds[9]


def _is_phone(raw: str, number: phonenumbers.PhoneNumber) -> bool:
    if phonenumbers.is_valid_number(number):
        return True
    national = phonenumbers.national_significant_number(number)
    dialled = _NOT_DIAL.sub("", raw)[:1] in ("0", "+")
    return dialled and len(national) >= 9 and phonenumbers.is_possible_number(number)


def emails(text: str) -> Iterator[tuple[int, int]]:
    for m in _EMAIL.finditer(text):
        yield m.span()


def urls(text: str) -> Iterator[tuple[int, int]]:
    for m in _URL.finditer(text):
        yield m.start(), m.start() + len(m.group().rstrip(".,;:!?)]}'\""))


def nhs_numbers(text: str) -> Iterator[tuple[int, int]]:
    for m in _NHS.finditer(text):
        if is_valid_nhs_number(m.group()):
            yield m.span()


def dates(text: str) -> Iterator[tuple[int, int]]:
    for pattern in _DATES:
        for m in pattern.finditer(text):
            if "may" in m.group() and not _SURE_DATE.search(m.group()):
                continue  # "the other 2 may need it" (but "2nd may", "May 2")
            if pattern.groups == 4:  # 12/03/2024: day and month in either order
                a, b = int(m.group(1)), int(m.group(3))
                if not (1 <= a <= 31 and 1 <= b <= 31 and min(a, b) <= 12):
                    continue
            yield m.span()


def phones(text: str) -> Iterator[tuple[int, int]]:
    # POSSIBLE, not VALID: Ofcom's drama ranges and newly allocated ranges are not "valid".
    leniency = phonenumbers.Leniency.POSSIBLE
    for m in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=leniency):
        if _is_phone(m.raw_string, m.number):
            yield m.start, m.end
    # The matcher gives up on "07700 900123 2 kids" (or finds only "07700"): also try
    # every window of up to 6 runs of digits that only spaces separate, longest first.
    for group in _DIAL_RUN.finditer(text):
        runs = [
            (group.start() + m.start(), group.start() + m.end())
            for m in _DIAL.finditer(group.group())
        ]
        i = 0
        while i < len(runs):
            for j in range(min(len(runs), i + 6), i, -1):
                raw = text[runs[i][0] : runs[j - 1][1]].rstrip("./-")
                if not 9 <= sum(c.isdigit() for c in raw) <= 16:
                    continue
                try:
                    number = phonenumbers.parse(raw, "GB")
                except phonenumbers.NumberParseException:
                    continue
                if _is_phone(raw, number):
                    yield runs[i][0], runs[i][0] + len(raw)
                    i = j - 1
                    break
            i += 1


def postcodes(text: str) -> Iterator[tuple[int, int]]:
    for m in _POSTCODE.finditer(text):
        inward = m.group()[-3:]
        if not (inward.islower() and inward[1:] in ("st", "nd", "rd", "th")):
            yield m.span()


def addresses(text: str) -> Iterator[tuple[int, int]]:
    for m in _ADDRESS.finditer(text):
        # "ward 21 green team": a ward, not a street (the word before, from a bounded window)
        before = text[max(0, m.start() - 40) : m.start()].split()[-1:]
        if before and before[0].lower().strip(".,:") in _NOT_BEFORE_ADDRESS:
            continue
        if not any(w.lower().strip(".,") in _NOT_ADDRESS for w in m.group("words").split()):
            yield m.span()


def handles(text: str) -> Iterator[tuple[int, int]]:
    for m in _HANDLE.finditer(text):
        if not _NOT_HANDLE.fullmatch(m.group().lower()):
            yield m.span()
