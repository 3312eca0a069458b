"""The service alone, no Telegram: many parents answering at once through `Service` into SQLite
(`synchronous=FULL`, every answer durable before it is shown), next to the floor measured in the
same run on the same disk: a plain aiosqlite loop committing one answer per transaction.

``python -m bench.storage_bench [--parents 500] [--runs 3]``
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiosqlite

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import NOW, SEALER, make_config, make_service  # noqa: E402

from bot.conversation import events as ev  # noqa: E402
from bot.service import Service  # noqa: E402
from bot.storage.store import Store  # noqa: E402

STEPS_PER_COMMIT: list[float] = []


def next_input(prompt: ev.Prompt) -> list[ev.Input]:
    """What a parent who takes the first option (or types a few words) sends."""
    if prompt.kind == "multi":
        return [ev.Toggle(prompt.choices[0].id, prompt.seq), ev.Done(prompt.seq)]
    if prompt.choices:
        return [ev.Choose((prompt.choices[0].id,), prompt.seq)]
    return [ev.Reply("It was fine, thank you")]


async def one_parent(service: Service, who: str) -> int:
    """Answer until the end; returns the number of inputs sent."""
    outcome = await service.handle(who, ev.Start())
    inputs = 1
    for _ in range(200):
        asked = [e.prompt for e in outcome.events if isinstance(e, ev.Asked | ev.Updated)]
        if not asked or any(isinstance(e, ev.ResponseCompleted) for e in outcome.events):
            return inputs
        for event in next_input(asked[-1]):
            outcome = await service.handle(who, event)
            inputs += 1
    raise AssertionError(f"{who} never finished")


async def ours(folder: Path, parents: int) -> tuple[float, int, int]:
    """(seconds, answers stored, inputs) for `parents` at once through the service."""
    config = make_config(folder)
    store = await Store.open(config.database, SEALER)
    try:
        service = await make_service(store, config, clock=lambda: NOW)
        started = time.perf_counter()
        inputs = await asyncio.gather(*(one_parent(service, f"p{n}") for n in range(parents)))
        took = time.perf_counter() - started
        async with store.db.execute("SELECT count(*) FROM answers") as cursor:
            row = await cursor.fetchone()
        STEPS_PER_COMMIT.append(store.writer.steps / max(store.writer.commits, 1))
        return took, int(row[0]) if row else 0, sum(inputs)
    finally:
        await store.close()


async def floor(folder: Path, parents: int, answers: int) -> float:
    """Seconds for a plain aiosqlite loop to commit `answers` rows, one transaction each,
    from `parents` tasks at once, with the same durability (WAL, synchronous=FULL)."""
    async with aiosqlite.connect(folder / "floor.sqlite3") as db:
        await db.execute("PRAGMA journal_mode = WAL")
        await db.execute("PRAGMA synchronous = FULL")
        await db.execute("CREATE TABLE answers (parent TEXT, question TEXT, value TEXT)")
        await db.commit()
        lock = asyncio.Lock()

        async def parent(n: int, count: int) -> None:
            for q in range(count):
                async with lock:  # one transaction at a time on one connection
                    await db.execute(
                        "INSERT INTO answers VALUES (?, ?, ?)", (f"p{n}", f"q{q}", "1")
                    )
                    await db.commit()

        each, extra = divmod(answers, parents)
        started = time.perf_counter()
        await asyncio.gather(*(parent(n, each + (n < extra)) for n in range(parents)))
        return time.perf_counter() - started


async def run(parents: int, runs: int) -> None:
    rates, floors, per_input = [], [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            took, answers, inputs = await ours(Path(tmp), parents)
            rates.append(answers / took)
            per_input.append(1000 * took / inputs)
            floors.append(answers / await floor(Path(tmp), parents, answers))

    def spread(values: list[float]) -> str:
        return " / ".join(f"{v:.0f}" for v in (min(values), statistics.median(values), max(values)))

    ratio = statistics.median(rates) / statistics.median(floors)
    print(f"\n### The service alone: {parents} parents at once, synchronous=FULL ({runs} runs)\n")
    print("| figure | min / median / max |\n|---|---|")
    print(f"| answers durably stored per second, through the service | {spread(rates)} |")
    print(f"| answers per second, plain aiosqlite loop, one commit each | {spread(floors)} |")
    print(f"| service ÷ plain loop | {ratio:.2f}× |")
    steps = " / ".join(f"{v:.1f}" for v in sorted(STEPS_PER_COMMIT))
    print(f"| parents' steps per commit (group commit), each run | {steps} |")
    wall = " / ".join(f"{v:.2f}" for v in sorted(per_input))
    print(f"| ms per input (wall, all parents at once), each run | {wall} |")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parents", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    asyncio.run(run(args.parents, args.runs))


if __name__ == "__main__":
    main()
