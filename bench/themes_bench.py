"""The theme coder: per theme precision / recall / F1 of the shipped codebook (themes/
maternity.yaml) on the labelled maternity set and, given its path, the public NHS FFT data;
sentiment accuracy and recall of negative comments on held-out comments; and coding speed
against a bare regex scan of the same comments in the same run.

On the NHS data a theme is measured against the framework sub-category it names, for every theme
whose sub-category the data holds. The NHS comments are split in the way the sentiment model
was trained (bench/themes_data.py): the codebook's phrases were written reading comments of the
tuning part only, so the held-out part is the fair figure. Run from the repository root:
``python -m bench.themes_bench [--nhs ../shared/data/nhs-fft-qdc-v6.csv]``.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from bench import themes_data
from bench.themes_data import Comment
from bot.themes.check import check_file
from bot.themes.codebook import Codebook
from bot.themes.coder import Coder

#: Themes about something concrete, held to F1 >= F1_TARGET; every theme to PRECISION_TARGET.
CONCRETE = ("staff_manner", "waiting", "appointments", "food", "cleanliness", "parking",
            "pain_relief", "feeding_support", "discharge", "contacting")  # fmt: skip
F1_TARGET = 0.75
PRECISION_TARGET = 0.6
NEGATIVE_RECALL_TARGET = 0.7
SPEED_TARGET = 10_000  # comments a second
RUNS = 3


def shipped() -> Codebook:
    checked = check_file(themes_data.CODEBOOK)
    if checked.codebook is None or not checked.ok:
        raise SystemExit("\n".join(map(str, checked.problems)))
    return checked.codebook


def scores(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def theme_table(
    coder: Coder, comments: list[Comment], label_of: Callable[[str], str | None]
) -> list[str]:
    """One row a theme: its label in the data (`label_of`), counts and scores."""
    coded = [{code.theme for code in coder.themes_of(c.text)} for c in comments]
    rows = [
        "| theme | labelled | coded | precision | recall | F1 | target |",
        "|---|---|---|---|---|---|---|",
    ]
    for theme in coder.book.themes:
        label = label_of(theme.id)
        if label is None:
            continue
        truth = [label in c.themes for c in comments]
        if not any(truth):
            continue
        said = [theme.id in ids for ids in coded]
        tp = sum(t and s for t, s in zip(truth, said, strict=True))
        fp = sum(s and not t for t, s in zip(truth, said, strict=True))
        fn = sum(t and not s for t, s in zip(truth, said, strict=True))
        p, r, f = scores(tp, fp, fn)
        wants = f"F1 ≥ {F1_TARGET}" if theme.id in CONCRETE else f"P ≥ {PRECISION_TARGET}"
        met = (f >= F1_TARGET if theme.id in CONCRETE else True) and p >= PRECISION_TARGET
        rows.append(
            f"| {theme.id} | {tp + fn} | {tp + fp} | {p:.2f} | {r:.2f} | {f:.2f} | "
            f"{wants}{'' if met else ' **missed**'} |"
        )
    return rows


def sentiment_rows(coder: Coder, name: str, comments: Iterable[Comment]) -> list[str]:
    labelled = [c for c in comments if c.sentiment]
    said = [coder.code(c.text).sentiment for c in labelled]
    right = sum(s == c.sentiment for s, c in zip(said, labelled, strict=True))
    negative = [s for s, c in zip(said, labelled, strict=True) if c.sentiment == "negative"]
    found = sum(s in ("negative", "mixed") for s in negative)
    strict = sum(s == "negative" for s in negative)
    n = len(negative) or 1
    return [
        f"| {name} | {len(labelled):,} | {right / len(labelled):.2f} | {found / n:.2f} | "
        f"{strict / n:.2f} |"
    ]


def floor(book: Codebook) -> Callable[[str], int]:
    """The bare regex scan: every phrase, lower-cased, as one alternation of whole words."""
    phrases = {p.casefold() for t in book.themes for ps in t.phrases.values() for p in ps}
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(phrases))) + r")\b")
    return lambda text: len(pattern.findall(text.casefold()))


def speed(book: Codebook, texts: list[str]) -> list[str]:
    coder = Coder(book)
    scan = floor(book)
    for text in texts:  # every word's readings worked out once, as in a long-running bot
        coder.code(text)
    rows = []
    timings: dict[str, list[float]] = {"themes and sentiment": [], "themes": [], "regex": []}
    for _ in range(RUNS):
        for name, run in (
            ("themes and sentiment", coder.code), ("themes", coder.themes_of), ("regex", scan),
        ):  # fmt: skip
            started = time.perf_counter()
            for text in texts:
                run(text)
            timings[name].append(len(texts) / (time.perf_counter() - started))
    regex = statistics.median(timings["regex"])
    for name, rates in timings.items():
        low, mid, high = min(rates), statistics.median(rates), max(rates)
        rows.append(
            f"| {name} | {low:,.0f} | {mid:,.0f} | {high:,.0f} | {regex / mid:.2f}× |"
            if name != "regex"
            else f"| {name} | {low:,.0f} | {mid:,.0f} | {high:,.0f} | 1 |"
        )
    met = statistics.median(timings["themes and sentiment"]) >= SPEED_TARGET
    rows.append(f"target: ≥ {SPEED_TARGET:,} comments a second — {'met' if met else 'MISSED'}")
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nhs", type=Path, help="the public NHS FFT labelled CSV")
    args = parser.parse_args(argv)
    book = shipped()
    coder = Coder(book)
    mat = themes_data.maternity()
    print(f"\n## Themes on the maternity set ({len(mat)} comments, tests/data/themes)\n")
    print("\n".join(theme_table(coder, mat, lambda theme: theme)))
    by_id = {t.id: t.framework for t in book.themes}
    sentiment = ["| comments | labelled | accuracy | negative found (negative or mixed) | "
                 "negative said negative |", "|---|---|---|---|---|"]  # fmt: skip
    sentiment += sentiment_rows(coder, "maternity, held-out half", (c for c in mat if c.held_out))
    texts = [c.text for c in mat]
    if args.nhs and args.nhs.is_file():
        nhs = themes_data.nhs(args.nhs)
        for part, chosen in (("held out", True), ("tuning part", False)):
            rows = [c for c in nhs if c.held_out == chosen]
            print(f"\n## Themes on the NHS data, {part} ({len(rows):,} comments)\n")
            print("\n".join(theme_table(coder, rows, by_id.get)))
        sentiment += sentiment_rows(coder, "NHS, held-out fifth", (c for c in nhs if c.held_out))
        texts = [c.text for c in nhs]
    else:
        print("\nNHS data not given (--nhs PATH): its part of the benchmark was skipped.")
    print("\n## Sentiment (held-out comments, never trained on)\n")
    print("\n".join(sentiment))
    print(f"target: negative found ≥ {NEGATIVE_RECALL_TARGET}")
    print(f"\n## Coding speed, {len(texts):,} comments, comments a second ({RUNS} runs)\n")
    print("| coder | min | median | max | time a comment, against the regex scan |")
    print("|---|---|---|---|---|")
    print("\n".join(speed(book, texts)))


if __name__ == "__main__":
    main()
