"""Read what the client has said so far out of a rasa-sdk tracker.

Slots hold the answer to the question asked; entities from every message of
the current session hold everything volunteered along the way ("hurts when I
lift the baby" in the first message). The assessment uses both.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasa_sdk import Tracker

from bot.answers import tells_recent_injury
from bot.assessment import UNKNOWN, AssessmentInput
from bot.cautions import read_cautions
from bot.conversation_signs import signs_across_messages
from bot.entities import NEGATED, UNCERTAIN
from bot.input_check import check_input
from bot.knowledge import default_knowledge
from bot.pain import parse_pain_score
from bot.screening import default_screening
from bot.treatment import PreviousTreatment, read_treatment

SLOT_FOR_ENTITY = {"activity": "activities", "pain_location": "pain_location", "symptom": "symptoms",
                   "red_flag": "red_flags"}
# Helper slots of the form: failed answers to the current question, the safety check's
# follow-up question, and the groups of warning signs answered "yes" (domain.yml).
# Mentions that are not the client telling us something: denied, or a warning sign still to be asked about.
NOT_TOLD = (NEGATED, UNCERTAIN)
ATTEMPTS = "answer_attempts"
STEP = "screening_step"
GROUPS = "screening_groups"
SCREENED = "screened"
CHECKED = "signs_checked"
SEVERITY_WORDS = ("none", "mild", "moderate", "severe")
PAYLOAD_CHANNELS = ("rest", "socketio")


def session_all_events(tracker: Tracker) -> list[dict[str, Any]]:
    """Every event since the last restart or new session."""
    events: list[dict[str, Any]] = []
    for event in tracker.events:
        if event.get("event") in ("restart", "session_started"):
            events = []
        else:
            events.append(event)
    return events


def session_events(tracker: Tracker, kind: str) -> list[dict[str, Any]]:
    """Events of one kind ("user", "bot") since the last restart or new session."""
    return [event for event in session_all_events(tracker) if event.get("event") == kind]


def session_user_events(tracker: Tracker) -> list[dict[str, Any]]:
    """User messages since the last restart or new session."""
    return session_events(tracker, "user")


def session_texts(tracker: Tracker) -> list[str]:
    """What the client typed this session, cleaned as the language model read it (no markup, no stray
    surrogates, at most the length the input guard allows), for the readers that go over every message."""
    return [check_input(event.get("text")).text for event in session_user_events(tracker)]


def mentioned(tracker: Tracker, entity: str) -> tuple[list[str], dict[str, str]]:
    """Canonical values the client mentioned (not denied) this session, and their own words."""
    valid = set(default_knowledge().values(entity))
    values: list[str] = []
    words: dict[str, str] = {}
    for event in session_user_events(tracker):
        text = event.get("text") or ""
        for found in (event.get("parse_data") or {}).get("entities", []):
            value = found.get("value")
            if found.get("entity") != entity or found.get("role") in NOT_TOLD or value not in valid:
                continue
            if value not in values:
                values.append(value)
            start, end = found.get("start"), found.get("end")
            if isinstance(start, int) and isinstance(end, int) and value not in words and not text.startswith("/"):
                words[value] = text[start:end]
    return values, words


def canonical_values(values: Iterable[Any] | Any, entity: str, allow: Iterable[str] = ()) -> list[str]:
    """Keep only vocabulary values (plus the sentinels in ``allow``): slots are client-controlled input."""
    if values is None:
        return []
    if isinstance(values, str) or not isinstance(values, (list, tuple, set)):
        values = [values]
    valid = set(default_knowledge().values(entity)) | set(allow)
    kept: list[str] = []
    for value in values:
        if isinstance(value, str) and value in valid and value not in kept:
            kept.append(value)
    return kept


def reported_warning_signs(tracker: Tracker) -> list[str]:
    """Signs of any message this session, of the safety answers, and of the conversation as a whole."""
    values, _ = mentioned(tracker, "red_flag")
    across = signs_across_messages(session_texts(tracker))
    for value in [*canonical_values(tracker.get_slot("red_flags"), "red_flag"), *across]:
        if value not in values:
            values.append(value)
    return values


def needs_emergency_screening(tracker: Tracker, flags: Iterable[str]) -> bool:
    """Only urgent signs are known and the emergency signs were never asked about.

    An urgent sign told first ("I've had a fever") must not stop the check before the
    emergency signs, which outrank it, are asked: that is two quick yes/no questions.
    """
    knowledge = default_knowledge()
    flags = [flag for flag in flags if flag in knowledge.red_flags]
    return bool(flags) and not tracker.get_slot(SCREENED) and not tracker.get_slot(GROUPS) \
        and all(knowledge.red_flags[flag].level != "emergency" for flag in flags)


def first_emergency_group() -> str:
    """The screening step that asks the first group of emergency signs."""
    from bot.screening import GROUP_PREFIX

    return GROUP_PREFIX + next(group.id for group in default_screening().groups if group.level == "emergency")


def assessment_input(tracker: Tracker) -> AssessmentInput:
    """Everything the engine needs, from slots and from the session's messages."""
    words: dict[str, str] = {}
    gathered: dict[str, list[str]] = {}
    for entity, slot in SLOT_FOR_ENTITY.items():
        values, entity_words = mentioned(tracker, entity)
        if entity == "red_flag":
            values += [v for v in signs_across_messages(session_texts(tracker)) if v not in values]
        for value in canonical_values(tracker.get_slot(slot), entity):
            if value not in values:
                values.append(value)
        gathered[entity] = values
        words.update(entity_words)
    score_slot = tracker.get_slot("pain_score")
    pain_score, pain_words = None, None
    if isinstance(score_slot, str) and score_slot not in (UNKNOWN, ""):
        if score_slot in SEVERITY_WORDS:
            pain_words = score_slot
        else:
            pain_score = parse_pain_score(score_slot).score
    duration = tracker.get_slot("pain_duration")
    said = session_texts(tracker)
    return AssessmentInput(
        activities=gathered["activity"], pain_locations=gathered["pain_location"], symptoms=gathered["symptom"],
        red_flags=gathered["red_flag"], pain_score=pain_score, pain_description=pain_words,
        duration=duration if isinstance(duration, str) and duration != UNKNOWN else None,
        inflammation=tracker.get_slot("inflammation") == "yes", words=words,
        recent_injury=any(tells_recent_injury(text) for text in said),
        previous_treatment=read_treatment(said).joined(PreviousTreatment.from_slot(tracker.get_slot("treatment"))),
        cautions=read_cautions(said),
        screening_groups=[g for g in tracker.get_slot(GROUPS) or [] if isinstance(g, str)
                          and g in {group.id for group in default_screening().groups}],
    )


def wants_payload(tracker: Tracker) -> bool:
    """Web channels get the full result as a custom payload; text-only channels do not."""
    return tracker.get_latest_input_channel() in PAYLOAD_CHANNELS
