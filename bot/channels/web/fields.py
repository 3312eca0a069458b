"""The box a typed answer goes in, fitted to what is asked, so a phone shows the right keyboard
and can fill in a parent's own details (WCAG 1.3.5, identify input purpose).

Contact details (prompt keys ending `.name`, `.phone`, `.email`) are single lines that say what
they hold. Whole numbers get the digits keypad, other numbers one with a decimal point. A month
keeps the ordinary keyboard: "March 2026" and "03/2026" both need keys a digits keypad lacks.
Long free text gets a text area.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.conversation import events as ev

SHORT_TEXT = 100  # a text answer this long at most fits on one line


@dataclass(frozen=True)
class Field:
    multiline: bool = False
    type: str = "text"
    autocomplete: str = "off"
    inputmode: str | None = None
    spellcheck: bool | None = None  # None: the browser's own choice
    autocapitalize: str | None = None


CONTACT = {
    "name": Field(autocomplete="name", spellcheck=False, autocapitalize="words"),
    "phone": Field(type="tel", autocomplete="tel", inputmode="tel", spellcheck=False),
    "email": Field(
        type="email",
        autocomplete="email",
        inputmode="email",
        spellcheck=False,
        autocapitalize="none",
    ),
}


def contact_part(prompt: ev.Prompt) -> str | None:
    """The contact detail a prompt asks for ("name", "phone" or "email"), else None."""
    _, dot, part = prompt.key.rpartition(".")
    return part if dot and part in CONTACT else None


def field_for(prompt: ev.Prompt) -> Field:
    part = contact_part(prompt)
    if part is not None:
        return CONTACT[part]
    if prompt.kind == "number":
        return Field(inputmode="numeric" if prompt.whole else "decimal")
    if prompt.kind == "month_year":
        return Field()
    return Field(multiline=not (prompt.max_length and prompt.max_length <= SHORT_TEXT))
