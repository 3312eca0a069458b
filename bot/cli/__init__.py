"""Command line: `python -m bot COMMAND`. Every command takes --config FILE.

Commands for engagement staff writing questionnaires are in `questionnaires`, commands that run
the bot and look after its data in `running`, commands for analysts in `answers`."""

from __future__ import annotations

import click

from bot.cli import answers, questionnaires, running


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """The maternity feedback chat-bot: questionnaires for families, answers for NHS teams."""


for _command in (*questionnaires.COMMANDS, *running.COMMANDS, *answers.COMMANDS):
    main.add_command(_command)
