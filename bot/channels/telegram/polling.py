"""Running the Telegram bot: long polling that confirms an update only after it is stored, or a
webhook that answers Telegram only after it is stored. Ctrl-C / SIGTERM finish in-flight updates."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import os
import signal
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from aiohttp import web
from telegram import Bot
from telegram.error import InvalidToken
from telegram.request import HTTPXRequest

from bot.channels.telegram.adapter import TelegramBot
from bot.channels.telegram.pipeline import ALLOWED_UPDATES, Poller, parse_update, process_safely
from bot.config import Config
from bot.errors import StartError

__all__ = ["Poller", "make_bot", "serve", "webhook_app"]
log = logging.getLogger(__name__)
REFUSED_TOKEN = "Telegram refused the bot token: check TELEGRAM_BOT_TOKEN (from @BotFather)."


def webhook_app(bot: Bot, handler: TelegramBot, path: str, secret: str) -> web.Application:
    """Telegram POSTs each update; we answer 200 only after it is stored, so Telegram redelivers
    anything we did not finish. Requests without the secret token are refused."""

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
        await process_safely(handler, update)
        return web.Response(text="ok")

    app = web.Application(client_max_size=1 << 20)
    app.router.add_post(path, receive)
    return app


def make_bot(token: str, config: Config) -> Bot:
    timeout = config.telegram.poll_timeout
    return Bot(
        token,
        base_url=config.telegram.api_base_url,
        request=HTTPXRequest(connection_pool_size=64, read_timeout=15),
        get_updates_request=HTTPXRequest(connection_pool_size=2, read_timeout=timeout + 15),
    )


Job = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


async def serve(
    config: Config, handler: TelegramBot, bot: Bot, *, webhook: bool, background: Sequence[Job] = ()
) -> None:
    """Serve until SIGINT/SIGTERM; `background` jobs (the outbox worker) run alongside. Starts
    (getMe) and shuts down `bot` itself."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    jobs: list[asyncio.Task[None]] = []
    try:
        await bot.initialize()  # getMe: checks the token
        jobs += [
            asyncio.create_task(job(stopping)) for job in (housekeeping_for(handler), *background)
        ]
        await handler.register_commands()
        if webhook:
            await _serve_webhook(config, handler, bot, stopping)
        else:
            await bot.delete_webhook()
            log.info("polling for updates")
            await Poller(bot, handler, config.telegram.poll_timeout).run(stopping)
    except InvalidToken:  # its text quotes the token
        raise StartError(REFUSED_TOKEN) from None
    finally:
        stopping.set()
        await asyncio.gather(*jobs, return_exceptions=True)
        await bot.shutdown()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


def housekeeping_for(handler: TelegramBot) -> Job:
    return lambda stopping: housekeeping(handler, stopping)


async def housekeeping(
    handler: TelegramBot, stopping: asyncio.Event, every: float = 6 * 3600
) -> None:
    """Unlink and delete old answers (privacy windows) at start and every few hours."""
    while not stopping.is_set():
        try:
            done = await handler.service.purge()
            log.info(
                "privacy housekeeping: %d made anonymous, %d deleted, %d sessions forgotten",
                done.unlinked,
                done.deleted,
                done.sessions,
            )
        except Exception as exc:
            log.error("privacy housekeeping failed: %s", type(exc).__name__)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), every)


async def _serve_webhook(
    config: Config, handler: TelegramBot, bot: Bot, stopping: asyncio.Event
) -> None:
    settings = config.telegram.webhook
    secret = os.environ.get("TELEGRAM_WEBHOOK_SECRET", "")
    if not settings.public_url or len(secret) < 16:
        raise StartError(
            "Webhook mode needs telegram.webhook.public_url in the config and "
            "TELEGRAM_WEBHOOK_SECRET (16+ letters, digits, _ or -) in the environment."
        )
    runner = web.AppRunner(webhook_app(bot, handler, settings.path, secret))
    await runner.setup()
    site = web.TCPSite(runner, settings.listen, settings.port)
    await site.start()
    try:
        url = settings.public_url.rstrip("/") + settings.path
        await bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)
        log.info("serving webhooks on %s:%s%s", settings.listen, settings.port, settings.path)
        await stopping.wait()
    finally:
        await runner.cleanup()  # waits for requests in flight
