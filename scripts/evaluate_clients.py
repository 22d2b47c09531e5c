"""Evaluate the assistant the way clients meet it: single messages and whole scripted conversations.

Usage:
    python scripts/evaluate_clients.py [--url http://localhost:5005 --token TOKEN]
        [--phrasings tests/evaluation/phrasings.yml] [--scenarios tests/evaluation/scenarios.yml]
        [--gate] [--out results/evaluation]
    python scripts/evaluate_clients.py --sets tests/evaluation/sets.yml [--gate] [--out results/evaluation]

With --sets, every set the file names is run against one pair of servers, each
with its own thresholds and its own folder of results under --out.

Cross-validation (`make evaluate`) scores the NLU on its own training data's
wordings; this scores what a client actually gets from the running servers:
whether a warning sign written in their own words is caught (and a harmless
message left alone), whether entities come out canonical, and whether a
conversation driven by a simple scripted client reaches the right triage.

Without --url the script starts its own action server and Rasa server on free
ports, with its own SQLite file, so it never touches a developer's running bot,
and stops them at the end whatever happens. Text of the test messages goes to
stdout and to files under --out only, never to the log.

The answering rules and the scoring are pure functions (no servers), so that
tests/scripts/test_evaluate_clients.py can check them with fake trackers.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as `python scripts/evaluate_clients.py` from anywhere
    sys.path.insert(0, str(ROOT))

from bot.cautions import read_cautions, treatment_cautions  # noqa: E402
from bot.treatment import read_treatment  # noqa: E402
from scripts.local_servers import endpoints_text, free_port, wait_for  # noqa: E402

logger = logging.getLogger("evaluate_clients")

EMERGENCY_SIGNS = frozenset({"bladder_bowel", "saddle_numbness", "bilateral_leg_symptoms", "leg_weakness",
                             "sexual_dysfunction", "major_trauma", "chest_pain"})
URGENT_SIGNS = frozenset({"fever", "weight_loss", "cancer_history", "night_pain", "immunosuppression",
                          "structural_change"})
ALL_SIGNS = EMERGENCY_SIGNS | URGENT_SIGNS
SAFETY_TRIAGE = ("emergency", "urgent")
ENTITY_TYPES = ("activity", "pain_location", "symptom", "red_flag")
STYLES = ("plain", "realistic")

TURN_LIMIT = 25
LOOP_REPEATS = 3
TOP_CULPRITS = 3
WORKERS = 4
REQUEST_TIMEOUT_S = 60
START_TIMEOUT_S = 300

NOT_SURE = "not sure"
NONE_OF_THOSE = "no, none of those"
START_CHECK = "ok, let's do the check"
YES_PAYLOADS = ("/greet", "/affirm")
# Screening steps that ask one group of signs: in turn ("group:") or because a message came near one ("check:").
GROUP_STEPS = ("group:", "check:")

# Gate thresholds: environment variable, default, and whether the figure must be at least (True) or at most it.
THRESHOLDS: dict[str, tuple[str, float, bool]] = {
    "emergency_recall": ("EVAL_MIN_EMERGENCY_RECALL", 1.0, True),
    "recall": ("EVAL_MIN_RECALL", 0.98, True),
    "false_alarm_rate": ("EVAL_MAX_FALSE_ALARMS", 0.05, False),
    "entity_f1": ("EVAL_MIN_ENTITY_F1", 0.92, True),
    "triage_rate": ("EVAL_MIN_TRIAGE", 0.95, True),
    "safety_rate": ("EVAL_MIN_SAFETY", 1.0, True),
    "loops": ("EVAL_MAX_LOOPS", 0, False),
    "median_turns": ("EVAL_MAX_MEDIAN_TURNS", 11, False),
}


# --------------------------------------------------------------------------- small helpers


def ratio(part: int, whole: int) -> float | None:
    """None rather than 0 or 1 when nothing was measured, so an empty test set cannot pass a gate."""
    return part / whole if whole else None


def f1_scores(tp: int, fp: int, fn: int) -> dict[str, float | int | None]:
    precision, recall = ratio(tp, tp + fp), ratio(tp, tp + fn)
    if precision is None or recall is None:
        f1 = None if tp + fp + fn == 0 else 0.0
    else:
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def as_answer(value: Any) -> str:
    """Every message is sent as text; YAML's bare yes/no arrive as booleans and must still read as words."""
    if value is None:
        return NOT_SURE
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def live_entities(parse: dict[str, Any]) -> list[dict[str, Any]]:
    """A negated mention ("no numbness") is the client denying it, not a prediction; an "uncertain" warning
    sign is one the assistant asks about before deciding, so it is neither (counted apart, see confirmations)."""
    return [entity for entity in parse.get("entities") or [] if entity.get("role") not in ("negated", "uncertain")]


def signs_to_confirm(parse: dict[str, Any]) -> set[str]:
    return {str(e.get("value")) for e in parse.get("entities") or []
            if e.get("entity") == "red_flag" and e.get("role") == "uncertain"}


def values_of(parse: dict[str, Any], entity_type: str) -> set[str]:
    return {str(entity.get("value")) for entity in live_entities(parse) if entity.get("entity") == entity_type}


def predicted_signs(parse: dict[str, Any]) -> set[str]:
    return values_of(parse, "red_flag")


def pain_score_of(parse: dict[str, Any]) -> str | None:
    for entity in live_entities(parse):
        if entity.get("entity") == "pain_score":
            return str(entity.get("value"))
    return None


# --------------------------------------------------------------------------- single messages


@dataclass
class Tally:
    """Hits out of a total, which is all a recall or a rate needs."""

    hits: int = 0
    total: int = 0

    def add(self, hit: bool) -> None:
        self.hits += int(hit)
        self.total += 1

    def as_dict(self) -> dict[str, float | int | None]:
        return {"hits": self.hits, "total": self.total, "rate": ratio(self.hits, self.total)}


@dataclass
class PhrasingScores:
    recall: dict[str, Tally] = field(default_factory=lambda: {key: Tally() for key in ("all", *STYLES)})
    emergency: dict[str, Tally] = field(default_factory=lambda: {key: Tally() for key in ("all", *STYLES)})
    per_sign: dict[str, dict[str, Tally]] = field(default_factory=dict)
    false_alarms: dict[str, Tally] = field(default_factory=lambda: {key: Tally() for key in ("all", *STYLES)})
    extra_signs: int = 0
    entity_counts: dict[str, list[int]] = field(default_factory=lambda: {t: [0, 0, 0] for t in ENTITY_TYPES})
    pain: Tally = field(default_factory=Tally)
    # The massage intake's cautions and the treatment so far, read by the engine the action server runs.
    cautions: Tally = field(default_factory=Tally)
    treatment: Tally = field(default_factory=Tally)
    misses: list[dict[str, Any]] = field(default_factory=list)
    # Messages where the assistant would ask a yes/no question about a sign rather than decide: a real
    # sign asked about is still a miss in recall (strict), a negative asked about is no false alarm.
    asked: dict[str, int] = field(default_factory=lambda: {"on_signs": 0, "on_negatives": 0})


def miss(kind: str, text: str, expected: Any, got: Any) -> dict[str, Any]:
    return {"kind": kind, "text": text, "expected": expected, "got": got}


def _tally(tallies: dict[str, Tally], style: str, hit: bool) -> None:
    tallies["all"].add(hit)
    if style in tallies:
        tallies[style].add(hit)


def score_signs(item: dict[str, Any], got: set[str], scores: PhrasingScores, asked: set[str] = frozenset()) -> None:
    """Recall per expected sign; on a negative item any sign is a false alarm, elsewhere an unexpected one is extra."""
    text, style = item["text"], item.get("style", "")
    expected = {str(sign) for sign in item.get("red_flags") or []}
    if asked - got:
        scores.asked["on_negatives" if item.get("negative") else "on_signs"] += 1
    for sign in sorted(expected):
        hit = sign in got
        _tally(scores.recall, style, hit)
        if sign in EMERGENCY_SIGNS:
            _tally(scores.emergency, style, hit)
        _tally(scores.per_sign.setdefault(sign, {key: Tally() for key in ("all", *STYLES)}), style, hit)
        if not hit:
            kind = "asked about, not caught" if sign in asked else "missed warning sign"
            scores.misses.append(miss(kind, text, sign, sorted(got)))
    if item.get("negative"):
        _tally(scores.false_alarms, style, bool(got))
        if got:
            scores.misses.append(miss("false alarm", text, [], sorted(got)))
    elif got - expected:
        scores.extra_signs += len(got - expected)
        scores.misses.append(miss("extra warning sign", text, sorted(expected), sorted(got)))


def score_entities(item: dict[str, Any], parse: dict[str, Any], scores: PhrasingScores) -> None:
    """Set precision/recall per type; a type the item does not list is not scored (red_flag always is)."""
    annotated = item.get("entities")
    if not isinstance(annotated, dict):
        return
    wanted = {key: value for key, value in annotated.items() if key in ENTITY_TYPES and key != "red_flag"}
    wanted["red_flag"] = item.get("red_flags") or []
    for entity_type, values in wanted.items():
        expected, got = {str(value) for value in values or []}, values_of(parse, entity_type)
        counts = scores.entity_counts[entity_type]
        counts[0] += len(expected & got)
        counts[1] += len(got - expected)
        counts[2] += len(expected - got)
        if expected != got:
            scores.misses.append(miss(f"entity {entity_type}", item["text"], sorted(expected), sorted(got)))


def score_pain(item: dict[str, Any], parse: dict[str, Any], scores: PhrasingScores) -> None:
    if item.get("pain_score") is None:
        return
    expected, got = str(item["pain_score"]), pain_score_of(parse)
    scores.pain.add(got == expected)
    if got != expected:
        scores.misses.append(miss("pain score", item["text"], expected, got))


def score_intake_facts(item: dict[str, Any], scores: PhrasingScores) -> None:
    """Cautions and treatment so far, where the item labels them (``cautions: []`` is a look-alike)."""
    treatment = read_treatment([item["text"]])
    if isinstance(item.get("cautions"), list):
        expected = set(item["cautions"])
        got = set(read_cautions([item["text"]])) | set(treatment_cautions(treatment))
        scores.cautions.add(got == expected)
        if got != expected:
            scores.misses.append(miss("cautions", item["text"], sorted(expected), sorted(got)))
    if "treatment" in item:
        wanted = item["treatment"] if isinstance(item["treatment"], dict) else {}
        got_told = treatment.as_dict() if treatment.told else {}
        right = all(got_told.get(key) == value for key, value in wanted.items()) and bool(got_told) == bool(wanted)
        scores.treatment.add(right)
        if not right:
            scores.misses.append(miss("treatment", item["text"], wanted, got_told))


def score_phrasings(items: Sequence[dict[str, Any]], parses: Sequence[dict[str, Any]]) -> PhrasingScores:
    """Every single-message figure, from the items and what /model/parse said about each."""
    scores = PhrasingScores()
    for item, parse in zip(items, parses, strict=True):
        score_signs(item, predicted_signs(parse), scores, signs_to_confirm(parse))
        score_entities(item, parse, scores)
        score_pain(item, parse, scores)
        score_intake_facts(item, scores)
    return scores


def phrasing_summary(scores: PhrasingScores) -> dict[str, Any]:
    entity = {t: f1_scores(*counts) for t, counts in scores.entity_counts.items()}
    totals = [sum(counts[i] for counts in scores.entity_counts.values()) for i in range(3)]
    return {
        "recall": {key: tally.as_dict() for key, tally in scores.recall.items()},
        "emergency_recall": {key: tally.as_dict() for key, tally in scores.emergency.items()},
        "per_sign": {sign: {key: tally.as_dict() for key, tally in styles.items()}
                     for sign, styles in sorted(scores.per_sign.items())},
        "false_alarms": {key: tally.as_dict() for key, tally in scores.false_alarms.items()},
        "extra_signs": scores.extra_signs,
        "entities": entity,
        "entity_overall": f1_scores(*totals),
        "pain_score": scores.pain.as_dict(),
        "cautions": scores.cautions.as_dict(),
        "treatment": scores.treatment.as_dict(),
        "asked_to_confirm": dict(scores.asked),
        "misses": len(scores.misses),
    }


# --------------------------------------------------------------------------- the scripted client


@dataclass(frozen=True)
class DialogueState:
    """What the tracker says the assistant is waiting for after its reply."""

    requested_slot: str | None = None
    active_loop: str | None = None
    screening_step: str | None = None
    pending_sign: str | None = None


@dataclass(frozen=True)
class SlotAsks:
    """Which slot the client answered last and how many times in a row, so a repeated question gets a fallback."""

    slot: str | None = None
    times: int = 0


@dataclass(frozen=True)
class Decision:
    answer: str | None  # None: the assessment arrived, the conversation is over
    asks: SlotAsks
    rule: int


def read_state(tracker: dict[str, Any]) -> DialogueState:
    slots = tracker.get("slots") or {}
    loop = tracker.get("active_loop") or {}
    return DialogueState(requested_slot=slots.get("requested_slot"), active_loop=loop.get("name"),
                         screening_step=slots.get("screening_step"), pending_sign=slots.get("pending_sign"))


def find_assessment(replies: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    for message in replies:
        custom = message.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get("assessment"), dict):
            return custom["assessment"]
    return None


def load_groups(path: Path) -> dict[str, set[str]] | None:
    """Warning-sign groups of the safety check; None (every group holds every sign) when the file is absent."""
    if not path.exists():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(group_id): {str(sign) for sign in (group or {}).get("members") or []}
            for group_id, group in (data.get("groups") or {}).items()}


def group_members(group_id: str, groups: dict[str, set[str]] | None) -> set[str]:
    if groups is None or group_id not in groups:
        return set(ALL_SIGNS)
    return groups[group_id]


def last_bot_message(replies: Sequence[dict[str, Any]]) -> dict[str, Any]:
    for message in reversed(replies):
        if message.get("text") or message.get("buttons"):
            return message
    return {}


def invites_yes(message: dict[str, Any]) -> bool:
    """A greeting button, an "are you ready" button or a question: a plain yes moves things on."""
    payloads = {str(button.get("payload", "")).strip() for button in message.get("buttons") or []}
    return bool(payloads & set(YES_PAYLOADS)) or str(message.get("text") or "").rstrip().endswith("?")


def slot_answer(slot: str, scenario: dict[str, Any], asks: SlotAsks) -> tuple[str, SlotAsks]:
    """The scenario's answer; once more if asked again at once; then "not sure", so a stuck form cannot spin."""
    times = asks.times + 1 if asks.slot == slot else 1
    answer = as_answer((scenario.get("answers") or {}).get(slot)) if times <= 2 else NOT_SURE
    return answer, SlotAsks(slot, times)


def screening_answer(state: DialogueState, scenario: dict[str, Any], groups: dict[str, set[str]] | None) -> str | None:
    """Rules 2-4: the yes/no questions of the safety check, answered from the signs the client has."""
    has = {str(sign) for sign in scenario.get("has") or []}
    if state.pending_sign:
        return "yes" if state.pending_sign in has else "no"
    if state.requested_slot != "red_flags" or not state.screening_step:
        return None
    if state.screening_step.startswith(GROUP_STEPS):
        return "yes" if has & group_members(state.screening_step.split(":", 1)[1], groups) else "no"
    if state.screening_step == "confirm":
        if not has:
            return NONE_OF_THOSE
        answer = (scenario.get("answers") or {}).get("red_flags")
        return "yes" if answer is None else as_answer(answer)
    return None


def decide(replies: Sequence[dict[str, Any]], state: DialogueState, scenario: dict[str, Any],
           groups: dict[str, set[str]] | None, asks: SlotAsks) -> Decision:
    """The scripted client's next message, by the first rule that applies.

    1. an assessment arrived: stop (None); 2. a yes/no question about one sign: yes if the
    client has it; 3. a group of signs: yes if the client has one of them; 4. the final
    "none of these?": "no, none of those" or the scenario's answer; 5. a form question: the
    scenario's answer (again once if asked at once again, then "not sure"); 6. otherwise
    "yes" to a question or a greeting button, else ask for the check. A client this simple
    is the point: the assistant must cope with short, literal answers.
    """
    if find_assessment(replies) is not None:
        return Decision(None, SlotAsks(), 1)
    screening = screening_answer(state, scenario, groups)
    if screening is not None:
        rule = 2 if state.pending_sign else (3 if str(state.screening_step).startswith(GROUP_STEPS) else 4)
        return Decision(screening, SlotAsks(), rule)
    if state.requested_slot:
        answer, asks = slot_answer(state.requested_slot, scenario, asks)
        return Decision(answer, asks, 5)
    return Decision("yes" if invites_yes(last_bot_message(replies)) else START_CHECK, SlotAsks(), 6)


def judge(assessment: dict[str, Any] | None, expect: dict[str, Any]) -> dict[str, bool]:
    """One check per expectation; without an assessment every check fails."""
    if assessment is None:
        return {"result": False}
    checks: dict[str, bool] = {"result": True}
    triage = assessment.get("triage")
    if expect.get("triage") is not None:
        checks["triage"] = triage == expect["triage"]
    got_signs = set(assessment.get("red_flags") or [])
    if expect.get("red_flags"):
        checks["red_flags"] = set(expect["red_flags"]) <= got_signs
    if expect.get("triage") in SAFETY_TRIAGE or triage in SAFETY_TRIAGE:
        checks["no_culprits"] = not assessment.get("culprits")
    if expect.get("top_muscles"):
        top = [culprit.get("muscle") for culprit in (assessment.get("culprits") or [])[:TOP_CULPRITS]]
        checks["top_muscles"] = bool(set(expect["top_muscles"]) & set(top))
    # Emergency and urgent advice comes at once, before the pain questions, by design: a score
    # or a duration expected there is not judged.
    stops_early = expect.get("triage") in SAFETY_TRIAGE
    if expect.get("pain_score") is not None and not stops_early:
        checks["pain_score"] = str(assessment.get("pain_score")) == str(expect["pain_score"])
    if expect.get("duration_category") is not None and not stops_early:
        checks["duration_category"] = (assessment.get("duration") or {}).get("category") == expect["duration_category"]
    if expect.get("cautions"):
        checks["cautions"] = set(expect["cautions"]) <= set(assessment.get("cautions") or [])
    treatment = expect.get("previous_treatment")
    if isinstance(treatment, dict) and not stops_early:
        told = assessment.get("previous_treatment") or {}
        checks["previous_treatment"] = all(told.get(key) == value for key, value in treatment.items())
    return checks


def repeated_texts(bot_texts: Iterable[str]) -> list[str]:
    """Bot texts said LOOP_REPEATS times or more: the conversation went round in a circle."""
    counts: dict[str, int] = {}
    for text in bot_texts:
        counts[text] = counts.get(text, 0) + 1
    return [text for text, count in counts.items() if count >= LOOP_REPEATS]


Say = Callable[[str, str], list[dict[str, Any]]]
GetTracker = Callable[[str], dict[str, Any]]


def run_scenario(scenario: dict[str, Any], say: Say, get_tracker: GetTracker,
                 groups: dict[str, set[str]] | None, turn_limit: int = TURN_LIMIT) -> dict[str, Any]:
    """Drive one conversation to its assessment or the turn limit; the transport is passed in so tests can fake it."""
    sender = f"eval-{str(scenario.get('id', 'scenario'))[:60]}-{uuid.uuid4().hex[:12]}"
    message, asks, turns, assessment = as_answer(scenario.get("opening")), SlotAsks(), [], None
    while message is not None and len(turns) < turn_limit:
        try:
            replies = say(sender, message)
            state = read_state(get_tracker(sender))
        except (OSError, ValueError) as error:
            # A failed request fails this conversation, not the whole run (URLError is an OSError).
            turns.append({"client": message, "bot": [], "requested_slot": None, "error": repr(error)})
            break
        turns.append({"client": message, "bot": [r["text"] for r in replies if r.get("text")],
                      "requested_slot": state.requested_slot, "active_loop": state.active_loop,
                      "screening_step": state.screening_step, "pending_sign": state.pending_sign})
        decision = decide(replies, state, scenario, groups, asks)
        turns[-1]["rule"] = decision.rule
        assessment = find_assessment(replies)
        message, asks = decision.answer, decision.asks
    return conversation_result(scenario, turns, assessment)


def conversation_result(scenario: dict[str, Any], turns: list[dict[str, Any]],
                        assessment: dict[str, Any] | None) -> dict[str, Any]:
    checks = judge(assessment, scenario.get("expect") or {})
    loops = repeated_texts(text for turn in turns for text in turn["bot"])
    return {
        "id": scenario.get("id"), "style": scenario.get("style"),
        "expected_triage": (scenario.get("expect") or {}).get("triage"),
        "client_messages": len(turns), "hit_turn_limit": assessment is None and len(turns) >= TURN_LIMIT,
        "error": next((turn["error"] for turn in turns if "error" in turn), None),
        "checks": checks, "right_triage": checks.get("triage", checks["result"]) and checks["result"],
        "fully_right": all(checks.values()), "looped": bool(loops), "repeated_texts": loops,
        "slots_asked": [turn["requested_slot"] for turn in turns if turn["requested_slot"]],
        "assessment": assessment, "turns": turns,
    }


def conversation_summary(results: Sequence[dict[str, Any]]) -> dict[str, Any]:
    total = len(results)
    safety = [r for r in results if r["expected_triage"] in SAFETY_TRIAGE]
    safe = sum(r["right_triage"] and r["checks"].get("no_culprits", False) for r in safety)
    finished = [r["client_messages"] for r in results if r["assessment"] is not None]
    return {
        "total": total,
        "right_triage": {"hits": sum(r["right_triage"] for r in results), "total": total,
                         "rate": ratio(sum(r["right_triage"] for r in results), total)},
        "fully_right": {"hits": sum(r["fully_right"] for r in results), "total": total,
                        "rate": ratio(sum(r["fully_right"] for r in results), total)},
        "safety": {"hits": safe, "total": len(safety), "rate": ratio(safe, len(safety))},
        "loops": sum(r["looped"] for r in results),
        "median_client_messages": statistics.median(finished) if finished else None,
        "hit_turn_limit": sum(r["hit_turn_limit"] for r in results),
        "request_errors": sum(r["error"] is not None for r in results),
        "failed": [{"id": r["id"], "failed_checks": [k for k, ok in r["checks"].items() if not ok]}
                   for r in results if not r["fully_right"]],
    }


# --------------------------------------------------------------------------- gate and table


def gate_figures(summary: dict[str, Any]) -> dict[str, float | None]:
    phrasings, conversations = summary["phrasings"], summary["conversations"]
    return {
        "emergency_recall": phrasings["emergency_recall"]["all"]["rate"],
        "recall": phrasings["recall"]["all"]["rate"],
        "false_alarm_rate": phrasings["false_alarms"]["all"]["rate"],
        "entity_f1": phrasings["entity_overall"]["f1"],
        "triage_rate": conversations["right_triage"]["rate"],
        "safety_rate": conversations["safety"]["rate"],
        "loops": conversations["loops"],
        "median_turns": conversations["median_client_messages"],
    }


def read_thresholds(environ: dict[str, str]) -> dict[str, float]:
    thresholds = {}
    for name, (variable, default, _) in THRESHOLDS.items():
        try:
            thresholds[name] = float(environ.get(variable, default))
        except ValueError:
            raise SystemExit(f"{variable} must be a number, not {environ[variable]!r}") from None
    return thresholds


def gate_failures(figures: dict[str, float | None], thresholds: dict[str, float]) -> list[str]:
    """Each figure past its threshold, in words; a figure with nothing measured fails too (it proves nothing)."""
    failures = []
    for name, (variable, _, at_least) in THRESHOLDS.items():
        value, limit = figures.get(name), thresholds[name]
        if value is None:
            failures.append(f"{name}: nothing measured ({variable}={limit:g})")
        elif (value < limit) if at_least else (value > limit):
            failures.append(f"{name} = {value:.3g}, {'below' if at_least else 'above'} {variable}={limit:g}")
    return failures


def shown(tally: dict[str, Any]) -> str:
    if not tally["total"]:
        return "-"
    return f"{tally['hits']}/{tally['total']} ({100 * tally['rate']:.1f}%)"


def shown_f1(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def format_table(summary: dict[str, Any]) -> str:
    p, c = summary["phrasings"], summary["conversations"]
    rows = [("Warning-sign recall, all", shown(p["recall"]["all"])),
            *((f"  {style}", shown(p["recall"][style])) for style in STYLES),
            ("Emergency-sign recall", shown(p["emergency_recall"]["all"])),
            *((f"  {style}", shown(p["emergency_recall"][style])) for style in STYLES)]
    rows += [(f"  {sign}", f"plain {shown(s['plain'])}   realistic {shown(s['realistic'])}")
             for sign, s in p["per_sign"].items()]
    rows += [("False alarms (negatives with a sign)", shown(p["false_alarms"]["all"])),
             ("Extra signs on other messages", str(p["extra_signs"])),
             ("Signs asked about (yes/no), not decided", "on negatives {on_negatives}, on signs {on_signs}".format(
                 **p.get("asked_to_confirm", {"on_negatives": 0, "on_signs": 0})))]
    rows += [(f"Entity F1, {t}", shown_f1(p["entities"][t]["f1"])) for t in ENTITY_TYPES]
    rows += [("Entity F1, overall (micro)", shown_f1(p["entity_overall"]["f1"])),
             ("Pain scores read right", shown(p["pain_score"])),
             ("Cautions read right", shown(p["cautions"]) if "cautions" in p else "-"),
             ("Treatment so far read right", shown(p["treatment"]) if "treatment" in p else "-"),
             ("Conversations, right triage", shown(c["right_triage"])),
             ("Conversations, fully right", shown(c["fully_right"])),
             ("Emergency/urgent handled right", shown(c["safety"])),
             ("Conversations that looped", f"{c['loops']} of {c['total']}"),
             ("Median client messages to a result", "-" if c["median_client_messages"] is None
              else f"{c['median_client_messages']:g}"),
             ("Conversations at the turn limit", f"{c['hit_turn_limit']} of {c['total']}"),
             ("Conversations cut by a request error", f"{c['request_errors']} of {c['total']}")]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def format_misses(misses: Sequence[dict[str, Any]], conversations: Sequence[dict[str, Any]]) -> str:
    lines = [f"[{m['kind']}] {m['text']!r}\n    expected: {m['expected']}\n    got:      {m['got']}" for m in misses]
    for result in conversations:
        if not result["fully_right"]:
            failed = [name for name, ok in result["checks"].items() if not ok]
            got = result["assessment"] or {}
            lines.append(f"[conversation] {result['id']}: failed {failed}; triage {got.get('triage')}, "
                         f"red flags {got.get('red_flags')}, after {result['client_messages']} messages"
                         + (f"; error {result['error']}" if result["error"] else ""))
    return "\n".join(lines) + ("\n" if lines else "")


# --------------------------------------------------------------------------- HTTP and servers


class RasaClient:
    """The two Rasa HTTP calls a client makes plus the two an evaluator reads; stdlib only."""

    def __init__(self, url: str, token: str | None):
        self.url, self.token = url.rstrip("/"), token

    def _query(self, extra: dict[str, str] | None = None) -> str:
        query = {**({"token": self.token} if self.token else {}), **(extra or {})}
        return f"?{urllib.parse.urlencode(query)}" if query else ""

    def _json(self, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_S) as response:
            return json.loads(response.read())

    def parse(self, text: str) -> dict[str, Any]:
        return self._json("/model/parse" + self._query(), {"text": text})

    def say(self, sender: str, text: str) -> list[dict[str, Any]]:
        return self._json("/webhooks/rest/webhook", {"sender": sender, "message": text}) or []

    def tracker(self, sender: str) -> dict[str, Any]:
        # Slots and the active loop are all the client reads; the event list would only slow it down.
        path = f"/conversations/{urllib.parse.quote(sender, safe='')}/tracker"
        return self._json(path + self._query({"include_events": "NONE"}))


def rasa_executable() -> str:
    venv = ROOT / ".venv" / "bin" / "rasa"
    return str(venv if venv.exists() else Path(sys.executable).parent / "rasa")


class OwnServers:
    """The action server and Rasa server of one evaluation run, as tests/e2e/conftest.py's Servers starts them."""

    def __init__(self, workdir: Path, logdir: Path):
        self.workdir, self.logdir = workdir, logdir
        self.actions_port, self.rasa_port = free_port(), free_port()
        # Hex, never starting with "-": a token_urlsafe one sometimes did, and rasa run read it as an option.
        self.token = secrets.token_hex(24)
        self.endpoints = workdir / "endpoints.yml"
        self.endpoints.write_text(endpoints_text(self.actions_port, workdir / "conversations.db"))
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false",
                    "TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
        self.processes: list[subprocess.Popen] = []

    @property
    def url(self) -> str:
        return f"http://localhost:{self.rasa_port}"

    def _start(self, args: list[str], log: Path) -> subprocess.Popen:
        with log.open("w") as handle:
            process = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=handle, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        self.processes.append(process)
        return process

    def rasa_run_arguments(self) -> list[str]:
        """`rasa run`'s arguments; the token is glued to its option so that one starting with "-" stays a value."""
        return ["run", "--model", str(ROOT / "models"), "--endpoints", str(self.endpoints),
                "--credentials", str(ROOT / "credentials.yml"), "--port", str(self.rasa_port),
                "--enable-api", f"--auth-token={self.token}"]

    def start(self) -> None:
        rasa = rasa_executable()
        log = self.logdir / "actions.log"
        actions = self._start([rasa, "run", "actions", "--actions", "actions", "--port", str(self.actions_port)], log)
        wait_for(f"http://localhost:{self.actions_port}/health", actions, log, START_TIMEOUT_S)
        log = self.logdir / "rasa.log"
        server = self._start([rasa, *self.rasa_run_arguments()], log)
        wait_for(self.url + "/", server, log, START_TIMEOUT_S)
        self._warm_up(server, log)

    def _warm_up(self, server: subprocess.Popen, log: Path) -> None:
        """"/" answers before the model is loaded; a reply to a real message proves the whole chain."""
        client, deadline = RasaClient(self.url, self.token), time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise RuntimeError(f"Rasa exited early; see {log}")
            try:
                if client.say(f"warmup-{uuid.uuid4().hex}", "hello"):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(1)
        raise RuntimeError(f"Rasa never replied; see {log}")

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()


# --------------------------------------------------------------------------- the run


@dataclass(frozen=True)
class EvaluationSet:
    """One independent set: its messages, its conversations and the thresholds it is gated on."""

    name: str
    phrasings: Path
    scenarios: Path
    thresholds: dict[str, float]


def load_sets(path: Path) -> list[EvaluationSet]:
    """The sets of a sets file; a threshold it leaves out is the issue's target (THRESHOLDS' default)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    items = raw.get("sets")
    if not isinstance(items, list) or not items:
        raise SystemExit(f"{path}: expected a list of sets under 'sets:'")
    sets = []
    for item in items:
        name, gate = item.get("name"), item.get("gate") or {}
        unknown = set(gate) - set(THRESHOLDS)
        if not isinstance(name, str) or not name or unknown:
            raise SystemExit(f"{path}: set {name!r}: needs a name, and only the thresholds {sorted(THRESHOLDS)}")
        thresholds = {key: float(default) for key, (_, default, _) in THRESHOLDS.items()}
        thresholds.update({key: float(value) for key, value in gate.items()})
        sets.append(EvaluationSet(name, path.parent / item["phrasings"], path.parent / item["scenarios"], thresholds))
    return sets


def load_list(path: Path, key: str) -> list[dict[str, Any]]:
    if not path.exists():
        raise SystemExit(f"{path} not found")
    items = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get(key)
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise SystemExit(f"{path}: expected a list of mappings under '{key}:'")
    return items


def evaluate(client: RasaClient, phrasings: list[dict[str, Any]], scenarios: list[dict[str, Any]],
             groups: dict[str, set[str]] | None) -> tuple[dict[str, Any], PhrasingScores, list[dict[str, Any]]]:
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        parses = list(pool.map(lambda item: client.parse(as_answer(item.get("text"))), phrasings))
        logger.info("Parsed %d single messages; running %d conversations.", len(parses), len(scenarios))
        results = list(pool.map(lambda s: run_scenario(s, client.say, client.tracker, groups), scenarios))
    scores = score_phrasings([{**item, "text": as_answer(item.get("text"))} for item in phrasings], parses)
    summary = {"phrasings": phrasing_summary(scores), "conversations": conversation_summary(results)}
    return summary, scores, results


def write_outputs(out: Path, summary: dict[str, Any], scores: PhrasingScores, results: list[dict[str, Any]]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    (out / "misses.txt").write_text(format_misses(scores.misses, results))
    with (out / "conversations.jsonl").open("w") as handle:
        for result in results:
            handle.write(json.dumps(result) + "\n")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running Rasa server (started with --enable-api); default: start our own")
    parser.add_argument("--token", help="that server's --auth-token")
    parser.add_argument("--phrasings", type=Path, default=ROOT / "tests" / "evaluation" / "phrasings.yml")
    parser.add_argument("--scenarios", type=Path, default=ROOT / "tests" / "evaluation" / "scenarios.yml")
    parser.add_argument("--sets", type=Path, help="a file of sets with their thresholds (tests/evaluation/sets.yml)")
    parser.add_argument("--screening", type=Path, default=ROOT / "bot" / "knowledge" / "screening.yml",
                        help="the safety check's warning-sign groups")
    parser.add_argument("--gate", action="store_true", help="exit 1 when a figure misses its EVAL_* threshold")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "evaluation")
    return parser.parse_args(argv)


def _stop_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)  # runs the finally blocks, so our servers stop too


Outcome = tuple[dict[str, Any], PhrasingScores, list[dict[str, Any]]]


def run(args: argparse.Namespace, sets: list[EvaluationSet], groups: dict[str, set[str]] | None) -> list[Outcome]:
    """Evaluate every set against --url, or against one pair of servers of our own, stopped whatever happens."""
    def each(client: RasaClient) -> list[Outcome]:
        return [evaluate(client, load_list(one.phrasings, "phrasings"), load_list(one.scenarios, "scenarios"), groups)
                for one in sets]

    if args.url:
        return each(RasaClient(args.url, args.token))
    if not any((ROOT / "models").glob("*.tar.gz")):
        raise SystemExit("no trained model in models/: run `make train` first")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="evaluate-clients-") as workdir:
        servers = OwnServers(Path(workdir), args.out)
        try:
            logger.info("Starting the action server and Rasa (logs in %s).", args.out)
            servers.start()
            return each(RasaClient(servers.url, servers.token))
        finally:
            servers.stop()


def report(one: EvaluationSet, outcome: Outcome, out: Path) -> list[str]:
    """Write one set's results, print its table, and return its gate failures."""
    summary, scores, results = outcome
    figures = gate_figures(summary)
    failures = gate_failures(figures, one.thresholds)
    summary["gate"] = {"figures": figures, "thresholds": one.thresholds, "failures": failures}
    write_outputs(out, summary, scores, results)
    if one.name:
        print(f"\n=== {one.name}: {one.phrasings.parent} ===")
    print(format_table(summary))
    print(f"\nMisses: {out / 'misses.txt'}; summary: {out / 'summary.json'}; "
          f"transcripts: {out / 'conversations.jsonl'}")
    return [f"{one.name}: {failure}" if one.name else failure for failure in failures]


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    args = parse_args(argv)
    if args.sets:
        sets = load_sets(args.sets)
    else:
        sets = [EvaluationSet("", args.phrasings, args.scenarios, read_thresholds(dict(os.environ)))]
    for one in sets:  # a missing or malformed file stops the run before any server starts
        load_list(one.phrasings, "phrasings")
        load_list(one.scenarios, "scenarios")
    groups = load_groups(args.screening)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    outcomes = run(args, sets, groups)
    failures = [failure for one, outcome in zip(sets, outcomes, strict=True)
                for failure in report(one, outcome, args.out / one.name if one.name else args.out)]
    if not args.gate:
        return 0
    for failure in failures:
        print(f"GATE FAILED: {failure}")
    print("Gate passed." if not failures else f"Gate failed on {len(failures)} figure(s).")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
