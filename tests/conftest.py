"""Shared fixtures: real SQLite files in tmp_path, real flows, a fixed clock."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.analysis.coding import ThemeCoding
from bot.config import Config, StorageConfig, load_config
from bot.privacy.seal import Sealer
from bot.questionnaire.check import check_file, check_text
from bot.questionnaire.flow import Flow
from bot.service import Service
from bot.storage.store import Store
from bot.storage.versions import FlowVersions

CONTACT_KEY = b"tq6S2CzX2r9m0V9k6Bo1HcJq3sC7Yv0xW8m4n2p5r1E="
PSEUDONYM_KEY = b"tests' pseudonym key, 32 bytes or more"
SEALER = Sealer(CONTACT_KEY, erasure_key=PSEUDONYM_KEY)  # as the bot makes it: both keys

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
FLOWS = DATA / "flows"  # the tests' own copies: a team's edits to flows/ never break CI
CONFIG = DATA / "config.yaml"
NOW = datetime(2026, 11, 23, 10, 30, tzinfo=UTC)

sys.path.insert(0, str(Path(__file__).resolve().parent))
# python-telegram-bot: durations as timedelta (the int form is deprecated and warns).
os.environ.setdefault("PTB_TIMEDELTA", "true")


def load_flow(path: Path) -> Flow:
    checked = check_file(path)
    assert checked.flow is not None, "\n".join(map(str, checked.problems))
    return checked.flow


def flow_from_text(text: str) -> Flow:
    checked = check_text(text, "test.yaml")
    assert checked.flow is not None, "\n".join(map(str, checked.problems))
    return checked.flow


@pytest.fixture
def every_type() -> Flow:
    return load_flow(DATA / "every_type.yaml")


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "feedback.sqlite3", SEALER)
    yield opened
    await opened.close()


def make_config(
    tmp_path: Path, flows: Path = FLOWS, default_flow: str = "mlu_experience"
) -> Config:
    """The tests' config.yaml, with the database in tmp_path."""
    config = load_config(CONFIG)
    return config.model_copy(
        update={
            "flows": flows.resolve(),
            "default_flow": default_flow,
            "storage": StorageConfig(path=tmp_path / "feedback.sqlite3"),
        }
    )


async def make_service(
    store: Store,
    config: Config,
    clock: datetime | Callable[[], datetime] = NOW,
    redact: Callable[[str], str] | None = None,
    coding: ThemeCoding | None = None,
) -> Service:
    """The real service on a real store; `clock` is a fixed time or a function giving it."""
    now = clock if callable(clock) else (lambda: clock)
    flows = await FlowVersions.load(config.flows_dir, store, now().date())
    extra = {"redact": redact} if redact else {}
    return Service(config, store, flows, clock=now, coding=coding, **extra)


async def eventually(
    predicate: Callable[[], object], timeout: float = 5.0, what: str = "a condition"
) -> None:
    """Wait until `predicate()` is true, polling; fail (never hang) after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}")
        await asyncio.sleep(0.01)
