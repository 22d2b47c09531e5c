"""The wording of the responses Rasa says itself: FAQ answers and the small-talk replies.

domain.yml declares these responses (Rasa's rules and its retrieval intent need their
names) with the text ``{words}`` only; the wording is in ``knowledge/faq.yml`` and
``knowledge/questions.yml``. Rasa's server fills it in-process
(``rasa_extensions/nlg``), so answering a question needs no call to the action
server, whose cost grows with the length of the conversation it is sent.
"""

from __future__ import annotations

from bot.faq import RETRIEVAL_PREFIX, faq_answer
from bot.questions import reply, reply_keys

RESPONSE_PREFIX = "utter_"
WORDS = "words"
"""The one placeholder of a knowledge-worded response in domain.yml."""
UNKNOWN_ANSWER = "misunderstood"
"""What is said when the response selector names an answer faq.yml does not have."""


def response_words(response: str) -> str | None:
    """The client-facing text of ``utter_faq/<key>`` or ``utter_<reply key>``; None for any other response."""
    if not response.startswith(RESPONSE_PREFIX):
        return None
    name = response[len(RESPONSE_PREFIX):]
    if name.startswith(RETRIEVAL_PREFIX):
        return faq_answer(name) or reply(UNKNOWN_ANSWER)
    if name in reply_keys():
        return reply(name)
    return None
