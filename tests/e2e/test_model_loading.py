"""The trained model, loaded without Rasa's training step, answers exactly as with Rasa's own loading.

Every held-out message is parsed by both: same intents, same confidences, same entities.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa.core.agent import load_agent
from rasa.core.channels import UserMessage
from rasa.shared.nlu.training_data.loading import load_data
from rasa.utils.tensorflow.models import RasaModel

from rasa_extensions.speedups import model_loading
from tests.e2e.conftest import ROOT

MODEL = ROOT / "models" / "backpain.tar.gz"
HOLDOUT = ROOT / "tests" / "nlu" / "holdout.yml"


def parse_all(loader: Any, texts: list[str]) -> list[dict[str, Any]]:
    original = RasaModel.load
    RasaModel.load = classmethod(loader)
    try:
        agent = asyncio.run(load_agent(model_path=str(MODEL)))
    finally:
        RasaModel.load = original

    async def parse(text: str) -> dict[str, Any]:
        data = await agent.processor.parse_message(UserMessage(text))
        return {"intent": [(i["name"], i["confidence"]) for i in data["intent_ranking"]],
                "entities": [(e["entity"], e.get("value"), e["start"], e["end"], e.get("role"))
                             for e in data["entities"]]}

    return [asyncio.run(parse(text)) for text in texts]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does it) first")
    return [message.get("text") for message in load_data(str(HOLDOUT)).training_examples]


def test_both_loadings_parse_every_held_out_message_alike(texts):
    ours = parse_all(model_loading.load_for_prediction, texts)
    rasas = parse_all(model_loading.rasa_own_load, texts)
    assert len(texts) > 300
    for text, mine, theirs in zip(texts, ours, rasas, strict=True):
        assert mine["entities"] == theirs["entities"], text
        assert [name for name, _ in mine["intent"]] == [name for name, _ in theirs["intent"]], text
        assert [c for _, c in mine["intent"]] == pytest.approx([c for _, c in theirs["intent"]], abs=1e-6), text
