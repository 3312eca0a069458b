"""A posted form as the engine's input: only text fields count, a body that says it is a form
but cannot be read as one is refused, and a form without a readable sequence number counts as
from an old page."""

from __future__ import annotations

from urllib.parse import parse_qsl

from aiohttp import web
from multidict import MultiDict, MultiDictProxy

from bot.channels.http_server import body_within
from bot.conversation import events as ev

MAX_OPTIONS = 100
MAX_FIELDS = 1000
URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
UTF8 = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})  # ASCII is UTF-8 too


class Unreadable(ValueError):
    """A body that says it is a form but cannot be read as one."""


def parse_urlencoded(body: bytes, charset: str | None) -> MultiDict[str]:
    """A urlencoded form, read strictly as UTF-8 (what browsers send for our pages): another
    charset, bytes or percent-escapes that are not UTF-8, or a field without `=` are Unreadable,
    never guessed at."""
    if (charset or "utf-8").lower() not in UTF8:
        raise Unreadable("not UTF-8")
    try:
        text = body.rstrip().decode("utf-8")
        pairs = parse_qsl(
            text,
            keep_blank_values=True,
            strict_parsing=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except ValueError:  # UnicodeDecodeError among them
        raise Unreadable("not a form") from None
    return MultiDict(pairs)


async def read_form(request: web.Request, within: float) -> MultiDictProxy[str]:
    """The posted fields that are text (a file, or a body that is not a form at all, counts as
    none). A form that cannot be read is refused (400), and one that takes longer than `within`
    seconds to arrive too (408); a client that goes away raises ConnectionError."""
    if request.content_type not in (URLENCODED, MULTIPART):
        return MultiDictProxy(MultiDict())
    try:
        async with body_within(within):
            if request.content_type == URLENCODED:
                return MultiDictProxy(parse_urlencoded(await request.read(), request.charset))
            posted = await request.post()
    except (web.HTTPException, ConnectionError):  # too slow (408), too big (413); went away
        raise
    except Exception:  # multipart aiohttp cannot read: ValueError, LookupError, RuntimeError…
        raise web.HTTPBadRequest() from None
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
        "stop": ev.Stop(),
    }
    if action in simple:
        return simple[action]
    if action == "text" or "text" in form:
        return ev.Reply(text_of(form, "text"), seq)
    return ev.Repeat()
