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
from bot.analysis.disclosure import OTHER, SUPPRESSED, Rule, merged, protect
from bot.analysis.export import plans
from bot.analysis.fft import month_name
from bot.analysis.fft import section as fft_section
from bot.analysis.periods import TO_DATE_WARNING, Period, covered, last_closed
from bot.analysis.tally import NO_GROUP, QUOTES_SHOWN, QuestionTally, Tally, counted
from bot.analysis.writers import ExportError
from bot.questionnaire.flow import (
    ChoiceQuestion,
    NumberQuestion,
    TextQuestion,
    text_in,
)
from bot.storage.reading import Filter, reading, responses, start_months


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


def _months(databases: list[Path], flow_id: str) -> dict[str, int]:
    found: Counter[str] = Counter()
    for path in databases:
        with reading(path) as conn:
            found.update(start_months(conn, flow_id))
    return dict(found)


def _tally(databases: list[Path], which: Filter, p: Plan, by: str, months: Period) -> Tally:
    tally = Tally(p, by)
    for path in databases:
        with reading(path) as conn:
            for head, rows in responses(conn, Filter(p.flow_id, which.complete_only,
                                                     months.since, months.until)):  # fmt: skip
                tally.add(head[3], head[5], head[6], rows)
    return tally


def _names(p: Plan, by: str, lang: str, default: str) -> dict[str, str]:
    """How each group of a breakdown is named on the page: an option's label, not its code."""
    names = {OTHER: "Other", NO_GROUP: "No poster tag" if by == "source" else "Not answered"}
    item = next((i for i in p.items if i.id == by), None)
    if item is not None and isinstance(item.question, ChoiceQuestion):
        names |= {o.id: text_in(o.label, lang, default) for o in item.question.options}
    return names


def _by(p: Plan, by: str, lang: str, default: str) -> str:
    """What a breakdown is by, as a reader reads it: the question's words, or the poster tag."""
    item = next((i for i in p.items if i.id == by), None)
    return text_in(item.question.text, lang, default) if item is not None else "Poster tag"


def _question(
    view: View, q: QuestionTally, lang: str, default: str, groups: list[str], names: dict[str, str]
) -> Any:
    item, rule = q.item, view.rule
    text = text_in(item.question.text, lang, default)
    result: dict[str, Any] = {"id": item.id, "text": text, "kind": "other", "cross": None}
    asked = q.answered + sum(q.missing.values())
    if not rule.enough(asked):
        return result | {"withheld": rule.withheld("were asked it"), "answered": None,
                         "missing": None}  # fmt: skip
    codes = sorted(q.missing)
    shown = view.line([q.answered, *(q.missing[c] for c in codes)])
    result["answered"] = shown[0]
    result["missing"] = [(MISSING_LABELS[c], n) for c, n in zip(codes, shown[1:], strict=True)]
    result["withheld"] = None if rule.enough(q.answered) else rule.withheld()
    if result["withheld"]:
        return result
    if counted(item):
        labels = [text_in(o.label, lang, default) for o in item.options]
        cells = view.line([q.options[o.id] for o in item.options])
        result["rows"] = [
            (label, n, view.percent(n, q.answered)) for label, n in zip(labels, cells, strict=True)
        ]
        values = [None if n == SUPPRESSED else int(n) for n in cells]
        result["chart"] = bars(labels, values, text)
        if len(groups) > 1:
            if all(rule.enough(q.answered_by_group[g]) for g in groups):
                cross = [[q.by_group.get(g, Counter())[o.id] for o in item.options] for g in groups]
                rows = list(zip([names.get(g, g) for g in groups], view.table(cross), strict=True))
                result["cross"] = {"labels": labels, "rows": rows, "withheld": None}
            else:
                result["cross"] = {"withheld": rule.withheld("in a group answered")}
        result["kind"] = "choice"
    elif isinstance(item.question, NumberQuestion):
        result["median"] = f"{statistics.median(q.numbers):g}"
        result["kind"] = "number"
    elif isinstance(item.question, TextQuestion) or q.typed:
        # Always the same number of quotes, fewer than the minimum base, so the number printed
        # never tells how many parents typed an answer.
        quoted = rule.enough(q.typed)
        result["typed"] = rule.count(q.typed)
        result["quotes"] = q.quotes[: min(QUOTES_SHOWN, rule.min_base - 1)] if quoted else []
        result["kind"] = "text"
    return result


def breakdowns(p: Plan) -> list[str]:
    """What a report may be broken down by: the poster tag, and single-choice questions staff
    marked `breakdown: true` (never typed answers or the contact opt-in)."""
    return ["source"] + [
        i.id for i in p.items if isinstance(i.question, ChoiceQuestion) and i.question.breakdown
    ]


def build(
    databases: list[Path],
    which: Filter,
    by: str,
    rule: Rule,
    language: str | None = None,
    today: date | None = None,
    to_date: bool = False,
) -> dict[str, Any]:
    """Everything the template needs, for each questionnaire with answers: by default over the
    whole closed periods within `which` (see `periods`), with `to_date` up to today."""
    today = today or date.today()
    found = plans(databases, which.flow_id)
    if which.flow_id is not None and which.flow_id not in found:
        raise ExportError(f"no answers to a questionnaire called '{which.flow_id}'")
    view = View(rule)
    sections: list[dict[str, Any]] = []
    for p in found.values():
        newest = p.newest()
        lang, default = language or newest.default_language, newest.default_language
        if by not in breakdowns(p):
            raise ExportError(f"{p.flow_id} cannot be broken down by '{by}': use --by "
                              + " or ".join(breakdowns(p)) + " (a single-choice question "
                              "can be marked 'breakdown: true' in the questionnaire)")  # fmt: skip
        title = text_in(newest.title, lang, default)
        asked = Period(which.since, which.until)
        started_in = _months(databases, p.flow_id)
        if not started_in:
            continue  # a questionnaire nobody has answered yet gets no section
        covers = covered(started_in, asked, rule, today, to_date)
        if covers is None:
            sections.append({"flow": p.flow_id, "title": title, "withheld": rule.withheld(
                "responded in whole months that have ended in this period")})  # fmt: skip
            continue
        tally = _tally(databases, which, p, by, covers)
        if not rule.enough(tally.started):
            sections.append({"flow": p.flow_id, "title": title,
                             "withheld": rule.withheld("responded in this period")})  # fmt: skip
            continue
        tally.regroup(merged(dict(tally.groups), rule))
        names = _names(p, by, lang, default)
        groups = sorted(tally.groups, key=lambda g: (g in (NO_GROUP, OTHER), names.get(g, g)))
        months = sorted(tally.months)
        month_counts = view.line([tally.months[m] for m in months])
        started = view.line([tally.groups[g] for g in groups])
        finished = view.line([tally.groups_complete[g] for g in groups])
        (complete,) = view.line([tally.complete])
        sections.append(
            {
                "flow": p.flow_id,
                "title": title,
                "withheld": None,
                "period": (covers.since or "the start", covers.until or "today"),
                "versions": list(p.labels.values()),
                "started": rule.count(tally.started),
                "complete": complete,
                "completion": view.percent(complete, tally.started),
                "months": list(zip(map(month_name, months), month_counts, strict=True)),
                "by": _by(p, by, lang, default),
                "groups": [
                    (names.get(g, g), s, f, view.percent(f, tally.groups[g]))
                    for g, s, f in zip(groups, started, finished, strict=True)
                ]
                if len(groups) > 1
                else [],
                "fft": fft_section(rule, p, tally, groups, names),
                "questions": [
                    _question(view, q, lang, default, groups, names)
                    for q in tally.questions.values()
                ],
            }
        )
    return {
        "sections": sections,
        "by": by,
        "rule": rule.describe(),
        "min_base": rule.min_base,
        "suppressed": view.suppressed,
        "closed": None if to_date else last_closed(today),
        "warning": TO_DATE_WARNING if to_date else None,
        "made": today.strftime("%B %Y"),
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
