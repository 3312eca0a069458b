"""The terminal chat's typed commands, in every language the bot speaks, with or without a
leading `/`: `help` and `privacy` show what they say and then the question again, counting as
neither an answer nor an attempt; every line is wrapped to the terminal's width."""

from __future__ import annotations

import io
import os
import pty
import select
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CONFIG, DATA, FLOWS, ROOT, SEALER, make_config, make_service
from test_chat import Piped

from bot.channels.terminal import COMMANDS, command_in, meaning_of, run_chat
from bot.conversation import events as ev
from bot.service import Service
from bot.storage.store import Store
from bot.words import languages, plain, say

LEAVE = "Let's leave this one for now."


class Terminal(io.StringIO):
    """What a parent's terminal shows: output that is a terminal, so it is wrapped."""

    def isatty(self) -> bool:
        return True


async def chat(
    tmp_path: Path, typed: str, *, flows: Path = FLOWS, flow: str = "mlu_experience",
    language: str | None = None, out: io.StringIO | None = None,
) -> tuple[str, Service]:  # fmt: skip
    store = await Store.open(tmp_path / "feedback.sqlite3", SEALER)
    try:
        service = await make_service(store, make_config(tmp_path, flows, default_flow=flow))
        out = out if out is not None else io.StringIO()
        await run_chat(service, "parent", Piped(typed), out, language=language)
        return out.getvalue(), service
    finally:
        await store.close()


def answers(tmp_path: Path) -> dict[str, str]:
    with sqlite3.connect(tmp_path / "feedback.sqlite3") as conn:
        return dict(conn.execute("SELECT question_id, value FROM answers").fetchall())


@pytest.mark.parametrize("language", languages())
@pytest.mark.parametrize(
    ("key", "meaning"),
    [("help_word", "help_word"), ("privacy_word", "privacy_word"),
     ("delete_word", "delete_word"), ("back", ev.Back()), ("skip", ev.Skip()),
     ("stop", ev.Stop()), ("restart", ev.Restart())],
)  # fmt: skip
def test_every_command_works_with_or_without_a_slash_in_every_language(
    key: str, meaning: object, language: str
) -> None:
    word = say(key, language)
    for typed in (word, f"/{word}", f" /{word.upper()} ", plain(word)):
        found = meaning_of(command_in(typed)) or COMMANDS.get(command_in(typed))
        assert found == meaning, (typed, found)


async def test_help_and_privacy_show_then_ask_again_and_count_for_nothing(tmp_path: Path) -> None:
    typed = "1\n2\nhelp\n/help\nHELP\n/privacy\nprivacy\n9\nstop\n"
    got, service = await chat(tmp_path, typed)
    first, *_ = got.split("> 1\n")
    assert first.count(say("hint_commands", "en")) == 1  # once, right after the welcome
    assert first.startswith(service.config.welcome_in(None).strip() + "\n\n")
    assert got.count(say("help_terminal", "en")) == 3
    assert got.count(service.signpost_in("en")) == 3
    notice = service.privacy_notice_in("en").splitlines()[0]
    assert got.count(notice) == 2
    after_help = got.split("> /help\n")[1]
    assert after_help.index(say("help_terminal", "en")) < after_help.index(
        service.signpost_in("en")
    ) < after_help.index("Which parts of your care were at the unit?")  # fmt: skip
    # Five commands, then an answer that does not fit: the first try, not the sixth.
    assert got.count("! Please choose one of the options.") == 1 and LEAVE not in got
    assert answers(tmp_path) == {"unit": '"ludlow"'}


async def test_the_commands_in_polish_without_polish_letters(tmp_path: Path) -> None:
    typed = "1\n2\npomoc\n/prywatnosc\nWSTECZ\n/usun\nnie\n3\nusuń\ntak\n"
    got, service = await chat(tmp_path, typed, language="pl")
    assert say("hint_commands", "pl") in got
    assert say("help_terminal", "pl") in got and service.signpost_in("pl") in got
    assert service.privacy_notice_in("pl").splitlines()[0] in got
    assert "Którego oddziału" in got.split("> WSTECZ\n")[1]  # back to the unit question
    assert say("nothing_deleted", "pl") in got
    assert "Usunięto 1 ankietę" in got
    assert "\n! " not in got  # nothing counted as an answer that does not fit


async def test_number_words_in_polish_answer_a_number_question(tmp_path: Path) -> None:
    flows = tmp_path / "flows"
    flows.mkdir()
    shutil.copy(DATA / "every_type.yaml", flows)
    typed = "1\n1\n1\n2\ndwie\nwstecz\npięć\nwstecz\npiec\nstop\n"
    got, _ = await chat(tmp_path, typed, flows=flows, flow="every_type", language="pl")
    assert "\n! " not in got
    assert got.count("Kiedy urodziło się dziecko?") == 3  # each number word moved on
    assert answers(tmp_path)["visits"] == "5"


async def test_every_line_fits_the_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "41")
    typed = "1\n2\nhelp\nprivacy\n" + "x" * 100 + "\ndelete\nno\ndelete\nyes\n"
    got, _ = await chat(tmp_path, typed, out=Terminal())
    assert "Deleted: 1 questionnaire" in got and "Do you want to delete" in got
    too_long = [line for line in got.splitlines() if len(line) > 40]
    assert too_long == []


def test_the_preview_notice_fits_the_terminal_too(tmp_path: Path) -> None:
    shutil.copytree(FLOWS, tmp_path / "flows")
    shutil.copy(CONFIG, tmp_path / "config.yaml")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_"))}
    env.update(COLUMNS="45", LINES="24")
    parent, child = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat", "--config", str(tmp_path / "config.yaml")],
        stdin=child, stdout=child, stderr=child, env=env, cwd=ROOT, close_fds=True,
    )  # fmt: skip
    os.close(child)
    shown, typed, deadline = b"", False, time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            if not typed and shown.endswith(b"> "):  # typed at the prompt, as a parent would
                os.write(parent, b"stop\n")
                typed = True
            ready, _, _ = select.select([parent], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(parent, 4096)
                except OSError:  # the chat ended and closed the terminal
                    break
                if not chunk:
                    break
                shown += chunk
            elif process.poll() is not None:
                break
        assert process.wait(timeout=max(1.0, deadline - time.monotonic())) == 0
    finally:
        process.kill()
        os.close(parent)
    text = shown.decode().replace("\r\n", "\n")
    assert "Preview: answers are kept apart" in text and "Created a local" in text
    assert [line for line in text.splitlines() if len(line) > 44] == []
