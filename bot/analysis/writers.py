"""Files analysts open: CSV that Excel reads right, XLSX, and JSON Lines. Rows are written as they
come (nothing is held in memory), into one or more named tables ("sheets")."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from itertools import starmap
from pathlib import Path
from typing import IO, Any, Protocol

from bot.analysis.columns import Cell
from bot.errors import BotError

FORMATS = ("csv", "xlsx", "jsonl")
#: The creation and change time written into every XLSX (the zip format's own earliest date, as
#: xlsxwriter gives each part of the file), so a workbook never records when it was made.
FIXED_TIME = datetime(1980, 1, 1, tzinfo=UTC)
#: A text starting with one of these is a formula to a spreadsheet (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(_FORMULA_START)
#: What makes the csv module quote a field (QUOTE_MINIMAL with "," and CRLF).
_NEEDS_QUOTES = re.compile(r'[",\r\n]').search


class ExportError(BotError):
    """An export that cannot be written as asked; the message says what to do instead."""


def neutralise(value: Cell) -> Cell:
    """Make a text cell inert in a spreadsheet: a leading quote, as OWASP recommends."""
    if type(value) is str and value[:1] in _FORMULA_FIRST:
        return "'" + value
    return value


class Sink(Protocol):
    #: True when the file is opened by spreadsheets, so text cells are neutralised first.
    spreadsheet: bool

    def table(self, name: str, header: Sequence[str]) -> None: ...
    def rows(self, name: str, rows: Sequence[Sequence[Cell]]) -> None: ...
    def answers(self, name: str, meta: Sequence[Cell], pairs: Iterable[tuple[str, Cell]]) -> None:
        """Long form: one row per (question, value), each after the same metadata."""

    def close(self) -> None: ...


class CsvSink:
    """UTF-8 with a byte-order mark (so Excel reads the accents), RFC 4180 quoting, CRLF."""

    spreadsheet = True

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        out.write("\ufeff")
        self.writer = csv.writer(out, lineterminator="\r\n")  # None is written as empty
        self.name: str | None = None

    def table(self, name: str, header: Sequence[str]) -> None:
        if self.name is not None:
            raise ExportError(
                "a CSV file holds one questionnaire: choose one with --flow, or use "
                "--format xlsx (a sheet each), --format jsonl or --long"
            )
        self.name = name
        self.writer.writerow(header)

    def rows(self, name: str, rows: Sequence[Sequence[Cell]]) -> None:
        self.writer.writerows(rows)

    def answers(self, name: str, meta: Sequence[Cell], pairs: Iterable[tuple[str, Cell]]) -> None:
        """The same bytes as `rows`, with the metadata quoted once per response rather than
        once per answer: the long form of a million answers is mostly repeated metadata, and
        the rest mostly the same few (question, code) pairs, each quoted once."""
        prefix = ",".join(map(_csv_field, meta))
        tails = prefix.join(starmap(_csv_tail, pairs))
        if tails:
            self.out.write(prefix + tails)

    def close(self) -> None:
        _finish(self.out)


@lru_cache(maxsize=4096, typed=True)
def _csv_tail(question: str, value: Cell) -> str:
    """The end of a long-form line after the metadata, remembered for the codes that repeat."""
    return f",{_csv_field(question)},{_csv_field(neutralise(value))}\r\n"


def _csv_field(cell: Cell) -> str:
    """One field as the csv module writes it (QUOTE_MINIMAL); None as empty."""
    if cell is None:
        return ""
    text = cell if type(cell) is str else str(cell)
    if _NEEDS_QUOTES(text):
        return '"' + text.replace('"', '""') + '"'
    return text


class JsonLinesSink:
    """One JSON object per line, keyed by column."""

    spreadsheet = False

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.headers: dict[str, Sequence[str]] = {}

    def table(self, name: str, header: Sequence[str]) -> None:
        self.headers[name] = header

    def rows(self, name: str, rows: Sequence[Sequence[Cell]]) -> None:
        header = self.headers[name]
        for cells in rows:
            self.out.write(json.dumps(dict(zip(header, cells, strict=True)), ensure_ascii=False))
            self.out.write("\n")

    def answers(self, name: str, meta: Sequence[Cell], pairs: Iterable[tuple[str, Cell]]) -> None:
        self.rows(name, [(*meta, q, v) for q, v in pairs])

    def close(self) -> None:
        _finish(self.out)


class XlsxSink:
    """A workbook written row by row (xlsxwriter's constant-memory mode); every text stays text,
    so a cell can never become a formula."""

    spreadsheet = False

    def __init__(self, path: Path) -> None:
        import xlsxwriter  # imported here: the other formats start faster without it

        self.book = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        # the same fixed time in every file: no export tells when it was made
        self.book.set_properties({"created": FIXED_TIME})
        self.bold = self.book.add_format({"bold": True, "bg_color": "#E8EDEE"})
        self.sheets: dict[str, tuple[Any, list[int]]] = {}

    def table(self, name: str, header: Sequence[str]) -> None:
        sheet = self.book.add_worksheet(name[:31])
        sheet.freeze_panes(1, 0)
        widths = [min(max(len(h) + 2, 10), 40) for h in header]
        for col, width in enumerate(widths):
            sheet.set_column(col, col, width)
        sheet.write_row(0, 0, list(header), self.bold)
        self.sheets[name] = (sheet, [1])

    def rows(self, name: str, rows: Sequence[Sequence[Cell]]) -> None:
        sheet, next_row = self.sheets[name]
        for cells in rows:
            row = next_row[0]
            for col, cell in enumerate(cells):
                if isinstance(cell, str):
                    sheet.write_string(row, col, cell)
                elif cell is not None:
                    sheet.write_number(row, col, cell)
            next_row[0] = row + 1

    def answers(self, name: str, meta: Sequence[Cell], pairs: Iterable[tuple[str, Cell]]) -> None:
        self.rows(name, [(*meta, q, v) for q, v in pairs])

    def close(self) -> None:
        self.book.close()


def _finish(out: IO[str]) -> None:
    """Close a file; leave standard output open for whatever prints after the export."""
    out.flush()
    if isinstance(out, _Stdout):
        out.detach()
    else:
        out.close()


class _Stdout(io.TextIOWrapper):
    """Standard output's bytes as UTF-8 text without newline translation."""


def open_sink(fmt: str, out: Path | None) -> Sink:
    """A sink writing `fmt` to the file `out` (None: standard output, not for XLSX)."""
    if fmt == "xlsx":
        if out is None:
            raise ExportError("an XLSX file cannot go to standard output: give --out FILE")
        return XlsxSink(out)
    stream: IO[str]
    if out is None:
        import sys

        stream = _Stdout(sys.stdout.buffer, encoding="utf-8", newline="")
    else:
        stream = out.open("w", encoding="utf-8", newline="")
    if fmt == "csv":
        return CsvSink(stream)
    return JsonLinesSink(stream)


@contextmanager
def replacing(out: Path | None) -> Iterator[Path | None]:
    """A temporary file beside `out` to write into, put in `out`'s place only once everything
    went well: a failed or interrupted export leaves no file behind (nor a half-written one
    where a good one was). None (standard output) passes through."""
    if out is None:
        yield None
        return
    handle, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    os.close(handle)
    part = Path(name)
    mask = os.umask(0)  # the permissions any new file gets, not mkstemp's owner-only ones
    os.umask(mask)
    part.chmod(0o666 & ~mask)
    try:
        yield part
        os.replace(part, out)
    finally:
        part.unlink(missing_ok=True)
