"""An in-memory fake of the Telegram Bot API for tests, served over real HTTP by aiohttp.

Point python-telegram-bot at it with ``Bot(tg.token, base_url=tg.base_url)`` (PTB builds
``{base_url}{token}/{method}``). It can serve a bot running in a subprocess too: it binds to
127.0.0.1 on an ephemeral port and keeps all state in memory in the test process.

Limits are Telegram's: text length is ``len()`` of the Python ``str`` *after* HTML parsing
(Telegram counts characters after entity parsing); callback_data is 1-64 UTF-8 bytes. HTML is
validated (Telegram's tag set); Markdown/MarkdownV2 text is passed through unparsed.
``editMessageText`` without ``reply_markup`` removes the inline keyboard, as on Telegram.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import html
import itertools
import json
import random
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, TypeVar

from aiohttp import web

T = TypeVar("T")
Json = dict[str, Any]
Keyboard = list[list[tuple[str, str | None]]]

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
_JSONS = {"reply_markup", "entities", "allowed_updates", "commands", "scope", "reply_parameters"}
_TAGS = {
    **dict.fromkeys(["b", "strong"], "bold"),
    **dict.fromkeys(["i", "em"], "italic"),
    **dict.fromkeys(["u", "ins"], "underline"),
    **dict.fromkeys(["s", "strike", "del"], "strikethrough"),
    **dict.fromkeys(["tg-spoiler", "span"], "spoiler"),
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}


class ApiError(Exception):
    def __init__(self, status: int, description: str, parameters: Json | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def _u16(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


class _Html(HTMLParser):
    """Validates Telegram HTML and yields (plain text, entities with UTF-16 offsets)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.parts: list[str] = []
        self.pos = 0
        self.stack: list[tuple[str, int, dict[str, str | None]]] = []
        self.entities: list[Json] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _TAGS or (tag == "span" and ("class", "tg-spoiler") not in attrs):
            raise _bad(f'can\'t parse entities: Unsupported start tag "{tag}"')
        self.stack.append((tag, self.pos, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1][0] != tag:
            raise _bad(f'can\'t parse entities: Unexpected end tag "{tag}"')
        _, start, attrs = self.stack.pop()
        entity: Json = {"type": _TAGS[tag], "offset": start, "length": self.pos - start}
        if tag == "a":
            entity["url"] = attrs.get("href")
        if tag == "tg-emoji":
            entity["custom_emoji_id"] = attrs.get("emoji-id")
        if tag == "blockquote" and "expandable" in attrs:
            entity["type"] = "expandable_blockquote"
        if entity["length"] and (tag != "a" or entity["url"]):
            self.entities.append(entity)

    def handle_data(self, data: str) -> None:
        if "<" in data:
            raise _bad("can't parse entities: Unsupported start tag (unescaped '<')")
        self.parts.append(data)
        self.pos += _u16(data)

    def handle_entityref(self, name: str) -> None:
        self.parts.append(text := html.unescape(f"&{name};"))
        self.pos += _u16(text)

    def handle_charref(self, name: str) -> None:
        self.handle_entityref(f"#{name}")

    def parse(self, source: str) -> tuple[str, list[Json]]:
        self.feed(source)
        self.close()
        if self.stack:
            tag = self.stack[-1][0]
            raise _bad(
                f"can't parse entities: Can't find end tag corresponding to start tag \"{tag}\""
            )
        return "".join(self.parts), sorted(self.entities, key=lambda e: e["offset"])


def keyboard_rows(markup: Json | None) -> Keyboard:
    rows = (markup or {}).get("inline_keyboard", [])
    return [[(b.get("text", ""), b.get("callback_data")) for b in row] for row in rows]


@dataclass
class SentMessage:
    """A message the bot sent, in its current version; ``history`` holds earlier versions."""

    message_id: int
    chat: Json
    text: str  # as the user sees it (HTML tags parsed away); caption for media
    source: str  # exactly as the bot sent it
    parse_mode: str | None
    entities: list[Json]
    markup: Json | None  # raw reply_markup as sent (inline or reply keyboard)
    date: int = field(default_factory=lambda: int(time.time()))
    kind: str = "text"  # "text", "photo" or "document"
    history: list[tuple[str, Keyboard]] = field(default_factory=list)
    edit_date: int | None = None
    deleted: bool = False

    @property
    def reply_markup(self) -> Keyboard:
        """The inline keyboard as rows of (text, callback_data); [] when there is none."""
        return keyboard_rows(self.markup)

    @property
    def buttons(self) -> list[tuple[str, str | None]]:
        return [b for row in self.reply_markup for b in row]

    def to_api(self, bot_user: Json) -> Json:
        msg: Json = {"message_id": self.message_id, "date": self.date, "chat": self.chat}
        msg["from"] = bot_user
        key = "text" if self.kind == "text" else "caption"
        msg[key] = self.text
        if self.entities:
            msg["entities" if key == "text" else "caption_entities"] = self.entities
        if self.kind == "photo":
            msg["photo"] = [_file(1, width=320, height=320)]
        elif self.kind == "document":
            msg["document"] = _file(1, file_name="file", mime_type="application/octet-stream")
        if self.markup and "inline_keyboard" in self.markup:
            msg["reply_markup"] = self.markup
        if self.edit_date:
            msg["edit_date"] = self.edit_date
        return msg


def _file(n: int, **extra: Any) -> Json:
    return {"file_id": f"FILE{n}", "file_unique_id": f"U{n}", **extra}


class FakeTelegram:
    """``async with FakeTelegram() as tg:`` serves the Bot API at ``tg.base_url``."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "feedback_test_bot",
        port: int = 0,  # 0: any free port
    ):
        self.token = token
        self.port = port
        self.bot_user: Json = {"id": int(token.split(":")[0]), "is_bot": True}
        self.bot_user |= {"first_name": "Feedback Bot", "username": bot_username}
        self.url = self.base_url = ""
        self.calls: list[tuple[str, Json]] = []
        self.call_times: list[float] = []  # loop time each call arrived, for the benchmarks
        self._chat_events: dict[int, asyncio.Event] = {}
        self.uploads: list[tuple[str, str, bytes]] = []  # (method, file name, contents)
        self.refused: list[tuple[str, str]] = []  # (method, description) of every error answered
        # setMyCommands per (scope, language_code), as Telegram keeps them; `commands` is the
        # default menu (no scope, no language).
        self.command_menus: dict[tuple[str, str], list[Json]] = {}
        self.callback_answers: list[Json] = []
        self.delivered: list[int] = []  # update_ids in the order getUpdates returned them
        self.webhook_url = ""
        self.blocked: set[int] = set()
        # Random faults on every call but getUpdates: 502s, 429s and dropped connections.
        self.fault_rate = 0.0
        self.faults: list[str] = []
        self._faults = random.Random(7)
        self.down = False  # while set, every call (getUpdates too) is answered 502
        self.reachable = asyncio.Event()  # while clear, every call hangs: Telegram unreachable
        self.reachable.set()
        self.held: set[int] = set()  # chats whose sendMessage hangs until `release` is set
        self.release = asyncio.Event()
        self._updates: list[Json] = []
        self._update_ids = itertools.count(1)
        self._ids = itertools.count(1)
        self._msg_ids: defaultdict[int, itertools.count[int]] = defaultdict(
            lambda: itertools.count(1)
        )
        self._chats: dict[int, Json] = {}
        self._users: dict[int, Json] = {}
        self._sent: dict[int, dict[int, SentMessage]] = defaultdict(dict)
        self._user_msgs: dict[tuple[int, int], Json] = {}
        self._open_queries: set[str] = set()
        self._allowed: list[str] | None = None
        self._inject: defaultdict[str, deque[ApiError]] = defaultdict(deque)
        self._changed = asyncio.Event()
        self._poll_gen = 0
        self._closing = False
        self._runner: web.AppRunner | None = None

    # ---- lifecycle -------------------------------------------------------------------------
    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        self.base_url = f"{self.url}/bot"

    async def stop(self) -> None:
        self._closing = True
        self._notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # ---- error injection -------------------------------------------------------------------
    def fail_next(self, method: str, status: int = 502, count: int = 1) -> None:
        desc = {502: "Bad Gateway", 500: "Internal Server Error"}.get(status, f"Error {status}")
        self._inject[method.lower()].extend(ApiError(status, desc) for _ in range(count))

    def rate_limit_next(self, method: str, retry_after: int = 1, count: int = 1) -> None:
        err = ApiError(429, f"Too Many Requests: retry after {retry_after}")
        err.parameters = {"retry_after": retry_after}
        self._inject[method.lower()].extend(err for _ in range(count))

    # ---- HTTP ------------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        prefix, _, method = request.path.lstrip("/").partition("/")
        if prefix != f"bot{self.token}":
            return _reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        params: Json = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.can_read_body:
            form = await request.post()
            params.update((k, v) for k, v in form.items() if isinstance(v, str))
            for v in form.values():  # files the bot uploads (sendDocument), kept for the tests
                if isinstance(v, web.FileField):
                    self.uploads.append((method, v.filename, v.file.read()))
        for key in _JSONS & params.keys():
            if isinstance(params[key], str):
                params[key] = json.loads(params[key])
        self.calls.append((method, params))
        self.call_times.append(asyncio.get_running_loop().time())
        self._notify()
        await self.reachable.wait()
        if method.lower() == "sendmessage" and _int(params, "chat_id") in self.held:
            await asyncio.wait_for(self.release.wait(), 30)
        if request.transport is None or request.transport.is_closing():
            # The caller gave up (or died) while the call hung: it never reached Telegram.
            return _reply(502, {"ok": False, "error_code": 502, "description": "never arrived"})
        if self.down:
            self.faults.append("down")
            return _reply(502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})
        handler = getattr(self, f"_m_{method.lower()}", None)
        if handler is None:
            return _reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        if self.fault_rate and method != "getUpdates" and self._faults.random() < self.fault_rate:
            kind = self._faults.choice(("502", "429", "drop"))
            self.faults.append(kind)
            if kind == "drop":  # the connection breaks before anything was done
                if request.transport is not None:
                    request.transport.abort()
                return _reply(502, {"ok": False, "error_code": 502, "description": "dropped"})
            self._inject[method.lower()].appendleft(
                ApiError(502, "Bad Gateway")
                if kind == "502"
                else ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
            )
        try:
            if self._inject[method.lower()]:
                raise self._inject[method.lower()].popleft()
            result = await handler(params)
        except ApiError as e:
            self.refused.append((method, e.description))
            body: Json = {"ok": False, "error_code": e.status, "description": e.description}
            if e.parameters:
                body["parameters"] = e.parameters
            return _reply(e.status, body)
        self._notify()
        chat_id = _int(params, "chat_id")
        if chat_id is not None and chat_id in self._chat_events:
            self._chat_events.pop(chat_id).set()
        return _reply(200, {"ok": True, "result": result})

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_change(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), timeout)

    # ---- Bot API methods -------------------------------------------------------------------
    async def _m_getme(self, p: Json) -> Json:
        return self.bot_user | {"can_join_groups": True, "can_read_all_group_messages": False}

    async def _m_getupdates(self, p: Json) -> list[Json]:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = _int(p, "offset") or 0
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        if p.get("allowed_updates"):
            self._allowed = list(p["allowed_updates"])
        limit = min(max(_int(p, "limit") or 100, 1), 100)
        self._poll_gen += 1
        gen = self._poll_gen
        self._notify()  # a newer getUpdates terminates an older one with 409, as on Telegram
        deadline = asyncio.get_running_loop().time() + max(_num(p, "timeout"), 0.0)
        while True:
            if gen != self._poll_gen:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            if self._allowed is not None:
                self._updates = [u for u in self._updates if _kind(u) in self._allowed]
            batch = self._updates[:limit]
            remaining = deadline - asyncio.get_running_loop().time()
            if batch or remaining <= 0 or self._closing:
                self.delivered.extend(u["update_id"] for u in batch)
                return batch
            await self._wait_change(remaining)

    async def _m_setwebhook(self, p: Json) -> bool:
        self.webhook_url = str(p.get("url", ""))
        return True

    async def _m_deletewebhook(self, p: Json) -> bool:
        self.webhook_url = ""
        if _flag(p, "drop_pending_updates"):
            self._updates.clear()
        return True

    async def _m_getwebhookinfo(self, p: Json) -> Json:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    @staticmethod
    def _menu_key(p: Json) -> tuple[str, str]:
        scope = p.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(p.get("language_code") or "")

    @property
    def commands(self) -> list[Json]:
        return self.command_menus.get(self._menu_key({}), [])

    def menu(self, scope: Json | None = None, language_code: str = "") -> list[Json]:
        return self.command_menus.get(
            self._menu_key({"scope": scope, "language_code": language_code}), []
        )

    async def _m_setmycommands(self, p: Json) -> bool:
        self.command_menus[self._menu_key(p)] = list(p.get("commands") or [])
        return True

    async def _m_getmycommands(self, p: Json) -> list[Json]:
        return self.command_menus.get(self._menu_key(p), [])

    async def _m_deletemycommands(self, p: Json) -> bool:
        self.command_menus.pop(self._menu_key(p), None)
        return True

    async def _m_close(self, p: Json) -> bool:
        return True

    _m_logout = _m_close

    async def _m_sendchataction(self, p: Json) -> bool:
        self._chat_for_send(p)
        return True

    async def _m_sendmessage(self, p: Json) -> Json:
        chat = self._chat_for_send(p)
        text, entities = self._render(p, str(p.get("text", "")), 4096, "message text")
        return self._store(chat, text, p, entities).to_api(self.bot_user)

    async def _m_senddocument(self, p: Json) -> Json:
        chat = self._chat_for_send(p)
        text, entities = self._render(p, str(p.get("caption", "")), 1024, None)
        return self._store(chat, text, p, entities, "document").to_api(self.bot_user)

    async def _m_sendphoto(self, p: Json) -> Json:
        chat = self._chat_for_send(p)
        text, entities = self._render(p, str(p.get("caption", "")), 1024, None)
        return self._store(chat, text, p, entities, "photo").to_api(self.bot_user)

    async def _m_editmessagetext(self, p: Json) -> Json:
        msg = self._editable(p)
        text, entities = self._render(p, str(p.get("text", "")), 4096, "message text")
        return self._edit(msg, p, text, entities)

    async def _m_editmessagereplymarkup(self, p: Json) -> Json:
        msg = self._editable(p)
        self._check_markup(p.get("reply_markup"))
        return self._edit(msg, p, msg.text, msg.entities)

    async def _m_answercallbackquery(self, p: Json) -> bool:
        if str(p.get("callback_query_id")) not in self._open_queries:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        self._open_queries.discard(str(p["callback_query_id"]))
        self.callback_answers.append(p)
        return True

    async def _m_deletemessage(self, p: Json) -> bool:
        chat_id, mid = _int(p, "chat_id"), _int(p, "message_id")
        msg = self._sent.get(chat_id or 0, {}).get(mid or 0)
        if msg is not None and not msg.deleted:
            msg.deleted = True
        elif self._user_msgs.pop((chat_id or 0, mid or 0), None) is None:
            raise _bad("message to delete not found")
        return True

    # ---- helpers for the methods -----------------------------------------------------------
    def _chat_for_send(self, p: Json) -> Json:
        chat_id = _int(p, "chat_id")
        if chat_id is None or chat_id not in self._chats:
            raise _bad("chat not found")
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return self._chats[chat_id]

    def _render(self, p: Json, src: str, limit: int, what: str | None) -> tuple[str, list[Json]]:
        text, entities = src, list(p.get("entities") or [])
        if str(p.get("parse_mode", "")).lower() == "html":
            text, entities = _Html().parse(src)
        if what and not text.strip():
            raise _bad(f"{what} is empty")
        if len(text) > limit:
            raise _bad("message is too long" if what else "message caption is too long")
        self._check_markup(p.get("reply_markup"))
        return text, entities

    @staticmethod
    def _check_markup(markup: Json | None) -> None:
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                if not set(button) - {"text"}:
                    raise _bad(
                        "can't parse inline keyboard button: Text buttons are unallowed "
                        "in the inline keyboard"
                    )
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= 64:
                    raise _bad("BUTTON_DATA_INVALID")

    def _store(
        self, chat: Json, text: str, p: Json, ents: list[Json], kind: str = "text"
    ) -> SentMessage:
        mid = next(self._msg_ids[chat["id"]])
        src = str(p.get("text", p.get("caption", "")))
        msg = SentMessage(mid, chat, text, src, p.get("parse_mode"), ents, _markup(p), kind=kind)
        self._sent[chat["id"]][mid] = msg
        return msg

    def _editable(self, p: Json) -> SentMessage:
        if "inline_message_id" in p:
            raise _bad("MESSAGE_ID_INVALID")  # inline mode is not supported by the fake
        key = (_int(p, "chat_id") or 0, _int(p, "message_id") or 0)
        msg = self._sent.get(key[0], {}).get(key[1])
        if msg is None or msg.deleted:
            raise _bad(
                "message can't be edited" if key in self._user_msgs else "message to edit not found"
            )
        return msg

    def _edit(self, msg: SentMessage, p: Json, text: str, entities: list[Json]) -> Json:
        markup = _markup(p)
        if (text, entities, markup) == (msg.text, msg.entities, msg.markup):
            raise ApiError(400, NOT_MODIFIED)
        msg.history.append((msg.text, msg.reply_markup))
        msg.text, msg.entities, msg.markup = text, entities, markup
        msg.source = str(p.get("text", msg.source))
        msg.edit_date = int(time.time())
        return msg.to_api(self.bot_user)

    # ---- simulating users ------------------------------------------------------------------
    def _user(self, user_id: int, first_name: str | None = None, lang: str | None = None) -> Json:
        """A user's profile; a new user is "Test"/"en" unless given. Registers the private chat."""
        user = self._users.setdefault(user_id, {"id": user_id, "is_bot": False})
        user["first_name"] = first_name or user.get("first_name", "Test")
        user["language_code"] = lang or user.get("language_code", "en")
        self._chats[user_id] = {"id": user_id, "type": "private", "first_name": user["first_name"]}
        return user

    def _message(self, chat: Json, user: Json, **content: Any) -> Json:
        mid = next(self._msg_ids[chat["id"]])
        msg = {"message_id": mid, "date": int(time.time()), "chat": chat, "from": user, **content}
        self._user_msgs[(chat["id"], mid)] = msg
        return msg

    def queue_update(self, kind: str, payload: Json) -> Json:
        """Queue any raw update, e.g. ``queue_update("my_chat_member", {...})``."""
        update = {"update_id": next(self._update_ids), kind: copy.deepcopy(payload)}
        self._updates.append(update)
        self._notify()
        return update

    def _send(
        self, user_id: int, first_name: str | None = None, lang: str | None = None, **content: Any
    ) -> Json:
        user = self._user(user_id, first_name, lang)
        return self.queue_update("message", self._message(self._chats[user_id], user, **content))

    def send_text(
        self,
        user_id: int,
        text: str,
        first_name: str | None = None,  # default "Test" for a new user, else unchanged
        language_code: str | None = None,  # default "en" for a new user, else unchanged
    ) -> Json:
        return self._send(user_id, first_name, language_code, text=text)

    def send_command(self, user_id: int, command: str, payload: str | None = None) -> Json:
        command = command if command.startswith("/") else f"/{command}"
        text = f"{command} {payload}" if payload else command
        entity = {"type": "bot_command", "offset": 0, "length": _u16(command)}
        return self._send(user_id, text=text, entities=[entity])

    def send_sticker(self, user_id: int) -> Json:
        sticker = _file(next(self._ids), width=512, height=512, is_animated=False, is_video=False)
        return self._send(user_id, sticker=sticker | {"type": "regular", "emoji": "👍"})

    def send_photo(self, user_id: int, caption: str | None = None) -> Json:
        photo = [
            _file(next(self._ids), width=90, height=90),
            _file(next(self._ids), width=800, height=800),
        ]
        return self._send(user_id, photo=photo, **({"caption": caption} if caption else {}))

    def send_voice(self, user_id: int, duration: int = 3) -> Json:
        voice = _file(next(self._ids), duration=duration, mime_type="audio/ogg")
        return self._send(user_id, voice=voice)

    def send_location(self, user_id: int, latitude: float = 51.5, longitude: float = -0.12) -> Json:
        return self._send(user_id, location={"latitude": latitude, "longitude": longitude})

    def send_old_poll(self, user_id: int, question: str = "Which unit?") -> Json:
        """A private-chat poll whose options lack ``persistent_id``, as an older self-hosted Bot
        API server sends: python-telegram-bot's ``Update.de_json`` raises TypeError on it."""
        options = [{"text": text, "voter_count": 0} for text in ("Ludlow", "Telford")]
        poll = {"id": str(next(self._ids)), "question": question, "options": options}
        poll |= {"total_voter_count": 0, "is_closed": False, "is_anonymous": True}
        poll |= {"type": "regular", "allows_multiple_answers": False}
        return self._send(user_id, poll=poll)

    def send_contact(self, user_id: int, phone_number: str = "+447700900123") -> Json:
        first_name = self._user(user_id)["first_name"]
        contact = {"phone_number": phone_number, "first_name": first_name, "user_id": user_id}
        return self._send(user_id, contact=contact)

    def send_document(self, user_id: int, file_name: str = "notes.pdf") -> Json:
        doc = _file(next(self._ids), file_name=file_name, mime_type="application/pdf")
        return self._send(user_id, document=doc)

    def edit_text(self, user_id: int, message_id: int, new_text: str) -> Json:
        msg = self._user_msgs[(user_id, message_id)]
        msg = self._user_msgs[(user_id, message_id)] = msg | {"text": new_text}
        return self.queue_update("edited_message", msg | {"edit_date": int(time.time())})

    def send_group_text(self, chat_id: int, user_id: int, text: str) -> Json:
        chat = self._chats.setdefault(chat_id, {"id": chat_id, "type": "group", "title": "Group"})
        known, user = user_id in self._chats, self._user(user_id)
        if not known:  # writing in a group does not open a private chat with the bot
            del self._chats[user_id]
        return self.queue_update("message", self._message(chat, user, text=text))

    def press(self, user_id: int, message_id: int, data: str, *, force: bool = False) -> Json:
        """Press an inline button. Unless ``force``, ``data`` must be on the current keyboard."""
        msg = self._sent.get(user_id, {}).get(message_id)
        if msg is None or msg.deleted:
            raise LookupError(f"no bot message {message_id} in chat {user_id}")
        if not force and data not in [d for _, d in msg.buttons]:
            raise LookupError(
                f"no button with data {data!r} on message {message_id}: {msg.buttons}"
            )
        query_id = str(10**12 + next(self._ids))
        self._open_queries.add(query_id)
        query = {"id": query_id, "from": self._user(user_id), "chat_instance": f"ci{user_id}"}
        query |= {"message": msg.to_api(self.bot_user), "data": data}
        return self.queue_update("callback_query", query)

    def press_label(self, user_id: int, label: str) -> Json:
        """Press the button labelled ``label`` on the newest bot message that has it."""
        for msg in reversed(self.chat(user_id)):
            for text, data in msg.buttons:
                if text == label and data is not None:
                    return self.press(user_id, msg.message_id, data)
        raise LookupError(f"no button {label!r} in chat {user_id}")

    def block(self, user_id: int, blocked: bool = True) -> Json:
        """The user blocks (or unblocks) the bot; queues Telegram's my_chat_member update."""
        user = self._user(user_id)
        (self.blocked.add if blocked else self.blocked.discard)(user_id)
        old: Json = {"status": "member", "user": self.bot_user}
        new: Json = {"status": "kicked", "user": self.bot_user, "until_date": 0}
        old, new = (old, new) if blocked else (new, old)
        change = {"chat": self._chats[user_id], "from": user, "date": int(time.time())}
        return self.queue_update(
            "my_chat_member", change | {"old_chat_member": old, "new_chat_member": new}
        )

    # ---- inspection ------------------------------------------------------------------------
    def chat(self, user_id: int, include_deleted: bool = False) -> list[SentMessage]:
        return [m for m in self._sent.get(user_id, {}).values() if include_deleted or not m.deleted]

    def last_message(self, user_id: int) -> SentMessage | None:
        messages = self.chat(user_id)
        return messages[-1] if messages else None

    def calls_to(self, method: str) -> list[Json]:
        return [p for m, p in self.calls if m.lower() == method.lower()]

    async def chat_changed(self, chat_id: int, timeout: float) -> None:
        """Wait until the bot next changes something in one chat (or `timeout` passes): lets
        hundreds of simulated parents wait without waking each other."""
        event = self._chat_events.setdefault(chat_id, asyncio.Event())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)

    def pending_updates(self) -> int:
        return len(self._updates)

    async def wait_for(self, predicate: Callable[[], T], timeout: float = 5.0, what: str = "") -> T:
        """Wait until ``predicate()`` is truthy (re-checked on every API call, and every 50 ms)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not (result := predicate()):
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                recent = [m for m, _ in self.calls[-8:]]
                raise TimeoutError(
                    f"timed out after {timeout}s waiting for {what or repr(predicate)}; "
                    f"{len(self._updates)} updates pending, last calls: {recent}"
                )
            await self._wait_change(min(remaining, 0.05))
        return result


def _reply(status: int, body: Json) -> web.Response:
    return web.json_response(body, status=status)


def _int(p: Json, key: str) -> int | None:
    try:
        return int(p[key])
    except (KeyError, TypeError, ValueError):
        return None


def _num(p: Json, key: str) -> float:
    try:
        return float(p[key])
    except (KeyError, TypeError, ValueError):
        return 0.0


def _flag(p: Json, key: str) -> bool:
    return p.get(key) in (True, 1, "true", "True", "1")


def _markup(p: Json) -> Json | None:
    markup = p.get("reply_markup")
    return None if markup in (None, {"inline_keyboard": []}) else markup


def _kind(update: Json) -> str:
    return next(k for k in update if k != "update_id")
