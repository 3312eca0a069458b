"""Benchmark bot.redact over the redaction corpus, against a trivial baseline run alongside.

Run from the repository root: ``python -m bench.redact_bench``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from bot.privacy.redact import Redactor

CORPUS_PATH = Path(__file__).resolve().parents[1] / "tests" / "data" / "redaction_corpus.yaml"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def _sentences() -> list[str]:
    corpus = yaml.safe_load(CORPUS_PATH.read_text(encoding="utf-8"))
    return [case["text"] for case in corpus["planted"]] + list(corpus["clean"])


def _per_sentence(fn: Callable[[str], object], sentences: list[str], rounds: int) -> float:
    """Best-of-5 seconds per sentence for `rounds` passes over `sentences`."""
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(rounds):
            for sentence in sentences:
                fn(sentence)
        best = min(best, (time.perf_counter() - start) / (rounds * len(sentences)))
    return best


def _baseline(text: str) -> object:
    return _EMAIL.sub("[email]", text.lower())


def main() -> None:
    sentences = _sentences()
    start = time.perf_counter()
    redactor = Redactor(["Sister Jane Moss", "Dr Patel"])
    built = time.perf_counter() - start
    redactor.redact(sentences[0])  # warm up
    baseline = _per_sentence(_baseline, sentences, rounds=50)
    per = _per_sentence(redactor.redact, sentences, rounds=5)
    print(f"construction: {built * 1e3:.0f} ms; {len(sentences)} sentences")
    print(f"baseline (lower + email regex): {baseline * 1e6:.1f} µs/sentence")
    print(f"redact: {per * 1e6:.1f} µs/sentence, {per / baseline:.1f}x baseline")


if __name__ == "__main__":
    main()
