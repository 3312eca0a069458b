"""The safeguarding model as the bot reads it (bot/safety/model.py, without scikit-learn) gives
scikit-learn's own probabilities, and the table shipped is the one the labelled sets train."""

from __future__ import annotations

import pytest

from bench.safety_model import as_model, cross_validated, fitted, labelled
from bot.safety.model import Model, pieces, reads, shipped_model

pytestmark = pytest.mark.timeout(240)  # training takes seconds, cross-validation a little more


@pytest.fixture(scope="module")
def trained() -> tuple[list[str], list[float], Model]:
    texts, labels = labelled()
    vec, clf = fitted(texts, labels)
    texts = [t for t in texts if reads(t)]  # the rest, the bot leaves to the lists
    expected = [float(p) for p in clf.predict_proba(vec.transform(texts))[:, 1]]
    return texts, expected, as_model(vec, clf, 0.5)


def test_our_reading_gives_scikit_learns_probabilities(
    trained: tuple[list[str], list[float], Model],
) -> None:
    texts, expected, model = trained
    worst = max(abs(model.probability(t) - p) for t, p in zip(texts, expected, strict=True))
    assert worst < 1e-9
    table = Model.parse(model.table())  # as written to model.tsv: 6 significant digits
    worst = max(abs(table.probability(t) - p) for t, p in zip(texts, expected, strict=True))
    assert worst < 1e-3


def test_the_shipped_table_is_what_the_labelled_sets_train(
    trained: tuple[list[str], list[float], Model],
) -> None:
    texts, expected, _ = trained
    shipped = shipped_model()
    threshold, _ = cross_validated(*labelled())
    assert shipped.threshold == threshold, "run: python -m bench.safety_model"
    drift = max(abs(shipped.probability(t) - p) for t, p in zip(texts, expected, strict=True))
    assert drift < 1e-3, "run: python -m bench.safety_model"


def test_letter_sequences_are_cut_as_scikit_learn_cuts_them() -> None:
    assert list(pieces("Ból!")) == [" b", "bo", "ol", "l!", "! ", " bo", "bol", "ol!", "l! ",
                                    " bol", "bol!", "ol! ", " bol!", "bol! "]  # fmt: skip
    assert list(pieces("a")) == [" a", "a ", " a "]  # a short word counts once, whole


def test_a_message_of_a_word_or_two_is_left_to_the_lists() -> None:
    model = shipped_model()
    assert model.probability("3") == model.probability("nie mam") == 0.0
    assert not reads("1, 2") and reads("I can't go on")
