"""The labelled comments the theme coder is measured and its sentiment model trained on: the
maternity set in tests/data/themes/ and, when its path is given, the public NHS FFT data
(never committed here: see /work/shared/data/README.md for where it comes from).

Held out, the same way for training and measuring: a fifth of the NHS comments (by a hash of
their Comment ID) and half the maternity set (by a hash of the text) are never trained on.
"""

from __future__ import annotations

import csv
import zlib
from dataclasses import dataclass
from pathlib import Path

from bot.themes.framework import SUBCATEGORIES

ROOT = Path(__file__).resolve().parents[1]
MATERNITY = ROOT / "tests" / "data" / "themes"
CODEBOOK = ROOT / "themes" / "maternity.yaml"
SENTIMENTS = {"pos": "positive", "neg": "negative", "mixed": "mixed", "neutral": "neutral"}


@dataclass(frozen=True)
class Comment:
    key: str
    language: str
    text: str
    question: str
    themes: frozenset[str]  # theme ids (maternity) or framework sub-categories (NHS)
    sentiment: str | None  # positive, negative, mixed, neutral; None when not labelled

    @property
    def held_out(self) -> bool:
        share = 5 if self.key.startswith("nhs:") else 2
        return zlib.crc32(self.key.encode()) % share == 0


def maternity() -> list[Comment]:
    comments = []
    for language in ("en", "pl"):
        path = MATERNITY / f"maternity_{language}.txt"
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            sentiment, themes, question, text = (part.strip() for part in line.split("|", 3))
            ids = frozenset(themes.split()) - {"-"}
            comments.append(
                Comment(f"{language}:{text}", language, text, question, ids, SENTIMENTS[sentiment])
            )
    return comments


def nhs_sentiment(score: str) -> str | None:
    """NHS 1-2 positive, 3 mixed, 4-5 negative; blank not labelled."""
    return {"1": "positive", "2": "positive", "3": "mixed", "4": "negative", "5": "negative"}.get(
        score.strip()
    )


def nhs(path: Path) -> list[Comment]:
    """The NHS comments that were labelled (not 'Labelling not possible', not blank)."""
    comments = []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            text = (row.get("FFT answer") or "").strip()
            if not text or row.get("Labelling not possible") == "1":
                continue
            themes = frozenset(s for s in SUBCATEGORIES if row.get(s) == "1")
            comments.append(
                Comment(
                    "nhs:" + row["Comment ID"], "en", text, row["FFT question"], themes,
                    nhs_sentiment(row.get("Comment sentiment") or ""),
                )
            )  # fmt: skip
    return comments
