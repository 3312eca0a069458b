"""The terminal chat: the same engine and storage as the Telegram bot, on stdin and stdout.

Options are numbered and answered by number; `back`, `skip`, `stop`, `restart` and `delete` work.
With piped input it reads one answer per line and echoes each as `> answer`, so a scripted run
reads as a transcript.
"""

from __future__ import annotations

from typing import TextIO

from bot.conversation import events as ev
from bot.conversation.messages import erased, every_language, say
from bot.service import Service

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
    if prompt.progress:
        n, m = prompt.progress
        lines[0] = f"[{say('progress', prompt.language, n=n, m=m)}] {prompt.text}"
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


def render(events: list[ev.Event], out: TextIO, language: str = "en") -> None:
    paused = False
    for event in events:
        if isinstance(event, ev.ResponsePaused):
            paused = True
            out.write(say("paused_terminal", language) + "\n")
        elif isinstance(event, ev.Said) and paused:
            continue  # the chat-app wording ("send /start") does not apply here
        elif isinstance(event, ev.Said):
            out.write(event.text.rstrip() + "\n\n")
        elif isinstance(event, ev.Rejected):
            out.write(f"! {event.reason}\n")
        elif isinstance(event, ev.Asked | ev.Updated):
            out.write(render_prompt(event.prompt) + "\n")
    out.flush()


async def _delete(
    service: Service, respondent: str, stdin: TextIO, out: TextIO, language: str, echo: bool
) -> bool:
    """Ask first, as every channel does; True when the answers were deleted."""
    out.write(f"{say('delete_confirm', language)} {say('delete_typed', language)}\n> ")
    out.flush()
    typed = stdin.readline().rstrip("\r\n")
    if echo:
        out.write(typed + "\n")
    if typed.strip().casefold() not in every_language("yes"):
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
    """Chat until the questionnaire ends, the parent types `stop`, or input runs out."""
    echo = not stdin.isatty()
    out.write(service.config.welcome_in(language).strip() + "\n\n")
    outcome = await service.handle(respondent, ev.Start(tag, language), flow_id=flow_id)
    render(outcome.events, out)
    while not any(isinstance(e, ENDINGS) for e in outcome.events):
        out.write("> ")
        out.flush()
        line = stdin.readline()
        if not line:
            out.write("\n" + say("paused_terminal", outcome.language or "en") + "\n")
            return 0
        typed = line.rstrip("\r\n")
        if echo:
            out.write(typed + "\n")
        word = typed.strip().casefold()
        if word in every_language("delete_word"):
            language = outcome.language or "en"
            if await _delete(service, respondent, stdin, out, language, echo):
                return 0
            outcome = await service.handle(respondent, ev.Repeat())
            render(outcome.events, out, outcome.language or "en")
            continue
        event = COMMANDS.get(word, ev.Reply(typed))
        outcome = await service.handle(respondent, event)
        render(outcome.events, out, outcome.language or "en")
    return 0
