"""The questionnaire versions a bot offers: the current ones from flows/, and every version a
session ever started on, kept in the database by content hash so it can be finished on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.errors import FlowProblems
from bot.questionnaire.check import check_folder, check_text
from bot.questionnaire.flow import Flow
from bot.storage.store import Store


@dataclass
class FlowVersions:
    current: dict[str, Flow]
    store: Store
    by_hash: dict[str, Flow] = field(default_factory=dict)

    @classmethod
    async def load(cls, folder: Path, store: Store, today: date) -> FlowVersions:
        """Load and check every flow; refuse to start on any error. Register each version."""
        checked = check_folder(folder)
        problems = [str(p) for c in checked for p in c.problems if p.severity == "error"]
        if problems:
            raise FlowProblems(problems, more=sum(c.more_errors for c in checked))
        versions = cls({}, store)
        async with store.transaction():
            for c in checked:
                if c.flow is None:  # an error was reported above
                    continue
                digest = await store.register_flow(c.flow, c.source, today)
                versions.current[c.flow.id] = c.flow
                versions.by_hash[digest] = c.flow
        return versions

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
