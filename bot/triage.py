"""Decide how urgently a client needs a doctor, before anything about muscles.

The order is the point: emergency signs, then urgent ones, then reasons to see a
doctor before massage, and only then is massage considered. Every rule reads
its thresholds and wording from ``knowledge/triage.yml`` and ``red_flags.yml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.knowledge import SAFETY_LEVELS, Knowledge


@dataclass(frozen=True)
class SafetyFacts:
    """What triage needs to know, already normalised to canonical values."""

    red_flags: tuple[str, ...] = ()
    symptoms: tuple[str, ...] = ()
    pain_score: int | None = None
    severity: str | None = None
    inflammation: bool = False
    recent_injury: bool = False
    spasm_not_releasing: bool = False
    # Screening groups the client said yes (or "not sure") to without naming a sign: (level, reason).
    flagged_groups: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Triage:
    level: str
    red_flags: tuple[str, ...] = ()
    reasons: tuple[str, ...] = field(default_factory=tuple)


def triage(facts: SafetyFacts, knowledge: Knowledge) -> Triage:
    """The first level that applies wins: emergency, urgent, see_doctor_first, massage_ok."""
    flags = tuple(dict.fromkeys(facts.red_flags))
    for level in SAFETY_LEVELS:
        hits = tuple(flag for flag in flags if knowledge.red_flags[flag].level == level)
        groups = tuple(reason for group_level, reason in facts.flagged_groups if group_level == level)
        if hits or groups:
            return Triage(level, flags, tuple(knowledge.red_flags[flag].label for flag in hits) + groups)
    reasons = _doctor_first_reasons(facts, knowledge)
    if reasons:
        return Triage("see_doctor_first", flags, reasons)
    return Triage("massage_ok", flags, ())


def _doctor_first_reasons(facts: SafetyFacts, knowledge: Knowledge) -> tuple[str, ...]:
    rules = knowledge.doctor_first
    wording = rules["reasons"]
    reasons: list[str] = []
    if (facts.pain_score is not None and facts.pain_score >= rules["pain_score_at_least"]) \
            or facts.severity == "severe":
        reasons.append(wording["severe_pain"])
    if facts.inflammation:
        reasons.append(wording["inflammation"])
    if facts.recent_injury:
        reasons.append(wording["recent_injury"])
    if facts.spasm_not_releasing:
        reasons.append(wording["spasm_not_releasing"])
    for symptom in dict.fromkeys(facts.symptoms):
        explanation = rules["symptoms"].get(symptom)
        if explanation and explanation not in reasons:
            reasons.append(explanation)
    return tuple(reasons)
