"""The web chat under load: many browsers without JavaScript completing the default questionnaire
at once over real HTTP on loopback, next to the floor measured in the same run: a bare aiohttp
handler serving one fixed page of the same size to the same browsers, request for request.

``python -m bench.web_bench [--browsers 200] [--runs 3] [--think 1.0]``

Two loads, each with ours and the floor side by side: **parents reading** (each browser waits
0.5 to 1.5 × `--think` seconds between pages, as a parent reads the next question, and they
arrive over the first 1 to 3 × `--think` seconds; the load a poster campaign brings) and
**flat out** (every browser sends its next request the moment a page
arrives: the server's capacity, where latency is mostly queueing).

- **Ours**: ``WebChat`` on a real aiohttp server (no access log) over a real SQLite store
  (``synchronous=FULL``, every answer durable before its page is shown). Each browser has its own
  session and cookie jar: GET ``/``, POST ``/start``, then one POST ``/answer`` per question, each
  followed by the 303 redirect to ``/`` (post, redirect, get), taking the first option or typing a
  few words. All browsers come from one loopback address, so the per-address limit on new
  visitors (and the per-session limits on answers and page loads) is switched off for the bench.
- **Floor**: a bare aiohttp app: GET returns a fixed HTML page the size of our mean page, POST
  reads the form and redirects to it. Each browser replays exactly its own requests from ours.

A page's latency is one GET, or one POST with its redirected GET (an "answer page"), timed with
``time.perf_counter`` in the browser. Each server runs in its own process (as in production),
the browsers in this one; the server's own CPU time per page is reported. Both listen with a
backlog of 1024 (as the web chat does), so that 200 browsers connecting at once are not timed
waiting for the kernel's 1 s SYN retry. Each figure is min/median/max over the runs.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import NOW, SEALER, make_config, make_service  # noqa: E402
from web_driver import CHOOSE, CSRF, OPTION, SEQ, Page, typed_for  # noqa: E402

from bot.channels.web.server import WebChat  # noqa: E402
from bot.config import WebConfig, WebLimits  # noqa: E402
from bot.storage.store import Store  # noqa: E402

KEY = b"web-bench-key-0123456789abcdef012"
ENDED = re.compile(r'<h1 id="end-heading"[^>]*>\s*Thank you', re.S)
MAX_PAGES = 200
BACKLOG = 1024  # aiohttp's 128 overflows when 200 browsers connect at once: 1 s SYN retries
Step = tuple[str, list[tuple[str, str]] | None]  # (path, None for a GET or the posted fields)


@dataclass
class Browser:
    session: aiohttp.ClientSession
    base: str
    csrf: str = ""
    steps: list[Step] = field(default_factory=list)
    took: list[float] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    think: float = 0.0
    rng: random.Random = field(default_factory=random.Random)

    async def page(self, path: str, fields: list[tuple[str, str]] | None = None) -> str:
        """One page: a GET, or a POST and the GET it is redirected to; timed as one (after
        the parent has read the page before)."""
        if self.think:  # the first page after a ramp-up: parents do not all scan at one instant
            await asyncio.sleep(self.think * self.rng.uniform(0.5, 1.5) * (1 if self.steps else 2))
        self.steps.append((path, fields))
        started = time.perf_counter()
        if fields is None:
            request = self.session.get(self.base + path)
        else:
            request = self.session.post(self.base + path, data=[*fields, ("csrf", self.csrf)])
        async with request as response:
            text = await response.text()
        self.took.append(time.perf_counter() - started)
        self.sizes.append(len(text.encode()))
        if response.status != 200:  # a 429, 503 or 404 page would be timed as a page: stop
            raise AssertionError(f"{path}: HTTP {response.status}")
        found = CSRF.search(text)
        self.csrf = found.group(1) if found else self.csrf
        return text


def answers_for(text: str, seq: str) -> list[list[tuple[str, str]]]:
    """What a parent who takes the first option (or types a few words) sends, then what they
    try if that is refused."""
    skip = [("seq", seq), ("action", "skip")]
    if chosen := CHOOSE.findall(text):
        return [[("seq", seq), ("choose", chosen[0])], skip]
    if ticked := OPTION.findall(text):
        return [[("seq", seq), ("action", "done"), ("option", ticked[0])], skip]
    typed = [typed_for(Page(200, text).question)]  # what the tests' parents type
    return [[("seq", seq), ("action", "text"), ("text", t)] for t in typed] + [skip]


async def complete(browser: Browser) -> None:
    """The questionnaire from the welcome page to its end, as a plain form browser does."""
    await browser.page("/")
    text = await browser.page("/start", [("lang", "en")])
    while (found := SEQ.search(text)) is not None and len(browser.steps) < MAX_PAGES:
        seq = found.group(1)
        for fields in answers_for(text, seq):
            text = await browser.page("/answer", fields)
            if (after := SEQ.search(text)) is None or after.group(1) != seq:
                break
        else:
            raise AssertionError(f"stuck at question {seq}")
    if not ENDED.search(text):
        raise AssertionError("never reached the end page")


async def replay(browser: Browser, steps: list[Step]) -> None:
    for path, fields in steps:
        await browser.page(path, fields)


def server_main(kind: str, folder: str, page_bytes: int, conn: Connection) -> None:
    """A server process: ours over a fresh database in `folder`, or the floor. Sends its port,
    serves until told to stop, then sends the CPU seconds it used."""

    async def go() -> None:
        store = None
        if kind == "ours":
            limits = WebLimits(  # one address, and browsers flat out
                new_visitors_per_minute=0, answers_per_minute=0, page_loads_per_minute=0
            )
            config = make_config(Path(folder)).model_copy(
                update={"web": WebConfig(secure_cookie=False, limits=limits)}  # plain http
            )
            store = await Store.open(config.database, SEALER)
            service = await make_service(store, config, clock=lambda: NOW)
            app = WebChat(service, KEY).application()
        else:
            app = floor_app(page_bytes)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0, backlog=BACKLOG).start()
        conn.send(runner.addresses[0][1])
        started = time.process_time()
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)
        cpu = time.process_time() - started
        await runner.cleanup()
        if store is not None:
            await store.close()
        conn.send(cpu)

    asyncio.run(go())


@asynccontextmanager
async def server(kind: str, folder: Path, page_bytes: int = 0) -> AsyncIterator[Served]:
    ours, theirs = multiprocessing.get_context("spawn").Pipe()
    child = multiprocessing.get_context("spawn").Process(
        target=server_main, args=(kind, str(folder), page_bytes, theirs), daemon=True
    )
    child.start()
    loop = asyncio.get_running_loop()
    try:
        if not await loop.run_in_executor(None, ours.poll, 60):
            raise AssertionError(f"the {kind} server did not start")
        served = Served(f"http://127.0.0.1:{ours.recv()}")
        yield served
        ours.send("stop")
        served.cpu = await loop.run_in_executor(None, ours.recv)
    finally:
        child.join(30)
        if child.is_alive():
            child.kill()


@dataclass
class Served:
    base: str
    cpu: float = 0.0


async def browse(
    base: str, count: int, work: Callable[[Browser, int], Awaitable[None]], think: float
) -> tuple[list[Browser], float]:
    """`count` browsers with their own cookies doing `work` at once, and the seconds it took."""
    timeout = aiohttp.ClientTimeout(total=120)
    sessions = [
        aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True), timeout=timeout)
        for _ in range(count)
    ]
    browsers = [
        Browser(session, base, think=think, rng=random.Random(n))
        for n, session in enumerate(sessions)
    ]
    try:
        started = time.perf_counter()
        await asyncio.gather(*(work(b, n) for n, b in enumerate(browsers)))
        return browsers, time.perf_counter() - started
    finally:
        await asyncio.gather(*(session.close() for session in sessions))


@dataclass
class Run:
    answers_per_s: float
    pages_per_s: tuple[float, float]  # ours, floor
    ours: list[float]  # page latencies, seconds
    floor: list[float]
    pages: int
    page_bytes: int
    cpu_ms: tuple[float, float]  # server CPU per page: ours, floor


def floor_app(size: int) -> web.Application:
    """GET: one fixed page of `size` bytes with a form like ours; POST: read the form, redirect."""
    head = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Chat</title></head>'
    form = '<body><form method="post"><input type="hidden" name="csrf" value="x"></form><p>'
    tail = "</p></body></html>"
    fixed = head + form + "a" * max(0, size - len(head) - len(form) - len(tail)) + tail

    async def show(request: web.Request) -> web.Response:
        return web.Response(text=fixed, content_type="text/html", charset="utf-8")

    async def take(request: web.Request) -> web.Response:
        await request.post()
        return web.Response(status=303, headers={"Location": "/#now"})

    app = web.Application()
    app.router.add_get("/", show)
    app.router.add_post("/{form}", take)
    return app


async def one_run(folder: Path, browsers: int, think: float) -> Run:
    async with server("ours", folder) as served:
        ours, took = await browse(served.base, browsers, lambda b, _: complete(b), think)
    with sqlite3.connect(folder / "feedback.sqlite3") as db:
        sql = "SELECT (SELECT COUNT(*) FROM answers), COUNT(*) FROM responses WHERE status = ?"
        answers, done = db.execute(sql, ("complete",)).fetchone()
    if done != browsers:
        raise AssertionError(f"{done} complete responses stored for {browsers} browsers")
    page_bytes = round(statistics.mean(size for b in ours for size in b.sizes))
    async with server("floor", folder, page_bytes) as floor_served:
        floors, floor_took = await browse(
            floor_served.base, browsers, lambda b, n: replay(b, ours[n].steps), think
        )
    pages = sum(len(b.took) for b in ours)
    return Run(
        answers_per_s=answers / took,
        pages_per_s=(pages / took, pages / floor_took),
        ours=[t for b in ours for t in b.took],
        floor=[t for b in floors for t in b.took],
        pages=pages,
        page_bytes=page_bytes,
        cpu_ms=(1000 * served.cpu / pages, 1000 * floor_served.cpu / pages),
    )


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]  # ms


def spread(values: list[float], digits: int = 0) -> str:
    picked = (min(values), statistics.median(values), max(values))
    return " / ".join(f"{v:.{digits}f}" for v in picked)


async def run(browsers: int, runs: int, think: float) -> None:
    for label, pause in ((f"parents reading (~{think:g} s a page)", think), ("flat out", 0.0)):
        results: list[Run] = []
        for number in range(1, runs + 1):
            with tempfile.TemporaryDirectory() as tmp:
                results.append(r := await one_run(Path(tmp), browsers, pause))
            ms = [(percentile(r.ours, p), percentile(r.floor, p)) for p in (50, 95, 99)]
            latency = "; ".join(f"{a:.1f} vs {b:.1f} ({a / b:.1f}×)" for a, b in ms)
            print(
                f"{label}, run {number}: {r.answers_per_s:.0f} answers/s; p50/p95/p99 ms: {latency}"
            )
        print(f"nothing lost: every run stored {browsers} complete responses, one per browser")
        table(
            f"{browsers} browsers at once, {label}, no JavaScript ({runs} runs)", results, browsers
        )


def table(title: str, results: list[Run], browsers: int) -> None:
    print(f"\n### The web chat: {title}\n")
    print("| figure | min / median / max |\n|---|---|")
    print(f"| answers durably stored per second | {spread([r.answers_per_s for r in results])} |")
    print(f"| pages per browser | {spread([r.pages / browsers for r in results])} |")
    sizes = spread([r.page_bytes for r in results])
    print(f"| mean page bytes (the floor's fixed page) | {sizes} |")
    print("\n| per page | ours | bare aiohttp floor | ours ÷ floor |\n|---|---|---|---|")
    for p in (50, 95, 99):
        ours = [percentile(r.ours, p) for r in results]
        floor = [percentile(r.floor, p) for r in results]
        ratio = spread([a / b for a, b in zip(ours, floor, strict=True)], 1)
        print(f"| p{p} latency, ms | {spread(ours, 1)} | {spread(floor, 1)} | {ratio} |")
    rates = [r.pages_per_s for r in results]
    ours, floor, ratios = ([a for a, _ in rates], [b for _, b in rates], [a / b for a, b in rates])
    print(f"| pages per second | {spread(ours)} | {spread(floor)} | {spread(ratios, 2)} |")
    cpu = [r.cpu_ms for r in results]
    ours, floor, ratios = ([a for a, _ in cpu], [b for _, b in cpu], [a / b for a, b in cpu])
    print(
        f"| server CPU ms per page | {spread(ours, 2)} | {spread(floor, 2)} | {spread(ratios, 1)} |"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--browsers", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between pages")
    args = parser.parse_args(argv)
    asyncio.run(run(args.browsers, args.runs, args.think))


if __name__ == "__main__":
    main()
