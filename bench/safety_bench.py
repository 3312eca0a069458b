"""Safeguarding signposting: recall of danger and false alarms on every labelled set, and the
time to read a message against a floor measured in the same run.

The sets are in tests/data/safeguarding/ (its README says who wrote each): sets 1 to 3 built
the lists and trained the model; set 4, measured unseen first, then taught the lists new concepts;
set 5 was written last and never used to change either. Each
set is measured with the lists alone and with the lists and the model. The floor is the
simplest test anyone would write: is any built-in phrase, lower-cased, a substring of the
lower-cased message. Run from the repository root: ``python -m bench.safety_bench``.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

from bot.safety import SHIPPED, _built, danger_check

SETS = Path(__file__).resolve().parents[1] / "tests" / "data" / "safeguarding"
RECALL_TARGET = 0.98
FALSE_ALARM_TARGET = 0.02


def lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def quality_table() -> str:
    checks = {"lists": danger_check(model=False), "lists and model": danger_check()}
    rows = [
        "| set | language | check | danger found | recall | ordinary signposted | false alarms |",
        "|---|---|---|---|---|---|---|",
    ]
    for folder in ("set1", "set2", "set3", "set4", "set5"):
        for language in SHIPPED:
            danger_path = SETS / folder / f"{language}_danger.txt"
            if not danger_path.exists():
                continue
            danger = lines(danger_path)
            ordinary = lines(SETS / folder / f"{language}_ordinary.txt")
            for name, check in checks.items():
                found = sum(map(check, danger))
                alarms = sum(map(check, ordinary))
                recall, false = found / len(danger), alarms / len(ordinary)
                rows.append(
                    f"| {folder} | {language} | {name} | {found} of {len(danger)} | "
                    f"{recall:.3f} | {alarms} of {len(ordinary)} | {false:.3f} |"
                )
    rows.append(
        f"targets: recall at least {RECALL_TARGET}, false alarms at most {FALSE_ALARM_TARGET}"
    )
    return "\n".join(rows)


def _floor() -> Callable[[str], bool]:
    phrases = [p.casefold() for module in SHIPPED.values() for p in module.PHRASES if "*" not in p]

    def found(text: str) -> bool:
        folded = text.casefold()
        return any(p in folded for p in phrases)

    return found


def _seconds_per_message(fn: Callable[[str], object], messages: list[str]) -> float:
    start = time.perf_counter()
    for message in messages:
        fn(message)
    return (time.perf_counter() - start) / len(messages)


def speed_table(runs: int = 5) -> str:
    check, floor = danger_check(), _floor()
    messages = [
        line
        for folder in ("set1", "set2", "set3")
        for name in ("en_ordinary", "pl_ordinary", "en_danger", "pl_danger")
        for line in lines(SETS / folder / f"{name}.txt")
    ]
    long = (" ".join(messages))[:10_000]
    figures = {
        "µs per message (labelled sets)": (
            [_seconds_per_message(check, messages) * 1e6 for _ in range(runs)],
            [_seconds_per_message(floor, messages) * 1e6 for _ in range(runs)],
        ),
        "ms for one 10,000-character message": (
            [_seconds_per_message(check, [long]) * 1e3 for _ in range(runs)],
            [_seconds_per_message(floor, [long]) * 1e3 for _ in range(runs)],
        ),
    }
    _built.cache_clear()  # built once a process: time a fresh build, as at start-up
    started = time.perf_counter()
    danger_check()
    built = (time.perf_counter() - started) * 1e3
    rows = [
        f"| figure | ours (min / median / max of {runs}) | floor: any phrase as a substring | "
        "ours ÷ floor |",
        "|---|---|---|---|",
    ]
    for label, (ours, base) in figures.items():
        ratio = statistics.median(ours) / statistics.median(base)
        rows.append(
            f"| {label} | {min(ours):.1f} / {statistics.median(ours):.1f} / {max(ours):.1f} | "
            f"{min(base):.1f} / {statistics.median(base):.1f} / {max(base):.1f} | {ratio:.2f}× |"
        )
    rows.append(f"building the lists once at start-up: {built:.0f} ms; {len(messages)} messages")
    return "\n".join(rows)


def main() -> None:
    print("## Safeguarding signposting")
    print(quality_table())
    print()
    print(speed_table())


if __name__ == "__main__":
    main()
