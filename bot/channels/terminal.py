"""The terminal chat: the same engine and storage as the Telegram bot, on stdin and stdout.

Options are numbered and answered by number; `help`, `privacy`, `back`, `skip`, `stop`,
`restart` and `delete` work, with or without a leading `/`, in every language the bot speaks.
With piped input it reads one answer per line and echoes each as `> answer`, so a scripted run
reads as a transcript. Every line is wrapped to the terminal's width. Input is awaited without
holding up the event loop, so Ctrl-C stops the chat at once, even while it waits for an answer.
"""

from __future__ import annotations

import shutil
import textwrap
from typing import TextIO

from bot.channels.typed import Lines
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
#: Typed words that are no answer: they show something, then the question again.
SHOWN = ("help_word", "privacy_word")
ENDINGS = (ev.ResponseCompleted, ev.ResponseDeclined, ev.ResponsePaused)


def command_in(typed: str) -> str:
    """What was typed, folded, as a command word: `/Usuń`, `usun` and `usuń` alike."""
    return plain(typed.strip()).removeprefix("/").strip()


def meaning_of(word: str) -> str | None:
    """The key of the command a folded word is, in any language ("pomoc": "help_word")."""
    for key in (*SHOWN, "delete_word"):
        if word in every_language(key):
            return key
    return None


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


def write(out: TextIO, text: str, width: int, end: str = "\n") -> None:
    out.write(wrapped(text.rstrip(), width) + end)


def render(events: list[ev.Event], out: TextIO, language: str = "en", width: int = 0) -> None:
    paused = False
    for event in events:
        if isinstance(event, ev.ResponsePaused):
            paused = True
            write(out, say("paused_terminal", language), width)
        elif isinstance(event, ev.Signposted):
            write(out, f"🆘 {event.text.strip()}", width, "\n\n")
        elif isinstance(event, ev.Said) and paused:
            continue  # the chat-app wording ("send /start") does not apply here
        elif isinstance(event, ev.Said):
            write(out, event.text, width, "\n\n")
        elif isinstance(event, ev.Rejected):
            write(out, f"! {event.reason}", width)
        elif isinstance(event, ev.Asked | ev.Updated):
            write(out, render_prompt(event.prompt), width)
    out.flush()


async def _typed(lines: Lines, out: TextIO, width: int) -> str | None:
    """The next line, after a `> ` prompt; None once input has ended. Piped input is echoed as
    the terminal would show it typed (wrapped after the `> `), so a scripted run reads as a
    transcript."""
    out.write("> ")
    out.flush()
    line = await lines.readline()
    if not line:
        return None
    typed = line.rstrip("\r\n")
    if lines.piped:
        out.write(wrapped("> " + typed, width)[2:] + "\n")
    return typed


async def _delete(
    service: Service, respondent: str, lines: Lines, out: TextIO, language: str, width: int
) -> bool:
    """Ask first, as every channel does; True when the answers were deleted."""
    write(out, f"{say('delete_confirm', language)} {say('delete_typed', language)}", width)
    typed = await _typed(lines, out, width) or ""
    if plain(typed.strip()) not in every_language("yes"):
        write(out, say("nothing_deleted", language), width)
        return False
    done = await service.erase(respondent)
    text = erased(
        language, responses=done.responses, answers=done.answers, contacts=done.contacts,
        sessions=done.sessions, days=service.config.privacy.unlink_after_days,
    )  # fmt: skip
    write(out, text, width)
    return True


def _shown(service: Service, key: str, language: str) -> list[str]:
    """What `help` and `privacy` show before the question again."""
    if key == "help_word":
        return [say("help_terminal", language), service.signpost_in(language)]
    return [service.privacy_notice_in(language)]


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
    """Chat until the questionnaire ends, the parent types `stop`, or input runs out."""
    lines = Lines(stdin)
    width = width_of(out)
    welcome = service.config.welcome_in(language)
    outcome = await service.handle(respondent, ev.Start(tag, language), flow_id=flow_id)
    spoken = outcome.language or "en"
    write(out, welcome.strip(), width, "\n\n")
    write(out, say("hint_commands", spoken), width, "\n\n")
    render(outcome.events, out, spoken, width)
    while not any(isinstance(e, ENDINGS) for e in outcome.events):
        typed = await _typed(lines, out, width)
        if typed is None:
            out.write("\n")
            write(out, say("paused_terminal", spoken), width)
            return 0
        word = command_in(typed)
        meaning = meaning_of(word)
        if meaning == "delete_word":
            if await _delete(service, respondent, lines, out, spoken, width):
                return 0
        elif meaning is not None:  # no answer and no attempt: shown, then the question again
            for text in _shown(service, meaning, spoken):
                write(out, text, width, "\n\n")
        event = ev.Repeat() if meaning else COMMANDS.get(word, ev.Reply(typed))
        outcome = await service.handle(respondent, event)
        spoken = outcome.language or spoken
        render(outcome.events, out, spoken, width)
    return 0
