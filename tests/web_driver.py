"""A plain browser without JavaScript, for the web chat's HTTP tests and its load bench: real
HTTP on loopback, its own cookie jar, and answers chosen from the page's own forms."""

from __future__ import annotations

import html
import re
import ssl
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from aiohttp import web

from bot.channels.web.server import WebChat
from bot.channels.web.serving import web_runner
from bot.config import Config, WebConfig
from bot.service import Service
from bot.storage.store import Store

KEY = b"web-test-key-0123456789abcdef0123"
SEQ = re.compile(r'name="seq" value="(\d+)"')
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
CHOOSE = re.compile(r'name="choose" value="([^"]+)"')
OPTION = re.compile(r'name="option" value="([^"]+)"')
HEADING = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
BUBBLE = re.compile(r'<li class="bubble bubble-(\w+)"[^>]*>(.*?)</li>', re.S)
TAGS = re.compile(r"<[^>]+>")
HIDDEN = re.compile(r'<span class="visually-hidden">.*?</span>')
FIELDSET = re.compile(r"<fieldset.*?</fieldset>", re.S)
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def web_config(config: Config, options: dict[str, object] | None = None, **limits: float) -> Config:
    """The web chat over plain http on loopback (so the cookie cannot be Secure), with these
    other `web` settings and `limits`."""
    fields = {"secure_cookie": False, **(options or {}), "limits": limits}
    settings = WebConfig.model_validate(fields)
    return config.model_copy(update={"web": settings})


@dataclass
class Page:
    status: int
    text: str
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def seq(self) -> str | None:
        found = SEQ.search(self.text)
        return found.group(1) if found else None

    @property
    def csrf(self) -> str:
        found = CSRF.search(self.text)
        assert found, "no form on the page"
        return found.group(1)

    @property
    def heading(self) -> str:
        found = HEADING.search(self.text)
        return html.unescape(TAGS.sub("", found.group(1))).strip() if found else ""

    @property
    def question(self) -> str:
        """The question's words as a parent reads them: heading, hints and labels."""
        found = FIELDSET.search(self.text)
        return " ".join(html.unescape(TAGS.sub(" ", found.group(0))).split()) if found else ""

    @property
    def title(self) -> str:
        found = TITLE.search(self.text)
        return html.unescape(found.group(1)).strip() if found else ""

    @property
    def bubbles(self) -> list[tuple[str, str]]:
        return [
            (kind, " ".join(html.unescape(TAGS.sub(" ", HIDDEN.sub("", body))).split()))
            for kind, body in BUBBLE.findall(self.text)
        ]

    @property
    def kind(self) -> str:
        if CHOOSE.search(self.text):
            return "single"
        if OPTION.search(self.text):
            return "multi"
        return "text" if 'name="text"' in self.text else "end"


class Browser:
    def __init__(self, session: aiohttp.ClientSession, base: str) -> None:
        self.session = session
        self.base = base
        self.csrf = ""

    async def get(self, path: str = "/", **headers: str) -> Page:
        async with self.session.get(self.base + path, headers=headers) as response:
            page = Page(response.status, await response.text(), response.headers)
        if CSRF.search(page.text):
            self.csrf = page.csrf
        return page

    async def post(self, path: str, data: dict[str, str] | list[tuple[str, str]], **h: str) -> Page:
        fields = list(data.items()) if isinstance(data, dict) else list(data)
        if not any(name == "csrf" for name, _ in fields):
            fields.append(("csrf", self.csrf))
        async with self.session.post(self.base + path, data=fields, headers=h) as response:
            page = Page(response.status, await response.text(), response.headers)
        if CSRF.search(page.text):
            self.csrf = page.csrf
        return page

    async def start(
        self, path: str = "/", language: str = "en", headers: Mapping[str, str] | None = None
    ) -> Page:
        welcome = await self.get(path)
        fields = re.findall(r'type="hidden" name="(tag|flow)" value="([^"]*)"', welcome.text)
        return await self.post("/start", [("lang", language), *fields], **(headers or {}))

    async def answer(
        self,
        page: Page,
        typed: Callable[[Page], str] = lambda page: "",
        headers: Mapping[str, str] | None = None,
    ) -> Page:
        """Answer the page's question as a parent who takes the first option (with `headers`:
        {"X-Chat": "1"} as the page's script does, which gets the page back instead of a
        redirect to it)."""
        seq, h = page.seq or "", headers or {}
        if page.kind == "single":
            chosen = CHOOSE.findall(page.text)[0]
            return await self.post("/answer", {"seq": seq, "choose": chosen}, **h)
        if page.kind == "multi":
            first = OPTION.findall(page.text)[0]
            return await self.post("/answer", {"seq": seq, "action": "done", "option": first}, **h)
        return await self.post("/answer", {"seq": seq, "action": "text", "text": typed(page)}, **h)

    async def to_typed_question(self, page: Page) -> Page:
        """Answer until a question asks for words (not a month)."""
        while page.kind != "text" or typed_answer(page) == "March 2026":
            page = await self.answer(page, lambda p: "March 2026")
        return page

    async def say(self, page: Page, typed: str) -> Page:
        return await self.post("/answer", {"seq": page.seq or "", "action": "text", "text": typed})

    async def finish(self, page: Page, limit: int = 80) -> tuple[Page, int]:
        """Answer until the questionnaire ends; returns the last page and the answers sent."""
        return await self.answer_until(page, lambda p: p.kind == "end", limit)

    async def answer_until(
        self, page: Page, done: Callable[[Page], bool], limit: int = 80
    ) -> tuple[Page, int]:
        """Answer as a parent who takes the first option, until `done`; returns the page and
        the answers sent."""
        sent = 0
        while not done(page):
            assert page.kind != "end", "the questionnaire ended first"
            assert sent < limit, f"never got there; stuck at {page.heading!r}"
            before = page.seq
            page = await self.answer(page, typed_answer)
            if page.seq == before:  # refused: the question allows skipping, or says what it needs
                page = await self.post("/answer", {"seq": before or "", "action": "skip"})
            sent += 1
            assert page.status == 200, page.heading
        return page, sent


def typed_for(question: str) -> str:
    """Words that fit the question: a month, a number, contact details, or some feedback."""
    question = question.casefold()
    for words, typed in (
        (("month", "for example"), "March 2026"),
        (("how many",), "2"),
        (("phone",), "07700 900123"),
        (("email",), "parent@example.org"),
        (("name",), "Sam"),
    ):
        if any(w in question for w in words):
            return typed
    return "The staff were kind"


def typed_answer(page: Page) -> str:
    return typed_for(page.question)


@asynccontextmanager
async def serving(
    service: Service, tls: ssl.SSLContext | None = None, clock: Callable[[], float] = time.monotonic
) -> AsyncIterator[tuple[WebChat, str]]:
    """The web chat on a free loopback port (over HTTPS with `tls`, its rate limits timed by
    `clock`); yields it and its base URL."""
    chat = WebChat(service, KEY, clock)
    runner = web_runner(chat)  # the product's own server, with its timeouts
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=tls)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield chat, f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


@asynccontextmanager
async def browser(base: str) -> AsyncIterator[Browser]:
    timeout = aiohttp.ClientTimeout(total=20)
    jar = aiohttp.CookieJar(unsafe=True)  # cookies for 127.0.0.1, as a browser keeps them
    async with aiohttp.ClientSession(cookie_jar=jar, timeout=timeout) as session:
        yield Browser(session, base)


async def count(store: Store, sql: str) -> int:
    rows = await store.db.execute_fetchall(sql)
    return int(next(iter(rows))[0])


def database_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
