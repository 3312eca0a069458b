"""Benchmark bot.privacy.redact over the labelled sets, against a trivial baseline run alongside.

For each set (tests/data/redaction_corpus.yaml, redaction_corpus_west_midlands.yaml of issue 26,
and redaction_checks_after.yaml, written after its changes): the time per sentence, recall per
kind and, for names, per community, each token of a name scored on its own (a surname left behind
is a miss), a detail found only when a placeholder of its kind covers every letter and digit of
it; the clean sentences left unchanged; and every miss. The tests hold the same sets to their
targets. Run from the repository root: ``python -m bench.redact_bench`` (``--quiet``: no misses,
no construction figures).
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

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
CORPUS_PATH = DATA / "redaction_corpus.yaml"
# Written for issue 26 before the redactor was changed: names of the communities the service
# serves, hospital numbers, car registrations, obfuscated emails, flats and house names; clean
# sentences with medical eponyms, local places and words that are also names.
WEST_MIDLANDS_PATH = DATA / "redaction_corpus_west_midlands.yaml"
# Sentences written after those changes, to check them on text they were not made against.
CHECKS_AFTER_PATH = DATA / "redaction_checks_after.yaml"
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
# The West Midlands set (issue 26): every kind at 0.95, clean sentences unchanged at 0.99.
WEST_MIDLANDS_RECALL = 0.95
WEST_MIDLANDS_UNCHANGED = 0.99


def placeholder(kind: str) -> str:
    """The placeholder of a kind, also for a kind the redactor does not know (yet)."""
    return PLACEHOLDERS.get(kind, f"[{kind.replace('_', ' ')}]")


def _replaced(text: str, out: str, kinds: set[str]) -> list[tuple[int, int, str]]:
    """The spans of `text` that `out` replaced, each with its placeholder: `out` is `text` with
    some spans replaced by placeholders, so the pieces between them align with `text`."""
    known = {placeholder(k) for k in kinds} | set(PLACEHOLDERS.values())
    parts = re.split(f"({'|'.join(map(re.escape, known))})", out)
    pattern = "".join(re.escape(p) if i % 2 == 0 else "(.+?)" for i, p in enumerate(parts))
    m = re.fullmatch(pattern, text, re.DOTALL)
    if m is None:  # not derived from the text: count nothing as replaced
        return []
    return [(m.start(g), m.end(g), parts[2 * g - 1]) for g in range(1, len(parts) // 2 + 1)]


def _apply(text: str, spans: list[tuple[int, int, str]]) -> str:
    out, pos = [], 0
    for start, end, kind in spans:
        out += [text[pos:start], PLACEHOLDERS[kind]]
        pos = end
    return "".join([*out, text[pos:]])


def _pieces(kind: str, item: str) -> list[tuple[int, str]]:
    """Each token of a name on its own ("Karen Smith" is two), any other item whole."""
    if kind != "name":
        return [(0, item)]
    return [(m.start(), m.group()) for m in re.finditer(r"\S+", item)]


def _covered(start: int, piece: str, spans: list[tuple[int, int, str]], want: str) -> bool:
    """Every letter and digit of the piece falls inside a span replaced by `want`."""
    return all(
        any(a <= start + i < b and p == want for a, b, p in spans)
        for i, c in enumerate(piece)
        if c.isalnum()
    )


Scores = dict[str, Any]


def score(redactor: Redactor, corpus: dict[str, Any]) -> Scores:
    """Recall per kind (each token of a name on its own) and per community over the planted
    sentences, and the clean sentences changed."""
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    group_found: Counter[str] = Counter()
    group_total: Counter[str] = Counter()
    misses: list[tuple[str, str, str]] = []
    kinds = {kind for case in corpus["planted"] for kind in case["expect"]}
    for case in corpus["planted"]:
        text = case["text"]
        out = redactor.redact(text)
        # The first pass's own spans when it did all the work; else aligned from the output
        # (a later pass replaced more).
        first = redactor.find(text)
        spans = [(a, b, PLACEHOLDERS[k]) for a, b, k in first]
        if _apply(text, first) != out:
            spans = _replaced(text, out, kinds)
        for kind, items in case["expect"].items():
            for item in items:
                at = text.find(item)
                for offset, piece in _pieces(kind, item):
                    total[kind] += 1
                    hit = _covered(at + offset, piece, spans, placeholder(kind))
                    found[kind] += hit
                    if kind == "name" and "group" in case:
                        group_total[case["group"]] += 1
                        group_found[case["group"]] += hit
                    if not hit:
                        misses.append((kind, piece, out))
    changed = [(s, out) for s in corpus["clean"] if (out := redactor.redact(s)) != s]
    return {
        "found": found,
        "total": total,
        "group_found": group_found,
        "group_total": group_total,
        "misses": misses,
        "changed": changed,
    }


def recall_table(
    scores: Scores, n_clean: int, targets: dict[str, float] | None = None, misses: bool = True
) -> str:
    targets = targets or RECALL_TARGETS
    lines = [f"{'kind':<16}{'found':>7}{'total':>7}{'recall':>8}{'target':>8}"]
    for kind, target in targets.items():
        f, t = scores["found"][kind], scores["total"][kind]
        lines.append(f"{kind:<16}{f:>7}{t:>7}{f / max(t, 1):>8.1%}{target:>8.0%}")
    for group in sorted(scores["group_total"]):
        f, t = scores["group_found"][group], scores["group_total"][group]
        lines.append(f"  name: {group:<14}{f:>5}{t:>7}{f / t:>8.1%}")
    n_changed = len(scores["changed"])
    unchanged = 1 - n_changed / n_clean
    lines.append(f"clean sentences unchanged: {n_clean - n_changed}/{n_clean} ({unchanged:.1%})")
    if misses:
        lines += [f"  miss {kind}: {item!r} -> {out!r}" for kind, item, out in scores["misses"]]
        lines += [f"  changed: {s!r} -> {out!r}" for s, out in scores["changed"]]
    return "\n".join(lines)


def _corpus(path: Path = CORPUS_PATH) -> dict[str, Any]:
    corpus: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return corpus


def west_midlands_targets(corpus: dict[str, Any]) -> dict[str, float]:
    kinds = {kind for case in corpus["planted"] for kind in case["expect"]}
    return {kind: WEST_MIDLANDS_RECALL for kind in sorted(kinds)}


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


def _timed(name: str, corpus: dict[str, Any]) -> None:
    sentences = _sentences(corpus)
    redactor = Redactor(corpus["extra_names"])
    redactor.redact(sentences[0])  # warm up
    baseline = _per_sentence(_baseline, sentences, rounds=50)
    per = _per_sentence(redactor.redact, sentences, rounds=5)
    print(f"\n{name}: {len(sentences)} sentences")
    print(f"baseline (lower + email regex): {baseline * 1e6:.1f} µs/sentence")
    print(f"redact: {per * 1e6:.1f} µs/sentence, {per / baseline:.1f}x baseline")


def main(argv: list[str] | None = None) -> None:
    """``--quiet`` leaves out the misses and the construction figures."""
    quiet = "--quiet" in (sys.argv[1:] if argv is None else argv)
    if not quiet:
        print(construction_table())
    corpus = _corpus()
    _timed(CORPUS_PATH.name, corpus)
    scores = score(Redactor(corpus["extra_names"]), corpus)
    print(recall_table(scores, len(corpus["clean"]), misses=not quiet))
    west = _corpus(WEST_MIDLANDS_PATH)
    _timed(WEST_MIDLANDS_PATH.name, west)
    scores = score(Redactor(west["extra_names"]), west)
    n_clean = len(west["clean"])
    print(recall_table(scores, n_clean, west_midlands_targets(west), misses=not quiet))
    print(f"clean target: {WEST_MIDLANDS_UNCHANGED:.0%} unchanged")
    after = _corpus(CHECKS_AFTER_PATH)
    _timed(CHECKS_AFTER_PATH.name, after)
    scores = score(Redactor(after["extra_names"]), after)
    print(recall_table(scores, len(after["clean"]), west_midlands_targets(after), misses=not quiet))


if __name__ == "__main__":
    main()
