"""actions/questions.py: one ask action per form slot, worded by bot/questions, never the same way three times."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import ATTEMPTS, STEP, first_emergency_group
from actions.questions import ask, button_payload, question_to_ask
from bot.input_check import ALLOWED_SHORTHAND
from bot.questions import (
    AGAIN,
    ASSESSMENT_SLOTS,
    FIRST,
    LAST,
    MAX_PROMPT_LENGTH,
    Question,
    question,
    screening_question,
)
from bot.screening import CONFIRM, GROUP_PREFIX, default_screening

# Read at collection time: the form's slots parametrize the tests below.
FORM_SLOTS = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text(encoding="utf-8"))[
    "forms"]["assessment_form"]["required_slots"]
SCREENING_STEPS = [CONFIRM, *(GROUP_PREFIX + group.id for group in default_screening().groups)]

Registry = dict[str, Callable[..., Any]]


# --- the registry -------------------------------------------------------------------------------------------


def test_every_domain_action_is_registered(registry: Registry, domain: dict[str, Any]) -> None:
    """Rasa fails a turn on an action the server does not have; the ask actions are made in a loop, so check all."""
    missing = [name for name in domain["actions"] if name not in registry]
    assert missing == []


@pytest.mark.parametrize("slot", FORM_SLOTS)
def test_every_form_slot_has_an_ask_action(registry: Registry, dispatcher: CollectingDispatcher, h: SimpleNamespace,
                                           intents: set[str], slot: str) -> None:
    """Each question is sent the way every channel can show it, with buttons that stand for real intents."""
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
    assert [button["payload"] for button in message["buttons"]] == [button_payload(p) for _, p in asked.buttons]
    assert all(button["payload"].startswith("/") == (p in ALLOWED_SHORTHAND)
               for button, (_, p) in zip(message["buttons"], asked.buttons, strict=True))
    for button in message["buttons"]:
        assert button["payload"][1:] in intents or not button["payload"].startswith("/")


# --- which wording ------------------------------------------------------------------------------------------


def test_each_repeat_of_a_question_is_worded_differently(h: SimpleNamespace) -> None:
    """Asking the same words again after they failed would only fail again."""
    wordings = []
    for attempts in (0, 1, 2):
        dispatcher = CollectingDispatcher()
        ask(dispatcher, "pain_score", h.tracker({"answer_attempts": attempts}))
        wordings.append(dispatcher.messages[0]["text"])
        if attempts == 2:
            assert dispatcher.messages[-1]["buttons"], "the third time offers buttons"
    assert len(set(wordings)) == 3


@pytest.mark.parametrize("slot", [slot for slot in ASSESSMENT_SLOTS if slot != "red_flags"])
@pytest.mark.parametrize("attempts,variant", [(None, FIRST), (0, FIRST), (1, AGAIN), (2, LAST), (5, LAST)])
def test_the_wording_follows_the_failed_answers(h: SimpleNamespace, slot: str, attempts: int | None,
                                                variant: str) -> None:
    """First, again, last; a count past the last wording stays on it (the form records "not sure" then)."""
    assert question_to_ask(slot, h.tracker({ATTEMPTS: attempts})) == question(slot, variant=variant)


def test_without_a_tracker_the_question_is_asked_as_first_written() -> None:
    """ask() is also used with no conversation at hand."""
    assert question_to_ask("pain_score", None) == question("pain_score")


@pytest.mark.parametrize("attempts", [1, 2])
def test_the_safety_question_is_never_reworded_by_the_failed_answers(monkeypatch: pytest.MonkeyPatch,
                                                                     h: SimpleNamespace, attempts: int) -> None:
    """Its follow-ups are the screening's own steps; a shortened safety question could leave signs out."""
    variants: list[str] = []

    def recording(slot: str, variant: str = FIRST) -> Question:
        """question(), noting which wording was asked for."""
        variants.append(variant)
        return question(slot, variant=variant)

    monkeypatch.setattr("actions.questions.question", recording)
    assert question_to_ask("red_flags", h.tracker({ATTEMPTS: attempts})) == question("red_flags")
    assert variants == [FIRST]


@pytest.mark.parametrize("step", SCREENING_STEPS)
def test_the_safety_questions_follow_up_is_asked_under_the_same_slot(h: SimpleNamespace, step: str) -> None:
    """The confirmation and the group questions are what the form asks while the safety check is open."""
    assert question_to_ask("red_flags", h.tracker({STEP: step, ATTEMPTS: 1})) == screening_question(step)


def test_a_screening_step_does_not_change_the_other_questions(h: SimpleNamespace) -> None:
    """A step left over in the slots belongs to the safety question alone."""
    tracker = h.tracker({STEP: first_emergency_group()})
    assert question_to_ask("pain_location", tracker) == question("pain_location")


def test_a_group_question_is_sent_as_text_then_prompt_with_buttons(dispatcher: CollectingDispatcher,
                                                                   h: SimpleNamespace, intents: set[str]) -> None:
    """The long group question never travels with the buttons; the prompt that does is short."""
    step = first_emergency_group()
    asked = screening_question(step)
    ask(dispatcher, "red_flags", h.tracker({STEP: step}))
    assert [message["text"] for message in dispatcher.messages] == [asked.text, asked.prompt]
    assert dispatcher.messages[0]["buttons"] == []
    assert len(dispatcher.messages[1]["text"]) <= MAX_PROMPT_LENGTH
    assert [button["title"] for button in dispatcher.messages[1]["buttons"]] == [title for title, _ in asked.buttons]
    assert all(button["payload"][1:] in intents for button in dispatcher.messages[1]["buttons"])


# --- buttons ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("intent", sorted(ALLOWED_SHORTHAND))
def test_an_intent_of_our_own_buttons_is_sent_as_shorthand(intent: str) -> None:
    """Rasa reads "/intent" as that intent without the model; the input check lets only these through."""
    assert button_payload(intent) == f"/{intent}"


@pytest.mark.parametrize("payload", ["a dull ache", "mild", "a few weeks", "describe_pain", "/affirm"])
def test_any_other_payload_is_sent_as_the_words_on_it(payload: str) -> None:
    """Other shorthand is refused by the input check, so a button must not produce it (nor a double slash)."""
    assert button_payload(payload) == payload


@pytest.mark.parametrize("slot", [slot for slot in ASSESSMENT_SLOTS
                                  if question(slot, variant=LAST).buttons and not question(slot, variant=LAST).prompt])
def test_the_last_wording_carries_its_buttons_itself(dispatcher: CollectingDispatcher, h: SimpleNamespace,
                                                     intents: set[str], slot: str) -> None:
    """The last wording is short, so it is one message with its buttons; word payloads are read as answers."""
    asked = question(slot, variant=LAST)
    ask(dispatcher, slot, h.tracker({ATTEMPTS: 2}))
    [message] = dispatcher.messages
    assert message["text"] == asked.text
    assert [button["title"] for button in message["buttons"]] == [title for title, _ in asked.buttons]
    for button, (_, payload) in zip(message["buttons"], asked.buttons, strict=True):
        if button["payload"].startswith("/"):
            assert button["payload"][1:] == payload and payload in intents
        else:
            assert button["payload"] == payload


def test_a_question_without_buttons_is_one_plain_message(dispatcher: CollectingDispatcher, h: SimpleNamespace) -> None:
    """No empty prompt line is sent after a question that has no buttons."""
    asked = question("pain_location", variant=AGAIN)
    assert not asked.buttons, "precondition: the second wording has no buttons"
    ask(dispatcher, "pain_location", h.tracker({ATTEMPTS: 1}))
    assert [(message["text"], message["buttons"]) for message in dispatcher.messages] == [(asked.text, [])]


def test_a_returning_client_hears_where_they_are_in_the_course_of_care_first(h) -> None:
    from actions.questions import AskQuestion
    from bot.treatment import course_of_care_words

    class AskConsent(AskQuestion):
        slot = "consent"

    dispatcher = CollectingDispatcher()
    tracker = h.tracker({}, [h.user_event("my second session was on monday and it's a bit better")])
    AskConsent().run(dispatcher, tracker, {})
    assert h.texts(dispatcher)[0] == course_of_care_words()["better"]
    quiet = CollectingDispatcher()
    AskConsent().run(quiet, h.tracker({}, [h.user_event("hi, my back hurts")]), {})
    assert course_of_care_words()["better"] not in h.texts(quiet)


# --- the body map ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("channel,offered",
                         [("socketio", True), ("rest", False), ("telegram", False), ("cmdline", False)])
def test_the_widget_is_offered_its_body_map_with_where_it_hurts_and_only_then(
        channel: str, offered: bool, dispatcher: CollectingDispatcher, h: SimpleNamespace) -> None:
    tracker = h.tracker({}, [h.user_event("my back hurts", channel=channel)])
    ask(dispatcher, "pain_location", tracker)
    assert dispatcher.messages[0]["text"] == question("pain_location").text
    assert (h.payloads(dispatcher) == [{"body_map": {"slot": "pain_location"}}]) is offered
    other = CollectingDispatcher()
    ask(other, "activities", h.tracker({}, [h.user_event("my back hurts", channel="socketio")]))
    assert not h.payloads(other)
