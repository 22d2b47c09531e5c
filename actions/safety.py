"""A warning sign, at any point: stop and give the triage advice, nothing else."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import (
    ATTEMPTS,
    STEP,
    assessment_input,
    first_emergency_group,
    needs_emergency_screening,
    reported_warning_signs,
    session_events,
)
from actions.replies import send_result
from bot.assessment import assess
from bot.knowledge import default_knowledge
from bot.questions import reply

FORM = "assessment_form"


class ActionSafetyTriage(Action):
    def name(self) -> str:
        return "action_safety_triage"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        flags = reported_warning_signs(tracker)
        if not flags:
            # Never a dead end: after the cautious reply the self-check starts, or goes on where it was.
            possible_warning(dispatcher, tracker)
            return [] if tracker.active_loop.get("name") else [FollowupAction(FORM)]
        if needs_emergency_screening(tracker, flags):
            dispatcher.utter_message(text=reply("urgent_then_emergency_check"))
            events = [SlotSet("consent", True), SlotSet("red_flags", None), SlotSet(STEP, first_emergency_group()),
                      SlotSet(ATTEMPTS, 0)]
            return events if tracker.active_loop.get("name") else [*events, FollowupAction(FORM)]
        data = assessment_input(tracker)
        data.red_flags = flags
        result = assess(data)
        send_result(dispatcher, tracker, result, safety_only=True)
        return [SlotSet("red_flags", flags), SlotSet("assessment", result)]



def possible_warning(dispatcher: CollectingDispatcher, tracker: Tracker | None = None) -> None:
    """The classifier heard a warning sign we could not name: err on the side of safety.

    The list of emergency signs is shown once a session; after that a short reminder,
    so a client whose wording keeps sounding like a sign is not shown the same long text again.
    """
    if tracker is not None and any(str(event.get("text") or "").startswith(reply("possible_warning"))
                                   for event in session_events(tracker, "bot")):
        dispatcher.utter_message(text=reply("possible_warning_again"))
        return
    knowledge = default_knowledge()
    emergency = "\n".join(f"- {flag.ask}" for flag in knowledge.red_flags.values() if flag.level == "emergency")
    dispatcher.utter_message(text=reply("possible_warning") + "\n" + emergency)
    dispatcher.utter_message(text=reply("possible_warning_go_on"))
