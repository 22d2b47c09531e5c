"""bot/responses.py: which knowledge wording each of Rasa's own responses stands for."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.faq import faq_answer
from bot.questions import reply, reply_keys
from bot.responses import UNKNOWN_ANSWER, WORDS, response_words

ROOT = Path(__file__).resolve().parents[2]
RESPONSES = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
WORDED = sorted(name for name, variants in RESPONSES.items() if any(WORDS in v.get("text", "") for v in variants))


def test_the_domain_words_its_faq_answers_and_small_talk_from_the_knowledge() -> None:
    """Every FAQ answer and the four small-talk replies are knowledge-worded (the rules say them)."""
    assert {name for name in RESPONSES if name.startswith("utter_faq/")} <= set(WORDED)
    assert {"utter_goodbye", "utter_you_are_welcome", "utter_not_a_person", "utter_out_of_scope"} <= set(WORDED)


@pytest.mark.parametrize("name", WORDED)
def test_every_worded_response_of_the_domain_has_its_words(name: str) -> None:
    """A "{words}" response with nothing behind it would show the client a bare placeholder."""
    words = response_words(name)
    assert words and "{" not in words and words != reply(UNKNOWN_ANSWER)


@pytest.mark.parametrize("name", WORDED)
def test_the_words_are_the_knowledge_files_own(name: str) -> None:
    key = name[len("utter_"):]
    assert response_words(name) == (faq_answer(key) if key.startswith("faq/") else reply(key))


def test_an_answer_faq_yml_lacks_is_the_misunderstood_reply_never_an_empty_message() -> None:
    assert response_words("utter_faq/no_such_question") == reply(UNKNOWN_ANSWER)


@pytest.mark.parametrize("name", ["utter_ask_anything", "utter_", "goodbye", "action_say_goodbye", ""])
def test_names_that_are_not_knowledge_worded_responses_get_nothing(name: str) -> None:
    assert response_words(name) is None


def test_every_reply_key_is_a_possible_response() -> None:
    assert all(response_words(f"utter_{key}") == reply(key) for key in reply_keys())
