"""Commands for themes in what parents write in their own words (docs/themes.md)."""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

import click

from bot.cli.common import config_from, config_option
from bot.themes import THEMES_FOLDER
from bot.themes.check import check_file, codebook_files
from bot.themes.codebook import Codebook
from bot.words import number_of

#: The columns a coded CSV gains.
ADDED = ("themes", "theme_phrases", "sentiment")


@click.group()
def themes() -> None:
    """Themes in typed answers: code a CSV of comments, or recode the database's answers."""


def _codebook(given: Path | None, config_path: Path) -> Codebook:
    """The codebook given, or the only one in the themes folder beside the flows."""
    if given is None:
        flows_dir = config_from(config_path).flows_dir
        folder, found = flows_dir.parent / THEMES_FOLDER, codebook_files(flows_dir)
        if len(found) != 1:
            which = "none" if not found else ", ".join(p.name for p in found)
            raise click.ClickException(
                f"give the codebook with --codebook FILE (in {folder}: {which})"
            )
        given = found[0]
    checked = check_file(given)
    if not checked.ok or checked.codebook is None:
        for problem in checked.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{given}: fix the codebook first (python -m bot validate)")
    return checked.codebook


def _column(header: list[str], wanted: str | None) -> int:
    """Which column holds the comments: the one named, else `comment` or `text`, else the only
    column there is."""
    names = [h.strip().lower() for h in header]
    for name in [wanted.lower()] if wanted else ["comment", "text"]:
        if name in names:
            return names.index(name)
    if wanted is None and len(header) == 1:
        return 0
    listed = ", ".join(header) or "none"
    raise click.ClickException(f"name the column of comments with --column (columns: {listed})")


@themes.command()
@click.option(
    "--in",
    "source",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    required=True,
    help="A CSV file of comments (UTF-8), one comment per row.",
)
@click.option(
    "--out",
    "target",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="The CSV to write: every column read, then themes, theme_phrases, sentiment.",
)
@click.option("--column", help="The column holding the comments (default: comment or text).")
@click.option("--question", help="Code only with themes that apply to this question id.")
@click.option(
    "--codebook",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="A theme codebook file (default: the one in the themes folder).",
)
@config_option
def code(
    source: Path,
    target: Path,
    column: str | None,
    question: str | None,
    codebook: Path | None,
    config_path: Path,
) -> None:
    """Code any CSV of comments with the theme codebook: to compare with a team's own coding, or
    to code comments from other sources. Each row gains its themes (ids, space-separated), the
    phrase behind each theme, and its sentiment."""
    from bot.themes.coder import Coder

    coder = Coder(_codebook(codebook, config_path))
    with source.open(encoding="utf-8-sig", newline="") as read:
        rows = csv.reader(read)
        header = next(rows, [])
        at = _column(header, column)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        count = 0
        try:
            with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as out:
                write = csv.writer(out)
                write.writerow([*header, *ADDED])
                for row in rows:
                    text = row[at] if at < len(row) else ""
                    coded = coder.code(text, question)
                    phrases = "; ".join(f"{c.theme}: {c.phrase}" for c in coded.codes)
                    write.writerow([*row, " ".join(coded.themes), phrases, coded.sentiment])
                    count += 1
            os.replace(partial, target)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    click.echo(f"{target}: {number_of(count, 'comment')} coded", err=True)


@themes.command()
@config_option
def recode(config_path: Path) -> None:
    """Code every typed answer in the database again with the theme codebook (after staff
    changed it). Safe while the bot runs."""
    import asyncio

    from bot.analysis.coding import load, recode
    from bot.storage.store import Store

    config = config_from(config_path)
    if not config.database.exists():
        raise click.ClickException(f"no database at {config.database} yet")
    coding = load(config.flows_dir)
    if coding is None:
        folder = config.flows_dir.parent / THEMES_FOLDER
        raise click.ClickException(f"no codebook that passes validate in {folder}")

    async def go() -> int:
        store = await Store.open(config.database)
        try:
            return await recode(store, coding)
        finally:
            await store.close()

    click.echo(f"{number_of(asyncio.run(go()), 'typed answer')} coded", err=True)


COMMANDS = [themes]
