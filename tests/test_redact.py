"""Tests for bot.redact: recall and false positives on a corpus, plus unit and property tests."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bench.redact_bench import (
    MAX_FALSE_POSITIVE_RATE,
    RECALL_TARGETS,
    WEST_MIDLANDS_RECALL,
    WEST_MIDLANDS_UNCHANGED,
    Scores,
    score,
)
from bot.privacy.name_lists import equality_categories, faker_names, stored_names
from bot.privacy.redact import PLACEHOLDERS, Redactor, is_valid_nhs_number, redact

CORPUS_PATH = Path(__file__).parent / "data" / "redaction_corpus.yaml"
CORPUS: dict[str, Any] = yaml.safe_load(CORPUS_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor(CORPUS["extra_names"])


@pytest.fixture(scope="module")
def scores(redactor: Redactor) -> Scores:
    return score(redactor, CORPUS)


def test_corpus_covers_every_kind() -> None:
    kinds = Counter(k for case in CORPUS["planted"] for k, v in case["expect"].items() for _ in v)
    assert len(CORPUS["planted"]) >= 40
    assert len(CORPUS["clean"]) >= 60
    # hospital numbers and car registrations came later (issue 26): the West Midlands set has them
    assert set(kinds) == set(PLACEHOLDERS) - {"hospital_number", "vehicle"}
    assert kinds["name"] >= 8
    assert all(n >= 5 for n in kinds.values()), kinds
    for case in CORPUS["planted"]:
        for items in case["expect"].values():
            assert all(item in case["text"] for item in items), case


@pytest.mark.parametrize("kind", list(RECALL_TARGETS))
def test_recall(scores: Scores, kind: str) -> None:
    recall = scores["found"][kind] / scores["total"][kind]
    misses = [m for m in scores["misses"] if m[0] == kind]
    assert recall >= RECALL_TARGETS[kind], misses


def test_false_positive_rate(scores: Scores) -> None:
    assert len(scores["changed"]) / len(CORPUS["clean"]) <= MAX_FALSE_POSITIVE_RATE, scores[
        "changed"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "the midwife sarah was lovely, call me on 07700 900123",
            "the midwife [name] was lovely, call me on [phone]",
        ),
        ("nhs number 999 186 0916, dob 02/07/1995", "nhs number [nhs number], dob [date]"),
        ("Priya Sharma's visit on 3rd March", "[name]'s visit on [date]"),
        ("email jess.w@example.org or see www.example.com/a.", "email [email] or see [url]."),
        ("we live at SY8 9ZZ, follow @ludlowmum", "we live at [postcode], follow [handle]"),
        ("I hope May in Ludlow brings joy, 39 weeks at 4am", None),
        ("call 07700 900123 2 kids", "call [phone] 2 kids"),
        ("Małgorzata Szczepańska was lovely", "[name] was lovely"),
        ("Wojciech Kowalczyk and Zofia", "[name] and [name]"),
        ("kasia helped, the midwife sarah too", "[name] helped, the midwife [name] too"),
        ("dean the porter was kind", "[name] the porter was kind"),
        ("Dean, the night porter, was kind", "[name], the night porter, was kind"),
        ("Harpreet the maternity support worker", "[name] the maternity support worker"),
        ("Luckily the midwife came; call the porter", None),
        ("Will the midwife come? Hope the nurse reads this", None),
        ("we live at 12 Church Street", "we live at [address]"),
        ("Flat 3, 45 High Road, Telford", "[address], Telford"),
        ("22 Abbey Foregate", "[address]"),
        ("36 weeks, Ward 21, Room 4, Bay 2, 39+2, 2 kids, 2 hours", None),
        ("3 days in a row, 2 kids at the park, ward 21 green team", None),
    ],
)
def test_keeps_the_rest_of_the_sentence(text: str, expected: str | None) -> None:
    assert redact(text) == (text if expected is None else expected)


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("9995260182", True),
        ("999 526 0182", True),
        ("999-016-6137", True),
        ("9995260183", False),  # wrong check digit
        ("9990000001", False),  # check digit would be 10: never valid
        ("999 000 0000", False),
        ("999526018", False),  # 9 digits
    ],
)
def test_nhs_check_digit(number: str, valid: bool) -> None:
    assert is_valid_nhs_number(number) is valid


@pytest.mark.parametrize("number", ["999 526 0182", "999-526-0182", "9995260182"])
def test_valid_nhs_numbers_are_redacted(number: str) -> None:
    assert redact(f"my nhs number is {number} thanks") == "my nhs number is [nhs number] thanks"


@pytest.mark.parametrize("number", ["999 000 0001", "999 526 0183", "9995260183"])
def test_invalid_nhs_numbers_are_not_nhs_numbers(number: str) -> None:
    assert "[nhs number]" not in redact(f"my nhs number is {number} thanks")


def test_extra_names_from_config() -> None:
    text = "sister joy hall was kind and joy is what we need"
    assert redact(text) == text  # "joy" and "hall" alone are ordinary words
    staff = Redactor(["Sister Joy Hall", "Dr Patel", "Gwen Ashworth-Price"])
    assert staff.redact(text) == "sister [name] was kind and joy is what we need"
    assert staff.redact("SISTER JOY was kind") == "SISTER [name] was kind"
    assert staff.redact("ask for dr. patel or sister hall") == "ask for dr. [name] or sister [name]"
    assert redact("ashworth-price helped") == "ashworth-price helped"
    assert redact("ashworth-price helped", ["Gwen Ashworth-Price"]) == "[name] helped"


_TEMPLATES = {
    "ethnic group": ["my ethnic group is {}", "as a {} mum I felt listened to"],
    "religion": ["my religion is {}", "we are {} and the chaplain was kind"],
    "main language": ["I speak {} at home", "an interpreter for {} would have helped"],
    "national identity": ["I am {}", "my partner is {} and felt welcome"],
    "nationality": ["I am {}", "my partner is {} and felt welcome"],
}


def _equality_sentences() -> list[str]:
    return [
        template.format(text)
        for section, categories in equality_categories().items()
        for category in categories
        for text in (category, category.lower())
        for template in _TEMPLATES[section]
    ]


def test_equality_words_are_never_names() -> None:
    """Every ONS 2021 ethnic group, religion and main language (and nationality): 0 changed."""
    sections = equality_categories()
    assert set(sections) == set(_TEMPLATES)
    assert len(sections["ethnic group"]) >= 24 and len(sections["main language"]) >= 80
    sentences = _equality_sentences()
    assert len(sentences) == 4 * sum(len(c) for c in sections.values())
    changed = [(s, out) for s in sentences if (out := redact(s)) != s]
    assert changed == []


@pytest.mark.parametrize(
    "text",
    [
        "as a Pakistani Muslim mum",
        "I speak Polish and Romanian",
        "Gypsy or Irish Traveller",
        "Sikh",
        "Jewish",
        "Bangladeshi",
        "White Irish",
        "Polish Roma",
        "my partner is Jain and speaks Shona",
    ],
)
def test_equality_answers_are_kept(text: str) -> None:
    assert redact(text) == text


def test_stored_names_are_what_faker_gives() -> None:
    """faker_names.txt is current: regenerate with `python -m bot.privacy.name_lists`."""
    for stored, installed in zip(stored_names(), faker_names(), strict=True):
        assert len(installed) > 10_000
        assert len(stored ^ installed) <= 0.02 * len(installed)  # a minor Faker release may differ


def test_redactors_share_the_word_lists() -> None:
    a, b = Redactor(), Redactor(["Sister Joy Hall"])
    assert a._first is b._first and a._last is b._last and a._stop is b._stop


def test_idempotent_on_corpus(redactor: Redactor) -> None:
    for text in [c["text"] for c in CORPUS["planted"]] + CORPUS["clean"]:
        once = redactor.redact(text)
        assert redactor.redact(once) == once


EMAILS = st.builds(
    "{}@{}".format,
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,20}[A-Za-z0-9]", fullmatch=True),
    st.sampled_from(["example.org", "example.com", "mail.example.co.uk", "EXAMPLE.ORG"]),
)
PHONES = st.builds(
    str.format,
    st.sampled_from(
        [
            "07700 900{:03d}",
            "07700900{:03d}",
            "+44 7700 900{:03d}",
            "+447700900{:03d}",
            "01632 960{:03d}",
            "(01632) 960{:03d}",
            "020 7946 0{:03d}",
            "0121 496 0{:03d}",
        ]
    ),
    st.integers(0, 999),
)
SLOW = settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])


@SLOW
@given(st.text(max_size=10_000))
def test_never_raises_and_returns_str(text: str) -> None:
    assert isinstance(redact(text), str)


@SLOW
@given(st.text(max_size=2_000))
def test_idempotent_on_arbitrary_text(text: str) -> None:
    once = redact(text)
    assert redact(once) == once


@SLOW
@given(st.text(max_size=300), EMAILS | PHONES, st.text(max_size=300))
def test_planted_email_or_phone_never_survives(before: str, item: str, after: str) -> None:
    assert item not in redact(f"{before} {item} {after}")


# Arbitrary unicode, with Polish letters, C0/C1 control characters and pieces of the personal
# details the redactor looks for, so that both its paths (something found, nothing found) run.
_PIECES = st.sampled_from(
    [
        "Małgorzata",
        "Szczepańska",
        "żółć",
        "Łódź",
        "kasia",
        "dean the porter",
        "12 Church Street",
        "Flat 3, ",
        "07700 900123",
        "SY8 9ZZ",
        "a@example.org",
        "@mum",
        "3rd March",
        "[",
        "]",
        "name",
        " ",
        "\n",
    ]
)
_POLISH = st.sampled_from("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
_CONTROL = st.characters(max_codepoint=0x9F, categories=["Cc"])
_HOSTILE = st.lists(st.text(max_size=20) | _PIECES | _POLISH | _CONTROL, max_size=40).map("".join)
_ANY_PLACEHOLDER = "|".join(re.escape(p) for p in PLACEHOLDERS.values())


@SLOW
@given(_HOSTILE)
def test_never_raises_and_never_adds_text(text: str) -> None:
    """The output is the input with some spans replaced by placeholders, nothing else."""
    assume(re.search(_ANY_PLACEHOLDER, text) is None)
    out = redact(text)
    pos = 0
    for piece in re.split(_ANY_PLACEHOLDER, out):  # every piece, in order, is from the input
        found = text.find(piece, pos)
        assert found >= 0, (piece, text, out)
        pos = found + len(piece)
    assert redact(out) == out  # nothing left that the redactor would still take for PII


def test_the_tries_hold_exactly_the_listed_names() -> None:
    """The tries the bot maps from disk are the text lists (regenerate with
    `python -m bot.privacy.name_lists --tries` after editing them)."""
    from bot.privacy.name_lists import listed_names, word_lists

    first, last = listed_names()
    lists = word_lists()
    assert set(lists.any_first.trie.keys()) == first
    assert set(lists.last.trie.keys()) == last
    assert "jane" in lists.first and "kowalska" in lists.last
    assert "hope" in lists.any_first and "hope" not in lists.first  # a stop-word, not a name


# The West Midlands set (issue 26), written before the redactor was changed: names of the
# communities the service serves, each token scored on its own, the new kinds, and clean sentences
# with eponyms, local places and words that are also names.
WEST_PATH = Path(__file__).parent / "data" / "redaction_corpus_west_midlands.yaml"
WEST: dict[str, Any] = yaml.safe_load(WEST_PATH.read_text(encoding="utf-8"))
COMMUNITIES = {
    "south_asian",
    "somali",
    "polish",
    "romanian",
    "irish",
    "west_african",
    "caribbean",
    "english",
    "surname_word",
    "nickname",
    "lone",
}


@pytest.fixture(scope="module")
def west_scores() -> Scores:
    return score(Redactor(WEST["extra_names"]), WEST)


def test_west_midlands_set_covers_every_kind_and_community() -> None:
    kinds = Counter(k for case in WEST["planted"] for k, v in case["expect"].items() for _ in v)
    assert len(WEST["planted"]) >= 400 and len(WEST["clean"]) >= 200
    assert set(kinds) == set(PLACEHOLDERS)
    assert all(n >= 12 for n in kinds.values()), kinds
    assert {case["group"] for case in WEST["planted"] if "group" in case} == COMMUNITIES
    for case in WEST["planted"]:
        for items in case["expect"].values():
            assert all(item in case["text"] for item in items), case


@pytest.mark.parametrize("kind", sorted(PLACEHOLDERS))
def test_west_midlands_recall(west_scores: Scores, kind: str) -> None:
    """Every kind at 0.95, each token of a name on its own (a surname left behind is a miss)."""
    recall = west_scores["found"][kind] / west_scores["total"][kind]
    misses = [m for m in west_scores["misses"] if m[0] == kind]
    assert recall >= WEST_MIDLANDS_RECALL, misses


@pytest.mark.parametrize("group", sorted(COMMUNITIES))
def test_west_midlands_names_of_every_community(west_scores: Scores, group: str) -> None:
    found, total = west_scores["group_found"][group], west_scores["group_total"][group]
    assert found / total >= WEST_MIDLANDS_RECALL, (group, found, total)


def test_west_midlands_clean_sentences_unchanged(west_scores: Scores) -> None:
    unchanged = 1 - len(west_scores["changed"]) / len(WEST["clean"])
    assert unchanged >= WEST_MIDLANDS_UNCHANGED, west_scores["changed"]


def test_scorer_counts_a_surname_left_behind() -> None:
    corpus = {
        "planted": [{"text": "Karen Smith was kind", "expect": {"name": ["Karen Smith"]}}],
        "clean": [],
    }

    class HalfRedactor(Redactor):
        def find(self, text: str) -> list[tuple[int, int, str]]:
            return [(0, 5, "name")]  # "Karen" only

        def redact(self, text: str) -> str:
            return "[name] Smith was kind"

    half = score(HalfRedactor(), corpus)
    assert (half["found"]["name"], half["total"]["name"]) == (1, 2)
    whole = score(Redactor(), corpus)
    assert (whole["found"]["name"], whole["total"]["name"]) == (2, 2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my hospital number is RJ12345", "my hospital number is [hospital number]"),
        (
            "hosp no: rxw2847561, unit no H 1234567",
            "hosp no: [hospital number], unit no [hospital number]",
        ),
        ("Ref: H0034271 on my wristband", "Ref: [hospital number] on my wristband"),
        ("our car AB12 CDE got a ticket", "our car [vehicle] got a ticket"),
        ("reg ab12cde, and R123 ABC", "reg [vehicle], and [vehicle]"),
        ("send it to jo at gmail dot com", "send it to [email]"),
        ("emma.hill(at)yahoo(dot)co(dot)uk or sahra_j @ outlook.com", "[email] or [email]"),
        ("my fundraiser is at gofundme.com/f/baby", "my fundraiser is at [url]"),
        ("flat 12 Wrekin Court, Wellington", "[address], Wellington"),
        ("we're at Rose Cottage, Clun", "we're at [address], Clun"),
        ("our house is called The Willows", "our house is called [address]"),
        ("Karen Smith and Mrs Wright", "[name] and Mrs [name]"),
        ("Siobhán Murphy, Róisín and Łukasz", "[name], [name] and [name]"),
        ("my midwife grace was kind", "my midwife [name] was kind"),
        ("the midwife will come", None),
        ("I had Braxton Hicks and Addison's", None),
        ("we live in Hadley near Wellington and Madeley", None),
        ("Bishop's Castle, Ludlow, Oswestry, Bromyard, Leominster, Kidderminster", None),
        ("to be frank, labour started at dawn", None),
        ("Hope House and the Alexandra in Redditch", None),
        ("the A4103 and the M54, B12 jabs, 36 weeks", None),
        ("we stayed at Telford. Co-sleeping was discussed", None),
        ("we moved from Russia, then Uganda, then Sierra Leone", None),
        ("my nanna and my sil came but the telly was broken", None),
        ("a Moses basket from the Baby Bank", None),
        ("my unit number is 1234567", "my unit number is [hospital number]"),
        ("address is 4 The Paddocks, Shifnal", "address is [address], Shifnal"),
        ("I live at 36 weeks, we moved to 2 kids", None),
        ("Rose Cottage Farm Shop and Bridge House surgery", None),
    ],
)
def test_west_midlands_kinds(text: str, expected: str | None) -> None:
    assert redact(text) == (text if expected is None else expected)


@pytest.mark.parametrize("doc", ["README.md", "docs/analysis.md", "bot/privacy/README.md"])
def test_docs_name_every_placeholder(doc: str) -> None:
    """The placeholders an analyst meets in an export are those the docs list."""
    text = (Path(__file__).parents[1] / doc).read_text(encoding="utf-8")
    assert [p for p in PLACEHOLDERS.values() if f"`{p}`" not in text] == []


def test_checks_written_after_the_changes() -> None:
    """Sentences written after the West Midlands changes (no longer unseen: what they found was
    mended): every kind at 0.95, every clean sentence unchanged. "Ina May Gaskin" loses only Ina."""
    after = yaml.safe_load(
        (Path(__file__).parent / "data" / "redaction_checks_after.yaml").read_text()
    )
    scores = score(Redactor(after["extra_names"]), after)
    for kind, total in scores["total"].items():
        assert scores["found"][kind] / total >= WEST_MIDLANDS_RECALL, (kind, scores["misses"])
    assert scores["changed"] == []
