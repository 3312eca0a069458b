"""A posted form as the engine's input: only text fields count, and a form without a readable
sequence number counts as from an old page."""

from __future__ import annotations

from aiohttp import web
from multidict import MultiDict, MultiDictProxy

from bot.channels.web.view import answer_words
from bot.conversation import events as ev
from bot.questionnaire.conditions import NO_ANSWER

MAX_OPTIONS = 100


async def read_form(request: web.Request) -> MultiDictProxy[str]:
    """The posted fields that are text (a file or a body that is not a form counts as none)."""
    if request.content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return MultiDictProxy(MultiDict())
    try:
        posted = await request.post()
    except (ValueError, UnicodeDecodeError):
        posted = MultiDictProxy(MultiDict())
    return posted  # type: ignore[return-value]


def text_of(form: MultiDictProxy[str], name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def form_event(form: MultiDictProxy[str], prompt: ev.Prompt) -> tuple[ev.Input, str]:
    """The form as the engine's input, and the answer in words for the parent's bubble. A form
    without a readable sequence number counts as from an old page."""
    seq_text = text_of(form, "seq")
    seq = int(seq_text) if seq_text.isdigit() and len(seq_text) < 10 else -1
    chosen = text_of(form, "choose")
    if chosen:
        return ev.Choose((chosen,), seq), answer_words(prompt, "choose", (chosen,), "")
    action = text_of(form, "action")
    if action == "done":
        ticked = [v for v in form.getall("option", []) if isinstance(v, str)]
        options = tuple(dict.fromkeys(ticked))[:MAX_OPTIONS]
        return ev.Choose(options, seq), answer_words(prompt, "choose", options, "")
    simple: dict[str, ev.Input] = {
        "back": ev.Back(seq),
        "skip": ev.Skip(seq),
        "prefer": ev.PreferNot(seq),
    }
    if action in simple:
        return simple[action], answer_words(prompt, action, (), "")
    if action == "text" or "text" in form:
        text = text_of(form, "text")
        return ev.Reply(text, seq), answer_words(prompt, "text", (), text)
    return ev.Repeat(), ""


def recorded(events: list[ev.Event]) -> str | None:
    """A typed answer as it was kept (free text redacted), for the parent's own bubble."""
    for event in events:
        value = event.value if isinstance(event, ev.AnswerRecorded) else None
        if isinstance(value, str | int | float) and value not in NO_ANSWER:
            return str(value)
    return None
