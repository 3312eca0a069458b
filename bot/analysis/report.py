"""The summary report a commissioner can take to a board: one self-contained HTML file (styles
and charts inline, nothing fetched), every number under disclosure control."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bot.analysis.charts import bars
from bot.analysis.columns import MISSING_LABELS, Plan
from bot.analysis.disclosure import SUPPRESSED, Rule, protect
from bot.analysis.export import plans
from bot.analysis.tally import NO_GROUP, QuestionTally, Tally, counted
from bot.analysis.writers import ExportError
from bot.questionnaire.flow import NumberQuestion, ScaleQuestion, TextQuestion, text_in
from bot.storage.reading import Filter, reading, responses

POSITIVE, NEGATIVE = ("very_good", "good"), ("poor", "very_poor")


@dataclass
class Suppressed:
    primary: int = 0
    secondary: int = 0


@dataclass
class View:
    """What the template shows: texts only, every count already through the rule."""

    rule: Rule
    suppressed: Suppressed = field(default_factory=Suppressed)

    def line(self, counts: list[int]) -> list[str]:
        """One distribution (with its total shown), protected against subtraction."""
        return self.table([counts])[0]

    def table(self, rows: list[list[int]]) -> list[list[str]]:
        hidden = protect(rows, self.rule)
        out = []
        for row, hide in zip(rows, hidden, strict=True):
            shown = []
            for n, h in zip(row, hide, strict=True):
                if h:
                    self.suppressed.primary += self.rule.hidden(n)
                    self.suppressed.secondary += not self.rule.hidden(n)
                shown.append(SUPPRESSED if h else self.rule.count(n))
            out.append(shown)
        return out

    def percent(self, part_shown: str, whole: int) -> str:
        """A percentage from a shown count and a total: never from a hidden or small cell."""
        total = self.rule.rounded(whole)
        if part_shown == SUPPRESSED or not total:
            return SUPPRESSED if whole else "–"
        return f"{100 * int(part_shown) / total:.0f}%"


def _tally(databases: list[Path], which: Filter, p: Plan, by: str) -> Tally:
    tally = Tally(p, by)
    for path in databases:
        with reading(path) as conn:
            for head, rows in responses(conn, Filter(p.flow_id, which.complete_only,
                                                     which.since, which.until)):  # fmt: skip
                tally.add(head[3], head[5], head[6], rows)
    return tally


def _question(view: View, q: QuestionTally, lang: str, default: str, groups: list[str]) -> Any:
    item = q.item
    text = text_in(item.question.text, lang, default)
    result: dict[str, Any] = {"id": item.id, "text": text, "answered": view.rule.count(q.answered)}
    missing = [(MISSING_LABELS[c], view.rule.count(n)) for c, n in sorted(q.missing.items())]
    result["missing"] = missing
    result["cross"] = None
    if counted(item):
        labels = [text_in(o.label, lang, default) for o in item.options]
        shown = view.line([q.options[o.id] for o in item.options])
        result["rows"] = [
            (label, n, view.percent(n, q.answered)) for label, n in zip(labels, shown, strict=True)
        ]
        values = [None if n == SUPPRESSED else int(n) for n in shown]
        result["chart"] = bars(labels, values, text) if q.answered else ""
        if len(groups) > 1:
            cross = [[q.by_group.get(g, Counter())[o.id] for o in item.options] for g in groups]
            rows = list(zip(groups, view.table(cross), strict=True))
            result["cross"] = {"labels": labels, "rows": rows}
        result["kind"] = "choice"
    elif isinstance(item.question, NumberQuestion):
        small = len(q.numbers) <= view.rule.suppress_up_to
        result["median"] = SUPPRESSED if small else f"{statistics.median(q.numbers):g}"
        result["kind"] = "number"
    elif isinstance(item.question, TextQuestion) or q.typed:
        result["typed"] = view.rule.count(q.typed)
        result["quotes"] = q.quotes if q.typed > view.rule.suppress_up_to else []
        result["kind"] = "text"
    else:
        result["kind"] = "other"
    return result


def _fft(view: View, p: Plan, tally: Tally, groups: list[str]) -> Any:
    item = next((i for i in p.items if getattr(i.question, "preset", None) == "fft"), None)
    if item is None or not isinstance(item.question, ScaleQuestion):
        return None
    q = tally.questions[item.id]
    positive = sum(q.options[c] for c in POSITIVE)
    negative = sum(q.options[c] for c in NEGATIVE)
    shown = view.line([positive, negative, q.answered - positive - negative])
    per_group = []
    for g in groups:
        counts = q.by_group.get(g, Counter())
        pos, total = sum(counts.get(c, 0) for c in POSITIVE), sum(counts.values())
        (pos_shown,) = view.line([pos])
        per_group.append((g, view.rule.count(total), view.percent(pos_shown, total)))
    return {
        "id": item.id,
        "answered": view.rule.count(q.answered),
        "positive": view.percent(shown[0], q.answered),
        "negative": view.percent(shown[1], q.answered),
        "by_group": per_group,
    }


def build(
    databases: list[Path], which: Filter, by: str, rule: Rule, language: str | None = None
) -> dict[str, Any]:
    """Everything the template needs, for each questionnaire with answers."""
    found = plans(databases, which.flow_id)
    if which.flow_id is not None and which.flow_id not in found:
        raise ExportError(f"no answers to a questionnaire called '{which.flow_id}'")
    view = View(rule)
    sections = []
    for p in found.values():
        newest = p.newest()
        lang, default = language or newest.default_language, newest.default_language
        if by != "source" and by not in {i.id for i in p.items}:
            raise ExportError(f"'{by}' is not a question of {p.flow_id}: use --by source or one of "
                              + ", ".join(i.id for i in p.items if counted(i)))  # fmt: skip
        tally = _tally(databases, which, p, by)
        groups = sorted(tally.groups, key=lambda g: (g == NO_GROUP, g))
        months = sorted(tally.months)
        month_counts = view.line([tally.months[m] for m in months])
        started = view.line([tally.groups[g] for g in groups])
        finished = view.line([tally.groups_complete[g] for g in groups])
        (complete,) = view.line([tally.complete])
        sections.append(
            {
                "flow": p.flow_id,
                "title": text_in(newest.title, lang, default),
                "versions": list(p.labels.values()),
                "started": rule.count(tally.started),
                "complete": complete,
                "completion": view.percent(complete, tally.started),
                "months": list(zip(months, month_counts, strict=True)),
                "groups": [
                    (g, s, f, view.percent(f, tally.groups[g]))
                    for g, s, f in zip(groups, started, finished, strict=True)
                ],
                "fft": _fft(view, p, tally, groups),
                "questions": [
                    _question(view, q, lang, default, groups) for q in tally.questions.values()
                ],
            }
        )
    return {
        "sections": sections,
        "by": by,
        "rule": rule.describe(),
        "suppressed": view.suppressed,
        "period": (which.since or "the start", which.until or "now"),
        "made": date.today().strftime("%B %Y"),
        "databases": len(databases),
        "missing": MISSING_LABELS,
    }


def render(context: dict[str, Any]) -> str:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("bot.analysis", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    return env.get_template("report.html.j2").render(**context)
