"""Each kind of request has a budget of its own, per client: answers, page loads, deleting and
new visitors. The real server over loopback, its limits timed by a clock the test holds still,
so a budget spent stays spent however slowly the test runs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from conftest import SEALER, make_config, make_service
from web_driver import Page, browser, count, serving, web_config

from bot.service import Service
from bot.storage.store import Store

TOO_MANY_ANSWERS = "Too many answers came from this phone"
SCRIPT = {"X-Chat": "1"}  # as the page's own script posts: the page back, no redirect to load


@asynccontextmanager
async def chat_with(tmp_path: Path, **limits: float) -> AsyncIterator[tuple[Service, str]]:
    config = web_config(make_config(tmp_path), **limits)
    store = await Store.open(config.database, SEALER)
    try:
        service = await make_service(store, config)
        async with serving(service, clock=lambda: 1000.0) as (_, url):  # time stands still
            yield service, url
    finally:
        await store.close()


async def test_a_parent_out_of_answers_can_still_delete_them(tmp_path: Path) -> None:
    limits = {"answers_per_minute": 60, "burst": 3}
    async with chat_with(tmp_path, **limits) as (service, url), browser(url) as parent:
        page = await parent.start(headers=SCRIPT)  # answers: 1 of 3
        page = await parent.answer(page, headers=SCRIPT)  # 2
        page = await parent.answer(page, headers=SCRIPT)  # 3
        refused = await parent.answer(page, headers=SCRIPT)
        confirm = await parent.get("/delete")
        done = await parent.post("/delete", {"confirm": "yes"})
        left = await count(service.store, "SELECT COUNT(*) FROM responses")
    assert refused.status == 429 and TOO_MANY_ANSWERS in refused.text
    assert confirm.status == 200 and "Do you want to delete" in confirm.text
    assert done.status == 200 and "Deleted: 1 questionnaire with" in done.text
    assert left == 0


async def test_page_loads_are_limited_and_never_use_up_answers(tmp_path: Path) -> None:
    limits = {"answers_per_minute": 60, "page_loads_per_minute": 60, "burst": 3}
    async with chat_with(tmp_path, **limits) as (_, url), browser(url) as parent:
        page = await parent.start(headers=SCRIPT)  # a visitor's page, then answers: 1 of 3
        loads = [await parent.get("/") for _ in range(10)]
        page = await parent.answer(page, headers=SCRIPT)  # answers: 2
        last = await parent.answer(page, headers=SCRIPT)  # 3: none went on page loads
    assert [load.status for load in loads] == [200] * 3 + [429] * 7
    assert int(loads[-1].headers["Retry-After"]) >= 1
    assert "reloaded too many times" in loads[-1].text and TOO_MANY_ANSWERS not in loads[-1].text
    assert page.status == 200 and last.status == 200 and last.seq != page.seq


async def test_deleting_has_its_own_budget_and_its_own_words(tmp_path: Path) -> None:
    limits = {"deletes_per_minute": 60, "burst": 2}
    async with chat_with(tmp_path, **limits) as (_, url), browser(url) as parent:
        page = await parent.start(headers=SCRIPT)  # answers: 1 of 2
        asked = [await parent.get("/delete") for _ in range(3)]
        answered = await parent.answer(page, headers=SCRIPT)  # 2 of 2
    assert [p.status for p in asked] == [200, 200, 429]
    assert "requests to delete" in asked[-1].text and "did nothing" in asked[-1].text
    assert int(asked[-1].headers["Retry-After"]) >= 1
    assert answered.status == 200 and answered.seq != page.seq  # answering goes on


async def test_visitors_from_one_network_are_told_so(tmp_path: Path) -> None:
    async with chat_with(tmp_path, new_visitors_per_minute=60, burst=2) as (_, url):
        pages: list[Page] = []
        for _ in range(3):  # three phones on the same Wi-Fi, none with a cookie yet
            async with browser(url) as phone:
                pages.append(await phone.get("/"))
    assert [p.status for p in pages] == [200, 200, 429]
    assert "same network" in pages[-1].text and TOO_MANY_ANSWERS not in pages[-1].text


async def test_the_words_for_each_limit_are_in_polish_too(tmp_path: Path) -> None:
    limits = {"page_loads_per_minute": 60, "burst": 1}
    async with chat_with(tmp_path, **limits) as (_, url), browser(url) as parent:
        await parent.start(language="pl", headers=SCRIPT)
        await parent.get("/")
        refused = await parent.get("/")
    assert refused.status == 429 and 'lang="pl"' in refused.text
    assert "odświeżona zbyt wiele razy" in refused.text
