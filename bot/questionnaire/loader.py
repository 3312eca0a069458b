"""Load YAML while remembering where every key and value sits, so problems point at line:col."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Position:
    line: int  # 1-based
    col: int  # 1-based


@dataclass
class Located:
    """Plain Python data from YAML plus the position of each path (keys and values)."""

    data: Any
    values: dict[Path, Position] = field(default_factory=dict)
    keys: dict[Path, Position] = field(default_factory=dict)

    def where(self, path: Path, *, key: bool = False) -> Position:
        """The position of `path`, or of its nearest ancestor that has one."""
        table = self.keys if key else self.values
        for cut in range(len(path), -1, -1):
            prefix = path[:cut]
            if prefix in table:
                return table[prefix]
            if prefix in self.values:
                return self.values[prefix]
        return Position(1, 1)


class YamlSyntaxError(Exception):
    def __init__(self, message: str, position: Position) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


# libyaml's parser when PyYAML was built with it (several times faster), else the pure-Python one.
_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Loader(_Base):  # type: ignore[valid-type,misc]
    """YAML 1.2-style booleans: only true/false, so `yes`, `no`, `on` and `off` stay text."""


_REPLACED = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _REPLACED]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789")
)
Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"),
    list("-+.0123456789"),
)


def _pos(mark: yaml.Mark) -> Position:
    return Position(mark.line + 1, mark.column + 1)


def load(text: str) -> Located:
    """Parse YAML text. Raises YamlSyntaxError with a position on bad syntax."""
    try:
        node = yaml.compose(text, Loader=Loader)
        located = Located(None)
        if node is not None:
            located.data = _convert(node, (), located)
        return located
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        where = Position(before.count("\n") + 1, len(before) - before.rfind("\n"))
        raise YamlSyntaxError(
            f"YAML syntax: the file contains a control character ({exc.character!r}) "
            "that YAML does not allow; delete it",
            where,
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = _pos(mark) if mark else Position(1, 1)
        problem = exc.problem or "invalid YAML"
        hint = ""
        if "quoted scalar" in (exc.context or "") and exc.context_mark:
            where = _pos(exc.context_mark)
            problem = "this quoted text is never closed"
            hint = " (add the closing quote mark)"
        elif "'\\t'" in str(exc) or "tab character" in problem:
            hint = " (use spaces, not tabs, to indent)"
        elif "expected ',' or '}'" in problem or "expected ',' or ']'" in problem:
            hint = " (inside { } or [ ], put any text with , : ? or # in quotes)"
        elif "could not determine a constructor" in problem:
            hint = " (a text starting with ! or & or * needs quotes)"
        elif "mapping values are not allowed" in problem:
            hint = " (a ':' inside a text needs the text in quotes)"
        raise YamlSyntaxError(f"YAML syntax: {problem}{hint}", where) from None


def _convert(node: yaml.Node, path: Path, out: Located) -> Any:
    out.values[path] = _pos(node.start_mark)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            child = (*path, key)
            out.keys[child] = _pos(key_node.start_mark)
            result[key] = _convert(value_node, child, out)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*path, i), out) for i, item in enumerate(node.value)]
    loader = Loader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()
