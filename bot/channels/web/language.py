"""Which language a page is in: the one its address asks for (`?lang=`, which the language
switch and the links at the foot of every page carry), else the parent's own questionnaire's,
else the first of their browser's languages the questionnaire offers."""

from __future__ import annotations

from aiohttp import web

from bot.service import Service


def offered(service: Service, tag: str | None = None, flow: str | None = None) -> tuple[str, ...]:
    """The languages of the questionnaire a poster's tag (or id) opens, or the default one."""
    return tuple(service.pick_flow(tag, flow).languages)


def guessed(request: web.Request, languages: tuple[str, ...]) -> str:
    """The language asked for in the address, else the browser's, else the first offered."""
    asked = request.query.get("lang", "")
    if asked in languages:
        return asked
    for part in request.headers.get("Accept-Language", "").split(",")[:10]:
        code = part.split(";")[0].strip().split("-")[0].lower()
        if code in languages:
            return code
    return languages[0] if languages else "en"


async def page_language(service: Service, request: web.Request, who: str | None) -> str:
    """A page's language for a parent (`who`, if they have a cookie): the address's, then
    their questionnaire's, then their browser's."""
    standing = await service.standing(who) if who is not None else None
    asked = request.query.get("lang", "")
    if asked in offered(service) + (standing.languages if standing else ()):
        return asked
    if standing is not None and standing.language:
        return standing.language
    return guessed(request, offered(service))
