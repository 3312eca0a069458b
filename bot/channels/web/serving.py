"""The web chat's HTTP server: how long a client may take, and serving until told to stop.

A client cannot hold a connection open by saying nothing or saying it slowly (slowloris):
- until a request's headers are in, from when the connection opens or its last page was sent,
  it has `web.idle_timeout` (aiohttp's keep-alive timer, which also runs before a first request);
- then `web.body_timeout` to send the form (`forms.read_form`), and after the page, the same
  again for the rest of a body nobody read (aiohttp's lingering close).
A client that goes away mid-request never stops its request being handled, so a parent whose
phone drops the connection just after tapping still has that answer stored; such requests are
counted and logged as a number now and then, never one by one. No access log: it would hold
addresses.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiohttp import web

from bot.channels.web.guard import Tally
from bot.channels.web.server import WebChat

log = logging.getLogger(__name__)

REPORT_EVERY = 60.0  # seconds between counts of clients that went away, when there are any


def web_runner(chat: WebChat) -> web.AppRunner:
    """The web chat's server, not yet listening, with its timeouts for slow clients."""
    settings = chat.config.web
    return web.AppRunner(
        chat.application(),
        access_log=None,
        handle_signals=False,
        keepalive_timeout=settings.idle_timeout,
        lingering_time=settings.body_timeout,
        handler_cancellation=False,  # a parent's answer is stored even if the client goes away
        auto_decompress=False,  # browsers never compress a form; a "compressed" one is unreadable
    )


async def serve_web(
    chat: WebChat, stopping: asyncio.Event, report_every: float = REPORT_EVERY
) -> None:
    """Serve the web chat until `stopping` is set, saying every `report_every` seconds how many
    clients went away mid-request (when any did)."""
    settings = chat.config.web
    runner = web_runner(chat)
    await runner.setup()
    try:
        # A deep backlog: a poster campaign's first minute must not meet the kernel's SYN retry.
        await web.TCPSite(runner, settings.listen, settings.port, backlog=1024).start()
        log.info("web chat listening on %s port %d", settings.listen, settings.port)
        while not stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), report_every)
            _report_gone(chat.gate.gone)
    finally:
        await runner.cleanup()
        _report_gone(chat.gate.gone)


def _report_gone(gone: Tally) -> None:
    if count := gone.take():
        log.info("web chat: %d request(s) ended early: the client went away", count)
