"""Requests about the clinic and the conversation itself: contact, summary, forgetting, misunderstandings."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, FollowupAction, Restarted, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import ATTEMPTS, GROUPS, STEP, session_user_events
from actions.handoff import ASKED_FOR_PERSON, OFFERED, SEND_FORM, SENT, can_offer, offer, start_sending
from actions.questions import ask, buttons_of
from actions.replies import send_result
from bot.clinic import default_clinic
from bot.entities import FALLBACK_INTENT
from bot.input_check import INPUT_CHECK, VERDICTS
from bot.knowledge import SAFETY_LEVELS
from bot.questions import ASSESSMENT_SLOTS, reply, reply_buttons

FORM = "assessment_form"


class ActionContactClinic(Action):
    def name(self) -> str:
        return "action_contact_clinic"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        clinic = default_clinic()
        lines = clinic.contact_lines()
        text = "\n".join([reply("contact_intro", clinic=clinic), *lines]) if lines else reply("contact_unknown",
                                                                                              clinic=clinic)
        dispatcher.utter_message(text=text + "\n\n" + reply("contact_emergency", clinic=clinic))
        events = [SlotSet(ASKED_FOR_PERSON, True)]
        if can_offer(tracker) and (tracker.active_loop or {}).get("name") != SEND_FORM:
            events += offer(dispatcher, "callback_offer")  # the handoff for clinics without a live chat
        return events


class ActionShowSummary(Action):
    def name(self) -> str:
        return "action_show_summary"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        result = tracker.get_slot("assessment")
        if not isinstance(result, dict) or "triage" not in result:
            dispatcher.utter_message(text=reply("no_result_yet"))
            return []
        send_result(dispatcher, tracker, result, safety_only=result["triage"] in SAFETY_LEVELS)
        return []


class ActionForgetMe(Action):
    """Confirms; the tracker store deletes the stored conversation when it sees this action."""

    def name(self) -> str:
        return "action_forget_me"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=reply("forgotten"))
        return [AllSlotsReset()]


class ActionHandleMisunderstanding(Action):
    def name(self) -> str:
        return "action_handle_misunderstanding"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        if (tracker.latest_message.get("intent") or {}).get("name") != FALLBACK_INTENT:
            return self.understood_but_out_of_place(dispatcher, tracker)
        in_a_row = 0
        for event in reversed(session_user_events(tracker)):
            if (event.get("parse_data") or {}).get("intent", {}).get("name") != FALLBACK_INTENT:
                break
            in_a_row += 1
        verdict = tracker.latest_message.get(INPUT_CHECK)
        if in_a_row < 2:
            dispatcher.utter_message(text=reply(f"input_{verdict}" if verdict in VERDICTS else "misunderstood"))
            return []
        dispatcher.utter_message(text=reply("misunderstood_again"))
        dispatcher.utter_message(
            text=reply("choose_next"),
            buttons=buttons_of(reply_buttons("choose_next")))
        return []

    @staticmethod
    def understood_but_out_of_place(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        """Run as the dialogue policy's fallback: the message was read, but fits nowhere just now.

        ("hello" in the middle of a question, say.) The open question is asked again and
        the message is taken back, as Rasa's own fallback does: otherwise the policy,
        still facing the same message, would pick this action again and again until
        Rasa's loop breaker stops the conversation for good.
        """
        dispatcher.utter_message(text=reply("misunderstood"))
        slot = tracker.get_slot("requested_slot") if tracker.active_loop.get("name") else None
        if slot in ASSESSMENT_SLOTS:
            ask(dispatcher, slot, tracker)
        return [UserUtteranceReverted()]


class ActionContinue(Action):
    """"yes", "ok", "let's go" or "check my back" outside the form: never a dead end.

    With no result yet, the self-check starts, or resumes where it stopped (after an
    FAQ answer, a fallback or the cautious warning-sign reply). After a result, a
    request to start checks again from the safety question; a "yes" offers what else
    there is, and a "no" says goodbye.
    """

    def name(self) -> str:
        return "action_continue"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        result = tracker.get_slot("assessment")
        if tracker.get_slot(OFFERED) and intent in ("affirm", "deny"):
            # The answer to "Shall I send it to the clinic?": only a yes sends, after the details are read back.
            if intent == "affirm":
                return start_sending()
            dispatcher.utter_message(text=reply("send_cancelled"))
            return [SlotSet(OFFERED, None)]
        if not isinstance(result, dict):
            return [FollowupAction(FORM)]
        if intent == "start_check":
            fresh = [SlotSet(slot, None) for slot in (*ASSESSMENT_SLOTS, "symptoms", "assessment", STEP, GROUPS,
                                                      ATTEMPTS, OFFERED, SENT) if slot != "consent"]
            return [*fresh, FollowupAction(FORM)]
        if intent == "deny":
            dispatcher.utter_message(text=reply("goodbye"))
            return []
        dispatcher.utter_message(text=reply("anything_else"))
        return []


class ActionStartOver(Action):
    """Overrides Rasa's default action_restart (run for the restart intent) to say so kindly."""

    def name(self) -> str:
        return "action_restart"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=reply("start_over"))
        return [Restarted()]
