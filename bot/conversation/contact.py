"""The follow-up interview opt-in: consent, then name, phone and/or email, and a good time."""

from __future__ import annotations

from bot.conversation import parse
from bot.conversation.events import (
    Back,
    ContactOptedIn,
    Input,
    Reply,
    Said,
    Skip,
)
from bot.conversation.messages import say
from bot.conversation.prompts import label_of
from bot.conversation.session import CONTACT_FIELDS
from bot.conversation.turn import Steps, free_text
from bot.questionnaire import flow as lang


class ContactSteps(Steps):
    def _contact(self, event: Input) -> None:
        question = self.current()
        assert isinstance(question, lang.ContactStep)
        field = self.session.contact_field
        if field == "consent":
            event = self._nav_word(event)
            if isinstance(event, Back):
                self._back()
            elif not self._skip_or_prefer(event, question):
                chosen = self._chosen(event, self.prompt())
                if chosen == ["yes"]:
                    self.update(contact_field="name", attempts=0)
                    self.ask()
                elif chosen == ["no"]:
                    self.record(question.id, "no")
                    self.advance()
                else:
                    self.reject(say("choose_one", self.language))
            return
        if field == "time":
            chosen = self._chosen(self._nav_word(event), self.prompt())
            if chosen is None or len(chosen) != 1:
                self.reject(say("choose_one", self.language))
                return
            self._finish_contact(question, chosen[0])
            return
        contact = dict(self.session.contact)
        event = self._nav_word(event)
        if isinstance(event, Back):
            self._back()
            return
        if isinstance(event, Skip) and field in ("phone", "email"):
            if field == "email" and "phone" not in contact:
                self.reject(say("contact_need_one", self.language))
                return
            contact.pop(field, None)
        elif isinstance(event, Reply):
            checks = {
                "name": lambda t, lg: free_text(t, 100, lg),
                "phone": parse.phone,
                "email": parse.email,
            }
            value = checks[field or "name"](event.text, self.language)
            if isinstance(value, parse.Invalid):
                self.reject(value.reason)
                return
            contact[field or "name"] = value
        else:
            self.reject(say("type_answer", self.language))
            return
        after = CONTACT_FIELDS[CONTACT_FIELDS.index(field or "name") + 1]
        self.update(contact=contact, contact_field=after, attempts=0)
        self.ask()

    def _finish_contact(self, question: lang.ContactStep, time_id: str) -> None:
        contact = self.session.contact
        shared = tuple(
            (
                self.text(self.flow.question(qid).text),
                label_of(self.flow, qid, value, self.language),
            )
            for qid in question.share_answers
            if (value := self.session.answers.get(qid)) is not None
        )
        time_label = say(f"time_{time_id}", self.language)
        self.events.append(
            ContactOptedIn(
                contact.get("name", ""),
                contact.get("phone"),
                contact.get("email"),
                time_label,
                shared,
            )
        )
        self.events.append(Said(say("contact_thanks", self.language)))
        self.update(contact={}, contact_field=None)
        self.record(question.id, "yes")
        self.advance()
