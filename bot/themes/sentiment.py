"""A comment's sentiment: positive, negative, mixed (praise and criticism both) or neutral.

Two small linear models read the comment's words: one weighs the signs of criticism, the other
the signs of praise; a comment with both is mixed, with neither neutral. They were trained by
`python -m bench.themes_sentiment --nhs PATH` on the public NHS FFT comments (labelled by NHS
England's analysts) and on half the maternity set, and are read here from a table
(`sentiment.tsv`: word, weight of criticism, weight of praise) without scikit-learn. Rules, as
data, come first and last:
- negation: the three words after "not", "no", "never", "nie", "nikt" … are read as negated
  ("not kind" is not "kind"), in training as here;
- an answer that says nothing ("nothing", "n/a", "nic", "brak") is neutral;
- a word of plain criticism ("rude", "niemiła") is criticism whatever the models weigh, unless
  a negator comes before it;
- a phrase that denies criticism ("could not fault", "no complaints", "bez zarzutu") cancels the
  criticism the models find in it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from itertools import pairwise
from typing import Literal

from bot.themes.forms import stem, words
from bot.words import plain

Sentiment = Literal["positive", "negative", "mixed", "neutral"]

#: Words that negate the next NEGATION_SCOPE words (folded).
NEGATORS = frozenset(
    {
        "not", "no", "never", "nothing", "nobody", "none", "neither", "nor", "cannot", "cant",
        "can't", "couldnt", "couldn't", "didnt", "didn't", "dont", "don't", "doesnt", "doesn't",
        "wasnt", "wasn't", "werent", "weren't", "wont", "won't", "isnt", "isn't", "arent",
        "aren't", "havent", "haven't", "hadnt", "hadn't", "wouldnt", "wouldn't", "shouldnt",
        "shouldn't", "without",
        "nie", "nikt", "nic", "nigdy", "zadnego", "zadnej", "zaden", "brak", "bez", "ani",
    }
)  # fmt: skip
NEGATION_SCOPE = 3

#: Whole answers that say nothing, folded, after dropping punctuation.
SAYS_NOTHING = frozenset(
    {
        "nothing", "no", "none", "na", "n a", "nope", "not really", "nothing else",
        "nothing else to add", "nothing to add", "no thanks", "no thank you", "nil", "-",
        "nic", "nie", "brak", "nic wiecej", "nie mam nic do dodania", "nie dziekuje",
        "nie wiem", "dont know", "don't know",
    }
)  # fmt: skip

#: Phrases that deny criticism: what the criticism model finds in them is cancelled (folded).
NO_CRITICISM: tuple[str, ...] = (
    "could not fault", "couldnt fault", "couldn't fault", "cant fault", "can't fault",
    "cannot fault", "no complaints", "nothing to improve", "nothing could be better",
    "nothing it was perfect", "nothing, it was perfect", "not rude", "nothing to complain",
    "bez zarzutu", "nie mam zastrzezen", "nie mam zadnych zastrzezen", "nic bym nie zmienila",
    "wcale nie byla niemila", "nie bylo zle",
)  # fmt: skip


@lru_cache(maxsize=200_000)
def _read(word: str) -> tuple[str, str]:
    """A word folded, and folded with its ending off."""
    folded = plain(word)
    return folded, (stem(folded) or "~" + folded)[1:]


#: Words that are criticism whatever the models weigh, unless negated ("not rude").
CRITICAL_WORDS: tuple[str, ...] = (
    "rude", "rudeness", "awful", "horrible", "terrible", "appalling", "disgusting", "dirty",
    "filthy", "unkind", "uncaring", "unfriendly", "dismissive", "dismissed", "ignored",
    "unprofessional", "disrespectful", "judged", "patronising", "condescending", "shocking",
    "niemiła", "niemiły", "niemili", "opryskliwa", "nieuprzejma", "okropne", "okropnie",
    "brudna", "brudno", "zignorowali", "zlekceważyli", "chamska", "koszmar", "niesmaczne",
)  # fmt: skip


def features(text: str) -> list[str]:
    """The words of a comment (folded, endings off), those after a negator marked `not_`, and
    each pair of neighbouring words."""
    return _features([_read(word) for word in words(text)])


def _features(read: list[tuple[str, str]]) -> list[str]:
    out: list[str] = []
    scope = 0
    for folded, base in read:
        if folded in NEGATORS:
            out.append(folded)
            scope = NEGATION_SCOPE
            continue
        out.append("not_" + base if scope > 0 else base)
        scope -= 1
    return out + [f"{a} {b}" for a, b in pairwise(out)]


@dataclass(frozen=True)
class Model:
    weights: Mapping[str, tuple[float, float]]  # feature -> (criticism, praise)
    intercepts: tuple[float, float]
    thresholds: tuple[float, float]

    def probabilities(self, text: str) -> tuple[float, float]:
        """How likely the comment holds criticism, and praise (0 to 1 each)."""
        return self._probabilities(features(text))

    def _probabilities(self, found: list[str]) -> tuple[float, float]:
        z = list(self.intercepts)
        for feature in set(found):
            w = self.weights.get(feature)
            if w is not None:
                z[0] += w[0]
                z[1] += w[1]
        return _logistic(z[0]), _logistic(z[1])

    @classmethod
    def parse(cls, table: str) -> Model:
        """`# intercepts A B`, `# thresholds A B`, then `feature<TAB>criticism<TAB>praise`."""
        head: dict[str, tuple[float, float]] = {}
        weights: dict[str, tuple[float, float]] = {}
        for line in table.splitlines():
            if line.startswith("# "):
                name, a, b = line[2:].split(" ")
                head[name] = (float(a), float(b))
            elif line:
                feature, a, b = line.split("\t")
                weights[feature] = (float(a), float(b))
        return cls(weights, head["intercepts"], head["thresholds"])

    def table(self) -> str:
        lines = [
            f"# intercepts {self.intercepts[0]!r} {self.intercepts[1]!r}",
            f"# thresholds {self.thresholds[0]!r} {self.thresholds[1]!r}",
        ]
        lines += [f"{f}\t{a:.4g}\t{b:.4g}" for f, (a, b) in sorted(self.weights.items())]
        return "\n".join(lines) + "\n"


def _logistic(z: float) -> float:
    return 1 / (1 + math.exp(-z)) if z > -700 else 0.0


def judge(model: Model, text: str) -> Sentiment:
    """The rules around the models' two readings."""
    read = [_read(word) for word in words(text)]
    said = " ".join(folded for folded, _ in read)
    if not said or said in SAYS_NOTHING:
        return "neutral"
    found = _features(read)
    criticism, praise = model._probabilities(found)
    critical = criticism >= model.thresholds[0]
    if not critical and any(feature in _CRITICAL for feature in found):
        # A plain word of criticism the models missed: praise must be clear to make it mixed.
        critical, praise = True, praise if praise >= FORCED_PRAISE else 0.0
    if critical and any(phrase in said for phrase in _NO_CRITICISM):
        critical, praise = False, max(praise, model.thresholds[1])
    praising = praise >= model.thresholds[1]
    if critical and praising:
        return "mixed"
    return "negative" if critical else "positive" if praising else "neutral"


FORCED_PRAISE = 0.85
_CRITICAL = frozenset(_read(word)[1] for word in CRITICAL_WORDS)
_NO_CRITICISM = tuple(" ".join(plain(w) for w in words(p)) for p in NO_CRITICISM)


@cache
def shipped_model() -> Model:
    """The trained model, as shipped (read once a process)."""
    table = resources.files("bot.themes").joinpath("sentiment.tsv").read_text(encoding="utf-8")
    return Model.parse(table)


def sentiment_of(text: str) -> Sentiment:
    """A comment's sentiment by the shipped model and the rules."""
    return judge(shipped_model(), text)
