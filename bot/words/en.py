"""Every word the bot says to a parent in English, in every channel, in one place.

A new language is a copy of this file with each text translated (the keys and the `{names}` in
braces stay as they are) and its name added to `bot.words.LANGUAGES`; a test checks that every
language has every word. The welcome, the privacy notice and the safeguarding message here are
the defaults: `config.yaml` can replace each one, per language.
"""

from __future__ import annotations

NAME = "English"


def plural(n: int) -> int:
    """Which of a text's `|`-separated forms fits `n`: 0 for one, 1 for more."""
    return 0 if n == 1 else 1


#: Number words a parent may type for a number ("two" for 2).
NUMBERS = {
    "zero": 0,
    "none": 0,
    "no": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}

WORDS = {
    # ── said before anything else, and on request ────────────────────────────────────────
    "welcome": "This chat is anonymous: we never see your name or phone number. Nobody watches "
    "this chat, so it cannot help in an emergency. If you need help now, call 999.",
    "privacy_notice": "Your answers are anonymous. Names, phone numbers and other personal "
    "details you type are removed before anything is stored. You can delete your answers at "
    "any time until they are made anonymous.",
    "signpost": "This chat is not monitored, so nobody will see this straight away. If you or "
    "your baby need help now, call 999. For urgent advice call your midwife or maternity unit, "
    "or NHS 111 (choose option 2 for a mental health crisis). Samaritans: 116 123, any time. "
    "National Domestic Abuse Helpline: 0808 2000 247, any time. If your baby is moving less "
    "than usual, or you notice a change, call your midwife or maternity unit now - do not wait "
    "until tomorrow.",
    # ── buttons and the words that mean the same typed ───────────────────────────────────
    "back": "Back",
    "skip": "Skip",
    "prefer_not": "Prefer not to say",
    "done": "Done",
    "yes": "Yes",
    "no": "No",
    "progress": "{percent}% done",
    # ── the terminal preview's hints and typed commands ──────────────────────────────────
    "hint_single": "type a number",
    "hint_multi": "type one or more numbers, e.g. 1, 3",
    "hint_text": "type your answer",
    "hint_or": "or",
    "hint_commands": "Type help at any time for what you can do.",
    "stop": "stop",
    "restart": "restart",
    "delete_word": "delete",
    "help_word": "help",
    "privacy_word": "privacy",
    # ── how to answer ────────────────────────────────────────────────────────────────────
    "type_below": "Type your answer and send it.",
    "tick_then_done": "Tap all that apply, then Done.",
    "choose_one": "Please choose one of the options.",
    "choose_some": "Please choose between {min} and {max} options.",
    "choose_at_least": "Please choose at least {min}.",
    "choose_at_most": "You can choose up to {max}.",
    "exclusive": "“{label}” can't be chosen together with other answers.",
    "type_answer": "Please type your answer.",
    "too_long": "That's {n} characters. Please keep it under {max}.",
    "number": "Please send a number.",
    "whole_number": "Please send a whole number.",
    "number_range": "Please send a number from {min} to {max}.",
    "number_min": "Please send {min} or more.",
    "number_max": "Please send {max} or less.",
    "month_year": "Please send the month and year, like “{words}” or “{digits}”.",
    "month_year_range": "Please send a month between {first} and {last}.",
    "no_skip": "This question can't be skipped.",
    "left_for_now": "Let's leave this one for now. You can come back to it with Back.",
    "left_at_end": "Let's leave this one.",
    "required_single": "We need an answer to this question to go on. Please choose the answer "
    "below that fits best. If now isn't a good time, you can stop for now and carry on later.",
    "required_multi": "We need an answer to this question to go on. Please choose all the "
    "answers below that fit. If now isn't a good time, you can stop for now and carry on later.",
    "required_typed": "We need an answer to this question to go on. Please send it the way the "
    "line above says. If now isn't a good time, you can stop for now and carry on later.",
    "first_question": "This is the first question.",
    "other_prompt": "Please tell us a little more.",
    "stale": "That button is from an earlier message. Here is where we are now:",
    # ── stopping, coming back, finishing ─────────────────────────────────────────────────
    "paused": "Your answers so far are saved. Send /start whenever you want to carry on.",
    "paused_terminal": "Your answers so far are saved. Run the chat again to carry on.",
    "paused_web": "Your answers so far are saved. Open this page again on this phone to carry on.",
    "resumed": "Welcome back! Let's carry on where you left off.",
    "returning": "Welcome back! You started this questionnaire a while ago. Would you like to "
    "carry on where you left off, or start again?",
    "carry_on": "Carry on",
    "start_again": "Start again",
    "restarted": "Starting again from the first question.",
    "finished": "You have already finished. Thank you! Send /start to answer again.",
    # ── a follow-up interview ────────────────────────────────────────────────────────────
    "contact_name": "What name should they ask for?",
    "contact_phone": "What phone number can they call? (Or skip this to give an email instead.)",
    "contact_email": "What email address can they use?",
    "contact_time": "When is the best time to contact you?",
    "contact_need_one": "We need a phone number or an email address to contact you.",
    "bad_phone": "That doesn't look like a UK phone number. Please try again, like 07700 900123.",
    "bad_email": "That doesn't look like an email address. Please try again.",
    "contact_phone_failed": "That still doesn't look like a UK phone number. What would you "
    "like to do?",
    "contact_email_failed": "That still doesn't look like an email address. What would you like "
    "to do?",
    "contact_use_email": "Give an email address instead",
    "contact_use_phone": "Give a phone number instead",
    "contact_retry_phone": "Try the phone number again",
    "contact_retry_email": "Try the email again",
    "contact_phone_only": "Just use my phone number",
    "contact_email_only": "Just use my email address",
    "contact_dont": "Don't contact me",
    "contact_none": "That's fine. Nobody will contact you. Your answers are still kept, "
    "anonymously.",
    "contact_thanks_phone": "Thank you. Someone from the engagement team will contact you by "
    "phone.",
    "contact_thanks_email": "Thank you. Someone from the engagement team will contact you by "
    "email.",
    "contact_thanks_both": "Thank you. Someone from the engagement team will contact you by "
    "phone or email.",
    "time_morning": "Morning",
    "time_afternoon": "Afternoon",
    "time_evening": "Evening",
    "time_any": "Any time",
    # ── help, in each channel ────────────────────────────────────────────────────────────
    "help": "I ask a few questions about your maternity care. Tap a button to answer, or type "
    "when I ask you to. Use ◀️ Back to change an answer and Skip to leave one out. Send /stop "
    "to pause (your answers are kept) and /start to carry on, /language to change language, "
    "/privacy to see how answers are kept, and /delete to delete your answers.",
    "help_terminal": "I ask a few questions about your maternity care. Type the number of an "
    "answer, or type your answer when I ask you to. Type back to change the answer before, "
    "skip to leave a question out, restart to start again from the first question, stop to "
    "pause (your answers are kept), privacy to see how answers are kept, and delete to delete "
    "your answers.",
    "help_web": "This page asks a few questions about your maternity care. Choose an answer, or "
    "type one when asked. Back changes the answer before, Skip leaves a question out, and Stop "
    "for now pauses: your answers are kept, and opening this page again on this phone carries "
    "on. “How your answers are kept” and “Delete my answers” are at the bottom of every page.",
    # ── Telegram ─────────────────────────────────────────────────────────────────────────
    "unsupported": "I can only read typed messages and button taps, so I couldn't use that. "
    "Please answer with the buttons, or type your answer. Nobody listens to voice notes or "
    "looks at pictures here: if you or your baby need help now, call 999.",
    "edited": "I can't read changes to earlier messages. Please send your answer as a new message.",
    "unknown_command": "I don't know that command. Send /help to see what I can do.",
    "button_gone": "That button no longer works.",
    "sorry": "Sorry, something went wrong on our side and that wasn't saved. Please send it again.",
    "too_many": "You've sent a lot of messages at once. I'll answer the ones I already have, but "
    "I couldn't read the rest. Please wait for my reply before sending more.",
    "busy": "Lots of people are answering right now, so I'm a little slow. I have your answer "
    "and I'll reply shortly; there's no need to send it again.",
    "choose_language": "🌐 Choose a language",
    "command_start": "Start or carry on the questionnaire",
    "command_help": "How this chat works, and where to get help",
    "command_privacy": "How your answers are kept",
    "command_language": "Change language",
    "command_restart": "Start the questions again",
    "command_stop": "Stop for now (your answers are kept)",
    "command_delete": "Delete your answers",
    # ── deleting answers ─────────────────────────────────────────────────────────────────
    "delete_confirm": "Do you want to delete the answers you have given here?",
    "delete_yes": "🗑 Yes, delete my answers",
    "delete_no": "No, keep them",
    "delete_typed": "Type yes to delete them, or anything else to keep them.",
    "nothing_deleted": "Nothing was deleted.",
    "deleted": "Deleted: {responses} with {answers}",
    "deleted_responses": "{n} questionnaire|{n} questionnaires",
    "deleted_answers": "{n} answer|{n} answers",
    "deleted_contacts": " and {contacts}",
    "deleted_contact_requests": "{n} contact request|{n} contact requests",
    "deleted_end": ". Nothing else is kept about you here.",
    "nothing_to_delete": "There are no answers linked to you to delete.",
    "already_anonymous": " Answers completed more than {days} days ago are already anonymous: "
    "they can't be linked to you, so they can't be found to delete.",
    # ── the web chat's page ──────────────────────────────────────────────────────────────
    "web_title": "Maternity feedback",
    "web_skip_link": "Skip to the question",
    "web_start": "Start",
    "web_send": "Send",
    "web_your_answer": "Your answer",
    "web_problem": "There is a problem",
    "web_error": "Error",
    "web_month_hint": "For example, {words} or {digits}",
    "web_conversation": "Conversation so far",
    "web_you": "You",
    "web_help": "Help",
    "web_urgent": "If you need help now",
    "web_stop": "Stop for now",
    "web_paused": "You have stopped for now",
    "web_poster_title": "Carry on, or start the new questions?",
    "web_poster_under_way": "You have already started “{current}”.",
    "web_poster_opened": "The link you opened is for “{new}”.",
    "web_poster_kept": "If you start the new questions, the answers you have given so far are "
    "kept, but you cannot go back to them.",
    "web_poster_carry_on": "Carry on where I left off",
    "web_poster_start": "Start the new questions",
    "web_privacy": "How your answers are kept",
    "web_cookie": "This page keeps one cookie on this phone, so you can carry on where you left "
    "off. It holds a random code, nothing about you, and goes when you delete your answers.",
    "web_cookies_off": "Turn on cookies to use this chat",
    "web_cookies_off_text": "This chat needs one cookie to remember your place in the questions. "
    "This phone's browser did not keep it, so the questions cannot start.",
    "web_cookies_how": "To allow it, open your browser's settings and allow cookies for this "
    "site, or leave private browsing. Then try again.",
    "web_try_again": "Try again",
    "web_delete": "Delete my answers",
    "web_language": "Language",
    "web_again": "Answer again",
    "web_back_to_chat": "Back to the questions",
    "web_ended": "Thank you",
    "web_not_found": "Page not found",
    "web_not_found_text": "There is nothing at this address. The questions are on the first page.",
    "web_too_fast": "Please wait a moment",
    "web_away_saved": "You had been away for a while, so we checked your place first. We have "
    "carried on where you left off and saved your answer.",
    "web_away_resumed": "You had been away for a while, so we checked your place first. We have "
    "carried on where you left off.",
    "web_away_lost": "You had been away for a while, so that answer was not saved.",
    "web_gone": "We could not find your earlier answers on this phone: they were deleted, or "
    "left for too long. That answer was not saved. You can start the questions again.",
    "web_finished_already": "You have already finished these questions, so that answer was not "
    "saved.",
    "web_expired": "This page was out of date, so nothing was changed. Here is where you are now.",
    "web_sorry": "Sorry, something went wrong",
    "web_sorry_text": "Your answers so far are saved. Please try again in a minute.",
    "web_too_big": "That was too long to send. Please send a shorter answer.",
    "web_deleted_title": "Your answers are deleted",
    "web_start_again": "Start the questions again",
    "web_too_slow": "That took too long to arrive, so nothing was changed. Please try again.",
    "web_unreadable": "Sorry, that could not be read",
    "web_unreadable_text": "What this phone sent could not be read, so nothing was changed. Your "
    "answers so far are saved: go back to the questions and try again.",
    "web_too_fast_answers": "Too many answers came from this phone at once. Wait a few seconds, "
    "then go on: nothing you sent before this has been lost.",
    "web_too_fast_pages": "This page was opened or reloaded too many times at once. Wait a few "
    "seconds, then reload it: your answers so far are saved.",
    "web_too_fast_deletes": "Too many requests to delete came from this phone at once, so this "
    "one did nothing. Wait a few seconds, then try again.",
    "web_too_fast_visitors": "Many people have just opened this chat from the same network. Wait "
    "a few seconds, then try again.",
}
