"""The theme codebook language: good and broken YAML, each problem at file:line:col in plain
words with a "did you mean"; the shipped maternity codebook; the JSON Schema."""

from __future__ import annotations

from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.themes.check import check_file, check_text
from bot.themes.codebook import Codebook
from bot.themes.framework import SUBCATEGORIES

SHIPPED = ROOT / "themes" / "maternity.yaml"
MATERNITY_THEMES = (
    "Pain relief", "Feeding support", "Birth partner and family", "Choice and birth preferences",
    "Continuity of midwife", "Transfer between birth settings",
    "Emotional and mental health support", "Postnatal care at home",
    "Respect, dignity and discrimination",
)  # fmt: skip

GOOD = """\
id: tiny
themes:
  - id: food
    label: {en: Food, pl: Jedzenie}
    description: The food on the ward.
    framework: Food & drink provision & facilities
    phrases:
      en: [food, meal]
      pl: [jedzenie]
    guards:
      en: [no complaints about the food]
    questions: [better]
"""


def problems(text: str, questions: set[str] | None = None) -> list[str]:
    return [str(p) for p in check_text(text, "t.yaml", questions).problems]


def test_a_good_codebook_has_no_problems() -> None:
    checked = check_text(GOOD, "t.yaml")
    assert checked.ok and checked.problems == ()
    assert checked.codebook is not None
    assert checked.codebook.themes[0].guards == {"en": ["no complaints about the food"]}


def test_the_shipped_codebook_validates_and_names_the_maternity_themes_exactly() -> None:
    checked = check_file(SHIPPED)
    assert checked.ok, [str(p) for p in checked.problems]
    assert checked.problems == ()
    book = checked.codebook
    assert book is not None
    labels = {t.label["en"] for t in book.themes}
    assert set(MATERNITY_THEMES) <= labels
    for theme in book.themes:
        assert set(theme.phrases) == {"en", "pl"}, theme.id
        assert set(theme.label) == {"en", "pl"}, theme.id
        if theme.label["en"] not in MATERNITY_THEMES:
            assert theme.framework in SUBCATEGORIES, theme.id


def test_a_misspelt_key_is_located_with_did_you_mean() -> None:
    text = GOOD.replace("    guards:", "    gaurds:")
    assert problems(text) == [
        "t.yaml:10:5: error: theme 'food': unknown key 'gaurds' — did you mean 'guards'?"
    ]


def test_a_misspelt_framework_is_located_with_did_you_mean() -> None:
    text = GOOD.replace("Food & drink provision & facilities", "Food and drink provision")
    [problem] = problems(text)
    assert problem.startswith("t.yaml:6:16: error: theme 'food': 'Food and drink provision' is ")
    assert "did you mean 'Food & drink provision & facilities'?" in problem


def test_meaning_problems_are_located() -> None:
    twice = GOOD + GOOD.split("themes:\n", 1)[1]
    assert problems(twice) == ["t.yaml:13:9: error: a second theme 'food': ids must differ"]
    no_en = GOOD.replace("{en: Food, pl: Jedzenie}", "{pl: Jedzenie}")
    assert problems(no_en) == [
        "t.yaml:4:12: error: theme 'food' needs an 'en' label",
        "t.yaml:8:11: warning: theme 'food' has 'en' phrases but no 'en' label",
    ]
    assert problems(GOOD.replace("[food, meal]", "[food, '!!']")) == [
        "t.yaml:8:18: error: '!!' has no letters to match"
    ]


def test_questions_are_checked_against_the_questionnaires_when_known() -> None:
    assert problems(GOOD, {"beter", "good"}) == [
        "t.yaml:12:17: warning: no free-text question 'better' in the questionnaires"
        " — did you mean 'beter'?"
    ]
    assert problems(GOOD, {"better"}) == []


def test_a_language_the_questionnaires_offer_needs_a_label() -> None:
    checked = check_text(GOOD, "t.yaml", None, {"en", "pl", "ro"})
    assert [str(p) for p in checked.problems] == [
        "t.yaml:4:12: warning: theme 'food' has no 'ro' label, and the questionnaires offer 'ro'"
    ]
    assert checked.ok


def test_broken_yaml_and_wrong_shapes_are_located() -> None:
    assert problems("id: x\nthemes: [\n")[0].startswith("t.yaml:")
    assert problems("- a list\n") == [
        "t.yaml:1:1: error: a theme codebook must start with 'id:' and 'themes:'"
    ]
    assert problems("id: x\nthemes: []\n") == [
        "t.yaml:2:9: error: themes: 'themes' needs at least 1 item"
    ]
    missing = problems("id: x\nthemes:\n  - id: food\n")
    assert "t.yaml:3:5: error: theme 'food': 'label' is required here" in missing


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_located_problems_never_an_exception(text: str) -> None:
    checked = check_text(text, "t.yaml")
    for problem in checked.problems:
        assert problem.line >= 1 and problem.col >= 1
    assert checked.ok == (checked.codebook is not None and checked.errors == 0)


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyząęłńóśźż", min_size=1, max_size=12)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True),
            st.lists(st.lists(WORD, min_size=1, max_size=3), min_size=1, max_size=4),
            st.sampled_from([None, *SUBCATEGORIES]),
        ),
        min_size=1,
        max_size=5,
        unique_by=lambda t: t[0],
    )
)
def test_any_well_formed_codebook_checks_clean(
    themes: list[tuple[str, list[list[str]], str | None]],
) -> None:
    data = {
        "id": "made",
        "themes": [
            {
                "id": theme_id,
                "label": {"en": theme_id, "pl": theme_id},
                "description": "made up",
                "framework": framework,
                "phrases": {"en": [" ".join(p) for p in phrases], "pl": ["słowo"]},
            }
            for theme_id, phrases, framework in themes
        ],
    }
    import json

    checked = check_text(json.dumps(data, ensure_ascii=False), "t.yaml")  # JSON is YAML
    assert checked.ok, [str(p) for p in checked.problems]
    assert checked.codebook == Codebook.model_validate(data)
