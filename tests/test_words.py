"""Every word a parent reads lives in one file per language, and every language has every word
with the same blanks to fill, so no parent meets an English line in the middle of Polish."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.words import (
    LANGUAGES,
    counted,
    en,
    erased,
    every_language,
    number_of,
    number_words,
    plain,
    say,
)


def blanks(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_every_language_has_every_word_with_the_same_blanks(code: str) -> None:
    words = LANGUAGES[code].WORDS
    assert set(words) == set(en.WORDS), f"{code}: missing {set(en.WORDS) - set(words)}"
    for key, text in en.WORDS.items():
        assert text.strip() and words[key].strip(), (code, key)
        assert blanks(words[key]) == blanks(text), (code, key)


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_plural_texts_have_a_form_for_every_count(code: str) -> None:
    module = LANGUAGES[code]
    needed = max(module.plural(n) for n in range(200)) + 1
    for key, text in module.WORDS.items():
        if "|" in text:
            assert text.count("|") + 1 == needed, (code, key)


def test_counts_read_as_words_without_brackets() -> None:
    assert counted("deleted_answers", "en", 1) == "1 answer"
    assert counted("deleted_answers", "en", 3) == "3 answers"
    assert [counted("deleted_responses", "pl", n) for n in (1, 3, 5, 12, 22)] == [
        "1 ankietę", "3 ankiety", "5 ankiet", "12 ankiet", "22 ankiety",
    ]  # fmt: skip
    text = erased("en", responses=1, answers=4, contacts=1, sessions=1, days=30)
    assert text.startswith("Deleted: 1 questionnaire with 4 answers and 1 contact request.")
    assert "(s)" not in text


def test_counts_for_staff_and_the_logs_read_as_words_too() -> None:
    assert number_of(1, "problem") == "1 problem"
    assert number_of(3, "problem") == "3 problems"
    assert number_of(0, "idle session") == "0 idle sessions"
    assert number_of(1_200, "response") == "1,200 responses"


def test_a_language_without_words_falls_back_to_english() -> None:
    assert say("back", "ro") == say("back", "en") == "Back"


def test_typed_words_match_with_or_without_accents() -> None:
    assert plain("Usuń") == plain("usun") == "usun"
    assert plain("ŁÓDŹ") == "lodz"
    assert "usun" in every_language("delete_word")
    assert number_words()[plain("dwie")] == 2 == number_words()["two"]
    assert number_words()["piec"] == 5  # "pięć" typed without Polish letters


@given(st.text())
def test_folding_never_fails_and_is_idempotent(text: str) -> None:
    assert plain(plain(text)) == plain(text)
