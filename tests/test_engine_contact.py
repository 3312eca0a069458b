"""Nobody's wish to be contacted is dropped: after phone numbers or email addresses that do not
fit, the parent chooses how to go on; only "Don't contact me" (or No) records "no"; and the
parent is told plainly whether anyone will contact them, and how."""

from __future__ import annotations

from test_engine import Talk, finish_until

from bot.conversation import events as ev
from bot.questionnaire.conditions import NOT_ANSWERED
from bot.questionnaire.flow import Flow

PHONE_FAILED = "That still doesn't look like a UK phone number. What would you like to do?"
EMAIL_FAILED = "That still doesn't look like an email address. What would you like to do?"


def opted_in(talk: Talk) -> list[ev.ContactOptedIn]:
    return [e for e in talk.events if isinstance(e, ev.ContactOptedIn)]


def choices(talk: Talk) -> list[tuple[str, str]]:
    return [(c.id, c.label) for c in talk.prompt().choices]


def after_bad_phones(every_type: Flow, language: str = "en") -> Talk:
    talk = Talk(every_type)
    talk.start_and_agree(language=language)
    finish_until(talk, "talk")
    talk.reply("1")  # yes, in any language
    talk.reply("Sam")
    for typed in ("my number", "call me", "12345"):
        talk.reply(typed)
    return talk


def test_after_phone_numbers_that_do_not_fit_the_parent_chooses_what_next(
    every_type: Flow,
) -> None:
    talk = after_bad_phones(every_type)
    assert talk.rejected() == []  # the choice itself says what went wrong
    prompt = talk.prompt()
    assert (prompt.key, prompt.kind, prompt.text) == ("talk.phone_failed", "single", PHONE_FAILED)
    assert choices(talk) == [
        ("instead", "Give an email address instead"),
        ("retry", "Try the phone number again"),
        ("none", "Don't contact me"),
    ]
    assert prompt.can_back and not prompt.can_skip
    assert talk.recorded() == {} and talk.s.contact == {"name": "Sam"}


def test_an_email_instead_is_how_they_are_contacted(every_type: Flow) -> None:
    talk = after_bad_phones(every_type)
    talk.send(ev.Choose(("instead",), talk.s.seq))
    assert talk.prompt().key == "talk.email"
    assert not talk.prompt().can_skip  # no phone: the email is the way to reach them
    talk.reply("sam@example.org")
    talk.reply("Morning")
    assert opted_in(talk) == [
        ev.ContactOptedIn("Sam", None, "sam@example.org", "Morning", (("Which unit?", "Ludlow"),))
    ]
    assert talk.recorded() == {"talk": "yes"}
    assert talk.said() == [
        "Thank you. Someone from the engagement team will contact you by email.",
        "Thank you!",
    ]
    assert talk.s.contact == {}


def test_trying_the_phone_again_by_typing_the_choices_number(every_type: Flow) -> None:
    talk = after_bad_phones(every_type)
    talk.reply("2")
    assert talk.prompt().key == "talk.phone"
    talk.reply("07700 900123")
    talk.reply("sam@example.org")
    talk.reply("4")
    assert [(e.phone, e.email) for e in opted_in(talk)] == [("+44 7700 900123", "sam@example.org")]
    assert talk.said()[0] == (
        "Thank you. Someone from the engagement team will contact you by phone or email."
    )


def test_only_dont_contact_me_records_no_and_says_so_plainly(every_type: Flow) -> None:
    talk = after_bad_phones(every_type)
    talk.reply("3")
    assert talk.recorded() == {"talk": "no"}
    assert talk.said() == [
        "That's fine. Nobody will contact you. Your answers are still kept, anonymously.",
        "Thank you!",
    ]
    assert opted_in(talk) == [] and talk.s.contact == {} and talk.s.stage == "complete"


def test_after_email_addresses_that_do_not_fit_the_choices_fit_what_was_given(
    every_type: Flow,
) -> None:
    talk = after_bad_phones(every_type)
    talk.send(ev.Choose(("instead",), talk.s.seq))
    for typed in ("sam@", "sam at example", "@example.org"):
        talk.reply(typed)
    assert (talk.prompt().key, talk.prompt().text) == ("talk.email_failed", EMAIL_FAILED)
    assert choices(talk) == [
        ("retry", "Try the email again"),
        ("instead", "Give a phone number instead"),  # no phone was given
        ("none", "Don't contact me"),
    ]
    talk.send(ev.Choose(("instead",), talk.s.seq))
    assert talk.prompt().key == "talk.phone"

    given = Talk(every_type)  # a phone given, then an email that does not fit
    given.start_and_agree()
    finish_until(given, "talk")
    for typed in ("Yes", "Sam", "07700 900123", "x", "y", "z"):
        given.reply(typed)
    assert choices(given) == [
        ("retry", "Try the email again"),
        ("only", "Just use my phone number"),
        ("none", "Don't contact me"),
    ]
    given.send(ev.Choose(("only",), given.s.seq))
    assert given.prompt().key == "talk.time"
    given.reply("Evening")
    assert [(e.phone, e.email) for e in opted_in(given)] == [("+44 7700 900123", None)]
    assert given.said()[0].endswith("will contact you by phone.")


def test_back_works_through_every_new_step(every_type: Flow) -> None:
    talk = after_bad_phones(every_type)
    talk.send(ev.Back(talk.s.seq))
    assert talk.prompt().key == "talk.phone"
    for typed in ("x", "y", "z"):
        talk.reply(typed)
    talk.reply("1")  # an email instead
    talk.reply("back")
    assert talk.prompt().key == "talk.phone"
    talk.reply("07700 900123")
    for typed in ("x", "y", "z"):
        talk.reply(typed)
    assert talk.prompt().key == "talk.email_failed"
    talk.send(ev.Back(talk.s.seq))
    assert talk.prompt().key == "talk.email"
    for typed in ("x", "y", "z", "maybe"):
        talk.reply(typed)  # no option's word: asked again
    assert talk.rejected() == ["Please choose one of the options."]
    talk.reply("2")  # just the phone
    talk.reply("back")
    assert talk.prompt().key == "talk.email"
    for typed in ("back", "back", "back"):
        talk.reply(typed)
    assert talk.prompt().key == "talk" and talk.s.contact == {}  # nothing kept outside the step


def test_a_phone_that_fits_then_one_that_does_not_keeps_neither(every_type: Flow) -> None:
    talk = Talk(every_type)
    talk.start_and_agree()
    finish_until(talk, "talk")
    for typed in ("Yes", "Sam", "07700 900123", "back", "x", "y", "z"):
        talk.reply(typed)
    assert talk.prompt().key == "talk.phone_failed"
    assert talk.s.contact == {"name": "Sam"}
    assert [c.id for c in talk.prompt().choices] == ["instead", "retry", "none"]


def test_a_name_or_time_that_does_not_fit_is_asked_again_never_dropped(every_type: Flow) -> None:
    talk = Talk(every_type)
    talk.start_and_agree()
    finish_until(talk, "talk")
    talk.reply("Yes")
    for _ in range(5):
        talk.reply(" ")
        assert talk.rejected() == ["Please type your answer."]
        assert talk.prompt().key == "talk.name"
    talk.reply("Sam")
    talk.reply("sam@example.org")  # typed where the phone is asked: not a UK phone number
    talk.send(ev.Skip(talk.s.seq))
    talk.reply("sam@example.org")
    for _ in range(5):
        talk.send(ev.Choose(("midnight",), talk.s.seq))
        assert talk.prompt().key == "talk.time"
    assert "talk" not in talk.s.answers


def test_an_opt_in_question_left_unanswered_is_not_a_no(every_type: Flow) -> None:
    talk = Talk(every_type)
    talk.start_and_agree()
    finish_until(talk, "talk")
    for typed in ("perhaps", "later", "hmm"):
        talk.reply(typed)
    assert talk.recorded() == {"talk": NOT_ANSWERED}
    assert talk.said() == ["Let's leave this one.", "Thank you!"]


def test_the_new_words_in_polish(every_type: Flow) -> None:
    talk = after_bad_phones(every_type, "pl")
    assert talk.prompt().text == (
        "To nadal nie wygląda na brytyjski numer telefonu. Co chcesz zrobić?"
    )
    assert [c.label for c in talk.prompt().choices] == [
        "Podam zamiast tego adres e-mail",
        "Spróbuję jeszcze raz podać numer",
        "Proszę się ze mną nie kontaktować",
    ]
    talk.reply("3")
    assert talk.said()[0] == (
        "W porządku. Nikt się z Tobą nie skontaktuje. Twoje odpowiedzi nadal zostaną zachowane "
        "anonimowo."
    )
    phone = after_bad_phones(every_type, "pl")
    for typed in ("2", "07700 900123", "pomiń", "1"):
        phone.reply(typed)
    assert phone.said()[0] == "Dziękujemy. Ktoś z zespołu skontaktuje się z Tobą telefonicznie."
