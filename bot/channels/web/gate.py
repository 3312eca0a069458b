"""Every request to the web chat passes here first: the per-client rate limits, the security
headers, a polite page for whatever went wrong, and the count of clients that went away
mid-request (a phone losing its signal is no error). Nothing about a visitor is logged (no
address, no user agent, no cookie value); an address is only hashed as a rate-limit key.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.channels.web.guard import (
    COOKIE,
    HEADERS,
    STRICT_TRANSPORT_SECURITY,
    Cookies,
    Limiter,
    Tally,
    over_https,
)
from bot.config import WebConfig

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
ErrorPage = Callable[[web.Request, int, str, str], web.Response]  # status, heading, text


class Gate:
    def __init__(
        self,
        settings: WebConfig,
        cookies: Cookies,
        who: Callable[[str], str],
        error_page: ErrorPage,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.cookies = cookies
        self.who = who
        self.error_page = error_page
        limits, burst = settings.limits, settings.limits.burst
        self.answers = Limiter(limits.answers_per_minute, burst, clock)
        self.pages = Limiter(limits.page_loads_per_minute, burst, clock)
        self.deletes = Limiter(limits.deletes_per_minute, burst, clock)
        self.visitors = Limiter(limits.new_visitors_per_minute, burst, clock)
        self.gone = Tally()  # requests whose client went away before its page was sent

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        static = request.path.startswith(self.settings.base_path + "static/")
        error = self.error_page
        response: web.StreamResponse
        try:
            waited, what = (0.0, "") if static else self._limit(request)
            if waited:  # the page says what was limited: answers, pages, deletes or visitors
                response = error(request, 429, "too_fast", f"too_fast_{what}")
                response.headers["Retry-After"] = str(max(1, round(waited)))
            else:
                response = await handler(request)
        except web.HTTPException as exc:
            if exc.status == 400:  # a form that could not be read: nothing was changed
                response = error(request, 400, "unreadable", "unreadable_text")
            elif exc.status == 413:
                response = error(request, 413, "sorry", "too_big")
            elif exc.status == 408:  # a body sent too slowly: answered, then the connection goes
                response = error(request, 408, "sorry", "too_slow")
                response.force_close()
            elif exc.status in (404, 405):
                response = error(request, 404, "not_found", "not_found_text")
            else:
                response = error(request, exc.status, "sorry", "sorry_text")
        except ConnectionError:  # the client went away mid-request: nobody to answer
            self.gone.add()
            return web.Response(status=400)  # never sent; aiohttp notes the closed connection
        except Exception as exc:  # never a stack trace, never the request, in a page or a log
            log.error("web chat: a request failed: %s", type(exc).__name__)
            response = error(request, 503, "sorry", "sorry_text")
        response.headers.update(HEADERS)
        if self._over_https(request):
            response.headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY
        if not static:
            response.headers["Cache-Control"] = "no-store"
        try:  # sent here, so a client gone before its page arrives is counted too
            await response.prepare(request)
            await response.write_eof()
        except ConnectionError:
            self.gone.add()
        return response

    def _over_https(self, request: web.Request) -> bool:
        forwarded = request.headers.get("X-Forwarded-Proto", "")
        return over_https(request.secure, forwarded, self.settings.trust_proxy)

    def _limit(self, request: web.Request) -> tuple[float, str]:
        """The seconds this client must wait (0 to go ahead), and what it sent too many of:
        each kind of request has its own budget."""
        cookie = self.cookies.valid(request.cookies.get(COOKIE))
        if cookie is None:
            return self.visitors.allow(self.cookies.client(self._address(request))), "visitors"
        who = self.who(cookie)
        if request.path == self.settings.base_path + "delete":
            return self.deletes.allow(who), "deletes"
        if request.method == "POST":
            return self.answers.allow(who), "answers"
        return self.pages.allow(who), "pages"

    def _address(self, request: web.Request) -> str:
        forwarded = request.headers.get("X-Forwarded-For", "")
        if self.settings.trust_proxy and forwarded:
            return forwarded.split(",")[-1].strip()  # the address our own proxy saw
        return request.remote or ""
