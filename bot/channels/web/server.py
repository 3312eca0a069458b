"""The web chat, for parents without Telegram: the same questionnaires, engine and storage, in
any phone's browser, behind the team's HTTPS proxy.

Every answer is a plain HTML form posted to the server (post, redirect, get), so the chat works
without JavaScript; `static/chat.js` posts the same forms in the background instead. Every form
carries its question's sequence number, so a double submit or a back-button resubmission is
recognised by the engine and stored once. Nothing here stores or logs an address, a user agent
or a cookie value: a parent is the HMAC of their random cookie, as a Telegram parent is of their id.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

from aiohttp import web

from bot.channels.http_server import unnamed
from bot.channels.web.forms import form_event, read_form, text_of
from bot.channels.web.gate import Gate
from bot.channels.web.guard import COOKIE, Cookies
from bot.channels.web.language import guessed, offered, page_language
from bot.channels.web.page import Pages
from bot.channels.web.posters import poster_choice, start_or_carry_on
from bot.channels.web.posting import take_answer
from bot.channels.web.view import View, Views, drawn_again
from bot.channels.web.words import word
from bot.config import Config
from bot.conversation import events as ev
from bot.privacy.pseudonym import pseudonym
from bot.questionnaire.flow import TAG_PATTERN
from bot.service import Service, Turns
from bot.words import erased

TAG = re.compile(TAG_PATTERN)
LANGUAGE = re.compile(r"^[a-z]{2,3}$")
STATIC = Path(__file__).parent / "static"
MAX_BODY = 256 * 1024  # 10,000 characters of any script, percent-encoded, fit well within this


class WebChat:
    def __init__(
        self, service: Service, key: bytes, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.service = service
        self.key = key
        self.cookies = Cookies(key)
        self.pages = Pages(service.config)
        self.views = Views()
        self.turns = Turns()
        self.gate = Gate(service.config.web, self.cookies, self._who, self._error, clock)

    @property
    def config(self) -> Config:
        return self.service.config

    def application(self) -> web.Application:
        app = web.Application(middlewares=[self.gate.middleware], client_max_size=MAX_BODY)
        app.on_response_prepare.append(unnamed)
        base = self.config.web.base_path
        app.router.add_get(base, self.home)
        app.router.add_get(base + "s/{tag}", self.poster)
        app.router.add_get(base + "s/{flow}/{tag}", self.poster)
        app.router.add_post(base + "start", self.start)
        app.router.add_post(base + "answer", self.answer)
        app.router.add_post(base + "language", self.language)
        app.router.add_get(base + "help", self.help)
        app.router.add_get(base + "privacy", self.privacy)
        app.router.add_get(base + "delete", self.delete_page)
        app.router.add_post(base + "delete", self.delete)
        app.router.add_static(base + "static", STATIC)
        return app

    # ── who is asking ──────────────────────────────────────────────────────────────────────
    def _cookie(self, request: web.Request) -> str | None:
        return self.cookies.valid(request.cookies.get(COOKIE))

    def _who(self, cookie: str) -> str:
        return pseudonym(self.key, "web", cookie)

    def _give_cookie(self, response: web.StreamResponse, cookie: str) -> None:
        settings = self.config
        days = settings.sessions.expire_after_days + settings.privacy.unlink_after_days + 1
        response.set_cookie(
            COOKIE,
            cookie,
            max_age=days * 86400,
            path=settings.web.base_path,
            httponly=True,
            secure=settings.web.secure_cookie,
            samesite="Lax",  # sent when a poster's link is opened; never on another site's form
        )

    async def _language_of(self, request: web.Request) -> str:
        cookie = self._cookie(request)
        return await page_language(self.service, request, self._who(cookie) if cookie else None)

    async def _view(self, who: str, language: str) -> View:
        """This parent's page: from memory, or drawn again from the stored session."""
        view = self.views.get(who)
        if view is None:
            view = self.views.put(who, await drawn_again(self.service, who, language))
        return view

    # ── pages ──────────────────────────────────────────────────────────────────────────────
    async def home(self, request: web.Request) -> web.StreamResponse:
        cookie = self._cookie(request)
        if cookie is None:
            return self._welcome(request, None, None, self.cookies.new(), fresh=True)
        who = self._who(cookie)
        async with self.turns.of(who):
            view = await self._view(who, guessed(request, offered(self.service)))
        if not view.started:
            return self._welcome(request, None, None, cookie, notice=view.notice)
        return self._html(self.pages.chat(view, self.cookies.csrf(cookie), view.languages))

    async def poster(self, request: web.Request) -> web.StreamResponse:
        """A poster's link: the welcome, then the right questionnaire with the unit answered;
        with another questionnaire under way, the choice of carrying on or starting this one."""
        tag, flow = self._poster(request.match_info["tag"], request.match_info.get("flow"))
        cookie = self._cookie(request)
        if cookie is None:
            return self._welcome(request, tag, flow, self.cookies.new(), fresh=True)
        language = await self._language_of(request)
        choice = await poster_choice(self.service, self._who(cookie), tag, flow, language)
        if choice is None:
            return self._welcome(request, tag, flow, cookie)
        csrf = self.cookies.csrf(cookie)
        return self._html(self.pages.poster_choice(choice, language, csrf, tag=tag, flow=flow))

    def _poster(self, tag: str, flow: str | None) -> tuple[str | None, str | None]:
        """A poster's tag and questionnaire, each if it can be one (else None)."""
        return (
            tag if TAG.match(tag) else None,
            flow if flow in self.service.flows.current else None,
        )

    def _welcome(
        self,
        request: web.Request,
        tag: str | None,
        flow: str | None,
        cookie: str,
        *,
        fresh: bool = False,
        notice: str | None = None,
    ) -> web.StreamResponse:
        languages = offered(self.service, tag, flow)
        language = guessed(request, languages)
        csrf = self.cookies.csrf(cookie)
        html = self.pages.welcome(language, csrf, languages, tag=tag, flow=flow, notice=notice)
        response = self._html(html)
        if fresh:
            self._give_cookie(response, cookie)
        return response

    async def help(self, request: web.Request) -> web.StreamResponse:
        language = await self._language_of(request)
        return self._html(self.pages.help(language, self.service.signpost_in(language)))

    async def privacy(self, request: web.Request) -> web.StreamResponse:
        language = await self._language_of(request)
        return self._html(self.pages.privacy(language, self.service.privacy_notice_in(language)))

    async def delete_page(self, request: web.Request) -> web.StreamResponse:
        language = await self._language_of(request)
        cookie = self._cookie(request)
        return self._html(
            self.pages.delete(language, self.cookies.csrf(cookie) if cookie else None)
        )

    # ── forms ──────────────────────────────────────────────────────────────────────────────
    async def start(self, request: web.Request) -> web.StreamResponse:
        form = await read_form(request, self.config.web.body_timeout)
        cookie = self._cookie(request)
        tag, flow = self._poster(text_of(form, "tag"), text_of(form, "flow"))
        languages = offered(self.service, tag, flow)
        asked = text_of(form, "lang")
        language = asked if asked in languages else None
        if cookie is None:  # the welcome gave one: this phone does not keep it
            shown = language or guessed(request, languages)
            return self._html(self.pages.cookies_off(shown, tag, flow))
        if not self.cookies.csrf_ok(cookie, text_of(form, "csrf")):
            return self._again(request)
        start, who = ev.Start(tag, language), self._who(cookie)
        async with self.turns.of(who):
            afresh = text_of(form, "afresh") == "1"
            outcome = await start_or_carry_on(self.service, who, start, flow, afresh=afresh)
            view = View(language=outcome.language or language or "en")
            view.languages = tuple(await self.service.languages(who))
            view.show(outcome.events, outcome.language)
            self.views.put(who, view)
        return self._after(request, cookie, view)

    async def answer(self, request: web.Request) -> web.StreamResponse:
        form = await read_form(request, self.config.web.body_timeout)
        cookie = self._cookie(request)
        if cookie is None:
            return self._again(request)
        who = self._who(cookie)
        async with self.turns.of(who):
            view = await self._view(who, "en")
            view.next_turn()
            if not self.cookies.csrf_ok(cookie, text_of(form, "csrf")):
                view.notice = word("expired", view.language)
            else:
                await take_answer(self.service, who, view, form_event(form))
        return self._after(request, cookie, view)

    async def language(self, request: web.Request) -> web.StreamResponse:
        form = await read_form(request, self.config.web.body_timeout)
        cookie = self._cookie(request)
        code = text_of(form, "lang")
        if cookie is None or not LANGUAGE.match(code):
            return self._again(request)
        who = self._who(cookie)
        async with self.turns.of(who):
            view = await self._view(who, code)
            view.next_turn()
            if not self.cookies.csrf_ok(cookie, text_of(form, "csrf")):
                view.notice = word("expired", view.language)
            elif view.prompt is not None:
                outcome = await self.service.handle(who, ev.SwitchLanguage(code))
                view.show(outcome.events, outcome.language)
            elif code in view.languages:
                view.language = code
        return self._after(request, cookie, view)

    async def delete(self, request: web.Request) -> web.StreamResponse:
        form = await read_form(request, self.config.web.body_timeout)
        cookie = self._cookie(request)
        language = await self._language_of(request)
        if cookie is None or not self.cookies.csrf_ok(cookie, text_of(form, "csrf")):
            return self._again(request)
        who = self._who(cookie)
        async with self.turns.of(who):
            done = await self.service.erase(who)
            self.views.forget(who)
        text = erased(
            language, responses=done.responses, answers=done.answers, contacts=done.contacts,
            sessions=done.sessions, days=self.config.privacy.unlink_after_days,
        )  # fmt: skip
        heading = word("deleted_title", language)
        back = word("start_again", language)
        response = self._html(self.pages.page(language, heading, text, back_text=back))
        response.del_cookie(COOKIE, path=self.config.web.base_path)
        return response

    # ── answers ────────────────────────────────────────────────────────────────────────────
    def _after(self, request: web.Request, cookie: str, view: View) -> web.StreamResponse:
        """The page itself for the page's own script; a redirect to it for a plain form."""
        if request.headers.get("X-Chat") == "1" and not view.started:
            return self._welcome(request, None, None, cookie, notice=view.notice)
        if request.headers.get("X-Chat") == "1":
            return self._html(self.pages.chat(view, self.cookies.csrf(cookie), view.languages))
        # A refused answer: the page opens at its top, where the error summary takes the focus
        # (a #fragment would keep the browser from focusing it).
        return _see(self.config.web.base_path + ("" if view.refusal else "#now"))

    def _again(self, request: web.Request) -> web.StreamResponse:
        """No valid session: back to the first page, which gives one."""
        return _see(self.config.web.base_path)

    def _html(self, html: str, status: int = 200) -> web.Response:
        return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")

    def _error(self, request: web.Request, status: int, heading: str, text: str) -> web.Response:
        """A polite page for what went wrong (the gate's), in the parent's language: their
        page's, if this server has it in memory, else their browser's."""
        cookie = self._cookie(request)
        view = self.views.get(self._who(cookie)) if cookie else None
        language = view.language if view else guessed(request, offered(self.service))
        html = self.pages.page(language, word(heading, language), word(text, language))
        return self._html(html, status)


def _see(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})
