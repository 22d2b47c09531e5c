"""actions/handoff.py: the summary goes to the clinic only after an explicit yes and a read-back."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.clinic import ActionContinue
from actions.handoff import (
    CONFIRMED,
    CONTACT,
    NAME,
    SEND_FORM,
    STATE,
    ActionAskContactConfirmed,
    ActionOfferSending,
    ActionSendToClinic,
    ValidateSendForm,
    safety_answers,
    said_by_client,
)
from bot.questions import reply
from tests.mail_server import Inbox, free_port, smtp_server

RESULT = {"triage": "massage_ok", "triage_advice": {"title": "Massage may help"}, "triage_reasons": [],
          "red_flags": [], "screening_groups": [], "culprits": [], "therapist_notes": [], "duration": {}}
CONTACT_SLOT = {"kind": "email", "value": "sam@example.com"}


@pytest.fixture
def clinic_mail(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    with smtp_server() as inbox:
        for name, value in {"CLINIC_INTAKE_EMAIL": "desk@clinic.example", "SMTP_HOST": "127.0.0.1",
                            "SMTP_PORT": str(inbox.port), "SMTP_STARTTLS": "off"}.items():
            monkeypatch.setenv(name, value)
        yield inbox


def validate(h: SimpleNamespace, slots: dict[str, Any], text: str, intent: str = "describe_pain") -> dict[str, Any]:
    tracker = h.tracker(slots, [h.user_event(text, intent=intent)], active_loop=SEND_FORM)
    return h.slot_events(asyncio.run(ValidateSendForm().run(CollectingDispatcher(), tracker, {})))


def test_without_an_intake_address_nothing_is_offered(h: SimpleNamespace, dispatcher: CollectingDispatcher,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLINIC_INTAKE_EMAIL", raising=False)
    events = ActionOfferSending().run(dispatcher, h.tracker({"assessment": RESULT}), {})
    assert events == [] and reply("send_not_offered") in h.all_text(dispatcher)


def test_an_emergency_is_never_held_up_by_the_sending(h: SimpleNamespace, dispatcher: CollectingDispatcher,
                                                      clinic_mail: Inbox) -> None:
    events = ActionOfferSending().run(dispatcher, h.tracker({"assessment": {**RESULT, "triage": "emergency"}}), {})
    assert events == [] and h.texts(dispatcher) == [reply("send_emergency")]


def test_a_request_starts_the_details_and_a_yes_to_the_offer_does_too(h: SimpleNamespace, clinic_mail: Inbox) -> None:
    events = ActionOfferSending().run(CollectingDispatcher(), h.tracker({"assessment": RESULT}), {})
    assert events[-1] == {"event": "followup", "name": SEND_FORM, "timestamp": None}
    tracker = h.tracker({"assessment": RESULT, "send_offered": True}, [h.user_event("yes please", intent="affirm")])
    assert ActionContinue().run(CollectingDispatcher(), tracker, {})[-1]["name"] == SEND_FORM


def test_a_no_to_the_offer_sends_nothing(h: SimpleNamespace, dispatcher: CollectingDispatcher) -> None:
    tracker = h.tracker({"assessment": RESULT, "send_offered": True}, [h.user_event("no thanks", intent="deny")])
    events = ActionContinue().run(dispatcher, tracker, {})
    assert h.slot_events(events) == {"send_offered": None}
    assert h.texts(dispatcher) == [reply("send_cancelled")]


def test_a_name_then_a_contact_then_the_read_back(h: SimpleNamespace, dispatcher: CollectingDispatcher) -> None:
    assert validate(h, {"requested_slot": NAME}, "it's Sam Jones")[NAME] == "Sam Jones"
    assert validate(h, {"requested_slot": CONTACT}, "sam@example.com")[CONTACT] == CONTACT_SLOT
    tracker = h.tracker({NAME: "Sam Jones", CONTACT: CONTACT_SLOT})
    ActionAskContactConfirmed().run(dispatcher, tracker, {})
    assert "Sam Jones" in h.all_text(dispatcher) and "sam@example.com" in h.all_text(dispatcher)
    assert validate(h, {"requested_slot": CONFIRMED, NAME: "Sam Jones"}, "yes", "affirm")[CONFIRMED] is True


def test_a_wrong_read_back_asks_again_once_then_gives_up(h: SimpleNamespace) -> None:
    slots = {"requested_slot": CONFIRMED, NAME: "Sam", CONTACT: CONTACT_SLOT}
    first = validate(h, slots, "no that's wrong", "deny")
    assert (first[NAME], first[CONTACT], first["requested_slot"]) == (None, None, NAME)
    second = validate(h, {**slots, STATE: first[STATE]}, "no", "deny")
    assert second[STATE]["cancelled"] and second["requested_slot"] is None


def test_unreadable_contact_details_are_asked_twice_more_then_nothing_is_sent(h: SimpleNamespace) -> None:
    slots: dict[str, Any] = {"requested_slot": CONTACT}
    for attempt in (1, 2):
        events = validate(h, slots, "tomorrow afternoon")
        assert events == {CONTACT: None, "answer_attempts": attempt}
        slots["answer_attempts"] = attempt
    assert validate(h, slots, "tomorrow afternoon")[STATE] == {"cancelled": True, "gave_up": True}


def test_a_question_or_forget_me_is_not_taken_for_a_name(h: SimpleNamespace) -> None:
    assert validate(h, {"requested_slot": NAME}, "forget me", "forget_me") == {}
    assert validate(h, {"requested_slot": NAME}, "what is nmt?", "faq") == {}


def test_it_is_sent_once_and_the_client_is_told(h: SimpleNamespace, dispatcher: CollectingDispatcher,
                                               clinic_mail: Inbox) -> None:
    events = [{"event": "slot", "name": "requested_slot", "value": "red_flags"},
              h.user_event("my back hurts, no none of those", intent="deny"),
              {"event": "slot", "name": "requested_slot", "value": NAME}, h.user_event("Sam")]
    tracker = h.tracker({"assessment": RESULT, NAME: "Sam", CONTACT: CONTACT_SLOT, CONFIRMED: True}, events)
    result = ActionSendToClinic().run(dispatcher, tracker, {})
    assert h.slot_events(result)["summary_sent"] is True
    assert h.texts(dispatcher) == [reply("send_done")]
    assert len(clinic_mail.messages) == 1 and b"sam@example.com" in clinic_mail.messages[0]
    assert said_by_client(tracker) == ("my back hurts, no none of those",)
    assert [answer for _, answer in safety_answers(tracker)] == ["my back hurts, no none of those"]


def test_a_mail_server_that_is_down_is_said_plainly(h: SimpleNamespace, dispatcher: CollectingDispatcher,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {"CLINIC_INTAKE_EMAIL": "desk@clinic.example", "SMTP_HOST": "127.0.0.1",
                        "SMTP_PORT": str(free_port()), "SMTP_STARTTLS": "off"}.items():
        monkeypatch.setenv(name, value)
    tracker = h.tracker({"assessment": RESULT, NAME: "Sam", CONTACT: CONTACT_SLOT, CONFIRMED: True})
    events = h.slot_events(ActionSendToClinic().run(dispatcher, tracker, {}))
    assert "summary_sent" not in events and events[CONFIRMED] is None
    assert h.texts(dispatcher) == [reply("send_failed")]


def test_a_cancelled_sending_sends_nothing(h: SimpleNamespace, dispatcher: CollectingDispatcher,
                                          clinic_mail: Inbox) -> None:
    tracker = h.tracker({"assessment": RESULT, STATE: {"cancelled": True, "gave_up": False}})
    ActionSendToClinic().run(dispatcher, tracker, {})
    assert h.texts(dispatcher) == [reply("send_cancelled")] and clinic_mail.messages == []
