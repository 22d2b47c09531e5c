"""``action_ask_<slot>`` for every assessment question, worded by ``bot/questions``."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import Restarted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.questions import ASSESSMENT_SLOTS, question, reply


class AskQuestion:
    """Asks one form question; mixed into one Action per slot below (so the base is never registered)."""

    slot = ""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        ask(dispatcher, self.slot)
        return []


def ask(dispatcher: CollectingDispatcher, slot: str) -> None:
    """The question's text, then (if it has buttons) its short prompt carrying them."""
    asked = question(slot)
    dispatcher.utter_message(text=asked.text)
    if asked.buttons:
        dispatcher.utter_message(text=asked.prompt, buttons=[{"title": title, "payload": f"/{intent}"}
                                                             for title, intent in asked.buttons])


for _slot in ASSESSMENT_SLOTS:
    globals()[f"Ask_{_slot}"] = type(f"Ask_{_slot}", (AskQuestion, Action), {"slot": _slot})


class ActionStartOver(Action):
    """Overrides Rasa's default action_restart (run for the restart intent) to say so kindly."""

    def name(self) -> str:
        return "action_restart"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=reply("start_over"))
        return [Restarted()]
