"""The response selector only runs for messages whose intent is the retrieval intent."""

from __future__ import annotations

from typing import Any

from rasa.shared.nlu.training_data.message import Message

from rasa_extensions.nlu.faq_selector import FaqOnlyResponseSelector


class Recorded(FaqOnlyResponseSelector):
    """The real class with Rasa's prediction replaced by a record of what reached it."""

    def __init__(self, retrieval_intent: str | None) -> None:  # no model: only the routing is under test
        self.retrieval_intent = retrieval_intent
        self.predicted: list[str] = []

    def _predict(self, message: Message) -> Any:
        self.predicted.append(message.get("text"))
        raise StopIteration  # the routing is what matters; Rasa's own selection is not re-tested


def message(text: str, intent: str | None) -> Message:
    return Message(data={"text": text, "intent": {"name": intent, "confidence": 0.9} if intent else None})


def run(selector: Recorded, messages: list[Message]) -> list[str]:
    try:
        selector.process(messages)
    except StopIteration:
        pass
    return selector.predicted


def test_other_intents_skip_the_selector_and_stay_unchanged():
    selector = Recorded("faq")
    messages = [message("about a 6", "give_pain_score"), message("3 weeks", "give_duration"), message("hmm", None)]
    assert run(selector, messages) == []
    assert all("response_selector" not in m.data for m in messages)


def test_faq_messages_reach_the_selector():
    selector = Recorded("faq")
    assert run(selector, [message("about a 6", "give_pain_score"), message("is massage safe?", "faq")]) == [
        "is massage safe?"]


def test_without_a_retrieval_intent_every_message_is_selected_as_in_rasa():
    selector = Recorded(None)
    assert run(selector, [message("about a 6", "give_pain_score")]) == ["about a 6"]
