"""rasa_extensions/nlg/knowledge_wording.py: Rasa's server says knowledge-worded responses itself."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml
from rasa.core.nlg import NaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.responses import response_words
from rasa_extensions.nlg.knowledge_wording import KnowledgeWording

ROOT = Path(__file__).resolve().parents[3]
DOMAIN = Domain.load(str(ROOT / "domain.yml"))
SAID_BY_RASA = sorted(name for name in DOMAIN.responses if response_words(name) is not None)


def generate(nlg: NaturalLanguageGenerator, name: str) -> dict | None:
    tracker = DialogueStateTracker.from_events("someone", [], slots=DOMAIN.slots)
    return asyncio.run(nlg.generate(name, tracker, "rest"))


@pytest.mark.parametrize("endpoints", ["endpoints.yml", "endpoints.production.yml"])
def test_both_deployments_make_rasa_use_the_knowledge_wording(endpoints: str) -> None:
    """Without the nlg entry Rasa would say "{words}" itself: both endpoint files must name this generator."""
    config = EndpointConfig.from_dict(yaml.safe_load((ROOT / endpoints).read_text(encoding="utf-8"))["nlg"])
    assert isinstance(NaturalLanguageGenerator.create(config, DOMAIN), KnowledgeWording)


@pytest.mark.parametrize("name", SAID_BY_RASA)
def test_each_worded_response_is_said_in_the_knowledge_files_words(name: str) -> None:
    message = generate(KnowledgeWording(domain=DOMAIN), name)
    assert message is not None and message["text"] == response_words(name)


def test_rasas_own_generator_would_show_the_placeholder() -> None:
    """The reason this generator exists: the domain's text alone is only the placeholder."""
    [name, *_] = SAID_BY_RASA
    message = generate(NaturalLanguageGenerator.create(None, DOMAIN), name)
    assert message is not None and message["text"] != response_words(name)


def test_a_response_the_domain_lacks_is_none_as_with_rasas_generator() -> None:
    assert generate(KnowledgeWording(domain=DOMAIN), "utter_no_such_response") is None


def test_other_placeholders_are_still_filled_from_the_call() -> None:
    """What Rasa's template generator does for any response (a custom action's keyword values) still works."""
    domain = Domain.from_dict({"responses": {"utter_hello": [{"text": "hello {name}"}]}})
    tracker = DialogueStateTracker.from_events("someone", [])
    message = asyncio.run(KnowledgeWording(domain=domain).generate("utter_hello", tracker, "rest", name="Sam"))
    assert message is not None and message["text"] == "hello Sam"
