"""Rank the muscles that may be contributing, with reasons in the client's terms.

A muscle scores the weights (``knowledge/muscles.yml``) of everything the client
reported that fits its usual picture. Reasons quote the client's own words when
the conversation captured them, so the result reads as "because you said...",
not as a verdict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.knowledge import Knowledge

REPORTED_CATEGORIES = ("activity", "pain_location", "symptom")


@dataclass(frozen=True)
class Culprit:
    muscle: str
    name: str
    score: int
    reasons: tuple[str, ...]
    where: str
    why: str

    def as_dict(self) -> dict[str, object]:
        return {"muscle": self.muscle, "name": self.name, "score": self.score,
                "reasons": list(self.reasons), "where": self.where, "why": self.why}


def reason_text(knowledge: Knowledge, category: str, value: str, words: str | None = None) -> str:
    """One "because" line: the client's own words when known, else the plain description."""
    reason = knowledge.vocabulary[category][value].reason
    if words:
        return knowledge.say("reason_in_their_words", words=words, reason=reason)
    return knowledge.say("reason_plain", reason=reason)


def rank_culprits(reported: Mapping[str, list[str]], knowledge: Knowledge,
                  words: Mapping[str, str] | None = None) -> list[Culprit]:
    """Muscles with a score above zero, best first; ties go to the one with the stronger hallmark."""
    words = words or {}
    ranked = []
    for order, muscle in enumerate(knowledge.muscles.values()):
        score, hallmark, reasons = 0, 0, []
        for category in REPORTED_CATEGORIES:
            for value in dict.fromkeys(reported.get(category, [])):
                weight = muscle.evidence[category].get(value, 0)
                if weight:
                    score += weight
                    hallmark = max(hallmark, weight)
                    reasons.append((weight, reason_text(knowledge, category, value, words.get(value))))
        if score:
            reasons.sort(key=lambda item: -item[0])
            culprit = Culprit(muscle.key, muscle.name, score, tuple(text for _, text in reasons),
                              muscle.where, muscle.why)
            ranked.append((-score, -hallmark, order, culprit))
    return [item[-1] for item in sorted(ranked, key=lambda item: item[:3])]
