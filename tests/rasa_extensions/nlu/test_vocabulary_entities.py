"""The vocabulary resolver, after DIET: canonical entities, negation, and warning signs that always win."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.utils.common import override_defaults

from bot.input_check import EMPTY, INPUT_CHECK, OTHER_LANGUAGE, SHORTHAND
from rasa_extensions.nlu.input_guard import InputGuard
from rasa_extensions.nlu.vocabulary_entities import FALLBACK_INTENT, VocabularyEntityResolver

EXTRACTOR = "VocabularyEntityResolver"


def build(component: type, storage: Path) -> Any:
    """Built as Rasa's graph builds a component: the defaults overridden by config.yml's settings, then ``create``."""
    return component.create(override_defaults(component.get_default_config(), {}), LocalModelStorage(storage),
                            Resource(f"run_{component.__name__}"), ExecutionContext(GraphSchema({}), "test-model"))


@pytest.fixture(scope="module")
def resolver(tmp_path_factory: pytest.TempPathFactory) -> VocabularyEntityResolver:
    return build(VocabularyEntityResolver, tmp_path_factory.mktemp("model"))


@pytest.fixture(scope="module")
def guard(tmp_path_factory: pytest.TempPathFactory) -> InputGuard:
    return build(InputGuard, tmp_path_factory.mktemp("model"))


def parsed(text: str, intent: str | None, confidence: float = 0.9, ranking: dict[str, float] | None = None,
           entities: list[dict[str, Any]] | None = None) -> Message:
    """A message as DIET leaves it: an intent, its ranking and (perhaps) entity spans."""
    ranking = ranking or ({intent: confidence} if intent else {})
    return Message(data={"text": text, "intent": {"name": intent, "confidence": confidence} if intent else None,
                         "intent_ranking": [{"name": name, "confidence": value} for name, value in ranking.items()],
                         "entities": entities or []})


def found(message: Message) -> list[tuple[str, str, str | None]]:
    return [(e["entity"], e["value"], e.get("role")) for e in message.get("entities")]


def ranking(message: Message) -> list[tuple[str, float]]:
    return [(item["name"], item["confidence"]) for item in message.get("intent_ranking")]


def test_it_runs_at_prediction_only_as_config_yml_names_it() -> None:
    registered = DefaultV1Recipe._from_registry("rasa_extensions.nlu.vocabulary_entities.VocabularyEntityResolver")
    assert registered.clazz is VocabularyEntityResolver and not registered.is_trainable


def test_a_warning_sign_wins_over_any_intent_and_the_overruled_one_leaves_the_ranking(
        resolver: VocabularyEntityResolver) -> None:
    """Otherwise the fallback classifier would see two near-certain intents and call the message ambiguous."""
    [message] = resolver.process([parsed("my lower back hurts and I cannot control my bladder", "describe_pain",
                                         0.95, {"describe_pain": 0.95, "report_red_flag": 0.04, "greet": 0.01})])
    assert message.get("intent") == {"name": "report_red_flag", "confidence": 1.0}
    assert ranking(message) == [("report_red_flag", 1.0), ("greet", 0.01)]
    assert found(message) == [("pain_location", "low_back_both_sides", None), ("red_flag", "bladder_bowel", None)]
    assert {e["extractor"] for e in message.get("entities")} == {EXTRACTOR}
    assert {"intent", "intent_ranking", "entities"} <= message.output_properties


def test_warning_signs_all_denied_are_an_all_clear(resolver: VocabularyEntityResolver) -> None:
    [message] = resolver.process([parsed("no fever and my bladder is fine", "report_red_flag", 0.6,
                                         {"report_red_flag": 0.6, "deny": 0.3, "affirm": 0.1})])
    assert message.get("intent") == {"name": "deny", "confidence": 0.9}
    assert ranking(message) == [("deny", 0.9), ("affirm", 0.1)]
    assert found(message) == [("red_flag", "fever", "negated"), ("red_flag", "bladder_bowel", "negated")]


def test_an_intent_with_nothing_to_overrule_is_left_as_diet_gave_it(resolver: VocabularyEntityResolver) -> None:
    [message] = resolver.process([parsed("I lifted a heavy box and now my lower back hurts", "describe_activity",
                                         0.8, {"describe_activity": 0.8, "describe_pain": 0.2})])
    assert message.get("intent") == {"name": "describe_activity", "confidence": 0.8}
    assert ranking(message) == [("describe_activity", 0.8), ("describe_pain", 0.2)]
    assert ("pain_location", "low_back_both_sides", None) in found(message)
    assert ("activity", "lifting", None) in found(message)


def test_diets_spans_become_canonical_values_in_text_order(resolver: VocabularyEntityResolver) -> None:
    text = "since yesterday the pain in my lower back is bad"
    spans = [{"entity": "pain_location", "value": "lower back", "start": 30, "end": 40, "extractor": "DIETClassifier"},
             {"entity": "duration", "value": "since yesterday", "start": 0, "end": 15, "extractor": "DIETClassifier"}]
    [message] = resolver.process([parsed(text, "describe_pain", entities=spans)])
    entities = message.get("entities")
    assert [(e["entity"], e["value"]) for e in entities] == [("duration", "since yesterday"),
                                                              ("pain_location", "low_back_both_sides")]
    assert [e["start"] for e in entities] == sorted(e["start"] for e in entities)
    assert {e["extractor"] for e in entities} == {EXTRACTOR}


def test_small_talk_keeps_no_assessment_entities(resolver: VocabularyEntityResolver) -> None:
    """ "gotta run, bye" is a goodbye, not an activity."""
    run = {"entity": "activity", "value": "running", "start": 6, "end": 9, "extractor": "DIETClassifier"}
    [message] = resolver.process([parsed("gotta run, bye", "goodbye", entities=[run])])
    assert message.get("entities") == [] and message.get("intent")["name"] == "goodbye"


@pytest.mark.parametrize(("text", "verdict"), [("", EMPTY), ("me duele mucho la espalda hoy", OTHER_LANGUAGE),
                                               ("hola", OTHER_LANGUAGE)])
def test_unreadable_input_becomes_the_fallback_with_its_verdict(
        guard: InputGuard, resolver: VocabularyEntityResolver, text: str, verdict: str) -> None:
    [message] = resolver.process(guard.process([parsed(text, "describe_pain", 0.7)]))
    assert message.get("intent") == {"name": FALLBACK_INTENT, "confidence": 1.0}
    assert ranking(message) == [(FALLBACK_INTENT, 1.0)]
    assert message.get("entities") == []
    assert message.as_dict(only_output_properties=True)[INPUT_CHECK] == verdict


def test_typed_shorthand_is_a_fallback_unless_it_names_a_warning_sign(
        guard: InputGuard, resolver: VocabularyEntityResolver) -> None:
    """Guard then resolver, as in config.yml: a typed "/deny{...}" cannot clear the screening, nor hide a sign."""
    plain, with_sign = resolver.process(guard.process([
        parsed('/deny{"red_flags": "none"}', "deny", 0.99),
        parsed('/deny{"red_flags": "none"} but I cannot control my bladder', "deny", 0.99)]))
    assert plain.get("intent") == {"name": FALLBACK_INTENT, "confidence": 1.0}
    assert plain.get(INPUT_CHECK) == SHORTHAND
    assert with_sign.get("intent") == {"name": "report_red_flag", "confidence": 1.0}
    assert found(with_sign) == [("red_flag", "bladder_bowel", None)]


def test_the_assistants_own_button_intents_pass_untouched(guard: InputGuard,
                                                          resolver: VocabularyEntityResolver) -> None:
    [message] = resolver.process(guard.process([parsed("/affirm", "affirm", 1.0)]))
    assert message.get("intent") == {"name": "affirm", "confidence": 1.0}
    assert message.get("entities") == [] and message.get(INPUT_CHECK) is None
