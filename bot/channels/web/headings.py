"""A question's words laid out for a page with one short heading: the lead-in as text, the
question itself as the heading, and anything after it as a hint.

The rule works for any questionnaire's text, in any language: the heading is the last sentence
that ends in a question mark (?, ؟ or ？); the paragraphs and sentences before it are its lead-in,
and those after it ("Choose all that apply.") its hint. A text with no question in it keeps its
last paragraph as the heading. A sentence ends at . ! ? … ۔ or । (and any closing quote or
bracket) followed by a space and a word that does not start in lower case, so "e.g. the food?"
stays one sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

QUESTION_MARKS = "?؟？"
_END = re.compile(r"[.!?…؟？۔।]+[\"'”’»)\]）]*(?=\s)")


@dataclass(frozen=True)
class LaidOut:
    lead: tuple[str, ...]
    heading: str
    after: tuple[str, ...]


def paragraphs(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in re.split(r"\n\s*\n", text) if p.strip())


def sentences(paragraph: str) -> list[str]:
    """The paragraph's sentences, each as written."""
    found, start = [], 0
    for end in _END.finditer(paragraph):
        rest = paragraph[end.end() :].lstrip()
        if rest and not rest[0].islower():
            found.append(paragraph[start : end.end()].strip())
            start = end.end()
    found.append(paragraph[start:].strip())
    return [s for s in found if s]


def _is_question(sentence: str) -> bool:
    return sentence.rstrip("\"'”’»)]）").endswith(tuple(QUESTION_MARKS))


def lay_out(text: str) -> LaidOut:
    parts = paragraphs(text)
    if not parts:
        return LaidOut((), text.strip(), ())
    for index in range(len(parts) - 1, -1, -1):
        said = sentences(parts[index])
        asks = [n for n, sentence in enumerate(said) if _is_question(sentence)]
        if asks:
            at = asks[-1]
            before, after = " ".join(said[:at]), " ".join(said[at + 1 :])
            lead = parts[:index] + ((before,) if before else ())
            return LaidOut(lead, said[at], ((after,) if after else ()) + parts[index + 1 :])
    return LaidOut(parts[:-1], parts[-1], ())
