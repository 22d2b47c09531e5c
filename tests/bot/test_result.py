"""The result every channel shows: JSON-ready and with a fixed shape."""

import json

import pytest

RICH = {"activities": ["sitting", "driving"], "pain_locations": ["buttock", "down_the_leg"],
        "symptoms": ["tingling"], "pain_score": 5, "duration": "3 weeks", "words": {"driving": "long drives"}}


@pytest.mark.parametrize("extra", [{}, {"pain_score": 8}, {"red_flags": ["fever"]}, {"red_flags": ["chest_pain"]}],
                         ids=["massage_ok", "see_doctor_first", "urgent", "emergency"])
def test_result_shape_and_json(run, extra):
    result = run(**{**RICH, **extra})
    assert json.loads(json.dumps(result)) == result
    for key in ("triage", "red_flags", "culprits", "pain_score", "severity", "duration", "activities",
                "pain_locations", "symptoms", "suggestions", "disclaimer"):
        assert key in result
    assert set(result["duration"]) >= {"days", "category"}
    assert result["duration"]["days"] == 21 and result["duration"]["category"] == "acute"
    for culprit in result["culprits"]:
        assert set(culprit) >= {"muscle", "name", "score", "reasons"}
        assert isinstance(culprit["score"], int) and culprit["reasons"]
    for suggestion in result["suggestions"]:
        assert set(suggestion) == {"id", "text"}
        assert suggestion["text"] and "  " not in suggestion["text"]
    assert result["disclaimer"] and "{" not in result["disclaimer"]


def test_result_echoes_the_canonical_answers(run):
    result = run(**RICH)
    assert result["activities"] == ["sitting", "driving"]
    assert result["pain_locations"] == ["buttock", "down_the_leg"]
    assert result["symptoms"] == ["tingling"]
    assert result["pain_score"] == 5 and result["severity"] == "moderate"
    assert result["duration"]["text"] == "3 weeks"
    assert result["culprits"][0]["muscle"] == "piriformis"
    assert '"long drives"' in " ".join(result["culprits"][0]["reasons"])
