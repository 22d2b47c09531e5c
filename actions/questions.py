"""``action_ask_<slot>`` for every assessment question, worded by ``bot/questions``.

The same question is never asked the same way three times: after an answer that
could not be read it is said again in other words, then with buttons (the form
records "not sure" after that). The safety question asks its follow-ups (a
confirmation, then one group of signs at a time) under the same slot.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import ATTEMPTS, STEP, session_texts
from actions.replies import CARD_CHANNELS
from bot.body_map import PAYLOAD_INTENT
from bot.input_check import ALLOWED_SHORTHAND
from bot.questions import AGAIN, ASSESSMENT_SLOTS, FIRST, LAST, SENDING_SLOTS, Question, question, screening_question
from bot.treatment import course_of_care, read_treatment

VARIANTS = (FIRST, AGAIN, LAST)


class AskQuestion:
    """Asks one form question; mixed into one Action per slot below (so the base is never registered)."""

    slot = ""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        if self.slot == "consent" and not tracker.get_slot(ATTEMPTS):
            # A returning client opening with how the last sessions went ("my second session was on
            # Monday and it's a bit better") hears where they are in a course of care first.
            told = course_of_care(read_treatment(session_texts(tracker)))
            if told:
                dispatcher.utter_message(text=told)
        ask(dispatcher, self.slot, tracker)
        return []


def question_to_ask(slot: str, tracker: Tracker | None) -> Question:
    """The wording for this turn: the safety check's follow-up, or the question as first, again or last asked."""
    slots = tracker.slots if tracker is not None else {}
    if slot == "red_flags" and slots.get(STEP):
        return screening_question(slots[STEP])
    attempts = slots.get(ATTEMPTS) or 0
    variant = VARIANTS[min(int(attempts), len(VARIANTS) - 1)] if slot != "red_flags" else FIRST
    return question(slot, variant=variant)


def button_payload(payload: str) -> str:
    """An intent of the assistant's own buttons travels as "/intent"; any other payload as plain words."""
    return f"/{payload}" if payload in ALLOWED_SHORTHAND else payload


def buttons_of(pairs: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    """(title, payload) pairs of the knowledge files as the channels' buttons."""
    return [{"title": title, "payload": button_payload(payload)} for title, payload in pairs]


def ask(dispatcher: CollectingDispatcher, slot: str, tracker: Tracker | None = None) -> None:
    """The question for this turn (first, again or last asked)."""
    say_question(dispatcher, question_to_ask(slot, tracker))
    if slot == "pain_location" and tracker is not None and tracker.get_latest_input_channel() in CARD_CHANNELS:
        # The website widget offers its body map beside the text answer (bot/body_map.py).
        dispatcher.utter_message(json_message={PAYLOAD_INTENT: {"slot": slot}})


def say_question(dispatcher: CollectingDispatcher, asked: Question) -> None:
    """The question's text, then (if it has buttons) its short prompt carrying them."""
    buttons = buttons_of(asked.buttons)
    if buttons and asked.prompt:
        dispatcher.utter_message(text=asked.text)
        dispatcher.utter_message(text=asked.prompt, buttons=buttons)
    else:
        dispatcher.utter_message(text=asked.text, buttons=buttons or None)


for _slot in (*ASSESSMENT_SLOTS, *SENDING_SLOTS):
    globals()[f"Ask_{_slot}"] = type(f"Ask_{_slot}", (AskQuestion, Action), {"slot": _slot})
