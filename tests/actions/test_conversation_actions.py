"""Contact, misunderstanding, forgetting, summary, and the form's ask actions."""

import re
from pathlib import Path

import pytest
import yaml
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from actions.assessment_form import ActionFinishAssessment
from actions.clinic import ActionContactClinic, ActionForgetMe, ActionHandleMisunderstanding, ActionShowSummary
from actions.safety import ActionSafetyTriage
from bot.questions import MAX_PROMPT_LENGTH, question, reply

DOMAIN = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text(encoding="utf-8"))
FORM_SLOTS = DOMAIN["forms"]["assessment_form"]["required_slots"]
INTENTS = set(DOMAIN["intents"])


@pytest.fixture(scope="module")
def registry():
    """The actions the action server would register from the ``actions`` package."""
    executor = ActionExecutor()
    executor.register_package("actions")
    return executor.actions


# --- contact -----------------------------------------------------------------------------------------------


def test_contact_invents_no_contact_details(dispatcher, h, shipped_clinic):
    assert shipped_clinic.contact_lines() == [], "precondition: the shipped clinic.yml has no contact details"
    assert ActionContactClinic().run(dispatcher, h.tracker({}), {}) == []
    [message] = h.texts(dispatcher)
    assert shipped_clinic.name in message
    assert f"call {shipped_clinic.emergency_number}" in message
    assert not re.search(r"\d", message.replace(shipped_clinic.emergency_number, ""))
    assert "@" not in message and "http" not in message


# --- misunderstanding -----------------------------------------------------------------------------------------


def fallback(h, text="asdf qwer"):
    return h.user_event(text, intent="nlu_fallback", confidence=0.2)


def misunderstand(dispatcher, h, events):
    """The reply's last message: the one that carries buttons, if any."""
    assert ActionHandleMisunderstanding().run(dispatcher, h.tracker({}, events), {}) == []
    assert all(not message["buttons"] for message in dispatcher.messages[:-1])
    return dispatcher.messages[-1]


def test_first_misunderstanding_asks_to_rephrase(dispatcher, h):
    message = misunderstand(dispatcher, h, [h.user_event("hi", intent="greet"), fallback(h)])
    assert "another way" in message["text"]
    assert message["buttons"] == []


def test_second_misunderstanding_in_a_row_offers_buttons(dispatcher, h):
    message = misunderstand(dispatcher, h, [fallback(h), {"event": "bot", "text": "Sorry"}, fallback(h, "zzz")])
    assert "still not getting it" in dispatcher.messages[0]["text"]
    assert len(message["text"]) <= MAX_PROMPT_LENGTH
    payloads = [button["payload"] for button in message["buttons"]]
    assert "/request_human" in payloads
    for payload in payloads:
        assert payload.startswith("/") and payload[1:] in INTENTS


def test_misunderstandings_not_in_a_row_do_not_count(dispatcher, h):
    events = [fallback(h), h.user_event("my back hurts"), fallback(h)]
    assert misunderstand(dispatcher, h, events)["buttons"] == []


def test_misunderstandings_before_a_restart_do_not_count(dispatcher, h):
    events = [fallback(h), {"event": "restart"}, fallback(h)]
    assert misunderstand(dispatcher, h, events)["buttons"] == []


@pytest.mark.parametrize("verdict,words", [
    ("empty", "didn't get any words"),
    ("no_words", "only read words"),
    ("other_language", "only speak English"),
    ("too_long", "1,000 characters"),
    ("shorthand", "own words"),
])
def test_unreadable_input_gets_the_reply_that_fits_it(dispatcher, h, verdict, words):
    event = fallback(h, "whatever")
    event["parse_data"]["input_check"] = verdict
    message = misunderstand(dispatcher, h, [h.user_event("hi", intent="greet"), event])
    assert words in message["text"]
    assert "{" not in message["text"]


def test_other_language_reply_gives_the_emergency_number(dispatcher, h, shipped_clinic):
    event = fallback(h, "me duele mucho la espalda")
    event["parse_data"]["input_check"] = "other_language"
    assert shipped_clinic.emergency_number in misunderstand(dispatcher, h, [event])["text"]


# --- forget me ---------------------------------------------------------------------------------------------------


def test_forget_me_resets_every_slot_and_confirms(dispatcher, h):
    tracker = h.tracker({"pain_location": ["buttock"], "assessment": {"triage": "massage_ok"}})
    events = ActionForgetMe().run(dispatcher, tracker, {})
    assert [e["event"] for e in events] == ["reset_slots"]
    [message] = h.texts(dispatcher)
    assert "deleted" in message


# --- summary -----------------------------------------------------------------------------------------------------


def test_summary_before_finishing(dispatcher, h):
    assert ActionShowSummary().run(dispatcher, h.tracker({"assessment": None}), {}) == []
    assert "haven't finished" in h.all_text(dispatcher)


@pytest.mark.parametrize("value", [{"culprits": []}, "massage_ok", ["triage"]])
def test_summary_with_a_malformed_assessment_slot(dispatcher, h, value):
    ActionShowSummary().run(dispatcher, h.tracker({"assessment": value}), {})
    assert "haven't finished" in h.all_text(dispatcher)


def test_summary_repeats_the_finished_assessment(h):
    slots = {"consent": True, "pain_location": ["low_back_one_side"], "activities": ["leaning_over", "lifting"],
             "pain_score": "4", "pain_duration": "3 weeks", "inflammation": "no"}
    done = CollectingDispatcher()
    events = ActionFinishAssessment().run(done, h.tracker(slots, [h.user_event("3 weeks", channel="cmdline")]), {})
    assessment = h.slot_events(events)["assessment"]
    shown = CollectingDispatcher()
    ActionShowSummary().run(shown, h.tracker({"assessment": assessment}, [h.user_event("summary", channel="cmdline")]),
                            {})
    assert "quadratus lumborum" in h.all_text(shown).lower()
    assert h.texts(shown) == h.texts(done)[:-1]
    assert h.texts(done)[-1] == reply("anything_else")


def test_summary_of_an_emergency_shows_only_the_safety_advice(dispatcher, h):
    t = "i cant pee"
    event = h.user_event(t, intent="report_red_flag", channel="cmdline",
                         entities=[h.entity(t, "cant pee", "red_flag", "bladder_bowel")])
    triaged = ActionSafetyTriage().run(CollectingDispatcher(), h.tracker({}, [event]), {})
    assessment = h.slot_events(triaged)["assessment"]
    ActionShowSummary().run(dispatcher, h.tracker({"assessment": assessment}, [event]), {})
    [message] = h.texts(dispatcher)
    assert message.startswith("Get emergency help now")
    assert "What you can do next" not in message


# --- ask actions and the registry ----------------------------------------------------------------------------------


def test_every_domain_action_is_registered(registry):
    missing = [name for name in DOMAIN["actions"] if name not in registry]
    assert missing == []


@pytest.mark.parametrize("slot", FORM_SLOTS)
def test_every_form_slot_has_an_ask_action(registry, dispatcher, h, slot):
    name = f"action_ask_{slot}"
    assert name in registry
    assert registry[name](dispatcher, h.tracker({}), {}) == []
    asked = question(slot)
    # The text first; buttons only with the short prompt after it (rasa shell cuts long button questions).
    assert dispatcher.messages[0]["text"] == asked.text and dispatcher.messages[0]["buttons"] == []
    texts = [message["text"] for message in dispatcher.messages]
    assert texts == ([asked.text, asked.prompt] if asked.buttons else [asked.text])
    message = dispatcher.messages[-1]
    assert len(message["text"]) <= MAX_PROMPT_LENGTH or not asked.buttons
    assert [button["payload"] for button in message["buttons"]] == [f"/{intent}" for _, intent in asked.buttons]
    for button in message["buttons"]:
        assert button["payload"][1:] in INTENTS


def test_start_over_restarts(registry, dispatcher, h):
    from actions.clinic import ActionStartOver

    name = ActionStartOver().name()
    assert name in DOMAIN["actions"]
    events = registry[name](dispatcher, h.tracker({}), {})
    assert [e["event"] for e in events] == ["restart"]
    assert "start fresh" in h.all_text(dispatcher)


def test_a_message_that_fits_nowhere_mid_question_is_taken_back_and_the_question_asked_again(dispatcher, h):
    # "hello" in the middle of the safety check: the form cannot use it and no rule covers it.
    tracker = h.tracker({"requested_slot": "red_flags"}, [h.user_event("hello", intent="greet")],
                        active_loop="assessment_form")
    events = ActionHandleMisunderstanding().run(dispatcher, tracker, {})
    assert [event["event"] for event in events] == ["rewind"]
    texts = h.texts(dispatcher)
    assert texts[0] == reply("misunderstood")
    assert texts[1:] == [question("red_flags").text, question("red_flags").prompt]
    assert [button["payload"] for button in dispatcher.messages[-1]["buttons"]] == ["/deny", "/affirm", "/dont_know"]


def test_a_message_that_fits_nowhere_outside_the_assessment_is_taken_back(dispatcher, h):
    tracker = h.tracker({}, [h.user_event("bye", intent="goodbye")])
    assert [event["event"] for event in ActionHandleMisunderstanding().run(dispatcher, tracker, {})] == ["rewind"]
    assert h.texts(dispatcher) == [reply("misunderstood")]
