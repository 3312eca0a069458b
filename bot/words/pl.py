"""Every word the bot says to a parent in Polish, in every channel, in one place (see en.py)."""

from __future__ import annotations

NAME = "Polski"


def plural(n: int) -> int:
    """Which of a text's `|`-separated forms fits `n`: 1 ankieta, 2-4 ankiety, 5 ankiet."""
    if n == 1:
        return 0
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return 1
    return 2


#: Number words a parent may type for a number ("dwie" for 2); typed without Polish letters too.
NUMBERS = {
    "zero": 0,
    "żaden": 0,
    "żadnego": 0,
    "żadnej": 0,
    "nic": 0,
    "jeden": 1,
    "jedna": 1,
    "jedno": 1,
    "raz": 1,
    "dwa": 2,
    "dwie": 2,
    "dwoje": 2,
    "trzy": 3,
    "troje": 3,
    "cztery": 4,
    "czworo": 4,
    "pięć": 5,
    "pięcioro": 5,
    "sześć": 6,
    "siedem": 7,
    "osiem": 8,
    "dziewięć": 9,
    "dziesięć": 10,
    "jedenaście": 11,
    "dwanaście": 12,
}

WORDS = {
    # ── said before anything else, and on request ────────────────────────────────────────
    "welcome": "Ten czat jest anonimowy: nie widzimy Twojego imienia ani numeru telefonu. Nikt go "
    "nie monitoruje, więc nie pomoże w nagłym wypadku. Jeśli potrzebujesz pomocy teraz, dzwoń pod "
    "999.",
    "privacy_notice": "Twoje odpowiedzi są anonimowe. Imiona, numery telefonów i inne dane "
    "osobowe, które wpiszesz, są usuwane przed zapisaniem. Możesz usunąć swoje odpowiedzi w "
    "każdej chwili, dopóki nie staną się anonimowe.",
    "signpost": "Ten czat nie jest monitorowany, więc nikt nie zobaczy tego od razu. Jeśli Ty lub "
    "Twoje dziecko potrzebujecie pomocy teraz, dzwoń pod 999. W pilnej sprawie zadzwoń do swojej "
    "położnej lub na oddział położniczy albo pod NHS 111 (opcja 2 w kryzysie psychicznym). "
    "Samaritans: 116 123, całą dobę. Krajowa linia pomocy dla osób doświadczających przemocy "
    "domowej (National Domestic Abuse Helpline): 0808 2000 247, całą dobę. Jeśli dziecko rusza "
    "się mniej niż zwykle albo zauważysz zmianę, zadzwoń do położnej lub na oddział położniczy "
    "teraz - nie czekaj do jutra.",
    # ── buttons and the words that mean the same typed ───────────────────────────────────
    "back": "Wstecz",
    "skip": "Pomiń",
    "prefer_not": "Wolę nie mówić",
    "done": "Gotowe",
    "yes": "Tak",
    "no": "Nie",
    "progress": "ukończono {percent}%",
    # ── the terminal preview's hints and typed commands ──────────────────────────────────
    "hint_single": "wpisz numer",
    "hint_multi": "wpisz jeden lub kilka numerów, np. 1, 3",
    "hint_text": "wpisz odpowiedź",
    "hint_or": "albo",
    "hint_commands": "Wpisz pomoc w dowolnej chwili, aby zobaczyć, co możesz zrobić.",
    "stop": "stop",
    "restart": "od nowa",
    "delete_word": "usuń",
    "help_word": "pomoc",
    "privacy_word": "prywatność",
    # ── how to answer ────────────────────────────────────────────────────────────────────
    "type_below": "Wpisz odpowiedź i wyślij.",
    "tick_then_done": "Zaznacz wszystkie pasujące odpowiedzi, potem Gotowe.",
    "choose_one": "Proszę wybrać jedną z odpowiedzi.",
    "choose_some": "Proszę wybrać od {min} do {max} odpowiedzi.",
    "choose_at_least": "Proszę wybrać co najmniej {min}.",
    "choose_at_most": "Można wybrać najwyżej {max}.",
    "exclusive": "„{label}” nie może być wybrane razem z innymi odpowiedziami.",
    "type_answer": "Proszę wpisać odpowiedź.",
    "too_long": "To {n} znaków. Proszę zmieścić się w {max}.",
    "number": "Proszę podać liczbę.",
    "whole_number": "Proszę podać liczbę całkowitą.",
    "number_range": "Proszę podać liczbę od {min} do {max}.",
    "number_min": "Proszę podać {min} lub więcej.",
    "number_max": "Proszę podać {max} lub mniej.",
    "month_year": "Proszę podać miesiąc i rok, np. „{words}” albo „{digits}”.",
    "month_year_range": "Proszę podać miesiąc od {first} do {last}.",
    "no_skip": "Tego pytania nie można pominąć.",
    "left_for_now": "Zostawmy na razie to pytanie. Możesz do niego wrócić, wybierając Wstecz.",
    "left_at_end": "Zostawmy to pytanie.",
    "required_single": "Potrzebujemy odpowiedzi na to pytanie, aby przejść dalej. Wybierz "
    "poniżej odpowiedź, która najlepiej pasuje. Jeśli to nie jest dobry moment, możesz przerwać "
    "i wrócić później.",
    "required_multi": "Potrzebujemy odpowiedzi na to pytanie, aby przejść dalej. Wybierz "
    "poniżej wszystkie pasujące odpowiedzi. Jeśli to nie jest dobry moment, możesz przerwać "
    "i wrócić później.",
    "required_typed": "Potrzebujemy odpowiedzi na to pytanie, aby przejść dalej. Wyślij ją "
    "tak, jak podano wyżej. Jeśli to nie jest dobry moment, możesz przerwać i wrócić później.",
    "first_question": "To jest pierwsze pytanie.",
    "other_prompt": "Prosimy napisać kilka słów więcej.",
    "stale": "Ten przycisk jest z wcześniejszej wiadomości. Oto bieżące pytanie:",
    # ── stopping, coming back, finishing ─────────────────────────────────────────────────
    "paused": "Dotychczasowe odpowiedzi są zapisane. Wyślij /start, aby kontynuować.",
    "paused_terminal": "Dotychczasowe odpowiedzi są zapisane. Uruchom czat ponownie, aby "
    "kontynuować.",
    "paused_web": "Dotychczasowe odpowiedzi są zapisane. Otwórz tę stronę ponownie na tym "
    "telefonie, aby kontynuować.",
    "resumed": "Witamy ponownie! Kontynuujmy od miejsca, w którym skończyliśmy.",
    "returning": "Witamy ponownie! Ankieta została zaczęta jakiś czas temu. Czy chcesz "
    "kontynuować od miejsca, w którym skończyłaś/skończyłeś, czy zacząć od nowa?",
    "carry_on": "Kontynuuj",
    "start_again": "Zacznij od nowa",
    "restarted": "Zaczynamy od pierwszego pytania.",
    "finished": "Ankieta jest już zakończona. Dziękujemy! Wyślij /start, aby odpowiedzieć "
    "ponownie.",
    # ── a follow-up interview ────────────────────────────────────────────────────────────
    "contact_name": "O kogo mają zapytać (imię)?",
    "contact_phone": "Pod jaki numer telefonu mogą zadzwonić? (Albo Pomiń, aby podać e-mail.)",
    "contact_email": "Jaki adres e-mail mogą wykorzystać?",
    "contact_time": "Kiedy najlepiej się skontaktować?",
    "contact_need_one": "Potrzebujemy numeru telefonu albo adresu e-mail.",
    "bad_phone": "To nie wygląda na brytyjski numer telefonu. Spróbuj ponownie, np. 07700 900123.",
    "bad_email": "To nie wygląda na adres e-mail. Spróbuj ponownie.",
    "contact_phone_failed": "To nadal nie wygląda na brytyjski numer telefonu. Co chcesz zrobić?",
    "contact_email_failed": "To nadal nie wygląda na adres e-mail. Co chcesz zrobić?",
    "contact_use_email": "Podam zamiast tego adres e-mail",
    "contact_use_phone": "Podam zamiast tego numer telefonu",
    "contact_retry_phone": "Spróbuję jeszcze raz podać numer",
    "contact_retry_email": "Spróbuję jeszcze raz podać e-mail",
    "contact_phone_only": "Wystarczy mój numer telefonu",
    "contact_email_only": "Wystarczy mój adres e-mail",
    "contact_dont": "Proszę się ze mną nie kontaktować",
    "contact_none": "W porządku. Nikt się z Tobą nie skontaktuje. Twoje odpowiedzi nadal "
    "zostaną zachowane anonimowo.",
    "contact_thanks_phone": "Dziękujemy. Ktoś z zespołu skontaktuje się z Tobą telefonicznie.",
    "contact_thanks_email": "Dziękujemy. Ktoś z zespołu skontaktuje się z Tobą e-mailem.",
    "contact_thanks_both": "Dziękujemy. Ktoś z zespołu skontaktuje się z Tobą telefonicznie lub "
    "e-mailem.",
    "time_morning": "Rano",
    "time_afternoon": "Po południu",
    "time_evening": "Wieczorem",
    "time_any": "Dowolna pora",
    # ── help, in each channel ────────────────────────────────────────────────────────────
    "help": "Zadaję kilka pytań o opiekę okołoporodową. Odpowiedz, dotykając przycisku, albo "
    "wpisz odpowiedź, gdy o to poproszę. ◀️ Wstecz zmienia odpowiedź, Pomiń ją opuszcza. Wyślij "
    "/stop, aby przerwać (odpowiedzi zostaną zapisane), /start, aby kontynuować, /language, aby "
    "zmienić język, /privacy, aby zobaczyć, jak przechowujemy odpowiedzi, i /delete, aby je "
    "usunąć.",
    "help_terminal": "Zadaję kilka pytań o opiekę okołoporodową. Wpisz numer odpowiedzi albo "
    "wpisz odpowiedź, gdy o to poproszę. Wpisz wstecz, aby zmienić poprzednią odpowiedź, pomiń, "
    "aby opuścić pytanie, od nowa, aby zacząć od pierwszego pytania, stop, aby przerwać "
    "(odpowiedzi zostaną zapisane), prywatność, aby zobaczyć, jak przechowujemy odpowiedzi, i "
    "usuń, aby je usunąć.",
    "help_web": "Ta strona zadaje kilka pytań o opiekę okołoporodową. Wybierz odpowiedź albo "
    "wpisz ją, gdy o to poprosimy. Wstecz zmienia poprzednią odpowiedź, Pomiń opuszcza pytanie, a "
    "Przerwij na razie zatrzymuje ankietę: odpowiedzi zostaną zapisane, a po ponownym otwarciu "
    "tej strony na tym telefonie można kontynuować. „Jak przechowujemy odpowiedzi” i „Usuń moje "
    "odpowiedzi” są na dole każdej strony.",
    # ── Telegram ─────────────────────────────────────────────────────────────────────────
    "unsupported": "Rozumiem tylko wpisany tekst i przyciski, więc nie mogę tego użyć. Proszę "
    "odpowiedzieć przyciskiem albo wpisać odpowiedź. Nikt tu nie słucha wiadomości głosowych ani "
    "nie ogląda zdjęć: jeśli Ty lub Twoje dziecko potrzebujecie pomocy teraz, dzwoń pod 999.",
    "edited": "Nie widzę zmian we wcześniejszych wiadomościach. Proszę wysłać odpowiedź jako nową "
    "wiadomość.",
    "unknown_command": "Nie znam tego polecenia. Wyślij /help, aby zobaczyć, co potrafię.",
    "button_gone": "Ten przycisk już nie działa.",
    "sorry": "Przepraszamy, coś poszło nie tak po naszej stronie i to nie zostało zapisane. "
    "Proszę wysłać to jeszcze raz.",
    "too_many": "Wysłano wiele wiadomości naraz. Odpowiem na te, które już mam, ale pozostałych "
    "nie udało mi się przeczytać. Proszę poczekać na moją odpowiedź, zanim wyślesz kolejne.",
    "busy": "Właśnie odpowiada wiele osób, więc działam trochę wolniej. Mam Twoją odpowiedź "
    "i wkrótce odpowiem; nie trzeba jej wysyłać ponownie.",
    "choose_language": "🌐 Wybierz język",
    "command_start": "Zacznij lub kontynuuj",
    "command_help": "Jak działa ten czat i gdzie szukać pomocy",
    "command_privacy": "Jak przechowujemy odpowiedzi",
    "command_language": "Zmień język",
    "command_restart": "Zacznij pytania od nowa",
    "command_stop": "Przerwij (odpowiedzi zostaną zapisane)",
    "command_delete": "Usuń swoje odpowiedzi",
    # ── deleting answers ─────────────────────────────────────────────────────────────────
    "delete_confirm": "Czy chcesz usunąć odpowiedzi, których tu udzielono?",
    "delete_yes": "🗑 Tak, usuń moje odpowiedzi",
    "delete_no": "Nie, zachowaj je",
    "delete_typed": "Wpisz tak, aby je usunąć, albo cokolwiek innego, aby je zachować.",
    "nothing_deleted": "Nic nie zostało usunięte.",
    "deleted": "Usunięto {responses} ({answers})",
    "deleted_responses": "{n} ankietę|{n} ankiety|{n} ankiet",
    "deleted_answers": "{n} odpowiedź|{n} odpowiedzi|{n} odpowiedzi",
    "deleted_contacts": " oraz {contacts}",
    "deleted_contact_requests": "{n} prośbę o kontakt|{n} prośby o kontakt|{n} próśb o kontakt",
    "deleted_end": ". Nic więcej o Tobie tu nie przechowujemy.",
    "nothing_to_delete": "Nie ma odpowiedzi powiązanych z Tobą, które można usunąć.",
    "already_anonymous": "Odpowiedzi ukończone ponad {days} dni temu są już anonimowe: nie da się "
    "ich powiązać z Tobą, więc nie można ich odnaleźć ani usunąć.",
    # ── the web chat's page ──────────────────────────────────────────────────────────────
    "web_title": "Opinie o opiece okołoporodowej",
    "web_skip_link": "Przejdź do pytania",
    "web_start": "Zacznij",
    "web_send": "Wyślij",
    "web_your_answer": "Twoja odpowiedź",
    "web_problem": "Wystąpił problem",
    "web_error": "Błąd",
    "web_month_hint": "Na przykład {words} albo {digits}",
    "web_conversation": "Dotychczasowa rozmowa",
    "web_you": "Ty",
    "web_help": "Pomoc",
    "web_urgent": "Jeśli potrzebujesz pilnej pomocy",
    "web_stop": "Przerwij na razie",
    "web_paused": "Ankieta przerwana",
    "web_poster_title": "Kontynuować czy zacząć nowe pytania?",
    "web_poster_under_way": "Masz już rozpoczętą ankietę „{current}”.",
    "web_poster_opened": "Otwarty link prowadzi do ankiety „{new}”.",
    "web_poster_kept": "Jeśli zaczniesz nowe pytania, dotychczasowe odpowiedzi zostaną zachowane, "
    "ale nie będzie można do nich wrócić.",
    "web_poster_carry_on": "Kontynuuj poprzednią ankietę",
    "web_poster_start": "Zacznij nowe pytania",
    "web_privacy": "Jak przechowujemy odpowiedzi",
    "web_cookie": "Ta strona zapisuje na tym telefonie jedno ciasteczko, aby można było wrócić do "
    "ankiety. Zawiera losowy kod, nic o Tobie, i znika po usunięciu odpowiedzi.",
    "web_cookies_off": "Włącz ciasteczka, aby korzystać z czatu",
    "web_cookies_off_text": "Ten czat potrzebuje jednego ciasteczka, aby zapamiętać, na którym "
    "pytaniu jesteś. Przeglądarka na tym telefonie go nie zachowała, więc nie można zacząć.",
    "web_cookies_how": "Aby na nie pozwolić, otwórz ustawienia przeglądarki i zezwól na "
    "ciasteczka dla tej strony albo wyjdź z trybu prywatnego. Potem spróbuj ponownie.",
    "web_try_again": "Spróbuj ponownie",
    "web_delete": "Usuń moje odpowiedzi",
    "web_language": "Język",
    "web_again": "Odpowiedz ponownie",
    "web_back_to_chat": "Wróć do pytań",
    "web_ended": "Dziękujemy",
    "web_not_found": "Nie znaleziono strony",
    "web_not_found_text": "Pod tym adresem nic nie ma. Pytania są na pierwszej stronie.",
    "web_too_fast": "Proszę chwilę poczekać",
    "web_away_saved": "Minęło trochę czasu, więc najpierw sprawdziliśmy, na czym skończono. "
    "Kontynuujemy od tego miejsca, a odpowiedź została zapisana.",
    "web_away_resumed": "Minęło trochę czasu, więc najpierw sprawdziliśmy, na czym skończono. "
    "Kontynuujemy od tego miejsca.",
    "web_away_lost": "Minęło trochę czasu, więc ta odpowiedź nie została zapisana.",
    "web_gone": "Nie znaleźliśmy wcześniejszych odpowiedzi na tym telefonie: zostały usunięte "
    "albo minęło zbyt wiele czasu. Ta odpowiedź nie została zapisana. Można zacząć pytania od "
    "nowa.",
    "web_finished_already": "Te pytania zostały już ukończone, więc ta odpowiedź nie została "
    "zapisana.",
    "web_expired": "Ta strona była nieaktualna, więc nic nie zmieniono. Oto bieżące pytanie.",
    "web_sorry": "Przepraszamy, coś poszło nie tak",
    "web_sorry_text": "Dotychczasowe odpowiedzi są zapisane. Spróbuj ponownie za minutę.",
    "web_too_big": "To było zbyt długie. Proszę wysłać krótszą odpowiedź.",
    "web_deleted_title": "Odpowiedzi usunięte",
    "web_start_again": "Zacznij pytania od nowa",
    "web_too_slow": "Przesyłanie trwało zbyt długo, więc nic nie zmieniono. Spróbuj ponownie.",
    "web_unreadable": "Przepraszamy, nie udało się tego odczytać",
    "web_unreadable_text": "Nie udało się odczytać tego, co przyszło z tego telefonu, więc nic "
    "nie zmieniono. Dotychczasowe odpowiedzi są zapisane: wróć do pytań i spróbuj ponownie.",
    "web_too_fast_answers": "Z tego telefonu przyszło naraz zbyt wiele odpowiedzi. Poczekaj kilka "
    "sekund i kontynuuj: nic z wcześniej wysłanych odpowiedzi nie zginęło.",
    "web_too_fast_pages": "Ta strona została otwarta lub odświeżona zbyt wiele razy naraz. "
    "Poczekaj kilka sekund i odśwież ją: dotychczasowe odpowiedzi są zapisane.",
    "web_too_fast_deletes": "Z tego telefonu przyszło naraz zbyt wiele próśb o usunięcie, więc ta "
    "nic nie zmieniła. Poczekaj kilka sekund i spróbuj ponownie.",
    "web_too_fast_visitors": "Z tej samej sieci wiele osób właśnie otworzyło ten czat. Poczekaj "
    "kilka sekund i spróbuj ponownie.",
}
