"""Check a theme codebook; explain each problem as `file:line:col: error|warning: message`, with
the questionnaire checker's own reading of YAML and of pydantic's errors (file:line:col, plain
words, "did you mean")."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any, Literal

from pydantic import ValidationError

from bot.errors import MAX_PROBLEMS
from bot.questionnaire.check import Problem, shape_problems
from bot.questionnaire.loader import MAX_BYTES, Located, Path, Position, YamlSyntaxError, load
from bot.questionnaire.meaning import did_you_mean
from bot.themes import THEMES_FOLDER
from bot.themes.codebook import Codebook, codebook_keys

KNOWN_KEYS = codebook_keys()


@dataclass(frozen=True)
class CheckedCodebook:
    file: str
    codebook: Codebook | None
    problems: tuple[Problem, ...]  # at most MAX_PROBLEMS, in file order
    more_errors: int = 0

    @property
    def errors(self) -> int:
        return self.more_errors + sum(p.severity == "error" for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.severity == "warning" for p in self.problems)

    @property
    def ok(self) -> bool:
        return self.codebook is not None and self.errors == 0


def _describe(path: Path, data: Any) -> str:
    """'theme "food"' for paths inside a theme, else the key or 'codebook'."""
    if len(path) >= 2 and path[0] == "themes" and isinstance(path[1], int):
        themes = data.get("themes") if isinstance(data, dict) else None
        if isinstance(themes, list) and path[1] < len(themes):
            theme = themes[path[1]]
            if isinstance(theme, dict) and isinstance(theme.get("id"), str):
                return f"theme '{theme['id']}'"
        return f"theme {path[1] + 1}"
    return str(path[0]) if path else "codebook"


Found = tuple[Path, Literal["error", "warning"], str]


def meaning_problems(
    book: Codebook,
    questions: Collection[str] | None = None,
    languages: Collection[str] = (),
) -> list[Found]:
    """What the shape allows but the codebook cannot mean. `questions`: the free-text question
    ids of the questionnaires beside it, when known; `languages`: the languages they offer."""
    found: list[Found] = []
    seen: set[str] = set()
    for i, theme in enumerate(book.themes):
        here: Path = ("themes", i)
        if theme.id in seen:
            found.append(((*here, "id"), "error", f"a second theme '{theme.id}': ids must differ"))
        seen.add(theme.id)
        if "en" not in theme.label:
            found.append(((*here, "label"), "error", f"theme '{theme.id}' needs an 'en' label"))
        for language in sorted(set(languages) - theme.label.keys()):
            found.append(
                ((*here, "label"), "warning",
                 f"theme '{theme.id}' has no '{language}' label, and the questionnaires offer "
                 f"'{language}'")
            )  # fmt: skip
        for language in theme.phrases.keys() - theme.label.keys():
            found.append(
                ((*here, "phrases", language), "warning",
                 f"theme '{theme.id}' has '{language}' phrases but no '{language}' label")
            )  # fmt: skip
        if not any(theme.phrases.values()):
            found.append(((*here, "phrases"), "error", f"theme '{theme.id}' has no phrases"))
        for key in ("phrases", "guards"):
            for language, phrases in getattr(theme, key).items():
                for j, phrase in enumerate(phrases):
                    if not any(c.isalnum() for c in phrase):
                        found.append(
                            ((*here, key, language, j), "error",
                             f"'{phrase}' has no letters to match")
                        )  # fmt: skip
        if questions is not None and theme.questions != "all":
            for j, question in enumerate(theme.questions):
                if question not in questions:
                    found.append(
                        ((*here, "questions", j), "warning",
                         f"no free-text question '{question}' in the questionnaires"
                         f"{did_you_mean(question, questions)}")
                    )  # fmt: skip
    return found


def check_text(
    text: str,
    file: str,
    questions: Collection[str] | None = None,
    languages: Collection[str] = (),
) -> CheckedCodebook:
    """Check one codebook's YAML text."""

    def refused(pos: Position, msg: str) -> CheckedCodebook:
        return CheckedCodebook(file, None, (Problem(file, pos.line, pos.col, "error", msg),))

    try:
        located = load(text)
    except YamlSyntaxError as exc:
        return refused(exc.position, exc.message)
    if not isinstance(located.data, dict):
        return refused(Position(1, 1), "a theme codebook must start with 'id:' and 'themes:'")
    try:
        book = Codebook.model_validate(located.data)
    except ValidationError as exc:
        problems, more = shape_problems(
            exc, located, file, known_keys=KNOWN_KEYS, describe=_describe
        )
        return CheckedCodebook(file, None, problems, more)
    return _located(book, meaning_problems(book, questions, languages), located, file)


def _located(book: Codebook, found: list[Found], located: Located, file: str) -> CheckedCodebook:
    problems = []
    for path, severity, message in found[:MAX_PROBLEMS]:
        where = located.where(path)
        problems.append(Problem(file, where.line, where.col, severity, message))
    problems.sort(key=lambda p: (p.line, p.col))
    more = sum(severity == "error" for _, severity, _ in found[MAX_PROBLEMS:])
    return CheckedCodebook(file, book, tuple(problems), more)


def codebook_files(flows_dir: FsPath) -> list[FsPath]:
    """The theme codebooks: the YAML files of the `themes` folder beside the questionnaires."""
    return sorted((flows_dir.parent / THEMES_FOLDER).glob("*.y*ml"))


def check_file(
    path: FsPath, questions: Collection[str] | None = None, languages: Collection[str] = ()
) -> CheckedCodebook:
    """Read and check a codebook file (the only I/O here: one file, at most MAX_BYTES)."""

    def unreadable(message: str) -> CheckedCodebook:
        return CheckedCodebook(str(path), None, (Problem(str(path), 1, 1, "error", message),))

    try:
        if path.stat().st_size > MAX_BYTES:
            return unreadable(f"the file is larger than {MAX_BYTES:,} bytes")
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        return unreadable(f"cannot read the file: {exc.strerror or exc}")
    except UnicodeDecodeError:
        return unreadable("the file is not UTF-8 text; save it with the encoding UTF-8")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return check_text(text, str(path), questions, languages)
