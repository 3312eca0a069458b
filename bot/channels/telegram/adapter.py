"""Telegram adapter: turns updates into engine inputs and events into Bot API calls.

Each update is stored first (the service commits answers, session and update id in one transaction)
and only then shown. Nothing here keeps a Telegram id, name or message text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from contextvars import ContextVar
from functools import partial

from telegram import BotCommand, CallbackQuery, Message, Update

from bot.channels.telegram.owed import Owed, OwedLedger
from bot.channels.telegram.render import (
    MAX_TEXT,
    Part,
    answered,
    escape,
    parse_callback,
    parts,
    render_prompt,
    split_text,
)
from bot.channels.telegram.sender import Sender
from bot.channels.telegram.staff import StaffCommands
from bot.config import Config
from bot.conversation import events as ev
from bot.conversation.engine import signposts
from bot.privacy.pseudonym import pseudonym
from bot.privacy.seal import Sealer, owed_reply_key
from bot.questionnaire.flow import TAG_PATTERN
from bot.service import Outcome, Service, Ticket
from bot.words import LANGUAGE_NAMES, erased, languages, say

log = logging.getLogger(__name__)
#: Set while an update is worked when the same parent has more updates waiting behind it.
more_waiting: ContextVar[bool] = ContextVar("more_waiting", default=False)

TAG = re.compile(TAG_PATTERN)
COMMAND_NAMES = ("start", "help", "privacy", "language", "restart", "stop", "delete")
OWN_INPUT = ("start", "language", "restart", "stop", "delete")  # commands with their own input


def commands(language: str) -> list[BotCommand]:
    """The menu of commands, described in `language`."""
    return [BotCommand(name, say(f"command_{name}", language)) for name in COMMAND_NAMES]


def telegram_language(update: Update) -> str | None:
    user = update.effective_user
    code = (user.language_code or "") if user else ""
    return code.split("-")[0].lower() or None


def buttons_of(message: Message) -> set[str]:
    """The callback data of a message's buttons, as Telegram says they are now."""
    markup = message.reply_markup
    rows = markup.inline_keyboard if markup is not None else ()
    return {str(b.callback_data) for row in rows for b in row if b.callback_data is not None}


class TelegramBot:
    def __init__(self, service: Service, sender: Sender, key: bytes) -> None:
        self.service = service
        self.sender = sender
        self.key = key
        # The last question message per parent and whether it still has buttons, to remove them
        # once answered by typing (and to send nothing when there is nothing to remove).
        # Memory only: after a restart, old buttons are still safe (the engine spots stale taps).
        self.last_question: dict[str, tuple[int, bool]] = {}
        self.staff = StaffCommands(service, sender)
        self.owed = OwedLedger(service.store, key)  # written by earlier versions; read once
        # Updates in the inbox (a parent's typed contact details among them) and replies still
        # owed: sealed under both keys, so neither key alone opens them; rows sealed before that
        # under the pseudonym key alone still open.
        contact = service.store.sealer
        both = contact.derived(b"telegram-inbox") if contact else owed_reply_key(key)
        self.sealer = Sealer(both, older=[owed_reply_key(key)])

    @property
    def config(self) -> Config:
        return self.service.config

    async def register_commands(self) -> None:
        """The command menu in English for everyone, and in each other language we speak."""
        bot = self.sender.bot
        await self.sender.call(0, lambda: bot.set_my_commands(commands("en")), owed=False)
        for code in languages():
            if code != "en":
                menu = partial(bot.set_my_commands, commands(code), language_code=code)
                await self.sender.call(0, menu, owed=False)
        await self.staff.register(commands("en"))

    async def language_of(self, who: str, update: Update) -> str:
        """The language to speak outside a question: the questionnaire's, else Telegram's."""
        return await self.service.language_of(who) or telegram_language(update) or "en"

    def mark(self, update: Update) -> str:
        """What tells this update apart from another with the same id (Telegram numbers
        updates afresh after a long quiet spell): a keyed hash of its chat and message, or of
        its tap. Says nothing without the pseudonym key."""
        if update.callback_query is not None:
            what = f"tap:{update.callback_query.id}"
        else:
            message = update.effective_message
            chat = update.effective_chat
            edited = message.edit_date.timestamp() if message and message.edit_date else 0
            what = f"message:{chat.id if chat else 0}:{message.message_id if message else 0}"
            what += f":{edited:.0f}"
        return pseudonym(self.key, "update", what)[:16]

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
            language = await self.language_of(who, update)
            aside = self._aside(update, update.edited_message)
            await self._handle(update, who, chat.id, aside, ev.Said(say("edited", language)))

    async def repay(self, owed: Owed) -> None:
        """Show a parent where they are: the reply to their stored update may have been lost."""
        who = pseudonym(self.key, "telegram", owed.user_id)
        await self.show(who, owed.chat_id, (await self.service.handle(who, ev.Repeat())).events)

    async def reassure(self, update: Update) -> None:
        """Tell a parent, in their language and ahead of the queue, that the bot is busy and
        their reply is coming."""
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None or chat.type != "private":
            return
        language = await self.language_of(pseudonym(self.key, "telegram", user.id), update)
        await self.sender.send_first(chat.id, escape(say("busy", language)))

    @staticmethod
    def _aside(update: Update, message: Message, text: str | None = None) -> ev.Input:
        """What a message that is not an answer shows: the question again, after signposting
        if its words (an edit, a photo's caption, words after a command) suggest danger."""
        words = text if text is not None else (message.text or message.caption or "")
        return ev.Aside(words, telegram_language(update)) if words.strip() else ev.Repeat()

    async def _store(
        self, update: Update, who: str, event: ev.Input, preface: tuple[ev.Event, ...] = ()
    ) -> Outcome:
        """Store first, the reply (with `preface`, what this adapter says before the engine)
        kept with it until shown. An update already stored before a restart is not applied
        again: what was still owed of its reply is shown."""
        ticket = Ticket(update.update_id, self.mark(update), self.sealer, preface)
        outcome = await self.service.handle(who, event, ticket=ticket)
        events = outcome.events
        if outcome.duplicate and more_waiting.get() and events and isinstance(events[-1], ev.Asked):
            # Worked again after a restart, and the parent has sent more since: they saw this
            # reply's question (or acted anyway), and their next update shows where they are.
            outcome.events = events[:-1]
        return outcome

    async def _handle(
        self, update: Update, who: str, chat_id: int, event: ev.Input, *preface: ev.Event
    ) -> None:
        outcome = await self._store(update, who, event, preface)
        await self.show(who, chat_id, outcome.events, owing=(update, outcome.first))

    async def show(
        self,
        who: str,
        chat_id: int,
        events: list[ev.Event],
        origin: int | None = None,
        owing: tuple[Update, int] | None = None,
    ) -> None:
        """Show a reply, in as few messages as fit (`parts`). With `owing` (its update, and
        which event of the kept reply comes first): after each message but the last, the kept
        reply notes how far it was shown, so a restart shows the rest, not all of it again."""
        update, first = owing if owing is not None else (None, 0)
        mark = self.mark(update) if update is not None and len(events) > 1 else ""
        for part in parts(events):
            await self._show_part(who, chat_id, part, origin)
            if update is not None and part.end < len(events):
                await self.service.store.inbox.shown(update.update_id, mark, first + part.end)

    async def _show_part(self, who: str, chat_id: int, part: Part, origin: int | None) -> None:
        said = [escape(e.text) for e in part.events if isinstance(e, ev.Said)]
        asked = [e for e in part.events if isinstance(e, ev.Asked)]
        if not said or (len(said) == 1 and not asked and len(said[0]) > MAX_TEXT):
            for event in part.events:
                await self._show_one(who, chat_id, event, origin)
        elif asked:
            await self._ask(who, chat_id, asked[0], origin, said)
        else:
            await self.sender.send(chat_id, "\n\n".join(said))

    async def _show_one(self, who: str, chat_id: int, event: ev.Event, origin: int | None) -> None:
        if isinstance(event, ev.Signposted):
            for part in split_text(f"🆘 {escape(event.text)}"):
                await self.sender.send(chat_id, part)
        elif isinstance(event, ev.Said):
            for part in split_text(escape(event.text)):
                await self.sender.send(chat_id, part)
        elif isinstance(event, ev.Rejected):
            await self.sender.send(chat_id, f"⚠️ {escape(event.reason)}")
        elif isinstance(event, ev.Asked):
            await self._ask(who, chat_id, event, origin)
        elif isinstance(event, ev.Updated) and origin is not None:
            buttons = render_prompt(event.prompt).buttons
            await self.sender.edit_buttons(chat_id, origin, buttons)
            if self.last_question.get(who, (None,))[0] == origin:
                self.last_question[who] = (origin, bool(buttons))
        elif isinstance(event, ev.ResponseCompleted | ev.ResponseDeclined):
            self.last_question.pop(who, None)  # nothing left to answer

    async def _ask(
        self, who: str, chat_id: int, event: ev.Asked, origin: int | None, said: Sequence[str] = ()
    ) -> None:
        """The question, after what is `said` before it in the same message."""
        previous, had_buttons = self.last_question.pop(who, (None, False))
        rendered = render_prompt(event.prompt)
        text = "\n\n".join([*said, rendered.text])
        sent = await self.sender.send(chat_id, text, rendered.buttons)
        if sent is not None:
            self.last_question[who] = (sent.message_id, bool(rendered.buttons))
        tidy = self.config.telegram.tidy_chat
        if tidy and previous is not None and previous != origin and had_buttons:
            self.sender.tidy_buttons(chat_id, previous)  # after the question, if budget allows

    async def _message(self, update: Update, who: str, chat_id: int, message: Message) -> None:
        text = message.text
        if text is None:
            language = await self.language_of(who, update)
            unsupported = ev.Said(say("unsupported", language))
            await self._handle(update, who, chat_id, self._aside(update, message), unsupported)
            return
        if not text.startswith("/"):
            await self._handle(update, who, chat_id, ev.Reply(text))
            return
        command, _, payload = text.partition(" ")
        command = command[1:].split("@")[0].lower()
        aside = self._aside(update, message, payload)
        tagged = command == "start" and self.service.known_tag(payload.strip()) is not None
        # Words after a command that takes none (or a poster's tag) are still read for danger.
        danger: list[ev.Event] = []
        if command in OWN_INPUT and isinstance(aside, ev.Aside) and not tagged:
            language = await self.language_of(who, update)
            danger = signposts(aside, language, self.service.rules)
        if command == "start":
            asked = telegram_language(update)
            tag = payload.strip() if TAG.match(payload.strip()) else None
            welcome = ev.Said(self.config.welcome_in(asked))
            await self._handle(update, who, chat_id, ev.Start(tag, asked), *danger, welcome)
        elif command == "help":
            language = await self.language_of(who, update)
            helped = (ev.Said(say("help", language)), ev.Said(self.service.signpost_in(language)))
            await self._handle(update, who, chat_id, aside, *helped)
        elif command == "privacy":
            language = await self.language_of(who, update)
            notice = ev.Said(self.service.privacy_notice_in(language))
            await self._handle(update, who, chat_id, aside, notice)
        elif command in ("restart", "stop"):
            event: ev.Input = ev.Restart() if command == "restart" else ev.Stop()
            await self._handle(update, who, chat_id, event, *danger)
        elif command in ("language", "delete"):  # a question of their own, nothing stored
            await self.show(who, chat_id, danger)
            language = await self.language_of(who, update)
            asking, buttons = await self._own_question(who, command, language)
            await self.sender.send(chat_id, escape(asking), buttons)
        elif update.effective_user and self.staff.handles(update.effective_user.id, command):
            await self.staff.run(chat_id, command, payload)
        else:
            language = await self.language_of(who, update)
            unknown = ev.Said(say("unknown_command", language))
            await self._handle(update, who, chat_id, aside, unknown)

    async def _own_question(
        self, who: str, command: str, language: str
    ) -> tuple[str, tuple[tuple[tuple[str, str], ...], ...]]:
        """/language and /delete ask a question of their own, answered by a button."""
        if command == "language":
            codes = await self.service.languages(who)
            buttons = tuple(((LANGUAGE_NAMES.get(c, c), f"lang:{c}"),) for c in codes)
            return " / ".join(dict.fromkeys(say("choose_language", c) for c in codes)), buttons
        buttons = (
            ((say("delete_yes", language), "del:yes"),),
            ((say("delete_no", language), "del:no"),),
        )
        return say("delete_confirm", language), buttons

    async def _tap(self, update: Update, who: str, chat_id: int, query: CallbackQuery) -> None:
        data = query.data or ""
        message = query.message if isinstance(query.message, Message) else None
        origin = message.message_id if message else None
        if message is not None and data not in buttons_of(message):
            # Not a button of that message (Telegram sends the message as it is now): a forged
            # tap, or one on buttons already taken away. Acknowledged, and nothing else.
            language = await self.language_of(who, update)
            await self.sender.answer_tap(chat_id, query.id, say("button_gone", language))
            return
        if data.startswith("lang:"):
            await self.sender.answer_tap(chat_id, query.id)
            await self._handle(update, who, chat_id, ev.SwitchLanguage(data[5:]))
            return
        if data.startswith("del:"):
            await self.sender.answer_tap(chat_id, query.id)
            language = await self.language_of(who, update)
            await self._delete(who, chat_id, origin, data == "del:yes", language)
            return
        event = parse_callback(data)
        if event is None:
            language = await self.language_of(who, update)
            await self.sender.answer_tap(chat_id, query.id, say("button_gone", language))
            await self._handle(update, who, chat_id, ev.Repeat())
            return
        outcome = await self._store(update, who, event)
        owing: tuple[Update, int] | None = (update, outcome.first)
        events = outcome.events
        stale = any(isinstance(e, ev.Stale) for e in events)
        lang = outcome.language or await self.language_of(who, update) if stale else "en"
        await self.sender.answer_tap(chat_id, query.id, say("stale", lang) if stale else None)
        if stale:
            # Acknowledged; asked again only when no newer question is known to be on screen
            # (after a restart), so fifty taps on an old button re-ask at most once; the same
            # when the tap is worked again after a restart.
            shown = self.last_question.get(who)
            newer = shown is not None and (origin is None or shown[0] > origin)
            dropped = (ev.Said, ev.Asked) if newer else (ev.Said,)
            events = [e for e in events if not isinstance(e, dropped)]
            owing = None  # a short reply, shown whole again after a restart
        elif (
            not outcome.duplicate  # tidied, if at all, before a restart
            and message is not None
            and self.config.telegram.tidy_chat
            and not any(isinstance(e, ev.Rejected | ev.Updated) for e in events)
        ):
            await self.show(who, chat_id, events, origin, owing)
            left = any(isinstance(e, ev.Left) for e in events)
            self._mark_answered(chat_id, message, data, event, left)  # once the reply is out
            return
        await self.show(who, chat_id, events, origin, owing)

    def _mark_answered(
        self, chat_id: int, message: Message, data: str, event: ev.Input, left: bool = False
    ) -> None:
        """Later, with spare budget: the question shows the chosen answer, without buttons, for
        a clean transcript. After Back, or a tap that left the question unanswered, just the
        buttons go. Until then its buttons are stale to the engine."""
        buttons = [
            b
            for row in (message.reply_markup.inline_keyboard if message.reply_markup else ())
            for b in row
        ]
        if isinstance(event, ev.Back) or left:
            self.sender.tidy_buttons(chat_id, message.message_id)
            return
        if isinstance(event, ev.Done):
            chosen = [str(b.text)[2:].strip() for b in buttons if str(b.text).startswith("✅")]
            label = ", ".join(chosen)
        else:
            label = next((str(b.text) for b in buttons if b.callback_data == data), "")
        label = label.removeprefix("◀️ ").removesuffix(" ▶️")
        self.sender.tidy_text(chat_id, message.message_id, answered(message.text_html, label))

    async def _delete(
        self, who: str, chat_id: int, origin: int | None, confirmed: bool, language: str
    ) -> None:
        if origin is not None:  # not cosmetic: a second tap on "yes" must find nothing to tap
            await self.sender.remove_buttons(chat_id, origin)
        if not confirmed:
            await self.sender.send(chat_id, escape(say("nothing_deleted", language)))
            return
        done = await self.service.erase(who)
        self.last_question.pop(who, None)
        text = erased(
            language, responses=done.responses, answers=done.answers, contacts=done.contacts,
            sessions=done.sessions, days=self.config.privacy.unlink_after_days,
        )  # fmt: skip
        await self.sender.send(chat_id, escape(text))
