"""The floor for the Telegram benchmarks: a bare python-telegram-bot bot that answers every update
with the same question and keyboard and stores nothing. Whatever our bot costs above this is ours.

``python -m bench.floor_bot BASE_URL [aiohttp]`` with the token in TELEGRAM_BOT_TOKEN (the benchmark
starts it against its fake Bot API). With ``aiohttp`` it sends over the same transport as our bot
(bot/channels/telegram/transport.py): the floor for what our own code costs per update."""

from __future__ import annotations

import os
import sys

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, ContextTypes, TypeHandler

KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Yes", callback_data="yes"),
            InlineKeyboardButton("No", callback_data="no"),
        ]
    ]
)


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer()
    if update.effective_chat is not None:
        await context.bot.send_message(
            update.effective_chat.id, "A question?", reply_markup=KEYBOARD
        )


def main() -> None:
    builder = (
        Application.builder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(sys.argv[1])
        .concurrent_updates(True)
    )
    if sys.argv[2:] == ["aiohttp"]:
        from bot.channels.telegram.transport import AiohttpRequest

        builder = builder.request(AiohttpRequest(8)).get_updates_request(AiohttpRequest(2, 15))
    app = builder.build()
    app.add_handler(TypeHandler(Update, answer))
    app.run_polling(timeout=1, poll_interval=0, allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
