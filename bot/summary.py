"""Turn an assessment result into plain text a worried person can read.

Used by the command line and by every chat channel, so the wording is the same
wherever a client meets it. Text-only channels get the two messages from
``summary_messages``; the terminal prints them joined.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.duration import describe_days
from bot.knowledge import MUSCLE_LEVELS, Knowledge, default_knowledge

MAX_MUSCLES_SHOWN = 3
MAX_REASONS_SHOWN = 3


def _safety_part(result: Mapping[str, Any], knowledge: Knowledge) -> list[str]:
    advice = result["triage_advice"]
    lines = [f"{advice['title']}.", advice["action"]]
    if result["triage_reasons"]:
        lines.append(knowledge.say("summary_why", reasons="; ".join(result["triage_reasons"])))
    return lines


def _muscle_part(result: Mapping[str, Any], knowledge: Knowledge) -> list[str]:
    if result["triage"] not in MUSCLE_LEVELS:
        return []
    culprits = result["culprits"][:MAX_MUSCLES_SHOWN]
    if not culprits:
        return ["", knowledge.messages["no_culprits"]]
    lines = ["", knowledge.messages["culprits_intro"]]
    if result["triage"] == "see_doctor_first":
        lines.append(knowledge.messages["culprits_caveat"])
    for number, culprit in enumerate(culprits, start=1):
        name = culprit["name"][0].upper() + culprit["name"][1:]
        lines.append(knowledge.say("summary_muscle", number=number, name=name, where=culprit["where"]) + " "
                     + knowledge.say("muscle_why", why=culprit["why"]))
        lines.extend(f"   - {reason}" for reason in culprit["reasons"][:MAX_REASONS_SHOWN])
    return lines


def describe_treatment(treatment: Mapping[str, Any] | None, knowledge: Knowledge) -> str | None:
    """"2 sessions of treatment so far (no change)", or None when nothing was told."""
    treatment = treatment or {}
    sessions, change = treatment.get("sessions"), treatment.get("change")
    if sessions is None and change in (None, "unknown"):
        return None
    if sessions == 0:
        return knowledge.say("treatment_none")
    said = knowledge.say("treatment_one") if sessions == 1 else (
        knowledge.say("treatment_sessions", sessions=sessions) if sessions else knowledge.say("treatment_some"))
    if change in ("better", "no_change", "worse"):
        return knowledge.say("summary_treatment_change", treatment=said, change=knowledge.say(f"treatment_{change}"))
    return knowledge.say("summary_treatment", treatment=said)


def _facts_line(result: Mapping[str, Any], knowledge: Knowledge) -> str | None:
    facts = []
    if result.get("pain_score") is not None:
        facts.append(knowledge.say("summary_pain_score", score=result["pain_score"], severity=result["severity"]))
    elif result.get("severity"):
        facts.append(knowledge.say("summary_severity", severity=result["severity"]))
    duration = result.get("duration") or {}
    if duration.get("days") is not None:
        facts.append(knowledge.say("summary_duration", duration=describe_days(duration["days"]),
                                   category=duration["category"]))
    treatment = result.get("treatment_told")
    if treatment:
        facts.append(treatment)
    return knowledge.say("summary_facts", facts=", ".join(facts)) if facts else None


def summary_messages(result: Mapping[str, Any], knowledge: Knowledge | None = None) -> list[str]:
    """At most two messages: the safety advice and muscles, then next steps and the disclaimer."""
    knowledge = knowledge or default_knowledge()
    first = _safety_part(result, knowledge) + _muscle_part(result, knowledge)
    facts = _facts_line(result, knowledge)
    if facts and result["triage"] in MUSCLE_LEVELS:
        first.append("")
        first.append(facts)
    second = []
    if result.get("course_of_care"):
        second += [result["course_of_care"], ""]
    if result.get("therapist_notes"):
        second.append(knowledge.say("summary_tell_therapist"))
        second.extend(f"- {note}" for note in result["therapist_notes"])
        second.append("")
    if result["suggestions"]:
        second.append(knowledge.say("summary_next_steps"))
        second.extend(f"- {item['text']}" for item in result["suggestions"])
        second.append("")
    second.append(result["disclaimer"])
    return ["\n".join(first).strip(), "\n".join(second).strip()]


def render_summary(result: Mapping[str, Any], knowledge: Knowledge | None = None) -> str:
    return "\n\n".join(summary_messages(result, knowledge))
