"""actions/safety.py: a warning sign stops everything, and says only what to do about it."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import first_emergency_group
from actions.safety import ActionSafetyTriage, possible_warning
from bot.clinic import Clinic
from bot.knowledge import default_knowledge
from bot.questions import reply

KNOWLEDGE = default_knowledge()
MUSCLE_WORDS = ["quadratus", "gluteus", "piriformis", "iliopsoas", "hamstring", "massage may help"]
FOLLOW_UP_FORM = {"event": "followup", "name": "assessment_form", "timestamp": None}


def triage(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
    """Run action_safety_triage as the action server would."""
    return ActionSafetyTriage().run(dispatcher, tracker, {})


def red_flag_message(h: SimpleNamespace, text: str, phrase: str, value: str, role: str | None = None,
                     channel: str = "rest", slots: dict[str, Any] | None = None,
                     active_loop: str | None = None) -> Tracker:
    """A conversation whose one message names a warning sign."""
    event = h.user_event(text, intent="report_red_flag", channel=channel,
                         entities=[h.entity(text, phrase, "red_flag", value, role)])
    return h.tracker(slots or {}, [event], active_loop=active_loop)


@pytest.mark.parametrize("text,phrase,flag", [
    ("i cant pee since this morning", "cant pee", "bladder_bowel"),
    ("i am numb between my legs", "numb between my legs", "saddle_numbness"),
    ("i fell off a ladder", "fell off a ladder", "major_trauma"),
])
def test_emergency_flag_gives_emergency_advice_only(dispatcher: CollectingDispatcher, h: SimpleNamespace,
                                                    shipped_clinic: Clinic, text: str, phrase: str,
                                                    flag: str) -> None:
    """Someone who needs an ambulance must not read about muscles first."""
    events = triage(dispatcher, red_flag_message(h, text, phrase, flag))
    message = h.all_text(dispatcher)
    assert message.startswith("Get emergency help now")
    assert shipped_clinic.emergency_number in message
    assert KNOWLEDGE.red_flags[flag].label in message
    for word in MUSCLE_WORDS:
        assert word not in message.lower()
    slots = h.slot_events(events)
    assert slots["red_flags"] == [flag]
    assert slots["assessment"]["triage"] == "emergency"
    assert slots["assessment"]["culprits"] == [] and slots["assessment"]["suggestions"] == []
    assert reply("anything_else") not in h.texts(dispatcher)


def test_an_urgent_sign_told_first_waits_for_the_emergency_signs_to_be_asked(dispatcher: CollectingDispatcher,
                                                                             h: SimpleNamespace) -> None:
    """A fever told first must not end the check before the signs that outrank it are asked."""
    events = triage(dispatcher, red_flag_message(h, "i have a fever", "fever", "fever"))
    assert h.texts(dispatcher) == [reply("urgent_then_emergency_check")]
    slots = h.slot_events(events)
    assert slots["screening_step"] == "group:nerve_signs" and slots["red_flags"] is None
    assert events[-1] == FOLLOW_UP_FORM


def test_an_urgent_sign_told_during_the_form_lets_the_open_form_ask_the_emergency_signs(
        dispatcher: CollectingDispatcher, h: SimpleNamespace) -> None:
    """Inside the form no follow-up is needed (a second form run would be queued); consent is taken as given."""
    tracker = red_flag_message(h, "i have a fever", "fever", "fever", slots={"requested_slot": "pain_score"},
                               active_loop="assessment_form")
    events = triage(dispatcher, tracker)
    assert all(event["event"] == "slot" for event in events)
    assert h.slot_events(events) == {"consent": True, "red_flags": None, "screening_step": first_emergency_group(),
                                     "answer_attempts": 0}
    assert h.texts(dispatcher) == [reply("urgent_then_emergency_check")]


def test_urgent_flag_gives_urgent_advice(dispatcher: CollectingDispatcher, h: SimpleNamespace,
                                         shipped_clinic: Clinic) -> None:
    """Once the emergency signs were asked, an urgent sign gets its own advice straight away."""
    events = triage(dispatcher, red_flag_message(h, "i have a fever", "fever", "fever", slots={"screened": True}))
    message = h.all_text(dispatcher)
    assert message.startswith("See a doctor within a day or two")
    assert shipped_clinic.emergency_number in message
    assert h.slot_events(events)["assessment"]["triage"] == "urgent"


def test_an_urgent_sign_told_with_an_emergency_one_does_not_wait(dispatcher: CollectingDispatcher,
                                                                 h: SimpleNamespace) -> None:
    """With an emergency sign known there is nothing left to ask: the emergency advice comes at once."""
    t = "i have a fever and i cant pee"
    event = h.user_event(t, intent="report_red_flag", entities=[h.entity(t, "fever", "red_flag", "fever"),
                                                                h.entity(t, "cant pee", "red_flag", "bladder_bowel")])
    events = triage(dispatcher, h.tracker({}, [event]))
    slots = h.slot_events(events)
    assert slots["red_flags"] == ["fever", "bladder_bowel"]
    assert slots["assessment"]["triage"] == "emergency"
    assert reply("urgent_then_emergency_check") not in h.texts(dispatcher)


def test_muscle_picture_so_far_is_not_shown(dispatcher: CollectingDispatcher, h: SimpleNamespace) -> None:
    """What was said before the warning sign must not leak into the safety advice."""
    t = "my lower back hurts when i lean over and now i cant pee"
    event = h.user_event(t, intent="report_red_flag", entities=[
        h.entity(t, "lower back", "pain_location", "low_back_both_sides"),
        h.entity(t, "lean over", "activity", "leaning_over"),
        h.entity(t, "cant pee", "red_flag", "bladder_bowel")])
    events = triage(dispatcher, h.tracker({"activities": ["lifting"]}, [event]))
    message = h.all_text(dispatcher).lower()
    for word in MUSCLE_WORDS:
        assert word not in message
    assert h.slot_events(events)["assessment"]["triage"] == "emergency"


def test_red_flag_slot_counts_too(dispatcher: CollectingDispatcher, h: SimpleNamespace) -> None:
    """A sign picked from the list ("yes that one") is in the slot, not in the message's entities."""
    events = triage(dispatcher, h.tracker({"red_flags": ["chest_pain"]}, [h.user_event("yes that one")]))
    assert h.slot_events(events)["red_flags"] == ["chest_pain"]


def test_signs_said_and_signs_in_the_slot_are_both_kept(dispatcher: CollectingDispatcher, h: SimpleNamespace) -> None:
    """The stored result and slot hold every sign, so the summary gives the advice for each."""
    tracker = red_flag_message(h, "i fell off a ladder", "fell off a ladder", "major_trauma",
                               slots={"red_flags": ["chest_pain"], "screened": True})
    slots = h.slot_events(triage(dispatcher, tracker))
    assert slots["red_flags"] == ["major_trauma", "chest_pain"]
    assert slots["assessment"]["red_flags"] == ["major_trauma", "chest_pain"]


def assert_cautious_message(h: SimpleNamespace, dispatcher: CollectingDispatcher, shipped_clinic: Clinic,
                            events: list[dict[str, Any]]) -> None:
    """The reply to a warning sign no rule could name: the emergency signs, the number, and a way on."""
    # Never a dead end: outside the form, the self-check starts after the cautious reply.
    assert [(e["event"], e.get("name")) for e in events] == [("followup", "assessment_form")]
    message, carry_on = h.texts(dispatcher)
    assert carry_on == reply("possible_warning_go_on")
    assert "could be a warning sign" in message
    assert shipped_clinic.emergency_number in message
    emergency = [flag for flag in KNOWLEDGE.red_flags.values() if flag.level == "emergency"]
    urgent = [flag for flag in KNOWLEDGE.red_flags.values() if flag.level == "urgent"]
    for flag in emergency:
        assert f"- {flag.ask}" in message
    for flag in urgent:
        assert f"- {flag.ask}" not in message
    for word in MUSCLE_WORDS:
        assert word not in message.lower()


def test_the_cautious_message_during_the_form_leaves_the_form_to_ask_again(dispatcher: CollectingDispatcher,
                                                                           h: SimpleNamespace) -> None:
    """Inside the form a follow-up would run the form twice; the open form asks its question itself."""
    tracker = h.tracker({}, [h.user_event("something weird is going on", intent="report_red_flag")],
                        active_loop="assessment_form")
    assert triage(dispatcher, tracker) == []
    assert "could be a warning sign" in h.texts(dispatcher)[0]


def test_no_identifiable_red_flag_gives_the_cautious_message(dispatcher: CollectingDispatcher, h: SimpleNamespace,
                                                             shipped_clinic: Clinic) -> None:
    """The classifier heard a warning sign no rule could name: err on the side of safety."""
    events = triage(dispatcher, h.tracker({}, [h.user_event("something weird is going on", intent="report_red_flag")]))
    assert_cautious_message(h, dispatcher, shipped_clinic, events)


def test_only_denied_red_flags_give_the_cautious_message(dispatcher: CollectingDispatcher, h: SimpleNamespace,
                                                         shipped_clinic: Clinic) -> None:
    """"No fever" is not a fever: a denied sign must not be triaged as present."""
    tracker = red_flag_message(h, "no fever", "fever", "fever", role="negated")
    assert_cautious_message(h, dispatcher, shipped_clinic, triage(dispatcher, tracker))


def test_unknown_red_flag_value_gives_the_cautious_message(dispatcher: CollectingDispatcher, h: SimpleNamespace,
                                                           shipped_clinic: Clinic) -> None:
    """Values outside the vocabulary (forged slots, odd entities) never reach the engine."""
    tracker = red_flag_message(h, "i have the lurgy", "lurgy", "lurgy", slots={"red_flags": ["drop table"]})
    assert_cautious_message(h, dispatcher, shipped_clinic, triage(dispatcher, tracker))


def test_emergency_number_is_the_only_number_in_the_cautious_message(dispatcher: CollectingDispatcher,
                                                                     h: SimpleNamespace,
                                                                     shipped_clinic: Clinic) -> None:
    """A stray number next to the emergency one could be dialled instead."""
    triage(dispatcher, h.tracker({}, [h.user_event("hmm", intent="report_red_flag")]))
    message = h.all_text(dispatcher).replace(shipped_clinic.emergency_number, "")
    assert not re.search(r"\d", message)


def test_the_cautious_message_lists_the_emergency_signs_in_the_knowledge_files_order(
        dispatcher: CollectingDispatcher) -> None:
    """possible_warning() is also what the form says; its list is the emergency signs of red_flags.yml, in order."""
    possible_warning(dispatcher)
    first, second = (message["text"] for message in dispatcher.messages)
    lead, *signs = first.split("\n")
    assert lead == reply("possible_warning")
    assert signs == [f"- {flag.ask}" for flag in KNOWLEDGE.red_flags.values() if flag.level == "emergency"]
    assert second == reply("possible_warning_go_on")


def test_the_list_of_emergency_signs_is_shown_once_a_session_then_a_short_reminder(h: SimpleNamespace) -> None:
    """A wording that keeps sounding like a sign once showed the same long list three times in a row."""
    first = CollectingDispatcher()
    possible_warning(first, h.tracker({}, []))
    shown = h.texts(first)[0]
    again = CollectingDispatcher()
    possible_warning(again, h.tracker({}, [{"event": "bot", "text": shown}]))
    assert h.texts(again) == [reply("possible_warning_again")]
    after_restart = CollectingDispatcher()
    possible_warning(after_restart, h.tracker({}, [{"event": "bot", "text": shown}, {"event": "restart"}]))
    assert h.texts(after_restart)[0] == shown
