"""A consistent copy of the live database, made with SQLite's online backup API while the bot
runs. The copy is one self-contained file (no -wal beside it), readable by this user only, written
under a temporary name and renamed into place only after `PRAGMA integrity_check` passes, so a
backup that fails half-way never leaves a half file, and --force never loses the old copy first."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from bot.errors import BackupError


@dataclass(frozen=True)
class BackedUp:
    path: Path
    size: int  # bytes
    responses: int


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def backup_database(source: Path, target: Path, *, force: bool = False) -> BackedUp:
    """Copy `source` (the live database, in WAL mode) to `target`: every transaction committed
    when the copy starts, nothing after, without stopping the bot's writes. BackupError if there
    is no database, `target` exists (unless `force`), or the copy does not pass its check."""
    if not source.is_file():
        raise BackupError(f"no database at {source} to back up")
    for own in (source, Path(f"{source}-wal"), Path(f"{source}-shm")):
        if _same_file(own, target):
            raise BackupError(f"{target} is the live database itself: choose another --out file")
    if target.exists() and not force:
        raise BackupError(f"{target} already exists: choose another file, or add --force")
    if target.exists() and not target.is_file():
        raise BackupError(f"{target} is not a file")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    try:
        responses = _copy(source, partial)
        _sync(partial)
        os.replace(partial, target)
        _sync(target.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        raise
    return BackedUp(target, target.stat().st_size, responses)


def _copy(source: Path, partial: Path) -> int:
    try:
        live = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot open {source} to back it up ({exc})") from None
    try:
        live.execute("PRAGMA busy_timeout = 10000")
        copy = sqlite3.connect(partial)
        try:
            # One step: a single read snapshot, so the copy is consistent; in WAL mode the
            # bot's writers go on meanwhile (a stepped copy would restart on every write).
            live.backup(copy, pages=-1)
            copy.execute("PRAGMA journal_mode = DELETE")  # one file: no -wal beside the copy
            (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
            if verdict != "ok":
                raise BackupError(f"the copy failed its integrity check ({verdict})")
            (responses,) = copy.execute("SELECT count(*) FROM responses").fetchone()
        finally:
            copy.close()
    except sqlite3.Error as exc:
        raise BackupError(f"the backup failed ({type(exc).__name__}: {exc})") from None
    finally:
        live.close()
    return int(responses)


def _sync(path: Path) -> None:
    """Flush a file (or a folder's entry for it) to disk, so the copy survives a power cut."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
