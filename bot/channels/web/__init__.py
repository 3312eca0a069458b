"""The web chat: the questionnaires in any phone's browser, for parents without Telegram."""
