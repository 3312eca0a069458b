"""Commands for analysts: export the anonymised answers, and the codebook that explains them."""

from __future__ import annotations

import glob
import re
import sys
from pathlib import Path

import click

from bot.cli.common import config_from, config_option
from bot.errors import BotError
from bot.words import number_of

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _month(_: object, __: object, value: str | None) -> str | None:
    if value is not None and not _MONTH.match(value):
        raise click.BadParameter(f"'{value}' is not a month like 2026-03")
    return value


def databases(patterns: tuple[str, ...], config_path: Path) -> list[Path]:
    """The databases named (a glob matches several), or the one in the settings file."""
    if not patterns:
        return [config_from(config_path).database]
    found: list[Path] = []
    for pattern in patterns:
        matches = (
            sorted(m for m in glob.glob(pattern) if Path(m).is_file())
            if glob.has_magic(pattern)
            else [pattern]
        )
        if not matches:
            raise click.ClickException(f"no database matches {pattern}")
        found += [Path(m) for m in matches if Path(m) not in found]
    return found


def _out(value: str) -> Path | None:
    return None if value == "-" else Path(value)


def _format(fmt: str | None, out: Path | None, allowed: tuple[str, ...]) -> str:
    if fmt is not None:
        return fmt
    suffix = out.suffix.lstrip(".").lower() if out is not None else ""
    return suffix if suffix in allowed else allowed[0]


db_option = click.option(
    "--db",
    "patterns",
    multiple=True,
    help="Database file or glob (repeat to merge regions); default: the one in --config.",
)
flow_option = click.option("--flow", "flow_id", help="Only this questionnaire (its id).")
out_option = click.option("--out", required=True, help="File to write; - for standard output.")


@click.command()
@flow_option
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "jsonl"]),
              help="Default: from the --out suffix, else csv.")  # fmt: skip
@click.option("--status", type=click.Choice(["all", "complete"]), default="all", show_default=True)
@click.option("--since", callback=_month, help="First start month, YYYY-MM.")
@click.option("--until", callback=_month, help="Last start month, YYYY-MM.")
@click.option("--labels/--codes", default=False, help="Option labels instead of codes.")
@click.option("--long", "long_form", is_flag=True, help="One row per answer, not per response.")
@click.option("--lang", help="Language of --labels (default: the questionnaire's first).")
@out_option
@db_option
@config_option
def export(
    flow_id: str | None,
    fmt: str | None,
    status: str,
    since: str | None,
    until: str | None,
    labels: bool,
    long_form: bool,
    lang: str | None,
    out: str,
    patterns: tuple[str, ...],
    config_path: Path,
) -> None:
    """Anonymised answers for analysis: CSV (opens in Excel), XLSX with the codebook, or JSONL.

    Example: python -m bot export --flow mlu_experience --out answers.csv"""
    from bot.analysis import export as exporting
    from bot.analysis.writers import open_sink, replacing
    from bot.storage.reading import Filter

    path = _out(out)
    which = Filter(flow_id, status == "complete", since, until)
    request = exporting.Request(databases(patterns, config_path), which, long_form, labels, lang)
    chosen = _format(fmt, path, ("csv", "xlsx", "jsonl"))
    try:
        with replacing(path) as part:
            sink = open_sink(chosen, part)
            try:
                written = exporting.export(request, sink)
                if chosen == "xlsx":
                    from bot.analysis import codebook

                    found = exporting.plans(request.databases, flow_id)
                    codebook.write(sink, codebook.sheets(found))
            finally:
                sink.close()
    except BotError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from None
    if path is not None:
        click.echo(f"{number_of(written, 'response')} written to {path}", err=True)


@click.command()
@flow_option
@click.option("--format", "fmt", type=click.Choice(["csv", "md", "xlsx"]),
              help="Default: from the --out suffix, else csv.")  # fmt: skip
@out_option
@db_option
@config_option
def codebook(
    flow_id: str | None, fmt: str | None, out: str, patterns: tuple[str, ...], config_path: Path
) -> None:
    """The data dictionary: every question, its type, texts, options, when it is asked, the
    values that stand for no answer, and the versions it appears in (XLSForm's layout)."""
    from bot.analysis import codebook as book
    from bot.analysis.export import plans
    from bot.analysis.writers import open_sink, replacing

    path = _out(out)
    chosen = _format(fmt, path, ("csv", "md", "xlsx"))
    try:
        found = plans(databases(patterns, config_path), flow_id)
        sheets = book.sheets(found) if chosen == "xlsx" else [book.survey(found)]
        if chosen == "md" and path is None:
            sys.stdout.write(book.markdown(found))
            return
        with replacing(path) as part:
            if chosen == "md" and part is not None:
                part.write_text(book.markdown(found), encoding="utf-8")
                return
            sink = open_sink(chosen, part)
            try:
                book.write(sink, sheets)
            finally:
                sink.close()
    except BotError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from None


@click.command()
@flow_option
@click.option("--since", callback=_month, help="First start month, YYYY-MM.")
@click.option("--until", callback=_month, help="Last start month, YYYY-MM.")
@click.option("--by", default="source", show_default=True,
              help="Break down by poster tag (source) or a 'breakdown' question.")  # fmt: skip
@click.option("--to-date", is_flag=True,
              help="Up to today, not just whole months that have ended (for the team only: "
                   "the page carries a warning).")  # fmt: skip
@click.option("--lang", help="Language of the questions and answers shown.")
@click.option("--out", required=True, type=click.Path(path_type=Path), help="HTML file to write.")
@db_option
@config_option
def report(
    flow_id: str | None,
    since: str | None,
    until: str | None,
    by: str,
    to_date: bool,
    lang: str | None,
    out: Path,
    patterns: tuple[str, ...],
    config_path: Path,
) -> None:
    """A one-file HTML report for a board: counts, charts, the Friends and Family Test, a
    breakdown and quotes, every number under disclosure control (settings: `report:`). It covers
    whole months that have ended unless --to-date is given.

    Example: python -m bot report --flow mlu_experience --by unit --out report.html"""
    from bot.analysis.disclosure import Rule
    from bot.analysis.report import build, render
    from bot.storage.reading import Filter

    settings = config_from(config_path).report
    rule = Rule(settings.suppress_up_to, settings.round_to, settings.min_base)
    try:
        context = build(databases(patterns, config_path), Filter(flow_id, False, since, until), by,
                        rule, lang, to_date=to_date)  # fmt: skip
    except BotError as exc:
        raise click.ClickException(str(exc)) from None
    out.write_text(render(context), encoding="utf-8")
    if to_date:
        from bot.analysis.periods import TO_DATE_WARNING

        click.echo(f"Warning: {TO_DATE_WARNING}", err=True)
    click.echo(f"report written to {out}", err=True)


COMMANDS = [export, codebook, report]
