"""Command line: `python -m bot COMMAND`. Every command takes --config FILE."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from bot.config import Config, ConfigError, load_config
from bot.privacy import logs, seal
from bot.privacy.seal import Sealer
from bot.questionnaire.check import check_file
from bot.questionnaire.flow import Flow
from bot.storage.versions import FlowProblems, Library, check_folder

config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    default=Path("config.yaml"),
    show_default=True,
    help="Settings file.",
)


def _config(path: Path) -> Config:
    try:
        return load_config(path)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """The maternity feedback chat-bot: questionnaires for families, answers for NHS teams."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@config_option
def validate(paths: tuple[Path, ...], config_path: Path) -> None:
    """Check questionnaire files (default: the configured flows folder)."""
    started = time.perf_counter()
    if not paths:
        checked = check_folder(_config(config_path).flows_dir)
    else:
        files: list[Path] = []
        for path in paths:
            files.extend(sorted(path.glob("*.y*ml")) if path.is_dir() else [path])
        checked = [check_file(f) for f in files]
    errors = warnings = 0
    for c in checked:
        for problem in c.problems:
            click.echo(str(problem))
            errors += problem.severity == "error"
            warnings += problem.severity == "warning"
    took = (time.perf_counter() - started) * 1000
    click.echo(
        f"{len(checked)} questionnaire(s) checked: {errors} error(s), {warnings} warning(s) "
        f"({took:.0f} ms)",
        err=True,
    )
    sys.exit(1 if errors or not checked else 0)


@main.command()
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write to this file.")
def schema(output: Path | None) -> None:
    """Write the JSON Schema of the questionnaire language (for editor autocomplete)."""
    text = json.dumps(flow_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)


def flow_schema() -> dict[str, Any]:
    schema = Flow.model_json_schema(by_alias=True)
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    schema["title"] = "Maternity feedback questionnaire"
    return schema


@main.command()
@click.option("--flow", "flow_id", help="Questionnaire id (default: from config).")
@click.option("--lang", "language", help="Language code, e.g. en or pl.")
@click.option("--tag", help="A deep-link tag, as on a poster's QR code (e.g. mlu-ludlow).")
@config_option
def chat(flow_id: str | None, language: str | None, tag: str | None, config_path: Path) -> None:
    """Walk through a questionnaire in the terminal, exactly as a parent would."""
    from bot.channels.terminal import run_chat
    from bot.privacy.pseudonym import development_key, pseudonym

    config = _config(config_path)
    key_file = config.database.parent / ".dev-pseudonym-key"
    key, created = development_key(key_file)
    if created:
        click.echo(f"(Created a local development key for pseudonyms at {key_file}.)", err=True)
    contact_file = config.database.parent / ".dev-contact-key"
    contact_key, created = seal.development_key(contact_file)
    if created:
        click.echo(f"(Created a local development key for contacts at {contact_file}.)", err=True)
    respondent = pseudonym(key, "terminal", "local")

    async def go(service: Any) -> int:
        if flow_id is not None and flow_id not in service.library.current:
            known = ", ".join(sorted(service.library.current))
            raise click.ClickException(f"no questionnaire '{flow_id}' (known: {known})")
        return await run_chat(
            service, respondent, sys.stdin, sys.stdout, flow_id=flow_id, language=language, tag=tag
        )

    sys.exit(_with_service(config, go, Sealer(contact_key)))


@main.command()
@click.option("--bot", "bot_username", required=True, help="Your bot's username, e.g. MyUnitBot.")
@click.option(
    "--qr", "qr_dir", type=click.Path(path_type=Path), help="Write a QR code PNG per tag."
)
@config_option
def links(bot_username: str, qr_dir: Path | None, config_path: Path) -> None:
    """Print the t.me link for each questionnaire and poster tag (and QR codes with --qr)."""
    import segno

    config = _config(config_path)
    flows = [c.flow for c in check_folder(config.flows_dir) if c.flow is not None]
    name = bot_username.removeprefix("@")
    rows = [("(default questionnaire)", f"https://t.me/{name}")]
    for flow in flows:
        rows.append((f"{flow.id}", f"https://t.me/{name}?start={flow.id}"))
        rows += [
            (f"{flow.id}: {tag}", f"https://t.me/{name}?start={tag}") for tag in flow.source_tags
        ]
    width = max(len(label) for label, _ in rows)
    for label, url in rows:
        click.echo(f"{label.ljust(width)}  {url}")
    if qr_dir is not None:
        qr_dir.mkdir(parents=True, exist_ok=True)
        for _, url in rows:
            tag = url.partition("?start=")[2] or "default"
            segno.make(url, error="m").save(str(qr_dir / f"{tag}.png"), scale=10, border=4)
        click.echo(f"wrote {len(rows)} QR code(s) to {qr_dir}", err=True)


@main.command()
@config_option
def outbox(config_path: Path) -> None:
    """How many contact details wait to be emailed to the agency (counts only, never contents)."""
    import aiosqlite

    from bot.delivery.worker import describe, status
    from bot.storage.store import Store

    config = _config(config_path)
    path = config.database
    if not path.exists():
        raise click.ClickException(f"no database at {path} yet")
    try:
        sealer: Sealer | None = Sealer(seal.key_from_env())
    except seal.MissingContactKey:
        sealer = None  # counts still work; rows under a wrong key can't be checked

    async def go() -> str:
        db = await aiosqlite.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            return describe(await status(Store(db, path, sealer), time.time()))
        finally:
            await db.close()

    click.echo(asyncio.run(go()))


@main.command()
@config_option
def purge(config_path: Path) -> None:
    """Make old answers anonymous and delete what is past retention (the bot also does this)."""
    config = _config(config_path)

    async def go(service: Any) -> int:
        done = await service.purge()
        click.echo(
            f"made anonymous: {done.unlinked} response(s); deleted: {done.deleted} "
            f"response(s) past retention; forgot {done.sessions} idle session(s)"
        )
        return 0

    sys.exit(_with_service(config, go, None))


@main.command()
@click.option("--webhook", is_flag=True, help="Serve Telegram webhooks instead of long polling.")
@config_option
def run(webhook: bool, config_path: Path) -> None:
    """Run the Telegram bot (token from TELEGRAM_BOT_TOKEN)."""
    import faulthandler
    import os
    import signal

    from bot.channels.telegram.adapter import TelegramBot
    from bot.channels.telegram.polling import StartError, make_bot, serve
    from bot.channels.telegram.sender import Sender
    from bot.privacy.pseudonym import MissingKey, key_from_env

    config = _config(config_path)
    token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        raise click.ClickException(
            "Set TELEGRAM_BOT_TOKEN to the token BotFather gave you (see README: Telegram)."
        )
    try:
        key = key_from_env()
        contact_key = seal.key_from_env()
    except (MissingKey, seal.MissingContactKey) as exc:
        raise click.ClickException(str(exc)) from None
    logs.configure()
    faulthandler.register(signal.SIGUSR1)  # `kill -USR1 <pid>` prints where a stuck bot waits

    async def go(service: Any) -> int:
        from bot.delivery.worker import PASSWORD_ENV, OutboxWorker, SmtpSettings

        a = config.agency
        smtp = SmtpSettings(
            host=a.host,
            port=a.port,
            starttls=a.starttls,
            use_tls=a.use_tls,
            username=a.username,
            password=os.environ.get(PASSWORD_ENV) or None,
            sender=a.sender,
            to=a.to,
            timeout=a.timeout,
        )
        worker = OutboxWorker(
            service.store,
            smtp,
            first_backoff=a.retry_first_seconds,
            max_backoff=a.retry_max_seconds,
        )
        service.on_contact = worker.wake
        bot = make_bot(token, config)
        limits = config.telegram.rate_limit
        sender = Sender(
            bot,
            overall_per_second=limits.overall_per_second,
            per_chat=(limits.per_chat_burst, limits.per_chat_burst),
        )
        try:
            async with bot:
                await serve(
                    config,
                    TelegramBot(service, sender, key),
                    bot,
                    webhook=webhook,
                    background=[worker.run],
                )
        except StartError as exc:
            raise click.ClickException(str(exc)) from None
        return 0

    sys.exit(_with_service(config, go, Sealer(contact_key)))


def _with_service(config: Config, body: Callable[[Any], Any], sealer: Sealer | None) -> int:
    from bot.service import Service, utc_now
    from bot.storage.store import Store

    async def go() -> int:
        store = await Store.open(config.database, sealer)
        try:
            library = await Library.load(config.flows_dir, store, utc_now().date())
            return int(await body(Service(config, store, library)))
        finally:
            await store.close()

    try:
        return asyncio.run(go())
    except FlowProblems as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        click.echo("\nStopped. Answers given so far are saved.", err=True)
        return 130
