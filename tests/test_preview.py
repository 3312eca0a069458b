"""A team trying a questionnaire: previews never touch live data, each questionnaire is previewed
on its own, an empty folder gets a sentence, transcripts can be checked on purpose, text wraps
to the terminal, and the intro's minutes come from the questionnaire."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from conftest import CONFIG, FLOWS, ROOT, load_flow

from bot.channels.terminal import wrapped
from bot.questionnaire.estimate import typical_minutes, typical_path

GOLDEN = Path(__file__).resolve().parent / "golden"


def bot(*args: str, stdin: str = "", cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin, capture_output=True, text=True, env=env, cwd=cwd, timeout=60,
    )  # fmt: skip


def team(tmp_path: Path) -> Path:
    """A team's folder: the tests' settings (flows: flows, data/feedback.sqlite3) and flows."""
    shutil.copytree(FLOWS, tmp_path / "flows")
    config = tmp_path / "config.yaml"
    shutil.copy(CONFIG, config)
    return config


def responses(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM responses").fetchone()[0])


def test_a_preview_never_touches_the_live_database_unless_asked(tmp_path: Path) -> None:
    config = team(tmp_path)
    preview = bot("chat", "--config", str(config), stdin="1\n1\nstop\n")
    assert preview.returncode == 0, preview.stderr
    assert "Preview: answers are kept apart in" in preview.stderr
    assert not (tmp_path / "data" / "feedback.sqlite3").exists()
    assert responses(tmp_path / "data" / "preview.sqlite3") == 1
    live = bot("chat", "--live", "--config", str(config), stdin="1\n1\nstop\n")
    assert live.returncode == 0, live.stderr
    assert live.stderr.startswith("LIVE: answers are stored in")
    assert responses(tmp_path / "data" / "feedback.sqlite3") == 1
    assert responses(tmp_path / "data" / "preview.sqlite3") == 1


def test_chat_flow_opens_the_questionnaire_asked_for_and_keeps_the_other(tmp_path: Path) -> None:
    config = team(tmp_path)
    first = bot("chat", "--config", str(config), stdin="1\n1\nstop\n")  # mlu_experience, unfinished
    assert "midwife-led unit" in first.stdout
    staff = bot("chat", "--config", str(config), "--flow", "staff_experience", stdin="")
    assert "Welcome back" not in staff.stdout
    assert "This survey is for staff" in staff.stdout
    assert (
        "Your unfinished mlu_experience is kept as it is: chat --flow mlu_experience carries on"
        in staff.stderr
    )
    again = bot("chat", "--config", str(config), stdin="")
    assert "Welcome back" in again.stdout


def test_an_empty_flows_folder_gets_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "flows").mkdir()
    config = tmp_path / "config.yaml"
    config.write_text("flows: flows\nstorage: {path: data/feedback.sqlite3}\n")
    result = bot("chat", "--config", str(config))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"no questionnaires in {tmp_path / 'flows'}: add a .yaml file there" in result.stderr


def test_test_flow_checks_a_transcript_and_shows_what_changed(tmp_path: Path) -> None:
    config = team(tmp_path)
    script, expected = GOLDEN / "community_hub.answers", GOLDEN / "community_hub.txt"
    ok = bot("test-flow", "community_hub", "--script", str(script), "--expect", str(expected),
             "--config", str(config))  # fmt: skip
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "the transcript matches" in ok.stderr
    flow = tmp_path / "flows" / "community_hub.yaml"
    flow.write_text(flow.read_text().replace("Which maternity hub do you go to?", "Which hub?"))
    changed = bot("test-flow", "community_hub", "--script", str(script), "--expect",
                  str(expected), "--config", str(config))  # fmt: skip
    assert changed.returncode == 1
    assert "-[1 of" not in changed.stdout and "+Which hub?" in changed.stdout
    assert "run again with --update" in changed.stderr
    mine = tmp_path / "mine.txt"
    bot("test-flow", "community_hub", "--script", str(script), "--expect", str(mine),
        "--update", "--config", str(config))  # fmt: skip
    assert "Which hub?" in mine.read_text()
    assert not (tmp_path / "data").exists()  # neither the live nor the preview database


def test_text_wraps_at_words_and_keeps_each_lines_indent() -> None:
    text = (
        "A question that is far too long to fit on one narrow line\n  1. An option label that wraps"
    )
    out = wrapped(text, 24)
    assert all(len(line) <= 24 for line in out.splitlines())
    assert out.splitlines()[0] == "A question that is far"
    assert all(line.startswith("  ") for line in out.splitlines()[3:])
    assert wrapped(text, 0) == text


def test_the_intro_minutes_come_from_the_typical_path() -> None:
    flow = load_flow(FLOWS / "community_hub.yaml")
    path = typical_path(flow)
    assert [q.id for q in path][:2] == ["hub", "services"]
    assert "health_visitor_helpful" not in [q.id for q in path]  # first option is not that
    assert [q.type for q in path].count("text") == 2 and path[-1].type == "contact"
    assert len(path) == 15
    assert typical_minutes(flow) == 5  # 12 taps of 12 s, 2 texts of 40 s, contact 20 s: 244 s
    golden = (GOLDEN / "community_hub.txt").read_text()
    assert f"It takes about {typical_minutes(flow)} minutes." in golden
