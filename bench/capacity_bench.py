"""How many parents one Telegram bot serves without waits, with the shipped limits (30 messages a
second overall, a burst of 6 then 1 a second per chat), beside the physical limit of the same run.

``python -m bench.capacity_bench [--quick] [--runs 3] [--taps 8]``

- **Thinking parents**: ``python -m bot run`` answering the MLU questionnaire; each parent arrives
  at a random moment in the window, then reads and thinks 3-6 s before each tap or typed answer.
  40 arriving over 20 s, 100 over 30 s, 200 over 60 s, every parent finishing.
- **A room starting together**: 40 parents pressing /start in the same second.

Whole reply: from a parent's tap or message to the moment the next question is on their screen.
Budgeted messages per answer: every chat call Telegram's overall budget counts, per parent action;
of those, the reply's (new messages, ticks redrawn) and the tidying's (an answered question shown
with its answer, old buttons taken away), which goes out only with budget to spare. The physical
limit: budget ÷ reply messages per answer × mean thinking time (4.5 s), in parents thinking at
once. Each figure is min / median / max over the runs.

``BENCH_BOT_ROOT=/some/checkout`` runs the bot from another checkout (an earlier version, to
compare), with this simulator.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
from pathlib import Path

from bench.telegram_bench import ROOT, Measured, drive, percentile, spread

BUDGET = 30.0  # messages a second overall, as shipped
THINK = (3.0, 6.0)
# (parents, arriving over seconds), and a room of 40 pressing /start in the same second.
SCENARIOS = [(40, 20.0), (100, 30.0), (200, 60.0)]
QUICK = [(40, 20.0), (100, 30.0)]
ROOM = (40, 1.0)


def reply_messages(m: Measured) -> float:
    return (m.chat_messages - m.cosmetic) / max(m.updates, 1)


def physical_limit(m: Measured) -> float:
    """Parents thinking at once that the budget can answer: budget ÷ messages per answer ×
    mean thinking time."""
    return BUDGET / max(reply_messages(m), 1e-9) * statistics.mean(THINK)


FIGURES = [
    ("whole reply p50, ms", lambda m: 1000 * percentile(m.last, 50), "{:.0f}"),
    ("whole reply p95, ms", lambda m: 1000 * percentile(m.last, 95), "{:.0f}"),
    ("whole reply p99, ms", lambda m: 1000 * percentile(m.last, 99), "{:.0f}"),
    ("slowest whole reply, ms", lambda m: 1000 * max(m.last), "{:.0f}"),
    ("budgeted messages per answer", lambda m: m.chat_messages / max(m.updates, 1), "{:.2f}"),
    ("… of them the reply's", reply_messages, "{:.2f}"),
    ("… of them tidying (spare budget only)", lambda m: m.cosmetic / max(m.updates, 1), "{:.2f}"),
    ("answers per second (mean over the run)", lambda m: m.updates / m.seconds, "{:.1f}"),
    ("physical limit, parents thinking at once", physical_limit, "{:.0f}"),
    ("replies' share of the budget (load ÷ physical limit)", lambda m: m.updates / m.seconds
     * reply_messages(m) / BUDGET, "{:.2f}"),
]  # fmt: skip


def table(title: str, runs: list[Measured]) -> str:
    rows = [f"\n### {title}\n\n| figure | min / median / max |\n|---|---|"]
    for name, figure, fmt in FIGURES:
        rows.append(f"| {name} | {spread([figure(m) for m in runs], fmt)} |")
    return "\n".join(rows)


async def run(scenarios: list[tuple[int, float]], runs: int, taps: int, root: Path) -> None:
    for parents, window in [*scenarios, ROOM]:
        room = (parents, window) == ROOM
        actions = 0 if room else taps
        measured = []
        for _ in range(runs):
            measured.append(await drive("ours", parents, max_actions=actions, think=THINK,
                                        limits=True, arrive_over=window, root=root))  # fmt: skip
        if room:
            title = f"{parents} parents pressing /start in the same second: the welcome"
        else:
            title = f"{parents} parents arriving over {window:.0f} s, thinking 3-6 s, {taps} taps"
        title += f", shipped limits ({runs} runs)"
        print(table(title, measured), flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="40 and 100 parents, 5 taps each")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--taps", type=int, default=8, help="taps per parent after the welcome")
    args = parser.parse_args(argv)
    root = Path(os.environ.get("BENCH_BOT_ROOT") or ROOT)
    scenarios = QUICK if args.quick else SCENARIOS
    taps = 5 if args.quick else args.taps
    asyncio.run(run(scenarios, args.runs, taps, root))


if __name__ == "__main__":
    main()
