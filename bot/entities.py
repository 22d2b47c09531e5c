"""Reconcile entities from a statistical extractor with the vocabulary.

Plain Python so the rules are unit-tested without Rasa: every entity that
leaves here carries a canonical value from ``bot/knowledge`` (or is dropped),
negation is decided by one deterministic rule, and a warning sign that is not
negated decides the intent.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.duration import parse_duration
from bot.knowledge import default_knowledge
from bot.language import VocabularyMatcher
from bot.pain import find_scale_mentions, parse_pain_score

RED_FLAG_INTENT = "report_red_flag"
CLEAR_INTENT = "deny"
NEGATED = "negated"
VOCABULARY_TYPES = ("activity", "pain_location", "symptom", "red_flag")

Entity = dict[str, Any]


def _entity(kind: str, value: str, start: int, end: int, extractor: str, negated: bool = False) -> Entity:
    entity = {"entity": kind, "value": value, "start": start, "end": end, "extractor": extractor,
              "confidence_entity": 1.0}
    if negated:
        entity["role"] = NEGATED
    return entity


def _overlaps(start: int, end: int, taken: Iterable[tuple[int, int]]) -> bool:
    return any(start < other_end and other_start < end for other_start, other_end in taken)


def _resolve_one(text: str, found: Entity, matcher: VocabularyMatcher, extractor: str) -> Entity | None:
    kind, start, end = found.get("entity"), found.get("start"), found.get("end")
    if start is None or end is None:
        return None
    span = text[start:end]
    if kind in VOCABULARY_TYPES:
        value = found.get("value")
        if value not in default_knowledge().values(kind):
            value = matcher.resolve(kind, span)
        if value is None:
            return None
        return _entity(kind, value, start, end, extractor, matcher.negated(text, start, end))
    if kind == "pain_score":
        score = parse_pain_score(span).score
        return None if score is None else _entity(kind, str(score), start, end, extractor)
    if kind == "duration":
        return None if parse_duration(span).days is None else _entity(kind, span, start, end, extractor)
    return dict(found)


def resolve_entities(text: str, found: list[Entity], matcher: VocabularyMatcher, extractor: str) -> list[Entity]:
    """Canonical, de-duplicated entities: the extractor's spans first, then the vocabulary's."""
    resolved: list[Entity] = []
    for item in found:
        entity = _resolve_one(text, item, matcher, extractor)
        if entity is not None and not any(
                (e["entity"], e["value"], e["start"]) == (entity["entity"], entity["value"], entity["start"])
                for e in resolved):
            resolved.append(entity)
    taken = [(e["start"], e["end"]) for e in resolved]
    for mention in matcher.find(text):
        if not _overlaps(mention.start, mention.end, taken):
            resolved.append(_entity(mention.entity, mention.value, mention.start, mention.end, extractor,
                                    mention.negated))
            taken.append((mention.start, mention.end))
    if not any(e["entity"] == "pain_score" for e in resolved):
        for start, end, score in find_scale_mentions(text):
            resolved.append(_entity("pain_score", str(score), start, end, extractor))
    return resolved


def live_red_flags(entities: Iterable[Entity]) -> list[str]:
    """Warning signs the client reported and did not deny."""
    return list(dict.fromkeys(e["value"] for e in entities
                              if e.get("entity") == "red_flag" and e.get("role") != NEGATED))


def safety_intent(intent: str | None, entities: list[Entity]) -> str | None:
    """The intent safety requires, or None to keep the classifier's.

    A live warning sign always means ``report_red_flag``. A message the classifier
    took for a warning sign, whose every warning sign is denied ("no fever, no
    numbness"), is an all-clear.
    """
    if live_red_flags(entities):
        return RED_FLAG_INTENT
    red_flags = [e for e in entities if e.get("entity") == "red_flag"]
    if intent == RED_FLAG_INTENT and red_flags:
        return CLEAR_INTENT
    return None
