"""Running the Telegram bot: long polling that confirms an update only after it is stored, or a
webhook that answers Telegram only after it is stored. Ctrl-C / SIGTERM finish in-flight updates."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import traceback
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from aiohttp import web
from telegram import Bot, Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter
from telegram.request import HTTPXRequest

from bot.channels.telegram.adapter import TelegramBot, telegram_language
from bot.channels.telegram.sender import retry_seconds
from bot.config import Config
from bot.conversation.messages import say
from bot.errors import StartError

log = logging.getLogger(__name__)
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]


class Poller:
    """getUpdates in a loop. A batch's updates are processed (parents concurrently, each parent's
    in order) and stored before the next getUpdates confirms them with its offset."""

    def __init__(self, bot: Bot, handler: TelegramBot, timeout: int) -> None:
        self.bot = bot
        self.handler = handler
        self.timeout = timeout
        self.offset: int | None = None

    async def run(self, stopping: asyncio.Event) -> None:
        backoff = 1.0
        while not stopping.is_set():
            poll = asyncio.ensure_future(self._fetch())
            stop = asyncio.ensure_future(stopping.wait())
            done, _ = await asyncio.wait({poll, stop}, return_when=asyncio.FIRST_COMPLETED)
            if poll not in done:  # stopping while waiting: nothing fetched is lost (unconfirmed)
                poll.cancel()
                with contextlib.suppress(asyncio.CancelledError, NetworkError):
                    await poll
                break
            stop.cancel()
            try:
                updates = poll.result()
            except RetryAfter as exc:
                await asyncio.sleep(retry_seconds(exc))
                continue
            except Conflict:
                log.error("another copy of this bot is polling the same token; waiting")
                await asyncio.sleep(5)
                continue
            except NetworkError as exc:
                log.warning("getUpdates failed (%s); retrying in %.0fs", exc.message, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 60)
                continue
            backoff = 1.0
            if updates:
                await self.process_batch(updates)
                self.offset = updates[-1].update_id + 1
        await self._confirm()

    async def _fetch(self) -> Sequence[Update]:
        return await self.bot.get_updates(
            offset=self.offset, timeout=self.timeout, allowed_updates=ALLOWED_UPDATES
        )

    async def _confirm(self) -> None:
        """Tell Telegram what was processed, so a restart does not see it again."""
        if self.offset is None:
            return
        with contextlib.suppress(NetworkError):
            await self.bot.get_updates(offset=self.offset, timeout=0, limit=1)

    async def process_batch(self, updates: Sequence[Update]) -> None:
        by_parent: dict[int, list[Update]] = {}
        for update in updates:
            user = update.effective_user
            by_parent.setdefault(user.id if user else -update.update_id, []).append(update)
        await asyncio.gather(*(self._in_order(group) for group in by_parent.values()))

    async def _in_order(self, updates: list[Update]) -> None:
        for update in updates:
            await process_safely(self.handler, update)


async def process_safely(handler: TelegramBot, update: Update) -> None:
    """Never let one bad update stop the bot. Logs the error's type and place, never its text."""
    try:
        await handler.process(update)
    except Exception as exc:
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        log.error(
            "could not handle an update: %s at %s:%s",
            type(exc).__name__,
            os.path.basename(frame.filename),
            frame.lineno,
        )
        chat = update.effective_chat
        if chat is not None and chat.type == "private":
            await handler.sender.send(chat.id, say("sorry", telegram_language(update) or "en"))


def webhook_app(bot: Bot, handler: TelegramBot, path: str, secret: str) -> web.Application:
    """Telegram POSTs each update; we answer 200 only after it is stored, so Telegram redelivers
    anything we did not finish. Requests without the secret token are refused."""

    async def receive(request: web.Request) -> web.Response:
        if request.headers.get("X-Telegram-Bot-Api-Secret-Token") != secret:
            return web.Response(status=403, text="forbidden")
        try:
            update = Update.de_json(await request.json(), bot)
        except (ValueError, TypeError, KeyError):
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
    """Serve until SIGINT/SIGTERM; `background` jobs (the outbox worker) run alongside."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    jobs = [asyncio.create_task(job(stopping)) for job in (housekeeping_for(handler), *background)]
    try:
        await handler.register_commands()
        if webhook:
            await _serve_webhook(config, handler, bot, stopping)
        else:
            await bot.delete_webhook()
            log.info("polling for updates")
            await Poller(bot, handler, config.telegram.poll_timeout).run(stopping)
    except InvalidToken:
        raise StartError("Telegram refused TELEGRAM_BOT_TOKEN: check it with BotFather.") from None
    finally:
        stopping.set()
        await asyncio.gather(*jobs, return_exceptions=True)
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
