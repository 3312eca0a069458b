"""The personal details that have a shape: emails (also typed "jo at gmail dot com"), URLs, NHS
numbers, hospital numbers, UK car registrations, dates, UK phone numbers, postcodes, street
addresses (flats and house names too) and @handles. Each finder yields (start, end) spans in the
text; bot/privacy/redact.py chooses between overlapping spans and adds names.
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
    "hospital_numbers",
    "house_names",
    "is_valid_nhs_number",
    "nhs_numbers",
    "phones",
    "postcodes",
    "urls",
    "vehicles",
]

_EMAIL = re.compile(r"(?<![\w.%+'-])[\w.%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_TLDS = (
    "com|org|net|uk|io|co|info|me|ly|gov|nhs|ac|app|link|page|site|online|blog|eu|ie"
    "|ee|gl|tv|fm|gg|xyz|bio|biz|ng|gh|pk|ro|pl"
)
# "jo at gmail dot com", "emma.hill(at)yahoo(dot)co(dot)uk", "sahra_j @ outlook.com": an email
# written to dodge a filter, or typed with spaces. The domain needs a dot and a known ending.
_AT = r"(?:\s*[(\[{<]\s*at\s*[)\]}>]\s*|\s+at\s+|\s*@\s*)"
_DOT = r"(?:\s*[(\[{<]\s*dot\s*[)\]}>]\s*|\s+dot\s+|\.|\s+\.\s+)"
_ENDINGS = "com|org|net|uk|co|info|me|ie|eu|io|gov|nhs|ac|pl|ro|ng|gh|pk"
_OBFUSCATED_EMAIL = re.compile(
    rf"(?<![\w.%+'-])[\w%+'-]+(?:(?:\.|\s+dot\s+)[\w%+'-]+)*"
    rf"{_AT}[A-Za-z0-9-]+(?:{_DOT}[A-Za-z0-9-]+)*{_DOT}(?:{_ENDINGS})\b",
    re.IGNORECASE,
)
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
# Only after "dob", "born" or "birthday": a two-digit year after a month ("7 August 92"), and a date
# written with spaces ("17 04 1991").
_BIRTH = re.compile(r"\b(?:dob|d\.o\.b|born|birth|birthday|bday)\b", re.IGNORECASE)
_BIRTH_DATES = [
    re.compile(rf"\b{_DAY}{_ORD}?(?:\s+of)?\s+{_MONTH}\s+\d\d(?![\d:.%])", re.IGNORECASE),
    re.compile(r"(?<![\d.,/-])(\d{1,2}) (\d{1,2}) ((?:19|20)\d\d)(?![\d./-])"),
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
_NUMBER_WORDS = _words("no no. number num")
# "flat 12 Wrekin Court", "Apt 4 The Maltings": a flat and the name of its building.
_FLAT = re.compile(
    r"\b(?:flat|apartment|apt)\.?\s*\d{1,4}[a-z]?\b,?\s+"
    r"(?:(?:the|The)\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2}",
    re.IGNORECASE,
)
# "Rose Cottage", "Yew Tree Farm", "Severn House": a house name, capitalised, and its kind.
_HOUSE_KINDS = (
    "Cottage|Cottages|Farm|Farmhouse|Barn|House|Lodge|Manor|Grange|Bungalow|Villa|Mill|Forge"
    "|Rectory|Vicarage|Maltings|Croft|Orchard|Stables"
)
_HOUSE = re.compile(
    rf"(?<![\w'’-])(?:[A-Z][a-z'’]+\s+){{1,3}}(?:{_HOUSE_KINDS})\b"
    # not a business or a service: "Bridge House surgery", "Rose Cottage Farm Shop"
    r"(?!\s+(?i:shop|surgery|medical|health|centre|center|clinic|practice|hotel|pub|inn|cafe"
    r"|café|nursery|school|trust|hospital|hospice|day|group|tea)\b|\s+[A-Z])"
)
# "address is 4 The Paddocks", "we live at 9 Ashfields": a house number and a capitalised name
# after words that say an address follows, even with no street word.
_ADDRESS_CUED = re.compile(
    r"\b(?:address(?:\s+is)?|live\s+at|living\s+at|lives\s+at|moved\s+to|we're\s+at"
    r"|we\s+are\s+at)\s*:?\s*(?P<n>\d{1,4}[a-z]?,?\s+(?-i:(?:The\s+)?[A-Z][\w'’-]*"
    r"(?:\s+[A-Z][\w'’-]*){0,2}))",
    re.IGNORECASE,
)
_MAYBE_HOUSE = re.compile(rf"(?i:flat|apartment|apt|called|named)\b|{_HOUSE_KINDS}")
_MAYBE_ADDRESS = re.compile(r"(?i:address|live|living|moved|we're|we are)\b")
# "our house is called The Willows"
_HOUSE_CALLED = re.compile(
    r"\b(?:house|home|cottage|farm|bungalow|address)\s+(?:is\s+)?(?:called|named)\s+"
    r"(?P<n>(?:The\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2})",
    re.IGNORECASE,
)


_DIGIT = re.compile(r"\d")


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
    lower = text.lower()
    if " at " in lower or "(at)" in lower or "[at]" in lower or "@" in text:
        for m in _OBFUSCATED_EMAIL.finditer(text):
            if _looks_like_email(m.group()):
                yield m.span()


_PROVIDERS = _words(
    """gmail googlemail hotmail outlook live yahoo ymail icloud me mac aol btinternet sky
    virginmedia talktalk protonmail proton mail gmx msn example nhs"""
)
_PLAIN_AT = re.compile(r"\s+at\s+", re.IGNORECASE)


def _looks_like_email(found: str) -> bool:
    """An email such as "jo at gmail dot com", not "my fundraiser is at gofundme.com": with a plain
    " at ", the domain is a mail provider, or "dot" is spelt out, or the name has a dot, digit or
    "_"."""
    at = _PLAIN_AT.search(found)
    if at is None or "@" in found:
        return True
    local, domain = found[: at.start()], found[at.end() :]
    provider = re.split(r"\W", domain.lower(), maxsplit=1)[0]
    spelt = re.search(r"\bdot\b", domain, re.IGNORECASE) is not None
    return provider in _PROVIDERS or spelt or re.search(r"[._\d]", local) is not None


# Hospital (unit, case-note) numbers: letters then digits, as trusts issue them ("RJ12345",
# "H1234567", "M123456", "RXW1234567"). Capitals and six or more digits anywhere; after a word
# such as "hospital number", "unit no" or "MRN", any case, a space, and five or more digits.
_HOSPITAL = re.compile(r"(?<![\w/.-])[A-Z]{1,3}\d{6,9}[A-Z]?(?![\w/-])")
_HOSPITAL_CUED = re.compile(
    r"\b(?:hospital|hosp|unit|patient|trust|case|record|mrn|wristband|notes?|ref(?:erence)?|id)"
    r"\b[^\d\n]{0,25}?(?<![\w-])"
    r"(?P<n>(?:[A-Za-z]{1,3}\d{5,9}|(?-i:[A-Z]{1,3}) \d{5,9}|\d{6,9})[A-Za-z]?)(?![\w/-])",
    re.IGNORECASE,
)


_FIVE_DIGITS = re.compile(r"\d{5}")


def hospital_numbers(text: str) -> Iterator[tuple[int, int]]:
    if _FIVE_DIGITS.search(text) is None:  # most answers: no need to look further
        return
    for m in _HOSPITAL.finditer(text):
        yield m.span()
    for m in _HOSPITAL_CUED.finditer(text):
        yield m.span("n")


# UK car registrations: "AB12 CDE" (since 2001) anywhere in capitals, any case after a word such as
# "reg", "car" or "plate"; the older "R123 ABC" and "ABC 123D" only after such a word, in capitals.
_VEHICLE_CUE = (
    r"\b(?:reg|regs|registration|reg\.? no|number ?plate|plate|car|van|vehicle|motor|parked|corsa"
    r"|fiesta|focus|golf|polo|clamped|towed|anpr)\b"
)
_PLATE = r"[A-Z]{2}\d{2}\s?[A-Z]{3}"
_OLD_PLATE = r"[A-Z]\d{1,3}\s?[A-Z]{3}|[A-Z]{3}\s?\d{1,3}[A-Z]"
_VEHICLE = re.compile(rf"(?<![\w-])(?:{_PLATE})(?![\w-])")
_VEHICLE_CUED = re.compile(
    rf"{_VEHICLE_CUE}[^\n]{{0,40}}?(?<![\w-])(?P<n>(?i:{_PLATE})|{_OLD_PLATE})(?![\w-])",
    re.IGNORECASE,
)
_NOT_PLATE = _words("and the for was wks hrs min yrs mth ish odd")


def vehicles(text: str) -> Iterator[tuple[int, int]]:
    if _DIGIT.search(text) is None:
        return
    for m in _VEHICLE.finditer(text):
        yield m.span()
    for m in _VEHICLE_CUED.finditer(text):
        if m.group("n")[-3:].lower() not in _NOT_PLATE:
            yield m.span("n")


def urls(text: str) -> Iterator[tuple[int, int]]:
    for m in _URL.finditer(text):
        yield m.start(), m.start() + len(m.group().rstrip(".,;:!?)]}'\""))


def nhs_numbers(text: str) -> Iterator[tuple[int, int]]:
    for m in _NHS.finditer(text):
        if is_valid_nhs_number(m.group()):
            yield m.span()


def dates(text: str) -> Iterator[tuple[int, int]]:
    if _BIRTH.search(text):  # first, as they are longer than what the patterns below find
        for pattern in _BIRTH_DATES:
            for m in pattern.finditer(text):
                if pattern.groups == 3 and not _day_and_month(int(m.group(1)), int(m.group(2))):
                    continue
                yield m.span()
    for pattern in _DATES:
        for m in pattern.finditer(text):
            if "may" in m.group() and not _SURE_DATE.search(m.group()):
                continue  # "the other 2 may need it" (but "2nd may", "May 2")
            if pattern.groups == 4:  # 12/03/2024: day and month in either order
                a, b = int(m.group(1)), int(m.group(3))
                if not (1 <= a <= 31 and 1 <= b <= 31 and min(a, b) <= 12):
                    continue
            yield m.span()


def _day_and_month(a: int, b: int) -> bool:
    return 1 <= a <= 31 and 1 <= b <= 31 and min(a, b) <= 12


def phones(text: str) -> Iterator[tuple[int, int]]:
    # No number phonenumbers accepts here has fewer than 7 digits (the shortest seen: "+6 487 2
    # 64"): most answers have none, and need not go through its matcher.
    if len(_DIGIT.findall(text)) < 6:
        return
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
        # "ward 21 green team": a ward, not a street (the word before, from a bounded window);
        # "we live at no. 9 Beech Close" is an address, "room no. 9" is not
        before = [w.lower().strip(".,:") for w in text[max(0, m.start() - 40) : m.start()].split()]
        if before and before[-1] in _NUMBER_WORDS and len(before) > 1:
            before = before[:-1]
        if before and before[-1] in _NOT_BEFORE_ADDRESS:
            continue
        if not any(w.lower().strip(".,") in _NOT_ADDRESS for w in m.group("words").split()):
            yield m.span()


def house_names(text: str) -> Iterator[tuple[int, int]]:
    """Flats with the name of their building, and house names: the redactor keeps these out
    when they are places it knows ("Hope House", the children's hospice)."""
    if _MAYBE_HOUSE.search(text) is not None:
        for m in _FLAT.finditer(text):
            yield m.span()
        for m in _HOUSE_CALLED.finditer(text):
            yield m.span("n")
        for m in _HOUSE.finditer(text):
            yield m.span()
    if _MAYBE_ADDRESS.search(text) is not None:
        for m in _ADDRESS_CUED.finditer(text):
            yield m.span("n")


def handles(text: str) -> Iterator[tuple[int, int]]:
    for m in _HANDLE.finditer(text):
        if not _NOT_HANDLE.fullmatch(m.group().lower()):
            yield m.span()
