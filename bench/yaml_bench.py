"""Checking questionnaire YAML: the shipped flows, a corpus of hostile documents, and very long
or very wrong files.

For each: min/median/max of 3 runs, the slowest single document and the tracemalloc peak. The
hostile documents are written to files, so the file reader is timed too. The long and wrong files
are timed against a floor measured in the same run, libyaml's CSafeLoader parsing the same text:
a check that grows with the square of the file shows as a ratio that grows with the file. Run
from the repository root: ``python -m bench.yaml_bench`` (or ``make bench`` for everything).
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


def chain(n: int) -> str:
    """n yes/no questions, each shown only when the one before was answered yes."""
    questions = ["  - {id: q0, type: yes_no, text: Q}"] + [
        f"  - {{id: q{i}, type: yes_no, text: Q, show_if: {{question: q{i - 1}, is: yes}}}}"
        for i in range(1, n)
    ]
    head = "id: chain\ntitle: T\nintro: I\nconsent:\n  text: S\nclosing: C\nquestions:\n"
    return head + "\n".join(questions) + "\n"


def never(n: int) -> str:
    """n conditions that can never hold, each over 129 x 129 answers of two multi questions."""
    options = "[" + ", ".join(f"{{id: o{k}, label: O}}" for k in range(7)) + "]"
    test = "{all: [{question: m1, is: o1}, {not: {question: m1, is: o1}}, {question: m2, is: o2}]}"
    questions = [f"  - {{id: m{k}, type: multi, text: M, options: {options}}}" for k in (1, 2)]
    questions += [f"  - {{id: q{i}, type: text, text: Q, show_if: {test}}}" for i in range(n)]
    return chain(1).replace("  - {id: q0, type: yes_no, text: Q}\n", "\n".join(questions) + "\n")


def unknown_keys(size: int = 990_000) -> str:
    """A questionnaire followed by unknown keys, one a line, to about `size` bytes."""
    lines = [chain(1)]
    total = len(lines[0])
    while total < size:
        lines.append(f"x{len(lines) - 1}: 1\n")
        total += len(lines[-1])
    return "".join(lines)


def _floor_ratio(path: Path) -> str:
    """Checking a file, and reading it with libyaml: min/median/max ms, and the median ratio."""
    text = path.read_text()
    ours, floor = [], []
    for _ in range(RUNS):  # taken in turns, so that a busy moment slows both alike
        ours.append(_timed(lambda: check_file(path)))
        floor.append(_timed(lambda: yaml.load(text, Loader=yaml.CSafeLoader)))
    ours.sort()
    floor.sort()
    spread = "/".join(f"{t * 1000:.0f}" for t in (ours[0], statistics.median(ours), ours[-1]))
    below = "/".join(f"{t * 1000:.0f}" for t in (floor[0], statistics.median(floor), floor[-1]))
    ratio = statistics.median(ours) / statistics.median(floor)
    return f"validate {spread} ms; CSafeLoader {below} ms; {ratio:.1f}x floor"


# The command as a process, reporting its own peak memory: a child's ru_maxrss would include the
# size of this process, which it starts from.
_PEAK = (
    "import atexit, runpy, sys\n"
    "def peak():\n"
    "    with open('/proc/self/status') as status:\n"
    "        kb = next(line.split()[1] for line in status if line.startswith('VmHWM'))\n"
    "    print('peak', kb, file=sys.stderr)\n"
    "atexit.register(peak)\n"
    "sys.argv = ['bot', 'validate', sys.argv[1]]\n"
    "runpy.run_module('bot', run_name='__main__')\n"
)


def _process(path: Path) -> str:
    runs = []
    for _ in range(RUNS):
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", _PEAK, str(path)], capture_output=True, text=True, cwd=ROOT
        )
        took = time.perf_counter() - started
        runs.append((took, int(done.stderr.rsplit("peak ", 1)[1]) / 1024))
    times = sorted(t for t, _ in runs)
    peak = max(mb for _, mb in runs)
    lines = len(done.stdout.splitlines())
    spread = "/".join(f"{t * 1000:.0f}" for t in (times[0], statistics.median(times), times[-1]))
    return f"{spread} ms, peak resident {peak:.0f} MB, {lines} lines printed"


def bench_long() -> None:
    print(f"yaml: long and wrong files, min/median/max of {RUNS}:")
    with tempfile.TemporaryDirectory() as folder:
        for n in (1500, 3000, 6000):
            path = Path(folder) / f"chain{n}.yaml"
            path.write_text(chain(n))
            print(f"  show_if chain of {n:,} questions: {_floor_ratio(path)}")
        path = Path(folder) / "never.yaml"
        path.write_text(never(300))
        print(f"  300 show_if that can never hold: {_floor_ratio(path)}")
        path = Path(folder) / "unknown.yaml"
        path.write_text(unknown_keys())
        checked = check_file(path)
        size = path.stat().st_size / 1000
        print(f"  {size:.0f} KB of unknown keys: {_floor_ratio(path)}")
        tracemalloc.start()
        check_file(path)
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        shown, more = len(checked.problems), checked.more
        print(f"    {shown} problems shown, {more:,} more counted; tracemalloc peak {peak:.0f} MB")
        print(f"    python -m bot validate (whole process) {_process(path)}")


def main() -> None:
    bench_shipped()
    bench_hostile()
    bench_long()


if __name__ == "__main__":
    main()
