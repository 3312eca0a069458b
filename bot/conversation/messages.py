"""What the bot itself says, in every language it ships with. Flows supply everything else."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "back": {"en": "Back", "pl": "Wstecz"},
    "skip": {"en": "Skip", "pl": "Pomiń"},
    "prefer_not": {"en": "Prefer not to say", "pl": "Wolę nie mówić"},
    "done": {"en": "Done", "pl": "Gotowe"},
    "yes": {"en": "Yes", "pl": "Tak"},
    "no": {"en": "No", "pl": "Nie"},
    "progress": {"en": "{percent}% done", "pl": "ukończono {percent}%"},
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
    "delete_word": {"en": "delete", "pl": "usuń"},
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
    "paused_web": {
        "en": "Your answers so far are saved. Open this page again on this phone to carry on.",
        "pl": "Dotychczasowe odpowiedzi są zapisane. Otwórz tę stronę ponownie na tym telefonie, "
        "aby kontynuować.",
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
        "en": "What phone number can they call? (Or skip this to give an email instead.)",
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
    "help": {
        "en": "I ask a few questions about your maternity care. Tap a button to answer, or type "
        "when I ask you to. Use ◀️ Back to change an answer and Skip to leave one out. Send /stop "
        "to pause (your answers are kept) and /start to carry on, /language to change language, "
        "/privacy to see how answers are kept, and /delete to delete your answers.",
        "pl": "Zadaję kilka pytań o opiekę okołoporodową. Odpowiedz, dotykając przycisku, albo "
        "wpisz odpowiedź, gdy o to poproszę. ◀️ Wstecz zmienia odpowiedź, Pomiń ją opuszcza. "
        "Wyślij /stop, aby przerwać (odpowiedzi zostaną zapisane), /start, aby kontynuować, "
        "/language, aby zmienić język, /privacy, aby zobaczyć, jak przechowujemy odpowiedzi, "
        "i /delete, aby je usunąć.",
    },
    "unsupported": {
        "en": "I can only read typed messages and button taps, so I couldn't use that. "
        "Please answer with the buttons, or type your answer.",
        "pl": "Rozumiem tylko wpisany tekst i przyciski, więc nie mogę tego użyć. "
        "Proszę odpowiedzieć przyciskiem albo wpisać odpowiedź.",
    },
    "edited": {
        "en": "I can't read changes to earlier messages. Please send your answer as a new message.",
        "pl": "Nie widzę zmian we wcześniejszych wiadomościach. Proszę wysłać odpowiedź jako "
        "nową wiadomość.",
    },
    "unknown_command": {
        "en": "I don't know that command. Send /help to see what I can do.",
        "pl": "Nie znam tego polecenia. Wyślij /help, aby zobaczyć, co potrafię.",
    },
    "button_gone": {"en": "That button no longer works.", "pl": "Ten przycisk już nie działa."},
    "sorry": {
        "en": "Sorry, something went wrong on our side and that wasn't saved. "
        "Please send it again.",
        "pl": "Przepraszamy, coś poszło nie tak po naszej stronie i to nie zostało zapisane. "
        "Proszę wysłać to jeszcze raz.",
    },
    "choose_language": {"en": "🌐 Choose a language", "pl": "🌐 Wybierz język"},
    "delete_confirm": {
        "en": "Do you want to delete the answers you have given here?",
        "pl": "Czy chcesz usunąć odpowiedzi, których tu udzielono?",
    },
    "delete_yes": {"en": "🗑 Yes, delete my answers", "pl": "🗑 Tak, usuń moje odpowiedzi"},
    "delete_no": {"en": "No, keep them", "pl": "Nie, zachowaj je"},
    "nothing_deleted": {"en": "Nothing was deleted.", "pl": "Nic nie zostało usunięte."},
    "deleted": {
        "en": "Deleted: {responses} questionnaire(s) with {answers} answer(s)",
        "pl": "Usunięto: ankiety: {responses}, odpowiedzi: {answers}",
    },
    "deleted_contacts": {
        "en": " and {contacts} contact request(s)",
        "pl": " oraz prośby o kontakt: {contacts}",
    },
    "deleted_end": {
        "en": ". Nothing else is kept about you here.",
        "pl": ". Nic więcej o Tobie tu nie przechowujemy.",
    },
    "nothing_to_delete": {
        "en": "There are no answers linked to you to delete.",
        "pl": "Nie ma odpowiedzi powiązanych z Tobą, które można usunąć.",
    },
    "already_anonymous": {
        "en": " Answers completed more than {days} days ago are already anonymous: they can't be "
        "linked to you, so they can't be found to delete.",
        "pl": " Odpowiedzi ukończone ponad {days} dni temu są już anonimowe: nie da się ich "
        "powiązać z Tobą, więc nie można ich odnaleźć ani usunąć.",
    },
    "delete_typed": {
        "en": "Type yes to delete them, or anything else to keep them.",
        "pl": "Wpisz tak, aby je usunąć, albo cokolwiek innego, aby je zachować.",
    },
    "command_start": {"en": "Start or carry on the questionnaire", "pl": "Zacznij lub kontynuuj"},
    "command_help": {
        "en": "How this chat works, and where to get help",
        "pl": "Jak działa ten czat i gdzie szukać pomocy",
    },
    "command_privacy": {"en": "How your answers are kept", "pl": "Jak przechowujemy odpowiedzi"},
    "command_language": {"en": "Change language", "pl": "Zmień język"},
    "command_restart": {"en": "Start the questions again", "pl": "Zacznij pytania od nowa"},
    "command_stop": {
        "en": "Stop for now (your answers are kept)",
        "pl": "Przerwij (odpowiedzi zostaną zapisane)",
    },
    "command_delete": {"en": "Delete your answers", "pl": "Usuń swoje odpowiedzi"},
}

#: Each language's name in itself, for the language switch.
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


def say(key: str, language: str, **values: object) -> str:
    """A built-in message in `language` (English when it has no translation)."""
    variants = MESSAGES[key]
    return variants.get(language, variants["en"]).format(**values)


def languages() -> tuple[str, ...]:
    """Every language the bot's own messages are written in."""
    return tuple(MESSAGES["back"])


def erased(
    language: str, *, responses: int, answers: int, contacts: int, sessions: int, days: int
) -> str:
    """The one reply to "delete my answers", in every channel."""
    if responses or sessions:
        text = say("deleted", language, responses=responses, answers=answers)
        if contacts:
            text += say("deleted_contacts", language, contacts=contacts)
        text += say("deleted_end", language)
    else:
        text = say("nothing_to_delete", language)
    return text + say("already_anonymous", language, days=days)


def every_language(key: str) -> set[str]:
    """All variants of a message, lower-cased: typed words that mean the same as a button."""
    return {v.casefold() for v in MESSAGES[key].values()}
