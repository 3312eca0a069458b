"""What the bot itself says, in every language it ships with. Flows supply everything else."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "back": {"en": "Back", "pl": "Wstecz"},
    "skip": {"en": "Skip", "pl": "Pomiń"},
    "prefer_not": {"en": "Prefer not to say", "pl": "Wolę nie mówić"},
    "done": {"en": "Done", "pl": "Gotowe"},
    "yes": {"en": "Yes", "pl": "Tak"},
    "no": {"en": "No", "pl": "Nie"},
    "progress": {"en": "{n} of {m}", "pl": "{n} z {m}"},
    "hint_single": {"en": "type a number", "pl": "wpisz numer"},
    "hint_multi": {
        "en": "type one or more numbers, e.g. 1, 3",
        "pl": "wpisz jeden lub kilka numerów, np. 1, 3",
    },
    "hint_text": {"en": "type your answer", "pl": "wpisz odpowiedź"},
    "hint_or": {"en": "or", "pl": "albo"},
    "type_below": {
        "en": "Type your answer and send it.",
        "pl": "Wpisz odpowiedź i wyślij.",
    },
    "tick_then_done": {
        "en": "Tap all that apply, then Done.",
        "pl": "Zaznacz wszystkie pasujące odpowiedzi, potem Gotowe.",
    },
    "stop": {"en": "stop", "pl": "stop"},
    "restart": {"en": "restart", "pl": "od nowa"},
    "choose_one": {
        "en": "Please choose one of the options.",
        "pl": "Proszę wybrać jedną z odpowiedzi.",
    },
    "choose_some": {
        "en": "Please choose between {min} and {max} options.",
        "pl": "Proszę wybrać od {min} do {max} odpowiedzi.",
    },
    "choose_at_least": {
        "en": "Please choose at least {min}.",
        "pl": "Proszę wybrać co najmniej {min}.",
    },
    "choose_at_most": {
        "en": "You can choose up to {max}.",
        "pl": "Można wybrać najwyżej {max}.",
    },
    "exclusive": {
        "en": "“{label}” can't be chosen together with other answers.",
        "pl": "„{label}” nie może być wybrane razem z innymi odpowiedziami.",
    },
    "type_answer": {"en": "Please type your answer.", "pl": "Proszę wpisać odpowiedź."},
    "too_long": {
        "en": "That's {n} characters. Please keep it under {max}.",
        "pl": "To {n} znaków. Proszę zmieścić się w {max}.",
    },
    "number": {"en": "Please send a number.", "pl": "Proszę podać liczbę."},
    "whole_number": {
        "en": "Please send a whole number.",
        "pl": "Proszę podać liczbę całkowitą.",
    },
    "number_range": {
        "en": "Please send a number from {min} to {max}.",
        "pl": "Proszę podać liczbę od {min} do {max}.",
    },
    "number_min": {"en": "Please send {min} or more.", "pl": "Proszę podać {min} lub więcej."},
    "number_max": {"en": "Please send {max} or less.", "pl": "Proszę podać {max} lub mniej."},
    "month_year": {
        "en": "Please send the month and year, like “March 2025” or “03/2025”.",
        "pl": "Proszę podać miesiąc i rok, np. „marzec 2025” albo „03/2025”.",
    },
    "month_year_range": {
        "en": "Please send a month between {first} and {last}.",
        "pl": "Proszę podać miesiąc od {first} do {last}.",
    },
    "no_skip": {
        "en": "This question can't be skipped.",
        "pl": "Tego pytania nie można pominąć.",
    },
    "moving_on": {
        "en": "No problem, let's move on.",
        "pl": "Nie szkodzi, przejdźmy dalej.",
    },
    "first_question": {
        "en": "This is the first question.",
        "pl": "To jest pierwsze pytanie.",
    },
    "other_prompt": {
        "en": "Please tell us a little more.",
        "pl": "Prosimy napisać kilka słów więcej.",
    },
    "stale": {
        "en": "That button is from an earlier message. Here is where we are now:",
        "pl": "Ten przycisk jest z wcześniejszej wiadomości. Oto bieżące pytanie:",
    },
    "paused": {
        "en": "Your answers so far are saved. Send /start whenever you want to carry on.",
        "pl": "Dotychczasowe odpowiedzi są zapisane. Wyślij /start, aby kontynuować.",
    },
    "paused_terminal": {
        "en": "Your answers so far are saved. Run the chat again to carry on.",
        "pl": "Dotychczasowe odpowiedzi są zapisane. Uruchom czat ponownie, aby kontynuować.",
    },
    "resumed": {
        "en": "Welcome back! Let's carry on where you left off.",
        "pl": "Witamy ponownie! Kontynuujmy od miejsca, w którym skończyliśmy.",
    },
    "returning": {
        "en": "Welcome back! You started this questionnaire a while ago. Would you like to carry "
        "on where you left off, or start again?",
        "pl": "Witamy ponownie! Ankieta została zaczęta jakiś czas temu. Czy chcesz kontynuować "
        "od miejsca, w którym skończyłaś/skończyłeś, czy zacząć od nowa?",
    },
    "carry_on": {"en": "Carry on", "pl": "Kontynuuj"},
    "start_again": {"en": "Start again", "pl": "Zacznij od nowa"},
    "restarted": {
        "en": "Starting again from the first question.",
        "pl": "Zaczynamy od pierwszego pytania.",
    },
    "finished": {
        "en": "You have already finished. Thank you! Send /start to answer again.",
        "pl": "Ankieta jest już zakończona. Dziękujemy! Wyślij /start, aby odpowiedzieć ponownie.",
    },
    "contact_name": {
        "en": "What name should they ask for?",
        "pl": "O kogo mają zapytać (imię)?",
    },
    "contact_phone": {
        "en": "What phone number can they call? (Or press Skip to give an email instead.)",
        "pl": "Pod jaki numer telefonu mogą zadzwonić? (Albo Pomiń, aby podać e-mail.)",
    },
    "contact_email": {
        "en": "What email address can they use?",
        "pl": "Jaki adres e-mail mogą wykorzystać?",
    },
    "contact_time": {
        "en": "When is the best time to contact you?",
        "pl": "Kiedy najlepiej się skontaktować?",
    },
    "contact_need_one": {
        "en": "We need a phone number or an email address to contact you.",
        "pl": "Potrzebujemy numeru telefonu albo adresu e-mail.",
    },
    "bad_phone": {
        "en": "That doesn't look like a UK phone number. Please try again, like 07700 900123.",
        "pl": "To nie wygląda na brytyjski numer telefonu. Spróbuj ponownie, np. 07700 900123.",
    },
    "bad_email": {
        "en": "That doesn't look like an email address. Please try again.",
        "pl": "To nie wygląda na adres e-mail. Spróbuj ponownie.",
    },
    "contact_thanks": {
        "en": "Thank you. The engagement team will be in touch.",
        "pl": "Dziękujemy. Zespół się z Tobą skontaktuje.",
    },
    "time_morning": {"en": "Morning", "pl": "Rano"},
    "time_afternoon": {"en": "Afternoon", "pl": "Po południu"},
    "time_evening": {"en": "Evening", "pl": "Wieczorem"},
    "time_any": {"en": "Any time", "pl": "Dowolna pora"},
}

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        ("january", "jan", "styczeń", "stycznia", "styczen", "sty"),
        ("february", "feb", "luty", "lutego", "lut"),
        ("march", "mar", "marzec", "marca"),
        ("april", "apr", "kwiecień", "kwietnia", "kwiecien", "kwi"),
        ("may", "maj", "maja"),
        ("june", "jun", "czerwiec", "czerwca", "cze"),
        ("july", "jul", "lipiec", "lipca", "lip"),
        ("august", "aug", "sierpień", "sierpnia", "sierpien", "sie"),
        ("september", "sep", "sept", "wrzesień", "września", "wrzesien", "wrz"),
        ("october", "oct", "październik", "października", "pazdziernik", "paź", "paz"),
        ("november", "nov", "listopad", "listopada", "lis"),
        ("december", "dec", "grudzień", "grudnia", "grudzien", "gru"),
    ],
    start=1,
):
    for _name in _names:
        MONTHS[_name] = _number

MONTH_NAMES = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "pl": [
        "styczeń",
        "luty",
        "marzec",
        "kwiecień",
        "maj",
        "czerwiec",
        "lipiec",
        "sierpień",
        "wrzesień",
        "październik",
        "listopad",
        "grudzień",
    ],
}


#: Month names as they read in "between May 2024 and August 2027" (Polish needs the genitive).
MONTH_NAMES_IN_RANGE = {
    "en": MONTH_NAMES["en"],
    "pl": [
        "stycznia",
        "lutego",
        "marca",
        "kwietnia",
        "maja",
        "czerwca",
        "lipca",
        "sierpnia",
        "września",
        "października",
        "listopada",
        "grudnia",
    ],
}


def say(key: str, language: str, **values: object) -> str:
    """A built-in message in `language` (English when it has no translation)."""
    variants = MESSAGES[key]
    return variants.get(language, variants["en"]).format(**values)


def every_language(key: str) -> set[str]:
    """All variants of a message, lower-cased: typed words that mean the same as a button."""
    return {v.casefold() for v in MESSAGES[key].values()}
