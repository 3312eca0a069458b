"""The web chat over real HTTP on loopback, as a browser without JavaScript uses it, on real
SQLite files: the same engine and storage as Telegram, and a public endpoint's defences."""

from __future__ import annotations

import asyncio
import html
import json
import re
import shutil
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import DATA, NOW, SEALER, make_config, make_service
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from web_driver import Browser, Page, browser, count, database_bytes, serving, web_config

from bot.channels.web.guard import CONTENT_SECURITY_POLICY, Cookies, Limiter
from bot.channels.web.headings import LaidOut, lay_out
from bot.channels.web.server import WebChat
from bot.config import Config
from bot.service import Service
from bot.storage.store import Store

ANSWERS = "SELECT COUNT(*) FROM answers"


def unlimited(tmp_path: Path) -> Config:
    """The web chat's settings with no per-client limits, so tests can answer at their pace."""
    return web_config(
        make_config(tmp_path),
        answers_per_minute=0,
        page_loads_per_minute=0,
        new_visitors_per_minute=0,
    )


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[Service]:
    config = unlimited(tmp_path)
    store = await Store.open(config.database, SEALER)
    try:
        yield await make_service(store, config)
    finally:
        await store.close()


@pytest.fixture
async def base(service: Service) -> AsyncIterator[str]:
    async with serving(service) as (_, url):
        yield url


async def test_a_parent_completes_the_default_questionnaire_with_plain_forms(
    service: Service, base: str
) -> None:
    async with browser(base) as parent:
        welcome = await parent.get("/")
        assert "Nobody watches this chat" in welcome.text  # the "not monitored" notice first
        page = await parent.start()
        assert page.kind == "single" and "happy to start" in page.heading  # consent first
        page, sent = await parent.finish(page)
    assert page.heading == "Thank you"
    assert sent > 10
    store = service.store
    assert await count(store, "SELECT COUNT(*) FROM responses WHERE status = 'complete'") == 1
    assert await count(store, ANSWERS) >= sent - 5  # contact details are not answers


async def test_the_parents_own_answers_show_as_their_bubbles_and_free_text_is_redacted(
    service: Service, base: str
) -> None:
    async with browser(base) as parent:
        page = await parent.to_typed_question(await parent.start())
        typed = "The midwife Sarah Jones on 07700 900123 was lovely"
        page = await parent.say(page, typed)
    mine = [text for kind, text in page.bubbles if kind == "you"]
    assert "Bridgnorth" in mine  # the unit they tapped, in words
    assert "07700" not in page.text and "07700" not in json.dumps(mine)
    assert "was lovely" in mine[-1]
    stored = database_bytes(service.config.database)
    assert b"07700 900123" not in stored and b"was lovely" in stored


async def test_a_double_submitted_or_resubmitted_form_is_stored_once(
    service: Service, base: str
) -> None:
    async with browser(base) as parent:
        page = await parent.start()
        page = await parent.answer(page)  # consent
        question = page
        before = await count(service.store, ANSWERS)
        await asyncio.gather(parent.answer(question), parent.answer(question))
        after_double = await count(service.store, ANSWERS)
        page = await parent.answer(question)  # the back button, and the same form again
    assert after_double == before + 1
    assert await count(service.store, ANSWERS) == before + 1
    assert page.status == 200 and page.seq != question.seq  # shown where they are now


async def test_forged_sequence_numbers_options_and_tokens_change_nothing(
    service: Service, base: str
) -> None:
    async with browser(base) as parent:
        page = await parent.start()
        page = await parent.answer(page)
        before = await count(service.store, ANSWERS)
        forged = [
            {"seq": "999999", "choose": "bridgnorth"},
            {"seq": "-1", "choose": "bridgnorth"},
            {"seq": "x" * 5000, "choose": "bridgnorth"},
            {"seq": page.seq or "", "choose": "not-an-option"},
            {"seq": page.seq or "", "choose": "bridgnorth", "csrf": "forged"},
            {"seq": page.seq or "", "action": "nonsense"},
        ]
        pages = [await parent.post("/answer", data) for data in forged]
    assert [p.status for p in pages] == [200] * len(forged)
    assert all(p.heading == page.heading for p in pages)
    assert await count(service.store, ANSWERS) == before
    assert "out of date" in pages[4].text
    assert '<a href="#choice-1">Please choose one of the options.</a>' in pages[3].text  # linked


async def test_ten_thousand_characters_and_control_characters_get_a_polite_answer(
    service: Service, base: str
) -> None:
    async with browser(base) as parent:
        page = await parent.to_typed_question(await parent.start())
        seq = page.seq or ""
        long = await parent.post("/answer", {"seq": seq, "action": "text", "text": "ą" * 10_000})
        assert long.status == 200 and long.seq == seq
        assert 'id="error-summary"' in long.text and "under 1000" in long.text
        assert "ą" * 4000 + "</textarea>" in long.text and "ą" * 4001 not in long.text  # kept
        odd = await parent.post("/answer", {"seq": seq, "action": "text", "text": "ok\x00\x1b[31m"})
    assert odd.status == 200 and odd.seq != seq
    rows = await service.store.db.execute_fetchall("SELECT value FROM answers")
    assert '"ok[31m"' in [row[0] for row in rows]  # control characters gone before storage


async def test_a_made_up_cookie_is_no_cookie_and_a_post_without_one_goes_to_the_start(
    base: str,
) -> None:
    async with browser(base) as parent:
        parent.session.cookie_jar.update_cookies({"chat": "made-up.value"})
        page = await parent.get("/")
        assert "Start" in page.text and page.seq is None
        parent.session.cookie_jar.clear()
        page = await parent.post("/answer", {"seq": "1", "choose": "agree", "csrf": "x"})
    assert page.status == 200 and "Start" in page.text


async def test_every_page_has_strict_headers_and_the_cookie_is_locked_down(
    tmp_path: Path,
) -> None:
    config = make_config(tmp_path)  # the shipped settings: Secure cookie
    store = await Store.open(config.database, SEALER)
    try:
        service = await make_service(store, config)
        async with serving(service) as (_, url), browser(url) as parent:
            async with parent.session.get(url + "/") as response:
                cookie = response.headers["Set-Cookie"]
                headers = response.headers
            async with parent.session.get(url + "/static/chat.js") as script:
                assert script.status == 200
                assert script.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    finally:
        await store.close()
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert headers["X-Frame-Options"] == "DENY" and headers["Cache-Control"] == "no-store"
    for part in ("HttpOnly", "Secure", "SameSite=Lax", "Path=/"):
        assert part in cookie


async def test_errors_are_polite_pages_never_a_500(base: str) -> None:
    async with browser(base) as parent:
        missing = await parent.get("/no/such/page")
        wrong_method = await parent.get("/answer")
        await parent.get("/")
        huge = await parent.post("/answer", {"seq": "1", "text": "x" * 400_000})
        not_a_form = await parent.session.post(base + "/answer", data=b"\xff\xfe", headers={
            "Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
        not_a_form_text = await not_a_form.text()
    assert missing.status == 404 and "Page not found" in missing.text
    assert wrong_method.status == 404
    assert huge.status == 413 and "too long" in huge.text
    assert not_a_form.status == 400 and "could not be read" in not_a_form_text


async def test_a_client_flooding_answers_is_slowed_and_others_are_not(tmp_path: Path) -> None:
    config = web_config(make_config(tmp_path), answers_per_minute=60, burst=5)
    store = await Store.open(config.database, SEALER)
    try:
        service = await make_service(store, config)
        async with serving(service) as (_, url), browser(url) as flood, browser(url) as other:
            page = await flood.start()
            floods = [await flood.post("/answer", {"seq": "0", "action": "x"}) for _ in range(20)]
            quiet = await other.start()
            answered = await other.answer(quiet)
    finally:
        await store.close()
    statuses = [p.status for p in floods]
    assert statuses.count(429) >= 14 and "wait" in floods[-1].text.casefold()
    assert page.status == 200
    assert quiet.status == 200 and answered.status == 200 and answered.seq != quiet.seq


def test_limiter_refills_and_forgets_clients_it_no_longer_needs() -> None:
    now = [0.0]
    limiter = Limiter(60, 2, clock=lambda: now[0], limit=3)
    assert [limiter.allow("a") for _ in range(3)][:2] == [0.0, 0.0]
    assert limiter.allow("a") > 0
    now[0] += 1.0
    assert limiter.allow("a") == 0.0
    now[0] += 10
    for client in "bcde":
        limiter.allow(client)
    assert len(limiter) <= 3


def test_cookies_are_signed_and_tokens_belong_to_one_cookie() -> None:
    cookies = Cookies(b"k" * 32)
    one, two = cookies.new(), cookies.new()
    assert cookies.valid(one) == one and one != two
    assert cookies.valid(one[:-1] + ("0" if one[-1] != "0" else "1")) is None
    assert cookies.valid("x" * 500) is None and cookies.valid(None) is None
    assert cookies.csrf_ok(one, cookies.csrf(one)) and not cookies.csrf_ok(two, cookies.csrf(one))


async def test_poster_links_start_the_right_questionnaire_with_the_unit_answered(
    service: Service, base: str
) -> None:
    async with browser(base) as parent:
        page = await parent.start("/s/mlu-ludlow")
        page = await parent.answer(page)  # consent; the unit is not asked
        assert "Which midwife-led unit" not in page.heading
    async with browser(base) as other:
        hub = await other.answer(await other.start("/s/community_hub/not-a-known-tag"))
        bad = await other.get("/s/%3Cscript%3E")
    rows = await service.store.db.execute_fetchall("SELECT flow_id, source FROM responses")
    assert ("mlu_experience", "mlu-ludlow") in [tuple(r) for r in rows]
    assert ("community_hub", None) in [tuple(r) for r in rows]
    assert hub.status == 200 and bad.status == 200 and "<script>" not in bad.text


async def test_deleting_removes_the_answers_and_the_cookie(service: Service, base: str) -> None:
    async with browser(base) as parent:
        page = await parent.start()
        page = await parent.answer(await parent.answer(page))
        confirm = await parent.get("/delete")
        assert "Do you want to delete" in confirm.text
        done = await parent.post("/delete", {"confirm": "yes"})
        after = await parent.get("/")
    assert "Deleted: 1 questionnaire with" in done.text
    assert await count(service.store, "SELECT COUNT(*) FROM responses") == 0
    assert "Start" in after.text and after.seq is None


async def test_no_cookie_address_or_user_agent_reaches_the_database(
    service: Service, base: str
) -> None:
    async with browser(base) as parent:
        page = await parent.start()
        await parent.finish(page)
        cookie = next(c.value for c in parent.session.cookie_jar if c.key == "chat")
    stored = database_bytes(service.config.database)
    for secret in (cookie, cookie.split(".")[0], "127.0.0.1", "aiohttp", "Python/3"):
        assert secret.encode() not in stored


async def test_coming_back_after_the_expiry_window_offers_to_carry_on(tmp_path: Path) -> None:
    now = [NOW]
    config = web_config(make_config(tmp_path))
    store = await Store.open(config.database, SEALER)
    try:
        service = await make_service(store, config, clock=lambda: now[0])
        async with serving(service) as (chat, url), browser(url) as parent:
            page = await parent.answer(await parent.start())
            chat.views.forget(next(iter(chat.views._views)))  # the server restarted meanwhile
            now[0] += timedelta(days=30)
            back = await parent.get("/")
            resumed = await parent.post("/answer", {"seq": back.seq or "", "choose": "resume"})
    finally:
        await store.close()
    assert "carry on" in back.text.casefold() and "Carry on" in back.text
    assert resumed.heading == page.heading


async def test_the_pages_script_gets_the_page_itself_instead_of_a_redirect(base: str) -> None:
    async with browser(base) as parent:
        await parent.get("/")
        async with parent.session.post(
            base + "/start",
            data={"csrf": parent.csrf, "lang": "pl"},
            headers={"X-Chat": "1"},
            allow_redirects=False,
        ) as response:
            assert response.status == 200
            text = await response.text()
    assert 'id="chat"' in text and 'lang="pl"' in text


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fields=st.lists(
        st.tuples(
            st.sampled_from(["seq", "choose", "action", "option", "text", "csrf", "lang", "x"]),
            st.text(max_size=200),
        ),
        max_size=8,
    ),
    path=st.sampled_from(["/answer", "/start", "/language", "/delete"]),
)
async def test_any_form_gets_a_page_never_a_server_error(
    base: str, fields: list[tuple[str, str]], path: str
) -> None:
    async with browser(base) as parent:
        page: Page = await parent.start()
        assert page.status == 200
        result = await Browser.post(parent, path, fields)
        again = await parent.get("/")
    assert result.status in (200, 429) and "<html" in result.text
    assert again.status == 200


async def test_signposting_and_the_contact_consent_behave_as_in_telegram(
    service: Service, base: str
) -> None:
    async with browser(base) as parent:
        page = await parent.to_typed_question(await parent.start())
        typed = "I was bleeding and nobody came"
        page = await parent.say(page, typed)
        signposted = [text for kind, text in page.bubbles if kind == "safety"]
        page, _ = await parent.finish(page)  # agrees to be contacted: name, phone, email, time
        assert "07700 900123" not in page.text and "parent@example.org" not in page.text
        assert ("you", "✓") in page.bubbles  # contact details are acknowledged, never echoed
    assert any("call 999" in text for text in signposted), page.bubbles
    assert await count(service.store, "SELECT COUNT(*) FROM held_contacts") == 1
    stored = database_bytes(service.config.database)
    assert b"07700 900123" not in stored and b"parent@example.org" not in stored  # sealed


async def test_a_poster_for_another_questionnaire_offers_to_carry_on_or_start_it(
    service: Service, base: str
) -> None:
    async with browser(base) as parent:
        question = await parent.answer(await parent.answer(await parent.start()))  # MLU, 1 answer
        offer = await parent.get("/s/community_hub")
        carried_on = await parent.post("/start", {"lang": "en"})  # "Carry on where I left off"
        offer = await parent.get("/s/community_hub")
        fields = re.findall(r'name="(tag|flow|afresh)" value="([^"]*)"', offer.text)
        started = await parent.post("/start", [("lang", "en"), *fields])  # "Start the new ..."
        again = await parent.post("/start", [("lang", "en"), *fields])  # the same form, twice
        rows = await service.store.db.execute_fetchall(
            "SELECT flow_id, status, (SELECT COUNT(*) FROM answers WHERE response_id = r.id) "
            "FROM responses AS r"
        )
    assert offer.heading == "Carry on, or start the new questions?"
    assert "You have already started “Your experience of our midwife-led units”." in offer.text
    assert "The link you opened is for “Your community maternity hub”." in offer.text
    assert carried_on.heading == question.heading and carried_on.seq == question.seq
    assert any("Welcome back" in text for _, text in carried_on.bubbles)
    assert ("afresh", "1") in fields and started.heading == "Are you happy to start?"
    assert "community maternity hub" in started.text  # its own welcome words
    assert again.heading == started.heading and again.seq == started.seq  # not begun twice
    assert [tuple(r) for r in rows] == [("mlu_experience", "partial", 1)]  # kept as it was


async def test_a_poster_for_another_unit_offers_the_choice_and_the_same_poster_carries_on(
    base: str,
) -> None:
    async with browser(base) as parent:
        await parent.answer(await parent.start("/s/mlu-ludlow"))
        other_unit = await parent.get("/s/mlu-telford")
        same = await parent.get("/s/mlu-ludlow")
        same_named = await parent.get("/s/mlu_experience/mlu-ludlow")
    assert other_unit.heading == "Carry on, or start the new questions?"
    assert "“Your experience of our midwife-led units (Ludlow)”" in other_unit.text
    assert "“Your experience of our midwife-led units (Telford)”" in other_unit.text
    assert same.heading == same_named.heading == "Maternity feedback"  # its welcome: carry on


async def test_the_language_switch_and_the_privacy_notice(base: str) -> None:
    async with browser(base) as parent:
        english = await parent.answer(await parent.start())
        polish = await parent.post("/language", {"lang": "pl"})
        privacy = await parent.get("/privacy")
        forged = await parent.post("/language", {"lang": "<script>"})
    assert 'lang="en"' in english.text and 'lang="pl"' in polish.text
    assert polish.seq == english.seq and polish.heading != english.heading  # the same question
    assert "art. 6 ust. 1 lit. e" in privacy.text and "ciasteczko" in privacy.text  # in Polish
    assert forged.status == 200 and "<script>" not in forged.text


@pytest.mark.parametrize(
    ("text", "lead", "heading", "after"),
    [
        (  # the consent text: a paragraph whose last sentence is the question
            "The NHS is looking at how its units work. Your answers will help. Are you happy "
            "to start?",
            ("The NHS is looking at how its units work. Your answers will help.",),
            "Are you happy to start?",
            (),
        ),
        (  # words after the question are its hint
            "When was your baby born, or when are they due? Just the month and year, like "
            "“March 2025”.",
            (),
            "When was your baby born, or when are they due?",
            ("Just the month and year, like “March 2025”.",),
        ),
        (
            "First.\n\nWhat happened?\n\nTake your time.",
            ("First.",),
            "What happened?",
            ("Take your time.",),
        ),
        ("Czy możemy zaczynać?", (), "Czy możemy zaczynać?", ()),
        ("How was the food, e.g. the choice?", (), "How was the food, e.g. the choice?", ()),
        (
            "Did they ask “how are you?” each time?",
            (),
            "Did they ask “how are you?” each time?",
            (),
        ),
        ("نود أن نسمع منك. هل أنت مستعد للبدء؟", ("نود أن نسمع منك.",), "هل أنت مستعد للبدء؟", ()),
        (
            "About you.\n\nPlease tell us a little more. Anything helps.",
            ("About you.",),
            "Please tell us a little more. Anything helps.",
            (),
        ),
    ],
)
def test_any_question_text_has_one_short_heading_with_its_lead_in_as_text(
    text: str, lead: tuple[str, ...], heading: str, after: tuple[str, ...]
) -> None:
    assert lay_out(text) == LaidOut(lead, heading, after)


async def test_every_page_has_one_short_heading_and_a_title_said_once(base: str) -> None:
    async with browser(base) as parent:
        welcome = await parent.get("/")
        consent = await parent.start()
        question = await parent.answer(consent)
        pages = [
            welcome,
            consent,
            question,
            await parent.get("/privacy"),
            await parent.get("/delete"),
            await parent.get("/nowhere"),
        ]
        end, _ = await parent.finish(question)
    for page in [*pages, end]:
        assert page.text.count("<h1") == 1, page.heading
        assert 0 < len(page.heading) <= 100, page.heading
        assert page.title.count("Maternity feedback") == 1, page.title
    assert welcome.title == "Maternity feedback"
    assert consent.heading == "Are you happy to start?"
    assert consent.title == "Are you happy to start? – Maternity feedback"
    assert '<p class="lead-in" data-announce>The NHS in Shropshire' in consent.text  # as text
    assert end.title == "Thank you – Maternity feedback"


@pytest.fixture
async def every_type_base(tmp_path: Path) -> AsyncIterator[str]:
    """The web chat on the engine tests' questionnaire, which asks every kind of question."""
    flows = tmp_path / "flows"
    flows.mkdir()
    shutil.copy(DATA / "every_type.yaml", flows)
    config = make_config(tmp_path, flows=flows, default_flow="every_type")
    store = await Store.open(config.database, SEALER)
    try:
        service = await make_service(store, web_config(config, answers_per_minute=0))
        async with serving(service) as (_, url):
            yield url
    finally:
        await store.close()


def field(page: Page) -> str:
    found = re.search(
        r'<(?:input|textarea) class="(?:input|textarea)" id="answer"[^>]*>', page.text
    )
    assert found, "no answer box"
    return found.group(0)


async def test_each_typed_answer_gets_a_box_and_keyboard_that_fit_it(every_type_base: str) -> None:
    async with browser(every_type_base) as parent:
        page = await parent.start()
        boxes = {}
        for words in ("How many visits", "When was your baby born", "Why?", "What name",
                      "What phone number", "What email address"):  # fmt: skip
            page, _ = await parent.answer_until(page, lambda p, w=words: w in p.question)
            boxes[words] = field(page)
    name, phone, email = (
        boxes[w] for w in ("What name", "What phone number", "What email address")
    )
    assert 'type="text" autocomplete="name"' in name and 'spellcheck="false"' in name
    assert 'type="tel" autocomplete="tel" inputmode="tel"' in phone
    assert 'type="email" autocomplete="email" inputmode="email"' in email
    assert 'spellcheck="false"' in phone and 'autocapitalize="none"' in email
    assert all(box.startswith("<input") for box in (name, phone, email))  # one line, not four
    assert 'inputmode="numeric"' in boxes["How many visits"]  # whole numbers: the digits keypad
    month = boxes["When was your baby born"]
    assert 'autocomplete="off"' in month and "inputmode" not in month  # "March 2026" typeable
    assert boxes["Why?"].startswith("<input") and 'maxlength="50"' in boxes["Why?"]


async def test_the_month_hint_gives_an_example_the_question_accepts(every_type_base: str) -> None:
    async with browser(every_type_base) as parent:
        page = await parent.start()
        page, _ = await parent.answer_until(page, lambda p: "When was your baby born" in p.question)
        hint = re.search(r'<p class="hint" id="answer-hint">(.*?)</p>', page.text)
        refused = await parent.say(page, "soon")
        taken = await parent.say(refused, "08/2026")
    assert hint and hint.group(1) == "For example, August 2026 or 08/2026"  # NOW: November 2026
    assert "like “August 2026” or “08/2026”" in refused.text  # the engine's words agree
    assert taken.seq != page.seq


async def test_a_refused_answer_is_shown_where_it_was_given_with_what_was_typed(
    base: str,
) -> None:
    async with browser(base) as parent:
        page = await parent.start()
        page, _ = await parent.answer_until(page, lambda p: "When was your baby born" in p.question)
        form = {"csrf": parent.csrf, "seq": page.seq or "", "action": "text", "text": "<b>soon"}
        async with parent.session.post(base + "/answer", data=form, allow_redirects=False) as sent:
            location = sent.headers["Location"]
        again = await parent.get("/")
        page, _ = await parent.answer_until(again, lambda p: "What phone number" in p.question)
        phone = await parent.say(page, "12345")
        taken = await parent.say(phone, "07700 900123")
    assert location == "/"  # the top of the page, where the summary takes the focus
    assert (
        again.title == "Error: When was your baby born, or when are they due? – Maternity feedback"
    )
    assert (
        '<h2 class="error-summary-title" id="error-summary-title">There is a problem</h2>'
        in again.text
    )
    assert '<a href="#answer">Please send the month and year' in again.text
    assert 'aria-describedby="answer-hint answer-error" aria-invalid="true"' in again.text
    assert 'value="&lt;b&gt;soon"' in again.text  # kept, and escaped
    assert not any(kind == "warn" for kind, _ in again.bubbles)  # said once, in its place
    assert 'value="12345"' in phone.text and "UK phone number" in phone.text  # their own, kept
    assert 'id="error-summary"' not in taken.text and "aria-invalid" not in taken.text
    assert not taken.title.startswith("Error")


async def test_an_answer_refused_too_often_is_left_and_the_conversation_says_so(
    every_type_base: str,
) -> None:
    async with browser(every_type_base) as parent:
        page = await parent.start()
        page, _ = await parent.answer_until(page, lambda p: "When was your baby born" in p.question)
        for _ in range(3):  # the questionnaire's reask_limit is 2
            page = await parent.say(page, "soon")
    assert "When was your baby born" not in page.question  # moved on
    assert 'id="error-summary"' not in page.text
    assert ("bot", "Let's leave this one for now. You can come back to it with Back.") in (
        page.bubbles
    )
    assert ("you", "soon") not in page.bubbles  # what did not fit is not shown as an answer


def marked(page: Page) -> list[str]:
    """What the page's script reads out after an answer: the elements marked data-announce."""
    found = re.findall(r"<(\w+)[^>]*\sdata-announce[^>]*>(.*?)</\1>", page.text, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split()) for _, body in found]


async def test_only_what_an_answer_brings_is_marked_to_be_read_out(base: str) -> None:
    async with browser(base) as parent:
        consent = await parent.start()
        question = await parent.answer(consent)
        switched = await parent.post("/language", {"lang": "pl"})
    assert marked(consent)[0].startswith("Hello! We'd love to hear")
    assert marked(consent)[-1] == "Are you happy to start?"
    assert marked(question) == ["Which midwife-led unit did you use?"]
    assert marked(switched) == [switched.heading]  # the same question, in Polish


async def test_the_privacy_page_keeps_the_language_the_parent_chose(base: str) -> None:
    async with browser(base) as parent:
        welcome = await parent.get("/?lang=pl")  # "Polski", chosen on the welcome page
        links = re.findall(r'href="(/(?:privacy|delete)[^"]*)"', welcome.text)
        privacy = await parent.get("/privacy?lang=pl")
        back = re.findall(r'class="back-link" href="([^"#]+)', privacy.text)
        again = await parent.get(back[0])
        unknown = await parent.get("/privacy?lang=xx")
    assert len(links) == 3 and all(link.endswith("?lang=pl") for link in links)
    assert 'lang="pl"' in privacy.text and privacy.heading == "Jak przechowujemy odpowiedzi"
    assert "ciasteczko" in privacy.text
    assert 'lang="pl"' in again.text and "Zacznij" in again.text  # the welcome, still Polish
    assert 'lang="en"' in unknown.text


async def test_help_is_at_the_foot_of_every_page_with_where_to_get_help_now(base: str) -> None:
    async with browser(base) as parent:
        pages = [await parent.get("/"), await parent.start(), await parent.get("/privacy")]
        help_page = await parent.get("/help?lang=en")
        polish = await parent.get("/help?lang=pl")
    assert all('<a href="/help?lang=en">Help</a>' in page.text for page in pages)
    assert help_page.heading == "Help" and "Stop for now pauses" in help_page.text
    assert "If you need help now" in help_page.text and "call 999" in help_page.text
    assert polish.heading == "Pomoc" and 'lang="pl"' in polish.text


async def test_stop_for_now_keeps_the_answers_and_carry_on_comes_back_to_the_question(
    service: Service, base: str
) -> None:
    async with browser(base) as parent:
        consent = await parent.start()
        assert 'value="stop"' not in consent.text  # nothing to stop before they agree
        question = await parent.answer(await parent.answer(consent))
        assert (
            '<button class="link-button stop-button" name="action" value="stop">' in question.text
        )
        paused = await parent.post("/answer", {"seq": question.seq or "", "action": "stop"})
        again = await parent.get("/")
        carried_on = await parent.post("/start", {"lang": "en"})
    assert paused.heading == "You have stopped for now" and paused.seq is None
    assert "Your answers so far are saved. Open this page again on this phone" in paused.text
    assert again.heading == paused.heading  # still stopped, when they look again
    assert carried_on.seq == question.seq and carried_on.heading == question.heading
    assert ("bot", "Welcome back! Let's carry on where you left off.") in carried_on.bubbles
    assert (
        await count(service.store, "SELECT COUNT(*) FROM responses WHERE status = 'partial'") == 1
    )
    assert await count(service.store, ANSWERS) == 1  # the unit, kept


async def test_a_phone_that_blocks_the_cookie_is_told_how_to_allow_it(base: str) -> None:
    async with browser(base) as parent:
        welcome = await parent.get("/s/mlu-ludlow?lang=pl")
        parent.session.cookie_jar.clear()  # as a browser that blocks cookies: none comes back
        form = {"csrf": parent.csrf, "lang": "pl", "tag": "mlu-ludlow"}
        polish = await parent.post("/start", form)
        english = await parent.post("/start", {"lang": "en", "tag": "<script>", "flow": "x"})
    assert "Zacznij" in welcome.text
    assert (
        polish.heading == "Włącz ciasteczka, aby korzystać z czatu" and 'lang="pl"' in polish.text
    )
    assert "jednego ciasteczka" in polish.text and "nic o Tobie" in polish.text
    assert 'class="back-link" href="/s/mlu-ludlow?lang=pl"' in polish.text  # the same poster
    assert english.heading == "Turn on cookies to use this chat"
    assert "allow cookies for this site" in english.text and "nothing about you" in english.text
    assert 'class="back-link" href="/?lang=en"' in english.text and "<script>" not in english.text


@pytest.fixture
async def clocked(tmp_path: Path) -> AsyncIterator[tuple[list[datetime], Service, WebChat, str]]:
    """The web chat on a clock the test moves: [now], the service, the chat and its address."""
    now = [NOW]
    config = unlimited(tmp_path)
    store = await Store.open(config.database, SEALER)
    try:
        service = await make_service(store, config, clock=lambda: now[0])
        async with serving(service) as (chat, url):
            yield now, service, chat, url
    finally:
        await store.close()


AWAY = timedelta(days=20)  # longer than sessions.expire_after_days (14)


@pytest.mark.parametrize("restarted", [False, True], ids=["same-server", "restarted"])
async def test_an_answer_after_a_long_gap_carries_on_and_is_saved(
    clocked: tuple[list[datetime], Service, WebChat, str], restarted: bool
) -> None:
    now, service, chat, url = clocked
    async with browser(url) as parent:
        question = await parent.answer(await parent.start())  # which unit?
        now[0] += AWAY
        if restarted:
            chat.views.forget(next(iter(chat.views._views)))
        page = await parent.post("/answer", {"seq": question.seq or "", "choose": "ludlow"})
    assert "You had been away for a while" in page.text and "saved your answer" in page.text
    assert ("you", "Ludlow") in page.bubbles and page.heading != question.heading  # moved on
    rows = await service.store.db.execute_fetchall("SELECT value FROM answers")
    assert [row[0] for row in rows] == ['"ludlow"']
    assert await count(service.store, "SELECT COUNT(*) FROM responses") == 1  # the same one


async def test_a_number_typed_after_a_long_gap_is_never_taken_for_start_again(
    tmp_path: Path,
) -> None:
    now = [NOW]
    flows = tmp_path / "flows"
    flows.mkdir()
    shutil.copy(DATA / "every_type.yaml", flows)
    config = web_config(make_config(tmp_path, flows=flows, default_flow="every_type"))
    store = await Store.open(config.database, SEALER)
    try:
        service = await make_service(store, config, clock=lambda: now[0])
        async with serving(service) as (chat, url), browser(url) as parent:
            page, _ = await parent.answer_until(
                await parent.start(), lambda p: "How many visits" in p.question
            )
            now[0] += AWAY
            chat.views.forget(next(iter(chat.views._views)))  # a restart: drawn from storage
            await parent.get("/")  # the page drawn again offers to carry on or start again
            page = await parent.say(page, "2")  # the number of visits, from the old page
            rows = await service.store.db.execute_fetchall(
                "SELECT value FROM answers WHERE question_id = 'visits'"
            )
    finally:
        await store.close()
    assert [row[0] for row in rows] == ["2"] and "saved your answer" in page.text
    assert "Shall we start?" not in page.text  # not begun again


async def test_an_answer_from_an_older_page_after_a_long_gap_is_said_to_be_unsaved(
    clocked: tuple[list[datetime], Service, WebChat, str],
) -> None:
    now, service, _, url = clocked
    async with browser(url) as parent:
        consent = await parent.start()
        await parent.answer(await parent.answer(consent))  # two questions on
        now[0] += AWAY
        page = await parent.post("/answer", {"seq": consent.seq or "", "choose": "agree"})
    assert "You had been away for a while, so that answer was not saved." in page.text
    assert page.heading == "Would you like to carry on where you left off, or start again?"
    assert await count(service.store, ANSWERS) == 1


async def test_an_answer_to_a_forgotten_or_finished_questionnaire_says_it_was_not_saved(
    clocked: tuple[list[datetime], Service, WebChat, str],
) -> None:
    now, service, _, url = clocked
    async with browser(url) as parent:
        question = await parent.answer(await parent.start())
        now[0] += timedelta(days=60)  # past expire_after_days + unlink_after_days
        await service.purge()  # the parent's place is forgotten
        gone = await parent.post("/answer", {"seq": question.seq or "", "choose": "ludlow"})
        sessions = await count(service.store, "SELECT COUNT(*) FROM sessions")
        await parent.finish(await parent.start())
        finished = await parent.post("/answer", {"seq": question.seq or "", "choose": "ludlow"})
    assert "We could not find your earlier answers" in gone.text and "not saved" in gone.text
    assert gone.seq is None and "Start" in gone.text and sessions == 0  # nothing began by itself
    assert "You have already finished these questions" in finished.text
    assert finished.heading == "Thank you" and "Send /start" not in finished.text


async def test_a_phone_number_that_never_fits_is_not_shown_as_given(base: str) -> None:
    async with browser(base) as parent:
        page, _ = await parent.answer_until(await parent.start(), lambda p: "phone" in p.question)
        ticks = page.bubbles.count(("you", "✓"))  # the name, given
        for _ in range(3):
            page = await parent.say(page, "not a number")
    assert "What would you like to do?" in page.question
    assert page.bubbles.count(("you", "✓")) == ticks  # nothing typed for it was taken
