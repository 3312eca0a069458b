"""What the bot's two HTTP servers share (the web chat, and Telegram's webhook): no client can
hold a connection open by saying nothing or saying it slowly (slowloris), and the webhook keeps
no more connections open than it is told.

- until a request's headers are in, from when the connection opens or its last answer was sent,
  a client has `idle` seconds (aiohttp's keep-alive timer, which also runs before a first
  request); then it is closed;
- then `body` seconds to send the body (`body_within`: 408 after that), and after the answer
  the same again for the rest of a body nobody read (aiohttp's lingering close);
- `CappedSite` closes a connection as soon as it is accepted while `cap` are open already.
- `unnamed` takes away the `Server` header from every response either sends.
A client that goes away mid-request never stops its request being handled, so what it sent is
still stored. No access log: it would hold addresses.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

from aiohttp import web

#: What a connection over the cap hears before it is closed (it may not have asked yet).
BUSY = b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"


def quiet_runner(
    app: web.Application, *, idle: float, body: float, stop_grace: float = 60.0
) -> web.AppRunner:
    """`app`'s server, not yet listening, with these timeouts for slow clients. On stopping,
    requests in flight get `stop_grace` seconds to finish before they are cancelled."""
    return web.AppRunner(
        app,
        access_log=None,
        handle_signals=False,
        keepalive_timeout=idle,
        lingering_time=body,
        handler_cancellation=False,  # what a client sent is stored even if it goes away
        auto_decompress=False,  # neither browsers' forms nor Telegram's updates are compressed
        shutdown_timeout=stop_grace,
    )


@contextlib.asynccontextmanager
async def body_within(seconds: float) -> AsyncIterator[None]:
    """Reading a request's body: 408 (web.HTTPRequestTimeout) when it takes longer."""
    try:
        async with asyncio.timeout(seconds):
            yield
    except TimeoutError:
        raise web.HTTPRequestTimeout() from None


async def unnamed(request: web.Request, response: web.StreamResponse) -> None:
    """No `Server` header: aiohttp's names Python and itself with their versions, which only
    tells an attacker which published flaws to try. (A response signal, so every response the
    app sends loses it, static files and error pages too.)"""
    response.headers.popall("Server", None)


async def until_stopped(stopping: asyncio.Event, every: float, report: Callable[[], None]) -> None:
    """Wait for `stopping`, calling `report` every `every` seconds meanwhile and once at the end
    (counts a server says now and then, never one line per client)."""
    while not stopping.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), every)
        report()


class CappedSite(web.BaseSite):
    """Listens on host:port with at most `cap` connections open at once: one more is told 503
    and closed as soon as it is accepted, before anything it sends is read. `refused` counts
    those; `take_refused()` says how many since it was last asked."""

    __slots__ = ("_host", "_open", "_port", "cap", "refused")

    def __init__(
        self, runner: web.BaseRunner, host: str, port: int, *, cap: int, backlog: int = 128
    ) -> None:
        super().__init__(runner, backlog=backlog)
        self._host, self._port, self.cap = host, port, cap
        self._open = 0
        self.refused = 0

    @property
    def name(self) -> str:
        return f"http://{self._host}:{self.port}"

    @property
    def port(self) -> int:
        """The port it listens on (once started, the one chosen when asked for 0)."""
        return self._port

    @property
    def open(self) -> int:
        return self._open

    def take_refused(self) -> int:
        refused, self.refused = self.refused, 0
        return refused

    async def start(self) -> None:
        await super().start()
        server = self._runner.server
        assert server is not None  # the runner was set up (BaseSite checks)

        def accept() -> asyncio.Protocol:
            # Counted here, not from the server's own list: the connections accepted in one
            # go are all created before any of them is registered there.
            if self._open >= self.cap:
                self.refused += 1
                return _Busy()
            self._open += 1
            return _Counted(server(), self._closed)

        loop = asyncio.get_running_loop()
        listening = await loop.create_server(accept, self._host, self._port, backlog=self._backlog)
        self._server = listening
        self._port = int(listening.sockets[0].getsockname()[1])

    def _closed(self) -> None:
        self._open -= 1


class _Counted(asyncio.Protocol):
    """aiohttp's own protocol for one connection, telling the site when it closes."""

    def __init__(self, inner: asyncio.Protocol, closed: Callable[[], None]) -> None:
        self._inner, self._closed = inner, closed

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._inner.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        self._inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self._inner.eof_received()

    def pause_writing(self) -> None:
        self._inner.pause_writing()

    def resume_writing(self) -> None:
        self._inner.resume_writing()

    def connection_lost(self, exc: Exception | None) -> None:
        try:
            self._inner.connection_lost(exc)
        finally:
            self._closed()


class _Busy(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.WriteTransport)
        transport.write(BUSY)
        transport.close()
