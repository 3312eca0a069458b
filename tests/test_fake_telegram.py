"""The fake Bot API server works with python-telegram-bot's real HTTP stack."""

from __future__ import annotations

import asyncio
import datetime as dtm
import time
from collections.abc import AsyncIterator

import pytest
from fake_telegram import FakeTelegram
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MessageEntity,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

USER = 1001


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(tg.token, base_url=tg.base_url) as b:
        yield b


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d)] for t, d in pairs])


async def one_update(bot: Bot) -> Update:
    updates = await bot.get_updates(timeout=2)
    assert len(updates) == 1, updates
    await bot.get_updates(offset=updates[0].update_id + 1)
    return updates[0]


async def test_initialize_calls_get_me(tg: FakeTelegram) -> None:
    async with Bot(tg.token, base_url=tg.base_url) as bot:
        assert tg.calls[0][0] == "getMe"
        assert bot.username == "feedback_test_bot"
        assert bot.id == 123456
        me = await bot.get_me()
        assert me.is_bot


async def test_wrong_token_is_invalid_token(tg: FakeTelegram) -> None:
    bot = Bot("999:WRONG", base_url=tg.base_url)
    with pytest.raises(InvalidToken):
        await bot.initialize()
    await bot.shutdown()


async def test_send_message_and_read_it_back(tg: FakeTelegram, bot: Bot) -> None:
    tg.send_text(USER, "hello", first_name="Amira")
    sent = await bot.send_message(
        USER, "Thank you, <b>Amira</b> &amp; co", parse_mode=ParseMode.HTML
    )
    assert sent.text == "Thank you, Amira & co"
    assert sent.chat.id == USER and sent.chat.type == "private" and sent.chat.first_name == "Amira"
    assert sent.from_user is not None and sent.from_user.id == bot.id
    assert sent.entities == (MessageEntity("bold", 11, 5),)
    last = tg.last_message(USER)
    assert last is not None and last.message_id == sent.message_id
    assert last.text == "Thank you, Amira & co" and last.source.startswith("Thank you, <b>")
    assert [m.text for m in tg.chat(USER)] == ["Thank you, Amira & co"]
    assert tg.calls_to("sendMessage")[0]["chat_id"] == str(USER)  # form-encoded: all strings


async def test_unknown_chat_and_blocked_user(tg: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(4242, "hi")
    tg.send_text(USER, "hi")
    update = tg.block(USER)
    assert update["my_chat_member"]["new_chat_member"]["status"] == "kicked"
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(USER, "hi")
    parsed = (await bot.get_updates())[-1]
    assert parsed.my_chat_member is not None
    assert parsed.my_chat_member.new_chat_member.status == "kicked"


async def test_long_poll_delivers_and_offset_confirms(tg: FakeTelegram, bot: Bot) -> None:
    queued = tg.send_text(USER, "My midwife was lovely")
    updates = await bot.get_updates(timeout=5)
    assert [u.update_id for u in updates] == [queued["update_id"]]
    message = updates[0].message
    assert message is not None and message.text == "My midwife was lovely"
    assert message.chat.id == message.from_user.id == USER  # type: ignore[union-attr]
    # Not confirmed yet: delivered again.
    assert [u.update_id for u in await bot.get_updates()] == [queued["update_id"]]
    assert tg.pending_updates() == 1
    assert await bot.get_updates(offset=queued["update_id"] + 1) == ()
    assert tg.pending_updates() == 0
    assert await bot.get_updates() == ()  # confirmed updates are gone for good
    assert tg.delivered == [queued["update_id"]] * 2


async def test_long_poll_wakes_up_when_an_update_arrives(tg: FakeTelegram, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await tg.wait_for(lambda: tg.calls_to("getUpdates"))
    start = time.monotonic()
    tg.send_text(USER, "hi")
    updates = await poll
    assert len(updates) == 1 and time.monotonic() - start < 1


async def test_long_poll_times_out_empty(tg: FakeTelegram, bot: Bot) -> None:
    start = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 < time.monotonic() - start < 3
    params = tg.calls_to("getUpdates")[0]
    assert params["timeout"] == "1" and "offset" not in params  # PTB drops None params


async def test_limit_and_allowed_updates(tg: FakeTelegram, bot: Bot) -> None:
    for i in range(5):
        tg.send_text(USER + i, f"m{i}")
    assert len(await bot.get_updates(limit=2, allowed_updates=["message"])) == 2
    tg.send_text(USER, "hi")
    tg.send_sticker(USER)
    assert len(await bot.get_updates(offset=-2)) == 2


async def test_a_newer_poll_terminates_the_older_with_conflict(tg: FakeTelegram, bot: Bot) -> None:
    old = asyncio.create_task(bot.get_updates(timeout=10))
    await tg.wait_for(lambda: tg.calls_to("getUpdates"))
    # PTB gives getUpdates its own 1-connection pool, so a second poller needs a second Bot.
    async with Bot(tg.token, base_url=tg.base_url) as other:
        assert await other.get_updates() == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates"):
        await old


async def test_webhook_methods(tg: FakeTelegram, bot: Bot) -> None:
    assert await bot.set_webhook("https://example.org/hook")
    assert (await bot.get_webhook_info()).url == "https://example.org/hook"
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    tg.send_text(USER, "hi")
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == ()
    assert await bot.close() and await bot.log_out()


async def test_commands(tg: FakeTelegram, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "Begin"), BotCommand("help", "Help")])
    assert tg.commands == [
        {"command": "start", "description": "Begin"},
        {"command": "help", "description": "Help"},
    ]
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    tg.send_command(USER, "/start", payload="unit_A-1")
    message = (await one_update(bot)).message
    assert message is not None and message.text == "/start unit_A-1"
    assert message.parse_entities([MessageEntity.BOT_COMMAND]) == {
        MessageEntity("bot_command", 0, 6): "/start"
    }


async def test_press_gives_callback_query_on_current_message(tg: FakeTelegram, bot: Bot) -> None:
    tg.send_text(USER, "hi")
    await one_update(bot)
    sent = await bot.send_message(USER, "How was it?", reply_markup=keyboard(("Good", "q1:good")))
    assert tg.last_message(USER).reply_markup == [[("Good", "q1:good")]]  # type: ignore[union-attr]
    await bot.edit_message_text(
        "How was your stay?", USER, sent.message_id, reply_markup=keyboard(("Great", "q1:great"))
    )
    assert tg.chat(USER)[0].history == [("How was it?", [[("Good", "q1:good")]])]
    with pytest.raises(LookupError, match="no button"):
        tg.press(USER, sent.message_id, "q1:good")  # no longer on the keyboard
    tg.press(USER, sent.message_id, "q1:great")
    update = await one_update(bot)
    query = update.callback_query
    assert query is not None and query.data == "q1:great" and query.from_user.id == USER
    assert query.message is not None and query.message.message_id == sent.message_id
    assert query.message.text == "How was your stay?"  # type: ignore[union-attr]
    markup = query.message.reply_markup  # type: ignore[union-attr]
    assert markup.inline_keyboard[0][0].callback_data == "q1:great"
    assert await query.answer("Thanks")
    assert tg.callback_answers[0]["text"] == "Thanks"
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await query.answer()  # answered already
    assert tg.press_label(USER, "Great")["callback_query"]["data"] == "q1:great"
    assert tg.pending_updates() == 1


async def test_edit_without_markup_removes_keyboard(tg: FakeTelegram, bot: Bot) -> None:
    tg.send_text(USER, "hi")
    sent = await bot.send_message(USER, "Q", reply_markup=keyboard(("A", "a")))
    edited = await bot.edit_message_text("Q", USER, sent.message_id)
    assert edited.reply_markup is None  # type: ignore[union-attr]
    assert tg.last_message(USER).reply_markup == []  # type: ignore[union-attr]
    await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=keyboard(("B", "b")))
    assert tg.last_message(USER).buttons == [("B", "b")]  # type: ignore[union-attr]


async def test_reply_keyboards_are_accepted_but_not_echoed(tg: FakeTelegram, bot: Bot) -> None:
    tg.send_text(USER, "hi")
    markup = ReplyKeyboardMarkup([["Yes", "No"]], one_time_keyboard=True)
    sent = await bot.send_message(USER, "Share?", reply_markup=markup)
    assert sent.reply_markup is None
    assert tg.last_message(USER).markup["keyboard"] == [  # type: ignore[union-attr,index]
        [{"text": "Yes"}, {"text": "No"}]
    ]


@pytest.mark.parametrize(
    ("text", "parse_mode", "message"),
    [
        ("x" * 4097, None, "message is too long"),
        ("", None, "message text is empty"),
        ("<b></b>  ", ParseMode.HTML, "message text is empty"),
        ("<b>unclosed", ParseMode.HTML, "can't parse entities"),
        ("<foo>x</foo>", ParseMode.HTML, "unsupported start tag"),
        ("<b>x</i>", ParseMode.HTML, "unexpected end tag"),
        ("1 < 2", ParseMode.HTML, "can't parse entities"),
    ],
)
async def test_send_errors(
    tg: FakeTelegram, bot: Bot, text: str, parse_mode: str | None, message: str
) -> None:
    tg.send_text(USER, "hi")
    with pytest.raises(BadRequest) as err:
        await bot.send_message(USER, text, parse_mode=parse_mode)
    assert message in err.value.message.lower()  # PTB strips "Bad Request: " and capitalizes
    assert tg.chat(USER) == []


async def test_limits_are_inclusive_and_html_is_counted_after_parsing(
    tg: FakeTelegram, bot: Bot
) -> None:
    tg.send_text(USER, "hi")
    await bot.send_message(USER, "é" * 4096)
    await bot.send_message(USER, f"<b>{'x' * 4096}</b>", parse_mode=ParseMode.HTML)
    ok = "a" * 64
    await bot.send_message(USER, "ok", reply_markup=keyboard(("A", ok)))
    allowed = (
        '<i>i</i><em>e</em><u>u</u><s>s</s><a href="https://nhs.uk">a</a><code>c</code>'
        "<pre>p</pre><strong>s</strong><tg-spoiler>t</tg-spoiler><blockquote>q</blockquote>"
        '<span class="tg-spoiler">x</span> 2 &gt; 1 &lt; 3 &#39;'
    )
    sent = await bot.send_message(USER, allowed, parse_mode=ParseMode.HTML)
    assert sent.text == "ieusacpstqx 2 > 1 < 3 '"
    assert len(sent.entities) == 11


async def test_button_data_over_64_bytes(tg: FakeTelegram, bot: Bot) -> None:
    tg.send_text(USER, "hi")
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(USER, "Q", reply_markup=keyboard(("A", "é" * 33)))  # 66 bytes


async def test_edit_errors(tg: FakeTelegram, bot: Bot) -> None:
    tg.send_text(USER, "hi")
    sent = await bot.send_message(USER, "Q", reply_markup=keyboard(("A", "a")))
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("Q", USER, sent.message_id, reply_markup=keyboard(("A", "a")))
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(
            USER, sent.message_id, reply_markup=keyboard(("A", "a"))
        )
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("Q2", USER, 999)
    with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
        await bot.edit_message_text("Q2", USER, 1)  # the user's own message
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=keyboard(("A", "")))
    assert await bot.delete_message(USER, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("Q2", USER, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(USER, sent.message_id)
    assert tg.chat(USER) == [] and tg.chat(USER, include_deleted=True)[0].deleted


async def test_injected_502_is_network_error(tg: FakeTelegram, bot: Bot) -> None:
    tg.send_text(USER, "hi")
    tg.fail_next("sendMessage", count=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(USER, "x")
    await bot.send_message(USER, "x")
    assert len(tg.chat(USER)) == 1


async def test_injected_429_is_retry_after(
    tg: FakeTelegram, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PTB 22.2+ warns (PTBDeprecationWarning, an error here) when RetryAfter.retry_after is read as
    # an int -- even inside RetryAfter.__init__ -- unless PTB_TIMEDELTA is set.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    tg.send_text(USER, "hi")
    tg.rate_limit_next("sendMessage", retry_after=1)
    with pytest.raises(RetryAfter) as err:
        await bot.send_message(USER, "x")
    assert err.value.retry_after == dtm.timedelta(seconds=1)
    await bot.send_message(USER, "x")


async def test_other_methods(tg: FakeTelegram, bot: Bot) -> None:
    tg.send_text(USER, "hi")
    assert await bot.send_chat_action(USER, "typing")
    doc = await bot.send_document(USER, b"a,b\n1,2\n", filename="x.csv", caption="Export")
    assert doc.document is not None and doc.caption == "Export"
    photo = await bot.send_photo(USER, b"\x89PNG fake")
    assert photo.photo
    with pytest.raises(EndPointNotFound):  # a 404 "Not Found"
        await bot.do_api_request("noSuchMethod")


async def test_user_update_kinds_parse(tg: FakeTelegram, bot: Bot) -> None:
    text = tg.send_text(USER, "typo", first_name="Jo", language_code="cy")
    tg.send_sticker(USER)
    tg.send_photo(USER, caption="the ward")
    tg.send_voice(USER)
    tg.send_location(USER)
    tg.send_contact(USER)
    tg.send_document(USER)
    tg.edit_text(USER, text["message"]["message_id"], "fixed")
    tg.send_group_text(-100200, USER, "hello group")
    updates = await bot.get_updates()
    msgs = [u.message for u in updates[:7]]
    assert msgs[0] and msgs[0].from_user and msgs[0].from_user.language_code == "cy"
    assert msgs[1] and msgs[1].sticker is not None
    assert msgs[2] and msgs[2].photo and msgs[2].caption == "the ward"
    assert msgs[3] and msgs[3].voice is not None
    assert msgs[4] and msgs[4].location is not None
    assert msgs[5] and msgs[5].contact and msgs[5].contact.user_id == USER
    assert msgs[6] and msgs[6].document is not None
    edited = updates[7].edited_message
    assert edited and edited.text == "fixed" and edited.edit_date is not None
    group = updates[8].message
    assert group and group.chat.type == "group" and group.chat.id == -100200
    tg.send_group_text(-100200, 77, "a stranger")
    await bot.send_message(-100200, "Hello group")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(77, "private hello")
    assert [u.update_id for u in updates] == list(range(1, 10))


async def test_wait_for(tg: FakeTelegram, bot: Bot) -> None:
    tg.send_text(USER, "hi")
    asyncio.get_running_loop().call_later(0.05, tg.send_text, USER, "again")
    assert await tg.wait_for(lambda: tg.pending_updates() == 2, timeout=2)
    with pytest.raises(TimeoutError, match="waiting for reply"):
        await tg.wait_for(lambda: tg.last_message(USER), timeout=0.1, what="reply")


async def test_two_hundred_users_are_fast(tg: FakeTelegram, bot: Bot) -> None:
    start = time.monotonic()
    for user in range(200):
        tg.send_text(10_000 + user, "hi")
    offset, seen = 0, 0
    while seen < 200:
        updates = await bot.get_updates(offset=offset, timeout=1)
        seen += len(updates)
        offset = updates[-1].update_id + 1
    await asyncio.gather(*(bot.send_message(10_000 + u, "Thanks") for u in range(200)))
    assert all(len(tg.chat(10_000 + u)) == 1 for u in range(200))
    assert time.monotonic() - start < 5


async def test_ptb_application_polls_and_replies(tg: FakeTelegram) -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(
            f"You said: {update.effective_message.text}", reply_markup=keyboard(("OK", "ok"))
        )

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        await update.callback_query.answer()
        await update.callback_query.edit_message_text("Done")

    app = ApplicationBuilder().token(tg.token).base_url(tg.base_url).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.add_handler(CallbackQueryHandler(pressed))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=10)
        tg.send_text(USER, "hello")
        reply = await tg.wait_for(lambda: tg.last_message(USER), what="the echo")
        assert reply.text == "You said: hello"
        tg.press_label(USER, "OK")
        await tg.wait_for(lambda: reply.text == "Done", what="the edit")
        assert len(tg.callback_answers) == 1
        await app.updater.stop()
        await app.stop()
    assert tg.pending_updates() == 0  # the Updater confirmed what it fetched on the way out
    params = [p for p in tg.calls_to("getUpdates") if p.get("timeout") == "10"]
    assert params, tg.calls_to("getUpdates")
