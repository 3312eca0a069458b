"""Safeguarding in every channel: a sample of the labelled sets (tests/data/safeguarding/set2),
typed by parents in the terminal, the web chat and Telegram, in English and in Polish. Each
danger message the matcher finds gets the safeguarding message before anything else the bot
says, in the parent's own language; each ordinary message the matcher lets pass gets none. The
matcher itself is measured in test_safety.py; here the channels must pass on what it finds,
neither losing a signpost nor adding one, nor saying it second or in the wrong language."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from conftest import SEALER, make_config, make_service
from tg_harness import Parent, running_bot
from web_driver import browser, serving, web_config

from bot.channels.terminal import COMMANDS, command_in, meaning_of, run_chat
from bot.safety import danger_check
from bot.service import Service
from bot.storage.store import Store

SET = Path(__file__).parent / "data" / "safeguarding" / "set2"
LANGUAGES = ["en", "pl"]
DANGER_EVERY = 10  # every 10th danger message of the set
ORDINARY_EVERY = 20  # every 20th ordinary one
CHECK = danger_check()  # the matcher every channel's service uses (no team additions here)


def lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def typed_as_words(text: str) -> bool:
    """Read as words in every channel: not a command the terminal would obey instead."""
    word = command_in(text)
    return word not in COMMANDS and meaning_of(word) is None and not text.startswith("/")


def sampled(language: str, kind: str, every: int) -> list[str]:
    return [t for t in lines(SET / f"{language}_{kind}.txt")[::every] if typed_as_words(t)]


def sample(language: str) -> list[tuple[str, bool]]:
    """(message, whether it must signpost): danger the matcher finds, ordinary it lets pass."""
    danger = [t for t in sampled(language, "danger", DANGER_EVERY) if CHECK(t)]
    ordinary = [t for t in sampled(language, "ordinary", ORDINARY_EVERY) if not CHECK(t)]
    return [(t, True) for t in danger] + [(t, False) for t in ordinary]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sample_holds_what_the_matcher_finds_and_what_it_lets_pass(language: str) -> None:
    # The channel tests below assert only on messages the matcher gets right; this says that is
    # nearly all of the sample, so they are not checking a handful.
    danger = sampled(language, "danger", DANGER_EVERY)
    ordinary = sampled(language, "ordinary", ORDINARY_EVERY)
    found = sum(map(CHECK, danger))
    alarms = sum(map(CHECK, ordinary))
    assert len(danger) >= 15 and len(ordinary) >= 15
    assert found / len(danger) >= 0.9, [t for t in danger if not CHECK(t)]
    assert alarms / len(ordinary) <= 0.1, [t for t in ordinary if CHECK(t)]
    kept = sample(language)
    assert sum(must for _, must in kept) == found and len(kept) == found + len(ordinary) - alarms


def wrong_answers(
    service: Service, language: str, said: dict[str, list[str]], prefix: str = ""
) -> list[tuple[str, list[str]]]:
    """Messages whose replies (what the bot said after each, in order) are wrong: a danger
    message must get the signpost in `language` first, and once; an ordinary one none at all."""
    assert all(service.rules.in_danger(t) == must for t, must in sample(language))  # same matcher
    config = service.config
    signpost = prefix + config.signpost_in(language).strip()
    signposts = {prefix + config.signpost_in(lang).strip() for lang in LANGUAGES}
    wrong = []
    for text, must in sample(language):
        replies = said[text]
        shown = [r for r in replies if r in signposts or (prefix and r.startswith(prefix))]
        if not ((replies[:1] == shown == [signpost]) if must else not shown):
            wrong.append((text, replies[:2]))
    return wrong


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "feedback.sqlite3", SEALER)
    yield opened
    await opened.close()


# ── the terminal ───────────────────────────────────────────────────────────────────────────
class Piped(io.StringIO):
    def isatty(self) -> bool:
        return False


async def terminal_replies(service: Service, who: str, text: str, language: str) -> list[str]:
    """What the terminal shows after the parent agrees (1) and types `text`, one item for each
    thing it says, up to the question again."""
    out = io.StringIO()
    await run_chat(service, who, Piped(f"1\n{text}\n"), out, language=language)
    after = out.getvalue().split(f"\n> {text}\n", 1)[1]
    return [part.strip() for part in after.split("\n\n") if part.strip()]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_terminal_signposts_the_labelled_sample_first_in_the_parents_language(
    tmp_path: Path, store: Store, language: str
) -> None:
    config = make_config(tmp_path)
    service = await make_service(store, config)
    said = {
        text: await terminal_replies(service, f"{language}-{n}", text, language)
        for n, (text, _) in enumerate(sample(language))
    }
    assert not wrong_answers(service, language, said, "🆘 ")


# ── the web chat ───────────────────────────────────────────────────────────────────────────
@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_web_chat_signposts_the_labelled_sample_first_in_the_parents_language(
    tmp_path: Path, store: Store, language: str
) -> None:
    config = web_config(make_config(tmp_path), answers_per_minute=0, new_visitors_per_minute=0)
    service = await make_service(store, config)

    async def replies(base: str, text: str) -> list[str]:
        async with browser(base) as parent:  # each parent in a browser of their own
            page = await parent.start(language=language)
            page = await parent.answer(page)  # consent
            page = await parent.say(page, text)
        assert page.status == 200, text
        assert page.question, "the question again"
        # The chat so far, then the question waiting for an answer: what came after their last
        # answer (the consent; words typed to a question of options are not one) is this turn's.
        bubbles = page.bubbles
        mine = max(i for i, (kind, _) in enumerate(bubbles) if kind == "you")
        return [words for kind, words in bubbles[mine + 1 :] if kind != "you"] + [page.question]

    async with serving(service) as (_, base):
        texts = [text for text, _ in sample(language)]
        found = await asyncio.gather(*[replies(base, text) for text in texts])
    assert not wrong_answers(service, language, dict(zip(texts, found, strict=True)))


# ── Telegram ───────────────────────────────────────────────────────────────────────────────
@pytest.mark.parametrize("language", LANGUAGES)
async def test_telegram_signposts_the_labelled_sample_first_in_the_parents_language(
    tmp_path: Path, language: str
) -> None:
    async with running_bot(tmp_path) as h:
        # Every parent at once, as on a busy evening: each starts, agrees, then types.
        messages = sample(language)
        parents = [Parent(h, 400 + n, language=language) for n in range(len(messages))]
        for parent in parents:
            h.tg.send_text(parent.id, "/start", language_code=language)
        await h.settle()
        for parent in parents:
            consent = parent.question()
            h.tg.press(parent.id, consent.message_id, consent.buttons[0][1] or "")
        await h.settle()
        before = [len(parent.texts()) for parent in parents]
        for parent, (text, _) in zip(parents, messages, strict=True):
            h.tg.send_text(parent.id, text)
        await h.settle()
        said = {
            text: parent.texts()[seen:]
            for parent, seen, (text, _) in zip(parents, before, messages, strict=True)
        }
        assert h.handler is not None
        service = h.handler.service
    assert not wrong_answers(service, language, said, "🆘 ")
