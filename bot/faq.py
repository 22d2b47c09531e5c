"""Answers to the questions clients ask most, from ``knowledge/faq.yml``.

Rasa's response selector picks which question it was (``faq/<key>``); the answer's
wording lives in the knowledge file, with the clinic's number and the warning
signs filled in from the same data the check itself uses, so a sign edited in
red_flags.yml changes the answer too.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from bot.clinic import Clinic, default_clinic
from bot.knowledge import KNOWLEDGE_DIR, Knowledge, KnowledgeError, default_knowledge, read_knowledge_file
from bot.questions import fill

FAQ_FILE = "faq.yml"
RETRIEVAL_PREFIX = "faq/"


@lru_cache(maxsize=1)
def faq_answers(directory: Path = KNOWLEDGE_DIR) -> dict[str, str]:
    """Every answer, checked at load: text, and only placeholders that can be filled."""
    answers = read_knowledge_file(FAQ_FILE, directory).get("answers")
    if not isinstance(answers, dict) or not answers:
        raise KnowledgeError(f"{FAQ_FILE}: missing 'answers'")
    for key, text in answers.items():
        if not isinstance(text, str) or not text.strip():
            raise KnowledgeError(f"{FAQ_FILE}: answers.{key} must be text")
        try:
            fill(text, default_knowledge(), default_clinic())
        except (KeyError, IndexError, ValueError) as error:
            raise KnowledgeError(f"{FAQ_FILE}: answers.{key}: unknown placeholder {error}") from error
    return dict(answers)


def faq_answer(response_key: str | None, knowledge: Knowledge | None = None,
               clinic: Clinic | None = None) -> str | None:
    """The answer for ``faq/<key>`` (the response selector's ``intent_response_key``); None if there is none."""
    if not response_key or not response_key.startswith(RETRIEVAL_PREFIX):
        return None
    text = faq_answers().get(response_key[len(RETRIEVAL_PREFIX):])
    if text is None:
        return None
    return fill(text, knowledge or default_knowledge(), clinic or default_clinic()).strip()
