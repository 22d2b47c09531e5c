"""Health facts the therapist must know before a session, from what the client says in any message.

Massage intake forms ask about pregnancy, recent surgery, blood thinners or a bleeding
problem, osteoporosis or a broken bone, and broken or irritated skin where it hurts.
They change how a therapist works, not whether the client may be seen, so they are not
warning signs: the result lists them as "tell your therapist" lines (``knowledge/cautions.yml``).
Each is matched by lemma with the warning signs' own rules for denials ("I'm not
pregnant") and for whose it is ("my wife is pregnant"), so the same words mean the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Span

from bot.knowledge import KNOWLEDGE_DIR, KnowledgeError, read_knowledge_file
from bot.language import default_matcher, is_negated
from bot.warning_signs import occurrences

CAUTIONS_FILE = "cautions.yml"
REQUIRED = ("label", "tell", "source")
# Facts of the treatment reader (bot/treatment.py) that a caution may stand for instead of phrases.
TREATMENT_FACTS = ("lasting_soreness",)


@dataclass(frozen=True)
class Caution:
    id: str
    label: str
    tell: str
    history: bool
    phrases: tuple[str, ...]
    from_treatment: str | None = None


@lru_cache(maxsize=1)
def default_cautions(directory: Path = KNOWLEDGE_DIR) -> dict[str, Caution]:
    """The cautions of cautions.yml, checked at load with the file and key in every error."""
    raw = read_knowledge_file(CAUTIONS_FILE, directory).get("cautions")
    if not isinstance(raw, dict) or not raw:
        raise KnowledgeError(f"{CAUTIONS_FILE}: missing 'cautions'")
    cautions = {}
    for key, entry in raw.items():
        missing = [field for field in REQUIRED if not (entry or {}).get(field)]
        if missing:
            raise KnowledgeError(f"{CAUTIONS_FILE}: {key}: missing {', '.join(missing)}")
        fact = entry.get("from_treatment")
        if fact is not None and fact not in TREATMENT_FACTS:
            raise KnowledgeError(f"{CAUTIONS_FILE}: {key}: from_treatment must be one of {', '.join(TREATMENT_FACTS)}")
        phrases = entry.get("phrases", [] if fact else None)
        if not isinstance(phrases, list) or not all(isinstance(p, str) and p.strip() for p in phrases) or \
                not (phrases or fact):
            raise KnowledgeError(f"{CAUTIONS_FILE}: {key}: phrases must be a list of words or phrases")
        if not isinstance(entry.get("history", False), bool):
            raise KnowledgeError(f"{CAUTIONS_FILE}: {key}: history must be true or false")
        cautions[key] = Caution(key, " ".join(entry["label"].split()), " ".join(entry["tell"].split()),
                                entry.get("history", False), tuple(p.strip().lower() for p in phrases), fact)
    return cautions


@lru_cache(maxsize=1)
def _phrase_keys() -> dict[str, tuple[tuple[str, ...], ...]]:
    detector = default_matcher().detector
    return {key: detector.phrase_keys(caution.phrases) for key, caution in default_cautions().items()
            if caution.phrases}


# Every message of a session is read again at each turn: each text is parsed once per process.
TEXTS_REMEMBERED = 2048


def read_cautions(texts: Iterable[str | None]) -> list[str]:
    """The ids of the cautions the client told of, in the order of cautions.yml."""
    told = {key for text in texts if text and not text.startswith("/") for key in cautions_in(text)}
    return [key for key in default_cautions() if key in told]


@lru_cache(maxsize=TEXTS_REMEMBERED)
def cautions_in(text: str) -> frozenset[str]:
    """The cautions one message tells of (cached: the same messages come back every turn)."""
    matcher = default_matcher()
    doc = matcher.doc(text)
    keys = matcher.detector.keys(doc)
    told = set()
    for key, phrases in _phrase_keys().items():
        history = default_cautions()[key].history
        if any(not is_negated(doc, Span(doc, start, end)) and matcher.detector.belongs_to_client(
                doc, keys, key, start, end, past_counts=history) for start, end in occurrences(keys, phrases)):
            told.add(key)
    return frozenset(told)


def treatment_cautions(facts: object) -> list[str]:
    """The cautions that stand for a fact of the treatment reader ("still sore three days after")."""
    return [key for key, caution in default_cautions().items()
            if caution.from_treatment and getattr(facts, caution.from_treatment, False) is True]
