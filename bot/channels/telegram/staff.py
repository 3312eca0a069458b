"""Commands for engagement staff in Telegram: /stats, /export, /report, /reload.

Staff are listed in config.yaml by Telegram user id. To anyone else these commands are unknown
commands, and the command menu shows them only in staff members' own chats. Slow work (an export)
runs in a thread in the background, so no parent's reply waits for it."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path

from telegram import BotCommand, BotCommandScopeChat

from bot.analysis.disclosure import Rule
from bot.channels.telegram.render import MAX_TEXT, escape
from bot.channels.telegram.sender import Sender
from bot.errors import BotError, FlowProblems, more_problems
from bot.service import Service

log = logging.getLogger(__name__)

STAFF_COMMANDS = {
    "stats": "Responses per questionnaire (disclosure-controlled)",
    "export": "Anonymised answers as CSV: /export [questionnaire id]",
    "report": "The HTML report for a board: /report [questionnaire id]",
    "reload": "Re-read and check the questionnaires",
}


class StaffCommands:
    def __init__(self, service: Service, sender: Sender) -> None:
        self.service = service
        self.sender = sender
        self.staff = frozenset(service.config.staff.telegram_ids)
        self._running: set[asyncio.Task[None]] = set()

    @property
    def rule(self) -> Rule:
        report = self.service.config.report
        return Rule(report.suppress_up_to, report.round_to, report.min_base)

    def handles(self, user_id: int, command: str) -> bool:
        return command in STAFF_COMMANDS and user_id in self.staff

    async def register(self, parents_menu: list[BotCommand]) -> None:
        """The parents' menu plus the staff commands, in each staff member's own chat only."""
        menu = parents_menu + [BotCommand(name, text) for name, text in STAFF_COMMANDS.items()]
        bot = self.sender.bot
        for chat_id in sorted(self.staff):
            scope = BotCommandScopeChat(chat_id)
            await self.sender.call(0, partial(bot.set_my_commands, menu, scope=scope))

    async def run(self, chat_id: int, command: str, payload: str) -> None:
        if command == "stats":
            self._background(chat_id, self._stats)
        elif command == "export":
            self._background(chat_id, lambda c: self._export(c, payload.strip() or None))
        elif command == "report":
            self._background(chat_id, lambda c: self._report(c, payload.strip() or None))
        elif command == "reload":
            refused = await self.service.reload()
            await self.sender.send(chat_id, escape(_reloaded(refused, self.service)))

    def _background(self, chat_id: int, work: Callable[[int], Awaitable[None]]) -> None:
        async def go() -> None:
            try:
                await work(chat_id)
            except BotError as exc:
                await self.sender.send(chat_id, escape(str(exc)))
            except Exception:
                log.exception("staff command failed")
                await self.sender.send(chat_id, "Sorry, that did not work; see the bot's log.")

        task = asyncio.create_task(go())
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _stats(self, chat_id: int) -> None:
        from bot.analysis.stats import stats

        text = await asyncio.to_thread(stats, self.service.config.database, self.rule)
        await self.sender.send(chat_id, escape(text))

    async def _export(self, chat_id: int, flow_id: str | None) -> None:
        from bot.analysis.export import Request, export, plans
        from bot.analysis.writers import open_sink
        from bot.storage.reading import Filter

        database = self.service.config.database
        flows = [flow_id] if flow_id else list(await asyncio.to_thread(plans, [database]))
        if not flows:
            await self.sender.send(chat_id, "No answers to export yet.")
            return
        with tempfile.TemporaryDirectory(prefix="export-") as folder:
            for flow in flows:
                out = Path(folder) / f"{flow}.csv"

                def write(flow: str = flow, out: Path = out) -> int:
                    sink = open_sink("csv", out)
                    try:
                        return export(Request([database], Filter(flow)), sink)
                    finally:
                        sink.close()

                written = await asyncio.to_thread(write)
                await self._send_file(chat_id, out, f"{flow}: {written} responses (anonymised)")

    async def _report(self, chat_id: int, flow_id: str | None) -> None:
        from bot.analysis.report import build, render
        from bot.storage.reading import Filter

        database = self.service.config.database

        def write(out: Path) -> None:
            context = build([database], Filter(flow_id), "source", self.rule)
            out.write_text(render(context), encoding="utf-8")

        with tempfile.TemporaryDirectory(prefix="report-") as folder:
            out = Path(folder) / f"report-{flow_id or 'all'}.html"
            await asyncio.to_thread(write, out)
            caption = "Report of whole months that have ended (every number disclosure-controlled)"
            await self._send_file(chat_id, out, caption)

    async def _send_file(self, chat_id: int, path: Path, caption: str) -> None:
        with path.open("rb") as document:
            send = partial(
                self.sender.bot.send_document, chat_id, document, filename=path.name,
                caption=caption,
            )  # fmt: skip
            await self.sender.call(chat_id, send)


#: Problems listed after a refused /reload, each cut to a readable length, all in one message.
RELOAD_LISTED = 20
RELOAD_LINE = 300


def _reloaded(refused: FlowProblems | None, service: Service) -> str:
    if refused is None:
        return f"Reloaded: {', '.join(sorted(service.flows.current))}."
    return refused_reload(refused)


def refused_reload(refused: FlowProblems) -> str:
    """What staff see when /reload is refused: the first problems, as many as fit in one
    message (each cut to RELOAD_LINE characters), and how many more there are."""
    lines = ["Not reloaded: the questionnaires in use are unchanged."]
    # Telegram counts the text as shown, not its HTML escapes; keep room for the count line.
    room = MAX_TEXT - len(lines[0]) - len(more_problems(10**9)) - 1
    for problem in refused.problems[:RELOAD_LISTED]:
        line = problem if len(problem) <= RELOAD_LINE else problem[: RELOAD_LINE - 1] + "…"
        room -= len(line) + 1
        if room < 0:
            break
        lines.append(line)
    hidden = refused.more + len(refused.problems) - (len(lines) - 1)
    if hidden:
        lines.append(more_problems(hidden))
    return "\n".join(lines)
