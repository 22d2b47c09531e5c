"""Send an assessment result to the client, in the shape their channel can show."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import wants_payload
from bot.questions import reply
from bot.summary import summary_messages

# The website widget draws the whole result as a card; the same words as text above
# it would say everything twice.
CARD_CHANNELS = ("socketio",)


def send_result(dispatcher: CollectingDispatcher, tracker: Tracker, result: dict[str, Any],
                safety_only: bool = False) -> None:
    messages = summary_messages(result)
    if safety_only:
        # Urgent and emergency advice is always sent as text too, whatever the channel draws.
        messages = [messages[0] + "\n\n" + result["disclaimer"]]
    elif tracker.get_latest_input_channel() in CARD_CHANNELS:
        messages = [reply("result_lead")]
    for text in messages:
        dispatcher.utter_message(text=text)
    if wants_payload(tracker):
        dispatcher.utter_message(json_message={"assessment": result})
