"""The bot survives any update: one python-telegram-bot cannot read is set aside (counted, its id
logged), everyone else is answered, the offset moves past it, and no log line, ours or a
library's, carries a Telegram id, a name or message text."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fake_telegram import FakeTelegram
from telegram import Bot
from tg_harness import Parent, running_bot

from bot.privacy import logs

WELCOME = "This chat is anonymous"


async def test_python_telegram_bot_alone_fails_the_whole_batch_on_an_old_poll() -> None:
    """The failure this guards against: the library's own get_updates raises for the batch."""
    async with FakeTelegram() as tg, Bot(tg.token, base_url=tg.base_url) as bot:
        tg.send_text(301, "/start")
        tg.send_old_poll(302)
        with pytest.raises(TypeError, match="persistent_id"):
            await bot.get_updates(timeout=0)


async def test_an_unreadable_update_is_set_aside_and_everyone_else_answered(
    tmp_path: Path,
) -> None:
    async with running_bot(tmp_path) as h:
        assert h.poller is not None
        h.tg.send_text(311, "/start")
        poison = h.tg.send_old_poll(312)
        h.tg.send_text(313, "/start")
        await h.settle()  # the fake drops only what the offset confirmed: the poison too
        assert Parent(h, 311).texts()[0].startswith(WELCOME)
        assert Parent(h, 313).texts()[0].startswith(WELCOME)
        assert h.tg.chat(312) == []
        assert h.poller.set_aside == 1
        assert h.poller.offset == poison["update_id"] + 2  # Telegram was told, the poison too
        # A restart neither dies nor sees the poison again.
        await h.restart()
        before = len(h.tg.delivered)
        h.tg.send_old_poll(314)
        h.tg.send_text(315, "/start")
        await h.settle()
        assert Parent(h, 315).texts()[0].startswith(WELCOME)
        assert h.poller is not None and h.poller.set_aside == 1
        assert poison["update_id"] not in h.tg.delivered[before:]


@contextmanager
def everything_logged() -> Iterator[io.StringIO]:
    """The bot's own logging set-up, with every logger at DEBUG: the filter alone must hold."""
    out = io.StringIO()
    root = logging.getLogger()
    levels = {name: logging.getLogger(name).level for name in ("", *logs.QUIET)}
    handler = logs.configure(logging.DEBUG, stream=out)
    for name in logs.QUIET:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield out
    finally:
        root.removeHandler(handler)
        for other in root.handlers:
            other.removeFilter(logs.PRIVATE)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


async def test_no_log_line_carries_an_id_a_name_or_text(tmp_path: Path) -> None:
    ids = [7_770_001_234, 7_770_001_235, 7_770_001_236]
    names = ["Zofia", "Wojciechowska", "Małgorzata"]
    texts = ["my waters broke in the car park", "Ask Dr Threlfall about it", "Quietly Orange"]
    with everything_logged() as out:
        async with FakeTelegram() as tg, Bot(tg.token, base_url=tg.base_url) as bot:
            tg.send_text(ids[0], texts[0], first_name=names[0])
            tg.send_old_poll(ids[1], question=texts[2])
            with pytest.raises(TypeError):
                await bot.get_updates(timeout=0)  # logs the raw batch at CRITICAL
        async with running_bot(tmp_path) as h:
            h.tg.send_text(ids[0], "/start", first_name=names[0])
            h.tg.send_old_poll(ids[1], question=texts[2])
            h.tg.send_text(ids[2], texts[1], first_name=f"{names[2]} {names[1]}")
            await h.settle()
            parent = Parent(h, ids[0])
            await parent.tap("Yes, I'm happy to start")
            await parent.type(texts[0])
            assert h.poller is not None and h.poller.set_aside == 1
    log = out.getvalue()
    # The records were there, cut down: the library's, and ours with the update's id.
    assert "CRITICAL telegram.Bot: Error while parsing updates! Received data was …" in log
    assert "[TypeError at _poll.py:" in log
    assert "set aside an update" in log and "HTTP Request" in log
    for planted in [*map(str, ids), *names, *texts, "TEST-TOKEN"]:
        assert planted not in log, planted
    assert "Traceback" not in log


def test_the_filter_cuts_any_library_record_to_its_fixed_sentence() -> None:
    record = logging.LogRecord(
        "some.library", logging.ERROR, __file__, 1, "user %s said %r (%d%%)",
        ("Zofia", "hello", 5), None,
    )  # fmt: skip
    logs.PRIVATE.filter(record)
    assert record.getMessage() == "user … said … (…%)"
    bare = logging.LogRecord("lib", logging.INFO, __file__, 1, "Zofia said hello", (), None)
    logs.PRIVATE.filter(bare)
    assert "Zofia" not in bare.getMessage()
    ours = logging.LogRecord("bot.x", logging.INFO, __file__, 1, "%d stored", (3,), None)
    logs.PRIVATE.filter(ours)
    logs.PRIVATE.filter(ours)  # a second handler: unchanged
    assert ours.getMessage() == "3 stored"
