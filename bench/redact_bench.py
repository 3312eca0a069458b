"""Benchmark bot.redact over the redaction corpus, against a trivial baseline run alongside.

Also prints recall per kind and the clean sentences changed, with every miss, from the same
corpus the tests hold to their targets. Run from the repository root:
``python -m bench.redact_bench``.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from bot.privacy.redact import PLACEHOLDERS, Redactor

CORPUS_PATH = Path(__file__).resolve().parents[1] / "tests" / "data" / "redaction_corpus.yaml"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")

RECALL_TARGETS = {
    "email": 1.0,
    "phone": 1.0,
    "postcode": 1.0,
    "nhs_number": 1.0,
    "name": 0.9,
    "date": 0.9,
    "url": 0.9,
    "handle": 0.9,
}
MAX_FALSE_POSITIVE_RATE = 0.05


def _still_there(item: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(item)}(?!\w)", text, re.IGNORECASE) is not None


Scores = dict[str, Any]


def score(redactor: Redactor, corpus: dict[str, Any]) -> Scores:
    """Recall per kind over the planted sentences and the clean sentences changed."""
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    misses: list[tuple[str, str, str]] = []
    for case in corpus["planted"]:
        out = redactor.redact(case["text"])
        for kind, items in case["expect"].items():
            for item in items:
                total[kind] += 1
                if not _still_there(item, out) and PLACEHOLDERS[kind] in out:
                    found[kind] += 1
                else:
                    misses.append((kind, item, out))
    changed = [(s, out) for s in corpus["clean"] if (out := redactor.redact(s)) != s]
    return {"found": found, "total": total, "misses": misses, "changed": changed}


def recall_table(scores: Scores, n_clean: int) -> str:
    lines = [f"{'kind':<12}{'found':>7}{'total':>7}{'recall':>8}{'target':>8}"]
    for kind, target in RECALL_TARGETS.items():
        f, t = scores["found"][kind], scores["total"][kind]
        lines.append(f"{kind:<12}{f:>7}{t:>7}{f / t:>8.0%}{target:>8.0%}")
    n_changed = len(scores["changed"])
    lines.append(f"clean sentences changed: {n_changed}/{n_clean} ({n_changed / n_clean:.1%})")
    lines += [f"  miss {kind}: {item!r} -> {out!r}" for kind, item, out in scores["misses"]]
    lines += [f"  changed: {s!r} -> {out!r}" for s, out in scores["changed"]]
    return "\n".join(lines)


def _corpus() -> dict[str, Any]:
    corpus: dict[str, Any] = yaml.safe_load(CORPUS_PATH.read_text(encoding="utf-8"))
    return corpus


def _sentences(corpus: dict[str, Any]) -> list[str]:
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
    corpus = _corpus()
    sentences = _sentences(corpus)
    start = time.perf_counter()
    redactor = Redactor(["Sister Jane Moss", "Dr Patel"])
    built = time.perf_counter() - start
    redactor.redact(sentences[0])  # warm up
    baseline = _per_sentence(_baseline, sentences, rounds=50)
    per = _per_sentence(redactor.redact, sentences, rounds=5)
    print(f"construction: {built * 1e3:.0f} ms; {len(sentences)} sentences")
    print(f"baseline (lower + email regex): {baseline * 1e6:.1f} µs/sentence")
    print(f"redact: {per * 1e6:.1f} µs/sentence, {per / baseline:.1f}x baseline")
    print(recall_table(score(Redactor(corpus["extra_names"]), corpus), len(corpus["clean"])))


if __name__ == "__main__":
    main()
