"""Triage: red flags first, then reasons to see a doctor, and only then massage."""

import pytest

from bot.assessment import UnknownValueError
from bot.suggestions import choose_suggestions

EMERGENCY_FLAGS = ["bladder_bowel", "saddle_numbness", "bilateral_leg_symptoms", "leg_weakness",
                   "sexual_dysfunction", "major_trauma", "chest_pain", "pregnancy_warning_signs"]
URGENT_FLAGS = ["fever", "weight_loss", "cancer_history", "night_pain", "immunosuppression", "structural_change",
                "clot_signs"]
def suggestion_ids(result):
    return [item["id"] for item in result["suggestions"]]


# Enough muscle evidence that culprits would appear if triage allowed it.
MUSCLE_PICTURE = {"activities": ["sitting", "driving"], "pain_locations": ["buttock"], "symptoms": ["dull_ache"]}


def test_flag_lists_cover_every_shipped_red_flag(knowledge):
    assert set(EMERGENCY_FLAGS) | set(URGENT_FLAGS) == set(knowledge.red_flags)


@pytest.mark.parametrize("flag,level", [(f, "emergency") for f in EMERGENCY_FLAGS]
                         + [(f, "urgent") for f in URGENT_FLAGS])
def test_each_red_flag_alone_sets_its_level_and_hides_muscles(run, knowledge, flag, level):
    result = run(red_flags=[flag], **MUSCLE_PICTURE)
    assert result["triage"] == level
    assert result["red_flags"] == [flag]
    assert result["triage_reasons"] == [knowledge.red_flags[flag].label]
    assert result["culprits"] == []
    assert result["suggestions"] == []


@pytest.mark.parametrize("flag", EMERGENCY_FLAGS)
def test_emergency_advice_names_the_clinics_emergency_number(run, flag):
    result = run(red_flags=[flag])
    assert "112" in result["triage_advice"]["action"]
    assert "911" not in result["triage_advice"]["action"]
    assert "{" not in result["triage_advice"]["action"]
    assert "112" in result["disclaimer"]


def test_urgent_advice_also_names_the_emergency_number(run):
    assert "112" in run(red_flags=["fever"])["triage_advice"]["action"]


def test_emergency_beats_urgent(run, knowledge):
    result = run(red_flags=["fever", "bladder_bowel"], **MUSCLE_PICTURE)
    assert result["triage"] == "emergency"
    assert result["red_flags"] == ["fever", "bladder_bowel"]
    assert result["triage_reasons"] == [knowledge.red_flags["bladder_bowel"].label]
    assert result["culprits"] == [] and result["suggestions"] == []


def test_urgent_beats_severe_pain(run):
    result = run(red_flags=["night_pain"], pain_score=9, pain_description="excruciating", **MUSCLE_PICTURE)
    assert result["triage"] == "urgent"
    assert result["severity"] == "severe"
    assert result["culprits"] == [] and result["suggestions"] == []


def test_repeated_red_flag_is_reported_once(run):
    assert run(red_flags=["fever", "fever"])["red_flags"] == ["fever"]


@pytest.mark.parametrize("score,level,severity", [
    (0, "massage_ok", "none"),
    (6, "massage_ok", "moderate"),
    (7, "see_doctor_first", "severe"),
    (10, "see_doctor_first", "severe"),
])
def test_pain_score_boundaries(run, score, level, severity):
    result = run(pain_score=score, **MUSCLE_PICTURE)
    assert result["triage"] == level
    assert result["severity"] == severity
    assert result["pain_score"] == score
    assert result["culprits"], "culprits stay visible below emergency/urgent"


@pytest.mark.parametrize("score", [-1, 11])
def test_pain_score_outside_scale_is_refused(run, score):
    with pytest.raises(ValueError):
        run(pain_score=score)


@pytest.mark.parametrize("words", ["unbearable", "excruciating", "it's agony", "I can’t move"])
def test_severe_words_without_a_number_mean_see_doctor_first(run, knowledge, words):
    result = run(pain_description=words, **MUSCLE_PICTURE)
    assert result["severity"] == "severe"
    assert result["triage"] == "see_doctor_first"
    assert knowledge.doctor_first["reasons"]["severe_pain"] in result["triage_reasons"]


def test_severe_words_override_a_low_score(run):
    result = run(pain_score=3, pain_description="unbearable")
    assert result["severity"] == "severe"
    assert result["triage"] == "see_doctor_first"


def test_mild_words_do_not_raise_the_level(run):
    result = run(pain_description="just a niggle", **MUSCLE_PICTURE)
    assert result["severity"] == "mild"
    assert result["triage"] == "massage_ok"


@pytest.mark.parametrize("answers,reason_key", [
    ({"inflammation": True}, ("reasons", "inflammation")),
    ({"symptoms": ["swelling"]}, ("reasons", "inflammation")),
    ({"symptoms": ["heat_redness"]}, ("reasons", "inflammation")),
    ({"recent_injury": True}, ("reasons", "recent_injury")),
    ({"spasm_not_releasing": True}, ("reasons", "spasm_not_releasing")),
    ({"symptoms": ["numbness"]}, ("symptoms", "numbness")),
    ({"symptoms": ["tingling"]}, ("symptoms", "tingling")),
    ({"symptoms": ["weakness"]}, ("symptoms", "weakness")),
])
def test_reasons_to_see_a_doctor_first_keep_culprits(run, knowledge, answers, reason_key):
    result = run(activities=["sitting", "driving"], pain_locations=["buttock"], **answers)
    assert result["triage"] == "see_doctor_first"
    section, key = reason_key
    assert knowledge.doctor_first[section][key] in result["triage_reasons"]
    assert result["culprits"], "culprits are still shown at see_doctor_first"
    ids = suggestion_ids(result)
    assert ids[0] == "doctor_check_first"
    assert "find_therapist" in ids


@pytest.mark.parametrize("symptom", ["swelling", "heat_redness"])
def test_swelling_or_heat_counts_as_inflammation(run, symptom):
    assert run(symptoms=[symptom])["inflammation"] is True


def test_nothing_worrying_means_massage_ok(run):
    result = run(pain_score=4, duration="3 weeks", **MUSCLE_PICTURE)
    assert result["triage"] == "massage_ok"
    assert result["triage_reasons"] == []
    assert result["inflammation"] is False
    ids = suggestion_ids(result)
    assert "find_therapist" in ids
    assert "yoga_pilates" in ids
    assert "doctor_check_first" not in ids
    assert "no_change_after_two_sessions" not in ids


def test_no_answers_at_all_is_massage_ok_without_culprits(run):
    result = run()
    assert result["triage"] == "massage_ok"
    assert result["culprits"] == []
    assert result["severity"] is None
    assert result["duration"]["category"] == "unknown"


def test_see_doctor_first_drops_exercise_only_suggestions(run):
    result = run(pain_score=8, activities=["sitting"], pain_locations=["back_of_thigh"], symptoms=["tightness"])
    assert result["triage"] == "see_doctor_first"
    assert result["culprits"][0]["muscle"] == "hamstrings"
    ids = suggestion_ids(result)
    for massage_ok_only in ("hamstring_stretches", "yoga_pilates", "back_extensions", "core_work",
                            "low_impact_cardio"):
        assert massage_ok_only not in ids
    assert {"doctor_check_first", "find_therapist", "stop_if_worse"} <= set(ids)


def test_suggestions_keep_the_file_order(run, knowledge):
    ids = suggestion_ids(run(activities=["sitting"], pain_locations=["back_of_thigh"], symptoms=["tightness"]))
    file_order = [s.id for s in knowledge.suggestions]
    assert ids == sorted(ids, key=file_order.index)


@pytest.mark.parametrize("answers,top", [
    ({"activities": ["sitting"], "pain_locations": ["back_of_thigh"], "symptoms": ["tightness"]}, "hamstrings"),
    ({"activities": ["driving"], "pain_locations": ["buttock", "down_the_leg"]}, "piriformis"),
    ({"activities": ["climbing_stairs"], "pain_locations": ["buttock", "sacrum"]}, "gluteus_maximus"),
])
def test_hamstring_stretches_when_a_related_muscle_ranks(run, answers, top):
    result = run(**answers)
    assert result["culprits"][0]["muscle"] == top
    assert "hamstring_stretches" in suggestion_ids(result)


def test_no_hamstring_stretches_when_only_unrelated_muscles_rank(run):
    result = run(activities=["core_exercises"], pain_locations=["groin"])
    assert [c["muscle"] for c in result["culprits"]] == ["iliopsoas"]
    ids = suggestion_ids(result)
    assert "hamstring_stretches" not in ids
    assert "back_extensions" in ids


@pytest.mark.parametrize("muscle,expected", [
    ("hamstrings", True), ("piriformis", True), ("gluteus_maximus", True),
    ("gluteus_medius", False), ("gluteus_minimus", False), ("quadratus_lumborum", False), ("iliopsoas", False),
])
def test_choose_suggestions_ties_stretches_to_muscles(knowledge, muscle, expected):
    ids = [s["id"] for s in choose_suggestions("massage_ok", [muscle], knowledge)]
    assert ("hamstring_stretches" in ids) is expected


@pytest.mark.parametrize("level", ["emergency", "urgent"])
def test_choose_suggestions_gives_nothing_at_red_flag_levels(knowledge, level):
    assert choose_suggestions(level, ["hamstrings"], knowledge, ["no_change_after_two_sessions"]) == []


@pytest.mark.parametrize("extra", [{}, {"pain_score": 8}])
def test_no_change_suggestion_only_with_its_flag(run, extra):
    without = run(**MUSCLE_PICTURE, **extra)
    with_flag = run(no_change_after_two_sessions=True, **MUSCLE_PICTURE, **extra)
    assert "no_change_after_two_sessions" not in suggestion_ids(without)
    assert "no_change_after_two_sessions" in suggestion_ids(with_flag)


def test_no_change_flag_does_not_bring_suggestions_to_an_emergency(run):
    result = run(red_flags=["chest_pain"], no_change_after_two_sessions=True)
    assert result["suggestions"] == []


def test_unknown_value_is_refused_with_the_valid_ones(run, knowledge):
    with pytest.raises(UnknownValueError) as caught:
        run(activities=["yoga"])
    assert caught.value.category == "activity"
    assert caught.value.valid == knowledge.values("activity")
    assert "leaning_over" in str(caught.value)


def test_unknown_red_flag_is_refused(run):
    with pytest.raises(UnknownValueError):
        run(red_flags=["headache"])


def test_the_value_unknown_is_ignored_and_duplicates_dropped(run):
    result = run(activities=["unknown", "sitting", "sitting"], red_flags=["unknown"])
    assert result["activities"] == ["sitting"]
    assert result["triage"] == "massage_ok"
