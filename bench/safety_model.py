"""Train the safeguarding model (bot/safety/model.tsv) on the labelled sets, and say how it does.

Trains scikit-learn's TfidfVectorizer (letter sequences of 2 to 5 inside words) and a logistic
regression on sets 1 to 3 of every language, picks the lowest threshold at which the lists and
the model together raise at most 1.5% false alarms in 5-fold cross-validation, and writes the
table the bot reads without scikit-learn. Set 4 is never trained on: the benchmark
(`python -m bench.safety_bench`) measures it. Run from the repository root:
``python -m bench.safety_model`` (needs the test extras: scikit-learn).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from bot.safety import SHIPPED, danger_check
from bot.safety.model import SIZES, Model, reads
from bot.words import plain

SETS = Path(__file__).resolve().parents[1] / "tests" / "data" / "safeguarding"
TABLE = Path(__file__).resolve().parents[1] / "bot" / "safety" / "model.tsv"
TRAINED_ON = ("set1", "set2", "set3")
FALSE_ALARM_BUDGET = 0.015  # cross-validated, the lists and the model together
THRESHOLDS = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)


def lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def labelled(folders: tuple[str, ...] = TRAINED_ON) -> tuple[list[str], list[int]]:
    texts: list[str] = []
    labels: list[int] = []
    for folder in folders:
        for language in SHIPPED:
            danger = lines(SETS / folder / f"{language}_danger.txt")
            ordinary = lines(SETS / folder / f"{language}_ordinary.txt")
            texts += danger + ordinary
            labels += [1] * len(danger) + [0] * len(ordinary)
    return texts, labels


def vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="char_wb", ngram_range=SIZES, preprocessor=plain, sublinear_tf=True, min_df=2
    )


def classifier() -> LogisticRegression:
    return LogisticRegression(C=10, class_weight="balanced", max_iter=5000)


def fitted(texts: list[str], labels: list[int]) -> tuple[TfidfVectorizer, LogisticRegression]:
    vec = vectorizer()
    return vec, classifier().fit(vec.fit_transform(texts), labels)


def as_model(vec: TfidfVectorizer, clf: LogisticRegression, threshold: float) -> Model:
    weights = {
        letters: (float(vec.idf_[i]), float(clf.coef_[0][i]))
        for letters, i in vec.vocabulary_.items()
    }
    return Model(weights, float(clf.intercept_[0]), threshold)


def cross_validated(texts: list[str], labels: list[int]) -> tuple[float, list[str]]:
    """The threshold to ship, and a report of every threshold tried."""
    y = np.array(labels)
    lists = danger_check(model=False)
    rules = np.array([lists(t) for t in texts])
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    x = vectorizer().fit_transform(texts)  # (idf from all folds: a small, known optimism)
    p = cross_val_predict(classifier(), x, y, cv=folds, method="predict_proba")[:, 1]
    p = p * np.array([reads(t) for t in texts])  # as the bot reads: short messages are the lists'

    report, chosen = [], THRESHOLDS[-1]
    for threshold in THRESHOLDS:
        model = p >= threshold
        both = model | rules
        alarms = float(both[y == 0].mean())
        report.append(
            f"  threshold {threshold:.2f}: model alone recall {model[y == 1].mean():.3f}, "
            f"false alarms {model[y == 0].mean():.3f}; with the lists {alarms:.3f}"
        )
        if alarms <= FALSE_ALARM_BUDGET and chosen == THRESHOLDS[-1]:
            chosen = threshold
    return chosen, report


def main() -> None:
    texts, labels = labelled()
    threshold, report = cross_validated(texts, labels)
    print(f"{len(texts)} labelled messages ({sum(labels)} danger), 5-fold cross-validation:")
    print("\n".join(report))
    vec, clf = fitted(texts, labels)
    model = as_model(vec, clf, threshold)
    TABLE.write_text(model.table(), encoding="utf-8")
    print(f"wrote {TABLE.name}: {len(model.weights)} letter sequences, threshold {threshold}")


if __name__ == "__main__":
    main()
