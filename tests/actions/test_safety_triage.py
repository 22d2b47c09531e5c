"""ActionSafetyTriage: a warning sign stops everything, and says only what to do about it."""

import re

import pytest

from actions.safety import ActionSafetyTriage
from bot.knowledge import default_knowledge
from bot.questions import reply

KNOWLEDGE = default_knowledge()
MUSCLE_WORDS = ["quadratus", "gluteus", "piriformis", "iliopsoas", "hamstring", "massage may help"]


def triage(dispatcher, tracker):
    return ActionSafetyTriage().run(dispatcher, tracker, {})


def red_flag_message(h, text, phrase, value, role=None, channel="rest", slots=None):
    event = h.user_event(text, intent="report_red_flag", channel=channel,
                         entities=[h.entity(text, phrase, "red_flag", value, role)])
    return h.tracker(slots or {}, [event])


@pytest.mark.parametrize("text,phrase,flag", [
    ("i cant pee since this morning", "cant pee", "bladder_bowel"),
    ("i am numb between my legs", "numb between my legs", "saddle_numbness"),
    ("i fell off a ladder", "fell off a ladder", "major_trauma"),
])
def test_emergency_flag_gives_emergency_advice_only(dispatcher, h, shipped_clinic, text, phrase, flag):
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


def test_an_urgent_sign_told_first_waits_for_the_emergency_signs_to_be_asked(dispatcher, h):
    events = triage(dispatcher, red_flag_message(h, "i have a fever", "fever", "fever"))
    assert h.texts(dispatcher) == [reply("urgent_then_emergency_check")]
    slots = h.slot_events(events)
    assert slots["screening_step"] == "group:nerve_signs" and slots["red_flags"] is None
    assert events[-1] == {"event": "followup", "name": "assessment_form", "timestamp": None}


def test_urgent_flag_gives_urgent_advice(dispatcher, h, shipped_clinic):
    events = triage(dispatcher, red_flag_message(h, "i have a fever", "fever", "fever", slots={"screened": True}))
    message = h.all_text(dispatcher)
    assert message.startswith("See a doctor within a day or two")
    assert shipped_clinic.emergency_number in message
    assert h.slot_events(events)["assessment"]["triage"] == "urgent"


def test_muscle_picture_so_far_is_not_shown(dispatcher, h):
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


def test_red_flag_slot_counts_too(dispatcher, h):
    events = triage(dispatcher, h.tracker({"red_flags": ["chest_pain"]}, [h.user_event("yes that one")]))
    assert h.slot_events(events)["red_flags"] == ["chest_pain"]


def test_payload_only_on_web_channels(dispatcher, h):
    triage(dispatcher, red_flag_message(h, "i cant pee", "cant pee", "bladder_bowel", channel="cmdline"))
    assert not any(m.get("custom") for m in dispatcher.messages)
    web = type(dispatcher)()
    triage(web, red_flag_message(h, "i cant pee", "cant pee", "bladder_bowel", channel="rest"))
    [payload] = [m["custom"] for m in web.messages if m.get("custom")]
    assert payload["assessment"]["triage"] == "emergency"


def assert_cautious_message(h, dispatcher, shipped_clinic, events):
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


def test_the_cautious_message_during_the_form_leaves_the_form_to_ask_again(dispatcher, h):
    tracker = h.tracker({}, [h.user_event("something weird is going on", intent="report_red_flag")],
                        active_loop="assessment_form")
    assert triage(dispatcher, tracker) == []
    assert "could be a warning sign" in h.texts(dispatcher)[0]


def test_no_identifiable_red_flag_gives_the_cautious_message(dispatcher, h, shipped_clinic):
    events = triage(dispatcher, h.tracker({}, [h.user_event("something weird is going on", intent="report_red_flag")]))
    assert_cautious_message(h, dispatcher, shipped_clinic, events)


def test_only_denied_red_flags_give_the_cautious_message(dispatcher, h, shipped_clinic):
    tracker = red_flag_message(h, "no fever", "fever", "fever", role="negated")
    assert_cautious_message(h, dispatcher, shipped_clinic, triage(dispatcher, tracker))


def test_unknown_red_flag_value_gives_the_cautious_message(dispatcher, h, shipped_clinic):
    tracker = red_flag_message(h, "i have the lurgy", "lurgy", "lurgy", slots={"red_flags": ["drop table"]})
    assert_cautious_message(h, dispatcher, shipped_clinic, triage(dispatcher, tracker))


def test_emergency_number_is_the_only_number_in_the_cautious_message(dispatcher, h, shipped_clinic):
    triage(dispatcher, h.tracker({}, [h.user_event("hmm", intent="report_red_flag")]))
    message = h.all_text(dispatcher).replace(shipped_clinic.emergency_number, "")
    assert not re.search(r"\d", message)
