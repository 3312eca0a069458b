"""The web chat's HTTP server: how long a client may take, and serving until told to stop.

A client cannot hold a connection open by saying nothing or saying it slowly (slowloris): until
a request's headers are in it has `web.idle_timeout`, then `web.body_timeout` to send the form
(`forms.read_form`), as bot/channels/http_server.py explains. A client that goes away
mid-request never stops its request being handled, so a parent whose phone drops the connection
just after tapping still has that answer stored; such requests are counted and logged as a
number now and then, never one by one. No access log: it would hold addresses.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from bot.channels.http_server import quiet_runner, until_stopped
from bot.channels.web.guard import Tally
from bot.channels.web.server import WebChat
from bot.words import number_of

log = logging.getLogger(__name__)

REPORT_EVERY = 60.0  # seconds between counts of clients that went away, when there are any


def web_runner(chat: WebChat) -> web.AppRunner:
    """The web chat's server, not yet listening, with its timeouts for slow clients."""
    settings = chat.config.web
    return quiet_runner(chat.application(), idle=settings.idle_timeout, body=settings.body_timeout)


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
        await until_stopped(stopping, report_every, lambda: _report_gone(chat.gate.gone))
    finally:
        await runner.cleanup()
        _report_gone(chat.gate.gone)


def _report_gone(gone: Tally) -> None:
    if count := gone.take():
        log.info("web chat: %s ended early: the client went away", number_of(count, "request"))
