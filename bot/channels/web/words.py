"""The web page's own words (buttons, links, headings), in each language the bot speaks."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "title": {"en": "Maternity feedback", "pl": "Opinie o opiece okołoporodowej"},
    "skip_link": {"en": "Skip to the question", "pl": "Przejdź do pytania"},
    "start": {"en": "Start", "pl": "Zacznij"},
    "send": {"en": "Send", "pl": "Wyślij"},
    "your_answer": {"en": "Your answer", "pl": "Twoja odpowiedź"},
    "month_hint": {"en": "For example 03/2026", "pl": "Na przykład 03/2026"},
    "conversation": {"en": "Conversation so far", "pl": "Dotychczasowa rozmowa"},
    "you": {"en": "You", "pl": "Ty"},
    "privacy": {"en": "How your answers are kept", "pl": "Jak przechowujemy odpowiedzi"},
    "cookie": {
        "en": "This page keeps one cookie on this phone, so you can carry on where you left "
        "off. It holds a random code, nothing about you, and goes when you delete your answers.",
        "pl": "Ta strona zapisuje na tym telefonie jedno ciasteczko, aby można było wrócić do "
        "ankiety. Zawiera losowy kod, nic o Tobie, i znika po usunięciu odpowiedzi.",
    },
    "delete": {"en": "Delete my answers", "pl": "Usuń moje odpowiedzi"},
    "language": {"en": "Language", "pl": "Język"},
    "again": {"en": "Answer again", "pl": "Odpowiedz ponownie"},
    "back_to_chat": {"en": "Back to the questions", "pl": "Wróć do pytań"},
    "ended": {"en": "Thank you", "pl": "Dziękujemy"},
    "not_found": {"en": "Page not found", "pl": "Nie znaleziono strony"},
    "not_found_text": {
        "en": "There is nothing at this address. The questions are on the first page.",
        "pl": "Pod tym adresem nic nie ma. Pytania są na pierwszej stronie.",
    },
    "too_fast": {"en": "Please wait a moment", "pl": "Proszę chwilę poczekać"},
    "too_fast_text": {
        "en": "Too many answers came from this phone at once. Wait a few seconds, then go on: "
        "nothing you sent before this has been lost.",
        "pl": "Z tego telefonu przyszło naraz zbyt wiele odpowiedzi. Poczekaj kilka sekund i "
        "kontynuuj: nic z wcześniej wysłanych odpowiedzi nie zginęło.",
    },
    "expired": {
        "en": "This page was out of date, so nothing was changed. Here is where you are now.",
        "pl": "Ta strona była nieaktualna, więc nic nie zmieniono. Oto bieżące pytanie.",
    },
    "sorry": {"en": "Sorry, something went wrong", "pl": "Przepraszamy, coś poszło nie tak"},
    "sorry_text": {
        "en": "Your answers so far are saved. Please try again in a minute.",
        "pl": "Dotychczasowe odpowiedzi są zapisane. Spróbuj ponownie za minutę.",
    },
    "too_big": {
        "en": "That was too long to send. Please send a shorter answer.",
        "pl": "To było zbyt długie. Proszę wysłać krótszą odpowiedź.",
    },
    "deleted_title": {"en": "Your answers are deleted", "pl": "Odpowiedzi usunięte"},
    "start_again": {"en": "Start the questions again", "pl": "Zacznij pytania od nowa"},
}

RIGHT_TO_LEFT = frozenset({"ar", "ur", "fa", "he", "ps", "ckb"})


def word(key: str, language: str) -> str:
    variants = WORDS[key]
    return variants.get(language, variants["en"])


def words_in(language: str) -> dict[str, str]:
    """Every word of the page in `language`, for the templates."""
    return {key: word(key, language) for key in WORDS}
