"""actions/replies.py: a result is sent in the shape the client's channel can show."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import send_result
from actions.safety import ActionSafetyTriage
from bot.assessment import AssessmentInput, assess
from bot.questions import reply
from bot.summary import summary_messages

WEB_CHANNELS = ["rest", "socketio"]
TEXT_CHANNELS = ["cmdline", "telegram", None]


def result_of(**answers: Any) -> dict[str, Any]:
    """A result as the engine makes it, so these tests follow the knowledge files."""
    fields: dict[str, Any] = {"activities": [], "pain_locations": [], "symptoms": [], "red_flags": [],
                              "screening_groups": [], "words": {}}
    return assess(AssessmentInput(**{**fields, **answers}))


@pytest.fixture(scope="module")
def muscle_result() -> dict[str, Any]:
    """A result with muscles and next steps: what a text channel shows in full."""
    result = result_of(activities=["leaning_over"], pain_locations=["low_back_one_side"], pain_score=4)
    assert result["triage"] == "massage_ok" and result["culprits"], "precondition: a result with muscles"
    return result


@pytest.fixture(scope="module")
def emergency_result() -> dict[str, Any]:
    """A result at the emergency level: the actions send it as safety advice only."""
    result = result_of(activities=["leaning_over"], red_flags=["bladder_bowel"])
    assert result["triage"] == "emergency", "precondition: an emergency result"
    return result


def sent_on(h: SimpleNamespace, channel: str | None, result: dict[str, Any],
            safety_only: bool = False) -> CollectingDispatcher:
    """What send_result sends to a client whose latest message came over ``channel``."""
    dispatcher = CollectingDispatcher()
    events = [h.user_event("ok", channel=channel)] if channel else []
    send_result(dispatcher, h.tracker({}, events), result, safety_only=safety_only)
    return dispatcher


# --- through the actions that send a result -----------------------------------------------------------------


def test_rest_channel_gets_the_result_as_a_payload(dispatcher: CollectingDispatcher, h: SimpleNamespace,
                                                   ql_events: list[dict[str, Any]]) -> None:
    """Web pages draw the result from the payload, which must be the very result stored."""
    events = h.finish(dispatcher, h.tracker(h.QL_SLOTS, ql_events))
    [payload] = h.payloads(dispatcher)
    assert payload == {"assessment": h.assessment_of(events)}


def test_cmdline_channel_gets_no_payload(dispatcher: CollectingDispatcher, h: SimpleNamespace) -> None:
    """A terminal would print the JSON; it gets the words only."""
    t = h.QL_TEXT
    events = [h.user_event(t, channel="cmdline",
                           entities=[h.entity(t, "lean over the sink", "activity", "leaning_over")])]
    h.finish(dispatcher, h.tracker(h.QL_SLOTS, events))
    assert h.payloads(dispatcher) == []
    assert "quadratus lumborum" in h.all_text(dispatcher).lower()


def test_payload_follows_the_latest_channel(dispatcher: CollectingDispatcher, h: SimpleNamespace) -> None:
    """The reply goes where the latest message came from, not where the conversation began."""
    events = [h.user_event("hi", intent="greet", channel="rest"), h.user_event("3 weeks", channel="cmdline")]
    h.finish(dispatcher, h.tracker(h.QL_SLOTS, events))
    assert h.payloads(dispatcher) == []


def test_the_widget_gets_the_card_with_a_short_lead_not_the_result_twice(dispatcher: CollectingDispatcher,
                                                                         h: SimpleNamespace) -> None:
    """The widget's card holds the whole result; the same words above it would say everything twice."""
    events = [h.user_event(h.QL_TEXT, channel="socketio")]
    h.finish(dispatcher, h.tracker(h.QL_SLOTS, events))
    assert h.texts(dispatcher) == [reply("result_lead"), reply("anything_else")]
    assert h.payloads(dispatcher)[0]["assessment"]["triage"] == "massage_ok"


def test_urgent_advice_is_text_on_the_widget_too(dispatcher: CollectingDispatcher, h: SimpleNamespace) -> None:
    """Safety advice must be readable even if the card is not drawn."""
    events = [h.user_event("i've had a fever for days", channel="socketio")]
    h.finish(dispatcher, h.tracker({**h.QL_SLOTS, "red_flags": ["fever"]}, events))
    assert "doctor" in h.all_text(dispatcher).lower() and reply("result_lead") not in h.texts(dispatcher)
    assert h.payloads(dispatcher)[0]["assessment"]["triage"] == "urgent"


def test_payload_only_on_web_channels(dispatcher: CollectingDispatcher, h: SimpleNamespace) -> None:
    """The safety triage sends its result the same way: data for web pages only."""
    def red_flag(channel: str) -> Tracker:
        """One message naming an emergency sign, from ``channel``."""
        t = "i cant pee"
        return h.tracker({}, [h.user_event(t, intent="report_red_flag", channel=channel,
                                           entities=[h.entity(t, "cant pee", "red_flag", "bladder_bowel")])])

    ActionSafetyTriage().run(dispatcher, red_flag("cmdline"), {})
    assert not any(m.get("custom") for m in dispatcher.messages)
    web = type(dispatcher)()
    ActionSafetyTriage().run(web, red_flag("rest"), {})
    [payload] = [m["custom"] for m in web.messages if m.get("custom")]
    assert payload["assessment"]["triage"] == "emergency"


# --- send_result on its own ---------------------------------------------------------------------------------


@pytest.mark.parametrize("channel", ["rest", *TEXT_CHANNELS])
def test_a_text_channel_gets_the_summary_as_text(h: SimpleNamespace, muscle_result: dict[str, Any],
                                                 channel: str | None) -> None:
    """Outside the widget the words are the whole result: both summary messages, in order."""
    assert h.texts(sent_on(h, channel, muscle_result)) == summary_messages(muscle_result)


@pytest.mark.parametrize("channel", WEB_CHANNELS)
def test_web_channels_get_the_payload_after_the_words(h: SimpleNamespace, muscle_result: dict[str, Any],
                                                      channel: str) -> None:
    """One payload, last, holding the result unchanged (the card is drawn under the words)."""
    sent = sent_on(h, channel, muscle_result)
    assert h.payloads(sent) == [{"assessment": muscle_result}]
    assert sent.messages[-1]["custom"] == {"assessment": muscle_result} and not sent.messages[-1]["text"]


@pytest.mark.parametrize("channel", TEXT_CHANNELS)
def test_other_channels_get_no_payload(h: SimpleNamespace, muscle_result: dict[str, Any],
                                       channel: str | None) -> None:
    """Channels that cannot draw a card would show the JSON to the client."""
    assert h.payloads(sent_on(h, channel, muscle_result)) == []


@pytest.mark.parametrize("channel", [*WEB_CHANNELS, *TEXT_CHANNELS])
def test_safety_advice_is_one_text_message_with_the_disclaimer_on_every_channel(
        h: SimpleNamespace, emergency_result: dict[str, Any], channel: str | None) -> None:
    """Only the advice and the disclaimer: no next steps to read before calling for help, whatever the channel."""
    sent = sent_on(h, channel, emergency_result, safety_only=True)
    [text] = h.texts(sent)
    advice = summary_messages(emergency_result)[0]
    assert text == advice + "\n\n" + emergency_result["disclaimer"]
    assert reply("result_lead") not in text
    assert h.payloads(sent) == ([{"assessment": emergency_result}] if channel in WEB_CHANNELS else [])


def test_safety_only_leaves_out_the_next_steps_of_a_result_that_has_them(h: SimpleNamespace,
                                                                         muscle_result: dict[str, Any]) -> None:
    """The actions decide what is safety advice; send_result then sends nothing but the first part."""
    advice, next_steps = summary_messages(muscle_result)
    assert next_steps != muscle_result["disclaimer"], "precondition: this result has next steps"
    [text] = h.texts(sent_on(h, "cmdline", muscle_result, safety_only=True))
    assert text == advice + "\n\n" + muscle_result["disclaimer"]
