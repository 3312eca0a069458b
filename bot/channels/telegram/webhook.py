"""Telegram's webhook: Telegram POSTs each update, and gets 200 only once `receive` has taken
it, so Telegram sends again whatever was not taken. What a request gets:

- without the secret token (compared in constant time): 403, its body unread. If the fault is
  our own setting, Telegram keeps the updates and sends them once it is put right;
- a body that does not arrive within `telegram.webhook.body_timeout`: 408, and the connection is
  closed. Nothing was read, so Telegram sending it again is what is wanted;
- a body that arrived whole but is no update this bot can read (not JSON, JSON that is not an
  update, a shape python-telegram-bot rejects, more than a megabyte): 200, set aside and logged
  by number, never by content, as polling does (pipeline.py). The same bytes sent again could
  never be read, and Telegram retries anything but a 2xx;
- an update `receive` could not take (it raised): 500, so Telegram sends it again.

No response has a `Server` header naming the software or its version. Slow and idle
connections are closed, and no more than `telegram.webhook.max_connections` are kept open
(bot/channels/http_server.py). aiohttp's server is imported only in webhook mode.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from telegram import Bot, Update
from telegram.error import BadRequest

from bot.channels.telegram.budget import waiting_since
from bot.channels.telegram.pipeline import ALLOWED_UPDATES, parse_update
from bot.channels.telegram.polling import Backoff, reach
from bot.config import Config, WebhookConfig
from bot.errors import MissingWebhookSecret, StartError
from bot.privacy.placeholders import refuse_placeholder
from bot.words import number_of

if TYPE_CHECKING:
    from aiohttp import web

    from bot.channels.http_server import CappedSite

__all__ = ["WebhookTarget", "serve_webhook", "webhook_app", "webhook_server", "webhook_target"]
log = logging.getLogger(__name__)

#: What the webhook does with an update it has read: today it stores and answers it.
Receive = Callable[[Update], Awaitable[None]]
WEBHOOK_SECRET_ENV = "TELEGRAM_WEBHOOK_SECRET"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,256}")  # Telegram allows 1-256 of these; we ask 16+
MAX_BODY = 1 << 20  # an update is a few kilobytes; Telegram's largest are far below this
# On stopping, a request still in flight gets this long to finish, and aiohttp waits as long
# again before it cancels it: at most 4 s in all, well within systemd's stop timeout. One cut off
# never had its 200, so Telegram sends it again (recognised by its id).
STOP_GRACE = 2.0
REPORT_EVERY = 60.0  # seconds between counts of connections refused, when there are any


def webhook_app(
    bot: Bot, receive: Receive, path: str, secret: str, *, body_timeout: float = 10.0
) -> web.Application:
    """The webhook's one route: `receive` is called with each update that can be read, and
    Telegram gets 200 once it returns."""
    from aiohttp import web

    from bot.channels.http_server import body_within, unnamed

    expected = secret.encode()
    set_aside = 0

    def aside(what: str) -> web.Response:
        nonlocal set_aside
        set_aside += 1
        log.error("webhook: set aside %s (%d so far)", what, set_aside)
        return web.Response(text="set aside")

    async def take(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "surrogateescape")
        if not hmac.compare_digest(given, expected):
            return web.Response(status=403, text="forbidden")
        try:
            async with body_within(body_timeout):
                body = await request.read()
        except web.HTTPRequestTimeout:
            slow = web.Response(status=408, text="too slow")
            slow.force_close()
            return slow
        except web.HTTPRequestEntityTooLarge:
            return aside("a request too large to be an update")
        update, what = _read(body, bot)
        if update is None:
            return aside(what)
        waiting_since.set(asyncio.get_running_loop().time())
        try:
            await receive(update)
        except Exception as exc:  # its type only: the message could quote the update
            log.error("webhook: could not take update %d (%s); Telegram will send it again",
                      update.update_id, type(exc).__name__)  # fmt: skip
            return web.Response(status=500, text="not taken")
        return web.Response(text="ok")

    app = web.Application(client_max_size=MAX_BODY)
    app.on_response_prepare.append(unnamed)  # no header names the server or its version
    app.router.add_post(path, take)
    return app


def _read(body: bytes, bot: Bot) -> tuple[Update | None, str]:
    """The update in `body`, or None and what it was instead, in words that quote nothing."""
    try:
        raw = json.loads(body)
    except (ValueError, RecursionError) as exc:  # not JSON, or nested past Python's limit
        return None, f"a request that is not JSON ({type(exc).__name__})"
    update = parse_update(raw, bot)
    if update is not None:
        return update, ""
    update_id = raw.get("update_id") if isinstance(raw, dict) else None
    if type(update_id) is not int:
        return None, "JSON without an update id"
    return None, f"update {update_id}: not a shape this bot can read"


@asynccontextmanager
async def webhook_server(
    app: web.Application, listen: str, port: int, settings: WebhookConfig
) -> AsyncIterator[CappedSite]:
    """`app` listening on listen:port (0: a free port) with the timeouts and the cap on open
    connections of `settings`; stopped, requests in flight given STOP_GRACE, on leaving."""
    from bot.channels.http_server import CappedSite, quiet_runner

    runner = quiet_runner(
        app, idle=settings.idle_timeout, body=settings.body_timeout, stop_grace=STOP_GRACE
    )
    await runner.setup()
    try:
        # A deep backlog: a burst of connections is served or refused at once, never left to
        # the kernel's SYN retries (seconds apart).
        site = CappedSite(runner, listen, port, cap=settings.max_connections, backlog=1024)
        await site.start()
        yield site
    finally:
        await runner.cleanup()


@dataclass(frozen=True)
class WebhookTarget:
    url: str  # where Telegram posts: public_url + path
    listen: str
    port: int
    path: str
    secret: str
    settings: WebhookConfig  # its timeouts and cap on open connections


def webhook_target(config: Config, environ: Mapping[str, str] = os.environ) -> WebhookTarget:
    """The webhook settings, checked before Telegram is contacted; StartError (a setting) or
    MissingWebhookSecret (the secret) says what to fix."""
    settings = config.telegram.webhook
    public_url = (settings.public_url or "").strip()
    if not public_url:
        raise StartError(
            "Webhook mode needs telegram.webhook.public_url in the config: the https:// address "
            "of your proxy that Telegram posts to."
        )
    parts = urlsplit(public_url)
    if parts.scheme != "https" or not parts.hostname:
        raise StartError(
            "telegram.webhook.public_url must be an https:// address: Telegram posts updates "
            "only over HTTPS."
        )
    if not settings.path.startswith("/"):
        raise StartError("telegram.webhook.path must start with '/', e.g. /telegram.")
    secret = environ.get(WEBHOOK_SECRET_ENV, "").strip()
    put = "16 to 256 random letters, digits, _ or -, e.g. the output of openssl rand -hex 32"
    refuse_placeholder(WEBHOOK_SECRET_ENV, secret, put, MissingWebhookSecret)
    if not secret:
        raise MissingWebhookSecret(
            f"Webhook mode needs {WEBHOOK_SECRET_ENV} in the environment "
            "(16 or more letters, digits, _ or -)."
        )
    if not SECRET_SHAPE.fullmatch(secret):
        raise MissingWebhookSecret(
            f"{WEBHOOK_SECRET_ENV} must be 16 to 256 letters, digits, _ or - (no other characters)."
        )
    url = public_url.rstrip("/") + settings.path
    return WebhookTarget(url, settings.listen, settings.port, settings.path, secret, settings)


async def serve_webhook(
    target: WebhookTarget,
    bot: Bot,
    receive: Receive,
    stopping: asyncio.Event,
    where: str,
    backoff: Backoff,
) -> None:
    """Listen, register the webhook with Telegram (retried with `backoff` while it cannot be
    reached), and serve until `stopping` is set."""
    from bot.channels.http_server import until_stopped

    app = webhook_app(bot, receive, target.path, target.secret,
                      body_timeout=target.settings.body_timeout)  # fmt: skip
    async with webhook_server(app, target.listen, target.port, target.settings) as site:

        async def register() -> object:
            return await bot.set_webhook(
                target.url, secret_token=target.secret, allowed_updates=ALLOWED_UPDATES
            )

        try:
            registered = await reach(register, stopping, "register the webhook", where, backoff)
        except BadRequest as exc:
            raise StartError(
                f"Telegram refused the webhook address (telegram.webhook.public_url): {exc.message}"
            ) from None
        if registered:
            log.info("serving webhooks on %s:%s%s", target.listen, target.port, target.path)
            await until_stopped(stopping, REPORT_EVERY, lambda: _report_refused(site))


def _report_refused(site: CappedSite) -> None:
    if count := site.take_refused():
        log.warning("webhook: refused %s: %d were open, the most "
                    "telegram.webhook.max_connections allows", number_of(count, "connection"),
                    site.cap)  # fmt: skip
