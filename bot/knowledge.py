"""Load the therapist-editable knowledge files once and check them.

The YAML files under ``bot/knowledge/`` are edited by people who are not
programmers, so every reference between them (a muscle naming an activity, a
suggestion naming a triage level) is checked at load time and reported in words
that point at the file and key to fix, instead of failing later mid-conversation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

KNOWLEDGE_DIR = Path(__file__).parent / "knowledge"

CATEGORIES = ("activity", "pain_location", "symptom")
EVIDENCE_KEYS = {"activities": "activity", "pain_locations": "pain_location", "symptoms": "symptom"}
TRIAGE_LEVELS = ("emergency", "urgent", "see_doctor_first", "massage_ok")
# Levels of the warning signs: a result at these shows the advice only, never muscles.
SAFETY_LEVELS = RED_FLAG_LEVELS = TRIAGE_LEVELS[:2]
# Levels at which muscles and suggestions may be shown.
MUSCLE_LEVELS = TRIAGE_LEVELS[2:]
SUGGESTION_CONDITIONS = ("no_change_after_two_sessions",)
DOCTOR_FIRST_REASONS = ("severe_pain", "inflammation", "recent_injury", "spasm_not_releasing")
PLACEHOLDERS = {"emergency_number": "911", "clinic_name": "the clinic"}
# messages.yml entries filled with values of a result (not the clinic's): the fields each may use.
TEMPLATE_FIELDS = {
    "summary_why": ("reasons",), "summary_muscle": ("number", "name", "where"), "muscle_why": ("why",),
    "summary_facts": ("facts",), "summary_pain_score": ("score", "severity"), "summary_severity": ("severity",),
    "summary_duration": ("duration", "category"), "summary_next_steps": (), "summary_tell_therapist": (),
    "reason_in_their_words": ("words", "reason"), "reason_plain": ("reason",),
    "contact_booking_url": ("value",), "contact_phone": ("value",), "contact_email": ("value",),
    "contact_opening_hours": ("value",),
    "summary_treatment": ("treatment",), "summary_treatment_change": ("treatment", "change"),
    "treatment_none": (), "treatment_one": (), "treatment_sessions": ("sessions",), "treatment_some": (),
    "treatment_better": (), "treatment_no_change": (), "treatment_worse": (),
}
FIXED_MESSAGES = ("disclaimer", "culprits_intro", "culprits_caveat", "no_culprits")


class KnowledgeError(ValueError):
    """A knowledge file is malformed; the message names the file and the key."""


@dataclass(frozen=True)
class Term:
    """One canonical value of the vocabulary (an activity, a location, a symptom)."""

    value: str
    label: str
    reason: str
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class RedFlag:
    value: str
    level: str
    label: str
    ask: str
    phrases: tuple[str, ...]
    advice: str = ""  # said before the level's own advice when the sign is there ("call your midwife now")


@dataclass(frozen=True)
class Muscle:
    key: str
    name: str
    where: str
    why: str
    evidence: Mapping[str, Mapping[str, int]]  # category -> value -> weight


@dataclass(frozen=True)
class TriageLevel:
    key: str
    colour: str
    title: str
    action: str


@dataclass(frozen=True)
class Suggestion:
    id: str
    levels: tuple[str, ...]
    text: str
    muscles: tuple[str, ...] = ()
    when: str | None = None


@dataclass(frozen=True)
class Knowledge:
    vocabulary: Mapping[str, Mapping[str, Term]]
    red_flags: Mapping[str, RedFlag]
    muscles: Mapping[str, Muscle]
    levels: Mapping[str, TriageLevel]
    doctor_first: Mapping[str, Any]
    suggestions: tuple[Suggestion, ...]
    messages: Mapping[str, str] = field(default_factory=dict)

    def say(self, key: str, **fields: object) -> str:
        """A messages.yml template filled with a result's values (its fields are checked at load)."""
        return self.messages[key].format(**fields)

    def values(self, category: str) -> list[str]:
        """Canonical values of a category, including ``red_flag``."""
        if category == "red_flag":
            return list(self.red_flags)
        return list(self.vocabulary[category])


def read_knowledge_file(name: str, directory: Path = KNOWLEDGE_DIR) -> dict[str, Any]:
    """The one way a knowledge file is read: a YAML mapping, or an error naming the file."""
    return _read(directory, name)


def read_texts_file(name: str, keys: Iterable[str], directory: Path = KNOWLEDGE_DIR) -> dict[str, Any]:
    """A knowledge file of wordings: each of ``keys`` must be there as text, or the error names them."""
    raw = read_knowledge_file(name, directory)
    missing = [key for key in keys if not isinstance(raw.get(key), str) or not raw[key].strip()]
    if missing:
        raise KnowledgeError(f"{name}: missing {', '.join(missing)}")
    return raw


def _read(directory: Path, name: str) -> dict[str, Any]:
    path = directory / name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise KnowledgeError(f"{name}: cannot read: {error}") from error
    if not isinstance(data, dict):
        raise KnowledgeError(f"{name}: expected a mapping at the top level")
    return data


def _require(entry: Any, keys: tuple[str, ...], where: str) -> None:
    if not isinstance(entry, dict):
        raise KnowledgeError(f"{where}: expected a mapping")
    for key in keys:
        value = entry.get(key)
        if value is None or value == "" or value == []:
            raise KnowledgeError(f"{where}: missing '{key}'")


def _check_placeholders(text: str, where: str, allowed: Mapping[str, object] = PLACEHOLDERS) -> None:
    """A misspelt {placeholder} must fail at load time, not in front of a client."""
    try:
        text.format(**allowed)
    except (KeyError, IndexError, ValueError) as error:
        raise KnowledgeError(f"{where}: unknown placeholder {error}; "
                             f"use only {', '.join('{' + p + '}' for p in allowed) or 'none'}") from error


def _string_list(entry: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise KnowledgeError(f"{where}: '{key}' must be a list, e.g. [{key[:-1]}_a, {key[:-1]}_b]")
    return tuple(value)


def _phrases(entry: dict[str, Any], where: str) -> tuple[str, ...]:
    phrases = entry.get("phrases", [])
    if not isinstance(phrases, list) or not all(isinstance(p, str) and p.strip() for p in phrases):
        raise KnowledgeError(f"{where}: 'phrases' must be a list of non-empty strings")
    return tuple(p.strip().lower() for p in phrases)


def _load_vocabulary(directory: Path) -> dict[str, dict[str, Term]]:
    raw = _read(directory, "vocabulary.yml")
    vocabulary: dict[str, dict[str, Term]] = {}
    for category in CATEGORIES:
        entries = raw.get(category)
        if not isinstance(entries, dict) or not entries:
            raise KnowledgeError(f"vocabulary.yml: missing category '{category}'")
        vocabulary[category] = {}
        for value, entry in entries.items():
            where = f"vocabulary.yml: {category}.{value}"
            _require(entry, ("label", "reason"), where)
            vocabulary[category][value] = Term(value, entry["label"], entry["reason"], _phrases(entry, where))
    return vocabulary


def _load_red_flags(directory: Path) -> dict[str, RedFlag]:
    raw = _read(directory, "red_flags.yml").get("red_flags")
    if not isinstance(raw, dict) or not raw:
        raise KnowledgeError("red_flags.yml: missing 'red_flags'")
    flags = {}
    for value, entry in raw.items():
        where = f"red_flags.yml: {value}"
        _require(entry, ("level", "label", "ask"), where)
        if entry["level"] not in RED_FLAG_LEVELS:
            raise KnowledgeError(f"{where}: level must be one of {', '.join(RED_FLAG_LEVELS)}")
        advice = entry.get("advice", "")
        if not isinstance(advice, str):
            raise KnowledgeError(f"{where}: advice must be text")
        flags[value] = RedFlag(value, entry["level"], entry["label"], entry["ask"], _phrases(entry, where),
                               " ".join(advice.split()))
    return flags


def _load_muscles(directory: Path, vocabulary: Mapping[str, Mapping[str, Term]]) -> dict[str, Muscle]:
    raw = _read(directory, "muscles.yml").get("muscles")
    if not isinstance(raw, dict) or not raw:
        raise KnowledgeError("muscles.yml: missing 'muscles'")
    muscles = {}
    for key, entry in raw.items():
        where = f"muscles.yml: {key}"
        _require(entry, ("name", "where", "why"), where)
        evidence: dict[str, dict[str, int]] = {}
        for evidence_key, category in EVIDENCE_KEYS.items():
            weights = entry.get(evidence_key) or {}
            if not isinstance(weights, dict):
                raise KnowledgeError(f"{where}.{evidence_key}: expected a mapping of value: weight")
            for value, weight in weights.items():
                if value not in vocabulary[category]:
                    valid = ", ".join(vocabulary[category])
                    raise KnowledgeError(f"{where}.{evidence_key}: unknown {category} '{value}' (valid: {valid})")
                if not isinstance(weight, int) or isinstance(weight, bool) or not 1 <= weight <= 3:
                    raise KnowledgeError(f"{where}.{evidence_key}.{value}: weight must be 1, 2 or 3")
            evidence[category] = dict(weights)
        muscles[key] = Muscle(key, entry["name"], entry["where"], entry["why"], evidence)
    return muscles


def _load_triage(directory: Path) -> tuple[dict[str, TriageLevel], dict[str, Any]]:
    raw = _read(directory, "triage.yml")
    levels_raw = raw.get("levels") or {}
    if set(levels_raw) != set(TRIAGE_LEVELS):
        raise KnowledgeError(f"triage.yml: 'levels' must define exactly {', '.join(TRIAGE_LEVELS)}")
    levels = {}
    for key in TRIAGE_LEVELS:
        entry = levels_raw[key]
        _require(entry, ("colour", "title", "action"), f"triage.yml: levels.{key}")
        levels[key] = TriageLevel(key, entry["colour"], entry["title"], entry["action"])
    doctor_first = raw.get("see_doctor_first")
    where = "triage.yml: see_doctor_first"
    _require(doctor_first, ("pain_score_at_least", "symptoms", "reasons"), where)
    threshold = doctor_first["pain_score_at_least"]
    if not isinstance(threshold, int) or isinstance(threshold, bool) or not 0 <= threshold <= 10:
        raise KnowledgeError(f"{where}.pain_score_at_least: must be a whole number from 0 to 10")
    for key in ("symptoms", "reasons"):
        if not isinstance(doctor_first[key], dict):
            raise KnowledgeError(f"{where}.{key}: expected a mapping of name: explanation")
    missing = [key for key in DOCTOR_FIRST_REASONS if not doctor_first["reasons"].get(key)]
    if missing:
        raise KnowledgeError(f"{where}.reasons: missing {', '.join(missing)}")
    for key in TRIAGE_LEVELS:
        _check_placeholders(levels[key].action, f"triage.yml: levels.{key}.action")
    return levels, doctor_first


def _load_suggestions(directory: Path, muscles: Mapping[str, Muscle]) -> tuple[Suggestion, ...]:
    raw = _read(directory, "suggestions.yml").get("suggestions")
    if not isinstance(raw, list) or not raw:
        raise KnowledgeError("suggestions.yml: missing 'suggestions'")
    suggestions, seen = [], set()
    for index, entry in enumerate(raw):
        where = f"suggestions.yml: item {index + 1}"
        _require(entry, ("id", "levels", "text"), where)
        if entry["id"] in seen:
            raise KnowledgeError(f"{where}: duplicate id '{entry['id']}'")
        seen.add(entry["id"])
        levels = _string_list(entry, "levels", where)
        unknown = set(levels) - set(MUSCLE_LEVELS)
        if unknown:
            raise KnowledgeError(f"{where}: suggestions may only appear at see_doctor_first or massage_ok, "
                                 f"not {', '.join(sorted(unknown))}")
        suggestion_muscles = _string_list(entry, "muscles", where)
        unknown_muscles = set(suggestion_muscles) - set(muscles)
        if unknown_muscles:
            raise KnowledgeError(f"{where}: unknown muscles {', '.join(sorted(unknown_muscles))}")
        when = entry.get("when")
        if when is not None and when not in SUGGESTION_CONDITIONS:
            raise KnowledgeError(f"{where}: unknown condition '{when}'")
        suggestions.append(Suggestion(entry["id"], levels, " ".join(entry["text"].split()), suggestion_muscles, when))
    return tuple(suggestions)


def load_knowledge(directory: Path | str = KNOWLEDGE_DIR) -> Knowledge:
    """Read and cross-check every knowledge file in ``directory``."""
    directory = Path(directory)
    vocabulary = _load_vocabulary(directory)
    red_flags = _load_red_flags(directory)
    muscles = _load_muscles(directory, vocabulary)
    levels, doctor_first = _load_triage(directory)
    unknown = set(doctor_first["symptoms"]) - set(vocabulary["symptom"])
    if unknown:
        raise KnowledgeError(f"triage.yml: see_doctor_first.symptoms: unknown {', '.join(sorted(unknown))}")
    suggestions = _load_suggestions(directory, muscles)
    messages = _read(directory, "messages.yml")
    for key in FIXED_MESSAGES + tuple(TEMPLATE_FIELDS):
        if not messages.get(key):
            raise KnowledgeError(f"messages.yml: missing '{key}'")
        allowed = {field: "x" for field in TEMPLATE_FIELDS[key]} if key in TEMPLATE_FIELDS else PLACEHOLDERS
        _check_placeholders(str(messages[key]), f"messages.yml: {key}", allowed)
    clash = set(red_flags) & {value for category in vocabulary.values() for value in category}
    if clash:
        raise KnowledgeError(f"red_flags.yml: names also used in vocabulary.yml: {', '.join(sorted(clash))}")
    return Knowledge(vocabulary, red_flags, muscles, levels, doctor_first, suggestions, messages)


@lru_cache(maxsize=1)
def default_knowledge() -> Knowledge:
    """The shipped knowledge, loaded once per process (the action server reuses it)."""
    return load_knowledge()
