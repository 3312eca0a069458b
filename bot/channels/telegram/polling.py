"""Running the Telegram bot: long polling that confirms an update only after it is stored, or a
webhook that answers Telegram only after it is stored. Ctrl-C / SIGTERM finish in-flight updates."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import os
import re
import signal
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from telegram import Bot
from telegram.error import (
    BadRequest,
    EndPointNotFound,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.channels.telegram.adapter import TelegramBot
from bot.channels.telegram.budget import waiting_since
from bot.channels.telegram.pipeline import ALLOWED_UPDATES, Poller, parse_update, process_safely
from bot.channels.telegram.sender import retry_seconds
from bot.channels.telegram.transport import AiohttpRequest
from bot.config import Config
from bot.errors import MissingWebhookSecret, StartError
from bot.privacy.placeholders import refuse_placeholder
from bot.service import housekeeping

if TYPE_CHECKING:  # aiohttp's server is loaded only for webhooks
    from aiohttp import web

__all__ = ["Backoff", "Poller", "make_bot", "reach", "serve", "webhook_app", "webhook_target"]
log = logging.getLogger(__name__)
REFUSED_TOKEN = "Telegram refused the bot token: check TELEGRAM_BOT_TOKEN (from @BotFather)."


def webhook_app(bot: Bot, handler: TelegramBot, path: str, secret: str) -> web.Application:
    """Telegram POSTs each update; we answer 200 only after it is stored, so Telegram redelivers
    anything we did not finish. Requests without the secret token are refused."""
    from aiohttp import web

    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "").encode()
        if not hmac.compare_digest(given, expected):
            return web.Response(status=403, text="forbidden")
        try:
            body = json.loads(await request.read())
        except (ValueError, RecursionError) as exc:  # not JSON, or nested past Python's limit
            log.warning("webhook: refused a request that is not JSON (%s)", type(exc).__name__)
            return web.Response(status=400, text="not an update")
        update = parse_update(body, bot)
        if update is None:
            log.warning("webhook: refused JSON that is not an update this bot can read")
            return web.Response(status=400, text="not an update")
        waiting_since.set(asyncio.get_running_loop().time())
        await process_safely(handler, update)
        return web.Response(text="ok")

    app = web.Application(client_max_size=1 << 20)
    app.router.add_post(path, receive)
    return app


def make_bot(token: str, config: Config, base_url: str | None = None) -> Bot:
    """A Bot whose calls go over aiohttp (bot/channels/telegram/transport.py)."""
    timeout = config.telegram.poll_timeout
    return Bot(
        token,
        base_url=base_url or config.telegram.api_base_url,
        # A call waits up to pool_timeout for one of the connections; each call in flight is
        # bounded by its own timeouts, so the wait is too (python-telegram-bot's default, 1 s,
        # would fail calls that merely queue behind a busy moment).
        request=AiohttpRequest(config.telegram.connections, read_timeout=15, pool_timeout=30),
        get_updates_request=AiohttpRequest(2, read_timeout=timeout + 15),
    )


Job = Callable[[asyncio.Event], Coroutine[Any, Any, None]]
WEBHOOK_SECRET_ENV = "TELEGRAM_WEBHOOK_SECRET"
SECRET_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,256}")  # Telegram allows 1-256 of these; we ask 16+


@dataclass(frozen=True)
class Backoff:
    """Waits between tries while Telegram cannot be reached: first, twice that, … up to cap."""

    first: float = 1.0
    cap: float = 60.0


@dataclass(frozen=True)
class WebhookTarget:
    url: str  # where Telegram posts: public_url + path
    listen: str
    port: int
    path: str
    secret: str


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
    return WebhookTarget(url, settings.listen, settings.port, settings.path, secret)


def api_host(config: Config) -> str:
    """Where the Bot API is, for log lines: host and port only (its path carries the token)."""
    parts = urlsplit(config.telegram.api_base_url)
    host = parts.hostname or "the Bot API"
    return f"{host}:{parts.port}" if parts.port else host


def _reason(exc: NetworkError) -> str:
    """Why a call failed, without its text (which can name the address)."""
    if isinstance(exc, TimedOut):
        return "timed out"
    kind = exc.message.partition(":")[0]
    if not kind.startswith("aiohttp."):
        return "server error"
    kind = kind.removeprefix("aiohttp.")
    return PLAIN_REASONS.get(kind, kind)


PLAIN_REASONS = {
    "ClientConnectorError": "cannot connect",
    "ClientConnectorDNSError": "address not found",
    "ServerDisconnectedError": "disconnected",
}


async def reach(
    call: Callable[[], Awaitable[object]],
    stopping: asyncio.Event,
    what: str,
    where: str,
    backoff: Backoff = Backoff(),
) -> bool:
    """Make `call` until Telegram answers it, waiting longer after each failure (one log line
    each, saying what is awaited). False when stopping first: SIGTERM / Ctrl-C stop the wait."""
    delay = backoff.first
    while not stopping.is_set():
        attempt = asyncio.ensure_future(call())
        stop = asyncio.ensure_future(stopping.wait())
        done, _ = await asyncio.wait({attempt, stop}, return_when=asyncio.FIRST_COMPLETED)
        stop.cancel()
        if attempt not in done:
            attempt.cancel()
            with contextlib.suppress(asyncio.CancelledError, TelegramError):
                await attempt
            break
        try:
            attempt.result()
            return True
        except RetryAfter as exc:
            wait = retry_seconds(exc)
            log.warning("Telegram asked us to wait %.0f s before %s", wait, what)
        except BadRequest:
            raise
        except NetworkError as exc:
            wait = delay
            delay = min(delay * 2, backoff.cap)
            log.warning(
                "waiting for Telegram's Bot API at %s to %s (%s); trying again in %.0f s",
                where,
                what,
                _reason(exc),
                wait,
            )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), wait)
    return False


async def serve(
    config: Config,
    handler: TelegramBot,
    bot: Bot,
    *,
    webhook: bool,
    background: Sequence[Job] = (),
    backoff: Backoff = Backoff(),
) -> None:
    """Serve until SIGINT/SIGTERM; `background` jobs (the outbox worker) run alongside. Starts
    `bot` (getMe, retried with `backoff` while Telegram cannot be reached) and shuts it down.
    Webhook settings are checked first, before Telegram is contacted."""
    target = webhook_target(config) if webhook else None
    where = api_host(config)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    jobs: list[asyncio.Task[None]] = []
    try:
        if not await reach(bot.initialize, stopping, "check the bot token", where, backoff):
            log.info("stopped while waiting for Telegram; nothing was received, nothing is lost")
            return
        jobs += [
            asyncio.create_task(job(stopping)) for job in (housekeeping_for(handler), *background)
        ]
        await handler.register_commands()
        if target is not None:
            await _serve_webhook(target, handler, bot, stopping, where, backoff)
        elif await reach(bot.delete_webhook, stopping, "switch to polling", where, backoff):
            log.info("polling for updates")
            telegram = config.telegram
            poller = Poller(
                bot, handler, telegram.poll_timeout, backlog=telegram.backlog_per_parent
            )
            await poller.run(stopping)
    except InvalidToken:  # its text quotes the token
        raise StartError(REFUSED_TOKEN) from None
    except EndPointNotFound:
        raise StartError(
            f"No Bot API at {where} (404): check telegram.api_base_url in the config."
        ) from None
    finally:
        stopping.set()
        await asyncio.gather(*jobs, return_exceptions=True)
        await bot.shutdown()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


def housekeeping_for(handler: TelegramBot) -> Job:
    return lambda stopping: housekeeping(handler.service, stopping)


async def _serve_webhook(
    target: WebhookTarget,
    handler: TelegramBot,
    bot: Bot,
    stopping: asyncio.Event,
    where: str,
    backoff: Backoff,
) -> None:
    from aiohttp import web

    runner = web.AppRunner(webhook_app(bot, handler, target.path, target.secret))
    await runner.setup()
    site = web.TCPSite(runner, target.listen, target.port)
    await site.start()
    try:

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
            await stopping.wait()
    finally:
        await runner.cleanup()  # waits for requests in flight
