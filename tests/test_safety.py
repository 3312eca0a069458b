"""Safeguarding signposting, held to a clinical-safety standard (docs/clinical-safety.md keeps
its hazard log in step with these tests): the danger lists of every shipped language, measured
on labelled sets of real-sounding messages, and the right message in the parent's language in
the terminal, the web chat and Telegram."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import pytest
from conftest import SEALER, make_config, make_service
from hypothesis import given, settings
from hypothesis import strategies as st
from tg_harness import Parent, running_bot
from web_driver import browser, serving, web_config

from bot.channels.terminal import run_chat
from bot.config import Config, load_config
from bot.conversation import events as ev
from bot.errors import ConfigError
from bot.safety import SHORT, Lists, PhraseError, danger_check, words_of
from bot.storage.store import Store
from bot.words import say

SETS = Path(__file__).parent / "data" / "safeguarding"
#: "I'm bleeding heavily, the baby isn't moving, my partner hits me"
POLISH = "Krwawię bardzo mocno, dziecko się nie rusza, partner mnie bije"
CHECK = danger_check()


def lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def bare(text: str) -> str:
    """As a phone without Polish letters types it."""
    text = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    return "".join(c for c in text if not unicodedata.combining(c))


# ── measured on labelled sets ──────────────────────────────────────────────────────────────
# Sets 1 to 4 were written by different people, each measured unseen before the lists were built
# on it (docs/clinical-safety.md has each round's figures; the model is trained on sets 1 to 3).
# Set 5 was written last and never built on: it measures phrasings nobody planned for.
TRAINED = ["set1", "set2", "set3", "set4"]


@pytest.mark.parametrize("folder", TRAINED)
@pytest.mark.parametrize("language", ["en", "pl"])
def test_recall_of_danger_and_false_alarms_on_the_labelled_sets(folder: str, language: str) -> None:
    danger = lines(SETS / folder / f"{language}_danger.txt")
    ordinary = lines(SETS / folder / f"{language}_ordinary.txt")
    assert len(danger) >= 150 and len(ordinary) >= 300
    missed = [text for text in danger if not CHECK(text)]
    alarms = [(text, CHECK.found(text)) for text in ordinary if CHECK(text)]
    assert 1 - len(missed) / len(danger) >= 0.98, missed
    assert len(alarms) / len(ordinary) <= 0.02, alarms


@pytest.mark.parametrize(("language", "found", "alarms"), [("en", 155, 17), ("pl", 146, 11)])
def test_phrasings_nobody_planned_for_are_found_no_less_than_when_last_measured(
    language: str, found: int, alarms: int
) -> None:
    # Set 5 is never built on, and does not meet the targets: these are its figures as last
    # measured (docs/clinical-safety.md), a floor against regressions, not a target.
    danger = lines(SETS / "set5" / f"{language}_danger.txt")
    ordinary = lines(SETS / "set5" / f"{language}_ordinary.txt")
    assert len(danger) >= 150 and len(ordinary) >= 300
    assert sum(map(CHECK, danger)) >= found, f"of {len(danger)}"
    assert sum(map(CHECK, ordinary)) <= alarms, f"of {len(ordinary)}"


@pytest.mark.parametrize("language", ["en", "pl"])
def test_danger_is_found_whatever_the_case_and_with_or_without_accents(language: str) -> None:
    for folder in TRAINED:
        for text in lines(SETS / folder / f"{language}_danger.txt"):
            if CHECK(text):
                assert CHECK(text.upper()) and CHECK(bare(text)), text


def test_every_language_is_checked_whatever_language_the_parent_chose() -> None:
    # one test for every message: the Polish sentence is found by an English-speaking service
    assert CHECK.found(POLISH) == "krwawię"
    assert CHECK("I'm bleeding heavily") and CHECK("krwawie od rana")
    assert CHECK(bare(POLISH)) and CHECK(POLISH.upper())


LISTS = danger_check(model=False)
#: Danger the lists find in a sentence of its own (not by shortness alone, not by the model).
LISTED = [
    text
    for name in ("en_danger", "pl_danger")
    for text in lines(SETS / "set1" / f"{name}.txt")
    if len([w for w in words_of(text) if w != "."]) > SHORT and LISTS(text)
]


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(LISTED),
    st.lists(st.sampled_from(lines(SETS / "set1" / "en_ordinary.txt")), max_size=3),
    st.lists(st.sampled_from(lines(SETS / "set1" / "pl_ordinary.txt")), max_size=3),
)
def test_danger_said_among_ordinary_feedback_is_still_found(
    danger: str, before: list[str], after: list[str]
) -> None:
    text = ". ".join([*before, danger, *after])
    assert LISTS(text), text


@given(st.text(max_size=2000))
def test_any_text_gets_an_answer_never_an_error(text: str) -> None:
    found = CHECK.found(text)
    assert found is None or isinstance(found, str)
    assert CHECK(text) == (found is not None)


def test_a_long_message_is_read_to_the_end() -> None:
    ordinary = " ".join(lines(SETS / "set1" / "en_ordinary.txt"))[:10_000]
    assert not CHECK(ordinary)
    assert CHECK(ordinary + ". I have been bleeding since this morning")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("I had a bleed at 20 weeks and the hub saw me the same day", None),
        ("I have been bleeding since this morning", "been bleed*"),
        ("bleeding", "bleed*"),  # a cry for help is short
        ("It was all fine last time, but today the bleeding came back", "bleed* + today"),
        ("My waters went at 39 weeks and the unit was ready for us", None),
        ("the queue was not moving", None),
        ("there has been a haemorrage", "haemorrhag* + has been"),  # a typing mistake
        ("Wody odeszły w 26 tygodniu!!!", "wody + !!"),  # urgency, whatever the words
        ("the end. It was exhausting", None),  # no phrase reaches across a sentence
        ("BP 155/102 on my home monitor", "blood pressure 155/102"),  # a reading she took
        ("temperatura 35,4 u malej", "temperature 35.4"),
        ("the room was 38.5 degrees", None),  # a number, not a temperature she took
        ("My BP was 160/110, they induced me and we are both fine now", None),  # settled
        ("contractions coming and going, 33+5", "contraction* + # tc"),  # before 37 weeks
        ("My waters went at 39+2 and the unit was ready for us", None),  # at term, told after
        ("the parking is bleeding us dry", None),  # words that only look alarming
        ("szybkie wyniki krwi", None),
    ],
)
def test_how_the_lists_work_together(text: str, found: str | None) -> None:
    assert CHECK.found(text) == found


def test_short_forms_are_read_in_full() -> None:
    assert words_of("I'm sure it isn't, cant u") == ["i", "am", "sure", "it", "is", "not", "can",
                                                      "not", "you"]  # fmt: skip
    assert CHECK("my baby isnt moving") and CHECK("My baby's not moving")


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        ("...", "has no words"),
        ("... bleeding", "'...' goes between two words"),
        ("baby ... ... moving", "one '...' between two words is enough"),
        ("bl*eed", "is not a word"),
        ("ab*", "too short to take any ending"),
    ],
)
def test_an_entry_that_cannot_be_read_says_why(entry: str, says: str) -> None:
    with pytest.raises(PhraseError, match=says):
        danger_check({"en": Lists(phrases=(entry,))})


# ── staff's own additions, in config.yaml ──────────────────────────────────────────────────
def settings_file(tmp_path: Path, safeguarding: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(f"flows: flows\nsafeguarding:\n{safeguarding}", encoding="utf-8")
    return path


async def test_staff_add_their_own_phrases_and_words_per_language(tmp_path: Path) -> None:
    path = settings_file(
        tmp_path,
        "  phrases:\n    en: [scared of my brother]\n    pl: [boję się brata]\n"
        "  words:\n    en: [nosebleed*]\n",
    )
    config = load_config(path)
    store = await Store.open(tmp_path / "db.sqlite3", SEALER)
    try:
        service = await make_service(store, config.model_copy(update={"flows": Path("x")}))
        found = service.rules.in_danger
        assert found("I am scared of my brother") and found("boje sie brata")
        assert found("nosebleeds since this morning")
        assert not found("I had a nosebleed at the hub last year")
        assert found(POLISH)  # the built-in lists still apply
    finally:
        await store.close()


def test_a_phrase_staff_wrote_wrong_is_refused_with_its_line(tmp_path: Path) -> None:
    path = settings_file(tmp_path, "  phrases:\n    en:\n      - fine\n      - bl*eed\n")
    with pytest.raises(ConfigError, match=r"config\.yaml:6: safeguarding: 'bl\*eed'.*not a word"):
        load_config(path)


def test_the_old_trigger_list_is_still_read_as_english_phrases(tmp_path: Path) -> None:
    config = load_config(settings_file(tmp_path, "  triggers: [purple elephant]\n"))
    assert config.safeguarding.phrases == {"en": ["purple elephant"]}


def test_the_message_is_in_the_parents_language_with_the_same_numbers(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    english, polish = config.signpost_in("en"), config.signpost_in("pl")
    assert "Ten czat nie jest monitorowany" in polish
    for number in ("999", "111", "116 123", "0808 2000 247"):
        assert number in english and number in polish
    # a language the team has not written gets the built-in message in that language
    only_english = config.safeguarding.model_copy(update={"message": {"en": "Call 999."}})
    team = config.model_copy(update={"safeguarding": only_english})
    assert team.signpost_in("pl") == say("signpost", "pl")
    assert team.signpost_in("ro") == "Call 999."  # no built-in Romanian: the team's English


# ── in every channel ───────────────────────────────────────────────────────────────────────
@pytest.fixture
async def store(tmp_path: Path) -> Store:
    opened = await Store.open(tmp_path / "feedback.sqlite3", SEALER)
    yield opened  # type: ignore[misc]
    await opened.close()


class Piped(io.StringIO):
    def isatty(self) -> bool:
        return False


async def test_the_terminal_answers_the_polish_sentence_in_polish(
    tmp_path: Path, store: Store
) -> None:
    config: Config = make_config(tmp_path)
    service = await make_service(store, config)
    out = io.StringIO()
    await run_chat(service, "parent", Piped(f"1\n{POLISH}\n"), out, language="pl")
    shown = out.getvalue()
    assert f"🆘 {config.signpost_in('pl')}" in shown
    assert shown.index("🆘") < shown.index("Proszę wybrać")  # before anything else it says


async def test_the_web_chat_answers_the_polish_sentence_in_polish(
    tmp_path: Path, store: Store
) -> None:
    config = web_config(make_config(tmp_path), answers_per_minute=0, new_visitors_per_minute=0)
    service = await make_service(store, config)
    async with serving(service) as (_, base), browser(base) as parent:
        page = await parent.start(language="pl")
        page = await parent.answer(page)  # consent
        page = await parent.say(page, POLISH)
    assert ("safety", config.signpost_in("pl")) in page.bubbles


async def test_telegram_answers_the_polish_sentence_in_polish(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as h:
        parent = Parent(h, 301, language="pl")
        await parent.start()
        await parent.tap("Tak, zaczynajmy")
        await parent.type(POLISH)
        replies = parent.texts()[-3:]
        assert f"🆘 {h.config.signpost_in('pl')}" in replies
        assert replies.index(f"🆘 {h.config.signpost_in('pl')}") == 0  # said first


async def test_telegram_reads_captions_edits_and_words_after_a_command(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as h:
        parent = Parent(h, 302)
        await parent.start()
        signpost = f"🆘 {h.config.signpost_in('en')}"
        h.tg.send_photo(302, caption="I have been bleeding since last night")
        await h.settle()
        assert signpost in parent.texts()[-3:]
        before = len(parent.texts())
        sent = h.tg.send_text(302, "The midwives were kind")
        await h.settle()
        h.tg.edit_text(302, sent["message"]["message_id"], "my partner hits me")
        await h.settle()
        assert signpost in parent.texts()[before:]
        before = len(parent.texts())
        await parent.command("/stop my partner hits me")
        assert signpost in parent.texts()[before:]
        before = len(parent.texts())
        await parent.command("/stop bleeding")  # one word, as a poster's tag could be
        assert signpost in parent.texts()[before:]
        before = len(parent.texts())
        await parent.command("/stop")
        await parent.command("/start mlu-ludlow")  # a poster's tag is no words to read
        assert signpost not in parent.texts()[before:]


async def test_a_danger_word_before_any_questionnaire_is_still_answered(
    tmp_path: Path, store: Store
) -> None:
    service = await make_service(store, make_config(tmp_path))
    outcome = await service.handle("new-parent", ev.Aside(POLISH, "pl"))
    assert outcome.events == [ev.Signposted(service.signpost_in("pl"))]
    assert await service.store.load_session("new-parent") is None  # nothing started or kept


# ── what validate says about the settings ──────────────────────────────────────────────────
def test_validate_says_what_parents_of_each_language_would_miss(tmp_path: Path) -> None:
    import shutil
    import subprocess
    import sys

    from conftest import FLOWS

    shutil.copytree(FLOWS, tmp_path / "flows")
    settings = settings_file(
        tmp_path, "  message: {en: 'Call your unit.', pl: 'Zadzwoń pod 999.'}\n"
    )
    settings.write_text(
        settings.read_text(encoding="utf-8") + "privacy:\n  notice: Your answers are anonymous.\n",
        encoding="utf-8",
    )
    run = subprocess.run(
        [sys.executable, "-m", "bot", "validate", "--config", str(settings)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    said = run.stdout
    assert run.returncode == 0, said + run.stderr  # warnings only
    assert "safeguarding.message in 'en' does not say 999" in said
    assert "privacy.notice has no 'pl' text, so those parents get the bot's own text" in said
    assert f"{settings}:3: warning:" in said  # the line of `message:`
    bad = settings_file(tmp_path, "  phrases: {pl: ['mnie ... ... bije']}\n")
    run = subprocess.run(
        [sys.executable, "-m", "bot", "validate", "--config", str(bad)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 1
    assert f"{bad}:3: safeguarding:" in run.stderr and "one '...' between" in run.stderr


def test_the_hazard_log_names_only_tests_that_exist() -> None:
    import re

    log = (Path(__file__).parents[1] / "docs" / "clinical-safety.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(test_\w+)`", log))
    defined = {
        name
        for path in Path(__file__).parent.glob("test_*.py")
        for name in re.findall(r"^(?:async )?def (test_\w+)", path.read_text("utf-8"), re.M)
    }
    assert len(named) >= 15 and named <= defined, named - defined


@pytest.mark.parametrize("language", ["en", "pl"])
async def test_the_labelled_sets_through_the_service_every_channel_shares(
    tmp_path: Path, store: Store, language: str
) -> None:
    # Every channel's typed text goes through Service.handle; each parent here answers the
    # consent, then types one labelled message, in their own language.
    service = await make_service(store, make_config(tmp_path))
    danger = lines(SETS / "set2" / f"{language}_danger.txt")[::6]
    ordinary = lines(SETS / "set2" / f"{language}_ordinary.txt")[::12]
    wrong: list[str] = []
    for n, (text, expected) in enumerate(
        [(t, True) for t in danger] + [(t, False) for t in ordinary]
    ):
        who = f"{language}-{n}"
        await service.handle(who, ev.Start(None, language))
        await service.handle(who, ev.Reply("1"))
        outcome = await service.handle(who, ev.Reply(text))
        signposts = [e for e in outcome.events if isinstance(e, ev.Signposted)]
        shown = signposts == [ev.Signposted(service.signpost_in(language))]
        if shown != expected or (signposts and outcome.events[0] != signposts[0]):
            wrong.append(text)
    assert len(danger) >= 25 and len(ordinary) >= 25 and not wrong, wrong
