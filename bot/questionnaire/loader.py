"""Load YAML while remembering where every key and value sits, so problems point at line:col.

Questionnaire files come from many hands, and the same loader runs when the bot starts, so it
takes only what a questionnaire needs and turns everything else into a located problem: no
anchors or aliases (`&name`, `*name`), no tags (`!!python/object`), at most `MAX_DEPTH` levels of
nesting and `MAX_BYTES` of text, dates left as text, and never an exception other than
`YamlSyntaxError`. The libyaml parser does the reading when PyYAML was built with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from bot.questionnaire.yaml_hints import explain

Path = tuple[str | int, ...]

#: Largest questionnaire file, in bytes of UTF-8. The longest shipped flow is about 20 KB.
MAX_BYTES = 1_000_000
#: Deepest nesting of lists and key: value blocks. A questionnaire needs about eight.
MAX_DEPTH = 50


@dataclass(frozen=True, slots=True)
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
# Only its parser is used: the events are turned into data here.
_Parser: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# YAML 1.2-style plain scalars: only true/false are booleans, so `yes`, `no`, `on` and `off` stay
# text; whole numbers are decimal (`09` is 9); dates, `=` and `<<` stay text.
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")

_STR_TAG = "tag:yaml.org,2002:str"
_PLAIN_TAGS = {None, "!"}
_COLLECTION_TAGS = {None, "!", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}


def _plain(value: str) -> Any:
    if _NULL.match(value):
        return None
    if _BOOL.match(value):
        return value[0] in "tT"
    if _INT.match(value):
        return int(value)
    if _FLOAT.match(value):
        return float(value)
    return value


def _pos(mark: Any) -> Position:
    return Position(mark.line + 1, mark.column + 1)


def _shown_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org") else tag


@dataclass
class _Open:
    """A list or mapping being filled, with the key waiting for its value (mappings)."""

    container: list[Any] | dict[str, Any]
    path: Path
    key: str | None = None
    seen: dict[str, Position] = field(default_factory=dict)


class _Builder:
    """Turns parser events into plain data and positions, refusing what questionnaires never need.

    No recursion, so no input can exhaust the stack; no aliases, so nothing can be multiplied.
    """

    def __init__(self, parser: Any, out: Located) -> None:
        self.parser = parser
        self.out = out
        self.at = Position(1, 1)

    def build(self) -> Any:
        root: Any = None
        documents = 0
        stack: list[_Open] = []
        while True:
            event = self.parser.get_event()
            self.at = _pos(event.start_mark)
            if isinstance(event, yaml.StreamEndEvent):
                return root
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise YamlSyntaxError(
                        "YAML syntax: a questionnaire file holds one questionnaire; this '---' "
                        "starts a second one (remove it, or put the second in its own file)",
                        self.at,
                    )
                continue
            if isinstance(event, yaml.StreamStartEvent | yaml.DocumentEndEvent):
                continue
            if isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
                stack.pop()
                continue
            self._refuse_anchors_and_tags(event)
            parent = stack[-1] if stack else None
            if isinstance(parent, _Open) and isinstance(parent.container, dict):
                if parent.key is None:
                    self._key(parent, event)
                    continue
                path: Path = (*parent.path, parent.key)
            elif parent is not None:
                path = (*parent.path, len(parent.container))
            else:
                path = ()
            self.out.values[path] = self.at
            if isinstance(event, yaml.ScalarEvent):
                value: Any = event.value
                if event.tag is None and event.implicit[0]:
                    value = _plain(value)
            else:
                if len(stack) >= MAX_DEPTH:
                    raise YamlSyntaxError(
                        f"YAML syntax: this is nested more than {MAX_DEPTH} levels deep; a "
                        "questionnaire needs far fewer (check the indentation)",
                        self.at,
                    )
                value = [] if isinstance(event, yaml.SequenceStartEvent) else {}
                opened = _Open(value, path)
            if parent is None:
                root = value
            elif isinstance(parent.container, dict):
                assert parent.key is not None
                parent.container[parent.key] = value
                parent.key = None
            else:
                parent.container.append(value)
            if not isinstance(event, yaml.ScalarEvent):
                stack.append(opened)

    def _key(self, mapping: _Open, event: Any) -> None:
        if not isinstance(event, yaml.ScalarEvent):
            raise YamlSyntaxError(
                "YAML syntax: a key must be a plain word before ':', not a list or a "
                "{ } block (put the text in quotes if it starts with [ or {)",
                self.at,
            )
        key = event.value
        if key in mapping.seen:
            first = mapping.seen[key]
            raise YamlSyntaxError(
                f"YAML syntax: '{key}' appears twice here (first on line {first.line}); "
                "keep one of them",
                self.at,
            )
        mapping.seen[key] = self.at
        mapping.key = key
        self.out.keys[(*mapping.path, key)] = self.at

    def _refuse_anchors_and_tags(self, event: Any) -> None:
        if isinstance(event, yaml.AliasEvent):
            raise YamlSyntaxError(
                f"YAML syntax: aliases like '*{event.anchor}' are not used in questionnaires; "
                "write the text out in full (a text starting with * needs quotes)",
                self.at,
            )
        if event.anchor is not None:
            raise YamlSyntaxError(
                f"YAML syntax: anchors like '&{event.anchor}' are not used in questionnaires; "
                "write each text out in full (a text starting with & needs quotes)",
                self.at,
            )
        allowed = (
            _PLAIN_TAGS | {_STR_TAG} if isinstance(event, yaml.ScalarEvent) else _COLLECTION_TAGS
        )
        if event.tag not in allowed:
            raise YamlSyntaxError(
                f"YAML syntax: tags like '{_shown_tag(event.tag)}' are not used in "
                "questionnaires; remove it (a text starting with ! needs quotes)",
                self.at,
            )


def load(text: str) -> Located:
    """Parse YAML text. Raises YamlSyntaxError with a position on anything it will not take."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        raise YamlSyntaxError(
            f"the file is {size:,} bytes; a questionnaire file can be at most {MAX_BYTES:,} "
            "bytes (split it into several questionnaires)",
            Position(1, 1),
        )
    located = Located(None)
    builder = _Builder(None, located)
    try:
        builder.parser = _Parser(text)
        located.data = builder.build()
        return located
    except YamlSyntaxError:
        raise
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        where = Position(before.count("\n") + 1, len(before) - before.rfind("\n"))
        char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1])
        raise YamlSyntaxError(
            f"YAML syntax: the file contains a control character (U+{char:04X}) "
            "that YAML does not allow; delete it",
            where,
        ) from None
    except yaml.MarkedYAMLError as exc:
        message, line, column = explain(exc, text, MAX_DEPTH)
        raise YamlSyntaxError(message, Position(line, column)) from None
    except Exception as exc:  # whatever else a parser may raise is still a located problem
        raise YamlSyntaxError(
            f"YAML syntax: this file cannot be read as YAML ({type(exc).__name__})", builder.at
        ) from None
    finally:
        if builder.parser is not None:
            builder.parser.dispose()
