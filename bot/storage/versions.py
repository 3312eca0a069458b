"""The questionnaires a bot offers: current versions from flows/, older ones from the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.questionnaire.check import Checked, check_file, check_text
from bot.questionnaire.flow import Flow
from bot.storage.store import Store


class FlowProblems(Exception):
    def __init__(self, checked: list[Checked]) -> None:
        self.checked = checked
        lines = [str(p) for c in checked for p in c.problems if p.severity == "error"]
        super().__init__("questionnaires have errors:\n" + "\n".join(lines))


def check_folder(folder: Path) -> list[Checked]:
    return [check_file(path) for path in sorted(folder.glob("*.y*ml"))]


@dataclass
class Library:
    current: dict[str, Flow]
    store: Store
    by_hash: dict[str, Flow] = field(default_factory=dict)

    @classmethod
    async def load(cls, folder: Path, store: Store, today: date) -> Library:
        """Load and check every flow; refuse to start on any error. Register each version."""
        checked = check_folder(folder)
        broken = [c for c in checked if not c.ok]
        if broken:
            raise FlowProblems(broken)
        library = cls({}, store)
        async with store.transaction():
            for c in checked:
                assert c.flow is not None
                digest = await store.register_flow(c.flow, c.source, today)
                library.current[c.flow.id] = c.flow
                library.by_hash[digest] = c.flow
        return library

    async def version(self, digest: str) -> Flow | None:
        """The exact version a session started on, even after the YAML has changed."""
        if digest in self.by_hash:
            return self.by_hash[digest]
        source = await self.store.flow_source(digest)
        if source is None:
            return None
        checked = check_text(source, f"<stored {digest}>")
        if checked.flow is None:
            return None
        self.by_hash[digest] = checked.flow
        return checked.flow

    def for_tag(self, tag: str | None) -> Flow | None:
        """The flow whose source_tags know this deep-link tag."""
        for flow in self.current.values():
            if tag and tag in flow.source_tags:
                return flow
        return None
