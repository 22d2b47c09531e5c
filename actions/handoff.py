"""Sending the summary to the clinic, only on the client's explicit yes (rasa-sdk adapters).

The offer comes after a result that is not an emergency (action_finish_assessment), when
the client asks in their own words ("send it to the clinic"), or with "talk to a
person" as a call-back request. Then ``send_form`` asks a name and a phone number or
e-mail address, reads them back, and ``action_send_to_clinic`` sends: the client hears
"sent" only when the mail server took it. With no ``CLINIC_INTAKE_EMAIL`` nothing is offered.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import ATTEMPTS, CHECKED, session_all_events
from actions.questions import buttons_of, say_question
from bot import settings
from bot.answers import read_consent
from bot.clinic import default_clinic
from bot.contact_details import contact_from_slot, read_contact, read_name
from bot.delivery import post_webhook, send_mail
from bot.entities import QUESTION
from bot.handoff import Handoff, email_message, handoff_words, webhook_body
from bot.input_check import check_input
from bot.questions import read_back, reply, reply_buttons
from bot.screening import CONFIRM, default_screening

SEND_FORM = "send_form"
NAME, CONTACT, CONFIRMED = "contact_name", "contact_way", "contact_confirmed"
STATE = "handoff_state"  # {"cancelled": bool, "gave_up": bool, "corrections": int}
OFFERED, SENT, ASKED_FOR_PERSON = "send_offered", "summary_sent", "asked_for_person"
REQUESTED_SLOT = "requested_slot"
MAX_FAILED_ANSWERS = 2  # the third unreadable name or contact ends the sending, nothing sent
MAX_CORRECTIONS = 1  # a second "no, that's wrong" at the read-back ends it too
# Messages that are not answers: the form steps aside and Rasa's rules answer them.
INTERRUPTIONS = ("request_human", "request_summary", "forget_me", "bot_challenge")
_CANCEL = ("cancel", "stop", "never mind", "nevermind", "don't send", "dont send", "forget it", "no thanks",
           "not now", "changed my mind")
# Room for the reply after the sending, inside the wait Rasa allows a custom action.
REPLY_MARGIN_S = 0.6
MIN_BUDGET_S = 1.0


def can_offer(tracker: Tracker) -> bool:
    """Mail is set up, nothing was sent yet, and the result (if any) is not an emergency."""
    result = tracker.get_slot("assessment")
    emergency = isinstance(result, dict) and result.get("triage") == "emergency"
    return settings.mail_settings() is not None and not tracker.get_slot(SENT) and not emergency


def offer(dispatcher: CollectingDispatcher, key: str) -> list[dict[str, Any]]:
    """The offer with its buttons ("Yes, send it" asks for the details; typed "yes" does too)."""
    dispatcher.utter_message(text=reply(key))
    dispatcher.utter_message(text=reply(f"{key}_prompt"), buttons=buttons_of(reply_buttons(f"{key}_prompt")))
    return [SlotSet(OFFERED, True)]


def start_sending() -> list[dict[str, Any]]:
    return [SlotSet(OFFERED, None), SlotSet(STATE, None), SlotSet(CONFIRMED, None), SlotSet(ATTEMPTS, 0),
            FollowupAction(SEND_FORM)]


class ActionOfferSending(Action):
    """"send it to the clinic" (or the offer's button): the details are asked, unless it cannot be sent."""

    def name(self) -> str:
        return "action_offer_sending"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        result = tracker.get_slot("assessment")
        if settings.mail_settings() is None:
            clinic = default_clinic()
            dispatcher.utter_message(text="\n".join([reply("send_not_offered"), *clinic.contact_lines()]))
            return []
        if isinstance(result, dict) and result.get("triage") == "emergency":
            dispatcher.utter_message(text=reply("send_emergency"))
            return []
        if tracker.get_slot(SENT):
            dispatcher.utter_message(text=reply("send_already"))
            return []
        return start_sending()


class ValidateSendForm(FormValidationAction):
    def name(self) -> str:
        return f"validate_{SEND_FORM}"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        return [] if (tracker.get_slot(STATE) or {}).get("cancelled") else domain_slots

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        requested = tracker.get_slot(REQUESTED_SLOT)
        if requested not in (NAME, CONTACT, CONFIRMED):
            return []  # the form is just starting: the message that started it is no answer
        message = tracker.latest_message or {}
        text = (message.get("text") or "").strip()
        intent = (message.get("intent") or {}).get("name")
        state = dict(tracker.get_slot(STATE) or {})
        attempts = int(tracker.get_slot(ATTEMPTS) or 0)
        if intent in INTERRUPTIONS or (intent == "faq" and QUESTION.search(text)):
            return []  # Rasa's rules answer it, then the question comes again
        if any(word in text.lower() for word in _CANCEL) or (requested != CONFIRMED and intent == "deny"):
            return _end(state, gave_up=False)
        if requested == CONFIRMED:
            reading = read_consent(text, intent, message.get("entities") or [])
            if reading.kind == "answer" and reading.value is True:
                return [SlotSet(CONFIRMED, True), SlotSet(ATTEMPTS, 0)]
            if reading.kind == "answer" and reading.value is False:
                corrections = int(state.get("corrections") or 0) + 1
                if corrections > MAX_CORRECTIONS:
                    return _end(state, gave_up=False)
                return [SlotSet(STATE, {**state, "corrections": corrections}), SlotSet(NAME, None),
                        SlotSet(CONTACT, None), SlotSet(CONFIRMED, None), SlotSet(ATTEMPTS, 0),
                        SlotSet(REQUESTED_SLOT, NAME)]
        elif requested == NAME and (name := read_name(text)) and not QUESTION.search(text):
            return [SlotSet(NAME, name), SlotSet(ATTEMPTS, 0)]
        elif requested == CONTACT and (contact := read_contact(text)):
            return [SlotSet(CONTACT, contact.as_slot()), SlotSet(ATTEMPTS, 0)]
        if attempts >= MAX_FAILED_ANSWERS:
            return _end(state, gave_up=True)
        return [SlotSet(requested, None), SlotSet(ATTEMPTS, attempts + 1)]


def _end(state: dict[str, Any], gave_up: bool) -> list[dict[str, Any]]:
    """Nothing will be sent: the form ends and action_send_to_clinic says so."""
    return [SlotSet(STATE, {**state, "cancelled": True, "gave_up": gave_up}), SlotSet(ATTEMPTS, 0),
            SlotSet(REQUESTED_SLOT, None)]


class ActionAskContactConfirmed(Action):
    """The read-back: the name and the contact as typed, before anything is sent."""

    def name(self) -> str:
        return f"action_ask_{CONFIRMED}"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        contact = contact_from_slot(tracker.get_slot(CONTACT))
        label = reply("send_phone_label" if contact and contact.kind == "phone" else "send_email_label")
        say_question(dispatcher, read_back(str(tracker.get_slot(NAME) or ""), contact.value if contact else "", label))
        return []


class ActionSendToClinic(Action):
    """Sends what the client agreed to, and tells them the true outcome."""

    def name(self) -> str:
        return "action_send_to_clinic"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        state = tracker.get_slot(STATE) or {}
        contact = contact_from_slot(tracker.get_slot(CONTACT))
        mail = settings.mail_settings()
        if state.get("cancelled") or not tracker.get_slot(CONFIRMED) or contact is None or mail is None:
            dispatcher.utter_message(text=reply("send_gave_up" if state.get("gave_up") else "send_cancelled"))
            return [SlotSet(STATE, None), SlotSet(CONFIRMED, None)]
        result = tracker.get_slot("assessment")
        handoff = Handoff(name=str(tracker.get_slot(NAME)), contact=contact,
                          result=result if isinstance(result, dict) else None, said=said_by_client(tracker),
                          safety_answers=safety_answers(tracker), checked_signs=tuple(tracker.get_slot(CHECKED) or ()),
                          asked_for_person=bool(tracker.get_slot(ASKED_FOR_PERSON)))
        budget = max(MIN_BUDGET_S, settings.action_timeout_s() - REPLY_MARGIN_S)
        mail_budget = budget * (0.65 if mail.webhook_url else 1.0)
        sent = send_mail(email_message(handoff, mail.sender, mail.to), mail, mail_budget)
        if sent and mail.webhook_url:
            post_webhook(webhook_body(handoff), mail, budget - mail_budget)
        if not sent:
            clinic = default_clinic()
            dispatcher.utter_message(text=reply("send_failed_phone" if clinic.phone else "send_failed"))
            return [SlotSet(CONFIRMED, None), SlotSet(STATE, None)]
        dispatcher.utter_message(text=reply("send_done_callback" if handoff.callback_only else "send_done"))
        return [SlotSet(SENT, True), SlotSet(STATE, None)]


def said_by_client(tracker: Tracker) -> tuple[str, ...]:
    """The client's own messages this session, without the buttons' shorthand or the contact details."""
    texts, requested = [], None
    for event in session_all_events(tracker):
        if event.get("event") == "slot" and event.get("name") == REQUESTED_SLOT:
            requested = event.get("value")
        elif event.get("event") == "user":
            text = check_input(event.get("text")).text
            if text and not text.startswith("/") and requested not in (NAME, CONTACT, CONFIRMED):
                texts.append(text)
    return tuple(texts)


def safety_answers(tracker: Tracker) -> tuple[tuple[str, str], ...]:
    """Each answer given to the safety check, with the question it answered."""
    words, screening = handoff_words(), default_screening()
    answers, requested, step = [], None, None
    for event in session_all_events(tracker):
        if event.get("event") == "slot" and event.get("name") == REQUESTED_SLOT:
            requested = event.get("value")
        elif event.get("event") == "slot" and event.get("name") == "screening_step":
            step = event.get("value")
        elif event.get("event") == "user" and requested == "red_flags":
            if not step:
                question = words["safety_question_list"]
            elif step == CONFIRM:
                question = words["safety_question_confirm"]
            else:
                question = words["safety_question_group"].format(group=screening.group_for_step(step).heading)
            text = check_input(event.get("text")).text
            # A button's shorthand ("/deny") is said as what the client pressed.
            answers.append((question, words.get(f"button_{text[1:]}", text) if text.startswith("/") else text))
    return tuple(answers)
