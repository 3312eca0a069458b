"""Commands for engagement staff: check questionnaires, try them in the terminal, print links."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import click

from bot.app import App, development_keys
from bot.cli.common import config_from, config_option, preview_of, require_questionnaires, with_app
from bot.errors import more_problems
from bot.privacy.pseudonym import pseudonym
from bot.questionnaire.check import Checked, check_file, check_folder
from bot.questionnaire.schema import flow_schema
from bot.themes import THEMES_FOLDER
from bot.themes.check import check_file as check_codebook
from bot.themes.check import codebook_files
from bot.themes.schema import codebook_schema
from bot.words import number_of


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@config_option
def validate(paths: tuple[Path, ...], config_path: Path) -> None:
    """Check questionnaire files (default: the configured flows folder) and theme codebooks
    (files in a folder named `themes`; default: the `themes` folder beside the flows folder)."""
    started = time.perf_counter()
    if not paths:
        flows_dir = config_from(config_path).flows_dir
        checked = check_folder(flows_dir)
        books = codebook_files(flows_dir)
    else:
        files: list[Path] = []
        for path in paths:
            files.extend(sorted(path.glob("*.y*ml")) if path.is_dir() else [path])
        books = [f for f in files if f.parent.name == THEMES_FOLDER]
        checked = [check_file(f) for f in files if f not in books]
    if not checked and not books:
        where = ", ".join(map(str, paths)) if paths else str(config_from(config_path).flows_dir)
        click.echo(
            f"No questionnaire files (.yaml) found in {where}: add one (docs/flow-language.md "
            "shows how), or point `flows:` in the config at the folder that holds them.",
            err=True,
        )
        sys.exit(1)
    errors = warnings = 0
    for c in checked:
        _echo(c.file, c.problems, c.more)
        errors += c.errors
        warnings += c.warnings
    offered = {code for c in checked if c.flow for code in c.flow.languages}
    for line in _config_problems(config_path, offered):
        click.echo(line)
        errors += ": warning: " not in line
        warnings += ": warning: " in line
    questions = _free_text_questions(checked) if checked else None
    for book in (check_codebook(f, questions, offered) for f in books):
        _echo(book.file, book.problems, book.more_errors)
        errors += book.errors
        warnings += book.warnings
    took = (time.perf_counter() - started) * 1000
    codebooks = f" and {number_of(len(books), 'theme codebook')}" if books else ""
    click.echo(
        f"{number_of(len(checked), 'questionnaire')}{codebooks} checked: "
        f"{number_of(errors, 'error')}, {number_of(warnings, 'warning')} ({took:.0f} ms)",
        err=True,
    )
    sys.exit(1 if errors else 0)


def _echo(file: str, problems: Sequence[object], more: int) -> None:
    """A file's problems, one a line, and the line saying how many more were not shown."""
    for problem in problems:
        click.echo(str(problem))
    if more:
        click.echo(f"{file}: {more_problems(more)}")


def _free_text_questions(checked: list[Checked]) -> set[str]:
    """The ids of the questions parents answer in their own words, which themes apply to."""
    return {q.id for c in checked if c.flow for q in c.flow.questions if q.type == "text"}


def _config_problems(config_path: Path, languages: set[str]) -> list[str]:
    """The settings' own problems for the languages the questionnaires offer: a danger phrase
    that cannot be read (an error), or what those parents would miss (warnings)."""
    from bot.config import language_gaps, load_config
    from bot.errors import ConfigError

    if not config_path.is_file():
        return []
    try:
        config = load_config(config_path)
    except ConfigError as exc:
        return [f"{exc}"]
    return language_gaps(config, config_path, languages)


@click.command()
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write to this file.")
@click.option("--themes", is_flag=True, help="The theme codebook language's schema instead.")
@config_option
def schema(output: Path | None, themes: bool, config_path: Path) -> None:
    """Write the JSON Schema of the questionnaire language (for editor autocomplete), or with
    --themes of the theme codebook language.

    The schema is the same whatever the settings; --config is taken like every command's."""
    chosen = codebook_schema() if themes else flow_schema()
    text = json.dumps(chosen, indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)


@click.command()
@click.option("--flow", "flow_id", help="Questionnaire id (default: from config).")
@click.option("--lang", "language", help="Language code, e.g. en or pl.")
@click.option("--tag", help="A deep-link tag, as on a poster's QR code (e.g. mlu-ludlow).")
@click.option(
    "--live",
    is_flag=True,
    help="Answer into the live database, as a real parent (contacts go to the agency).",
)
@config_option
def chat(
    flow_id: str | None, language: str | None, tag: str | None, live: bool, config_path: Path
) -> None:
    """Walk through a questionnaire in the terminal, exactly as a parent would. A preview by
    default: answers go to a preview database beside the live one, and never to the agency."""
    from bot.channels.terminal import run_chat, width_of, wrapped

    def notice(line: str) -> None:  # wrapped to the terminal, like everything the chat prints
        click.echo(wrapped(line, width_of(sys.stderr)), err=True)

    config = config_from(config_path)
    if live:
        notice(
            f"LIVE: answers are stored in {config.database} with parents' real ones, and contact "
            "details typed here are sent to the agency."
        )
    else:
        config = preview_of(config)
        notice(
            f"Preview: answers are kept apart in {config.database}, never mixed with parents' "
            "real ones, and contact details typed here go nowhere. (--live to use the live "
            "database.)"
        )
    keys = development_keys(config, notice)

    def respondent(flow: str) -> str:  # one preview per questionnaire, each resumable
        return pseudonym(keys.pseudonym, "terminal", f"local/{flow}")

    async def go(app: App) -> int:
        require_questionnaires(app, config_path)
        if flow_id is not None and flow_id not in app.flows.current:
            known = ", ".join(sorted(app.flows.current))
            raise click.ClickException(f"no questionnaire '{flow_id}' (known: {known})")
        flow = app.service.pick_flow(tag, flow_id).id
        for other in sorted(set(app.flows.current) - {flow}):
            loaded = await app.store.load_session(respondent(other))
            if loaded is not None and not loaded.session.finished:
                notice(
                    f"Your unfinished {other} is kept as it is: chat --flow {other} carries on "
                    "with it."
                )
        return await run_chat(
            app.service, respondent(flow), sys.stdin, sys.stdout, flow_id=flow,
            language=language, tag=tag,
        )  # fmt: skip

    sys.exit(with_app(config, go, sealer=keys.sealer(), themes=True))


@click.command("test-flow")
@click.argument("flow_id", metavar="FLOW")
@click.option(
    "--script",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="Answers, one per line, as a parent would type them ('#' lines are comments).",
)
@click.option(
    "--expect",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The transcript this script must produce; exit 1 with the differences if not.",
)
@click.option("--update", is_flag=True, help="Write the transcript to --expect instead.")
@click.option("--lang", "language", help="Language code, e.g. en or pl.")
@click.option("--tag", help="A deep-link tag, as on a poster's QR code.")
@config_option
def test_flow(
    flow_id: str,
    script: Path,
    expect: Path | None,
    update: bool,
    language: str | None,
    tag: str | None,
    config_path: Path,
) -> None:
    """Run a questionnaire on scripted answers and print (or check) the transcript. Nothing
    touches the live or preview database: it runs on a throw-away one."""
    import difflib
    import io
    import tempfile

    from bot.channels.terminal import run_chat
    from bot.config import StorageConfig

    answers = [
        line for line in script.read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
    ]  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        storage = StorageConfig(path=Path(folder) / "test-flow.sqlite3")
        config = config_from(config_path).model_copy(update={"storage": storage})
        keys = development_keys(config, lambda line: None)
        out = io.StringIO()

        async def go(app: App) -> int:
            require_questionnaires(app, config_path)
            if flow_id not in app.flows.current:
                known = ", ".join(sorted(app.flows.current))
                raise click.ClickException(f"no questionnaire '{flow_id}' (known: {known})")
            typed = io.StringIO("\n".join(answers) + "\n")
            who = pseudonym(keys.pseudonym, "terminal", "test-flow")
            return await run_chat(
                app.service, who, typed, out, flow_id=flow_id, language=language, tag=tag
            )

        status = with_app(config, go, sealer=keys.sealer())
    got = out.getvalue()
    if status or expect is None:
        click.echo(got, nl=False)
        sys.exit(status)
    if update:
        expect.write_text(got, encoding="utf-8")
        click.echo(f"wrote {expect}", err=True)
        return
    if not expect.exists():
        raise click.ClickException(f"no transcript at {expect} yet: run again with --update")
    wanted = expect.read_text(encoding="utf-8")
    if got == wanted:
        click.echo(f"{flow_id}: the transcript matches {expect}", err=True)
        return
    diff = difflib.unified_diff(
        wanted.splitlines(keepends=True), got.splitlines(keepends=True), str(expect), "now"
    )
    click.echo("".join(diff), nl=False)
    click.echo(
        f"{flow_id}: the transcript differs from {expect} (above). If the change is meant, "
        "run again with --update and review the new transcript.",
        err=True,
    )
    sys.exit(1)


@click.command()
@click.option("--bot", "bot_username", help="Your Telegram bot's username, e.g. MyUnitBot.")
@click.option(
    "--qr", "qr_dir", type=click.Path(path_type=Path), help="Write a QR code PNG per link."
)
@config_option
def links(bot_username: str | None, qr_dir: Path | None, config_path: Path) -> None:
    """Print the link for each questionnaire and poster tag: Telegram's with --bot, the web
    chat's when web.public_url is set (and QR codes with --qr)."""
    import segno

    config = config_from(config_path)
    web_url = config.web.public_url
    if not bot_username and not web_url:
        raise click.ClickException(
            f"say which links: --bot YourBotUsername for Telegram, or set web.public_url in "
            f"{config_path} for the web chat"
        )
    flows = [c.flow for c in check_folder(config.flows_dir) if c.flow is not None]
    starts = [("(default questionnaire)", "", "default")]
    for flow in flows:
        starts.append((flow.id, flow.id, flow.id))
        starts += [(f"{flow.id}: {tag}", tag, tag) for tag in flow.source_tags]
    rows = []  # (label, url, file name)
    if bot_username:
        name = bot_username.removeprefix("@")
        rows += [
            (label, f"https://t.me/{name}" + (f"?start={tag}" if tag else ""), f"telegram-{file}")
            for label, tag, file in starts
        ]
    if web_url:
        root = web_url if web_url.endswith("/") else web_url + "/"
        rows += [
            (label, root + (f"s/{tag}" if tag else ""), f"web-{file}")
            for label, tag, file in starts
        ]
    width = max(len(label) for label, _, _ in rows)
    for label, url, _ in rows:
        click.echo(f"{label.ljust(width)}  {url}")
    if qr_dir is not None:
        qr_dir.mkdir(parents=True, exist_ok=True)
        for _, url, file in rows:
            segno.make(url, error="m").save(str(qr_dir / f"{file}.png"), scale=10, border=4)
        click.echo(f"wrote {number_of(len(rows), 'QR code')} to {qr_dir}", err=True)


COMMANDS = [validate, schema, chat, test_flow, links]
