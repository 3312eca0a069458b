"""One typed place that builds the running product from config.yaml and the environment.

Commands ask for what they need and get it wired: the keys, the store, the questionnaire
versions, the service, the agency's outbox worker and, for `run`, the Telegram channel. Callbacks
and clocks go to constructors; nothing is patched after it is built."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.config import Config
from bot.delivery.email import Send, smtp_sender
from bot.delivery.settings import PASSWORD_ENV
from bot.delivery.worker import OutboxWorker
from bot.errors import MissingSmtpPassword, MissingToken
from bot.privacy import pseudonym, seal
from bot.privacy.placeholders import refuse_placeholder
from bot.privacy.seal import Sealer
from bot.service import Service, utc_now
from bot.storage.store import Store
from bot.storage.versions import FlowVersions

if TYPE_CHECKING:  # each channel's stack is imported only by the commands that use it
    from bot.channels.telegram.adapter import TelegramBot
    from bot.channels.web.server import WebChat

TOKEN_ENV = "TELEGRAM_BOT_TOKEN"
Clock = Callable[[], datetime]
Job = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


@dataclass(frozen=True)
class Keys:
    """The two keys of the privacy model: pseudonyms, and sealed contact details."""

    pseudonym: bytes
    contact: bytes

    def sealer(self) -> Sealer:
        """Seals contacts under the contact key; their erasure tags take both keys."""
        return Sealer(self.contact, erasure_key=self.pseudonym)


def keys_from_env() -> Keys:
    """Both keys from the environment; MissingPseudonymKey / MissingContactKey otherwise."""
    return Keys(pseudonym.key_from_env(), seal.key_from_env())


def development_keys(config: Config, notice: Callable[[str], None]) -> Keys:
    """The environment's keys, or local key files next to the database for terminal chats."""
    folder = config.database.parent
    key_file, contact_file = folder / ".dev-pseudonym-key", folder / ".dev-contact-key"
    key, created = pseudonym.development_key(key_file)
    if created:
        notice(f"(Created a local development key for pseudonyms at {key_file}.)")
    contact, created = seal.development_key(contact_file)
    if created:
        notice(f"(Created a local development key for contacts at {contact_file}.)")
    return Keys(key, contact)


def token_from_env() -> str:
    """The bot's token; MissingToken, before Telegram is contacted, if unset or a placeholder."""
    token = os.environ.get(TOKEN_ENV, "").strip()
    put = "the token BotFather gave you (see README: Telegram)"
    refuse_placeholder(TOKEN_ENV, token, put, MissingToken)
    if not token:
        raise MissingToken(f"Set {TOKEN_ENV} to {put}.")
    return token


def smtp_password_from_env() -> str | None:
    """The agency's mail password (None when empty); MissingSmtpPassword if a placeholder."""
    password = os.environ.get(PASSWORD_ENV, "")
    put = (
        "the password of agency.username on the agency's mail server, or leave it empty if "
        "the server needs none"
    )
    refuse_placeholder(PASSWORD_ENV, password, put, MissingSmtpPassword)
    return password or None


def agency_sender(config: Config) -> Send:
    """Email to the agency's server with the configured settings; the password from the
    environment, refused (MissingSmtpPassword) before any mail is sent if a placeholder."""
    return smtp_sender(config.agency, smtp_password_from_env())


@dataclass(frozen=True)
class App:
    config: Config
    store: Store
    flows: FlowVersions
    service: Service
    outbox: OutboxWorker | None


@asynccontextmanager
async def opened(
    config: Config,
    *,
    sealer: Sealer | None,
    send: Send | None = None,
    clock: Clock = utc_now,
    themes: bool = False,
) -> AsyncIterator[App]:
    """The store, the checked questionnaires and the service; with `send`, also the worker
    that emails opted-in contacts to the agency (woken as soon as one is queued); with
    `themes`, typed answers are coded with the theme codebook beside the questionnaires (its
    coder built meanwhile, in the background)."""
    store = await Store.open(config.database, sealer)
    building: asyncio.Task[None] | None = None
    try:
        flows = await FlowVersions.load(config.flows_dir, store, clock().date())
        worker = None
        if send is not None:
            worker = OutboxWorker(store, send, config.agency, clock=lambda: clock().timestamp())
        coding = None
        if themes:
            from bot.analysis.coding import load, start

            coding = load(config.flows_dir)
            if coding is not None:
                building = asyncio.create_task(start(store, coding))
        service = Service(
            config, store, flows, clock=clock, on_contact=worker.wake if worker else None,
            coding=coding,
        )  # fmt: skip
        yield App(config, store, flows, service, worker)
    finally:
        if building is not None:
            building.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await building
        await store.close()


def telegram_channel(app: App, token: str, key: bytes) -> TelegramBot:
    """The Telegram adapter over this app's service, sending within the configured limits."""
    from bot.channels.telegram.adapter import TelegramBot
    from bot.channels.telegram.polling import make_bot
    from bot.channels.telegram.sender import Sender

    limits = app.config.telegram.rate_limit
    sender = Sender(
        make_bot(token, app.config),
        overall_per_second=limits.overall_per_second,
        per_chat=(limits.per_chat_burst, limits.per_chat_burst),
    )
    return TelegramBot(app.service, sender, key)


def web_channel(app: App, key: bytes) -> WebChat:
    """The web chat over this app's service; parents are HMACs of their cookies under `key`."""
    from bot.channels.web.server import WebChat

    return WebChat(app.service, key)


def web_job(chat: WebChat) -> Job:
    from bot.channels.web.serving import serve_web

    return lambda stopping: serve_web(chat, stopping)


async def run_until_signalled(jobs: Sequence[Job]) -> None:
    """Run `jobs` together until SIGINT or SIGTERM (or until one of them ends)."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    tasks = [asyncio.create_task(job(stopping)) for job in jobs]
    try:
        await asyncio.wait(
            [*tasks, asyncio.create_task(stopping.wait())], return_when=asyncio.FIRST_COMPLETED
        )
    finally:
        stopping.set()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
            raise result
