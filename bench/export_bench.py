"""Exporting a million answers, next to the sqlite3 shell dumping the same rows in the same run.

Run from the repository root: ``python -m bench.export_bench [--answers N]``. Each command runs
as its own process (start-up included) three times; time is wall clock, memory is the process's
peak resident set (``wait4``). The floor is ``sqlite3 -csv`` writing the joined answer rows.

Linux counts a child's peak memory from the moment it was forked, so a child of a big process
reports at least that process's size. The commands are therefore started from a launcher
process that imports nothing but the standard library (the database is filled by another
process), and the launcher's own size is reported next to the figures: a command's figure is
its own peak, or the launcher's, whichever is larger."""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUESTIONS = 20
FLOOR_SQL = (
    "SELECT r.id, r.flow_id, r.flow_hash, r.status, r.language, r.source, r.started, r.finished, "
    "a.question_id, a.value FROM responses r JOIN answers a ON a.response_id = r.id ORDER BY r.id"
)


def flow_yaml() -> str:
    import yaml

    flow = {
        "id": "bench",
        "title": "Benchmark",
        "intro": "Hello",
        "consent": {"text": "Start?"},
        "closing": "Thanks",
        "questions": [
            {"id": f"q{n}", "type": "single", "text": f"Question {n}?",
             "options": [{"id": f"o{k}", "label": f"Option {k}"} for k in range(5)]}
            for n in range(QUESTIONS)
        ],
    }  # fmt: skip
    return yaml.safe_dump(flow, sort_keys=False)


def fill(path: Path, answers: int) -> None:
    """A database with the product's schema and `answers` answers (20 per response)."""
    import asyncio
    import json
    import random
    import sqlite3
    from datetime import date

    from bot.questionnaire.check import check_text
    from bot.storage.store import Store

    async def schema() -> str:
        store = await Store.open(path)
        source = flow_yaml()
        checked = check_text(source, "bench.yaml")
        assert checked.flow is not None
        digest = await store.register_flow(checked.flow, source, date.today())
        await store.close()
        return digest

    digest = asyncio.run(schema())
    rng = random.Random(1)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous = OFF")
    responses = answers // QUESTIONS
    with conn:
        conn.executemany(
            "INSERT INTO responses (id, flow_id, flow_hash, status, language, source, started, "
            "finished) VALUES (?, 'bench', ?, 'complete', 'en', NULL, '2026-11', '2026-11')",
            ((i, digest) for i in range(1, responses + 1)),
        )
        conn.executemany(
            "INSERT INTO answers (response_id, question_id, value) VALUES (?, ?, ?)",
            ((i, f"q{n}", json.dumps(f"o{rng.randrange(5)}"))
             for i in range(1, responses + 1) for n in range(QUESTIONS)),
        )  # fmt: skip
    conn.close()


def measure(cmd: list[str], out: Path) -> tuple[float, float]:
    """(seconds, peak MB) of one run of `cmd` writing to `out`."""
    with out.open("wb") as sink:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=sink, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{cmd} failed with status {status}")
    return elapsed, usage.ru_maxrss / 1024


def main(argv: list[str] | None = None) -> None:
    """Run the bench from a fresh launcher process (see the module's note on memory)."""
    argv = sys.argv[1:] if argv is None else argv
    if "--launcher" not in argv:
        here = Path(__file__).resolve().parent.parent
        cmd = [sys.executable, "-m", "bench.export_bench", "--launcher", *argv]
        subprocess.run(cmd, check=True, cwd=here)
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--launcher", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--fill", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.fill is not None:
        fill(args.fill, args.answers)
        return
    if shutil.which("sqlite3") is None:
        raise SystemExit("the floor needs the sqlite3 shell: apt-get install sqlite3")
    with tempfile.TemporaryDirectory() as tmp:
        db, out = Path(tmp) / "bench.sqlite3", Path(tmp) / "out"
        filling = [sys.executable, "-m", "bench.export_bench", "--launcher", "--fill", str(db)]
        subprocess.run([*filling, "--answers", str(args.answers)], check=True)
        launcher = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        bot = [sys.executable, "-m", "bot", "export", "--db", str(db), "--out", "-"]
        commands = {
            "sqlite3 -csv (floor)": ["sqlite3", "-csv", str(db), FLOOR_SQL],
            "export --long": [*bot, "--long"],
            "export (wide)": bot,
        }
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, cmd in commands.items():
                results[name].append(measure(cmd, out))
    floor = statistics.median(t for t, _ in results["sqlite3 -csv (floor)"])
    print(f"export of {args.answers:,} answers ({args.answers // QUESTIONS:,} responses), "
          f"{args.runs} runs, {os.cpu_count()} cores; launcher {launcher:.0f} MB")  # fmt: skip
    print(f"{'command':<22}{'min s':>8}{'median s':>10}{'max s':>8}{'x floor':>9}{'peak MB':>9}")
    for name, runs in results.items():
        times = sorted(t for t, _ in runs)
        peak = max(m for _, m in runs)
        median = statistics.median(times)
        print(f"{name:<22}{times[0]:>8.2f}{median:>10.2f}{times[-1]:>8.2f}"
              f"{median / floor:>9.2f}{peak:>9.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
