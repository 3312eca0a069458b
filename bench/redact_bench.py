"""Benchmark bot.redact over the redaction corpus, against a trivial baseline run alongside.

Also prints recall per kind and the clean sentences changed, with every miss, from the same
corpus the tests hold to their targets. Run from the repository root:
``python -m bench.redact_bench``.
"""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
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
    "address": 0.9,
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


# Run in a fresh interpreter, so that imports and caches count as they do at the bot's start-up:
# once untraced for the time, once under tracemalloc for the memory (tracing slows building).
_BUILD = """
import json, resource, sys, time, tracemalloc
trace = sys.argv[1] == "trace"
if trace:
    tracemalloc.start()
start = time.perf_counter()
{setup}
built = time.perf_counter() - start
retained, peak = tracemalloc.get_traced_memory()
start = time.perf_counter()
{setup}
again = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux
json.dump(dict(built=built, again=again, peak=peak, retained=retained, rss=rss), sys.stdout)
"""
_REDACTOR = (
    "from bot.privacy.redact import Redactor; r = Redactor(['Sister Jane Moss', 'Dr Patel'])"
)
# The floor: what any word-list redactor does at least, read its stop-words into a frozenset.
_FLOOR = (
    "from importlib import resources; r = frozenset(resources.files('bot.privacy')"
    ".joinpath('redact_words.txt').read_text(encoding='utf-8').split())"
)
_FIGURES = (
    ("built", "first build", 1e3, "ms"),
    ("again", "another build", 1e3, "ms"),
    ("peak", "peak memory", 1e-6, "MB"),
    ("retained", "memory kept", 1e-6, "MB"),
    ("rss", "peak RSS", 1e-6, "MB"),
)


def _build_runs(setup: str, runs: int) -> dict[str, list[float]]:
    code = _BUILD.format(setup=setup)
    out: dict[str, list[float]] = {key: [] for key, *_ in _FIGURES}
    for mode in ["time"] * runs + ["trace"] * runs:
        argv = [sys.executable, "-c", code, mode]
        figures = json.loads(subprocess.run(argv, check=True, capture_output=True).stdout)
        for key in ("built", "again", "rss") if mode == "time" else ("peak", "retained"):
            out[key].append(figures[key])
    return out


def _spread(values: list[float], scale: float, unit: str) -> str:
    lo, mid, hi = min(values), statistics.median(values), max(values)
    return f"{lo * scale:.1f} / {mid * scale:.1f} / {hi * scale:.1f} {unit}"


def construction_table(runs: int = 3) -> str:
    """Building a Redactor in a fresh process: time and tracemalloc memory, against the floor."""
    ours, floor = _build_runs(_REDACTOR, runs), _build_runs(_FLOOR, runs)
    lines = [f"construction in a fresh process, min / median / max of {runs} runs:"]
    for key, label, scale, unit in _FIGURES:
        ratio = statistics.median(ours[key]) / max(statistics.median(floor[key]), 1e-9)
        lines.append(
            f"  {label:<14}{_spread(ours[key], scale, unit):>26}"
            f"   floor {_spread(floor[key], scale, unit):<24} {ratio:>8,.1f}x floor"
        )
    return "\n".join(lines)


def main() -> None:
    corpus = _corpus()
    sentences = _sentences(corpus)
    print(construction_table())
    redactor = Redactor(["Sister Jane Moss", "Dr Patel"])
    redactor.redact(sentences[0])  # warm up
    baseline = _per_sentence(_baseline, sentences, rounds=50)
    per = _per_sentence(redactor.redact, sentences, rounds=5)
    print(f"{len(sentences)} sentences")
    print(f"baseline (lower + email regex): {baseline * 1e6:.1f} µs/sentence")
    print(f"redact: {per * 1e6:.1f} µs/sentence, {per / baseline:.1f}x baseline")
    print(recall_table(score(Redactor(corpus["extra_names"]), corpus), len(corpus["clean"])))


if __name__ == "__main__":
    main()
