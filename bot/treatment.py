"""What the client says of treatment already had for this pain: how many sessions, and whether it helped.

The seed articles' course of care: most spasms need about four sessions over six
weeks; no change after two sessions of neuromuscular therapy means it may not be the
best option (suggestion ``no_change_after_two_sessions``); a spasm that does not let
go under the therapist's pressure usually means inflammation (reason
``spasm_not_releasing``: see a doctor first). Clients say this in passing, in any
message ("I've had two massages for this and it's no better"), so every message of
the conversation is read with the phrases of ``knowledge/treatment.yml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.entities import QUESTION
from bot.knowledge import KNOWLEDGE_DIR, KnowledgeError, read_knowledge_file
from bot.numbers import EXACT_NUMBER_WORDS

TREATMENT_FILE = "treatment.yml"
CHANGES = ("no_change", "worse", "better")
UNKNOWN = "unknown"
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
            "fifth": 5, "5th": 5, "sixth": 6, "6th": 6}
VAGUE_COUNTS = {"a couple of": 2, "couple of": 2, "a couple": 2, "a few": 3, "few": 3, "several": 3, "a": 1, "an": 1,
                "one": 1}
_SENTENCES = re.compile(r"[^.!?;\n]+[.!?;\n]*")



@dataclass(frozen=True)
class PreviousTreatment:
    sessions: int | None = None
    change: str = UNKNOWN
    spasm_not_releasing: bool = False

    @property
    def told(self) -> bool:
        return self.sessions is not None or self.change != UNKNOWN or self.spasm_not_releasing

    @property
    def no_change_after_two_sessions(self) -> bool:
        """The seed's rule: two sessions or more and nothing better (no change, or worse)."""
        return self.sessions is not None and self.sessions >= 2 and self.change in ("no_change", "worse")

    def as_dict(self) -> dict[str, object]:
        return {"sessions": self.sessions, "change": self.change}


def _alternatives(phrases: Iterable[str]) -> str:
    return "|".join(re.escape(p).replace(r"\ ", r"\s+").replace("'", "['’]?") for p in
                    sorted(phrases, key=len, reverse=True))


@dataclass(frozen=True)
class TreatmentPhrases:
    treatments: re.Pattern[str]
    counted: re.Pattern[str]
    ordinal: re.Pattern[str]
    changes: tuple[tuple[str, re.Pattern[str]], ...]
    spasm: re.Pattern[str]


def _phrase_list(raw: dict, key: str, where: str) -> list[str]:
    value = raw.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(p, str) and p.strip() for p in value):
        raise KnowledgeError(f"{TREATMENT_FILE}: {where}{key} must be a list of words or phrases")
    return [p.strip().lower() for p in value]


@lru_cache(maxsize=1)
def treatment_phrases(directory: Path = KNOWLEDGE_DIR) -> TreatmentPhrases:
    raw = read_knowledge_file(TREATMENT_FILE, directory)
    change = raw.get("change")
    if not isinstance(change, dict) or set(change) != set(CHANGES):
        raise KnowledgeError(f"{TREATMENT_FILE}: change must list exactly {', '.join(CHANGES)}")
    words = _alternatives(_phrase_list(raw, "session_words", ""))
    counts = _alternatives([*VAGUE_COUNTS, *EXACT_NUMBER_WORDS, *map(str, range(1, 21))])
    return TreatmentPhrases(
        treatments=re.compile(rf"\b(?:{_alternatives(_phrase_list(raw, 'treatments', ''))})\b", re.IGNORECASE),
        counted=re.compile(rf"\b(?P<count>{counts})\s+(?:\w+\s+)?(?:{words})\b", re.IGNORECASE),
        ordinal=re.compile(rf"\b(?P<ordinal>{_alternatives(ORDINALS)})\s+(?:\w+\s+)?(?:{words})\b", re.IGNORECASE),
        changes=tuple((name, re.compile(rf"\b(?:{_alternatives(_phrase_list(change, name, 'change.'))})\b",
                                        re.IGNORECASE)) for name in CHANGES),
        spasm=re.compile(rf"\b(?:{_alternatives(_phrase_list(raw, 'spasm_not_releasing', ''))})\b", re.IGNORECASE),
    )


def _count(match: re.Match[str]) -> int:
    word = match.group("count").lower()
    word = re.sub(r"\s+", " ", word)
    if word.isdigit():
        return int(word)
    return VAGUE_COUNTS.get(word) or EXACT_NUMBER_WORDS.get(word, 1)


def read_treatment(messages: Iterable[str | None]) -> PreviousTreatment:
    """Sessions (the most named), how it went (the latest said) and a spasm that would not let go."""
    phrases = treatment_phrases()
    sessions: int | None = None
    change = UNKNOWN
    spasm = False
    for message in messages:
        for sentence in _SENTENCES.findall(message or ""):
            # A question about treatment ("does massage make it worse?") tells nothing of the client's own.
            if QUESTION.search(sentence) or not phrases.treatments.search(sentence):
                continue
            spasm = spasm or bool(phrases.spasm.search(sentence))
            named = [_count(m) for m in phrases.counted.finditer(sentence)]
            named += [ORDINALS[m.group("ordinal").lower()] for m in phrases.ordinal.finditer(sentence)]
            if named:
                sessions = max([*named, sessions or 0])
            said = next((name for name, pattern in phrases.changes if pattern.search(sentence)), None)
            if said:
                change = said
    return PreviousTreatment(sessions, change, spasm)
