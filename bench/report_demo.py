"""A realistic report to look at: 300 synthetic parents answer the test questionnaire through the
real service, then the report is drawn and photographed by headless chromium at a laptop's and a
phone's width (the pictures in docs/).

Run from the repository root: ``python -m bench.report_demo [--parents N] [--pictures]``."""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from analysis_data import build  # noqa: E402

from bot.analysis.disclosure import Rule  # noqa: E402
from bot.analysis.report import build as report  # noqa: E402
from bot.analysis.report import render  # noqa: E402
from bot.storage.reading import Filter  # noqa: E402

FFT = ["very_good", "good", "neither", "poor", "very_poor", "dont_know"]
COMMENTS = [
    "The midwives were kind and listened to me, thank you",
    "Parking was really hard at night",
    "I felt rushed at the 36 weeks appointment",
    "Lovely calm room, the birth pool made a big difference",
    "Nobody explained the discharge letter",
    "More help with breastfeeding on the first night please",
    "Staff were brilliant with my partner too",
    "Waited a long time for the scan results",
]


def scripts(n: int, rng: random.Random) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for _ in range(n):
        stages = tuple(s for s in ("antenatal", "birth") if rng.random() < 0.7) or ("other",)
        script: dict[str, object] = {
            "_tag": rng.choice(["poster-ludlow"] * 3 + ["poster-telford"] * 2 + ["leaflet"]),
            "unit": (rng.choice(["ludlow", "telford"]),),
            "stages": stages,
            "stages.other": "A home visit",
            "birth_place": (rng.choice(["unit", "unit", "home"]),),
            "fft": (rng.choices(FFT, [48, 30, 8, 6, 3, 2])[0],),
            "visits": rng.choice(["3", "5", "8", "skip", "prefer"]),
            "improve": rng.choice([*COMMENTS, "skip"]),
            "comments": rng.choice([*COMMENTS, "skip"]),
        }
        if rng.random() < 0.12:  # stopped part-way
            del script["fft"]
        out.append(script)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parents", type=int, default=300)
    parser.add_argument("--pictures", action="store_true", help="write docs/report-*.png")
    parser.add_argument("--out", type=Path, default=Path("report-demo.html"))
    args = parser.parse_args(argv)
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        half = args.parents // 2
        everyone = scripts(args.parents, rng)
        first = datetime(2026, 9, 14, 10, tzinfo=UTC)
        db = asyncio.run(build(Path(tmp), everyone[:half], everyone[half:], when=first))
        html = render(report([db], Filter(), "source", Rule(), today=date(2026, 11, 23)))
    args.out.write_text(html, encoding="utf-8")
    print(f"{args.out}: {len(html) / 1024:.0f} KB")
    if args.pictures:
        browser = shutil.which("chromium") or shutil.which("chromium-browser")
        if browser is None:
            raise SystemExit("headless pictures need Debian's chromium: apt-get install chromium")
        for width, height in ((1280, 2400), (390, 2400)):
            picture = ROOT / "docs" / f"report-{width}.png"
            subprocess.run(
                [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                 f"--window-size={width},{height}", f"--screenshot={picture}",
                 args.out.resolve().as_uri()],
                check=True, capture_output=True, timeout=60,
            )  # fmt: skip
            print(picture)


if __name__ == "__main__":
    main()
