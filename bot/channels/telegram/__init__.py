"""The Telegram channel: updates in, Bot API calls out, through python-telegram-bot."""
