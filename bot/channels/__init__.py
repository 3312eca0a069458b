"""Channels parents use: thin adapters over the one service path (Telegram, the terminal)."""
