"""A posted form as the engine's input: only text fields count, and a form without a readable
sequence number counts as from an old page."""

from __future__ import annotations

import asyncio

from aiohttp import web
from multidict import MultiDict, MultiDictProxy

from bot.conversation import events as ev

MAX_OPTIONS = 100


async def read_form(request: web.Request, within: float) -> MultiDictProxy[str]:
    """The posted fields that are text (a file or a body that is not a form counts as none).
    A body that takes longer than `within` seconds to arrive is refused (408)."""
    if request.content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return MultiDictProxy(MultiDict())
    try:
        async with asyncio.timeout(within):
            posted = await request.post()
    except TimeoutError:
        raise web.HTTPRequestTimeout() from None
    except (ValueError, UnicodeDecodeError):
        posted = MultiDictProxy(MultiDict())
    return posted  # type: ignore[return-value]


def text_of(form: MultiDictProxy[str], name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def form_event(form: MultiDictProxy[str]) -> ev.Input:
    """The form as the engine's input. A form without a readable sequence number counts as
    from an old page."""
    seq_text = text_of(form, "seq")
    seq = int(seq_text) if seq_text.isdigit() and len(seq_text) < 10 else -1
    chosen = text_of(form, "choose")
    if chosen:
        return ev.Choose((chosen,), seq)
    action = text_of(form, "action")
    if action == "done":
        ticked = [v for v in form.getall("option", []) if isinstance(v, str)]
        return ev.Choose(tuple(dict.fromkeys(ticked))[:MAX_OPTIONS], seq)
    simple: dict[str, ev.Input] = {
        "back": ev.Back(seq),
        "skip": ev.Skip(seq),
        "prefer": ev.PreferNot(seq),
    }
    if action in simple:
        return simple[action]
    if action == "text" or "text" in form:
        return ev.Reply(text_of(form, "text"), seq)
    return ev.Repeat()
