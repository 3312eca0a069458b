"""How a question looks in Telegram: HTML text, inline buttons and their callback data. Pure.

Callback data is `seq:action[:option]`, at most 64 bytes: `seq` names the question message a tap
came from, so a tap on an old message is recognised as stale by the engine.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from bot.conversation import events as ev
from bot.words import say

MAX_TEXT = 4096
MAX_CALLBACK_BYTES = 64

Button = tuple[str, str]  # (label, callback data)

ACTIONS = {"c": "choose", "t": "toggle", "d": "done", "b": "back", "s": "skip", "p": "prefer"}


@dataclass(frozen=True)
class Rendered:
    text: str  # HTML
    buttons: tuple[tuple[Button, ...], ...] = ()


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def callback(seq: int, action: str, option: str = "") -> str:
    data = f"{seq}:{action}:{option}" if option else f"{seq}:{action}"
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def parse_callback(data: str) -> ev.Input | None:
    """A button tap as an engine input; None for data this bot never sent."""
    seq_text, _, rest = data.partition(":")
    action, _, option = rest.partition(":")
    if not seq_text.isdigit() or action not in ACTIONS:
        return None
    seq = int(seq_text)
    if action == "c":
        return ev.Choose((option,), seq) if option else None
    if action == "t":
        return ev.Toggle(option, seq) if option else None
    simple: dict[str, ev.Input] = {
        "d": ev.Done(seq),
        "b": ev.Back(seq),
        "s": ev.Skip(seq),
        "p": ev.PreferNot(seq),
    }
    return simple[action]


def render_prompt(prompt: ev.Prompt) -> Rendered:
    lang = prompt.language
    lines = []
    if prompt.progress:  # nothing to show on the first question
        lines.append(f"<i>{escape(say('progress', lang, percent=prompt.progress))}</i>")
    lines.append(f"<b>{escape(prompt.text)}</b>")
    if prompt.help:
        lines.append(escape(prompt.help))
    if prompt.kind in ("text", "number", "month_year"):
        lines.append(f"✍️ {escape(say('type_below', lang))}")
    elif prompt.kind == "multi":
        lines.append(f"☑️ {escape(say('tick_then_done', lang))}")
    rows: list[tuple[Button, ...]] = []
    for choice in prompt.choices:
        if prompt.kind == "multi":
            mark = "✅ " if choice.selected else "▫️ "
            rows.append(((mark + choice.label, callback(prompt.seq, "t", choice.id)),))
        else:
            rows.append(((choice.label, callback(prompt.seq, "c", choice.id)),))
    if prompt.kind == "multi":
        rows.append(((f"✔️ {say('done', lang)}", callback(prompt.seq, "d")),))
    nav = []
    if prompt.can_back:
        nav.append((f"◀️ {say('back', lang)}", callback(prompt.seq, "b")))
    if prompt.can_skip:
        nav.append((f"{say('skip', lang)} ▶️", callback(prompt.seq, "s")))
    if prompt.can_prefer_not:
        nav.append((say("prefer_not", lang), callback(prompt.seq, "p")))
    if nav:
        rows.append(tuple(nav))
    return Rendered("\n\n".join(lines), tuple(rows))


def answered(question_html: str, label: str) -> str:
    """A question message after it was answered: the question, then the answer, no buttons."""
    return f"{question_html}\n\n➡️ <b>{escape(label)}</b>"


#: What the adapter shows as it is; any other event is state only and may ride with a message.
SHOWN = (
    ev.Signposted, ev.Said, ev.Rejected, ev.Asked, ev.Updated, ev.ResponseCompleted,
    ev.ResponseDeclined,
)  # fmt: skip


@dataclass(frozen=True)
class Part:
    """Events of a reply shown together: consecutive `Said`s and the question after them as one
    message when it fits, anything else alone. Once it is shown, the reply's first `end` events
    are."""

    end: int
    events: tuple[ev.Event, ...]


def parts(events: list[ev.Event], limit: int = MAX_TEXT) -> list[Part]:
    """A reply in as few messages as Telegram allows, with the same words in the same order:
    things said and the question after them joined by a blank line. Signposting to help is
    always a message of its own, and so is a warning (⚠️)."""
    out: list[Part] = []
    group: list[ev.Event] = []
    length = -2  # the joined text's length, counting the blank lines between texts

    def flush(end: int) -> None:
        nonlocal group, length
        if group:
            out.append(Part(end, tuple(group)))
        group, length = [], -2

    for number, event in enumerate(events):
        if isinstance(event, ev.Said | ev.Asked):
            text = escape(event.text) if isinstance(event, ev.Said) else _prompt_text(event)
            if length + 2 + len(text) > limit:
                flush(number)
            group.append(event)
            length += 2 + len(text)
            if isinstance(event, ev.Asked):
                flush(number + 1)
        elif isinstance(event, SHOWN):
            flush(number)
            out.append(Part(number + 1, (event,)))
        elif group:
            group.append(event)  # state only: rides with the message
        else:
            out.append(Part(number + 1, (event,)))
    flush(len(events))
    return out


def _prompt_text(event: ev.Asked) -> str:
    return render_prompt(event.prompt).text


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split a long message at paragraph, line or word breaks so each part fits Telegram."""
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = max(rest.rfind(sep, 0, limit) for sep in ("\n\n", "\n", " "))
        cut = cut if cut > limit // 2 else limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest.strip():
        parts.append(rest)
    return parts or [text[:limit] or "…"]
