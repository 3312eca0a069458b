"""Logging for the running bot, built so that no log line carries a Telegram id, a name, message
text or a secret, whoever wrote it.

- Our own modules (`bot.*`) log fixed sentences with counts, ids of updates and error types only.
- A library's record is cut down to its fixed sentence: its arguments (where a library puts the
  request, the update, the user) are withheld, and a record with no fixed sentence says only which
  library logged at which level. python-telegram-bot, for one, logs a whole batch of updates
  (user ids, first names, text) at CRITICAL when it cannot parse one.
- An exception is reduced to its type and the place it was raised: an exception's text and a
  traceback's local values can quote what a parent wrote.
- Libraries that log request details (the bot token, chat ids, SQL parameters) are also held at
  WARNING, so the log stays short.
"""

from __future__ import annotations

import logging
import os
import re
import traceback
from typing import IO

QUIET = (
    "httpx",
    "httpcore",
    "telegram",
    "aiosqlite",
    "aiohttp.access",
    "aiohttp.client",
    "aiosmtplib",
)
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa]")


def ours(name: str) -> bool:
    return name == "bot" or name.startswith("bot.")


def fixed_sentence(template: str) -> str:
    """A logging template with every placeholder replaced by an ellipsis."""
    return PLACEHOLDER.sub("…", template).replace("%%", "%")


def exception_summary(exc: BaseException) -> str:
    """Type and place only, e.g. 'TypeError at _poll.py:363'."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return type(exc).__name__
    last = frames[-1]
    return f"{type(exc).__name__} at {os.path.basename(last.filename)}:{last.lineno}"


class Private(logging.Filter):
    """Rewrites each record, in place, to what may be logged. Lets every record through."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "private", False):
            return True  # already rewritten (the record reached a second handler)
        record.private = True
        summary = ""
        if record.exc_info and record.exc_info[1] is not None:
            summary = f" [{exception_summary(record.exc_info[1])}]"
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        if not ours(record.name):
            if record.args and isinstance(record.msg, str):
                record.msg = fixed_sentence(record.msg)
            else:
                record.msg = "(message withheld: it may carry personal data)"
            record.args = None
        if summary:
            record.msg = f"{record.getMessage()}{summary}"
            record.args = None
        return True


PRIVATE = Private()


def configure(level: int = logging.INFO, stream: IO[str] | None = None) -> logging.Handler:
    """Log to stderr (or `stream`) through the privacy filter; returns the handler."""
    root = logging.getLogger()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(PRIVATE)
    root.addHandler(handler)
    for existing in root.handlers:  # whatever else writes the root logger's records
        existing.addFilter(PRIVATE)
    root.setLevel(level)
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    return handler
