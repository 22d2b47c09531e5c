"""The plain-text result: two messages, safety first, muscles only where massage may follow."""

import json
from collections.abc import Callable
from typing import Any

import pytest

from bot.duration import describe_days
from bot.knowledge import MUSCLE_LEVELS, SAFETY_LEVELS, Knowledge
from bot.summary import MAX_MUSCLES_SHOWN, MAX_REASONS_SHOWN, render_summary, summary_messages

Run = Callable[..., dict[str, Any]]
MUSCLE_PICTURE = {"activities": ["sitting"], "pain_locations": ["back_of_thigh"], "symptoms": ["tightness"]}
ANSWERS = {
    "emergency": {"red_flags": ["chest_pain", "bladder_bowel"], **MUSCLE_PICTURE},
    "urgent": {"red_flags": ["fever"], **MUSCLE_PICTURE},
    "see_doctor_first": {"pain_score": 8, "symptoms": ["numbness", "tightness"], "activities": ["sitting"]},
    "massage_ok": {"pain_score": 3, "duration": "3 weeks", **MUSCLE_PICTURE},
}
LEVELS = sorted(ANSWERS)


def made_up_culprits(count: int, reasons: int) -> list[dict[str, Any]]:
    """Culprits whose every word is unique, so what is shown and what is left out can both be checked."""
    return [{"muscle": f"m{n}", "name": f"muscle number {n}", "score": 10 - n, "where": f"place number {n}",
             "why": f"cause number {n}", "reasons": [f"reason {n}.{r}" for r in range(reasons)]}
            for n in range(count)]


@pytest.mark.parametrize("level", LEVELS)
def test_two_messages_that_render_joined(run: Run, knowledge: Knowledge, level: str) -> None:
    """Text channels send the two messages; the terminal prints the same two, joined."""
    result = run(**ANSWERS[level])
    assert result["triage"] == level
    messages = summary_messages(result, knowledge)
    assert len(messages) == 2 and all(messages)
    assert messages == [message.strip() for message in messages]
    assert render_summary(result, knowledge) == "\n\n".join(messages)


@pytest.mark.parametrize("level", LEVELS)
def test_the_first_message_is_the_whole_safety_advice(run: Run, knowledge: Knowledge, level: str) -> None:
    """Urgent and emergency replies send the first message alone, with the disclaimer added once."""
    result = run(**ANSWERS[level])
    first, second = summary_messages(result, knowledge)
    assert first.startswith(result["triage_advice"]["title"])
    assert result["triage_advice"]["action"] in first
    assert result["triage_reasons"] or level == "massage_ok"
    for reason in result["triage_reasons"]:
        assert reason in first and reason not in second
    if result["triage_reasons"]:
        assert knowledge.say("summary_why", reasons="; ".join(result["triage_reasons"])) in first.splitlines()
    assert result["disclaimer"] not in first
    assert second.endswith(result["disclaimer"])


@pytest.mark.parametrize("level", LEVELS)
def test_suggestions_are_in_the_second_message_in_order(run: Run, knowledge: Knowledge, level: str) -> None:
    result = run(**ANSWERS[level])
    first, second = summary_messages(result, knowledge)
    texts = [item["text"] for item in result["suggestions"]]
    assert bool(texts) is (level in MUSCLE_LEVELS)
    if texts:
        assert second.splitlines()[0] == knowledge.say("summary_next_steps")
    positions = [second.index(text) for text in texts]
    assert positions == sorted(positions)
    for text in texts:
        assert text not in first


@pytest.mark.parametrize("level", SAFETY_LEVELS)
def test_without_suggestions_the_second_message_is_the_disclaimer(run: Run, knowledge: Knowledge,
                                                                  level: str) -> None:
    result = run(**ANSWERS[level])
    assert summary_messages(result, knowledge)[1] == result["disclaimer"]


def test_nothing_reported_gives_the_advice_and_no_muscle(run: Run, knowledge: Knowledge) -> None:
    result = run()
    advice = result["triage_advice"]
    first = summary_messages(result, knowledge)[0]
    assert first.splitlines() == [f"{advice['title']}.", advice["action"], "", knowledge.messages["no_culprits"]]


@pytest.mark.parametrize("level,shown", [("emergency", False), ("urgent", False), ("see_doctor_first", True),
                                         ("massage_ok", True)])
def test_no_culprits_is_said_only_where_muscles_may_be_discussed(run: Run, knowledge: Knowledge, level: str,
                                                                 shown: bool) -> None:
    answers = {key: value for key, value in ANSWERS[level].items() if key in ("red_flags", "pain_score")}
    result = run(**answers)
    assert result["triage"] == level and result["culprits"] == []
    assert (knowledge.messages["no_culprits"] in render_summary(result, knowledge)) is shown


def test_massage_ok_muscles_have_the_intro_but_no_caveat(run: Run, knowledge: Knowledge) -> None:
    result = run(**ANSWERS["massage_ok"])
    first = summary_messages(result, knowledge)[0]
    assert result["culprits"]
    assert knowledge.messages["culprits_intro"] in first
    assert knowledge.messages["culprits_caveat"] not in first
    assert knowledge.messages["no_culprits"] not in first


@pytest.mark.parametrize("level", MUSCLE_LEVELS)
def test_at_most_three_muscles_with_three_reasons_each(run: Run, knowledge: Knowledge, level: str) -> None:
    """A worried person reads the likeliest few, not the whole ranking."""
    culprits = made_up_culprits(MAX_MUSCLES_SHOWN + 2, MAX_REASONS_SHOWN + 2)
    result = {**run(**ANSWERS[level]), "culprits": culprits}
    first, second = summary_messages(result, knowledge)
    shown, hidden = culprits[:MAX_MUSCLES_SHOWN], culprits[MAX_MUSCLES_SHOWN:]
    positions = [first.index(culprit["name"].capitalize()) for culprit in shown]
    assert positions == sorted(positions), "in the order of the ranking"
    for culprit in shown:
        assert culprit["where"] in first and culprit["why"] in first
        assert culprit["name"] not in first, "the name starts its line with a capital"
        for reason in culprit["reasons"][:MAX_REASONS_SHOWN]:
            assert reason in first
        for reason in culprit["reasons"][MAX_REASONS_SHOWN:]:
            assert reason not in first
    for culprit in hidden:
        for text in (culprit["name"].capitalize(), culprit["where"], culprit["why"], *culprit["reasons"]):
            assert text not in first and text not in second


def test_the_name_keeps_its_own_capitals_after_the_first_letter(run: Run, knowledge: Knowledge) -> None:
    culprit = {**made_up_culprits(1, 1)[0], "name": "quadratus lumborum (QL)"}
    result = {**run(**ANSWERS["massage_ok"]), "culprits": [culprit]}
    assert "Quadratus lumborum (QL)" in summary_messages(result, knowledge)[0]


@pytest.mark.parametrize("level", SAFETY_LEVELS)
def test_no_facts_at_red_flag_levels(run: Run, knowledge: Knowledge, level: str) -> None:
    """Only the way to a doctor: nothing that reads like a massage consultation."""
    with_facts = run(pain_score=5, duration="3 weeks", **ANSWERS[level])
    without = run(**ANSWERS[level])
    assert summary_messages(with_facts, knowledge) == summary_messages(without, knowledge)


def test_facts_are_added_at_the_end_of_the_first_message(run: Run, knowledge: Knowledge) -> None:
    plain = summary_messages(run(**MUSCLE_PICTURE), knowledge)[0].splitlines()
    told = summary_messages(run(pain_description="just a niggle", duration="3 weeks", **MUSCLE_PICTURE),
                            knowledge)[0].splitlines()
    assert told[:len(plain)] == plain
    extra = told[len(plain):]
    facts = [knowledge.say("summary_severity", severity="mild"),
             knowledge.say("summary_duration", duration=describe_days(21), category="acute")]
    assert extra == ["", knowledge.say("summary_facts", facts=", ".join(facts))]


@pytest.mark.parametrize("answers", [{"duration": "since easter"}, {"pain_description": "it is what it is"}])
def test_unreadable_facts_are_left_out(run: Run, knowledge: Knowledge, answers: dict[str, str]) -> None:
    """A duration or rating we could not read is not reported back as if we had."""
    result = run(**answers, **MUSCLE_PICTURE)
    assert result["duration"]["days"] is None and result["severity"] is None
    assert summary_messages(result, knowledge) == summary_messages(run(**MUSCLE_PICTURE), knowledge)


def test_a_result_stored_as_json_reads_the_same(run: Run, knowledge: Knowledge) -> None:
    """The conversation keeps the result in a slot and shows it again on request."""
    result = run(**ANSWERS["see_doctor_first"], duration="2 yrs")
    assert summary_messages(json.loads(json.dumps(result)), knowledge) == summary_messages(result, knowledge)


def test_a_result_without_the_facts_still_reads(run: Run, knowledge: Knowledge) -> None:
    """A stored result without pain or duration (an older slot) still gives the advice."""
    result = run(pain_score=3, duration="3 weeks", **MUSCLE_PICTURE)
    bare = {key: value for key, value in result.items() if key not in ("pain_score", "severity", "duration")}
    assert summary_messages(bare, knowledge) == summary_messages(run(**MUSCLE_PICTURE), knowledge)


def test_what_the_therapist_must_know_comes_before_the_next_steps(run: Run, knowledge: Knowledge) -> None:
    result = run(cautions=["pregnancy", "blood_thinners"])
    second = summary_messages(result, knowledge)[1].splitlines()
    start = second.index(knowledge.say("summary_tell_therapist"))
    assert second[start + 1:start + 3] == [f"- {note}" for note in result["therapist_notes"]]
    assert start < second.index(knowledge.say("summary_next_steps"))
    assert knowledge.say("summary_tell_therapist") not in render_summary(run(), knowledge)
