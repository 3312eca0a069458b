"""Logging for the running bot. Libraries that log request details (the bot token, chat ids,
SQL parameters) are held at WARNING, so nothing that identifies a parent reaches the log."""

from __future__ import annotations

import logging

QUIET = ("httpx", "httpcore", "telegram", "aiosqlite", "aiohttp.access", "aiosmtplib")


def configure(level: int = logging.INFO) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(level)
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
