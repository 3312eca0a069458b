"""Telegram adapter: turns updates into engine inputs and events into Bot API calls.

Each update is stored first (the service commits answers, session and update id in one transaction)
and only then shown. Nothing here keeps a Telegram id, name or message text.
"""

from __future__ import annotations

import logging
import re

from telegram import BotCommand, CallbackQuery, Message, Update

from bot.channels.telegram.render import answered, escape, parse_callback, render_prompt, split_text
from bot.channels.telegram.sender import Sender
from bot.config import Config
from bot.conversation import events as ev
from bot.conversation.messages import say
from bot.privacy.pseudonym import pseudonym
from bot.service import Outcome, Service

log = logging.getLogger(__name__)

TAG = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
LANGUAGE_NAMES = {
    "en": "English",
    "pl": "Polski",
    "ro": "Română",
    "pa": "ਪੰਜਾਬੀ",
    "ur": "اردو",
    "cy": "Cymraeg",
    "ar": "العربية",
    "bn": "বাংলা",
    "so": "Soomaali",
}
COMMANDS = [
    BotCommand("start", "Start or carry on the questionnaire"),
    BotCommand("help", "How this chat works, and where to get help"),
    BotCommand("privacy", "How your answers are kept"),
    BotCommand("language", "Change language"),
    BotCommand("restart", "Start the questions again"),
    BotCommand("stop", "Stop for now (your answers are kept)"),
    BotCommand("delete", "Delete your answers"),
]
UNSUPPORTED = (
    "I can only read typed messages and button taps, so I couldn't use that. "
    "Please answer with the buttons, or type your answer."
)
EDITED = "I can't read changes to earlier messages. Please send your answer as a new message."
UNKNOWN_COMMAND = "I don't know that command. Send /help to see what I can do."
HELP = (
    "I ask a few questions about your maternity care. Tap a button to answer, or type when I "
    "ask you to. Use ◀️ Back to change an answer and Skip to leave one out. Send /stop to pause "
    "(your answers are kept) and /start to carry on, /language to change language, /privacy to "
    "see how answers are kept, and /delete to delete your answers."
)


def _language(update: Update) -> str | None:
    user = update.effective_user
    code = (user.language_code or "") if user else ""
    return code.split("-")[0].lower() or None


class TelegramBot:
    def __init__(self, service: Service, sender: Sender, key: bytes) -> None:
        self.service = service
        self.sender = sender
        self.key = key
        # The last question message per parent, to remove its buttons once answered by typing.
        # Memory only: after a restart, old buttons are still safe (the engine spots stale taps).
        self.last_question: dict[str, int] = {}

    @property
    def config(self) -> Config:
        return self.service.config

    async def register_commands(self) -> None:
        await self.sender.call(0, lambda: self.sender.bot.set_my_commands(COMMANDS))

    async def process(self, update: Update) -> None:
        """Handle one update: store first, then reply. Private chats only."""
        chat = update.effective_chat
        user = update.effective_user
        if chat is None or user is None or chat.type != "private":
            return
        who = pseudonym(self.key, "telegram", user.id)
        if update.callback_query is not None:
            await self._tap(update, who, chat.id, update.callback_query)
        elif update.message is not None:
            await self._message(update, who, chat.id, update.message)
        elif update.edited_message is not None:
            await self.sender.send(chat.id, escape(EDITED))
            await self._handle(update, who, chat.id, ev.Repeat())

    async def _store(self, update: Update, who: str, event: ev.Input) -> Outcome:
        """Store first. An update already stored before a restart is not applied again; the
        parent is shown where they are now, in case the reply was never sent."""
        outcome = await self.service.handle(who, event, update_id=update.update_id)
        if not outcome.duplicate:
            return outcome
        repeat = await self.service.handle(who, ev.Repeat())
        return Outcome(repeat.events, duplicate=True, language=repeat.language)

    async def _handle(self, update: Update, who: str, chat_id: int, event: ev.Input) -> None:
        await self.show(who, chat_id, (await self._store(update, who, event)).events)

    async def show(
        self, who: str, chat_id: int, events: list[ev.Event], origin: int | None = None
    ) -> None:
        for event in events:
            if isinstance(event, ev.Said):
                for part in split_text(escape(event.text)):
                    await self.sender.send(chat_id, part)
            elif isinstance(event, ev.Rejected):
                await self.sender.send(chat_id, f"⚠️ {escape(event.reason)}")
            elif isinstance(event, ev.Asked):
                previous = self.last_question.pop(who, None)
                if previous is not None and previous != origin:
                    await self.sender.edit_buttons(chat_id, previous, ())
                rendered = render_prompt(event.prompt)
                sent = await self.sender.send(chat_id, rendered.text, rendered.buttons)
                if sent is not None:
                    self.last_question[who] = sent.message_id
            elif isinstance(event, ev.Updated) and origin is not None:
                await self.sender.edit_buttons(chat_id, origin, render_prompt(event.prompt).buttons)
            elif isinstance(event, ev.ResponseCompleted | ev.ResponseDeclined):
                self.last_question.pop(who, None)  # nothing left to answer

    async def _message(self, update: Update, who: str, chat_id: int, message: Message) -> None:
        text = message.text
        if text is None:
            await self.sender.send(chat_id, escape(UNSUPPORTED))
            await self._handle(update, who, chat_id, ev.Repeat())
            return
        if not text.startswith("/"):
            await self._handle(update, who, chat_id, ev.Reply(text))
            return
        command, _, payload = text.partition(" ")
        command = command[1:].split("@")[0].lower()
        language = _language(update)
        if command == "start":
            tag = payload.strip() if TAG.match(payload.strip()) else None
            await self.sender.send(chat_id, escape(self.config.welcome_in(language)))
            await self._handle(update, who, chat_id, ev.Start(tag, language))
        elif command == "help":
            await self.sender.send(chat_id, escape(HELP))
            await self.sender.send(chat_id, escape(self.config.safeguarding.message))
            await self._handle(update, who, chat_id, ev.Repeat())
        elif command == "privacy":
            for part in split_text(escape(self.config.privacy.notice)):
                await self.sender.send(chat_id, part)
            await self._handle(update, who, chat_id, ev.Repeat())
        elif command == "language":
            codes = await self.service.languages(who)
            buttons = tuple(((LANGUAGE_NAMES.get(c, c), f"lang:{c}"),) for c in codes)
            await self.sender.send(chat_id, "🌐 Choose a language / Wybierz język", buttons)
        elif command in ("restart", "stop"):
            event: ev.Input = ev.Restart() if command == "restart" else ev.Stop()
            await self._handle(update, who, chat_id, event)
        elif command == "delete":
            buttons = ((("🗑 Yes, delete my answers", "del:yes"),), (("No, keep them", "del:no"),))
            await self.sender.send(
                chat_id, "Do you want to delete the answers you have given here?", buttons
            )
        else:
            await self.sender.send(chat_id, escape(UNKNOWN_COMMAND))
            await self._handle(update, who, chat_id, ev.Repeat())

    async def _tap(self, update: Update, who: str, chat_id: int, query: CallbackQuery) -> None:
        data = query.data or ""
        message = query.message if isinstance(query.message, Message) else None
        origin = message.message_id if message else None
        if data.startswith("lang:"):
            await self.sender.answer_tap(chat_id, query.id)
            await self._handle(update, who, chat_id, ev.SwitchLanguage(data[5:]))
            return
        if data.startswith("del:"):
            await self.sender.answer_tap(chat_id, query.id)
            await self._delete(who, chat_id, origin, confirmed=data == "del:yes")
            return
        event = parse_callback(data)
        if event is None:
            await self.sender.answer_tap(chat_id, query.id, "That button no longer works.")
            await self._handle(update, who, chat_id, ev.Repeat())
            return
        outcome = await self._store(update, who, event)
        if outcome.duplicate:
            await self.sender.answer_tap(chat_id, query.id)
            await self.show(who, chat_id, outcome.events)
            return
        events = outcome.events
        stale = any(isinstance(e, ev.Stale) for e in events)
        lang = outcome.language or "en"
        await self.sender.answer_tap(chat_id, query.id, say("stale", lang) if stale else None)
        if stale:
            events = [e for e in events if not isinstance(e, ev.Said)]
        elif message is not None and not any(
            isinstance(e, ev.Rejected | ev.Updated) for e in events
        ):
            await self._mark_answered(chat_id, message, data, event)
        await self.show(who, chat_id, events, origin)

    async def _mark_answered(
        self, chat_id: int, message: Message, data: str, event: ev.Input
    ) -> None:
        """Edit the question to show the chosen answer, without buttons: a clean transcript."""
        buttons = [
            b
            for row in (message.reply_markup.inline_keyboard if message.reply_markup else ())
            for b in row
        ]
        if isinstance(event, ev.Back):
            await self.sender.edit_buttons(chat_id, message.message_id, ())
            return
        if isinstance(event, ev.Done):
            chosen = [str(b.text)[2:].strip() for b in buttons if str(b.text).startswith("✅")]
            label = ", ".join(chosen)
        else:
            label = next((str(b.text) for b in buttons if b.callback_data == data), "")
        label = label.removeprefix("◀️ ").removesuffix(" ▶️")
        await self.sender.edit(chat_id, message.message_id, answered(message.text_html, label))

    async def _delete(self, who: str, chat_id: int, origin: int | None, confirmed: bool) -> None:
        if origin is not None:
            await self.sender.edit_buttons(chat_id, origin, ())
        if not confirmed:
            await self.sender.send(chat_id, "Nothing was deleted.")
            return
        erased = await self.service.erase(who)
        self.last_question.pop(who, None)
        if erased.responses or erased.sessions:
            text = (
                f"Deleted: {erased.responses} questionnaire(s) with {erased.answers} answer(s)"
                + (f" and {erased.contacts} contact request(s)" if erased.contacts else "")
                + ". Nothing else is kept about you here."
            )
        else:
            text = "There are no answers linked to you to delete."
        days = self.config.privacy.unlink_after_days
        text += (
            f" Answers completed more than {days} days ago are already anonymous: they can't "
            "be linked to you, so they can't be found to delete."
        )
        await self.sender.send(chat_id, escape(text))
