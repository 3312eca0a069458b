"""Typed answers coded as they arrive: a parent's comment is stored with its themes and
sentiment, exported beside it, gone with it, and coded again by `themes recode` after staff
change the codebook."""

from __future__ import annotations

import asyncio
import csv
import shutil
import sqlite3
from pathlib import Path

from analysis_data import ANALYSIS, answer_all
from click.testing import CliRunner
from conftest import ROOT, SEALER, make_config, make_service

from bot.analysis.coding import ThemeCoding, load
from bot.cli import main
from bot.conversation import events as ev
from bot.storage.store import Store

COLD = "The food was cold and nobody came when I rang the bell"
SCRIPT = {"unit": ("ludlow",), "stages": ("birth",), "birth_place": ("unit",),
          "fft": ("poor",), "visits": "2", "comments": COLD}  # fmt: skip
PARKING_ONLY = """id: parking
themes:
  - id: parking
    label: {en: Parking, pl: Parking}
    description: Parking at the unit.
    phrases:
      en: [food]
"""


def folder(tmp_path: Path) -> Path:
    """A deployment's layout: questionnaires in flows/, the codebook in themes/ beside them."""
    flows = tmp_path / "flows"
    flows.mkdir()
    shutil.copy(ANALYSIS / "v1.yaml", flows / "survey.yaml")
    shutil.copytree(ROOT / "themes", tmp_path / "themes")
    config = tmp_path / "config.yaml"
    config.write_text(f"flows: {flows}\nstorage: {{path: {tmp_path / 'feedback.sqlite3'}}}\n")
    return config


async def parent_comments(tmp_path: Path, coding: ThemeCoding | None, who: str = "p1") -> Path:
    config = make_config(tmp_path, flows=tmp_path / "flows", default_flow="survey")
    db = tmp_path / "feedback.sqlite3"
    config = config.model_copy(update={"storage": config.storage.model_copy(update={"path": db})})
    store = await Store.open(db, SEALER)
    try:
        service = await make_service(store, config, coding=coding)
        await answer_all(service, who, SCRIPT, ev.Start())
    finally:
        await store.close()
    return db


def coded(db: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT question_id, themes, sentiment FROM answer_themes").fetchall()


def exported(config: Path, tmp_path: Path) -> dict[str, str]:
    out = tmp_path / "answers.csv"
    done = CliRunner().invoke(main, ["export", "--config", str(config), "--out", str(out)])
    assert done.exit_code == 0, done.output
    with out.open(encoding="utf-8-sig", newline="") as read:
        (row,) = list(csv.DictReader(read))
    return row


async def test_a_comment_is_coded_as_it_arrives_exported_and_gone_with_it(tmp_path: Path) -> None:
    config = folder(tmp_path)
    coding = load(tmp_path / "flows")
    assert coding is not None
    await coding.build()
    db = await parent_comments(tmp_path, coding)
    assert coded(db) == [("comments", "responsiveness food", "negative")]
    row = exported(config, tmp_path)
    assert row["comments"] == COLD
    assert (row["comments.themes"], row["comments.sentiment"]) == (
        "responsiveness food",
        "negative",
    )
    assert "visits.themes" not in row and "fft.themes" not in row  # only what parents typed
    store = await Store.open(db, SEALER)
    try:
        service = await make_service(store, make_config(tmp_path, flows=tmp_path / "flows"))
        assert (await service.erase("p1")).responses == 1
    finally:
        await store.close()
    assert coded(db) == []  # with the answer, its coding


def test_recode_codes_what_came_before_the_coder_and_again_after_the_codebook_changed(
    tmp_path: Path,
) -> None:
    config = folder(tmp_path)
    db = asyncio.run(parent_comments(tmp_path, None))  # stored before any coder was ready
    assert coded(db) == []
    assert exported(config, tmp_path)["comments.themes"] == ""  # not coded yet: empty
    recode = ["themes", "recode", "--config", str(config)]
    done = CliRunner().invoke(main, recode)
    assert done.exit_code == 0, done.output
    assert "1 typed answer coded" in done.output
    assert coded(db) == [("comments", "responsiveness food", "negative")]
    (tmp_path / "themes" / "maternity.yaml").write_text(PARKING_ONLY, encoding="utf-8")
    assert CliRunner().invoke(main, recode).exit_code == 0
    assert coded(db) == [("comments", "parking", "negative")]


async def test_answers_given_while_the_coder_is_built_are_coded_once_it_is(tmp_path: Path) -> None:
    from bot.analysis.coding import start

    folder(tmp_path)
    coding = load(tmp_path / "flows")
    assert coding is not None and coding.coder is None  # being built: not ready yet
    db = await parent_comments(tmp_path, coding)
    assert coded(db) == []  # stored at once, uncoded, nobody waited
    store = await Store.open(db, SEALER)
    try:
        await start(store, coding)
    finally:
        await store.close()
    assert coded(db) == [("comments", "responsiveness food", "negative")]
