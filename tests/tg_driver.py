"""Simulated parents for load and crash tests: each keeps answering whatever the bot asks, with a
fixed policy (first option, first tick then Done, 'fine' when asked to type; offered "Don't
contact me" after 'fine' would not do as a phone number or email address, they take it)."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from functools import partial

from fake_telegram import FakeTelegram, SentMessage

from bot.conversation import events as ev
from bot.conversation.engine import step
from bot.questionnaire.flow import Flow

TYPED = "fine"


def is_prompt(message: SentMessage) -> bool:
    return bool(message.buttons) or "✍️" in message.text


async def simulate_parent(
    tg: FakeTelegram,
    user_id: int,
    closing: str,
    timeout: float,
    *,
    nudge_after: float | None = None,
    nudges: list[int] | None = None,
    typed: str = TYPED,
    typings: list[int] | None = None,
) -> int:
    """Answer until the closing message arrives. Returns the number of actions taken.

    With `nudge_after`, the parent behaves as a real one does when no reply comes: after that
    many seconds of silence they tap the last question again (or send /start if there is none)
    and the bot shows them where they are. Each nudge is appended to `nudges` (the user id).
    When asked to type they send `typed`, appending their id to `typings` each time."""
    act = partial(_act, typed=typed, typings=typings)
    tg.send_text(user_id, "/start", language_code="en")
    acted: set[tuple[int, int]] = set()
    actions = 0
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    seen: tuple[int, int] | None = None
    quiet_since = loop.time()
    while True:
        messages = tg.chat(user_id)
        if any(m.text.startswith(closing) for m in messages):
            return actions
        latest = messages[-1] if messages else None
        if latest is not None and is_prompt(latest):
            version = (latest.message_id, len(latest.history))
            if version not in acted:
                acted.add(version)
                actions += 1
                act(tg, user_id, latest)
        now = (len(messages), len(latest.history) if latest else 0)
        if now != seen:
            seen, quiet_since = now, loop.time()
        elif nudge_after is not None and loop.time() - quiet_since > nudge_after:
            prompts = [m for m in messages if is_prompt(m)]
            if prompts:
                act(tg, user_id, prompts[-1])
            else:
                tg.send_text(user_id, "/start", language_code="en")
            if nudges is not None:
                nudges.append(user_id)
            quiet_since = loop.time()
        if loop.time() > deadline:
            recent = [(m.message_id, len(m.history), m.text[:50], m.buttons[:2])
                      for m in messages[-4:]]  # fmt: skip
            raise TimeoutError(f"parent {user_id} stuck; last messages: {recent}")
        await asyncio.sleep(0.02)


def _act(
    tg: FakeTelegram,
    user_id: int,
    message: SentMessage,
    typed: str = TYPED,
    typings: list[int] | None = None,
) -> None:
    datas = [d for _, d in message.buttons if d]
    toggles = [d for d in datas if ":t:" in d]
    if toggles:
        ticked = any(label.startswith("✅") for label, _ in message.buttons)
        done = next(d for d in datas if d.endswith(":d"))
        tg.press(user_id, message.message_id, done if ticked else toggles[0], force=True)
        return
    choices = [d for d in datas if ":c:" in d]
    stop = [d for d in choices if d.endswith(":c:none")]
    if choices:
        tg.press(user_id, message.message_id, (stop or choices)[0], force=True)
    else:
        tg.send_text(user_id, typed)
        if typings is not None:
            typings.append(user_id)


def expected_answers(flow: Flow, now: datetime) -> dict[str, str]:
    """The same policy run straight through the engine: what storage must hold for each parent."""
    session, events = step(flow, None, ev.Start(), now)
    answers: dict[str, str] = {}
    for _ in range(500):
        asked = [e.prompt for e in events if isinstance(e, ev.Asked)]
        for e in events:
            if isinstance(e, ev.AnswerRecorded):
                answers[e.question_id] = json.dumps(e.value, ensure_ascii=False)
            elif isinstance(e, ev.AnswerRemoved):
                answers.pop(e.question_id, None)
        if session.stage == "complete":
            return answers
        prompt = asked[-1]
        if prompt.kind == "multi":
            event: ev.Input = ev.Choose((prompt.choices[0].id,))
        elif prompt.choices:
            ids = [c.id for c in prompt.choices]
            event = ev.Choose(("none",) if "none" in ids else (ids[0],))
        else:
            event = ev.Reply(TYPED)
        session, events = step(flow, session, event, now)
    raise AssertionError("the policy never finished the flow")
