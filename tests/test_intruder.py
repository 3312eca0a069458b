"""An automated motivated intruder: small random databases filled through the real service, and
a reader who knows one parent took part and tries to learn that parent's answers from what staff
and boards are shown (the report, a `--by` report, and two reports of consecutive closed months).

What counts as learning an answer:
- one report: a distribution (a question's answers, overall or for one group, or how many
  answered, skipped or preferred not to say) with exactly one count that is not 0, shown as `*`:
  every one of those 1 to 7 parents gave that answer;
- a `--by` report: the same in any group's row, and no breakdown by a typed answer (its groups
  would be the parents' own words);
- two reports, the second covering one more closed month: a count that was `0` and is not any
  more, when fewer than the minimum base of parents were added — those few parents gave it."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from analysis_data import ANALYSIS, answer_all
from conftest import make_config, make_service
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from bot.analysis.disclosure import SUPPRESSED, Rule
from bot.analysis.report import build
from bot.analysis.writers import ExportError
from bot.conversation import events as ev
from bot.storage.reading import Filter
from bot.storage.store import Store

MONTHS = ("2026-08", "2026-09", "2026-10")  # closed months: the tests' clock is in November
FFT = ("very_good", "good", "neither", "poor", "very_poor", "dont_know")
QUESTIONS = ("source", "unit", "stages", "birth_place", "fft", "visits", "comments")
HAPPY = {"month": 0, "unit": ("ludlow",), "stages": ("birth",), "birth_place": ("unit",),
         "fft": ("very_good",), "visits": "2", "comments": "Kind midwives"}  # fmt: skip
UNHAPPY = {**HAPPY, "unit": ("telford",), "fft": ("poor",), "visits": "prefer",
           "comments": "Parking was hard"}  # fmt: skip

parent = st.fixed_dictionaries(
    {
        "month": st.sampled_from(range(len(MONTHS))),
        "unit": st.sampled_from([("ludlow",), ("telford",)]),
        "stages": st.sampled_from(["skip", ("antenatal",), ("birth",), ("antenatal", "birth")]),
        "birth_place": st.sampled_from([("unit",), ("home",)]),
        "fft": st.sampled_from([(code,) for code in FFT]),
        "visits": st.sampled_from(["skip", "prefer", "2", "5"]),
        "comments": st.sampled_from(["skip", "Kind midwives", "Parking was hard"]),
    }
)


async def _fill(folder: Path, parents: list[dict[str, Any]]) -> Path:
    flows = folder / "flows"
    flows.mkdir()
    shutil.copy(ANALYSIS / "v1.yaml", flows / "survey.yaml")
    db = folder / "feedback.sqlite3"
    config = make_config(folder, flows=flows, default_flow="survey")
    config = config.model_copy(update={"storage": config.storage.model_copy(update={"path": db})})
    now = [datetime(2026, 8, 10, tzinfo=UTC)]
    store = await Store.open(db)
    try:
        service = await make_service(store, config, clock=lambda: now[0])
        for n, script in enumerate(parents):
            now[0] = datetime(2026, 8 + script["month"], 10, 9, n, tzinfo=UTC)
            await answer_all(service, f"parent-{n}", script, ev.Start())
    finally:
        await store.close()
    return db


def database(tmp_path_factory: Any, parents: list[dict[str, Any]]) -> Path:
    return asyncio.run(_fill(tmp_path_factory.mktemp("intruder"), parents))


def distributions(context: dict[str, Any]) -> Iterator[tuple[tuple[str, ...], list[str]]]:
    """Every row of counts the page shows that describes how a set of parents answered."""
    for s in context["sections"]:
        for q in s.get("questions") or []:
            key = (s["flow"], q["id"])
            if q.get("missing") is not None and q.get("answered") is not None:
                yield (*key, "asked"), [q["answered"], *(n for _, n in q["missing"])]
            if q.get("rows"):
                yield (*key, "answers"), [n for _, n, _ in q["rows"]]
            for group, row in (q.get("cross") or {}).get("rows", []):
                yield (*key, "group", group), list(row)


def star_among_zeros(context: dict[str, Any]) -> list[tuple[str, ...]]:
    found = []
    for key, cells in distributions(context):
        given_by_someone = [c for c in cells if c != "0"]
        if given_by_someone == [SUPPRESSED] and len(cells) > 1:
            found.append(key)
    return found


def report(db: Path, by: str = "source", until: str | None = None) -> dict[str, Any]:
    return build([db], Filter(until=until), by, Rule())


# Each example fills a database through the service, so no shrinking: a failure is reported as
# found (its database is small anyway).
examples = settings(
    max_examples=20,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@examples
@given(parents=st.lists(parent, min_size=1, max_size=14))
@example(parents=[UNHAPPY])  # one response
@example(parents=[HAPPY] * 12 + [UNHAPPY])  # one parent the only one to answer "poor"
def test_one_report_gives_no_parent_away(tmp_path_factory: Any, parents: list[Any]) -> None:
    db = database(tmp_path_factory, parents)
    assert star_among_zeros(report(db)) == []


@examples
@given(parents=st.lists(parent, min_size=1, max_size=14))
@example(parents=[HAPPY] * 12 + [UNHAPPY])  # the lone parent of one unit
def test_a_breakdown_gives_no_parent_away(tmp_path_factory: Any, parents: list[Any]) -> None:
    db = database(tmp_path_factory, parents)
    typed = {p["comments"] for p in parents} | {p["visits"] for p in parents}
    for by in QUESTIONS:
        try:
            context = report(db, by=by)
        except ExportError:
            continue  # refused: nothing shown
        assert star_among_zeros(context) == [], by
        for s in context["sections"]:
            labels = {g for g, *_ in s.get("groups") or []}
            assert not labels & typed, f"--by {by} shows parents' own words"


@examples
@given(
    earlier=st.lists(parent, min_size=0, max_size=24),
    added=st.lists(parent, min_size=1, max_size=9),
)
@example(earlier=[HAPPY] * 12, added=[UNHAPPY])  # one parent the month after
def test_two_reports_of_consecutive_months_give_no_parent_away(
    tmp_path_factory: Any, earlier: list[Any], added: list[Any]
) -> None:
    parents = [{**p, "month": p["month"] % 2} for p in earlier] + [{**p, "month": 2} for p in added]
    db = database(tmp_path_factory, parents)
    for by in ("source", "unit"):
        first, second = report(db, by, until=MONTHS[1]), report(db, by, until=MONTHS[2])
        before, after = dict(distributions(first)), dict(distributions(second))
        # The parents one report holds and the other does not, from the months each covers.
        new = len([p for p in parents if covers(second, p) and not covers(first, p)])
        for key, cells in after.items():
            old = before.get(key)
            if old is None or len(old) != len(cells) or new >= Rule().min_base:
                continue
            appeared = [n for n, (a, b) in enumerate(zip(old, cells, strict=True)) if a == "0" != b]
            assert not appeared, f"{key}: the {new} parents added gave {appeared}"


def covers(context: dict[str, Any], parent: dict[str, Any]) -> bool:
    month = MONTHS[parent["month"]]
    for s in context["sections"]:
        if s.get("period"):
            since, until = s["period"]
            return (since == "the start" or since <= month) and (until == "today" or month <= until)
    return False
