"""A secret left as a placeholder from the examples is refused in one sentence that names the
variable and says what to put there, before Telegram, the mail server or the database is touched,
and the value is never printed. The placeholders are read from the examples themselves
(deploy/secrets.env.example, README.md, docs/), so the docs and the bot cannot drift apart."""

from __future__ import annotations

import asyncio
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CONTACT_KEY, FLOWS, ROOT
from fake_telegram import FakeTelegram
from test_telegram_process import bot_env, refused_webhook_run

from bot.cli import main
from bot.privacy.placeholders import is_placeholder

MAKE_FERNET = (
    "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
)
SAYS = {
    "TELEGRAM_BOT_TOKEN": "TELEGRAM_BOT_TOKEN is still a placeholder: set it to the token "
    "BotFather gave you (see README: Telegram).",
    "BOT_PSEUDONYM_KEY": "BOT_PSEUDONYM_KEY is still a placeholder: set it to a long random "
    "secret (at least 16 characters), e.g. the output of openssl rand -hex 32.",
    "BOT_CONTACT_KEY": "BOT_CONTACT_KEY is still a placeholder: set it to a Fernet key for "
    f"contact details, made with: {MAKE_FERNET}.",
    "BOT_SMTP_PASSWORD": "BOT_SMTP_PASSWORD is still a placeholder: set it to the password of "
    "agency.username on the agency's mail server, or leave it empty if the server needs none.",
    "TELEGRAM_WEBHOOK_SECRET": "TELEGRAM_WEBHOOK_SECRET is still a placeholder: set it to 16 "
    "to 256 random letters, digits, _ or -, e.g. the output of openssl rand -hex 32.",
}
SECRETS = tuple(SAYS)
GOOD = {
    "TELEGRAM_BOT_TOKEN": "123456:TEST-TOKEN",
    "BOT_PSEUDONYM_KEY": "p" * 40,
    "BOT_CONTACT_KEY": CONTACT_KEY.decode(),
    "BOT_SMTP_PASSWORD": "a-real-password",
    "TELEGRAM_WEBHOOK_SECRET": "s3cret-token_for-tests",
}
#: `web` serves no Telegram bot: it reads the keys and the mail password only.
WEB_READS = ("BOT_PSEUDONYM_KEY", "BOT_CONTACT_KEY", "BOT_SMTP_PASSWORD")
#: `NAME=value` or `export NAME='value'`, as the examples show a secret being set.
ASSIGNED = re.compile(r"\b(" + "|".join(SECRETS) + r""")=(?:'([^']*)'|"([^"]*)"|(\S*))""")


def placeholders_in_the_examples() -> dict[str, set[str]]:
    """Every value the examples give a secret, by value, with the files it is in. Values made
    by a command (`"$(openssl rand -hex 32)"`) are how to make a secret, not placeholders."""
    found: dict[str, set[str]] = {}
    for path in [ROOT / "deploy" / "secrets.env.example", ROOT / "README.md",
                 *sorted((ROOT / "docs").glob("*.md"))]:  # fmt: skip
        for match in ASSIGNED.finditer(path.read_text(encoding="utf-8")):
            value = next(v for v in match.groups()[1:] if v is not None)
            if "$(" not in value:
                found.setdefault(value, set()).add(path.name)
    return found


EXAMPLES = placeholders_in_the_examples()
#: The README's token typed without its ellipsis, and the placeholder as people retype it.
RETYPED = ["123456:ABC...", "123456:ABC", "change-me", "'CHANGE-ME'", " CHANGE-ME "]


def test_the_examples_placeholders_are_found() -> None:
    """The parsing above finds what a reader sees, so the tests below test every placeholder
    the examples hold (a new one is tested as soon as it is written)."""
    found = placeholders_in_the_examples()
    assert found["CHANGE-ME"] == {"secrets.env.example"}
    assert found["123456:ABC…"] == {"README.md"}


def config(tmp_path: Path, base_url: str = "http://127.0.0.1:9/bot") -> Path:
    """Webhook settings that work, so each secret is the only thing in the way; the database
    under a file, so a bot that went on anyway would stop at once instead of running."""
    (tmp_path / "blocked").write_text("")
    path = tmp_path / "config.yaml"
    path.write_text(
        f"flows: {FLOWS}\nstorage: {{path: blocked/db.sqlite3}}\n"
        f"telegram:\n  api_base_url: {base_url}\n"
        "  webhook: {public_url: 'https://feedback.example.org'}\n"
        "agency: {username: feedback-bot}\n"
    )
    return path


def refused(result_output: str, stderr: str, name: str, value: str) -> None:
    assert stderr == f"Error: {SAYS[name]}\n"
    bare = value.strip().strip("'")
    assert bare not in result_output + stderr and bare.casefold() not in stderr.casefold()


@pytest.mark.parametrize("value", [*sorted(EXAMPLES), *RETYPED])
@pytest.mark.parametrize("name", SECRETS)
def test_run_refuses_every_placeholder_in_every_secret(
    tmp_path: Path, name: str, value: str
) -> None:
    env = GOOD | {name: value}
    result = CliRunner().invoke(
        main, ["run", "--webhook", "--config", str(config(tmp_path))], env=env
    )
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    refused(result.output, result.stderr, name, value)


@pytest.mark.parametrize("name", WEB_READS)
def test_the_web_chat_refuses_the_placeholders_of_the_secrets_it_reads(
    tmp_path: Path, name: str
) -> None:
    env = GOOD | {name: "CHANGE-ME", "TELEGRAM_BOT_TOKEN": "CHANGE-ME"}  # `web` never reads it
    result = CliRunner().invoke(main, ["web", "--config", str(config(tmp_path))], env=env)
    assert result.exit_code == 1, result.output
    refused(result.output, result.stderr, name, "CHANGE-ME")


@pytest.mark.parametrize("name", SECRETS)
def test_the_real_process_refuses_before_telegram_or_the_database(
    tmp_path: Path, name: str
) -> None:
    """As systemd starts it with secrets.env.example's values: nothing is sent to Telegram, no
    database is made, and the one sentence is all that is printed."""
    folder = tmp_path / "server"
    folder.mkdir()

    async def go() -> tuple[subprocess.CompletedProcess[str], int]:
        async with FakeTelegram() as tg:
            path = config(folder, tg.base_url)
            path.write_text(path.read_text().replace("blocked/db.sqlite3", "db.sqlite3"))
            env = bot_env(None) | GOOD | {"TELEGRAM_BOT_TOKEN": tg.token, name: "CHANGE-ME"}
            return await refused_webhook_run(tg, path, env)

    done, calls = asyncio.run(go())
    assert done.returncode == 1
    assert done.stdout == ""
    refused(done.stdout, done.stderr, name, "CHANGE-ME")
    assert calls == 0
    assert not (folder / "db.sqlite3").exists()


def test_real_secrets_and_words_that_merely_contain_a_placeholder_are_taken() -> None:
    for value in (*GOOD.values(), "7123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", "change-me-not",
                  "my-CHANGE-ME-password", "1234567:ABCDEF", ""):  # fmt: skip
        assert not is_placeholder(value), value
    for value in (*EXAMPLES, *RETYPED, "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"):
        assert is_placeholder(value), value
