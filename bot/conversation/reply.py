"""A reply as data that can be kept until it has been shown: the events a parent sees, in order,
written as JSON and read back the same. Events that only storage needs (answers, contact details)
are never part of it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, fields
from typing import Any

from bot.conversation import events as ev

SHOWN: tuple[type[Any], ...] = (
    ev.Signposted,
    ev.Said,
    ev.Rejected,
    ev.Asked,
    ev.Updated,
    ev.Stale,
    ev.Left,
    ev.ResponseCompleted,
    ev.ResponseDeclined,
)
_BY_NAME = {kind.__name__: kind for kind in SHOWN}


def shown(events: Sequence[ev.Event]) -> list[ev.Event]:
    """The events a channel shows, in order; the engine's safety signposting first."""
    kept = [e for e in events if isinstance(e, SHOWN)]
    return [e for e in kept if isinstance(e, ev.Signposted)] + [
        e for e in kept if not isinstance(e, ev.Signposted)
    ]


def to_json(events: Sequence[ev.Event]) -> str:
    return json.dumps(
        [{"kind": type(e).__name__, **asdict(e)} for e in events if isinstance(e, SHOWN)],
        ensure_ascii=False,
    )


def from_json(text: str) -> list[ev.Event]:
    """The events `to_json` wrote. Raises ValueError for anything else."""
    out: list[ev.Event] = []
    for item in json.loads(text):
        kind = _BY_NAME.get(str(item.pop("kind", "")))
        if kind is None:
            raise ValueError("not a reply event")
        if kind in (ev.Asked, ev.Updated):
            out.append(kind(_prompt(item["prompt"])))
        else:
            out.append(kind(**{f.name: item[f.name] for f in fields(kind)}))
    return out


def _prompt(item: dict[str, Any]) -> ev.Prompt:
    values = {f.name: item[f.name] for f in fields(ev.Prompt) if f.name in item}
    values["choices"] = tuple(ev.Choice(**c) for c in item.get("choices", ()))
    return ev.Prompt(**values)
