"""Commands that run the bot and look after its data: run, outbox, purge, backup."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import click

from bot.app import (
    App,
    Job,
    agency_sender,
    keys_from_env,
    run_until_signalled,
    telegram_channel,
    token_from_env,
    web_channel,
    web_job,
)
from bot.cli.common import config_from, config_option, require_questionnaires, with_app
from bot.errors import BotError, MissingContactKey
from bot.privacy import seal
from bot.privacy.seal import Sealer
from bot.storage.store import Store
from bot.words import number_of


@click.command()
@click.option("--webhook", is_flag=True, help="Serve Telegram webhooks instead of long polling.")
@config_option
def run(webhook: bool, config_path: Path) -> None:
    """Run the Telegram bot (token from TELEGRAM_BOT_TOKEN), and the web chat with it when
    `web: enabled: true` is in the config."""
    import faulthandler
    import signal

    from bot.channels.telegram.polling import serve
    from bot.channels.telegram.webhook import webhook_target
    from bot.privacy import logs

    config = config_from(config_path)
    try:
        token = token_from_env()
        keys = keys_from_env()
        send = agency_sender(config)
        if webhook:
            webhook_target(config)  # said now, before the database is opened or Telegram called
    except BotError as exc:
        raise click.ClickException(str(exc)) from None
    logs.configure()
    faulthandler.register(signal.SIGUSR1)  # `kill -USR1 <pid>` prints where a stuck bot waits

    async def go(app: App) -> int:
        require_questionnaires(app, config_path)
        handler = telegram_channel(app, token, keys.pseudonym)
        background: list[Job] = [app.outbox.run] if app.outbox else []
        if config.web.enabled:
            background.append(web_job(web_channel(app, keys.pseudonym)))
        await serve(config, handler, handler.sender.bot, webhook=webhook, background=background)
        return 0

    sys.exit(with_app(config, go, sealer=keys.sealer(), send=send, themes=True))


@click.command()
@click.option("--port", type=click.IntRange(1, 65535), help="Listen on this port (else web.port).")
@config_option
def web(port: int | None, config_path: Path) -> None:
    """Serve the web chat only, for teams without a Telegram bot (behind your HTTPS proxy)."""
    from bot.privacy import logs
    from bot.service import housekeeping

    config = config_from(config_path)
    if port is not None:
        config = config.model_copy(update={"web": config.web.model_copy(update={"port": port})})
    try:
        keys = keys_from_env()
        send = agency_sender(config)
    except BotError as exc:
        raise click.ClickException(str(exc)) from None
    logs.configure()

    async def go(app: App) -> int:
        require_questionnaires(app, config_path)
        chat = web_channel(app, keys.pseudonym)
        jobs = [web_job(chat), lambda stopping: housekeeping(app.service, stopping)]
        await run_until_signalled([*jobs, *([app.outbox.run] if app.outbox else [])])
        return 0

    sys.exit(with_app(config, go, sealer=keys.sealer(), send=send, themes=True))


@click.command()
@config_option
def outbox(config_path: Path) -> None:
    """How many contact details wait to be emailed to the agency (counts only, never contents)."""
    from bot.delivery.worker import describe, status

    config = config_from(config_path)
    if not config.database.exists():
        raise click.ClickException(f"no database at {config.database} yet")
    try:
        sealer: Sealer | None = Sealer(seal.key_from_env())
    except MissingContactKey:
        sealer = None  # counts still work; rows under a wrong key can't be checked

    async def go() -> str:
        store = await Store.open_readonly(config.database, sealer)
        try:
            return describe(await status(store, time.time()))
        finally:
            await store.close()

    click.echo(asyncio.run(go()))


@click.command()
@config_option
def purge(config_path: Path) -> None:
    """Make old answers anonymous and delete what is past retention (the bot also does this)."""
    config = config_from(config_path)

    async def go(app: App) -> int:
        done = await app.service.purge()
        click.echo(
            f"made anonymous: {number_of(done.unlinked, 'response')}; deleted: "
            f"{number_of(done.deleted, 'response')} past retention; forgot "
            f"{number_of(done.sessions, 'idle session')}"
        )
        return 0

    sys.exit(with_app(config, go, sealer=None))


@click.command()
@click.option(
    "--out", "out", required=True, type=click.Path(path_type=Path), help="The backup file to write."
)
@click.option("--force", is_flag=True, help="Replace the file if it exists.")
@config_option
def backup(out: Path, force: bool, config_path: Path) -> None:
    """A consistent copy of the database, safe while the bot runs (readable by this user only)."""
    from bot.storage.backup import backup_database

    config = config_from(config_path)
    try:
        done = backup_database(config.database, out, force=force)
    except BotError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"backed up {config.database} to {done.path}: {number_of(done.responses, 'response')}, "
        f"{done.size:,} bytes, integrity check ok",
        err=True,
    )


COMMANDS = [run, web, outbox, purge, backup]
