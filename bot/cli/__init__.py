"""Command line: `python -m bot COMMAND`. Every command takes --config FILE.

Commands for engagement staff writing questionnaires are in `questionnaires`, commands that run
the bot and look after its data in `running`, commands for analysts in `answers`. Each module is
imported only when one of its commands runs, so `export` does not start by loading Telegram."""

from __future__ import annotations

import importlib

import click

#: Every module with a `COMMANDS` list.
MODULES = ("questionnaires", "running", "answers", "themes")
#: Which module holds a command, so that running it imports only that module.
WHERE = {
    "validate": "questionnaires", "schema": "questionnaires", "chat": "questionnaires",
    "links": "questionnaires", "test-flow": "questionnaires", "run": "running",
    "web": "running",
    "outbox": "running", "purge": "running", "backup": "running",
    "export": "answers", "codebook": "answers", "report": "answers", "themes": "themes",
}  # fmt: skip


def _commands(module: str) -> dict[str, click.Command]:
    loaded = importlib.import_module(f"bot.cli.{module}")
    return {c.name or "": c for c in loaded.COMMANDS}


class Commands(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for module in MODULES for name in _commands(module))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in WHERE:
            found = _commands(WHERE[cmd_name]).get(cmd_name)
            if found is not None:
                return found
        for module in MODULES:
            command = _commands(module).get(cmd_name)
            if command is not None:
                return command
        return None


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """The maternity feedback chat-bot: questionnaires for families, answers for NHS teams."""
