"""Questionnaire checking and the conversation engine, timed against baselines run alongside.

Run from the repository root: ``python -m bench.core_bench`` (or ``make bench`` for everything).
Figures are ratios to a baseline measured in the same run, because machines here are noisy.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import yaml

from bot.conversation import events as ev
from bot.conversation.engine import step
from bot.questionnaire.check import check_file

FLOWS = sorted((Path(__file__).resolve().parents[1] / "flows").glob("*.yaml"))
NOW = datetime(2026, 11, 23, tzinfo=UTC)


def best_of(fn: Callable[[], object], repeat: int = 7) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def bench_validate() -> None:
    checked = best_of(lambda: [check_file(p) for p in FLOWS])
    # The checker parses with libyaml (CSafeLoader); so does the baseline.
    parsed = best_of(lambda: [yaml.load(p.read_text(), Loader=yaml.CSafeLoader) for p in FLOWS])
    lines = sum(len(p.read_text().splitlines()) for p in FLOWS)
    print(
        f"validate: {len(FLOWS)} flows, {lines} lines in {checked * 1000:.1f} ms, "
        f"{checked / parsed:.1f}x parsing alone with yaml.CSafeLoader ({parsed * 1000:.1f} ms)"
    )


def bench_engine() -> None:
    flow = check_file(FLOWS[0]).flow
    assert flow is not None
    script: list[ev.Input] = [ev.Start(), ev.Reply("1")] + [ev.Reply("1")] * 60

    def conversation() -> None:
        session = None
        for event in script:
            session, _ = step(flow, session, event, NOW)

    def baseline() -> None:
        state: dict[str, object] = {}
        for n, event in enumerate(script):
            state = {**state, str(n): repr(event)}

    took, base = best_of(conversation), best_of(baseline)
    per_step = took / len(script) * 1e6
    print(
        f"engine: {per_step:.0f} µs/step over a {flow.id} conversation, "
        f"{took / base:.0f}x copying a dict per step ({base / len(script) * 1e6:.1f} µs)"
    )


def main() -> None:
    bench_validate()
    bench_engine()


if __name__ == "__main__":
    main()
