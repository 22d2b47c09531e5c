"""The assessment: from what the client reported to one JSON-ready result.

This is the single object every channel shows and the clinic receives, so it is
built in one place: validated input, triage first, then (only when safe)
culprits and suggestions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.cautions import default_cautions, treatment_cautions
from bot.clinic import Clinic, default_clinic
from bot.culprits import rank_culprits
from bot.duration import parse_duration
from bot.knowledge import MUSCLE_LEVELS, Knowledge, default_knowledge
from bot.pain import severity_for_score, severity_from_words
from bot.screening import default_screening
from bot.suggestions import choose_suggestions
from bot.summary import describe_treatment
from bot.treatment import PreviousTreatment, course_of_care
from bot.triage import SafetyFacts, triage

UNKNOWN = "unknown"


class UnknownValueError(ValueError):
    """A value outside the vocabulary; carries the valid ones so callers can say them."""

    def __init__(self, category: str, value: str, valid: list[str]):
        self.category, self.value, self.valid = category, value, valid
        super().__init__(f"unknown {category} '{value}'; valid values: {', '.join(valid)}")


@dataclass
class AssessmentInput:
    """What the client told us, in canonical values (``unknown`` entries are ignored)."""

    activities: list[str] = field(default_factory=list)
    pain_locations: list[str] = field(default_factory=list)
    symptoms: list[str] = field(default_factory=list)
    red_flags: list[str] = field(default_factory=list)
    pain_score: int | None = None
    pain_description: str | None = None
    duration: str | None = None
    inflammation: bool = False
    recent_injury: bool = False
    # Screening groups answered "yes" or "not sure" without a sign named (ids of screening.yml).
    screening_groups: list[str] = field(default_factory=list)
    spasm_not_releasing: bool = False
    no_change_after_two_sessions: bool = False
    # Treatment already had for this pain (bot/treatment.py); its rules set the two flags above.
    previous_treatment: PreviousTreatment = field(default_factory=PreviousTreatment)
    # What the therapist must know before a session (ids of cautions.yml, bot/cautions.py).
    cautions: list[str] = field(default_factory=list)
    words: Mapping[str, str] = field(default_factory=dict)


def canonical(values: list[str] | None, category: str, knowledge: Knowledge) -> list[str]:
    """Deduplicate, drop ``unknown``, and refuse anything outside the vocabulary."""
    valid = knowledge.values(category)
    result = []
    for value in values or []:
        if value == UNKNOWN:
            continue
        if value not in valid:
            raise UnknownValueError(category, value, valid)
        if value not in result:
            result.append(value)
    return result


def _severity(pain_score: int | None, description: str | None) -> str | None:
    word_severity = severity_from_words(description) if description else None
    if pain_score is None:
        return word_severity
    score_severity = severity_for_score(pain_score)
    return "severe" if word_severity == "severe" else score_severity


def _advice(decision: Any, knowledge: Knowledge, fill: dict[str, str]) -> str:
    """What to do: the level's advice, or the signs' own where every sign of that level has one.

    A sign with its own advice ("call your midwife or maternity unit now") says where to go
    better than the level's general line; a level reached by a sign without one keeps it.
    """
    at_level = [knowledge.red_flags[flag] for flag in decision.red_flags
                if knowledge.red_flags[flag].level == decision.level]
    own = [flag.advice for flag in at_level if flag.advice]
    lines = own if at_level and len(own) == len(at_level) else own + [knowledge.levels[decision.level].action]
    return " ".join(" ".join(line.format(**fill).split()) for line in dict.fromkeys(lines))


def assess(data: AssessmentInput, knowledge: Knowledge | None = None, clinic: Clinic | None = None,
           today: date | None = None) -> dict[str, Any]:
    knowledge = knowledge or default_knowledge()
    clinic = clinic or default_clinic()
    activities = canonical(data.activities, "activity", knowledge)
    locations = canonical(data.pain_locations, "pain_location", knowledge)
    symptoms = canonical(data.symptoms, "symptom", knowledge)
    red_flags = canonical(data.red_flags, "red_flag", knowledge)
    if data.pain_score is not None and not 0 <= data.pain_score <= 10:
        raise ValueError(f"pain score must be between 0 and 10, not {data.pain_score}")
    severity = _severity(data.pain_score, data.pain_description)
    duration = parse_duration(data.duration, today)
    inflammation = data.inflammation or bool({"swelling", "heat_redness"} & set(symptoms))

    screening = default_screening()
    known_groups = {group.id for group in screening.groups}
    unknown_groups = [g for g in data.screening_groups if g not in known_groups]
    if unknown_groups:
        raise UnknownValueError("screening_group", unknown_groups[0], sorted(known_groups))
    groups = list(dict.fromkeys(data.screening_groups))
    flagged = tuple((screening.group(g).level, screening.group(g).reason) for g in groups)
    treatment = data.previous_treatment
    cautions = default_cautions()
    unknown_cautions = [c for c in data.cautions if c not in cautions]
    if unknown_cautions:
        raise UnknownValueError("caution", unknown_cautions[0], sorted(cautions))
    known_cautions = list(dict.fromkeys([*data.cautions, *treatment_cautions(treatment)]))
    decision = triage(SafetyFacts(tuple(red_flags), tuple(symptoms), data.pain_score, severity, inflammation,
                                  data.recent_injury, data.spasm_not_releasing or treatment.spasm_not_releasing,
                                  flagged), knowledge)
    safe_to_discuss_muscles = decision.level in MUSCLE_LEVELS
    culprits = rank_culprits({"activity": activities, "pain_location": locations, "symptom": symptoms},
                             knowledge, data.words) if safe_to_discuss_muscles else []
    no_change = data.no_change_after_two_sessions or treatment.no_change_after_two_sessions
    conditions = ["no_change_after_two_sessions"] if no_change else []
    suggestions = choose_suggestions(decision.level, [c.muscle for c in culprits], knowledge, conditions)
    level = knowledge.levels[decision.level]
    fill = {"emergency_number": clinic.emergency_number, "clinic_name": clinic.name}
    return {
        "triage": decision.level,
        "triage_advice": {"title": level.title, "action": _advice(decision, knowledge, fill), "colour": level.colour},
        "triage_reasons": list(decision.reasons),
        "red_flags": list(decision.red_flags),
        "screening_groups": groups,
        "culprits": [culprit.as_dict() for culprit in culprits],
        "pain_score": data.pain_score,
        "severity": severity,
        "duration": {"text": data.duration, **duration.as_dict()},
        "activities": activities,
        "pain_locations": locations,
        "symptoms": symptoms,
        "inflammation": inflammation,
        "recent_injury": data.recent_injury,
        "previous_treatment": treatment.as_dict(),
        "treatment_told": describe_treatment(treatment.as_dict(), knowledge),
        # Two sessions without change already has its suggestion; the course of care would say it twice.
        "course_of_care": course_of_care(treatment) if decision.level in MUSCLE_LEVELS and not no_change else None,
        "cautions": known_cautions,
        "therapist_notes": [cautions[key].tell for key in known_cautions],
        "suggestions": suggestions,
        "disclaimer": " ".join(knowledge.messages["disclaimer"].format(**fill).split()),
    }
