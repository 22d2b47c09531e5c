"""Rasa NLU component: canonical entities, negation and the red-flag override.

Runs after DIET. DIET finds spans in wordings no list covers; this component
turns every span into a canonical value of ``bot/knowledge`` (or drops it), adds
what the spaCy vocabulary matcher finds that DIET missed, marks negated
mentions with the role ``negated``, and makes a warning sign that is not negated
win over any other intent, so safety never depends on a classifier's mood.
Input the guard found unreadable (or words that are not English) becomes the
fallback intent, with the guard's verdict, unless it names a warning sign.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    INTENT,
    INTENT_RANKING_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.entities import FALLBACK_INTENT, RED_FLAG_INTENT, guarded_verdict, resolve_entities, safety_intent
from bot.input_check import INPUT_CHECK
from bot.language import default_matcher
from bot.treatment import course_of_care_intent


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class VocabularyEntityResolver(GraphComponent, EntityExtractorMixin):
    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> VocabularyEntityResolver:
        return cls()

    def __init__(self) -> None:
        self._matcher = default_matcher()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):
                continue
            intent = message.get(INTENT) or {}
            entities = resolve_entities(text, message.get(ENTITIES, []), self._matcher, self.name,
                                        intent.get("name"), float(intent.get("confidence") or 0.0)) if text else []
            verdict = guarded_verdict(message.get(INPUT_CHECK), text, entities, self._matcher.is_english)
            if verdict:
                self._fall_back(message, verdict)
                continue
            message.set(ENTITIES, sorted(entities, key=lambda e: (e[ENTITY_ATTRIBUTE_START],
                                                                     e[ENTITY_ATTRIBUTE_END])), add_to_output=True)
            self._override_intent(message, entities)
        return messages

    @staticmethod
    def _fall_back(message: Message, verdict: str) -> None:
        """Unreadable input gets the misunderstanding reply that fits it, and sets nothing."""
        message.set(INPUT_CHECK, verdict, add_to_output=True)
        message.set(ENTITIES, [], add_to_output=True)
        message.set(INTENT, {"name": FALLBACK_INTENT, "confidence": 1.0}, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [{"name": FALLBACK_INTENT, "confidence": 1.0}], add_to_output=True)

    @staticmethod
    def _override_intent(message: Message, entities: list[dict[str, Any]]) -> None:
        intent = message.get(INTENT) or {}
        ranking_names = [item.get("name") for item in message.get(INTENT_RANKING_KEY) or []]
        new_name: str | None = safety_intent(intent.get("name"), entities, message.get(TEXT) or "", ranking_names) \
            or course_of_care_intent(intent.get("name"), message.get(TEXT) or "")
        if not new_name or new_name == intent.get("name"):
            return
        # The overruled intent leaves the ranking too, or the fallback classifier would see two
        # near-certain intents and call the message ambiguous.
        overruled = {new_name, intent.get("name")}
        ranking = [item for item in message.get(INTENT_RANKING_KEY) or [] if item.get("name") not in overruled]
        confidence = 1.0 if new_name == RED_FLAG_INTENT else max(intent.get("confidence", 0.0), 0.9)
        message.set(INTENT, {"name": new_name, "confidence": confidence}, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [{"name": new_name, "confidence": confidence}] + ranking,
                    add_to_output=True)
