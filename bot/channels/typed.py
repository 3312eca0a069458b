"""Lines a parent types (or pipes) into the terminal chat, read without holding up the event loop,
so Ctrl-C stops the chat at once, also while it waits for an answer."""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import io
import os
from typing import TextIO


class Lines:
    """Lines typed or piped in. A terminal or a pipe is read when the event loop says it has
    input, so a task waiting here is cancelled at once (Ctrl-C); a blocking `readline()` would
    hold the whole loop, and Ctrl-C with it, until Enter. Text streams without a file (tests'
    StringIO) and files the loop cannot watch (a regular file) are read directly: they never
    block for long."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._fd: int | None = None
        with contextlib.suppress(AttributeError, ValueError, io.UnsupportedOperation):
            self._fd = stream.fileno()
        encoding = getattr(stream, "encoding", None) or "utf-8"
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        self._text = ""
        self._ended = False

    @property
    def piped(self) -> bool:
        """Input from a pipe or a file, not typed at a terminal (so it is echoed)."""
        return not self._stream.isatty()

    async def readline(self) -> str:
        """The next line with its line break; '' once the input has ended."""
        if self._fd is None:
            return self._stream.readline()
        while "\n" not in self._text and not self._ended:
            chunk = await self._chunk(self._fd)
            self._ended = not chunk
            self._text += self._decoder.decode(chunk, final=self._ended)
        line, newline, self._text = self._text.partition("\n")
        return line + newline

    @staticmethod
    async def _chunk(fd: int) -> bytes:
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()

        def wake() -> None:
            if not ready.done():
                ready.set_result(None)

        try:
            loop.add_reader(fd, wake)
        except (NotImplementedError, OSError, ValueError):  # a regular file, or no selector
            return os.read(fd, 65536)
        try:
            await ready
        finally:
            loop.remove_reader(fd)
        return os.read(fd, 65536)
