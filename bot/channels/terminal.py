"""The terminal chat: the same engine and storage as the Telegram bot, on stdin and stdout.

Options are numbered and answered by number; `back`, `skip`, `stop`, `restart` and `delete` work.
With piped input it reads one answer per line and echoes each as `> answer`, so a scripted run
reads as a transcript. Input is awaited without holding up the event loop, so Ctrl-C stops the
chat at once, even while it waits for an answer.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import io
import os
import shutil
import textwrap
from typing import TextIO

from bot.conversation import events as ev
from bot.service import Service
from bot.words import erased, every_language, plain, say

COMMANDS: dict[str, ev.Input] = {
    word: meaning
    for key, meaning in (
        ("back", ev.Back()),
        ("skip", ev.Skip()),
        ("stop", ev.Stop()),
        ("restart", ev.Restart()),
    )
    for word in every_language(key)
}
ENDINGS = (ev.ResponseCompleted, ev.ResponseDeclined, ev.ResponsePaused)


def render_prompt(prompt: ev.Prompt) -> str:
    lines = [prompt.text]
    if prompt.progress:  # nothing to show on the first question
        lines[0] = f"[{say('progress', prompt.language, percent=prompt.progress)}] {prompt.text}"
    if prompt.help:
        lines.append(f"  ({prompt.help})")
    for number, choice in enumerate(prompt.choices, start=1):
        tick = " [x]" if choice.selected else ""
        lines.append(f"  {number}. {choice.label}{tick}")
    language = prompt.language
    hint = {"single": "hint_single", "multi": "hint_multi"}.get(prompt.kind, "hint_text")
    hints = [say(hint, language)]
    words = [
        say(w, language).casefold()
        for w, ok in (
            ("back", prompt.can_back),
            ("skip", prompt.can_skip),
            ("prefer_not", prompt.can_prefer_not),
        )
        if ok
    ]
    if words:
        hints.append(say("hint_or", language) + ": " + ", ".join(words))
    lines.append("  (" + "; ".join(hints) + ")")
    return "\n".join(lines)


def wrapped(text: str, width: int) -> str:
    """Each line wrapped at word boundaries to `width` columns, keeping its indent (0: as is)."""
    if width <= 0:
        return text
    lines = []
    for line in text.split("\n"):
        indent = line[: len(line) - len(line.lstrip(" "))]
        if len(line) <= width:
            lines.append(line)
        else:
            lines.extend(textwrap.wrap(line, width, subsequent_indent=indent + "  "))
    return "\n".join(lines)


def width_of(out: TextIO) -> int:
    """The terminal's width; 0 (no wrapping) when the output is a file or a pipe."""
    return shutil.get_terminal_size().columns - 1 if out.isatty() else 0


def render(events: list[ev.Event], out: TextIO, language: str = "en", width: int = 0) -> None:
    paused = False
    for event in events:
        if isinstance(event, ev.ResponsePaused):
            paused = True
            out.write(wrapped(say("paused_terminal", language), width) + "\n")
        elif isinstance(event, ev.Signposted):
            out.write(wrapped(f"🆘 {event.text.strip()}", width) + "\n\n")
        elif isinstance(event, ev.Said) and paused:
            continue  # the chat-app wording ("send /start") does not apply here
        elif isinstance(event, ev.Said):
            out.write(wrapped(event.text.rstrip(), width) + "\n\n")
        elif isinstance(event, ev.Rejected):
            out.write(wrapped(f"! {event.reason}", width) + "\n")
        elif isinstance(event, ev.Asked | ev.Updated):
            out.write(wrapped(render_prompt(event.prompt), width) + "\n")
    out.flush()


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


async def _delete(
    service: Service, respondent: str, lines: Lines, out: TextIO, language: str, echo: bool
) -> bool:
    """Ask first, as every channel does; True when the answers were deleted."""
    out.write(f"{say('delete_confirm', language)} {say('delete_typed', language)}\n> ")
    out.flush()
    typed = (await lines.readline()).rstrip("\r\n")
    if echo:
        out.write(typed + "\n")
    if plain(typed.strip()) not in every_language("yes"):
        out.write(say("nothing_deleted", language) + "\n")
        return False
    done = await service.erase(respondent)
    text = erased(
        language, responses=done.responses, answers=done.answers, contacts=done.contacts,
        sessions=done.sessions, days=service.config.privacy.unlink_after_days,
    )  # fmt: skip
    out.write(text + "\n")
    return True


async def run_chat(
    service: Service,
    respondent: str,
    stdin: TextIO,
    out: TextIO,
    *,
    flow_id: str | None = None,
    language: str | None = None,
    tag: str | None = None,
) -> int:
    """Chat until the questionnaire ends, the parent types `stop`, or input runs out. Ctrl-C
    (cancelling this task) stops it at once, also while it waits for an answer; every answer
    given before is already stored."""
    echo = not stdin.isatty()
    lines = Lines(stdin)
    width = width_of(out)
    out.write(wrapped(service.config.welcome_in(language).strip(), width) + "\n\n")
    outcome = await service.handle(respondent, ev.Start(tag, language), flow_id=flow_id)
    render(outcome.events, out, width=width)
    while not any(isinstance(e, ENDINGS) for e in outcome.events):
        out.write("> ")
        out.flush()
        line = await lines.readline()
        if not line:
            out.write("\n" + say("paused_terminal", outcome.language or "en") + "\n")
            return 0
        typed = line.rstrip("\r\n")
        if echo:
            out.write(typed + "\n")
        word = plain(typed.strip())
        if word in every_language("delete_word"):
            language = outcome.language or "en"
            if await _delete(service, respondent, lines, out, language, echo):
                return 0
            outcome = await service.handle(respondent, ev.Repeat())
            render(outcome.events, out, outcome.language or "en", width)
            continue
        event = COMMANDS.get(word, ev.Reply(typed))
        outcome = await service.handle(respondent, event)
        render(outcome.events, out, outcome.language or "en", width)
    return 0
