"""The agency's email: composed from unsealed contact details, sent over SMTP (aiosmtplib).

`Send` is any coroutine function that delivers one message, awaiting `accepted()` the moment
the agency's server has taken it, or raises one of `SEND_ERRORS` if it was not taken; the worker
takes one, so tests pass a real SMTP server's sender or a recording one."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import aiosmtplib

from bot.delivery.settings import AgencySettings

SUBJECT = "Follow-up interview: a parent would like to talk"
SEND_ERRORS = (aiosmtplib.SMTPException, OSError, asyncio.TimeoutError)
QUIT_WAIT = 5.0  # seconds to wait for QUIT's reply once the message is taken
FIELDS = {"name": "Name", "phone": "Phone", "email": "Email", "preferred_time": "Preferred time"}

#: Called once the server has taken the message: the worker deletes its row there and then.
Accepted = Callable[[], Awaitable[None]]
Send = Callable[[EmailMessage, Accepted], Awaitable[None]]


def _domain(address: str) -> str:
    return address.rpartition("@")[2].strip(" >") or "localhost"


def message_id_for(row_id: str, settings: AgencySettings) -> str:
    """The same for every attempt at one row (its id is random), so a repeat can be recognised."""
    return f"<outbox.{row_id}@{_domain(settings.sender)}>"


def compose(
    details: Mapping[str, object],
    settings: AgencySettings,
    *,
    message_id: str | None = None,
    now: float | None = None,
) -> EmailMessage:
    """The agency's email: the details the parent gave and the answers they agreed to share."""
    message = EmailMessage()
    message["Subject"] = SUBJECT  # never the name: subjects end up in lists and previews
    message["From"], message["To"] = settings.sender, settings.to
    message["Date"] = formatdate(now, usegmt=True)  # now=None: the current time
    message["Message-ID"] = message_id or make_msgid(domain=_domain(settings.sender))
    given = {key: str(details.get(key) or "(not given)") for key in FIELDS}
    lines = [
        "A parent who answered the maternity feedback questionnaire would like to talk about",
        "their experience in a follow-up interview.\n",
        *(f"{label}: {given[key]}" for key, label in FIELDS.items()),
    ]
    shared = details.get("shared")
    if isinstance(shared, list) and shared:
        lines.append("\nAnswers they agreed to share:")
        lines += [f"{p[0]}: {p[1]}" for p in shared if isinstance(p, list) and len(p) == 2]
    lines.append(
        "\nSent by the maternity feedback bot. These details are deleted from the bot once this "
        "email is sent; it keeps no copy."
    )
    message.set_content("\n".join(lines) + "\n")
    return message


def smtp_sender(settings: AgencySettings, password: str | None) -> Send:
    """Send through the agency's mail server with these settings (password from the env)."""

    async def send(message: EmailMessage, accepted: Accepted) -> None:
        smtp = aiosmtplib.SMTP(
            hostname=settings.host,
            port=settings.port,
            start_tls=settings.starttls,
            use_tls=settings.use_tls,
            username=settings.username,
            password=password,
            timeout=settings.timeout,
        )
        try:
            await smtp.connect()  # TCP, TLS or STARTTLS, EHLO, AUTH
            await smtp.send_message(message)  # MAIL, RCPT, DATA: returns with DATA's reply
            # The server has the message from here on: a crash before `accepted` has deleted
            # its row sends it again on restart, so that is called first, before QUIT and before
            # the next message; SMTP has no way to make the two one step. (Not `async with`:
            # aiosmtplib's exit waits for QUIT's reply even when the send was cancelled.)
            await accepted()
            with contextlib.suppress(*SEND_ERRORS):  # a courtesy: the message is taken
                await smtp.quit(timeout=min(settings.timeout, QUIT_WAIT))
        finally:
            smtp.close()

    return send
