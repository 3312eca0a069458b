"""Offline redaction of personal details from free-text answers, run before anything is stored.

Replaces emails (also "jo at gmail dot com"), UK phone numbers, postcodes, street addresses (flats
and house names too), NHS numbers, hospital numbers, UK car registrations, dates, URLs, @handles
and personal names with placeholders such as ``[email]``, ``[hospital number]``, ``[vehicle]`` and
``[name]``, and leaves the rest of the text as it was. Pure and offline: the shaped details are
found in ``patterns`` (phone numbers by ``phonenumbers``, region "GB"); names from the first/last
name lists in ``name_lists`` (Faker's, US baby names and Census surnames, and lists kept by hand:
see bot/privacy/README.md), filtered by stop-words (common words, maternity words, places, and
the ethnic groups, religions and languages of ``equality_words.txt``), helped by cues such as
"Dr", "midwife", "called" or "Dean the porter", with the phrases of ``kept_phrases.txt`` (Braxton
Hicks, Bishop's Castle) never taken for a name.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator, Sequence

from bot.privacy import patterns
from bot.privacy.name_lists import fold, word_lists
from bot.privacy.patterns import is_valid_nhs_number

__all__ = ["KINDS", "PLACEHOLDERS", "Redactor", "is_valid_nhs_number", "redact"]

KINDS = (
    "email",
    "url",
    "nhs_number",
    "hospital_number",
    "vehicle",
    "date",
    "phone",
    "postcode",
    "address",
    "handle",
    "name",
)
PLACEHOLDERS = {kind: f"[{kind.replace('_', ' ')}]" for kind in KINDS}

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
    law thanks thank hca mcsw student interpreter friend cousin brother mother father aunt auntie
    uncle niece nephew fiance fiancé girlfriend boyfriend matron"""
)
# "Sister Young", "midwife Green": after these, a capitalised surname even when it is a word.
_STAFF_TITLES = _words("sister nurse midwife matron doctor")
# After a cue, a first name that is also a word is a name when a verb or a place follows it: "my
# midwife grace was", "the HCA dawn made", "my dad bill drove"; not "the midwife will come".
_FOLLOWERS = _words(
    """was is did came made took stayed drove looked helped on from in at and who has had gave
    brought explained sorted rang called said cut spoke listened held showed checked visited
    delivered deserves kept told asked arrived went got sat does were are"""
)
_NOT_NAME_AFTER_CUE = _words("will may can must might shall would could should said")
# Cues after which a first name that is a word is a name ("my son mark was"), not "baby walker".
_WORD_NAME_CUES = _CUES - _words("baby thanks thank law")
# Never a name even when capitalised before "on the ward" or a surname: days, months, festivals.
_NEVER = _words(
    """christmas easter eid diwali ramadan new year day days night nights morning evening monday
    tuesday wednesday thursday friday saturday sunday everyone nobody someone everybody"""
)
# Words that follow a name but are surnames in the lists: "sarah too", "jo best midwife".
_NOT_SURNAME = _words(
    """too also again herself himself best great lovely amazing brilliant kind nice fab top all
    both ever every here there home today tonight now later please xx xxx x"""
)
# Surnames that are also the last word of a place's name: "Bridge House", "Coton Hill".
_PLACE_NOUNS = _words(
    """house houses hall court lodge farm mill mills street road lane centre center park green
    hill hills bridge church chapel hospital surgery school college field fields wood woods
    gate gates cross brook well wells castle tower grange manor cottage cottages row way"""
)
# "Becs on the postnatal ward", "Kaz from the breastfeeding group": a name before such a place.
_PLACE_PREPOSITIONS = _words("on from in at")
_HOSPITAL_PLACES = _words(
    """ward wards nights days triage delivery labour postnatal antenatal team unit clinic mlu
    scbu nicu pharmacy group department reception theatre suite centre community lates"""
)
_NOT_AFTER_TITLE = _words("""a an and at for from in is of on or said the to told was who""")
# "Dean the porter", "Harpreet the maternity support worker": a name before "the <role>".
_ROLES = _words(
    """porter porters midwife nurse doctor doc consultant registrar sonographer obstetrician
    paediatrician anaesthetist receptionist cleaner hca mw worker assistant supporter visitor
    student surgeon physio physiotherapist chaplain paramedic volunteer manager matron sister
    housekeeper pharmacist dietitian lady"""
)
# Verbs, interjections and linking words before "the midwife": "Call the midwife", "Sorry the".
_NOT_BEFORE_ROLE = _words(
    """a about after afterwards again against all also although am among an and appreciate are
    around as ask asked at be beat because been before behind believe beside besides between
    beyond blame bless both but by call called can chase cheers classic contact could
    despite did do does employ even except fetch fetched find for found from fund get give
    glad got grateful had has have help helped hire hope hoped how if in including inside
    invite involve is just keep kudos later let like liked listen love loved lucky make may
    meanwhile meet met might miss missed must near next not now of on once only or otherwise
    outside overall page paged past pay phone phoned pity plus praise rang recruit respect
    retain reward ring sack said saw say says see send shall shame should shoutout since so
    sometimes soon sorry support tell text than thank thanked thankful thanks that then
    though through throughout to today told tonight towards train trust twice typical under
    unless unlike until upon value via was watch were what when where whereas which while
    whilst who why will with without would yesterday"""
)
_CUE_PAIRS = {("is", "name"), ("was", "name"), ("to", "thanks"), ("to", "you"), ("to", "out")}
_NOT_BEFORE_PLACE = _NOT_BEFORE_ROLE | _NEVER
# The only words after which a lower-case stop-word may start a name ("dr white", "my midwife
# grace was", "my name is hope"), besides "the" after it ("dean the porter").
_BEFORE_LOWER_NAME = _TITLES | _CUES | _STAFF_TITLES | {prev for prev, _ in _CUE_PAIRS}
_NOT_WORD_NAME = _NOT_NAME_AFTER_CUE | _NEVER | _FOLLOWERS
# A surname that is also a word ("Smith", "Wright") only after a first name or a title, and never
# one of the words that follow a name ("Sarah said", "Jo on nights").
_NEVER_SURNAME = _NOT_BEFORE_ROLE | _NOT_AFTER_TITLE | _ROLES | _NEVER | _FOLLOWERS | _NOT_SURNAME


_NO_FOLD = re.compile("[ąćęłńśźżĄĆĘŁŃŚŹŻăâîșțşţĂÂÎȘȚŞŢ]")


def _core(word: str) -> str:
    """Lower-cased, without "'s"; an Irish fada folded ("Siobhán" is looked up as "siobhan" too,
    since the name lists hold both), but not Polish or Romanian letters: "miła" is no "mila"."""
    core = _POSSESSIVE.sub("", word).lower()
    return core if core.isascii() or _NO_FOLD.search(core) else fold(core)


def _phrase_pattern(phrases: list[str]) -> re.Pattern[str]:
    """Any of `phrases` at a position, spaces and apostrophes as parents type them."""
    alternatives = []
    for phrase in sorted(phrases, key=len, reverse=True):
        escaped = re.escape(phrase).replace(r"\ ", r"\s+").replace("'", "['’]")
        alternatives.append(escaped)
    return re.compile(rf"(?:{'|'.join(alternatives)})(?!\w)", re.IGNORECASE)


@functools.cache
def _kept_patterns() -> dict[str, re.Pattern[str]]:
    """The phrases of kept_phrases.txt by their first word, to try where that word is."""
    by_first: dict[str, list[str]] = {}
    for phrase in word_lists().kept:
        first = _WORD.match(phrase)
        if first is not None:
            by_first.setdefault(first.group().replace("’", "'"), []).append(phrase)
    return {first: _phrase_pattern(phrases) for first, phrases in by_first.items()}


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
        self._any_last = lists.any_last
        self._kept = _kept_patterns()
        self._never_surname = _NEVER_SURNAME
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
        out: list[str] = []
        pos = 0
        for start, end, kind in self.find(text):
            out += [text[pos:start], PLACEHOLDERS[kind]]
            pos = end
        out.append(text[pos:])
        return "".join(out)

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """The spans one pass replaces, sorted and never overlapping: (start, end, kind)."""
        spans: list[tuple[int, int, str]] = []  # sorted, never overlapping
        for kind, found in (
            ("email", patterns.emails(text)),
            ("url", patterns.urls(text)),
            ("nhs_number", patterns.nhs_numbers(text)),
            ("hospital_number", patterns.hospital_numbers(text)),
            ("vehicle", patterns.vehicles(text)),
            ("date", patterns.dates(text)),
            ("phone", patterns.phones(text)),
            ("postcode", patterns.postcodes(text)),
            ("address", self._house_names(text)),  # first: "flat 12 Wrekin Court" whole
            ("address", patterns.addresses(text)),
            ("handle", patterns.handles(text)),
            ("name", self._names(text)),
        ):
            for start, end in found:
                i = bisect.bisect_left(spans, (start, end))
                free_before = i == 0 or spans[i - 1][1] <= start
                if start < end and free_before and (i == len(spans) or end <= spans[i][0]):
                    spans.insert(i, (start, end, kind))
        return spans

    def _house_names(self, text: str) -> Iterator[tuple[int, int]]:
        for start, end in patterns.house_names(text):
            first = _WORD.match(text, start)
            key = first.group().lower().replace("’", "'") if first else ""
            kept = self._kept.get(key)
            if kept is None or not (m := kept.match(text, start)) or m.end() < end:
                yield start, end  # not a place it knows ("Hope House", "Severn Valley")

    def _names(self, text: str) -> Iterator[tuple[int, int]]:
        if self._extra is not None:
            yield from (m.span(m.lastgroup or 0) for m in self._extra.finditer(text))
        words = [m for m in _WORD.finditer(text) if not m.group().startswith("[")]
        title_case = sum(w.group()[:1].isupper() for w in words) > max(3, len(words) // 2)
        kept_end = -1  # the end of a kept phrase ("Braxton Hicks", "Bishop's Castle")
        i = 0
        while i < len(words):
            if words[i].start() < kept_end:
                i += 1
                continue
            key = words[i].group().lower()
            kept = self._kept.get(key.replace("’", "'") if "’" in key else key)
            if kept is not None and (m := kept.match(text, words[i].start())):
                kept_end = m.end()
                i += 1
                continue
            if not self._starts_name(text, words, i, title_case):
                i += 1
                continue
            j = i + 1
            while (
                j < len(words)
                and j - i < 3
                and words[j].start() >= kept_end
                and not text[words[j - 1].end() : words[j].start()].strip()
                and self._continues_name(words[j].group(), title_case, words[j - 1].group())
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
        return len(parts) > 1 and (
            parts[0] in self._first or all(p in self._any_first for p in parts)
        )

    def _surname(self, lower: str, stop_too: bool = False) -> bool:
        """A last name ("o'sullivan" also as "osullivan"), a stop-word too if `stop_too`."""
        names = self._any_last if stop_too else self._last
        return lower in names or ("'" in lower and lower.replace("'", "") in names)

    def _looks_like_name(self, word: str, title_case: bool) -> bool:
        core = _POSSESSIVE.sub("", word)  # "Kwame", not "KWAME" nor "The" in Title Case Text
        capitalised = core[:1].isupper() and not core.isupper()
        return capitalised and not title_case and core.lower() not in self._stop

    def _starts_name(self, text: str, words: list[re.Match[str]], i: int, title_case: bool) -> bool:
        word = words[i].group()
        lower = _core(word)
        if lower in self._stop and not word[:1].isupper():  # most words: "the", "was", "lovely"
            prev_word = words[i - 1].group().lower() if i > 0 else ""
            next_word = words[i + 1].group().lower() if i + 1 < len(words) else ""
            if prev_word not in _BEFORE_LOWER_NAME and next_word != "the":
                return False
        adjacent = i > 0 and text[words[i - 1].end() : words[i].start()].strip(" .") == ""
        prev = words[i - 1].group().lower() if adjacent else ""
        if prev in ("st", "saint"):  # "St John's", "St Martins": a place
            return False
        if self._known(lower):
            return True
        if self._before_role(text, words, i):
            return lower not in _NOT_BEFORE_ROLE and (
                lower in self._any_first or self._could_be_name(word, title_case)
            )
        if self._before_place(text, words, i) and lower not in _NOT_BEFORE_PLACE:
            capitalised = word[:1].isupper() and not title_case
            if self._could_be_name(word, title_case) or (capitalised and lower in self._any_first):
                return True
        if self._pair_of_names(text, words, i, title_case):
            return True  # "Patience Osei", "Jade Stone"
        if not adjacent:
            return False
        prev2 = words[i - 2].group().lower() if i > 1 else ""
        if prev in _TITLES and lower not in _NOT_AFTER_TITLE:
            if word[:1].isupper() and (prev != "miss" or lower not in self._stop):
                return True  # "Dr Hope", "Mrs Young"
            if word[:1].isupper() and self._surname(lower, stop_too=True):
                return True  # "Miss Page"
            if prev == "miss" and lower in self._stop:
                return False  # "i miss green tea"
            return self._surname(lower, stop_too=True) and lower not in self._never_surname
        staff_title = prev in _STAFF_TITLES and word[:1].isupper() and not title_case
        if staff_title and self._surname(lower, stop_too=True) and lower not in self._never_surname:
            return True  # "Sister Young", "midwife Green"
        if (prev, prev2) in _CUE_PAIRS:
            return self._looks_like_name(word, title_case) or lower in self._last
        if self._looks_like_name(word, title_case) and prev in _CUES:
            return True
        if prev in _WORD_NAME_CUES:
            return self._word_name(text, words, i)
        return False

    def _word_name(self, text: str, words: list[re.Match[str]], i: int) -> bool:
        """After a cue, a first name that is also a word, when a verb, a place or the end of the
        sentence follows: "my midwife grace was", "my dad bill drove"."""
        lower = _core(words[i].group())
        if lower not in self._any_first or lower in _NOT_WORD_NAME:
            return False
        if i + 1 == len(words):
            return text[words[i].end() :].strip(" .!,") == ""
        between = text[words[i].end() : words[i + 1].start()]
        return between.strip() in (",", "") and (
            between.strip() == "," or words[i + 1].group().lower() in _FOLLOWERS
        )

    def _pair_of_names(
        self, text: str, words: list[re.Match[str]], i: int, title_case: bool
    ) -> bool:
        """A capitalised first name that is also a word, then a capitalised surname: "Patience
        Osei", "Jade Stone" (but not "Christmas Day")."""
        if title_case or i + 1 >= len(words) or text[words[i].end() : words[i + 1].start()] != " ":
            return False
        word, following = words[i].group(), words[i + 1].group()
        if not (word[:1].isupper() and following[:1].isupper()) or word.isupper():
            return False
        lower, after = _core(word), _core(following)
        if self._could_be_name(word, title_case) and after in self._last:
            # "Rukhsana Begum", "Jodian Spence"; not "Bridge House", "Sutton Hill"
            return lower not in _NOT_BEFORE_ROLE and after not in _PLACE_NOUNS
        return (
            lower in self._any_first
            and lower not in _NOT_BEFORE_PLACE
            and after not in self._never_surname
            and self._surname(after, stop_too=True)
            and (lower not in self._stop or after not in self._stop or after in self._last)
        )

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

    @staticmethod
    def _before_place(text: str, words: list[re.Match[str]], i: int) -> bool:
        """Followed by "on the postnatal ward", "from the feeding team", "in triage"."""
        if i + 2 >= len(words) or words[i + 1].group().lower() not in _PLACE_PREPOSITIONS:
            return False
        if text[words[i].end() : words[i + 1].start()] != " ":
            return False
        for k in range(i + 2, min(i + 5, len(words))):
            lower = words[k].group().lower()
            if lower in _HOSPITAL_PLACES:
                return True
            if lower in _NOT_AFTER_TITLE and lower != "the":
                return False
        return False

    def _could_be_name(self, word: str, title_case: bool) -> bool:
        """Capitalised, not a stop-word, and not shaped like an adverb or a verb ("Luckily")."""
        lower = _core(word)
        return self._looks_like_name(word, title_case) and not lower.endswith(("ly", "ed", "ing"))

    def _continues_name(self, word: str, title_case: bool, before: str) -> bool:
        lower = _core(word)
        if len(lower) == 1:  # an initial ("gemma h"), but not "a", "i", "x" or "u r"
            return lower not in "abciknruxy"
        if lower in self._stop:
            # "Karen Smith", "sophie wood": a surname that is a word, after a name in the same case
            same_case = word[:1].isupper() or not before[:1].isupper()
            return (
                same_case
                and lower not in self._never_surname
                and self._surname(lower, stop_too=True)
            )
        return self._known(lower) or self._surname(lower) or self._looks_like_name(word, title_case)


@functools.lru_cache(maxsize=8)
def redactor_for(extra_names: tuple[str, ...]) -> Redactor:
    """A shared Redactor for these staff names (building one takes a few hundred ms)."""
    return Redactor(extra_names)


def redact(text: str, extra_names: Sequence[str] = ()) -> str:
    """Redact `text` with a cached Redactor for these `extra_names`."""
    return redactor_for(tuple(extra_names)).redact(text)
