"""Rasa NLU component, first in the pipeline: the models only ever read cleaned text.

It strips markup and control characters, cuts over-long messages, and disarms the
``/intent{...}`` shorthand a client could type (only the bare intents of the
assistant's own buttons pass). Its verdict travels in the parse result as
``input_check``; the vocabulary resolver turns it into a kind fallback reply unless
the message names a warning sign.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.input_check import ALLOWED_SHORTHAND, INPUT_CHECK, MAX_LENGTH, check_input


# Registered as a non-trainable extractor so it runs at prediction time only, in pipeline order.
@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class InputGuard(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"max_length": MAX_LENGTH, "allowed_shorthand": sorted(ALLOWED_SHORTHAND)}

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> InputGuard:
        return cls(config)

    def __init__(self, config: dict[str, Any]) -> None:
        self._max_length = int(config["max_length"])
        self._allowed = frozenset(config["allowed_shorthand"])

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            checked = check_input(message.get(TEXT), self._allowed, self._max_length)
            message.set(TEXT, checked.text)
            message.set(INPUT_CHECK, checked.verdict, add_to_output=True)
        return messages
