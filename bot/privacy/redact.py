"""Offline redaction of personal details from free-text answers, run before anything is stored.

Replaces emails, UK phone numbers, postcodes, NHS numbers, dates, URLs, @handles and personal
names with placeholders such as ``[email]`` and ``[name]``, and leaves the rest of the text as it
was. Pure and offline: phone numbers come from ``phonenumbers`` (region "GB"), names from the
first/last-name lists that Faker ships (MIT), filtered by the stop-words in ``redact_words.txt``
(common words, maternity words, places) and helped by cues such as "Dr", "midwife" or "called".
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator, Sequence

import phonenumbers

from bot.privacy.name_lists import word_lists

__all__ = ["KINDS", "PLACEHOLDERS", "Redactor", "is_valid_nhs_number", "redact"]

KINDS = ("email", "url", "nhs_number", "date", "phone", "postcode", "address", "handle", "name")
PLACEHOLDERS = {kind: f"[{kind.replace('_', ' ')}]" for kind in KINDS}

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
# words, a street word. The words are checked in _addresses ("36 weeks in a row" is no address).
_ADDRESS = re.compile(
    r"(?:\b(?:flat|apartment|apt)\.?\s+\d{1,4}[a-z]?\b,?\s+)?"
    r"(?<![\w+./:-])\d{1,4}[a-z]?\b,?\s+"
    r"(?P<words>(?:[^\W\d_]+(?:['’.-][^\W\d_]+)*\s+){1,3}?)"
    rf"(?:{_STREETS})\b",
    re.IGNORECASE,
)
_PLACEHOLDER = "|".join(re.escape(p[1:-1]) for p in PLACEHOLDERS.values())
_WORD = re.compile(rf"\[(?:{_PLACEHOLDER})\]|[^\W\d_]+(?:['’-][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# "Dr X": X is a name unless it is a stop-word. Roles and relations: X must look like a name.
_TITLES = _words("dr mr mrs ms miss mx prof professor")
_CUES = _words(
    """sister midwife midwives mw nurse nurses doctor doc consultant registrar sonographer
    obstetrician paediatrician anaesthetist surgeon visitor worker assistant receptionist
    called named partner husband hubby wife son daughter baby mum mom dad nan grandma grandad
    law thanks thank"""
)
_NOT_AFTER_TITLE = _words("""a an and at for from in is of on or said the to told was who""")
# "Dean the porter", "Harpreet the maternity support worker": a name before "the <role>".
_ROLES = _words(
    """porter porters midwife nurse doctor doc consultant registrar sonographer obstetrician
    paediatrician anaesthetist receptionist cleaner hca mw worker assistant supporter visitor
    student surgeon physio physiotherapist chaplain paramedic volunteer manager matron sister
    housekeeper pharmacist dietitian lady"""
)
_NOT_BEFORE_ROLE = _words(
    """a about after all also am an and are as ask asked at be been before beat bless blame both
    but by call called can contact could did do does even except fetch fetched find for found
    from get got had has have help helped hope hoped if in including is just like liked love
    loved may meet met might miss missed must not of on only or page paged pay phone phoned
    plus rang ring said saw say says see shall should so tell text than thank thanked thanks
    that then to told trust unlike until via was were when while will with would overall
    afterwards meanwhile later sometimes today yesterday tonight once twice again because since
    where who why how what which whilst although though otherwise also next soon now"""
)
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
_CUE_PAIRS = {("is", "name"), ("was", "name"), ("to", "thanks"), ("to", "you"), ("to", "out")}


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


def _core(word: str) -> str:
    return _POSSESSIVE.sub("", word).lower()


def _alternation(phrases: set[str]) -> str:
    return "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))


class Redactor:
    """Replaces personal details in free text with placeholders. Build once, reuse."""

    def __init__(self, extra_names: Sequence[str] = ()) -> None:
        lists = word_lists()  # read once per process, shared
        self._stop = lists.stop
        self._any_first = lists.any_first  # stop-words included
        self._first = lists.first
        self._last = lists.last
        plain: set[str] = set()  # "Jane Moss": redacted anywhere
        titled: set[str] = set()  # "Jane", "Moss": redacted after a title ("sister moss")
        staff: set[str] = set()  # "jane": redacted anywhere unless a stop-word
        for raw in extra_names:
            words = raw.split()
            while words and words[0].lower().rstrip(".") in _TITLES | _CUES:
                words = words[1:]
            if words:
                plain.update({" ".join(words), f"{words[0]} {words[-1]}"})
                titled.update({" ".join(words), f"{words[0]} {words[-1]}", words[0], words[-1]})
                staff.update(w.lower() for w in words if len(w) > 1)
        self._staff = frozenset(staff - self._stop)
        self._extra = None
        if plain:
            titles = "|".join(sorted(_TITLES | {"sister", "nurse", "midwife"}))
            after_title = rf"(?:{titles})\.?\s+(?P<t>{_alternation(titled)})"
            self._extra = re.compile(
                rf"(?<!\w)(?:{after_title}|(?P<p>{_alternation(plain)}))(?!\w)", re.IGNORECASE
            )

    def redact(self, text: str) -> str:
        """Redact until nothing changes, so that redacting again is a no-op."""
        for _ in range(8):  # each pass that changes the text replaces text by placeholders
            text, before = self._redact_once(text), text
            if text == before:
                break
        return text

    def _redact_once(self, text: str) -> str:
        spans: list[tuple[int, int, str]] = []  # sorted, never overlapping
        for kind, found in (
            ("email", ((m.start(), m.end()) for m in _EMAIL.finditer(text))),
            ("url", self._urls(text)),
            ("nhs_number", self._nhs(text)),
            ("date", self._dates(text)),
            ("phone", self._phones(text)),
            ("postcode", self._postcodes(text)),
            ("address", self._addresses(text)),
            ("handle", self._handles(text)),
            ("name", self._names(text)),
        ):
            for start, end in found:
                i = bisect.bisect_left(spans, (start, end))
                free_before = i == 0 or spans[i - 1][1] <= start
                if start < end and free_before and (i == len(spans) or end <= spans[i][0]):
                    spans.insert(i, (start, end, kind))
        out: list[str] = []
        pos = 0
        for start, end, kind in spans:
            out += [text[pos:start], PLACEHOLDERS[kind]]
            pos = end
        out.append(text[pos:])
        return "".join(out)

    @staticmethod
    def _urls(text: str) -> Iterator[tuple[int, int]]:
        for m in _URL.finditer(text):
            yield m.start(), m.start() + len(m.group().rstrip(".,;:!?)]}'\""))

    @staticmethod
    def _nhs(text: str) -> Iterator[tuple[int, int]]:
        for m in _NHS.finditer(text):
            if is_valid_nhs_number(m.group()):
                yield m.span()

    @staticmethod
    def _dates(text: str) -> Iterator[tuple[int, int]]:
        for pattern in _DATES:
            for m in pattern.finditer(text):
                if "may" in m.group() and not _SURE_DATE.search(m.group()):
                    continue  # "the other 2 may need it" (but "2nd may", "May 2")
                if pattern.groups == 4:  # 12/03/2024: day and month in either order
                    a, b = int(m.group(1)), int(m.group(3))
                    if not (1 <= a <= 31 and 1 <= b <= 31 and min(a, b) <= 12):
                        continue
                yield m.span()

    @staticmethod
    def _phones(text: str) -> Iterator[tuple[int, int]]:
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

    @staticmethod
    def _postcodes(text: str) -> Iterator[tuple[int, int]]:
        for m in _POSTCODE.finditer(text):
            inward = m.group()[-3:]
            if not (inward.islower() and inward[1:] in ("st", "nd", "rd", "th")):
                yield m.span()

    @staticmethod
    def _addresses(text: str) -> Iterator[tuple[int, int]]:
        for m in _ADDRESS.finditer(text):
            before = text[: m.start()].split()[-1:]  # "ward 21 green team": a ward, not a street
            if before and before[0].lower().strip(".,:") in _NOT_BEFORE_ADDRESS:
                continue
            if not any(w.lower().strip(".,") in _NOT_ADDRESS for w in m.group("words").split()):
                yield m.span()

    @staticmethod
    def _handles(text: str) -> Iterator[tuple[int, int]]:
        for m in _HANDLE.finditer(text):
            if not _NOT_HANDLE.fullmatch(m.group().lower()):
                yield m.span()

    def _names(self, text: str) -> Iterator[tuple[int, int]]:
        if self._extra is not None:
            yield from (m.span(m.lastgroup or 0) for m in self._extra.finditer(text))
        words = [m for m in _WORD.finditer(text) if not m.group().startswith("[")]
        title_case = sum(w.group()[:1].isupper() for w in words) > max(3, len(words) // 2)
        i = 0
        while i < len(words):
            if not self._starts_name(text, words, i, title_case):
                i += 1
                continue
            j = i + 1
            while (
                j < len(words)
                and j - i < 3
                and not text[words[j - 1].end() : words[j].start()].strip()
                and self._continues_name(words[j].group(), title_case)
            ):
                j += 1
            end = words[j - 1].end()
            if _POSSESSIVE.search(words[j - 1].group()):
                end -= 2
            yield words[i].start(), end
            i = j

    def _known(self, lower: str) -> bool:
        if lower in self._stop:
            return False
        if lower in self._first or lower in self._staff:
            return True
        parts = lower.split("-")  # "amelia-rose", "grace-may" but not "well-being"
        return len(parts) > 1 and (parts[0] in self._first or set(parts) <= self._any_first)

    def _looks_like_name(self, word: str, title_case: bool) -> bool:
        core = _POSSESSIVE.sub("", word)  # "Kwame", not "KWAME" nor "The" in Title Case Text
        capitalised = core[:1].isupper() and not core.isupper()
        return capitalised and not title_case and core.lower() not in self._stop

    def _starts_name(self, text: str, words: list[re.Match[str]], i: int, title_case: bool) -> bool:
        word = words[i].group()
        lower = _core(word)
        if self._known(lower):
            return True
        if self._before_role(text, words, i):
            return lower not in _NOT_BEFORE_ROLE and (
                lower in self._any_first or self._could_be_name(word, title_case)
            )
        if i == 0 or text[words[i - 1].end() : words[i].start()].strip(" .") != "":
            return False
        prev = words[i - 1].group().lower()
        prev2 = words[i - 2].group().lower() if i > 1 else ""
        if prev in _TITLES and lower not in _NOT_AFTER_TITLE:
            if word[:1].isupper() and (prev != "miss" or lower not in self._stop):
                return True  # "Dr Hope", "Mrs Young"
            return lower in self._last and lower not in self._stop  # "dr patel"
        if (prev, prev2) in _CUE_PAIRS:
            return self._looks_like_name(word, title_case) or lower in self._last
        return prev in _CUES and self._looks_like_name(word, title_case)

    @staticmethod
    def _before_role(text: str, words: list[re.Match[str]], i: int) -> bool:
        """Followed by "the <role>", the role within three words: "Dean, the night porter"."""
        if i + 2 >= len(words) or words[i + 1].group().lower() != "the":
            return False
        if text[words[i].end() : words[i + 1].start()].strip(" ,") != "":
            return False
        for k in range(i + 2, min(i + 5, len(words))):
            if text[words[k - 1].end() : words[k].start()] != " ":
                return False
            lower = words[k].group().lower()
            if lower in _ROLES:
                return True
            if lower in _NOT_AFTER_TITLE:
                return False
        return False

    def _could_be_name(self, word: str, title_case: bool) -> bool:
        """Capitalised, not a stop-word, and not shaped like an adverb or a verb ("Luckily")."""
        lower = _core(word)
        return self._looks_like_name(word, title_case) and not lower.endswith(("ly", "ed", "ing"))

    def _continues_name(self, word: str, title_case: bool) -> bool:
        lower = _core(word)
        if len(lower) == 1:  # an initial ("gemma h"), but not "a", "i", "x" or "u r"
            return lower not in "abciknruxy"
        if lower in self._stop:
            return False
        return self._known(lower) or lower in self._last or self._looks_like_name(word, title_case)


@functools.lru_cache(maxsize=8)
def redactor_for(extra_names: tuple[str, ...]) -> Redactor:
    """A shared Redactor for these staff names (building one takes a few hundred ms)."""
    return Redactor(extra_names)


def redact(text: str, extra_names: Sequence[str] = ()) -> str:
    """Redact `text` with a cached Redactor for these `extra_names`."""
    return redactor_for(tuple(extra_names)).redact(text)
