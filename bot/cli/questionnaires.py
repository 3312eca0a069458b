"""Commands for engagement staff: check questionnaires, try them in the terminal, print links."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from bot.app import App, development_keys
from bot.cli.common import config_from, config_option, with_app
from bot.privacy.pseudonym import pseudonym
from bot.questionnaire.check import check_file, check_folder
from bot.questionnaire.schema import flow_schema


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@config_option
def validate(paths: tuple[Path, ...], config_path: Path) -> None:
    """Check questionnaire files (default: the configured flows folder)."""
    started = time.perf_counter()
    if not paths:
        folders = [config_from(config_path).flows_dir]
        checked = check_folder(folders[0])
    else:
        files: list[Path] = []
        folders = [path for path in paths if path.is_dir()]
        for path in paths:
            files.extend(sorted(path.glob("*.y*ml")) if path.is_dir() else [path])
        checked = [check_file(f) for f in files]
    if not checked:
        click.echo(_nothing_found(folders, config_path, bool(paths)), err=True)
        sys.exit(1)
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
    sys.exit(1 if errors else 0)


def _nothing_found(folders: list[Path], config_path: Path, named: bool) -> str:
    """One sentence: where no questionnaire was found, and what to do about it."""
    where = " or ".join(str(f) for f in folders) or "the paths given"
    if any(not f.exists() for f in folders):
        found, add = f"the folder {where} does not exist", "create it with a .yaml file in it"
    else:
        found, add = f"there are none in {where}", "add a .yaml file there"
    elsewhere = (
        "or name the folder or files that hold your questionnaires"
        if named
        else f"or set 'flows:' in {config_path} (or pass --config) to the folder that holds them"
    )
    return f"No questionnaire files (.yaml or .yml) were found: {found}; {add}, {elsewhere}."


@click.command()
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write to this file.")
def schema(output: Path | None) -> None:
    """Write the JSON Schema of the questionnaire language (for editor autocomplete)."""
    text = json.dumps(flow_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)


@click.command()
@click.option("--flow", "flow_id", help="Questionnaire id (default: from config).")
@click.option("--lang", "language", help="Language code, e.g. en or pl.")
@click.option("--tag", help="A deep-link tag, as on a poster's QR code (e.g. mlu-ludlow).")
@config_option
def chat(flow_id: str | None, language: str | None, tag: str | None, config_path: Path) -> None:
    """Walk through a questionnaire in the terminal, exactly as a parent would."""
    from bot.channels.terminal import run_chat

    config = config_from(config_path)
    keys = development_keys(config, lambda line: click.echo(line, err=True))
    respondent = pseudonym(keys.pseudonym, "terminal", "local")

    async def go(app: App) -> int:
        if flow_id is not None and flow_id not in app.flows.current:
            known = ", ".join(sorted(app.flows.current))
            raise click.ClickException(f"no questionnaire '{flow_id}' (known: {known})")
        return await run_chat(
            app.service, respondent, sys.stdin, sys.stdout, flow_id=flow_id, language=language,
            tag=tag,
        )  # fmt: skip

    sys.exit(with_app(config, go, sealer=keys.sealer()))


@click.command()
@click.option("--bot", "bot_username", required=True, help="Your bot's username, e.g. MyUnitBot.")
@click.option(
    "--qr", "qr_dir", type=click.Path(path_type=Path), help="Write a QR code PNG per tag."
)
@config_option
def links(bot_username: str, qr_dir: Path | None, config_path: Path) -> None:
    """Print the t.me link for each questionnaire and poster tag (and QR codes with --qr)."""
    import segno

    config = config_from(config_path)
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


COMMANDS = [validate, schema, chat, links]
