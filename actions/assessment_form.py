"""The assessment form: questions asked from the knowledge files, answers checked against them."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import CLEAR, SEVERITY_WORDS, assessment_input, canonical_values
from actions.replies import send_result
from bot.assessment import UNKNOWN, assess
from bot.duration import parse_duration
from bot.pain import parse_pain_score
from bot.questions import reply
from bot.screening import says_none_apply

YES, NO = "yes", "no"


class ValidateAssessmentForm(FormValidationAction):
    def name(self) -> str:
        return "validate_assessment_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        if tracker.get_slot("consent") is False:
            return ["consent"]
        if canonical_values(tracker.get_slot("red_flags"), "red_flag"):
            # A warning sign ends the questions at once (red_flags is filled, so nothing is
            # missing); the result is the triage advice alone.
            return ["red_flags"]
        return domain_slots

    def validate_consent(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                         domain: DomainDict) -> dict[str, Any]:
        return {"consent": value if isinstance(value, bool) else None}

    def validate_red_flags(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                           domain: DomainDict) -> dict[str, Any]:
        flags = canonical_values(value, "red_flag", allow=[CLEAR])
        real = [flag for flag in flags if flag != CLEAR]
        if real:
            return {"red_flags": real}
        if CLEAR in flags and not says_none_apply(tracker.latest_message.get("text")):
            # The model heard a "no" the client's words do not hold: ask again, never assume safety.
            dispatcher.utter_message(text=reply("screening_unclear"))
            return {"red_flags": None}
        return {"red_flags": [] if CLEAR in flags else None}

    def _validate_list(self, slot: str, entity: str, value: Any, dispatcher: CollectingDispatcher) -> dict[str, Any]:
        values = canonical_values(value, entity, allow=[UNKNOWN])
        known = [v for v in values if v != UNKNOWN]
        return {slot: known or (values or None)}

    def validate_pain_location(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> dict[str, Any]:
        return self._validate_list("pain_location", "pain_location", value, dispatcher)

    def validate_activities(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> dict[str, Any]:
        return self._validate_list("activities", "activity", value, dispatcher)

    def validate_symptoms(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: DomainDict) -> dict[str, Any]:
        return {"symptoms": canonical_values(value, "symptom") or None}

    def validate_pain_score(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> dict[str, Any]:
        if value == UNKNOWN:
            return {"pain_score": UNKNOWN}
        reading = parse_pain_score(str(value) if value is not None else "")
        if reading.score is not None:
            return {"pain_score": str(reading.score)}
        if reading.severity in SEVERITY_WORDS:
            return {"pain_score": reading.severity}
        if tracker.get_slot("requested_slot") == "pain_score":
            dispatcher.utter_message(text="Sorry, I didn't get a number there. A number from 0 to 10 is "
                                          "perfect, or words like mild or unbearable. You can also say not sure.")
        return {"pain_score": None}

    def validate_pain_duration(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> dict[str, Any]:
        if value == UNKNOWN:
            return {"pain_duration": UNKNOWN}
        if isinstance(value, str) and parse_duration(value).days is not None:
            return {"pain_duration": value}
        if tracker.get_slot("requested_slot") == "pain_duration":
            dispatcher.utter_message(text="Sorry, I couldn't work out how long that is. Something like "
                                          "\"4 days\", \"3 weeks\" or \"since March\" works, or say not sure.")
        return {"pain_duration": None}

    def validate_inflammation(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> dict[str, Any]:
        return {"inflammation": value if value in (YES, NO, UNKNOWN) else None}


class ActionFinishAssessment(Action):
    def name(self) -> str:
        return "action_finish_assessment"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        if tracker.get_slot("consent") is False:
            dispatcher.utter_message(text=reply("no_consent"))
            return [SlotSet("consent", None)]
        result = assess(assessment_input(tracker))
        send_result(dispatcher, tracker, result, safety_only=result["triage"] in ("emergency", "urgent"))
        if result["triage"] not in ("emergency", "urgent"):
            dispatcher.utter_message(response="utter_anything_else")
        return [SlotSet("assessment", result)]
