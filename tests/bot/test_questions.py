"""The form's questions, rendered from knowledge/questions.yml, against the Rasa domain."""

from pathlib import Path

import pytest
import yaml

from bot.answers import READERS, read_screening
from bot.clinic import Clinic
from bot.knowledge import KNOWLEDGE_DIR, KnowledgeError
from bot.language import default_matcher
from bot.questions import ASSESSMENT_SLOTS, FIRST, LAST, _raw, question, reply

DOMAIN = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text(encoding="utf-8"))
FORM_SLOTS = DOMAIN["forms"]["assessment_form"]["required_slots"]
INTENTS = {intent if isinstance(intent, str) else next(iter(intent)) for intent in DOMAIN["intents"]}

TEST_CLINIC = Clinic(name="Sunrise Bodywork", emergency_number="000")


def test_form_slots_are_the_assessment_slots_in_order():
    assert list(ASSESSMENT_SLOTS) == FORM_SLOTS


@pytest.mark.parametrize("slot", FORM_SLOTS)
def test_every_form_slot_has_a_filled_in_question(knowledge, slot):
    text = question(slot, knowledge, TEST_CLINIC).text
    assert text.strip()
    assert "{" not in text and "}" not in text


def test_consent_question_names_the_clinic_emergency_number_and_disclaimer(knowledge):
    text = question("consent", knowledge, TEST_CLINIC).text
    assert "Sunrise Bodywork" in text
    assert "000" in text
    assert "911" not in text
    disclaimer = " ".join(knowledge.messages["disclaimer"].format(emergency_number="000",
                                                                 clinic_name="Sunrise Bodywork").split())
    assert disclaimer in text


def test_consent_question_defaults_to_the_shipped_clinic(knowledge):
    from bot.clinic import default_clinic

    clinic = default_clinic()
    text = question("consent").text
    assert clinic.name in text
    assert clinic.emergency_number in text


def test_red_flag_question_lists_every_red_flag(knowledge):
    text = question("red_flags", knowledge, TEST_CLINIC).text
    lines = text.splitlines()
    for flag in knowledge.red_flags.values():
        assert f"- {flag.ask}" in lines, flag.value
    assert sum(line.startswith("- ") for line in lines) == len(knowledge.red_flags)


@pytest.mark.parametrize("slot", FORM_SLOTS)
def test_buttons_carry_domain_intents_or_plain_words(knowledge, slot):
    """An intent a button sends must exist; other payloads travel as words ("yes, it helped")."""
    for title, payload in question(slot, knowledge, TEST_CLINIC).buttons:
        assert title.strip()
        plain_words = " " in payload and not payload.startswith("/") and "{" not in payload
        assert payload in INTENTS or plain_words, f"{slot}: button {title!r} sends unknown intent {payload!r}"


@pytest.mark.parametrize("slot,intents", [
    ("consent", {"affirm", "deny"}),
    ("red_flags", {"affirm", "deny", "dont_know"}),
    ("inflammation", {"affirm", "deny", "dont_know"}),
])
def test_yes_no_questions_offer_their_answers_as_buttons(knowledge, slot, intents):
    assert {intent for _, intent in question(slot, knowledge, TEST_CLINIC).buttons} == intents


@pytest.mark.parametrize("slot", FORM_SLOTS)
@pytest.mark.parametrize("variant", [FIRST, LAST])
def test_every_button_is_an_answer_the_form_reads(knowledge, slot, variant):
    """A button is only useful if the form's reader (bot.answers) takes its click for an answer."""
    for title, payload in question(slot, knowledge, TEST_CLINIC, variant=variant).buttons:
        intent, text = (payload, f"/{payload}") if payload in INTENTS else ("describe_pain", payload)
        if slot == "red_flags":
            assert read_screening(text, intent, [])[0] in ("clear", "yes", "unsure"), title
            continue
        found = [{"entity": m.entity, "value": m.value} for m in default_matcher().find(text) if not m.negated]
        reading = READERS[slot](text, intent, found)
        assert reading.kind in ("answer", "unknown"), f"{slot}: button {title!r} is not read as an answer"


@pytest.mark.parametrize("key", ["no_consent", "start_over"])
def test_fixed_replies_exist(key):
    assert reply(key).strip()


def test_a_question_with_buttons_needs_a_short_prompt(tmp_path):
    source = yaml.safe_load((KNOWLEDGE_DIR / "questions.yml").read_text())
    source["questions"]["inflammation"]["prompt"] = "x" * 71
    path = tmp_path / "questions.yml"
    path.write_text(yaml.safe_dump(source))
    with pytest.raises(KnowledgeError, match="inflammation has buttons"):
        _raw.__wrapped__(tmp_path)
