"""A parent flooding the bot holds nobody: one parent answers the whole MLU questionnaire on
``python -m bot run`` (shipped limits: 30 messages a second overall, Telegram's per-chat pace)
while another sends `--flood` messages at once, against the same parent with nobody flooding,
in the same run.

``python -m bench.flood_bench [--flood 300] [--runs 3]``

Per run: the answering parent's whole-reply latency (tap or message to the next question on
screen) at the median, p95 and worst, and how long the whole questionnaire took. Figures are
min / median / max over the runs; ratios are the flooded median over the quiet one.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
from pathlib import Path

from bench.telegram_bench import ROOT, parent, percentile, spread, write_config

sys.path.insert(0, str(ROOT / "tests"))

from fake_telegram import FakeTelegram, SentMessage
from test_telegram_process import bot_env
from tg_driver import _act

ANSWERING, FLOODER = 20_001, 20_002


async def one_run(flood: int) -> tuple[list[float], float]:
    """The answering parent's whole-reply latencies (s), and the questionnaire's duration."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        async with FakeTelegram() as tg:
            config = write_config(folder, tg.base_url, limits=True)
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", "--config", str(config), cwd=ROOT,
                env=bot_env(tg.token), stdout=asyncio.subprocess.DEVNULL,
                stderr=(folder / "bot.log").open("wb"),
            )  # fmt: skip
            try:
                await tg.wait_for(lambda: tg.commands, 60, "the bot to start")
                for n in range(flood):
                    tg.send_text(FLOODER, f"hello {n}")
                taps: list[tuple[int, float, float]] = []

                def act(message: SentMessage) -> None:
                    _act(tg, ANSWERING, message)

                loop = asyncio.get_running_loop()
                started = loop.time()
                await parent(tg, ANSWERING, act, 10_000, None, taps, random.Random(1), 300)
                took = loop.time() - started
            finally:
                proc.kill()
                await proc.wait()
    return [seen - sent for _, sent, seen in taps], took


def row(label: str, runs: list[tuple[list[float], float]]) -> list[float]:
    medians = [statistics.median(lat) * 1000 for lat, _ in runs]
    p95 = [percentile(lat, 95) * 1000 for lat, _ in runs]
    worst = [max(lat) * 1000 for lat, _ in runs]
    took = [t for _, t in runs]
    print(
        f"| {label} | {spread(medians, '{:.0f}')} | {spread(p95, '{:.0f}')} | "
        f"{spread(worst, '{:.0f}')} | {spread(took)} |"
    )
    return [statistics.median(medians), statistics.median(p95), statistics.median(took)]


async def run(flood: int, runs: int) -> None:
    quiet = [await one_run(0) for _ in range(runs)]
    flooded = [await one_run(flood) for _ in range(runs)]
    print(f"\nOne parent answering while another sends {flood} messages at once ({runs} runs)\n")
    print("| | reply p50 ms | p95 ms | worst ms | questionnaire s |")
    print("|---|---|---|---|---|")
    base = row("nobody flooding (floor)", quiet)
    hit = row(f"{flood} messages flooding", flooded)
    ratios = " / ".join(f"{h / b:.2f}×" for h, b in zip(hit, base, strict=True))
    print(f"\nflooded ÷ quiet (p50 / p95 / questionnaire): {ratios}", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--flood", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    asyncio.run(run(args.flood, args.runs))


if __name__ == "__main__":
    main()
