"""The second reader of every message: a linear model over the message's letter sequences (2 to 5
letters inside each word, as scikit-learn's `TfidfVectorizer(analyzer="char_wb")` makes them),
trained on the labelled sets in tests/data/safeguarding by `python -m bench.safety_model`.

It catches danger said in words the lists do not hold ("the world would be better without me"),
because it weighs the pieces of words that danger is told in. It is read here without
scikit-learn: the weights are a table (`model.tsv`: letters, idf, weight), and a test checks that
this reading gives scikit-learn's own probabilities. Pure, but for reading its own table once.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from bot.words import plain

SIZES = (2, 5)  # shortest and longest letter sequence
WORDS_FROM = 3  # words with letters a message needs before the model reads it


def pieces(text: str) -> Iterator[str]:
    """Letter sequences inside each word, the word padded with a space each side."""
    low, high = SIZES
    for word in plain(text).split():
        padded = f" {word} "
        for n in range(low, high + 1):
            if len(padded) <= n:  # a short word counts once, whole
                yield padded
                break
            for start in range(len(padded) - n + 1):
                yield padded[start : start + n]


def reads(text: str) -> bool:
    """Whether a message has words enough for the model to weigh."""
    return sum(any(c.isalpha() for c in word) for word in text.split()) >= WORDS_FROM


@dataclass(frozen=True)
class Model:
    weights: Mapping[str, tuple[float, float]]  # letters -> (idf, weight)
    intercept: float
    threshold: float  # probability from which a message signposts

    def probability(self, text: str) -> float:
        """How likely the model finds it that `text` tells of danger now (0 to 1). A message of
        fewer than three words ("3", "nie mam") is left to the lists: a few letters are too
        little to weigh."""
        if not reads(text):
            return 0.0
        counts = Counter(piece for piece in pieces(text) if piece in self.weights)
        scaled = {piece: (1 + math.log(n)) * self.weights[piece][0] for piece, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in scaled.values())) or 1.0
        z = self.intercept + sum(v / norm * self.weights[p][1] for p, v in scaled.items())
        return 1 / (1 + math.exp(-z)) if z > -700 else 0.0

    def __call__(self, text: str) -> bool:
        return self.probability(text) >= self.threshold

    @classmethod
    def parse(cls, table: str) -> Model:
        """`# threshold T`, `# intercept B`, then one `letters<TAB>idf<TAB>weight` a line."""
        head: dict[str, float] = {}
        weights: dict[str, tuple[float, float]] = {}
        for line in table.splitlines():
            if line.startswith("# "):
                name, _, value = line[2:].partition(" ")
                head[name] = float(value)
            elif line:
                letters, idf, weight = line.split("\t")
                weights[letters] = (float(idf), float(weight))
        return cls(weights, head["intercept"], head["threshold"])

    def table(self) -> str:
        lines = [f"# threshold {self.threshold!r}", f"# intercept {self.intercept!r}"]
        lines += [f"{p}\t{idf:.6g}\t{w:.6g}" for p, (idf, w) in sorted(self.weights.items())]
        return "\n".join(lines) + "\n"


@cache
def shipped_model() -> Model:
    """The model trained on the labelled sets, as shipped with the bot (read once a process)."""
    table = resources.files("bot.safety").joinpath("model.tsv").read_text(encoding="utf-8")
    return Model.parse(table)
