"""Our bot against the framework floor, side by side in one run, on the same fake Bot API and the
same simulated parents.

``python -m bench.telegram_bench [--parents 50 200 500] [--runs 3] [--thinking 40]``

- **Ours**: ``python -m bot run`` answering the MLU questionnaire, Telegram's limits off (they would
  cap every figure at 30 messages a second), every answer durably stored (``synchronous=FULL``).
- **Floor**: ``bench/floor_bot.py``, a bare python-telegram-bot bot answering every update with one
  fixed keyboard and storing nothing. Its parents tap as many times as ours do.
- **Thinking parents**: ours with the shipped limits, parents who read and think 3-6 s per tap.

Each figure is min/median/max over the runs; ratios are ours' median over the floor's. Latency is
measured from a parent's tap or message to the first message of the reply (the first chat call the
fake Bot API receives for that chat) and to the last (when the parent has the next question). CPU
and memory are the bot process's own (/proc), not the simulator's.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import os
import random
import sqlite3
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import FLOWS  # noqa: E402
from fake_telegram import FakeTelegram, SentMessage  # noqa: E402
from test_telegram_process import bot_env  # noqa: E402
from tg_driver import _act, is_prompt  # noqa: E402

CLOSING = "Thank you for sharing your experience"
CHAT_MESSAGES = {"sendMessage", "editMessageText", "editMessageReplyMarkup", "sendDocument"}
TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Measured:
    """One run of one bot."""

    updates: int = 0
    answers: int = 0
    seconds: float = 0.0
    cpu_s: float = 0.0
    idle_rss_mb: float = 0.0
    peak_rss_mb: float = 0.0
    api_calls: int = 0  # everything but getUpdates
    polls: int = 0  # getUpdates calls
    simulator_cpu_s: float = 0.0  # this process: the fake Bot API and the parents
    chat_messages: int = 0  # what Telegram's 30 messages/s budget counts
    cosmetic: int = 0  # of those, tidying: an answered question shown with its answer, old buttons
    actions: list[int] = field(default_factory=list)
    first: list[float] = field(default_factory=list)
    last: list[float] = field(default_factory=list)


def is_cosmetic(method: str, params: dict[str, object]) -> bool:
    """Tidying, not a reply: the bot edits a message's text only to show the answer given, and
    takes buttons away (no new ones) only from a question already answered."""
    if method == "editMessageText":
        return True
    return method == "editMessageReplyMarkup" and not params.get("reply_markup")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def memory_mb(pid: int) -> tuple[float, float]:
    """(RSS now, peak RSS) in MB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def parent(
    tg: FakeTelegram,
    user: int,
    act: Callable[[SentMessage], None],
    max_actions: int,
    think: tuple[float, float] | None,
    taps: list[tuple[int, float, float]],
    rng: random.Random,
    timeout: float,
    arrive_over: float | None = None,
) -> int:
    """Answer whatever the bot asks until the closing message or `max_actions`; records, per
    action, (chat, when sent, when the next question was there)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    if think is not None:  # thinking parents also arrive at their own moments, not all at once
        await asyncio.sleep(rng.uniform(0, think[1] if arrive_over is None else arrive_over))
    tg.send_text(user, "/start", language_code="en")
    sent_at = loop.time()
    seen: set[tuple[int, int]] = set()
    actions = 0
    while True:
        messages = tg.chat(user)
        if any(m.text.startswith(CLOSING) for m in messages[-3:]):
            return actions
        latest = messages[-1] if messages else None
        if latest is not None and is_prompt(latest):
            version = (latest.message_id, len(latest.history))
            if version not in seen:
                seen.add(version)
                taps.append((user, sent_at, loop.time()))
                if actions >= max_actions:
                    return actions
                if think is not None:
                    await asyncio.sleep(rng.uniform(*think))
                sent_at = loop.time()
                act(latest)
                actions += 1
                continue
        if loop.time() > deadline:
            raise TimeoutError(f"parent {user} got no next question in {timeout:.0f} s")
        await tg.chat_changed(user, 1.0)


def first_messages(tg: FakeTelegram, taps: list[tuple[int, float, float]]) -> list[float]:
    """Per tap: seconds until the fake received the first chat message for that chat."""
    by_chat: dict[int, list[float]] = {}
    for (method, params), when in zip(tg.calls, tg.call_times, strict=True):
        if method in CHAT_MESSAGES and "chat_id" in params:
            by_chat.setdefault(int(params["chat_id"]), []).append(when)
    firsts = []
    for chat, sent, seen in taps:
        times = by_chat.get(chat, [])
        i = bisect.bisect_left(times, sent)
        firsts.append((times[i] if i < len(times) else seen) - sent)
    return firsts


PROFILE = os.environ.get("BENCH_PROFILE")  # a folder: py-spy samples each bot while it is driven


async def profiler(pid: int, which: str, parents: int) -> asyncio.subprocess.Process | None:
    """py-spy recording the bot process (collapsed stacks), when BENCH_PROFILE names a folder."""
    if not PROFILE:
        return None
    out = Path(PROFILE) / f"{which}-{parents}.txt"
    return await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "py-spy"), "record", "-p", str(pid), "-r", "200",
        "--format", "raw", "-o", str(out), stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip


def write_config(folder: Path, base_url: str, limits: bool, tidy: bool = True) -> Path:
    config = folder / "config.yaml"
    rate = "" if limits else "  rate_limit: {overall_per_second: 0, per_chat_burst: 0}\n"
    config.write_text(
        f"flows: {FLOWS}\ndefault_flow: mlu_experience\nstorage: {{path: db.sqlite3}}\n"
        f"telegram:\n  api_base_url: {base_url}\n  poll_timeout: 1\n{rate}"
        f"  tidy_chat: {'true' if tidy else 'false'}\n"
    )
    return config


async def drive(
    which: str,
    parents: int,
    max_actions: int = 10_000,
    think: tuple[float, float] | None = None,
    limits: bool = False,
    tidy: bool = True,
    arrive_over: float | None = None,
    root: Path = ROOT,
) -> Measured:
    """Start one bot process on a fresh fake Bot API, drive `parents` at once, measure."""
    measured = Measured()
    rng = random.Random(parents)
    spy = None
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        async with FakeTelegram() as tg:
            if which == "ours":
                config = write_config(folder, tg.base_url, limits, tidy)
                args = ["-m", "bot", "run", "--config", str(config)]

                def act(m: SentMessage, user: int) -> None:
                    _act(tg, user, m)

                ready: Callable[[], object] = lambda: tg.commands  # noqa: E731
            else:
                args = ["-m", "bench.floor_bot", tg.base_url]
                if which == "floor-aiohttp":
                    args.append("aiohttp")

                def act(m: SentMessage, user: int) -> None:
                    tg.press(user, m.message_id, m.buttons[0][1] or "", force=True)

                ready = lambda: any(c == "getUpdates" for c, _ in tg.calls)  # noqa: E731
            proc = await asyncio.create_subprocess_exec(
                sys.executable, *args, cwd=root, env=bot_env(tg.token),
                stdout=asyncio.subprocess.DEVNULL, stderr=(folder / "bot.log").open("wb"),
            )  # fmt: skip
            try:
                await tg.wait_for(ready, 60, f"the {which} bot to start")
                await asyncio.sleep(1.0)
                measured.idle_rss_mb = memory_mb(proc.pid)[0]
                cpu_before, calls_before = cpu_seconds(proc.pid), len(tg.calls)
                own_before = cpu_seconds(os.getpid())
                spy = await profiler(proc.pid, which, parents)
                taps: list[tuple[int, float, float]] = []
                loop = asyncio.get_running_loop()
                started = loop.time()
                timeout = 600.0 if think is None else 120.0
                measured.actions = await asyncio.gather(
                    *(
                        parent(tg, 10_000 + n, lambda m, u=10_000 + n: act(m, u), max_actions,
                               think, taps, rng, timeout, arrive_over)
                        for n in range(parents)
                    )
                )  # fmt: skip
                measured.seconds = loop.time() - started
                measured.cpu_s = cpu_seconds(proc.pid) - cpu_before
                measured.simulator_cpu_s = cpu_seconds(os.getpid()) - own_before
                measured.peak_rss_mb = memory_mb(proc.pid)[1]
                calls = tg.calls[calls_before:]
                measured.api_calls = sum(method != "getUpdates" for method, _ in calls)
                measured.polls = len(calls) - measured.api_calls
                measured.chat_messages = sum(method in CHAT_MESSAGES for method, _ in calls)
                measured.cosmetic = sum(is_cosmetic(method, p) for method, p in calls)
                measured.updates = len(taps)
                measured.last = [seen - sent for _, sent, seen in taps]
                measured.first = first_messages(tg, taps)
            finally:
                if spy is not None:
                    spy.send_signal(2)
                    await spy.wait()
                proc.kill()
                await proc.wait()
        db = folder / "db.sqlite3"
        if db.exists():
            with sqlite3.connect(db) as conn:
                measured.answers = conn.execute("SELECT count(*) FROM answers").fetchone()[0]
    return measured


def spread(values: list[float], fmt: str = "{:.1f}") -> str:
    """min / median / max."""
    return " / ".join(fmt.format(v) for v in (min(values), statistics.median(values), max(values)))


def ratio(ours: list[float], floor: list[float]) -> str:
    base = statistics.median(floor)
    return f"{statistics.median(ours) / base:.2f}×" if base else "–"


Figure = Callable[[Measured], float]
FIGURES: list[tuple[str, Figure, str]] = [
    ("answers stored per second", lambda m: m.answers / m.seconds, "{:.0f}"),
    ("updates per second", lambda m: m.updates / m.seconds, "{:.0f}"),
    ("bot CPU ms per update", lambda m: 1000 * m.cpu_s / m.updates, "{:.2f}"),
    ("bot CPU ms per Bot API call", lambda m: 1000 * m.cpu_s / (m.api_calls + m.polls), "{:.2f}"),
    ("simulator CPU ms per update", lambda m: 1000 * m.simulator_cpu_s / m.updates, "{:.2f}"),
    ("p50 first message, ms", lambda m: 1000 * percentile(m.first, 50), "{:.0f}"),
    ("p95 first message, ms", lambda m: 1000 * percentile(m.first, 95), "{:.0f}"),
    ("p99 first message, ms", lambda m: 1000 * percentile(m.first, 99), "{:.0f}"),
    ("p50 last message, ms", lambda m: 1000 * percentile(m.last, 50), "{:.0f}"),
    ("p95 last message, ms", lambda m: 1000 * percentile(m.last, 95), "{:.0f}"),
    ("p99 last message, ms", lambda m: 1000 * percentile(m.last, 99), "{:.0f}"),
    ("idle RSS, MB", lambda m: m.idle_rss_mb, "{:.0f}"),
    ("peak RSS, MB", lambda m: m.peak_rss_mb, "{:.0f}"),
    ("Bot API calls per update", lambda m: m.api_calls / m.updates, "{:.2f}"),
    ("getUpdates per update", lambda m: m.polls / m.updates, "{:.2f}"),
    ("chat messages per answer", lambda m: m.chat_messages / max(m.answers, 1), "{:.2f}"),
]


def table(title: str, ours: list[Measured], floor: list[Measured] | None) -> str:
    head = f"\n### {title}\n\n| figure | ours (min / median / max) |"
    head += (
        " floor (min / median / max) | ours ÷ floor |\n|---|---|---|---|"
        if floor
        else "\n|---|---|"
    )
    rows = [head]
    for name, figure, fmt in FIGURES:
        mine = [figure(m) for m in ours]
        if floor is None:
            rows.append(f"| {name} | {spread(mine, fmt)} |")
        elif name.startswith(("answers stored", "chat messages")):
            rows.append(f"| {name} | {spread(mine, fmt)} | (stores nothing) | |")
        else:
            base = [figure(m) for m in floor]
            rows.append(
                f"| {name} | {spread(mine, fmt)} | {spread(base, fmt)} | {ratio(mine, base)} |"
            )
    return "\n".join(rows)


async def side_by_side(parents: int, runs: int, tidy: bool = True, floor_on: str = "") -> str:
    """Our bot and the floor, one after the other in each run. `floor_on="aiohttp"` gives the
    floor our transport, so the ratio shows what our own code costs."""
    ours, floor = [], []
    which = "floor-aiohttp" if floor_on == "aiohttp" else "floor"
    for _ in range(runs):
        mine = await drive("ours", parents, tidy=tidy)
        ours.append(mine)
        floor.append(
            await drive(which, parents, max_actions=round(statistics.median(mine.actions)))
        )
    taps = statistics.median(ours[0].actions)
    title = f"{parents} parents at once, limits off ({taps:.0f} taps each, {runs} runs)"
    if not tidy:
        title += ", tidy_chat off"
    if floor_on:
        title += f", floor on {floor_on}"
    return table(title, ours, floor)


async def thinking(parents: int, runs: int) -> str:
    ours = [await drive("ours", parents, max_actions=12, think=(3.0, 6.0), limits=True)
            for _ in range(runs)]  # fmt: skip
    return table(
        f"{parents} parents thinking 3-6 s per tap, shipped limits, 12 taps ({runs} runs)",
        ours,
        None,
    )


async def run(
    parent_counts: list[int], runs: int, thinkers: int, untidy: int, same_transport: int = 0
) -> None:
    for count in parent_counts:
        print(await side_by_side(count, runs), flush=True)
    if untidy:
        print(await side_by_side(untidy, runs, tidy=False), flush=True)
    if same_transport:
        print(await side_by_side(same_transport, runs, floor_on="aiohttp"), flush=True)
    if thinkers:
        print(await thinking(thinkers, runs), flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parents", type=int, nargs="*", default=[50, 200, 500])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--thinking", type=int, default=40, help="0 to leave that run out")
    parser.add_argument(
        "--untidy", type=int, default=50, help="parents for a run with tidy_chat off (0: none)"
    )
    parser.add_argument(
        "--same-transport",
        type=int,
        default=50,
        help="parents for a run against a floor on our aiohttp transport (0: none)",
    )
    args = parser.parse_args(argv)
    asyncio.run(run(args.parents, args.runs, args.thinking, args.untidy, args.same_transport))


if __name__ == "__main__":
    main()
