"""Running the Telegram bot: long polling that confirms an update only after it is stored, or a
webhook that answers Telegram only after it is stored (webhook.py). Ctrl-C / SIGTERM finish
in-flight updates."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Coroutine, Sequence
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
from bot.channels.telegram.pipeline import STOP_GRACE, Poller
from bot.channels.telegram.sender import retry_seconds
from bot.channels.telegram.transport import AiohttpRequest
from bot.channels.telegram.workers import Workers
from bot.config import Config
from bot.errors import StartError
from bot.service import housekeeping

if TYPE_CHECKING:
    from bot.channels.telegram.webhook import WebhookTarget

__all__ = ["Backoff", "Poller", "make_bot", "reach", "serve"]
log = logging.getLogger(__name__)
REFUSED_TOKEN = "Telegram refused the bot token: check TELEGRAM_BOT_TOKEN (from @BotFather)."


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


@dataclass(frozen=True)
class Backoff:
    """Waits between tries while Telegram cannot be reached: first, twice that, … up to cap."""

    first: float = 1.0
    cap: float = 60.0


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
    from bot.channels.telegram.webhook import webhook_target

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
        if not await _unless_stopping(handler.register_commands(), stopping):
            return
        if target is not None:
            await _serve_webhook(target, bot, handler, stopping, where, backoff, config)
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


async def _serve_webhook(
    target: WebhookTarget,
    bot: Bot,
    handler: TelegramBot,
    stopping: asyncio.Event,
    where: str,
    backoff: Backoff,
    config: Config,
) -> None:
    """Each update Telegram posts is kept in the inbox before Telegram gets its 200, and worked
    from there by its parent's task, as in polling; what is answered is forgotten each second."""
    from bot.channels.telegram.webhook import serve_webhook

    workers = Workers(bot, handler, backlog=config.telegram.backlog_per_parent)
    async with workers.receiving(STOP_GRACE) as receive:
        await serve_webhook(target, bot, receive, stopping, where, backoff)


async def _unless_stopping(work: Awaitable[object], stopping: asyncio.Event) -> bool:
    """Await `work` unless the bot is told to stop first (then it is cancelled): whether it
    finished."""
    task = asyncio.ensure_future(work)
    stop = asyncio.ensure_future(stopping.wait())
    await asyncio.wait({task, stop}, return_when=asyncio.FIRST_COMPLETED)
    stop.cancel()
    if task.done():
        task.result()
        return True
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    return False


def housekeeping_for(handler: TelegramBot) -> Job:
    return lambda stopping: housekeeping(handler.service, stopping)
