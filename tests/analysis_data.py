"""A database filled by real conversations through the service, for the export and report tests.

`answer_all` plays one parent: for each question it is asked it looks up what to do in a script
(option ids to tap, text to type, "skip", "prefer"), and stops when the script has no entry (a
partial response) or the questionnaire ends."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path

from conftest import DATA, NOW, make_config, make_service

from bot.conversation import events as ev
from bot.service import Service
from bot.storage.store import Store

ANALYSIS = DATA / "analysis"
Script = Mapping[str, object]


async def answer_all(service: Service, who: str, script: Script, start: ev.Start) -> None:
    outcome = await service.handle(who, start)
    for _ in range(60):
        asked = [e.prompt for e in outcome.events if isinstance(e, ev.Asked | ev.Updated)]
        if not asked:
            return
        prompt = asked[-1]
        if prompt.key == "consent":
            event: ev.Input = ev.Choose(("agree",), prompt.seq)
        elif prompt.key not in script:
            return  # this parent stops here
        else:
            action = script[prompt.key]
            if action == "skip":
                event = ev.Skip(prompt.seq)
            elif action == "prefer":
                event = ev.PreferNot(prompt.seq)
            elif isinstance(action, tuple) and prompt.kind == "multi":
                for option in action:
                    outcome = await service.handle(who, ev.Toggle(option, prompt.seq))
                event = ev.Done(prompt.seq)
            elif isinstance(action, tuple):
                event = ev.Choose(action, prompt.seq)
            else:
                event = ev.Reply(str(action))
        outcome = await service.handle(who, event)
    raise AssertionError(f"{who} never finished")


async def build(
    tmp_path: Path,
    parents_v1: list[Script],
    parents_v2: list[Script] = (),  # type: ignore[assignment]
    name: str = "feedback.sqlite3",
    when: datetime = NOW,
) -> Path:
    """A database where `parents_v1` answered version 1 and then `parents_v2` version 2."""
    flows = tmp_path / f"flows-{name}"
    flows.mkdir()
    config = make_config(tmp_path, flows=flows, default_flow="survey")
    db = tmp_path / name
    config = config.model_copy(update={"storage": config.storage.model_copy(update={"path": db})})
    for version, parents in (("v1.yaml", parents_v1), ("v2.yaml", parents_v2)):
        shutil.copy(ANALYSIS / version, flows / "survey.yaml")
        store = await Store.open(db)
        try:
            service = await make_service(store, config, clock=when)
            for n, script in enumerate(parents):
                start = ev.Start(source=str(script.get("_tag")) if "_tag" in script else None)
                await answer_all(service, f"{version}-{n}", script, start)
        finally:
            await store.close()
        when += timedelta(days=40)
    return db
