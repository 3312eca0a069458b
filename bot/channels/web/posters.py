"""A poster's link opened while another questionnaire is under way: the parent chooses.

Each poster's QR code opens one questionnaire, perhaps with the unit already answered (its tag).
When a parent part-way through one questionnaire opens a poster for another, or for the same one
at another unit, the chat offers both: carry on with the one under way, or start the poster's.
Starting it leaves the one under way as a partial response, as "start again" does.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.conversation import events as ev
from bot.conversation.prompts import label_of
from bot.questionnaire import flow as lang
from bot.service import Outcome, Service


@dataclass(frozen=True)
class PosterChoice:
    """The questionnaire under way and the poster's, each as a parent knows it."""

    under_way: str
    poster: str
    languages: tuple[str, ...]


async def poster_choice(
    service: Service, who: str, tag: str | None, flow_id: str | None, language: str
) -> PosterChoice | None:
    """The choice to offer, or None when the poster opens the questionnaire under way (or
    none is under way): then its welcome carries on, or starts, as usual."""
    standing = await service.standing(who)
    if standing.status != "active" or standing.flow is None:
        return None
    under_way, poster = standing.flow, service.pick_flow(tag, flow_id)
    known = service.known_tag(tag)
    if poster.id == under_way.id and _answered(poster, known) == _answered(
        under_way, standing.source
    ):
        return None
    return PosterChoice(
        described(under_way, standing.source, language),
        described(poster, known, language),
        standing.languages,
    )


async def start_or_carry_on(
    service: Service, who: str, start: ev.Start, flow_id: str | None, *, afresh: bool
) -> Outcome:
    """The welcome's Start: begin, or carry on the questionnaire under way. With `afresh` (the
    choice's "Start the new questions"), begin the poster's instead, if it still differs: so
    the same form sent twice never abandons the questionnaire it began."""
    if afresh:
        language = start.language or "en"
        if await poster_choice(service, who, start.source, flow_id, language) is not None:
            return await service.start_afresh(who, start, flow_id=flow_id)
    return await service.handle(who, start, flow_id=flow_id)


def _answered(flow: lang.Flow, tag: str | None) -> dict[str, str]:
    """What a poster's tag answers upfront (the unit, say)."""
    return dict(flow.source_tags.get(tag or "", {}))


def described(flow: lang.Flow, tag: str | None, language: str) -> str:
    """A questionnaire's title, with what its poster answered: "Your experience of our
    midwife-led units (Ludlow)"."""
    title = lang.text_in(flow.title, language, flow.default_language)
    answered = [label_of(flow, qid, value, language) for qid, value in _answered(flow, tag).items()]
    return f"{title} ({', '.join(answered)})" if answered else title
