"""Bodies that say they are forms but cannot be read as one, posted raw to the real server: a
400 page in the parent's language, nothing changed and nothing lost, and no error logged."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from conftest import SEALER, make_config, make_service
from multidict import MultiDict
from web_driver import browser, count, serving, web_config

from bot.channels.web.forms import Unreadable, parse_urlencoded
from bot.service import Service
from bot.storage.store import Store

URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data; boundary=x"


def part(headers: str, body: bytes) -> bytes:
    return b"--x\r\n" + headers.encode() + b"\r\n\r\n" + body + b"\r\n--x--\r\n"


NAMED = 'Content-Disposition: form-data; name="text"'
UNREADABLE: dict[str, tuple[dict[str, str], bytes]] = {
    "multipart without a boundary": (
        {"Content-Type": "multipart/form-data"},
        part(NAMED, b"hello"),
    ),
    "multipart without its first boundary": ({"Content-Type": MULTIPART}, b"no boundary here"),
    "multipart cut short": ({"Content-Type": MULTIPART}, b"--x\r\n" + NAMED.encode() + b"\r\n"),
    "multipart part without a name": (
        {"Content-Type": MULTIPART},
        part("Content-Disposition: form-data", b"hello"),
    ),
    "multipart text not UTF-8": ({"Content-Type": MULTIPART}, part(NAMED, b"\xff\xfe")),
    "multipart part in an unknown charset": (
        {"Content-Type": MULTIPART},
        part(NAMED + "\r\nContent-Type: text/plain; charset=klingon", b"hello"),
    ),
    "multipart part in an unknown transfer encoding": (
        {"Content-Type": MULTIPART},
        part(NAMED + "\r\nContent-Transfer-Encoding: klingon", b"hello"),
    ),
    "urlencoded bytes not UTF-8": ({"Content-Type": URLENCODED}, b"text=\xff\xfe"),
    "urlencoded escapes not UTF-8": ({"Content-Type": URLENCODED}, b"text=%FF%FE"),
    "urlencoded in an unknown charset": (
        {"Content-Type": URLENCODED + "; charset=klingon"},
        b"text=hello",
    ),
    "urlencoded in another charset": (
        {"Content-Type": URLENCODED + "; charset=utf-16"},
        "text=hello".encode("utf-16"),
    ),
    "urlencoded fields without =": ({"Content-Type": URLENCODED}, b"%%%&&&==="),
    "urlencoded said to be gzipped": (
        {"Content-Type": URLENCODED, "Content-Encoding": "gzip"},
        b"not gzip at all",
    ),
    "multipart said to be deflated": (
        {"Content-Type": MULTIPART, "Content-Encoding": "deflate"},
        b"0123456789",
    ),
}


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[Service]:
    config = web_config(make_config(tmp_path), answers_per_minute=0, new_visitors_per_minute=0)
    store = await Store.open(config.database, SEALER)
    try:
        yield await make_service(store, config)
    finally:
        await store.close()


@pytest.mark.parametrize("language", ["en", "pl"])
async def test_a_form_that_cannot_be_read_gets_a_400_page_and_loses_nothing(
    service: Service, caplog: pytest.LogCaptureFixture, language: str
) -> None:
    caplog.set_level(logging.INFO)
    async with serving(service) as (_, url), browser(url) as parent:
        page = await parent.answer(await parent.start(language=language))
        before = await count(service.store, "SELECT COUNT(*) FROM answers")
        refused = {}
        for name, (headers, body) in UNREADABLE.items():
            async with parent.session.post(
                url + "/answer", data=body, headers=headers, allow_redirects=False
            ) as response:
                refused[name] = (response.status, await response.text())
        again = await parent.get("/")
        answered = await parent.answer(again)
    assert {name: status for name, (status, _) in refused.items()} == dict.fromkeys(UNREADABLE, 400)
    said = {"en": "Sorry, that could not be read", "pl": "nie udało się tego odczytać"}[language]
    assert all(said in text and f'lang="{language}"' in text for _, text in refused.values())
    assert await count(service.store, "SELECT COUNT(*) FROM answers") == before + 1
    assert again.seq == page.seq and answered.seq != page.seq  # where they were, and on they go
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


async def test_a_body_that_is_not_a_form_at_all_counts_as_an_empty_form(
    service: Service,
) -> None:
    async with serving(service) as (_, url), browser(url) as parent:
        page = await parent.answer(await parent.start())
        async with parent.session.post(
            url + "/answer", data=b'{"a": 1}', headers={"Content-Type": "application/json"}
        ) as response:
            status, text = response.status, await response.text()
    assert status == 200 and f'name="seq" value="{page.seq}"' in text  # shown where they are


def test_urlencoded_forms_are_read_strictly_as_utf8() -> None:
    assert parse_urlencoded(b"a=1&b=&c=%C4%85+x\r\n", None) == MultiDict(
        [("a", "1"), ("b", ""), ("c", "ą x")]
    )
    assert parse_urlencoded(b"", "UTF-8") == MultiDict()
    assert parse_urlencoded(b"a=1", "us-ascii") == MultiDict([("a", "1")])
    for body, charset in [
        (b"a=%FF", None),
        (b"a=\xc4", None),
        (b"a", None),
        (b"a=1&&b=2", None),
        (b"a=1", "latin-1"),
        (b"a=1&" * 1001, None),
    ]:
        with pytest.raises(Unreadable):
            parse_urlencoded(body, charset)
