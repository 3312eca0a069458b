"""Train the theme coder's sentiment model (bot/themes/sentiment.tsv) and say how it does.

Two logistic regressions (scikit-learn) over the features `bot.themes.sentiment.features` makes
(words with their endings off, negated words marked, pairs of words), one for criticism and one
for praise, trained on the NHS comments and the maternity comments that are not held out
(bench/themes_data.py), balanced by class. Only weights of some size are kept, so the table stays
small; the bot reads it without scikit-learn. Run from the repository root:
``python -m bench.themes_sentiment --nhs ../shared/data/nhs-fft-qdc-v6.csv`` (needs the test
extras). Without --nhs it trains on the maternity set alone, which is not what is shipped.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression

from bench import themes_data
from bot.themes.sentiment import Model, features

TABLE = Path(__file__).resolve().parents[1] / "bot" / "themes" / "sentiment.tsv"
SMALLEST_WEIGHT = 0.08  # weights nearer 0 than this in both models are dropped
THRESHOLDS = (0.5, 0.5)  # criticism, praise
MATERNITY_WEIGHT = 3.0  # a maternity comment counts for this many NHS ones


def targets(sentiment: str) -> tuple[int, int]:
    """(criticism, praise) for a labelled sentiment."""
    return {
        "negative": (1, 0), "positive": (0, 1), "mixed": (1, 1), "neutral": (0, 0),
    }[sentiment]  # fmt: skip


def train(comments: list[themes_data.Comment]) -> Model:
    used = [c for c in comments if c.sentiment and not c.held_out]
    texts = [c.text for c in used]
    weights = [MATERNITY_WEIGHT if not c.key.startswith("nhs:") else 1.0 for c in used]
    vec = CountVectorizer(analyzer=features, binary=True, min_df=2)
    x = vec.fit_transform(texts)
    models = []
    for side in (0, 1):
        y = [targets(c.sentiment or "")[side] for c in used]
        model = LogisticRegression(C=0.5, class_weight="balanced", max_iter=5000)
        models.append(model.fit(x, y, sample_weight=weights))
    names = vec.get_feature_names_out()
    table = {}
    for i, name in enumerate(names):
        a, b = float(models[0].coef_[0][i]), float(models[1].coef_[0][i])
        if max(abs(a), abs(b)) >= SMALLEST_WEIGHT:
            table[str(name)] = (a, b)
    intercepts = (float(models[0].intercept_[0]), float(models[1].intercept_[0]))
    return Model(table, intercepts, THRESHOLDS)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nhs", type=Path, help="the public NHS FFT labelled CSV")
    args = parser.parse_args(argv)
    comments = themes_data.maternity()
    if args.nhs:
        comments += themes_data.nhs(args.nhs)
    model = train(comments)
    TABLE.write_text(model.table(), encoding="utf-8")
    print(f"wrote {TABLE}: {len(model.weights):,} features, {TABLE.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
