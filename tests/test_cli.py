"""The command line as the README promises it: every command takes --config, every command is in
the README's table, and the package installs without warnings."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click
from conftest import FLOWS, ROOT

from bot.cli import MODULES, WHERE, main


def commands() -> dict[str, click.Command]:
    ctx = click.Context(main)
    found = {name: main.get_command(ctx, name) for name in main.list_commands(ctx)}
    return {name: command for name, command in found.items() if command is not None}


def readme_commands() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Commands", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `python -m bot ([a-z-]+)", section, flags=re.MULTILINE))


def leaves(name: str, command: click.Command) -> dict[str, click.Command]:
    """A command, or each command of a group (`themes code`), by its full name."""
    if isinstance(command, click.Group):
        return {f"{name} {sub}": c for sub, c in command.commands.items()}
    return {name: command}


def test_every_command_takes_config() -> None:
    every = {k: v for name, command in commands().items() for k, v in leaves(name, command).items()}
    assert "themes code" in every
    without = [
        name
        for name, command in every.items()
        if not any("--config" in p.opts for p in command.params)
    ]
    assert without == []


def test_schema_takes_config_like_every_command(tmp_path: Path) -> None:
    out = tmp_path / "schema.json"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "schema", "--config", str(ROOT / "config.yaml"),
         "-o", str(out)],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text())["$schema"]


def test_the_readme_lists_every_command_and_where_knows_each() -> None:
    names = set(commands())
    assert readme_commands() == names
    assert set(WHERE) == names
    assert set(WHERE.values()) == set(MODULES)


def test_the_package_metadata_builds_without_a_warning(tmp_path: Path) -> None:
    """setuptools warns on every install about a deprecated licence table; SPDX does not."""
    project = tmp_path / "out"
    project.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, project / name)
    shutil.copytree(ROOT / "bot", project / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    code = "from setuptools import build_meta as b; print(b.prepare_metadata_for_build_wheel('.'))"
    done = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True,
                          text=True, cwd=project, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Warning" not in done.stderr
    metadata = (project / done.stdout.strip().splitlines()[-1] / "METADATA").read_text()
    assert "License-Expression: MIT" in metadata
    assert "License-File: LICENSE" in metadata
    assert "The maternity feedback bot contributors" in (ROOT / "LICENSE").read_text()


def readme_lines(*sections: str) -> list[str]:
    """The lines running `.venv/bin/python -m bot …` in the README's code blocks there."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = []
    for section in sections:
        body = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
        for block in body.split("```")[1::2]:
            found += [ln for ln in block.splitlines() if ".venv/bin/python -m bot " in ln]
    return found


def test_the_readmes_commands_for_analysts_work_as_written(tmp_path: Path) -> None:
    """On a database like a real one: every questionnaire registered, answers to one of them."""
    config = tmp_path / "config.yaml"
    config.write_text(f"flows: {FLOWS}\nstorage: {{path: db.sqlite3}}\n")

    def run(line: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        args = shlex.split(line, comments=True)
        assert args[0] == ".venv/bin/python"
        return subprocess.run(
            [sys.executable, *args[1:], "--config", str(config)], input=stdin,
            capture_output=True, text=True, cwd=tmp_path, timeout=120,
        )  # fmt: skip

    (chat,) = readme_lines("Commands")
    typed, _, command = chat.partition(" | ")  # printf '…' | .venv/bin/python -m bot chat …
    answers = shlex.split(typed)[1].replace("\\n", "\n")
    assert run(command + " --live", answers).returncode == 0  # answers as real, not a preview
    (tmp_path / "regions").mkdir()
    shutil.copy(tmp_path / "db.sqlite3", tmp_path / "regions" / "north.sqlite3")
    lines = readme_lines("Answers for analysts", "Reports")
    assert len(lines) == 6
    for line in lines:
        done = run(line)
        assert done.returncode == 0, f"{line}\n{done.stderr}"
        assert "Traceback" not in done.stderr
