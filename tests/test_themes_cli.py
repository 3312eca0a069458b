"""`python -m bot validate` checks theme codebooks (the `themes/` folder beside the flows, or
files named on the command line in a folder called `themes`); `python -m bot schema --themes`
writes their JSON Schema."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import yaml
from conftest import FLOWS, ROOT

SHIPPED = ROOT / "themes" / "maternity.yaml"


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, timeout=60, cwd=cwd
    )


def test_validate_checks_the_themes_folder_beside_the_flows(tmp_path: Path) -> None:
    shutil.copytree(FLOWS, tmp_path / "flows")
    (tmp_path / "themes").mkdir()
    text = SHIPPED.read_text(encoding="utf-8")
    broken = text.replace("    framework: Parking", "    framwork: Parking")
    broken = broken.replace("questions: all", "questions: [unti]", 1)
    (tmp_path / "themes" / "maternity.yaml").write_text(broken, encoding="utf-8")
    (tmp_path / "config.yaml").write_text("flows: flows\n", encoding="utf-8")
    done = run_cli("validate", "--config", str(tmp_path / "config.yaml"), cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    line = next(n for n, row in enumerate(broken.splitlines(), 1) if "framwork" in row)
    assert (
        f"themes/maternity.yaml:{line}:5: error: theme 'parking': unknown key 'framwork' — "
        "did you mean 'framework'?"
    ) in done.stdout
    assert "1 theme codebook checked: 1 error" in done.stderr


def test_validate_warns_of_a_question_no_questionnaire_asks(tmp_path: Path) -> None:
    folder = tmp_path / "themes"
    folder.mkdir()
    book = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    book["themes"][0]["questions"] = ["what_was_goood"]
    (folder / "book.yaml").write_text(json.dumps(book), encoding="utf-8")
    flows = sorted(FLOWS.glob("*.yaml"))
    done = run_cli("validate", *map(str, flows), str(folder / "book.yaml"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "warning: no free-text question 'what_was_goood' in the questionnaires" in done.stdout


def test_the_shipped_codebook_validates_on_the_command_line() -> None:
    done = run_cli("validate", str(SHIPPED))
    assert done.returncode == 0, done.stdout
    assert "0 questionnaires and 1 theme codebook checked: 0 errors, 0 warnings" in done.stderr


def test_the_schema_covers_the_shipped_codebook_and_refuses_a_misspelt_framework() -> None:
    done = run_cli("schema", "--themes")
    assert done.returncode == 0, done.stderr
    schema = json.loads(done.stdout)
    book = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    jsonschema.validate(book, schema)
    book["themes"][0]["framework"] = "Staff manner"
    try:
        jsonschema.validate(book, schema)
    except jsonschema.ValidationError:
        pass
    else:
        raise AssertionError("a misspelt framework sub-category passed the schema")


def test_themes_code_codes_any_csv_of_comments_and_keeps_its_columns(tmp_path: Path) -> None:
    import csv

    shutil.copytree(FLOWS, tmp_path / "flows")
    shutil.copytree(ROOT / "themes", tmp_path / "themes")
    (tmp_path / "config.yaml").write_text("flows: flows\n", encoding="utf-8")
    comments = tmp_path / "comments.csv"
    comments.write_text(
        "id,Comment\n1,The food was cold and nobody came when I rang the bell\n"
        "2,Położne były bardzo miłe i pomocne\n3,\n",
        encoding="utf-8-sig",
    )
    out = tmp_path / "out" / "coded.csv"
    done = run_cli("themes", "code", "--in", str(comments), "--out", str(out),
                   "--config", str(tmp_path / "config.yaml"), cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "3 comments coded" in done.stderr
    with out.open(encoding="utf-8-sig", newline="") as read:
        rows = list(csv.DictReader(read))
    assert [r["id"] for r in rows] == ["1", "2", "3"]  # every row, with its own columns
    cold, kind, empty = rows
    assert set(cold["themes"].split()) == {"food", "responsiveness"}
    assert "food: food" in cold["theme_phrases"] and cold["sentiment"] == "negative"
    assert kind["themes"] == "staff_manner" and kind["sentiment"] == "positive"
    assert empty["themes"] == "" and empty["theme_phrases"] == ""


def test_themes_code_says_which_column_it_needs(tmp_path: Path) -> None:
    comments = tmp_path / "comments.csv"
    comments.write_text("id,said\n1,Lovely staff\n", encoding="utf-8")
    out = tmp_path / "coded.csv"
    args = ("themes", "code", "--in", str(comments), "--out", str(out), "--codebook", str(SHIPPED))
    done = run_cli(*args)
    assert done.returncode == 1 and "--column (columns: id, said)" in done.stderr
    assert not out.exists()
    assert run_cli(*args, "--column", "said").returncode == 0
    assert "staff_manner" in out.read_text(encoding="utf-8-sig")
