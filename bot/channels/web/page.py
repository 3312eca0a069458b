"""The web chat's pages as HTML, from a parent's view and the settings. No I/O beyond reading
the templates once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jinja2

from bot.channels.web.fields import field_for
from bot.channels.web.headings import lay_out
from bot.channels.web.posters import PosterChoice
from bot.channels.web.view import View
from bot.channels.web.words import RIGHT_TO_LEFT, word, words_in
from bot.config import Config
from bot.conversation.months import month_in_digits, month_in_words
from bot.words import LANGUAGE_NAMES, say

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("bot.channels.web", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,  # the package's own templates: read once, never checked again
)
_TEMPLATES = {
    name: _ENV.get_template(f"{name}.html.j2") for name in ("welcome", "chat", "page", "choice")
}


class Pages:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.base = config.web.base_path

    def _common(
        self,
        language: str,
        heading: str,
        csrf: str | None,
        languages: Sequence[str],
        *,
        error: bool = False,
    ) -> dict[str, Any]:
        return {
            "lang": language,
            "dir": "rtl" if language in RIGHT_TO_LEFT else "ltr",
            "w": words_in(language),
            "base": self.base,
            "heading": heading,
            "page_title": title_of(heading, language, error=error),
            "csrf": csrf,
            "started": False,
            "languages": [(code, LANGUAGE_NAMES.get(code, code)) for code in languages],
        }

    def welcome(
        self,
        language: str,
        csrf: str,
        languages: Sequence[str],
        *,
        tag: str | None = None,
        flow: str | None = None,
        notice: str | None = None,
    ) -> str:
        values = self._common(language, word("title", language), csrf, languages)
        values |= {"welcome": self.config.welcome_in(language), "tag": tag, "flow": flow}
        values |= {"notice": notice}
        return _TEMPLATES["welcome"].render(values)

    def chat(self, view: View, csrf: str, languages: Sequence[str]) -> str:
        language = view.language
        prompt = view.prompt
        laid = lay_out(prompt.text) if prompt else None
        heading = laid.heading if laid else word("paused" if view.paused else "ended", language)
        refused = view.refusal is not None and prompt is not None and view.refusal.seq == prompt.seq
        values = self._common(language, heading, csrf, languages, error=refused)
        values |= {
            "started": True,
            "view": view,
            "laid": laid,
            "field": field_for(prompt) if prompt else None,
            "month_hint": month_hint(prompt.example, language) if prompt and prompt.example else "",
            "tick": say("tick_then_done", language),
            "done": say("done", language),
            "paused": say("paused_web", language),
            "carry_on": say("carry_on", language),
            "progress": say("progress", language, percent=prompt.progress)
            if prompt and prompt.progress
            else "",
            "nav": {key: say(key, language) for key in ("back", "skip", "prefer_not")}
            | {"prefer": say("prefer_not", language)},
        }
        return _TEMPLATES["chat"].render(values)

    def page(
        self,
        language: str,
        heading: str,
        text: str,
        *,
        csrf: str | None = None,
        confirm: str | None = None,
        keep: str | None = None,
        back_text: str | None = None,
        back_to: str | None = None,
        urgent: str | None = None,
    ) -> str:
        """A page of text: help (with `urgent`, where to get help now), privacy, errors, the
        delete confirmation and its result."""
        values = self._common(language, heading, csrf, ())
        values |= {"text": text, "confirm": confirm, "keep": keep, "back_text": back_text}
        values |= {"urgent": urgent, "back_to": back_to or f"{self.base}?lang={language}#now"}
        return _TEMPLATES["page"].render(values)

    def poster_choice(
        self,
        choice: PosterChoice,
        language: str,
        csrf: str,
        *,
        tag: str | None,
        flow: str | None,
    ) -> str:
        """A poster for another questionnaire while one is under way: carry on, or start it."""
        values = self._common(language, word("poster_title", language), csrf, choice.languages)
        values |= {
            "under_way": say("web_poster_under_way", language, current=choice.under_way),
            "opened": say("web_poster_opened", language, new=choice.poster),
            "tag": tag,
            "flow": flow,
        }
        return _TEMPLATES["choice"].render(values)

    # ── pages of text ──────────────────────────────────────────────────────────────────────
    def help(self, language: str, signpost: str) -> str:
        """How the chat works, then where to get help now (999, NHS 111, helplines)."""
        return self.page(
            language, word("help", language), say("help_web", language), urgent=signpost
        )

    def privacy(self, language: str, notice: str) -> str:
        text = f"{notice}\n\n{word('cookie', language)}"
        return self.page(language, word("privacy", language), text)

    def cookies_off(self, language: str, tag: str | None, flow: str | None) -> str:
        """The chat's one cookie did not come back: what it is for, and how to allow it. "Try
        again" opens the same welcome (the same poster's questionnaire), in the same language."""
        text = "\n\n".join((word("cookies_off_text", language), word("cookies_how", language)))
        poster = "/".join(part for part in (flow, tag) if part)
        again = f"{self.base}{'s/' + poster if poster else ''}?lang={language}"
        return self.page(
            language,
            word("cookies_off", language),
            f"{text}\n\n{word('cookie', language)}",
            back_text=word("try_again", language),
            back_to=again,
        )

    def delete(self, language: str, csrf: str | None) -> str:
        """ "Delete my answers", asked first; with no cookie there is nothing to delete."""
        if csrf is None:
            return self.page(language, word("delete", language), say("nothing_to_delete", language))
        return self.page(
            language,
            word("delete", language),
            say("delete_confirm", language),
            csrf=csrf,
            confirm=say("delete_yes", language).removeprefix("🗑 "),
            keep=say("delete_no", language),
        )


def title_of(heading: str, language: str, *, error: bool = False) -> str:
    """The browser tab's title: the page's heading, then the service's name (once); "Error: "
    first while an answer is refused."""
    service = word("title", language)
    title = service if heading == service else f"{heading} – {service}"
    return f"{word('error', language)}: {title}" if error else title


def month_hint(example: str, language: str) -> str:
    """ "For example, August 2026 or 08/2026": a month the question accepts."""
    words, digits = month_in_words(example, language), month_in_digits(example)
    return say("web_month_hint", language, words=words, digits=digits)
