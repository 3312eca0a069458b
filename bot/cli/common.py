"""What every command shares: --config, and operators' mistakes said in one sentence."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.errors import BotError

if TYPE_CHECKING:  # loaded by the commands that need them: `export --db` starts faster
    from bot.app import App
    from bot.config import Config
    from bot.delivery.email import Send
    from bot.privacy.seal import Sealer

config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    default=Path("config.yaml"),
    show_default=True,
    help="Settings file.",
)


def config_from(path: Path) -> Config:
    from bot.config import load_config

    try:
        return load_config(path)
    except BotError as exc:
        raise click.ClickException(str(exc)) from None


def with_app(
    config: Config,
    body: Callable[[App], Awaitable[int]],
    *,
    sealer: Sealer | None,
    send: Send | None = None,
    themes: bool = False,
) -> int:
    """Open the app, run `body`, close it. Returns the exit status; Ctrl-C keeps what was saved.
    With `themes`, parents' typed answers are coded with the theme codebook."""
    import asyncio

    from bot.app import opened

    async def go() -> int:
        async with opened(config, sealer=sealer, send=send, themes=themes) as app:
            return await body(app)

    try:
        return asyncio.run(go())
    except BotError as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        click.echo("\nStopped. Answers given so far are saved.", err=True)
        return 130


def preview_of(config: Config) -> Config:
    """The same settings with the preview database beside the live one, so trying a
    questionnaire never mixes test answers with parents' real ones."""
    from bot.config import StorageConfig

    preview = config.database.with_name("preview.sqlite3")
    return config.model_copy(update={"storage": StorageConfig(path=preview)})


def require_questionnaires(app: App, config_path: Path) -> None:
    """One sentence, instead of a crash, when the flows folder holds no questionnaire."""
    if not app.flows.current:
        folder = app.config.flows_dir
        raise click.ClickException(
            f"no questionnaires in {folder}: add a .yaml file there (docs/flow-language.md "
            f"shows how), or set `flows:` in {config_path} to the folder that holds them"
        )
