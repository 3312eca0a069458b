"""The web chat in a real browser: Debian's chromium at a phone's size (390×844), driven by
selenium, completing every example questionnaire with JavaScript on and one with it off, and
axe-core finding no accessibility violation on the welcome, consent, question, privacy and end
pages. `UPDATE_SCREENSHOTS=1` keeps phone-size screenshots in docs/."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import FLOWS, NOW, ROOT, SEALER, make_config, make_service
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service as DriverService
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait
from web_driver import serving, typed_for, web_config

from bot.storage.store import Store

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
DOCS = ROOT / "docs"
WAIT = 10  # seconds for any one page to change

pytestmark = pytest.mark.timeout(240)


class Server:
    """The web chat on its own thread and event loop, so the browser's blocking calls never
    hold the server up."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.now = [NOW]  # the server's clock: a test may move it on
        self.url = ""
        self.answers = -1
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    async def _main(self) -> None:
        config = web_config(make_config(self.folder), answers_per_minute=0, page_loads_per_minute=0)
        store = await Store.open(config.database, SEALER)
        try:
            service = await make_service(store, config, clock=lambda: self.now[0])
            async with serving(service) as (_, url):
                self.url, self._loop, self._stop = url, asyncio.get_running_loop(), asyncio.Event()
                self._ready.set()
                await self._stop.wait()
            rows = await store.db.execute_fetchall(
                "SELECT COUNT(*) FROM responses WHERE status = 'complete'"
            )
            self.answers = int(next(iter(rows))[0])
        finally:
            self._ready.set()
            await store.close()

    def __enter__(self) -> Server:
        self._thread.start()
        assert self._ready.wait(WAIT) and self.url, "the web chat did not start"
        return self

    def __exit__(self, *exc: object) -> None:
        if self._thread.is_alive() and self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(WAIT)


def phone(folder: Path, javascript: bool = True, cookies: bool = True) -> WebDriver:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", f"--user-data-dir={folder}",
    ):  # fmt: skip
        options.add_argument(flag)
    prefs = {} if cookies else {"profile.default_content_setting_values.cookies": 2}
    if javascript:
        options.add_experimental_option(  # a phone's screen: 390×844 CSS pixels
            "mobileEmulation", {"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 2}}
        )
    else:  # (chromedriver's clicks hang under phone emulation with scripts off: a window)
        options.add_argument("--window-size=390,844")
        prefs["profile.managed_default_content_settings.javascript"] = 2
    if prefs:
        options.add_experimental_option("prefs", prefs)
    driver = webdriver.Chrome(options=options, service=DriverService(CHROMEDRIVER))
    driver.set_page_load_timeout(WAIT)
    driver.set_script_timeout(30)
    return driver


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    with Server(tmp_path) as running:
        yield running


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    driver = phone(tmp_path / "profile")
    try:
        yield driver
    finally:
        driver.quit()


def seq(driver: WebDriver) -> str | None:
    """The sequence number of the question on screen (read again if the page changed)."""
    for _ in range(5):
        try:
            found = driver.find_elements(By.CSS_SELECTOR, "#now input[name=seq]")
            return found[0].get_attribute("value") if found else None
        except StaleElementReferenceException:
            continue
        except WebDriverException as exc:  # how Chromium sometimes says the same thing
            if "does not belong to the document" not in (exc.msg or ""):
                raise
    raise AssertionError("the page kept changing")


def heading(driver: WebDriver) -> str:
    return driver.find_element(By.CSS_SELECTOR, "#now h1").text


def start_at(driver: WebDriver, url: str) -> None:
    """Open a welcome page (the chat's, or a poster's) and press Start: the consent is asked."""
    driver.get(url)
    driver.find_element(By.CSS_SELECTOR, "button.button-start").click()
    WebDriverWait(driver, WAIT).until(lambda d: seq(d) is not None)


def answer(driver: WebDriver) -> None:
    """Answer the question on screen as a parent who takes the first option, then wait for the
    next one (or skip a question whose answer was refused)."""
    before = seq(driver)
    choose = driver.find_elements(By.CSS_SELECTOR, "#now button[name=choose]")
    if choose:
        choose[0].click()
    elif driver.find_elements(By.CSS_SELECTOR, "#now input[type=checkbox]"):
        driver.find_element(By.CSS_SELECTOR, "#now .check-label").click()
        driver.find_element(By.CSS_SELECTOR, "#now button[value=done]").click()
    else:
        driver.find_element(By.ID, "answer").send_keys(typed_for(question(driver)))
        driver.find_element(By.CSS_SELECTOR, "#now button[value=text]").click()
    WebDriverWait(driver, WAIT).until(
        lambda d: seq(d) != before or d.find_elements(By.CSS_SELECTOR, "#chat .bubble-warn")
    )
    if seq(driver) == before:
        refused = driver.find_element(By.ID, "chat").text
        skip = driver.find_elements(By.CSS_SELECTOR, "#now button[value=skip]")
        assert skip, f"an answer was refused and there is no Skip: {refused}"
        skip[0].click()
        WebDriverWait(driver, WAIT).until(lambda d: seq(d) != before)


def question(driver: WebDriver) -> str:
    """The question's words on screen: heading, hints and labels."""
    return str(driver.find_element(By.CSS_SELECTOR, "#now fieldset").text)


def answer_until(driver: WebDriver, words: str, limit: int = 60) -> None:
    """Answer as a parent who takes the first option, until a question has `words`."""
    for _ in range(limit):
        if seq(driver) is not None and words in question(driver):
            return
        assert seq(driver) is not None, f"the questionnaire ended before {words!r}"
        answer(driver)
    raise AssertionError(f"never got to {words!r}; stuck at {heading(driver)!r}")


def complete(driver: WebDriver, limit: int = 80) -> int:
    for count in range(limit):
        if seq(driver) is None:
            return count
        answer(driver)
    raise AssertionError(f"never finished; stuck at {heading(driver)!r}")


def violations(driver: WebDriver) -> list[object]:
    """axe-core's violations on the page as it is now: every rule tagged WCAG 2.0, 2.1 or 2.2
    A or AA, and axe's best practices."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    found: list[object] = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations'], runOnly: {type: 'tag', values: ["
        "'wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
        ".then(r => done(r.violations.map("
        "v => [v.id, v.impact, v.nodes.map(n => n.target.join(' ')).slice(0, 3)])));"
    )
    return found


def accessible(driver: WebDriver, state: str) -> None:
    """No violation at WCAG 2.2 AA, and one heading of the first level."""
    assert violations(driver) == [], state
    assert len(driver.find_elements(By.TAG_NAME, "h1")) == 1, state


def keep_screenshot(driver: WebDriver, name: str) -> None:
    if os.environ.get("UPDATE_SCREENSHOTS"):
        driver.save_screenshot(str(DOCS / f"web-{name}.png"))


@pytest.mark.parametrize("flow", sorted(p.stem for p in FLOWS.glob("*.yaml")))
def test_every_example_questionnaire_completes_in_a_phone_browser_without_reloading(
    server: Server, browser: WebDriver, flow: str
) -> None:
    start_at(browser, f"{server.url}/s/{flow}")
    assert browser.find_elements(By.CSS_SELECTOR, "html.js")  # the page's own script runs
    browser.execute_script("window.sameDocument = true;")  # gone if the page ever reloads
    answered = complete(browser)
    assert heading(browser) == "Thank you"
    assert answered > 3
    assert browser.execute_script("return window.sameDocument === true;")
    assert browser.execute_script("return document.activeElement.tagName;") == "H1"
    server.__exit__()
    assert server.answers == 1


def test_the_pages_have_no_accessibility_violations(server: Server, browser: WebDriver) -> None:
    browser.get(server.url + "/")
    accessible(browser, "welcome")
    keep_screenshot(browser, "welcome")
    browser.find_element(By.CSS_SELECTOR, "button.button-start").click()
    WebDriverWait(browser, WAIT).until(lambda d: seq(d) is not None)
    assert heading(browser) == "Are you happy to start?"
    accessible(browser, "consent")
    seen = set()
    while seq(browser) is not None:
        kind = (
            "single" if browser.find_elements(By.CSS_SELECTOR, "#now button[name=choose]")
            else "multi" if browser.find_elements(By.CSS_SELECTOR, "#now input[type=checkbox]")
            else "text"
        )  # fmt: skip
        if kind not in seen:
            seen.add(kind)
            accessible(browser, heading(browser))
            keep_screenshot(browser, f"question-{kind}")
        answer(browser)
    assert seen == {"single", "multi", "text"}
    accessible(browser, "end")
    keep_screenshot(browser, "end")
    browser.get(server.url + "/privacy")
    accessible(browser, "privacy")
    browser.get(server.url + "/delete")
    accessible(browser, "delete")
    browser.execute_script("document.querySelector('main').append(document.createElement('input'))")
    assert [v[0] for v in violations(browser)] == ["label"]  # the check does find what is wrong


def test_a_questionnaire_completes_with_javascript_off(server: Server, tmp_path: Path) -> None:
    driver = phone(tmp_path / "no-js", javascript=False)
    try:
        driver.get(f"{server.url}/s/mlu-ludlow")
        assert driver.find_elements(By.CSS_SELECTOR, "html.js") == []  # chat.js did not run
        driver.find_element(By.CSS_SELECTOR, "button.button-start").click()
        WebDriverWait(driver, WAIT).until(lambda d: seq(d) is not None)
        first = driver.current_url
        answered = complete(driver)
        assert heading(driver) == "Thank you" and answered > 3
        assert driver.current_url.endswith("/#now") and first.endswith("/#now")
    finally:
        driver.quit()
    server.__exit__()
    assert server.answers == 1


def test_contact_details_get_the_keyboard_and_autofill_they_need(
    server: Server, browser: WebDriver
) -> None:
    start_at(browser, server.url + "/s/mlu-ludlow")
    boxes = {}
    for words, purpose in (("What name", "name"), ("What phone", "tel"), ("What email", "email")):
        answer_until(browser, words)
        box = browser.find_element(By.ID, "answer")
        boxes[purpose] = {
            name: box.get_attribute(name)
            for name in ("autocomplete", "type", "inputmode", "spellcheck", "rows")
        } | {"tag": box.tag_name}
        accessible(browser, words)
        if purpose == "tel":
            keep_screenshot(browser, "contact")
    one_line = {"tag": "input", "spellcheck": "false", "rows": None}
    assert boxes["name"] == one_line | {"autocomplete": "name", "type": "text", "inputmode": None}
    assert boxes["tel"] == one_line | {"autocomplete": "tel", "type": "tel", "inputmode": "tel"}
    assert boxes["email"] == one_line | {"autocomplete": "email", "type": "email",
                                         "inputmode": "email"}  # fmt: skip


def test_the_month_hint_gives_an_example_the_question_accepts(
    server: Server, browser: WebDriver
) -> None:
    start_at(browser, server.url + "/s/mlu-ludlow")
    answer_until(browser, "When was your baby born")
    hint = browser.find_element(By.ID, "answer-hint").text
    assert hint == "For example, August 2026 or 08/2026"  # the server's clock: November 2026
    before = seq(browser)
    browser.find_element(By.ID, "answer").send_keys(hint.rsplit(" ", 1)[-1])
    browser.find_element(By.CSS_SELECTOR, "#now button[value=text]").click()
    WebDriverWait(browser, WAIT).until(lambda d: seq(d) != before)


def active(driver: WebDriver) -> str:
    """The focused element, as "tag#id"."""
    return str(driver.execute_script(
        "const e = document.activeElement; return e.tagName.toLowerCase() + '#' + e.id;"
    ))  # fmt: skip


def announced(driver: WebDriver) -> str:
    """What the page's live region reads out now."""
    return spoken(driver.find_element(By.ID, "announce"))


def spoken(element: WebElement) -> str:
    """An element's text as a screen reader has it, visually hidden words included."""
    return " ".join(str(element.get_attribute("textContent")).split())


def refused(driver: WebDriver) -> None:
    """Wait for the error summary after an answer that does not fit."""
    WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.ID, "error-summary"))


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_a_refused_answer_is_impossible_to_miss(
    server: Server, tmp_path: Path, javascript: bool
) -> None:
    driver = phone(tmp_path / "refused", javascript=javascript)
    try:
        start_at(driver, server.url + "/s/mlu-ludlow")
        answer_until(driver, "When was your baby born")
        driver.find_element(By.ID, "answer").send_keys("soon")
        driver.find_element(By.CSS_SELECTOR, "#now button[value=text]").click()
        refused(driver)
        reason = "Please send the month and year, like “August 2026” or “08/2026”."
        summary = driver.find_element(By.ID, "error-summary")
        assert summary.find_element(By.TAG_NAME, "h2").text == "There is a problem"
        link = summary.find_element(By.TAG_NAME, "a")
        assert link.text == reason and link.get_attribute("href").endswith("#answer")
        assert active(driver) == "div#error-summary"  # focus on the summary, script or not
        top = driver.execute_script("return arguments[0].getBoundingClientRect().top;", summary)
        assert 0 <= top < 844 / 2, top  # in sight, in the top half of the screen
        assert driver.title.startswith("Error: When was your baby born")
        box = driver.find_element(By.ID, "answer")
        assert box.get_attribute("aria-invalid") == "true"
        assert box.get_attribute("value") == "soon"  # what they typed is still there
        described = box.get_attribute("aria-describedby").split()
        assert described == ["answer-hint", "answer-error"]
        assert spoken(driver.find_element(By.ID, "answer-error")) == f"Error: {reason}"
        if javascript:  # (axe needs scripts; the page is the same without them)
            assert announced(driver) == f"Error: {reason}"  # read out: why, and nothing else
            keep_screenshot(driver, "question-error")
            accessible(driver, "a refused answer")
        link.click()  # the summary's link takes them to the box
        WebDriverWait(driver, WAIT).until(lambda d: active(d) == "input#answer")
        box.clear()
        box.send_keys("08/2026")
        before = seq(driver)
        driver.find_element(By.CSS_SELECTOR, "#now button[value=text]").click()
        WebDriverWait(driver, WAIT).until(lambda d: seq(d) != before)
        assert driver.find_elements(By.ID, "error-summary") == []
        assert not driver.title.startswith("Error")
        assert driver.find_elements(By.CSS_SELECTOR, "[aria-invalid]") == []
    finally:
        driver.quit()


def test_a_refused_choice_links_to_the_first_option(server: Server, browser: WebDriver) -> None:
    start_at(browser, server.url + "/s/mlu-ludlow")
    answer_until(browser, "Which parts of your care")
    browser.find_element(By.CSS_SELECTOR, "#now button[value=done]").click()  # nothing ticked
    refused(browser)
    assert active(browser) == "div#error-summary"
    link = browser.find_element(By.CSS_SELECTOR, "#error-summary a")
    assert link.get_attribute("href").endswith("#option-1")
    fieldset = browser.find_element(By.CSS_SELECTOR, "#now fieldset")
    assert "answer-error" in fieldset.get_attribute("aria-describedby").split()
    assert spoken(browser.find_element(By.ID, "answer-error")).startswith("Error: Please choose")
    accessible(browser, "a refused choice")
    link.click()
    WebDriverWait(browser, WAIT).until(lambda d: active(d) == "input#option-1")


def test_a_screen_reader_hears_only_what_each_answer_brings(
    server: Server, browser: WebDriver
) -> None:
    start_at(browser, server.url + "/s/mlu-ludlow")
    greeting = announced(browser)  # the start: the greeting, the consent's words, its question
    assert greeting.startswith("Hello! We'd love to hear about your time")
    assert greeting.endswith("stop at any time. Are you happy to start?")
    answer(browser)  # "Yes, I'm happy to start"
    assert announced(browser) == "Which parts of your care were at the unit?"
    answer_until(browser, "why you gave that answer")
    question_seq = seq(browser)
    browser.find_element(By.ID, "answer").send_keys("I was bleeding and nobody came")
    browser.find_element(By.CSS_SELECTOR, "#now button[value=text]").click()
    WebDriverWait(browser, WAIT).until(lambda d: seq(d) != question_seq)
    said = announced(browser)  # the safety message, then the next question; nothing older
    assert said.startswith("This chat is not monitored, so nobody will see this straight away.")
    assert said.endswith(heading(browser)) and "call 999" in said
    assert "Hello!" not in said and "bleeding" not in said  # nor their own words


def test_the_privacy_page_keeps_the_language_the_parent_chose(
    server: Server, browser: WebDriver
) -> None:
    browser.get(server.url + "/")
    browser.find_element(By.LINK_TEXT, "Polski").click()
    WebDriverWait(browser, WAIT).until(
        lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "pl"
    )
    browser.find_element(By.LINK_TEXT, "Jak przechowujemy odpowiedzi").click()  # in the footer
    WebDriverWait(browser, WAIT).until(lambda d: "/privacy" in d.current_url)
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "pl"
    assert heading(browser) == "Jak przechowujemy odpowiedzi"
    assert "ciasteczko" in browser.find_element(By.ID, "now").text
    accessible(browser, "privacy, in Polish")
    browser.find_element(By.CSS_SELECTOR, "a.back-link").click()
    WebDriverWait(browser, WAIT).until(lambda d: "/privacy" not in d.current_url)
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "pl"
    assert browser.find_element(By.CSS_SELECTOR, "button.button-start").text == "Zacznij"


def test_help_is_a_tap_away_with_where_to_get_help_now(server: Server, browser: WebDriver) -> None:
    browser.get(server.url + "/")
    browser.find_element(By.CSS_SELECTOR, "footer").find_element(By.LINK_TEXT, "Help").click()
    WebDriverWait(browser, WAIT).until(lambda d: "/help" in d.current_url)
    assert heading(browser) == "Help"
    page = browser.find_element(By.ID, "now").text
    assert "If you need help now" in page and "call 999" in page and "Stop for now" in page
    accessible(browser, "help")
    keep_screenshot(browser, "help")


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_stop_for_now_shows_the_answers_are_kept_and_carries_on_later(
    server: Server, tmp_path: Path, javascript: bool
) -> None:
    driver = phone(tmp_path / "stop", javascript=javascript)
    try:
        start_at(driver, server.url + "/s/mlu-ludlow")
        answer(driver)  # consent
        asked, question_seq = heading(driver), seq(driver)
        driver.find_element(By.CSS_SELECTOR, "#now button[value=stop]").click()
        WebDriverWait(driver, WAIT).until(lambda d: seq(d) is None)
        assert heading(driver) == "You have stopped for now"
        assert "Your answers so far are saved." in driver.find_element(By.ID, "now").text
        if javascript:
            assert active(driver) == "h1#end-heading"
            assert announced(driver).startswith("You have stopped for now Your answers so far")
            accessible(driver, "stopped for now")
        driver.find_element(By.CSS_SELECTOR, "#now button").click()  # Carry on
        WebDriverWait(driver, WAIT).until(lambda d: seq(d) is not None)
        assert heading(driver) == asked and seq(driver) == question_seq
    finally:
        driver.quit()


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_a_phone_that_blocks_cookies_is_told_how_to_allow_them(
    server: Server, tmp_path: Path, javascript: bool
) -> None:
    driver = phone(tmp_path / "no-cookies", javascript=javascript, cookies=False)
    try:
        driver.get(server.url + "/s/mlu-ludlow")
        driver.find_element(By.CSS_SELECTOR, "button.button-start").click()
        WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, "a.back-link"))
        assert heading(driver) == "Turn on cookies to use this chat"
        page = driver.find_element(By.ID, "now").text
        assert "needs one cookie to remember your place" in page
        assert "allow cookies for this site" in page and "nothing about you" in page
        again = driver.find_element(By.CSS_SELECTOR, "a.back-link")
        assert again.text == "Try again"
        assert again.get_attribute("href") == server.url + "/s/mlu-ludlow?lang=en"
        if javascript:
            assert active(driver) == "h1#page-heading"
            accessible(driver, "cookies blocked")
            keep_screenshot(driver, "cookies-off")
    finally:
        driver.quit()


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_an_answer_after_a_long_gap_is_kept_and_says_so(
    server: Server, tmp_path: Path, javascript: bool
) -> None:
    driver = phone(tmp_path / "away", javascript=javascript)
    try:
        start_at(driver, server.url + "/s/mlu-ludlow")
        answer(driver)  # consent
        asked = heading(driver)
        driver.find_element(By.CSS_SELECTOR, "#now .check-label").click()
        server.now[0] += timedelta(days=20)  # the phone left on this page for 20 days
        before = seq(driver)
        driver.find_element(By.CSS_SELECTOR, "#now button[value=done]").click()
        WebDriverWait(driver, WAIT).until(lambda d: seq(d) != before)
        notice = driver.find_element(By.CSS_SELECTOR, "#chat > .bubble-warn").text
        assert notice.startswith("You had been away for a while")
        assert notice.endswith("carried on where you left off and saved your answer.")
        assert heading(driver) != asked  # on to the next question
        mine = driver.find_elements(By.CSS_SELECTOR, ".bubble-you")
        assert mine[-1].text.endswith("Check-ups in pregnancy (antenatal)")
        if javascript:
            assert announced(driver).startswith(notice) and announced(driver).endswith(
                heading(driver)
            )
            accessible(driver, "an answer after a long gap")
    finally:
        driver.quit()


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_a_poster_for_another_questionnaire_offers_to_carry_on_or_start_it(
    server: Server, tmp_path: Path, javascript: bool
) -> None:
    driver = phone(tmp_path / "posters", javascript=javascript)
    try:
        start_at(driver, server.url + "/")
        answer(driver)  # consent: the MLU questionnaire is under way
        driver.get(server.url + "/s/community_hub")  # a hub's poster
        assert heading(driver) == "Carry on, or start the new questions?"
        offer = driver.find_element(By.ID, "now").text
        assert "You have already started “Your experience of our midwife-led units”." in offer
        assert "The link you opened is for “Your community maternity hub”." in offer
        buttons = [b.text for b in driver.find_elements(By.CSS_SELECTOR, "#now button")]
        assert buttons == ["Carry on where I left off", "Start the new questions"]
        if javascript:
            accessible(driver, "a poster's choice")
            keep_screenshot(driver, "poster-choice")
        driver.find_element(By.XPATH, "//button[text()='Start the new questions']").click()
        WebDriverWait(driver, WAIT).until(lambda d: seq(d) is not None)
        assert heading(driver) == "Are you happy to start?"
        assert "maternity hubs work better" in driver.find_element(By.ID, "now").text
        hub = seq(driver)
        driver.get(server.url + "/s/mlu-ludlow")  # and back to a unit's poster: carry on
        driver.find_element(By.XPATH, "//button[text()='Carry on where I left off']").click()
        WebDriverWait(driver, WAIT).until(lambda d: seq(d) is not None)
        assert heading(driver) == "Are you happy to start?" and seq(driver) == hub
        assert "maternity hubs work better" in driver.find_element(By.ID, "now").text
    finally:
        driver.quit()
