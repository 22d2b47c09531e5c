"""actions/clinic.py: contact, summary, forgetting, misunderstandings, carrying on, starting over."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.clinic import (
    ActionContactClinic,
    ActionContinue,
    ActionForgetMe,
    ActionHandleMisunderstanding,
    ActionShowSummary,
    ActionStartOver,
)
from actions.conversation import ATTEMPTS, GROUPS, STEP, first_emergency_group
from actions.safety import ActionSafetyTriage
from bot.clinic import Clinic
from bot.questions import (
    ASSESSMENT_SLOTS,
    LAST,
    MAX_PROMPT_LENGTH,
    question,
    reply,
    reply_buttons,
    screening_question,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
Registry = dict[str, Callable[..., Any]]

# --- contact ------------------------------------------------------------------------------------------------


def test_contact_invents_no_contact_details(dispatcher: CollectingDispatcher, h: SimpleNamespace,
                                            shipped_clinic: Clinic) -> None:
    """A clinic that filled in no details must not be given a made-up phone number or address."""
    assert shipped_clinic.contact_lines() == [], "precondition: the shipped clinic.yml has no contact details"
    assert ActionContactClinic().run(dispatcher, h.tracker({}), {}) == [SlotSet("asked_for_person", True)]
    [message] = h.texts(dispatcher)
    assert shipped_clinic.name in message
    assert f"call {shipped_clinic.emergency_number}" in message
    assert not re.search(r"\d", message.replace(shipped_clinic.emergency_number, ""))
    assert "@" not in message and "http" not in message


def test_contact_gives_every_detail_the_clinic_filled_in(monkeypatch: pytest.MonkeyPatch,
                                                         dispatcher: CollectingDispatcher, h: SimpleNamespace) -> None:
    """The details come from clinic.yml, all of them and in their order, with the emergency number last."""
    clinic = Clinic(name="Sunrise Bodywork", booking_url="https://sunrise.example/book", phone="555 0100",
                    email="desk@sunrise.example", opening_hours="Mon-Fri 9-5", emergency_number="000")
    monkeypatch.setattr("actions.clinic.default_clinic", lambda: clinic)
    assert ActionContactClinic().run(dispatcher, h.tracker({}), {}) == [SlotSet("asked_for_person", True)]
    [message] = h.texts(dispatcher)
    assert clinic.name in message and reply("contact_unknown", clinic=clinic) not in message
    lines = message.splitlines()
    assert [line for line in lines if line in clinic.contact_lines()] == clinic.contact_lines()
    assert lines[0] == reply("contact_intro", clinic=clinic)
    assert lines[-1] == reply("contact_emergency", clinic=clinic) and clinic.emergency_number in lines[-1]


# --- misunderstanding ---------------------------------------------------------------------------------------


def fallback(h: SimpleNamespace, text: str = "asdf qwer") -> dict[str, Any]:
    """A message the classifier could not place (Rasa's fallback intent)."""
    return h.user_event(text, intent="nlu_fallback", confidence=0.2)


def misunderstand(dispatcher: CollectingDispatcher, h: SimpleNamespace,
                  events: list[dict[str, Any]]) -> dict[str, Any]:
    """The reply's last message: the one that carries buttons, if any."""
    assert ActionHandleMisunderstanding().run(dispatcher, h.tracker({}, events), {}) == []
    assert all(not message["buttons"] for message in dispatcher.messages[:-1])
    return dispatcher.messages[-1]


def test_first_misunderstanding_asks_to_rephrase(dispatcher: CollectingDispatcher, h: SimpleNamespace) -> None:
    """One message not understood: a plain request to say it again, no menu yet."""
    message = misunderstand(dispatcher, h, [h.user_event("hi", intent="greet"), fallback(h)])
    assert "another way" in message["text"]
    assert message["buttons"] == []


def test_second_misunderstanding_in_a_row_offers_buttons(dispatcher: CollectingDispatcher, h: SimpleNamespace,
                                                         intents: set[str]) -> None:
    """Twice in a row: buttons, so a client who cannot make themselves understood is never stuck."""
    message = misunderstand(dispatcher, h, [fallback(h), {"event": "bot", "text": "Sorry"}, fallback(h, "zzz")])
    assert "still not getting it" in dispatcher.messages[0]["text"]
    assert len(message["text"]) <= MAX_PROMPT_LENGTH
    payloads = [button["payload"] for button in message["buttons"]]
    assert "/request_human" in payloads
    for payload in payloads:
        assert payload.startswith("/") and payload[1:] in intents


def test_misunderstandings_not_in_a_row_do_not_count(dispatcher: CollectingDispatcher, h: SimpleNamespace) -> None:
    """An understood message in between starts the count again."""
    events = [fallback(h), h.user_event("my back hurts"), fallback(h)]
    assert misunderstand(dispatcher, h, events)["buttons"] == []


def test_misunderstandings_before_a_restart_do_not_count(dispatcher: CollectingDispatcher,
                                                         h: SimpleNamespace) -> None:
    """A fresh start is fresh: the last session's misunderstandings are not held against the client."""
    events = [fallback(h), {"event": "restart"}, fallback(h)]
    assert misunderstand(dispatcher, h, events)["buttons"] == []


@pytest.mark.parametrize("verdict,words", [
    ("empty", "didn't get any words"),
    ("no_words", "only read words"),
    ("other_language", "only speak English"),
    ("too_long", "1,000 characters"),
    ("shorthand", "own words"),
])
def test_unreadable_input_gets_the_reply_that_fits_it(dispatcher: CollectingDispatcher, h: SimpleNamespace,
                                                      verdict: str, words: str) -> None:
    """Emoji, another language or a wall of text each get a reply that says what to do instead."""
    event = fallback(h, "whatever")
    event["parse_data"]["input_check"] = verdict
    message = misunderstand(dispatcher, h, [h.user_event("hi", intent="greet"), event])
    assert words in message["text"]
    assert "{" not in message["text"]


def test_other_language_reply_gives_the_emergency_number(dispatcher: CollectingDispatcher, h: SimpleNamespace,
                                                         shipped_clinic: Clinic) -> None:
    """Someone who cannot write English may be the one in an emergency."""
    event = fallback(h, "me duele mucho la espalda")
    event["parse_data"]["input_check"] = "other_language"
    assert shipped_clinic.emergency_number in misunderstand(dispatcher, h, [event])["text"]


def test_an_unknown_input_verdict_gets_the_plain_misunderstood_reply(dispatcher: CollectingDispatcher,
                                                                     h: SimpleNamespace) -> None:
    """Only the verdicts bot.input_check defines pick a reply: anything else must not look up a missing one."""
    event = fallback(h, "whatever")
    event["parse_data"]["input_check"] = "gibberish"
    assert misunderstand(dispatcher, h, [event])["text"] == reply("misunderstood")


def test_a_second_misunderstanding_in_a_row_offers_buttons_whatever_the_verdict(dispatcher: CollectingDispatcher,
                                                                                 h: SimpleNamespace) -> None:
    """Emoji twice in a row still earns the way out, not the emoji reply again."""
    event = fallback(h, "🙂🙂")
    event["parse_data"]["input_check"] = "no_words"
    message = misunderstand(dispatcher, h, [fallback(h, "🙂"), event])
    assert h.texts(dispatcher) == [reply("misunderstood_again"), reply("choose_next")]
    assert [(button["title"], button["payload"]) for button in message["buttons"]] == [
        (title, f"/{intent}") for title, intent in reply_buttons("choose_next")]


# --- a message understood but out of place ------------------------------------------------------------------


def test_a_message_that_fits_nowhere_mid_question_is_taken_back_and_the_question_asked_again(
        dispatcher: CollectingDispatcher, h: SimpleNamespace) -> None:
    """Rewinding the message keeps the policy from picking the fallback again until Rasa stops the chat."""
    # "hello" in the middle of the safety check: the form cannot use it and no rule covers it.
    tracker = h.tracker({"requested_slot": "red_flags"}, [h.user_event("hello", intent="greet")],
                        active_loop="assessment_form")
    events = ActionHandleMisunderstanding().run(dispatcher, tracker, {})
    assert [event["event"] for event in events] == ["rewind"]
    texts = h.texts(dispatcher)
    assert texts[0] == reply("misunderstood")
    assert texts[1:] == [question("red_flags").text, question("red_flags").prompt]
    assert [button["payload"] for button in dispatcher.messages[-1]["buttons"]] == ["/deny", "/affirm", "/dont_know"]


def test_a_message_that_fits_nowhere_outside_the_assessment_is_taken_back(dispatcher: CollectingDispatcher,
                                                                          h: SimpleNamespace) -> None:
    """With no question open there is nothing to ask again, but the message is still taken back."""
    tracker = h.tracker({}, [h.user_event("bye", intent="goodbye")])
    assert [event["event"] for event in ActionHandleMisunderstanding().run(dispatcher, tracker, {})] == ["rewind"]
    assert h.texts(dispatcher) == [reply("misunderstood")]


def test_a_stale_requested_slot_outside_the_form_asks_nothing(dispatcher: CollectingDispatcher,
                                                              h: SimpleNamespace) -> None:
    """requested_slot outlives the form: only an active form has a question open."""
    tracker = h.tracker({"requested_slot": "pain_score"}, [h.user_event("hello", intent="greet")])
    assert [event["event"] for event in ActionHandleMisunderstanding().run(dispatcher, tracker, {})] == ["rewind"]
    assert h.texts(dispatcher) == [reply("misunderstood")]


def test_a_message_out_of_place_mid_screening_asks_the_follow_up_again(dispatcher: CollectingDispatcher,
                                                                       h: SimpleNamespace) -> None:
    """Half-way through the warning-sign groups, the group question comes again, not the whole list."""
    step = first_emergency_group()
    tracker = h.tracker({"requested_slot": "red_flags", STEP: step}, [h.user_event("hello", intent="greet")],
                        active_loop="assessment_form")
    ActionHandleMisunderstanding().run(dispatcher, tracker, {})
    asked = screening_question(step)
    assert h.texts(dispatcher) == [reply("misunderstood"), asked.text, asked.prompt]


def test_a_message_out_of_place_after_failed_answers_asks_the_same_wording_as_the_form(
        dispatcher: CollectingDispatcher, h: SimpleNamespace) -> None:
    """The question asked again follows the answer attempts, so it is not the first wording a third time."""
    tracker = h.tracker({"requested_slot": "pain_score", ATTEMPTS: 2}, [h.user_event("hello", intent="greet")],
                        active_loop="assessment_form")
    ActionHandleMisunderstanding().run(dispatcher, tracker, {})
    assert h.texts(dispatcher) == [reply("misunderstood"), question("pain_score", variant=LAST).text]


# --- forget me ----------------------------------------------------------------------------------------------


def test_forget_me_resets_every_slot_and_confirms(dispatcher: CollectingDispatcher, h: SimpleNamespace) -> None:
    """The slots go now; the stored conversation is deleted by the tracker store."""
    tracker = h.tracker({"pain_location": ["buttock"], "assessment": {"triage": "massage_ok"}})
    events = ActionForgetMe().run(dispatcher, tracker, {})
    assert [e["event"] for e in events] == ["reset_slots"]
    [message] = h.texts(dispatcher)
    assert "deleted" in message


def test_forget_me_is_the_action_the_tracker_store_deletes_on() -> None:
    """The store deletes a conversation when it sees this action's name: a rename would forget nothing."""
    from rasa_extensions.stores.tracker_store import FORGET_ACTION

    assert ActionForgetMe().name() == FORGET_ACTION


def test_forget_me_repeats_nothing_the_client_said(dispatcher: CollectingDispatcher, h: SimpleNamespace) -> None:
    """The confirmation of a deletion must not send the deleted answers back out."""
    tracker = h.tracker({"pain_location": ["buttock"], "assessment": {"triage": "massage_ok"}},
                        [h.user_event("my buttock hurts", channel="socketio")])
    ActionForgetMe().run(dispatcher, tracker, {})
    assert h.payloads(dispatcher) == []
    assert "buttock" not in h.all_text(dispatcher) and "massage_ok" not in h.all_text(dispatcher)


# --- summary ------------------------------------------------------------------------------------------------


def test_summary_before_finishing(dispatcher: CollectingDispatcher, h: SimpleNamespace) -> None:
    """Asking for a summary too early gets a way forward, not an empty card."""
    assert ActionShowSummary().run(dispatcher, h.tracker({"assessment": None}), {}) == []
    assert "haven't finished" in h.all_text(dispatcher)


@pytest.mark.parametrize("value", [{"culprits": []}, "massage_ok", ["triage"]])
def test_summary_with_a_malformed_assessment_slot(dispatcher: CollectingDispatcher, h: SimpleNamespace,
                                                  value: Any) -> None:
    """Slots are client-controlled: a forged assessment must not crash the summary."""
    ActionShowSummary().run(dispatcher, h.tracker({"assessment": value}), {})
    assert "haven't finished" in h.all_text(dispatcher)


def test_summary_repeats_the_finished_assessment(h: SimpleNamespace) -> None:
    """The summary is the result as first shown, word for word, without the closing question."""
    slots = {"consent": True, "pain_location": ["low_back_one_side"], "activities": ["leaning_over", "lifting"],
             "pain_score": "4", "pain_duration": "3 weeks", "inflammation": "no"}
    done = CollectingDispatcher()
    events = h.finish(done, h.tracker(slots, [h.user_event("3 weeks", channel="cmdline")]))
    assessment = h.slot_events(events)["assessment"]
    shown = CollectingDispatcher()
    ActionShowSummary().run(shown, h.tracker({"assessment": assessment}, [h.user_event("summary", channel="cmdline")]),
                            {})
    assert "quadratus lumborum" in h.all_text(shown).lower()
    assert h.texts(shown) == h.texts(done)[:-1]
    assert h.texts(done)[-1] == reply("anything_else")


def test_summary_of_an_emergency_shows_only_the_safety_advice(dispatcher: CollectingDispatcher,
                                                              h: SimpleNamespace) -> None:
    """An emergency summary must not bury the advice under muscles and next steps."""
    t = "i cant pee"
    event = h.user_event(t, intent="report_red_flag", channel="cmdline",
                         entities=[h.entity(t, "cant pee", "red_flag", "bladder_bowel")])
    triaged = ActionSafetyTriage().run(CollectingDispatcher(), h.tracker({}, [event]), {})
    assessment = h.slot_events(triaged)["assessment"]
    ActionShowSummary().run(dispatcher, h.tracker({"assessment": assessment}, [event]), {})
    [message] = h.texts(dispatcher)
    assert message.startswith("Get emergency help now")
    assert "What you can do next" not in message


# --- carrying on --------------------------------------------------------------------------------------------


@pytest.fixture
def finished(h: SimpleNamespace, ql_events: list[dict[str, Any]]) -> dict[str, Any]:
    """A real result, as action_finish_assessment stores it."""
    return h.assessment_of(h.finish(CollectingDispatcher(), h.tracker(h.QL_SLOTS, ql_events)))


@pytest.mark.parametrize("assessment", [None, "massage_ok", ["triage"]])
@pytest.mark.parametrize("intent", ["affirm", "start_check", "deny"])
def test_carrying_on_before_a_result_starts_or_resumes_the_form(dispatcher: CollectingDispatcher, h: SimpleNamespace,
                                                                assessment: Any, intent: str) -> None:
    """With no result yet, "yes", "check my back" or even "no" goes (back) to the form: never a dead end."""
    tracker = h.tracker({"assessment": assessment, "pain_location": ["buttock"]}, [h.user_event("ok", intent=intent)])
    events = ActionContinue().run(dispatcher, tracker, {})
    assert events == [{"event": "followup", "name": "assessment_form", "timestamp": None}]
    assert dispatcher.messages == []


def test_checking_again_after_a_result_clears_the_answers_but_not_the_consent(
        dispatcher: CollectingDispatcher, h: SimpleNamespace, finished: dict[str, Any]) -> None:
    """A second check must not reuse the first one's answers, but need not ask for consent again."""
    slots = {**h.QL_SLOTS, "assessment": finished, STEP: "confirm", GROUPS: ["general_health"], ATTEMPTS: 1}
    events = ActionContinue().run(dispatcher, h.tracker(slots, [h.user_event("check my back", intent="start_check")]),
                                  {})
    assert events[-1] == {"event": "followup", "name": "assessment_form", "timestamp": None}
    cleared = h.slot_events(events)
    # A new result may be sent to the clinic again, with its own yes.
    expected = {*ASSESSMENT_SLOTS, "assessment", STEP, GROUPS, ATTEMPTS, "send_offered", "summary_sent"} - {"consent"}
    assert set(cleared) == expected
    assert all(value is None for value in cleared.values())
    assert dispatcher.messages == []


def test_no_after_a_result_says_goodbye(dispatcher: CollectingDispatcher, h: SimpleNamespace,
                                        finished: dict[str, Any]) -> None:
    """"No" to "anything else?" ends politely and changes nothing."""
    tracker = h.tracker({"assessment": finished}, [h.user_event("no thanks", intent="deny")])
    assert ActionContinue().run(dispatcher, tracker, {}) == []
    assert [message["text"] for message in dispatcher.messages] == [reply("goodbye")]


def test_yes_after_a_result_offers_what_else_there_is(dispatcher: CollectingDispatcher, h: SimpleNamespace,
                                                      finished: dict[str, Any]) -> None:
    """"Yes" after a result must not silently restart the check and throw the result away."""
    tracker = h.tracker({"assessment": finished}, [h.user_event("yes", intent="affirm")])
    assert ActionContinue().run(dispatcher, tracker, {}) == []
    assert h.texts(dispatcher) == [reply("anything_else")]


# --- starting over ------------------------------------------------------------------------------------------


def test_start_over_restarts(registry: Registry, dispatcher: CollectingDispatcher, h: SimpleNamespace,
                             domain: dict[str, Any]) -> None:
    """It replaces Rasa's own action_restart, so it must be registered under that name and still restart."""
    name = ActionStartOver().name()
    assert name in domain["actions"]
    events = registry[name](dispatcher, h.tracker({}), {})
    assert [e["event"] for e in events] == ["restart"]
    assert "start fresh" in h.all_text(dispatcher)


def test_start_over_says_so_in_the_words_of_the_knowledge_files(dispatcher: CollectingDispatcher,
                                                                h: SimpleNamespace) -> None:
    """The only message is the start-over reply, before the restart clears the conversation."""
    tracker = h.tracker({"pain_location": ["buttock"]}, active_loop="assessment_form")
    assert [e["event"] for e in ActionStartOver().run(dispatcher, tracker, {})] == ["restart"]
    assert h.texts(dispatcher) == [reply("start_over")]
