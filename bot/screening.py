"""Whether an answer to the safety check really says "none of these".

The language model sorts every message into some intent, so nonsense can come
out as a "no". Before a client is screened clear of every warning sign, their own
words must say so: at least one of ``all_clear_words`` in ``red_flags.yml``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from bot.knowledge import KNOWLEDGE_DIR, KnowledgeError

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


@lru_cache(maxsize=1)
def all_clear_words(path: Path = KNOWLEDGE_DIR / "red_flags.yml") -> frozenset[str]:
    words = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("all_clear_words")
    if not words:
        raise KnowledgeError("red_flags.yml: 'all_clear_words' is missing or empty")
    if not all(isinstance(word, str) for word in words):
        # YAML reads a bare no as false: the word must be quoted.
        raise KnowledgeError('red_flags.yml: every all_clear_words entry must be text (write "no" in quotes)')
    return frozenset(str(word).casefold() for word in words)


def says_none_apply(text: str | None) -> bool:
    """True when the client's words deny the warning signs, not merely when a model guessed so."""
    for word in _WORD.findall((text or "").casefold()):
        word = word.replace("’", "'")
        if word in all_clear_words() or word.endswith("n't"):
            return True
    return False
