"""Checking questionnaire YAML: the shipped flows, and a corpus of hostile documents.

For each: min/median/max of 3 runs, the slowest single document and the tracemalloc peak. The
hostile documents are written to files, so the file reader is timed too. Run from the repository
root: ``python -m bench.yaml_bench`` (or ``make bench`` for everything).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import yaml

from bot.questionnaire.check import check_file
from bot.questionnaire.loader import MAX_BYTES

ROOT = Path(__file__).resolve().parents[1]
FLOWS = sorted((ROOT / "flows").glob("*.yaml"))
RUNS = 3

VALID = (ROOT / "flows" / "community_hub.yaml").read_text(encoding="utf-8")


def _laughs(levels: int, width: int) -> str:
    lines = ["a0: &a0 lol"]
    for n in range(1, levels + 1):
        lines.append(f"a{n}: &a{n} [" + ",".join([f"*a{n - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def hostile_corpus() -> dict[str, bytes]:
    """Named documents that once hung, exhausted or crashed the loader, and their relatives."""
    text = {
        "billion laughs (9 x 9 aliases)": _laughs(9, 9),
        "alias of itself (list)": "&a [*a]\n",
        "alias of itself (mapping)": "x: &x {k: *x}\n",
        "5,000 nested [": "[" * 5000 + "]" * 5000 + "\n",
        "5,000 nested {a:": "{a: " * 5000 + "}" * 5000 + "\n",
        "5,000 nested '- '": "- " * 5000 + "x\n",
        "900 nested blocks": "".join("  " * i + f"k{i}:\n" for i in range(900)),
        "date 2026-02-30": VALID.replace(
            "title: Your community maternity hub", "title: 2026-02-30"
        ),
        "!!python/object tag": "id: !!python/object/apply:os.system [ls]\n",
        "!!timestamp tag": "id: x\ntitle: !!timestamp 2026-02-30\n",
        "octal-looking 09": VALID.replace("max_length: 1000", "max_length: 09"),
        "tabs": VALID.replace("  ", "\t"),
        "repeated keys": VALID + VALID,
        "a 900 KB text": VALID.replace("title:", "title: " + "x" * 900_000 + "\nx_title:", 1),
        "just over the size limit": "# " + "x" * MAX_BYTES + "\n",
        "flow repeated to 1 MB": VALID * (MAX_BYTES // len(VALID.encode())),
        "control characters": "id: x\ntitle: a\x00\x07\x1b b\n",
    }
    corpus = {name: doc.encode("utf-8") for name, doc in text.items()}
    corpus["binary (not UTF-8)"] = bytes(range(256)) * 16
    corpus["Latin-1 text"] = VALID.replace("title: Your", "title: Café, your").encode(
        "latin-1", "replace"
    )
    return corpus


def _timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _runs(fn: Callable[[], object]) -> str:
    times = sorted(_timed(fn) for _ in range(RUNS))
    return "/".join(f"{t * 1000:.1f}" for t in (times[0], statistics.median(times), times[-1]))


def _worst_and_peak(paths: dict[str, Path]) -> tuple[str, float, float]:
    """The slowest document (timed alone) and the peak traced memory of any one check."""
    worst = max(paths, key=lambda name: min(_timed(lambda: check_file(paths[name])) for _ in "ab"))
    worst_time = min(_timed(lambda: check_file(paths[worst])) for _ in range(RUNS))
    peak = 0
    for path in paths.values():
        tracemalloc.start()
        check_file(path)
        peak = max(peak, tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    return worst, worst_time, peak / 1e6


def bench_shipped() -> None:
    lines = sum(len(p.read_text().splitlines()) for p in FLOWS)
    named = {p.name: p for p in FLOWS}
    checked = _runs(lambda: [check_file(p) for p in FLOWS])
    plain = _runs(lambda: [yaml.safe_load(p.read_text()) for p in FLOWS])
    floor = _runs(lambda: [yaml.load(p.read_text(), Loader=yaml.CSafeLoader) for p in FLOWS])
    worst, worst_time, peak = _worst_and_peak(named)
    print(f"yaml: shipped flows ({len(FLOWS)} files, {lines} lines), min/median/max of {RUNS}:")
    print(f"  validate {checked} ms; yaml.safe_load {plain} ms; libyaml CSafeLoader {floor} ms")
    print(f"  slowest file {worst} {worst_time * 1000:.1f} ms; tracemalloc peak {peak:.1f} MB")
    command = [sys.executable, "-m", "bot", "validate", *map(str, FLOWS)]
    process = _runs(lambda: subprocess.run(command, capture_output=True, check=True, cwd=ROOT))
    print(f"  python -m bot validate (whole process) {process} ms")


def bench_hostile() -> None:
    corpus = hostile_corpus()
    with tempfile.TemporaryDirectory() as folder:
        paths = {}
        for n, (name, raw) in enumerate(corpus.items()):
            paths[name] = Path(folder) / f"{n:02d}.yaml"
            paths[name].write_bytes(raw)
        everything = _runs(lambda: [check_file(p) for p in paths.values()])
        worst, worst_time, peak = _worst_and_peak(paths)
        unlocated = [name for name, p in paths.items() if not check_file(p).problems]
    size = sum(len(raw) for raw in corpus.values()) / 1e6
    print(f"yaml: hostile corpus ({len(corpus)} documents, {size:.1f} MB), min/median/max of 3:")
    print(f"  validate all {everything} ms")
    print(
        f"  slowest document '{worst}' {worst_time * 1000:.1f} ms; tracemalloc peak {peak:.1f} MB"
    )
    if unlocated:
        print(f"  accepted without a problem: {', '.join(unlocated)}")


def main() -> None:
    bench_shipped()
    bench_hostile()


if __name__ == "__main__":
    main()
