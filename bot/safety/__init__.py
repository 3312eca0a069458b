"""Words that suggest a parent, their baby or someone with them may be in danger now, in every
language the bot ships (one file each: `en.py`, `pl.py`), and the test a message is put to.

The chat is not monitored, so the engine answers such words at once with signposting (999,
NHS 111, the helplines, "call your midwife now"). Every message is checked against every
language's lists, whatever language the parent chose. A message signposts when it holds:

1. one of the `phrases`, which are danger wherever they stand ("kill myself", "bije mnie",
   "baby ... not moving");
2. one of the red-flag `words` ("bleeding", "waters", "krwawienie") near a word that says it is
   happening now (`now`: "today", "since", "still", "od rana"; two or more exclamation marks
   count too), unless the now-word stands in a sentence that tells how it ended well
   (`settled`: "fine now", "turned out", "teraz czuję się dobrze"; a clause after "but" or
   "ale" is a sentence of its own here): feedback about a finished
   event ("I had a bleed at 20 weeks and the hub saw me") does not signpost, "bleeding since
   this morning" does;
3. a red-flag word anywhere in a message that asks what to do (`asking`: "what do i do",
   "should i go in", "co mam robić");
4. a red-flag word, or one of the `alone` words ("help", "pomocy"), in a message of at most
   four words that tells of nothing settled: a cry for help is short ("bleeding", "krwawię!!");
5. a reading a parent took herself, in a message that tells of nothing settled: a blood pressure
   of 150/100 or more ("160/105", "160 na 105") or a temperature of 38.0 or more, or 35.9 or
   less, in a message about a temperature ("temp 38,9", "temperatura 35,4 u noworodka").

Words that only look alarming are read as no words at all (`idioms`: "hit the roof", "bleeding
money", "można się było udusić"), and the model does not signpost a message that tells how it
ended well ("settled") unless it is nearly sure.

Each entry is written as staff would write it, one per line:
- words, in any case, with or without accents: `krwawię` also finds "krwawie", "KRWAWIĘ";
- a word ending in `*` stands for any ending: `krwaw*` finds "krwawię", "krwawienie";
- `...` between words lets up to three other words come between: `baby ... not moving` finds
  "the baby is still not moving";
- `#` stands for any number: `# tydzień` finds "34 tydzień", `temp of #` finds "temp of 38.9";
  weeks and days of pregnancy as midwives write them ("30+4") read as `# tc` before 37 weeks;
- English short forms are read in full, with or without the apostrophe: "isn't", "isnt" and
  "is not" are the same, "I'm" and "im" are "I am", "can't" and "cannot" are "can not";
- a red-flag word is also found with one letter wrong, missing, added or swapped after its
  first three letters, when it has seven letters or more, or six before its `*` ("haemorrage"
  for `haemorrhag*`): a frightened parent types fast. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from functools import lru_cache
from types import ModuleType

from bot.safety import en, pl
from bot.safety.model import Model, shipped_model
from bot.words import plain

#: The phrases shipped with the bot, by language.
SHIPPED: dict[str, ModuleType] = {"en": en, "pl": pl}

GAP = "..."
NUMBER = "#"  # any number: `# weeks pregnant`
MAX_GAP = 3  # other words `...` lets in between
MODEL_SETTLED = 0.9  # the model's probability a message that tells how it ended well needs
SHORT = 4  # words in a message short enough for a red-flag word alone to signpost
NEAR = 8  # words between a red-flag word and a now-word that still count as near
TYPO_STEM = 6  # letters before a red-flag word's `*` for one typing mistake to be forgiven
TYPO_WORD = 7  # letters a whole red-flag word needs for the same
BREAK = "."  # where one sentence ends: no phrase reaches across it
URGENT = "!!"  # two or more exclamation marks: a now-word in every language
_WORD = re.compile(r"\d+(?:[.,]\d+)?|\w+|[.!?;\n]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_GESTATION = re.compile(r"\b(\d{1,2}) ?\+ ?[0-6]\b")  # "30+4": 30 weeks and 4 days
TERM = 37  # weeks of pregnancy from which a birth is not early
_PRESSURE = re.compile(r"\b(\d{2,3}) ?(?:/|na|over) ?(\d{2,3})\b")
_TEMPERATURE = re.compile(r"\b(3[3-9]|4[0-2])[.,](\d)\b(?! ?(?:w|tc|tyg|tydz))")  # not "35.5 weeks"
_FEVER = re.compile(r"temp|gorac|fever|°")  # a message about a temperature, folded
_APOSTROPHE = (
    (
        re.compile(r"\b(can|won|shan)'t\b"),
        lambda m: {"can": "can", "won": "will"}.get(m[1], "shall") + " not",
    ),
    (re.compile(r"n't\b"), lambda m: " not"),
    (re.compile(r"'m\b"), lambda m: " am"),
    (re.compile(r"'re\b"), lambda m: " are"),
    (re.compile(r"'ve\b"), lambda m: " have"),
    (re.compile(r"'ll\b"), lambda m: " will"),
    (re.compile(r"'d\b"), lambda m: " would"),
    (re.compile(r"'s\b"), lambda m: " is"),
)


class PhraseError(ValueError):
    """An entry staff wrote that cannot be read; the message says why and how to fix it."""

    def __init__(self, text: str, problem: str) -> None:
        super().__init__(f"{text!r}: {problem}")
        self.text = text


def words_of(text: str) -> list[str]:
    """A message as the words phrases are matched against: folded, short forms read in full."""
    folded = _GESTATION.sub(_gestation, plain(text))
    for pattern, full in _APOSTROPHE:
        folded = pattern.sub(full, folded)
    out: list[str] = []
    for word in _WORD.findall(folded.replace("'", "")):
        if not word[0].isalnum() and word[0] != "_":
            if word.count("!") > 1:
                out.append(URGENT)
            if out and out[-1] != BREAK:
                out.append(BREAK)
            continue
        out.extend(_FULL.get(word, (word,)))
    return out


def _gestation(match: re.Match[str]) -> str:
    """Weeks and days of pregnancy ("30+4"): before term, a now-word (`# tc`)."""
    return f"{match[1]} tc" if int(match[1]) < TERM else match[1]


def _full_forms() -> dict[str, tuple[str, ...]]:
    forms: dict[str, tuple[str, ...]] = {}
    for module in SHIPPED.values():
        for short, full in getattr(module, "SHORT_FORMS", {}).items():
            forms[plain(short)] = tuple(plain(full).split())
    return forms


_FULL = _full_forms()


@dataclass(frozen=True)
class Phrase:
    """One entry, compiled: its words (`*` kept as a prefix mark) and where gaps may come."""

    text: str
    parts: tuple[str, ...]

    @classmethod
    def read(cls, text: str) -> Phrase:
        raw = text.replace("…", f" {GAP} ").split()
        if not raw or all(t == GAP for t in raw):
            raise PhraseError(text, "has no words")
        if raw[0] == GAP or raw[-1] == GAP:
            raise PhraseError(text, "'...' goes between two words, not at an end")
        parts: list[str] = []
        for token in raw:
            if token == GAP:
                if parts[-1] == GAP:
                    raise PhraseError(text, "one '...' between two words is enough")
                parts.append(GAP)
                continue
            if token == NUMBER:
                parts.append(NUMBER)
                continue
            star = token.endswith("*")
            words = words_of(token.rstrip("*"))
            if not words or "*" in token.rstrip("*"):
                raise PhraseError(
                    text,
                    f"{token!r} is not a word (use letters, and '*' only at the end of a word "
                    "for any ending)",
                )
            if star and len(words[-1]) < 3:
                raise PhraseError(
                    text,
                    f"{token!r} is too short to take any ending; write at least three letters "
                    "before the '*'",
                )
            parts.extend(words[:-1])
            parts.append(words[-1] + ("*" if star else ""))
        return cls(text, tuple(parts))

    def end(self, words: list[str], start: int, typos: bool = False) -> int | None:
        """Where this phrase, found at `start`, ends (None when it is not there)."""
        return _end(self.parts, 0, words, start, typos)


def _near(word: str, target: str) -> bool:
    """One letter wrong, missing, added, or two swapped (Damerau-Levenshtein distance 1)."""
    if abs(len(word) - len(target)) > 1 or word == target:
        return word == target
    i = 0
    while i < min(len(word), len(target)) and word[i] == target[i]:
        i += 1
    if len(word) == len(target):
        return word[i + 1 :] == target[i + 1 :] or (
            word[i + 2 :] == target[i + 2 :] and word[i : i + 2] == target[i : i + 2][::-1]
        )
    longer, shorter = (word, target) if len(word) > len(target) else (target, word)
    return longer[i + 1 :] == shorter[i:]


def _fits(part: str, word: str, typos: bool) -> bool:
    """A word fits an entry's word: the same, any ending after a `*`, or (for a red-flag word)
    one typing mistake after its first three letters in a word at least as long."""
    if part.endswith("*"):
        stem = part[:-1]
        if word.startswith(stem):
            return True
        if not typos or len(stem) < TYPO_STEM or len(word) < len(stem):
            return False
        if word[:3] != stem[:3]:
            return False
        return any(_near(word[:k], stem) for k in (len(stem) - 1, len(stem), len(stem) + 1))
    if word == part:
        return True
    if part == NUMBER:
        return _NUMBER.fullmatch(word) is not None
    return typos and len(part) >= TYPO_WORD and word[:3] == part[:3] and _near(word, part)


def _end(parts: tuple[str, ...], p: int, words: list[str], w: int, typos: bool) -> int | None:
    if p == len(parts):
        return w
    part = parts[p]
    if part == GAP:
        for skip in range(MAX_GAP + 1):
            if BREAK in words[w : w + skip]:
                return None
            found = _end(parts, p + 1, words, w + skip, typos)
            if found is not None:
                return found
        return None
    if w < len(words) and _fits(part, words[w], typos):
        return _end(parts, p + 1, words, w + 1, typos)
    return None


Span = tuple[int, int, Phrase]


class Phrases:
    """Entries indexed by how their first word can be met (the word itself, or its first
    three letters for an ending or a typing mistake), so a message is read once, word by
    word, trying only the entries that could start there."""

    def __init__(self, entries: Iterable[str], typos: bool = False) -> None:
        self.entries = tuple(dict.fromkeys(Phrase.read(e) for e in entries if e.strip()))
        self.typos = typos
        self._by_word: dict[str, list[Phrase]] = {}
        self._by_head: dict[str, list[Phrase]] = {}  # first three letters of a stem or word
        self._numbers: list[Phrase] = []
        for phrase in self.entries:
            first = phrase.parts[0]
            if first == NUMBER:
                self._numbers.append(phrase)
            elif first.endswith("*") or (typos and len(first) >= TYPO_WORD):
                self._by_head.setdefault(first[:3], []).append(phrase)
            else:
                self._by_word.setdefault(first, []).append(phrase)

    def spans(self, words: list[str], first_only: bool = False) -> list[Span]:
        found: list[Span] = []
        for i, word in enumerate(words):
            tried = (
                *self._by_word.get(word, ()),
                *self._by_head.get(word[:3], ()),
                *(self._numbers if word[0].isdigit() else ()),
            )
            for phrase in tried:
                end = phrase.end(words, i, self.typos)
                if end is not None:
                    found.append((i, end, phrase))
                    if first_only:
                        return found
        return found


def _apart(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Words between two spans (0 when they touch or overlap)."""
    return max(0, max(a[0], b[0]) - min(a[1], b[1]))


@dataclass(frozen=True)
class Lists:
    """One language's lists, as written (see the module's docstring)."""

    phrases: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    now: tuple[str, ...] = ()
    settled: tuple[str, ...] = ()
    alone: tuple[str, ...] = ()
    contrast: tuple[str, ...] = ()
    asking: tuple[str, ...] = ()
    idioms: tuple[str, ...] = ()

    def __add__(self, other: Lists) -> Lists:
        return Lists(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


def shipped(language: str) -> Lists:
    """A shipped language's lists, from its module (`PHRASES`, `WORDS`, `NOW` …)."""
    module = SHIPPED[language]
    return Lists(*(tuple(getattr(module, f.name.upper())) for f in fields(Lists)))


class DangerCheck:
    """The test every typed message is put to: the lists, then the model for what they do not
    hold. Build once, call many times; pure."""

    def __init__(self, lists: Lists, model: Model | None = None) -> None:
        self.model = model
        self.phrases = Phrases(lists.phrases)
        self.words = Phrases(lists.words, typos=True)
        self.now = Phrases(lists.now)
        self.settled = Phrases(lists.settled)
        self.asking = Phrases(lists.asking)
        self.alone = Phrases(lists.alone, typos=True)
        self.contrast = frozenset(w for entry in lists.contrast for w in words_of(entry))
        self.idioms = Phrases(lists.idioms)

    def __call__(self, text: str) -> bool:
        return self.found(text) is not None

    def found(self, text: str) -> str | None:
        """Why `text` signposts (the entry or entries, as written), or None: for tests and
        measurement, never logged."""
        return self._listed(text) or self._modelled(text)

    def _modelled(self, text: str) -> str | None:
        if self.model is None:
            return None
        words = self._read(text)
        if "-" in words:  # the model does not weigh words that only look alarming either
            text = " ".join(w for w in words if w not in (BREAK, URGENT, "-"))
        probability = self.model.probability(text)
        needed = self.model.threshold
        if self.settled.spans(words, first_only=True):
            needed = max(needed, MODEL_SETTLED)  # a story that ended well
        return f"model {probability:.2f}" if probability >= needed else None

    def _read(self, text: str) -> list[str]:
        """The message's words, with words that only look alarming blanked out."""
        words = words_of(text)
        for start, end, _ in self.idioms.spans(words):
            words[start:end] = ["-"] * (end - start)
        return words

    def _listed(self, text: str) -> str | None:
        words = self._read(text)
        if hit := self.phrases.spans(words, first_only=True):
            return hit[0][2].text
        flags = self.words.spans(words)
        settled = self.settled.spans(words)
        short = sum(w != BREAK for w in words) <= SHORT
        if short and not settled and (flags or (flags := self.alone.spans(words))):
            return flags[0][2].text
        if not settled and (reading := _reading(plain(text))):
            return reading
        if not flags:
            return None
        if asked := self.asking.spans(words, first_only=True):
            return f"{flags[0][2].text} + {asked[0][2].text}"
        sentence = [0]  # which sentence (or clause after "but") each word is in
        for word in words:
            sentence.append(sentence[-1] + (word == BREAK or word in self.contrast))
        ended = {sentence[start] for start, _, _ in settled}
        nows = [(s, e, n.text) for s, e, n in self.now.spans(words)]
        nows += [(i, i + 1, URGENT) for i, word in enumerate(words) if word == URGENT]
        for start, end, now in nows:
            if sentence[start] in ended:
                continue  # a sentence that tells how it ended well
            for flag in flags:
                if _apart((start, end), flag[:2]) <= NEAR:
                    return f"{flag[2].text} + {now}"
        return None


def _reading(text: str) -> str | None:
    """A blood pressure or temperature a parent read herself that needs care now, or None."""
    for match in _PRESSURE.finditer(text):
        high, low = int(match[1]), int(match[2])
        if 90 <= high <= 260 and 40 <= low <= 160 and low < high and (high >= 150 or low >= 100):
            return f"blood pressure {high}/{low}"
    for match in _TEMPERATURE.finditer(text if _FEVER.search(text) else ""):
        degrees = float(f"{match[1]}.{match[2]}")
        if degrees >= 38.0 or degrees <= 35.9:
            return f"temperature {degrees}"
    return None


def danger_check(extra: Mapping[str, Lists] | None = None, model: bool = True) -> DangerCheck:
    """Every shipped language's lists, plus staff's own (by language), and the shipped model, as
    one test. Raises PhraseError, naming the entry, on one that cannot be read."""
    lists = Lists()
    for language in SHIPPED:
        lists = lists + shipped(language)
    for more in (extra or {}).values():
        lists = lists + more
    return _built(lists, model)


@lru_cache(maxsize=8)
def _built(lists: Lists, model: bool) -> DangerCheck:
    """Compiled once per set of lists: every service of a process shares it (it holds no state)."""
    return DangerCheck(lists, shipped_model() if model else None)


def check_entries(extra: Mapping[str, Lists]) -> None:
    """Read staff's own entries, as `danger_check` would: PhraseError on one that cannot be
    read. Cheap: it compiles nothing else."""
    for lists in extra.values():
        for entries in (getattr(lists, f.name) for f in fields(lists)):
            for entry in entries:
                if entry.strip():
                    Phrase.read(entry)
