"""FAQ answers come from knowledge/faq.yml, one per retrieval key, with the warning signs drawn from the data."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.clinic import Clinic
from bot.faq import faq_answer, faq_answers
from bot.knowledge import KnowledgeError, default_knowledge
from bot.responses import WORDS

ROOT = Path(__file__).resolve().parents[2]


def retrieval_keys() -> set[str]:
    """The faq/<key> intents the response selector is trained on (data/faq.yml)."""
    nlu = yaml.safe_load((ROOT / "data" / "faq.yml").read_text(encoding="utf-8"))["nlu"]
    return {block["intent"].split("/", 1)[1] for block in nlu if str(block.get("intent", "")).startswith("faq/")}


def test_every_question_the_selector_knows_has_an_answer_and_no_answer_is_orphaned() -> None:
    assert set(faq_answers()) == retrieval_keys()


def test_the_domain_declares_one_response_per_answer_and_keeps_no_wording() -> None:
    responses = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
    declared = {key.split("/", 1)[1]: value for key, value in responses.items() if key.startswith("utter_faq/")}
    assert set(declared) == set(faq_answers())
    assert all(value == [{"text": "{" + WORDS + "}"}] for value in declared.values())


def test_the_safety_answer_lists_every_warning_sign_and_the_clinics_number() -> None:
    clinic = Clinic(name="Sunrise Bodywork", emergency_number="000")
    answer = faq_answer("faq/massage_safety", clinic=clinic)
    assert answer is not None
    for flag in default_knowledge().red_flags.values():
        assert flag.ask in answer
    for reason in default_knowledge().doctor_first["reasons"].values():
        assert reason in answer
    assert "call 000" in answer
    assert "{" not in answer


@pytest.mark.parametrize("key", [None, "", "massage_safety", "faq/no_such_answer", "chitchat/massage_safety"])
def test_anything_but_a_known_faq_key_has_no_answer(key: str | None) -> None:
    assert faq_answer(key) is None


def test_a_misspelt_placeholder_is_refused_at_load(tmp_path: Path) -> None:
    (tmp_path / "faq.yml").write_text("answers:\n  evidence: Call {emergency_numbr}.\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="emergency_numbr"):
        faq_answers.__wrapped__(tmp_path)


def test_an_answer_must_be_text(tmp_path: Path) -> None:
    (tmp_path / "faq.yml").write_text("answers:\n  evidence: [a, b]\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="must be text"):
        faq_answers.__wrapped__(tmp_path)
