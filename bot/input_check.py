"""First look at what a client typed, before any model reads it.

Clients paste, mistype and probe: empty messages, emoji, another language, HTML,
novels, control characters, and Rasa's ``/intent{"entity": "value"}`` shorthand
(which would otherwise force an intent and slot values at full confidence). This
module cleans the text the language models see and gives a verdict the assistant
answers kindly. Warning signs still win over any verdict (``bot.entities``).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass

from bot.body_map import PAYLOAD_INTENT, payload_words

# Where the verdict travels in the parse result, from the NLU guard to the actions.
INPUT_CHECK = "input_check"
MAX_LENGTH = 1000
# Payloads of the assistant's own quick-reply buttons: a bare intent, never entities
# (the body map's zones are the one payload with content: bot.body_map checks them).
ALLOWED_SHORTHAND = frozenset({"affirm", "deny", "dont_know", "greet", "request_human", "restart", "send_to_clinic"})

EMPTY = "empty"
NO_WORDS = "no_words"
OTHER_LANGUAGE = "other_language"
TOO_LONG = "too_long"
SHORTHAND = "shorthand"
VERDICTS = (EMPTY, NO_WORDS, OTHER_LANGUAGE, TOO_LONG, SHORTHAND)

TAG = re.compile(r"<[^>]{0,200}>")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff]")
SPACES = re.compile(r"\s+")
SHORTHAND_FORM = re.compile(r"^/(\w+)(.*)$", re.DOTALL)
WORDS = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
# Below this share of English words, with nothing about back pain recognised, the message
# is taken for another language ("me duele la espalda"); typos alone stay well above it.
MIN_ENGLISH_SHARE = 0.4
MIN_WORDS_FOR_LANGUAGE = 3
FOREIGN_GREETINGS = frozenset({
    "hola", "bonjour", "bonsoir", "salut", "hallo", "guten", "ciao", "buongiorno", "buonasera", "olá", "ola",
    "oi", "merhaba", "namaste", "salaam", "salam", "shalom", "privet", "cześć", "czesc", "dzień", "ahoj",
    "hej", "hei", "moi", "gracias", "merci", "danke", "grazie", "obrigado", "obrigada", "dziękuję",
})


@dataclass(frozen=True)
class InputCheck:
    """The text the models should read, and what (if anything) is wrong with the original."""

    text: str
    verdict: str | None = None


def clean(text: str) -> str:
    """Text without markup, control characters or runs of white space."""
    text = html.unescape(TAG.sub(" ", text))
    text = CONTROL.sub(" ", unicodedata.normalize("NFC", text))
    return SPACES.sub(" ", text).strip()


def _latin_share(text: str) -> float:
    letters = [char for char in text if char.isalpha()]
    if not letters:
        return 1.0
    return sum(unicodedata.name(char, "").startswith("LATIN") for char in letters) / len(letters)


def check_input(text: str | None, allowed_shorthand: Collection[str] = ALLOWED_SHORTHAND,
                max_length: int = MAX_LENGTH) -> InputCheck:
    """Clean ``text`` and say whether it can be read as a message in English.

    Only what needs no model is decided here; whether words are English is decided
    later by :func:`language_verdict`, once the vocabulary has had its say.
    """
    raw = text or ""
    shorthand = SHORTHAND_FORM.match(raw.strip())
    if shorthand and shorthand.group(1) in allowed_shorthand and not shorthand.group(2).strip():
        return InputCheck(f"/{shorthand.group(1)}")
    if shorthand and shorthand.group(1) == PAYLOAD_INTENT:
        # The widget's body map: only zone keys of the map pass, and as the zones' names in words.
        words = payload_words(shorthand.group(2).strip())
        if words:
            return InputCheck(words)
    cleaned = clean(raw)
    if shorthand:
        # Read as plain words, so a typed '/deny{"red_flags": "none"}' cannot clear the screening.
        return InputCheck(clean(raw.strip()[1:])[:max_length], SHORTHAND)
    if not cleaned:
        return InputCheck("", EMPTY)
    if len(cleaned) > max_length:
        return InputCheck(cleaned[:max_length], TOO_LONG)
    if not any(char.isalnum() for char in cleaned):
        return InputCheck(cleaned, NO_WORDS)
    if _latin_share(cleaned) < 0.5:
        return InputCheck(cleaned, OTHER_LANGUAGE)
    return InputCheck(cleaned)


def language_verdict(text: str, is_english: Callable[[str], bool]) -> str | None:
    """``OTHER_LANGUAGE`` when too few of the words are English, else None.

    Call only for a message in which nothing about back pain was recognised.
    """
    words = [word.lower() for word in WORDS.findall(text)]
    if len(words) < MIN_WORDS_FOR_LANGUAGE:
        return OTHER_LANGUAGE if words and words[0] in FOREIGN_GREETINGS else None
    english = sum(1 for word in words if is_english(word))
    return OTHER_LANGUAGE if english / len(words) < MIN_ENGLISH_SHARE else None
