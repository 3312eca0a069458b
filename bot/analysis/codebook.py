"""The data dictionary of an export, laid out like XLSForm's `survey` and `choices` sheets (the
convention analysts know from ODK and KoboToolbox), plus the values that stand for no answer.
Pure: built from the export plans, written by any sink."""

from __future__ import annotations

from collections.abc import Iterator

from bot.analysis.columns import (
    MISSING,
    MISSING_LABELS,
    NO_VALID_ANSWER,
    NOT_ASKED,
    NOT_REACHED,
    Item,
    Plan,
)
from bot.analysis.writers import Sink, neutralise
from bot.questionnaire.conditions import PREFER_NOT, SKIPPED
from bot.questionnaire.flow import (
    ChoiceQuestion,
    Condition,
    ContactStep,
    MonthYearQuestion,
    MultiQuestion,
    NumberQuestion,
    ScaleQuestion,
    TextQuestion,
    YesNoQuestion,
    text_in,
)
from bot.words import say

Sheet = tuple[str, list[str], Iterator[list[str]]]
#: The list every yes/no question (and the contact opt-in) names, XLSForm's usual `yes_no`.
YES_NO = "yes_no"


def xlsform_type(item: Item) -> str:
    q = item.question
    if isinstance(q, MultiQuestion):
        return f"select_multiple {q.id}"
    if isinstance(q, ChoiceQuestion | ScaleQuestion):
        return f"select_one {q.id}"
    if isinstance(q, YesNoQuestion | ContactStep):
        return f"select_one {YES_NO}"
    if isinstance(q, NumberQuestion):
        return "integer" if q.whole else "decimal"
    if isinstance(q, MonthYearQuestion):
        return "month (YYYY-MM)"
    if isinstance(q, TextQuestion):
        return "text (redacted)"
    return q.type


def relevant(cond: Condition | None, multi: frozenset[str] = frozenset()) -> str:
    """A show_if condition in XLSForm's `relevant` syntax."""
    if cond is None:
        return ""
    if cond.all is not None:
        return " and ".join(f"({relevant(c, multi)})" for c in cond.all)
    if cond.any is not None:
        return " or ".join(f"({relevant(c, multi)})" for c in cond.any)
    if cond.not_ is not None:
        return f"not({relevant(cond.not_, multi)})"
    ref = f"${{{cond.question}}}"
    if cond.answered is not None:
        return f"{ref} != ''" if cond.answered else f"{ref} = ''"
    if cond.is_ is not None or cond.is_not is not None:
        wanted = cond.is_ if cond.is_ is not None else cond.is_not or []
        if cond.question in multi:
            tests = [f"selected({ref}, '{w}')" for w in wanted]
        else:
            tests = [f"{ref} = '{w}'" for w in wanted]
        joined = " or ".join(tests)
        return joined if cond.is_ is not None else f"not({joined})"
    bounds = []
    if cond.at_least is not None:
        bounds.append(f"{ref} >= {cond.at_least:g}")
    if cond.at_most is not None:
        bounds.append(f"{ref} <= {cond.at_most:g}")
    return " and ".join(bounds)


def missing_codes(item: Item) -> list[str]:
    q = item.question
    codes = [SKIPPED] if q.optional else []
    codes += [PREFER_NOT] if q.prefer_not_to_say else []
    codes += [NO_VALID_ANSWER]
    codes += [NOT_ASKED] if q.show_if is not None else []
    return [*codes, NOT_REACHED]


def languages(plans: dict[str, Plan]) -> list[str]:
    seen: dict[str, None] = {}
    for p in plans.values():
        for flow in p.flows.values():
            seen.update(dict.fromkeys(flow.languages))
    return list(seen)


def survey(plans: dict[str, Plan]) -> Sheet:
    langs = languages(plans)
    header = ["flow", "name", "type", *(f"label::{lang}" for lang in langs)]
    header += ["choices", "relevant", "required", "columns", "missing_values", "versions"]

    def rows() -> Iterator[list[str]]:
        for p in plans.values():
            default = p.newest().default_language
            multi = p.multi
            for item in p.items:
                q = item.question
                labels = [text_in(q.text, lang, default) for lang in langs]
                listed = "; ".join(f"{o.id}={text_in(o.label, default, default)}"
                                   for o in item.options)  # fmt: skip
                yield [
                    p.flow_id, item.id, xlsform_type(item), *labels, listed,
                    relevant(q.show_if, multi), "no" if q.optional else "yes",
                    " ".join(item.columns()), " ".join(missing_codes(item)),
                    " ".join(item.versions),
                ]  # fmt: skip

    return "survey", header, rows()


def choices(plans: dict[str, Plan]) -> Sheet:
    langs = languages(plans)
    header = ["flow", "list_name", "name", *(f"label::{lang}" for lang in langs), "other"]

    def rows() -> Iterator[list[str]]:
        for p in plans.values():
            default = p.newest().default_language
            listed: set[str] = set()
            for item in p.items:
                kind, _, list_name = xlsform_type(item).partition(" ")
                if not kind.startswith("select_") or list_name in listed:
                    continue  # not a choice, or a list shared by several questions, given once
                listed.add(list_name)
                if list_name == YES_NO:  # the bot's own words, in each language it speaks
                    for code in ("yes", "no"):
                        yield [p.flow_id, YES_NO, code, *(say(code, lang) for lang in langs), ""]
                    continue
                for option in item.options:
                    labels = [text_in(option.label, lang, default) for lang in langs]
                    other = (
                        "yes: its text is in column " + f"{item.id}.other" if option.other else ""
                    )
                    yield [p.flow_id, list_name, option.id, *labels, other]

    return "choices", header, rows()


def missing_values() -> Sheet:
    header = ["value", "label", "meaning"]
    rows = [[code, MISSING_LABELS[code], meaning] for code, meaning in MISSING.items()]
    rows.append(["(empty)", "", "the question was not in the version this parent answered"])
    return "missing_values", header, iter(rows)


def sheets(plans: dict[str, Plan]) -> list[Sheet]:
    return [survey(plans), choices(plans), missing_values()]


def write(sink: Sink, sheets: list[Sheet]) -> None:
    for name, header, rows in sheets:
        sink.table(name, header)
        if sink.spreadsheet:
            sink.rows(name, [[neutralise(c) for c in row] for row in rows])
        else:
            sink.rows(name, list(rows))


def markdown(plans: dict[str, Plan]) -> str:
    """The codebook as Markdown tables, for docs and review."""
    out: list[str] = []
    for name, header, rows in sheets(plans):
        out += [f"## {name}", "", "| " + " | ".join(header) + " |"]
        out.append("|" + "---|" * len(header))
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
        out.append("")
    return "\n".join(out)
