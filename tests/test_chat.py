"""The terminal chat, end to end: golden transcripts of every example flow, and the real CLI."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CONFIG, FLOWS, ROOT, SEALER, make_config, make_service

from bot.channels.terminal import run_chat
from bot.storage.store import Store

GOLDEN = Path(__file__).resolve().parent / "golden"
SCRIPTS = sorted(GOLDEN.glob("*.answers"))


class Piped(io.StringIO):
    def isatty(self) -> bool:
        return False


async def transcript(tmp_path: Path, script: Path) -> str:
    header, *answers = script.read_text(encoding="utf-8").splitlines()
    options = dict(part.split("=", 1) for part in header.removeprefix("#").split())
    store = await Store.open(tmp_path / "feedback.sqlite3", SEALER)
    try:
        service = await make_service(store, make_config(tmp_path, default_flow=options["flow"]))
        out = io.StringIO()
        await run_chat(service, "golden-parent", Piped("\n".join(answers) + "\n"), out,
                       language=options.get("lang"), tag=options.get("tag"))  # fmt: skip
        return out.getvalue()
    finally:
        await store.close()


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
async def test_golden_transcript(tmp_path: Path, script: Path) -> None:
    """Set UPDATE_GOLDEN=1 to rewrite a transcript after a deliberate change, then review it."""
    got = await transcript(tmp_path, script)
    golden = script.with_suffix(".txt")
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(got, encoding="utf-8")
    assert got == golden.read_text(encoding="utf-8")


def test_every_example_flow_has_a_transcript() -> None:
    covered = {s.read_text().split()[1].removeprefix("flow=") for s in SCRIPTS}
    assert covered >= {p.stem for p in FLOWS.glob("*.yaml")}


def test_piped_cli_chat_with_language_and_tag(tmp_path: Path) -> None:
    shutil.copytree(FLOWS, tmp_path / "flows")
    config = tmp_path / "config.yaml"
    config.write_text("flows: flows\nstorage: {path: data/db.sqlite3}\n")
    env = {k: v for k, v in os.environ.items() if k != "BOT_PSEUDONYM_KEY"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--config", str(config), "--lang", "pl",
         "--tag", "mlu-ludlow"],
        input="1\n1\nstop\n", capture_output=True, text=True, env=env, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Created a local development key" in result.stderr
    key = tmp_path / "data" / ".dev-pseudonym-key"
    assert key.stat().st_mode & 0o777 == 0o600
    assert "[ukończono " in result.stdout  # Polish progress, unit already answered by the tag
    assert "Dotychczasowe odpowiedzi są zapisane" in result.stdout
    unknown = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--config", str(config), "--flow", "nope"],
        input="", capture_output=True, text=True, env=env, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert unknown.returncode == 1
    assert "no questionnaire 'nope' (known: community_hub, mlu_experience, staff_experience)" in (
        unknown.stderr
    )


def test_links_prints_every_tag_and_writes_qr_codes(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "links", "--config", str(CONFIG), "--bot", "@UnitFeedbackBot",
         "--qr", str(tmp_path)],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "mlu_experience: mlu-ludlow      https://t.me/UnitFeedbackBot?start=mlu-ludlow" in (
        result.stdout
    )
    pngs = sorted(p.name for p in tmp_path.glob("*.png"))
    assert "telegram-mlu-ludlow.png" in pngs and "telegram-default.png" in pngs
    assert len(pngs) == 9
    assert (tmp_path / "telegram-mlu-ludlow.png").read_bytes().startswith(b"\x89PNG")


def test_links_for_the_web_chat_when_its_public_address_is_set(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(
        f"flows: {FLOWS}\nweb:\n  public_url: https://feedback.example.nhs.uk/survey\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot", "links", "--config", str(config), "--qr", str(tmp_path)],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "mlu-ludlow      https://feedback.example.nhs.uk/survey/s/mlu-ludlow\n" in result.stdout
    assert "t.me" not in result.stdout
    assert len(list(tmp_path.glob("web-*.png"))) == 9
    neither = subprocess.run(
        [sys.executable, "-m", "bot", "links", "--config", str(CONFIG)],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert neither.returncode == 1 and "--bot YourBotUsername" in neither.stderr


async def test_delete_in_the_terminal_erases_this_parents_answers(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "feedback.sqlite3", SEALER)
    try:
        service = await make_service(store, make_config(tmp_path, default_flow="community_hub"))
        out = io.StringIO()
        await run_chat(service, "parent", Piped("1\n1\n1 2\n"), out)
        assert (await store.responses()) != []
        out = io.StringIO()
        await run_chat(service, "parent", Piped("delete\nno\n"), out)
        assert "Do you want to delete the answers you have given here?" in out.getvalue()
        assert "Nothing was deleted." in out.getvalue()
        assert (await store.responses()) != []
        out = io.StringIO()
        await run_chat(service, "parent", Piped("delete\nyes\n"), out)
        # The same words as the Telegram reply.
        assert (
            "Deleted: 1 questionnaire with 2 answers. Nothing else is kept about you here."
            in out.getvalue()
        )
        assert await store.responses() == []
    finally:
        await store.close()
