"""Themes and sentiment for what parents type, as their answers arrive: the theme codebook found
beside the questionnaires (docs/themes.md), its coder built in a thread at start-up (reading the
word forms takes a few seconds, so no parent waits for it), and the codes of a step's typed
answers, stored with them. `recode` codes every stored typed answer again, after the codebook
changed."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from bot.conversation import events as ev
from bot.questionnaire.check import check_text
from bot.questionnaire.flow import Flow, TextQuestion
from bot.storage.store import Store
from bot.storage.themes import ThemeCode
from bot.themes.check import check_file, codebook_files
from bot.themes.codebook import Codebook
from bot.themes.coder import Coder

log = logging.getLogger(__name__)


@dataclass
class ThemeCoding:
    """A theme codebook (and its content hash, stored with every code), and its coder once
    `build` has made it: until then typed answers are stored uncoded (`recode` codes them)."""

    book: Codebook
    digest: str
    coder: Coder | None = None

    async def build(self) -> None:
        """Build the coder in a thread of its own that never holds up a stop (a daemon: the
        terminal chat stops at Ctrl-C at once, whatever it is reading)."""
        loop = asyncio.get_running_loop()
        built: asyncio.Future[Coder] = loop.create_future()

        def settle(coder: Coder | None, error: BaseException | None) -> None:
            if built.done():
                return
            if error is not None:
                built.set_exception(error)
            else:
                built.set_result(cast(Coder, coder))

        def work() -> None:
            try:
                coder, error = _warm(self.book), None
            except Exception as exc:
                coder, error = None, exc
            with contextlib.suppress(RuntimeError):  # the loop is gone: the bot stopped
                loop.call_soon_threadsafe(settle, coder, error)

        threading.Thread(target=work, name="themes", daemon=True).start()
        self.coder = await built

    def code(self, question_id: str, text: str) -> ThemeCode | None:
        if self.coder is None:
            return None
        coded = self.coder.code(text, question_id)
        phrases = json.dumps({c.theme: c.phrase for c in coded.codes}, ensure_ascii=False)
        return ThemeCode(question_id, self.digest, " ".join(coded.themes), phrases, coded.sentiment)

    def codes(self, flow: Flow, events: Sequence[ev.Event]) -> list[ThemeCode]:
        """The codes of the typed answers a step records (after redaction: as stored)."""
        typed = typed_questions(flow)
        found = []
        for event in events:
            if (
                isinstance(event, ev.AnswerRecorded)
                and event.question_id in typed
                and isinstance(event.value, str)
                and not event.value.startswith("_")
                and (code := self.code(event.question_id, event.value)) is not None
            ):
                found.append(code)
        return found


async def start(store: Store, coding: ThemeCoding) -> None:
    """Build the coder, then code the typed answers given while it was being built."""
    await coding.build()
    if done := await recode(store, coding, uncoded=True):
        log.info("themes: %d typed answers coded that came while the coder was built", done)


def _warm(book: Codebook) -> Coder:
    coder = Coder(book)
    coder.code("warm")  # the word forms read now, not at a parent's first answer
    return coder


def typed_questions(flow: Flow) -> frozenset[str]:
    return frozenset(q.id for q in flow.questions if isinstance(q, TextQuestion))


def load(flows_dir: Path) -> ThemeCoding | None:
    """The codebook in the `themes` folder beside the questionnaires: None when there is none,
    or it does not pass the checker (`python -m bot validate` says why)."""
    found = codebook_files(flows_dir)
    if not found:
        return None
    if len(found) > 1:
        log.warning("themes: %d codebooks found; coding with %s only", len(found), found[0].name)
    checked = check_file(found[0])
    if not checked.ok or checked.codebook is None:
        log.error("themes: %s has problems, typed answers are not coded (run validate)", found[0])
        return None
    # The codebook's meaning, not its layout: a comment or a reindent needs no recode.
    digest = hashlib.sha256(checked.codebook.model_dump_json().encode()).hexdigest()[:16]
    return ThemeCoding(checked.codebook, digest)


async def recode(store: Store, coding: ThemeCoding, *, uncoded: bool = False) -> int:
    """Code every stored typed answer with this codebook (with `uncoded`, only those not coded
    yet: given before the coder was built); how many."""
    if coding.coder is None:
        await coding.build()
    done = 0
    for digest, source in await store.themes.versions():
        flow = check_text(source, f"<stored {digest}>").flow
        if flow is None:
            continue
        wanted = sorted(typed_questions(flow))
        typed = await store.themes.typed(digest, wanted, uncoded=uncoded)
        coded = []
        for response_id, question_id, value in typed:
            text = json.loads(value)
            if isinstance(text, str) and not text.startswith("_"):
                code = coding.code(question_id, text)
                if code is not None:
                    coded.append((response_id, code))
        await store.themes.save(coded)
        done += len(coded)
    return done
