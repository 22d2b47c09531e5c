"""One assessment, built in one place: validated input, triage first, the clinic's details filled in."""

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from bot.assessment import UNKNOWN, AssessmentInput, UnknownValueError, assess, canonical
from bot.clinic import Clinic, default_clinic
from bot.knowledge import SAFETY_LEVELS, Knowledge
from bot.screening import default_screening

Run = Callable[..., dict[str, Any]]
SCREENING = default_screening()
GROUP_IDS = [group.id for group in SCREENING.groups]
# Enough muscle evidence that culprits would appear if triage allowed it.
MUSCLE_PICTURE = {"activities": ["sitting", "driving"], "pain_locations": ["buttock"], "symptoms": ["dull_ache"]}
LEVEL_ANSWERS = {"emergency": {"red_flags": ["chest_pain"]}, "urgent": {"red_flags": ["fever"]},
                 "see_doctor_first": {"pain_score": 8}, "massage_ok": {"pain_score": 2}}


# --- canonical values ---------------------------------------------------------------------------


def test_canonical_keeps_first_order_and_drops_repeats_and_unknown(knowledge: Knowledge) -> None:
    values = ["driving", UNKNOWN, "sitting", "driving", UNKNOWN]
    assert canonical(values, "activity", knowledge) == ["driving", "sitting"]


@pytest.mark.parametrize("values", [None, [], [UNKNOWN]])
def test_canonical_of_nothing_is_empty(knowledge: Knowledge, values: list[str] | None) -> None:
    assert canonical(values, "symptom", knowledge) == []


def test_canonical_checks_against_the_named_category(knowledge: Knowledge) -> None:
    """A real value of another category is still refused: a red flag is no activity."""
    assert canonical(["fever"], "red_flag", knowledge) == ["fever"]
    with pytest.raises(UnknownValueError) as caught:
        canonical(["fever"], "activity", knowledge)
    assert (caught.value.category, caught.value.value) == ("activity", "fever")


@pytest.mark.parametrize("field,category", [
    ("pain_locations", "pain_location"), ("symptoms", "symptom"), ("red_flags", "red_flag"),
])
def test_each_answer_is_checked_against_its_vocabulary(run: Run, knowledge: Knowledge, field: str,
                                                       category: str) -> None:
    with pytest.raises(UnknownValueError) as caught:
        run(**{field: ["elbow"]})
    error = caught.value
    assert (error.category, error.value, error.valid) == (category, "elbow", knowledge.values(category))


def test_unknown_value_error_is_a_value_error_that_lists_the_valid_values(knowledge: Knowledge) -> None:
    """Callers that only know ValueError still catch it; the message alone is enough to fix the input."""
    error = UnknownValueError("symptom", "itchy", knowledge.values("symptom"))
    assert isinstance(error, ValueError)
    message = str(error)
    assert "symptom" in message and "itchy" in message
    for value in knowledge.values("symptom"):
        assert value in message


# --- screening groups ---------------------------------------------------------------------------


@pytest.mark.parametrize("group_id", GROUP_IDS)
def test_a_yes_to_a_screening_group_sets_its_level_and_reason(run: Run, group_id: str) -> None:
    group = SCREENING.group(group_id)
    result = run(screening_groups=[group_id], **MUSCLE_PICTURE)
    assert result["triage"] == group.level
    assert result["triage_reasons"] == [group.reason]
    assert result["screening_groups"] == [group_id]
    assert result["red_flags"] == []
    assert result["culprits"] == [] and result["suggestions"] == []


def test_screening_group_levels_are_red_flag_levels() -> None:
    """A "yes" to a group is a possible warning sign: it must never come out as massage."""
    assert {group.level for group in SCREENING.groups} <= set(SAFETY_LEVELS)
    assert len(GROUP_IDS) == len(set(GROUP_IDS))


def test_repeated_screening_groups_are_reported_once_in_order(run: Run) -> None:
    result = run(screening_groups=[GROUP_IDS[-1], GROUP_IDS[0], GROUP_IDS[-1]])
    assert result["screening_groups"] == [GROUP_IDS[-1], GROUP_IDS[0]]
    assert len(result["triage_reasons"]) == len(set(result["triage_reasons"]))


def test_an_unknown_screening_group_is_refused_with_the_valid_ones(run: Run) -> None:
    with pytest.raises(UnknownValueError) as caught:
        run(screening_groups=[GROUP_IDS[0], "back_signs"])
    error = caught.value
    assert (error.category, error.value, error.valid) == ("screening_group", "back_signs", sorted(GROUP_IDS))


def test_a_named_sign_and_a_group_give_both_reasons(run: Run, knowledge: Knowledge) -> None:
    emergency_groups = [group for group in SCREENING.groups if group.level == "emergency"]
    group = emergency_groups[0]
    flag = next(flag for flag in knowledge.red_flags.values() if flag.level == "emergency")
    result = run(red_flags=[flag.value], screening_groups=[group.id])
    assert result["triage"] == "emergency"
    assert result["red_flags"] == [flag.value]
    assert result["triage_reasons"] == [flag.label, group.reason]


def test_an_urgent_group_does_not_lower_an_emergency(run: Run, knowledge: Knowledge) -> None:
    urgent_group = next(group for group in SCREENING.groups if group.level == "urgent")
    flag = next(flag for flag in knowledge.red_flags.values() if flag.level == "emergency")
    result = run(red_flags=[flag.value], screening_groups=[urgent_group.id])
    assert result["triage"] == "emergency"
    assert urgent_group.reason not in result["triage_reasons"]
    assert result["screening_groups"] == [urgent_group.id], "the answer is still reported to the clinic"


def test_an_emergency_group_beats_an_urgent_sign(run: Run, knowledge: Knowledge) -> None:
    emergency_group = next(group for group in SCREENING.groups if group.level == "emergency")
    flag = next(flag for flag in knowledge.red_flags.values() if flag.level == "urgent")
    result = run(red_flags=[flag.value], screening_groups=[emergency_group.id])
    assert result["triage"] == "emergency"
    assert result["triage_reasons"] == [emergency_group.reason]


# --- severity -----------------------------------------------------------------------------------


@pytest.mark.parametrize("score,words,severity", [
    (2, "pretty bad", "mild"),
    (5, "just a niggle", "moderate"),
    (0, "not bad", "none"),
    (None, "pretty bad", "moderate"),
    (None, "it is what it is", None),
    (4, None, "moderate"),
])
def test_only_severe_words_override_the_score(run: Run, score: int | None, words: str | None,
                                              severity: str | None) -> None:
    """The number is the client's own rating; words can only raise it to severe, never lower it."""
    assert run(pain_score=score, pain_description=words)["severity"] == severity


# --- advice filled in for the clinic ------------------------------------------------------------


@pytest.mark.parametrize("level", sorted(LEVEL_ANSWERS))
def test_advice_comes_from_the_level_in_one_line(run: Run, knowledge: Knowledge, clinic: Clinic, level: str) -> None:
    result = run(**LEVEL_ANSWERS[level])
    assert result["triage"] == level
    advice, shipped = result["triage_advice"], knowledge.levels[level]
    assert set(advice) == {"title", "action", "colour"}
    assert (advice["title"], advice["colour"]) == (shipped.title, shipped.colour)
    fill = {"emergency_number": clinic.emergency_number, "clinic_name": clinic.name}
    assert advice["action"] == " ".join(shipped.action.format(**fill).split())
    assert "\n" not in advice["action"] and "  " not in advice["action"]


@pytest.fixture
def placeholder_knowledge(knowledge: Knowledge) -> Knowledge:
    """Knowledge whose advice and disclaimer use both placeholders, spread over lines as YAML folds them."""
    levels = {key: replace(level, action="Ask {clinic_name}\nabout   this,\nor call {emergency_number}.")
              for key, level in knowledge.levels.items()}
    messages = {**knowledge.messages, "disclaimer": "Not a diagnosis from {clinic_name}.\n Call {emergency_number}."}
    return replace(knowledge, levels=levels, messages=messages)


@pytest.mark.parametrize("level", sorted(LEVEL_ANSWERS))
def test_clinic_name_and_number_are_filled_in(placeholder_knowledge: Knowledge, level: str) -> None:
    clinic = Clinic(name="Sunrise Bodywork", emergency_number="000")
    result = assess(AssessmentInput(**LEVEL_ANSWERS[level]), placeholder_knowledge, clinic)
    assert result["triage_advice"]["action"] == "Ask Sunrise Bodywork about this, or call 000."
    assert result["disclaimer"] == "Not a diagnosis from Sunrise Bodywork. Call 000."


def test_without_a_clinic_the_shipped_clinic_is_used(knowledge: Knowledge) -> None:
    result = assess(AssessmentInput(red_flags=["chest_pain"]), knowledge)
    assert default_clinic().emergency_number in result["triage_advice"]["action"]
    assert default_clinic().emergency_number in result["disclaimer"]


# --- the rest of the result ---------------------------------------------------------------------


def test_duration_is_read_against_the_given_today(knowledge: Knowledge, clinic: Clinic) -> None:
    data = AssessmentInput(duration="since saturday")
    sunday = assess(data, knowledge, clinic, today=date(2026, 11, 22))
    wednesday = assess(data, knowledge, clinic, today=date(2026, 11, 25))
    assert sunday["duration"] == {"text": "since saturday", "days": 1, "category": "acute"}
    assert wednesday["duration"] == {"text": "since saturday", "days": 4, "category": "acute"}


def test_reported_inflammation_is_kept_without_a_symptom(run: Run) -> None:
    result = run(inflammation=True)
    assert result["inflammation"] is True and result["symptoms"] == []


def test_the_input_is_not_changed(knowledge: Knowledge, clinic: Clinic) -> None:
    """The same answers may be assessed again (the summary, a restart): assessing must not rewrite them."""
    data = AssessmentInput(activities=["sitting", UNKNOWN, "sitting"], screening_groups=[GROUP_IDS[0]] * 2)
    result = assess(data, knowledge, clinic)
    assert data.activities == ["sitting", UNKNOWN, "sitting"] and data.screening_groups == [GROUP_IDS[0]] * 2
    assert result["activities"] == ["sitting"] and result["screening_groups"] == [GROUP_IDS[0]]


def test_previous_treatment_follows_the_seeds_rules(knowledge: Knowledge) -> None:
    """No change after two sessions: the suggestion; a spasm that would not let go: a doctor first."""
    from bot.treatment import PreviousTreatment

    quiet = assess(AssessmentInput(activities=["lifting"], previous_treatment=PreviousTreatment(2, "no_change")),
                   knowledge)
    assert quiet["previous_treatment"] == {"sessions": 2, "change": "no_change"}
    assert quiet["triage"] == "massage_ok"
    assert "no_change_after_two_sessions" in [item["id"] for item in quiet["suggestions"]]
    spasm = assess(AssessmentInput(activities=["lifting"],
                                   previous_treatment=PreviousTreatment(1, "worse", spasm_not_releasing=True)),
                   knowledge)
    assert spasm["triage"] == "see_doctor_first"
    assert knowledge.doctor_first["reasons"]["spasm_not_releasing"] in spasm["triage_reasons"]
    helped = assess(AssessmentInput(activities=["lifting"], previous_treatment=PreviousTreatment(3, "better")),
                    knowledge)
    assert "no_change_after_two_sessions" not in [item["id"] for item in helped["suggestions"]]


def test_a_sign_with_its_own_advice_says_where_to_go(run: Run, knowledge: Knowledge) -> None:
    """Pregnancy's warning signs send the client to the midwife; a clot's to a doctor today, not in a day or two."""
    pregnancy = run(red_flags=["pregnancy_warning_signs"])
    assert pregnancy["triage"] == "emergency"
    assert "midwife or maternity unit" in pregnancy["triage_advice"]["action"]
    assert "emergency department" not in pregnancy["triage_advice"]["action"]
    clot = run(red_flags=["clot_signs"])
    assert clot["triage"] == "urgent" and "today" in clot["triage_advice"]["action"]
    assert "short of breath" in clot["triage_advice"]["action"]
    both = run(red_flags=["pregnancy_warning_signs", "saddle_numbness"])
    action = both["triage_advice"]["action"]
    assert "midwife" in action and knowledge.levels["emergency"].action.split("{")[0].strip() in action


def test_cautions_reach_the_result_as_ids_and_as_lines_for_the_therapist(run: Run) -> None:
    result = run(cautions=["skin_at_site", "pregnancy", "pregnancy"])
    assert result["cautions"] == ["skin_at_site", "pregnancy"]
    assert len(result["therapist_notes"]) == 2 and all(result["therapist_notes"])
    assert run()["cautions"] == [] and run()["therapist_notes"] == []


def test_an_unknown_caution_is_refused(run: Run) -> None:
    with pytest.raises(UnknownValueError):
        run(cautions=["juggling"])


def test_the_course_of_care_reaches_the_result_once(run) -> None:
    from bot.treatment import PreviousTreatment, course_of_care_words

    better = run(activities=["lifting"], pain_locations=["low_back_one_side"], symptoms=[], red_flags=[],
                 previous_treatment=PreviousTreatment(2, "better"))
    assert better["course_of_care"] == course_of_care_words()["better"]
    # Two sessions without change: its suggestion says it, the course of care does not repeat it.
    stuck = run(activities=["lifting"], pain_locations=["low_back_one_side"], symptoms=[], red_flags=[],
                previous_treatment=PreviousTreatment(2, "no_change"))
    assert stuck["course_of_care"] is None
    assert any("no difference" in s["text"] for s in stuck["suggestions"])
    urgent = run(red_flags=["fever"], previous_treatment=PreviousTreatment(2, "better"))
    assert urgent["course_of_care"] is None
