"""``python -m bot assess`` run the way a therapist would run it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.summary import render_summary

ROOT = Path(__file__).resolve().parents[2]


def cli(*args, env=None):
    environment = {key: value for key, value in os.environ.items() if key != "CLINIC_CONFIG"}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "bot", "assess", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=60)


QL_ARGS = ["--activity", "leaning_over", "--activity", "lifting", "--location", "low_back_one_side",
           "--pain-score", "4", "--duration", "3 weeks"]


def test_json_output():
    done = cli(*QL_ARGS, "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["triage"] == "massage_ok"
    assert result["culprits"][0]["muscle"] == "quadratus_lumborum"
    assert result["duration"]["days"] == 21 and result["duration"]["category"] == "acute"
    assert result["pain_score"] == 4 and result["severity"] == "moderate"
    assert "find_therapist" in [s["id"] for s in result["suggestions"]]


def test_summary_names_the_top_muscle():
    done = cli(*QL_ARGS)
    assert done.returncode == 0, done.stderr
    assert "Quadratus lumborum (QL)" in done.stdout
    assert "about 3 weeks (acute)" in done.stdout
    with pytest.raises(json.JSONDecodeError):
        json.loads(done.stdout)


def test_flags_reach_the_engine():
    done = cli("--red-flag", "fever", "--pain-words", "unbearable", "--inflammation", "--recent-injury",
               "--spasm-not-releasing", "--no-change-after-two-sessions", "--symptom", "numbness", "--json")
    result = json.loads(done.stdout)
    assert result["triage"] == "urgent"
    assert result["severity"] == "severe" and result["inflammation"] and result["recent_injury"]
    assert result["symptoms"] == ["numbness"]


def test_emergency_number_comes_from_clinic_config(tmp_path):
    clinic_file = tmp_path / "clinic.yml"
    clinic_file.write_text('name: Test Clinic\nemergency_number: "112"\n', encoding="utf-8")
    done = cli("--red-flag", "bladder_bowel", "--json", env={"CLINIC_CONFIG": str(clinic_file)})
    result = json.loads(done.stdout)
    assert result["triage"] == "emergency"
    assert "call 112" in result["triage_advice"]["action"]


@pytest.mark.parametrize("option,value,valid", [
    ("--activity", "yoga", "leaning_over"),
    ("--location", "elbow", "low_back_one_side"),
    ("--red-flag", "headache", "bladder_bowel"),
])
def test_unknown_value_exits_2_and_lists_valid_values(option, value, valid):
    done = cli(option, value)
    assert done.returncode == 2
    assert done.stdout == ""
    assert f"unknown {option} '{value}'" in done.stderr
    assert "Valid values:" in done.stderr and valid in done.stderr


def test_pain_score_outside_scale_exits_2():
    done = cli("--pain-score", "11")
    assert done.returncode == 2
    assert "0-10" in done.stderr or "invalid choice" in done.stderr


def _muscle_words(knowledge):
    words = set()
    for muscle in knowledge.muscles.values():
        words |= {muscle.key, muscle.name.split(" (")[0], muscle.where}
    return {word.lower() for word in words}


def test_emergency_summary_names_no_muscle(run, knowledge):
    result = run(red_flags=["saddle_numbness"], activities=["sitting"], pain_locations=["buttock"])
    text = render_summary(result, knowledge).lower()
    assert "112" in text
    for word in _muscle_words(knowledge):
        assert word not in text


@pytest.mark.parametrize("level", ["emergency", "urgent"])
def test_summary_guards_muscles_even_if_a_result_carries_them(run, knowledge, level):
    result = run(activities=["sitting"], pain_locations=["back_of_thigh"], symptoms=["tightness"])
    assert result["culprits"]
    forged = {**result, "triage": level}
    text = render_summary(forged, knowledge).lower()
    for word in _muscle_words(knowledge):
        assert word not in text


def test_see_doctor_first_summary_shows_muscles_with_the_caveat(run, knowledge):
    result = run(pain_score=8, activities=["sitting"], pain_locations=["back_of_thigh"], symptoms=["tightness"])
    text = render_summary(result, knowledge)
    assert "Hamstrings" in text
    assert knowledge.messages["culprits_caveat"] in text
    assert "pain 8/10 (severe)" in text


def test_summary_for_pain_that_started_today(run, knowledge):
    text = render_summary(run(duration="this morning", pain_score=2), knowledge)
    assert "for less than a day (acute)" in text
