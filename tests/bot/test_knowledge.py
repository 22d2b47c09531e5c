"""The therapist-editable knowledge files: defects are caught at load time and name the file."""

import shutil

import pytest
import yaml

from bot.assessment import AssessmentInput, assess
from bot.clinic import Clinic
from bot.knowledge import KNOWLEDGE_DIR, KnowledgeError, load_knowledge


@pytest.fixture
def knowledge_copy(tmp_path):
    directory = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, directory)
    return directory


def edit(directory, name, change):
    path = directory / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def test_shipped_knowledge_loads(knowledge):
    assert len(knowledge.muscles) == 7
    assert {level for level in knowledge.levels} == {"emergency", "urgent", "see_doctor_first", "massage_ok"}


def test_an_untouched_copy_loads(knowledge_copy, knowledge):
    copy = load_knowledge(knowledge_copy)
    assert copy.values("activity") == knowledge.values("activity")
    assert [s.id for s in copy.suggestions] == [s.id for s in knowledge.suggestions]


def _unknown_activity(data):
    data["muscles"]["quadratus_lumborum"]["activities"]["yodelling"] = 2


def _weight_four(data):
    data["muscles"]["hamstrings"]["symptoms"]["tightness"] = 4


def _missing_vocabulary_label(data):
    del data["activity"]["lifting"]["label"]


def _missing_red_flag_label(data):
    data["red_flags"]["fever"]["label"] = ""


def _bad_red_flag_level(data):
    data["red_flags"]["fever"]["level"] = "soon"


def _duplicate_suggestion(data):
    data["suggestions"].append(dict(data["suggestions"][0]))


def _unknown_triage_symptom(data):
    data["see_doctor_first"]["symptoms"]["dizziness"] = "you feel dizzy"


def _suggestion_at_emergency(data):
    data["suggestions"][0]["levels"] = ["emergency"]


def _unknown_suggestion_muscle(data):
    data["suggestions"][0]["muscles"] = ["biceps"]


@pytest.mark.parametrize("name,change,words", [
    ("muscles.yml", _unknown_activity, ["quadratus_lumborum", "yodelling"]),
    ("muscles.yml", _weight_four, ["hamstrings", "tightness", "weight"]),
    ("vocabulary.yml", _missing_vocabulary_label, ["lifting", "label"]),
    ("red_flags.yml", _missing_red_flag_label, ["fever", "label"]),
    ("red_flags.yml", _bad_red_flag_level, ["fever", "level"]),
    ("suggestions.yml", _duplicate_suggestion, ["duplicate", "doctor_check_first"]),
    ("triage.yml", _unknown_triage_symptom, ["dizziness"]),
    ("suggestions.yml", _suggestion_at_emergency, ["emergency"]),
    ("suggestions.yml", _unknown_suggestion_muscle, ["biceps"]),
])
def test_defect_is_reported_with_file_and_key(knowledge_copy, name, change, words):
    edit(knowledge_copy, name, change)
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(knowledge_copy)
    message = str(caught.value)
    assert message.startswith(name)
    for word in words:
        assert word in message


@pytest.mark.parametrize("weight", [0, True, "2"])
def test_other_bad_weights(knowledge_copy, weight):
    edit(knowledge_copy, "muscles.yml", lambda data: data["muscles"]["piriformis"]["symptoms"].update(tingling=weight))
    with pytest.raises(KnowledgeError, match="muscles.yml"):
        load_knowledge(knowledge_copy)


def test_missing_file_is_a_knowledge_error(knowledge_copy):
    (knowledge_copy / "messages.yml").unlink()
    with pytest.raises(KnowledgeError, match="messages.yml"):
        load_knowledge(knowledge_copy)


def test_triage_threshold_is_read_from_the_knowledge(knowledge_copy):
    edit(knowledge_copy, "triage.yml", lambda data: data["see_doctor_first"].update(pain_score_at_least=5))
    custom = load_knowledge(knowledge_copy)
    result = assess(AssessmentInput(pain_score=5), custom, Clinic())
    assert result["triage"] == "see_doctor_first"


# Canonical values exactly as docs/nlu-annotation-guide.md lists them.
GUIDE = {
    "activity": ["lifting", "leaning_over", "sitting", "driving", "standing", "walking", "running",
                 "climbing_stairs", "twisting", "getting_up", "sleeping", "carrying", "core_exercises", "cycling",
                 "coughing_sneezing"],
    "pain_location": ["low_back_one_side", "low_back_both_sides", "buttock", "sacrum", "side_of_hip", "groin",
                      "front_of_thigh", "back_of_thigh", "down_the_leg"],
    "symptom": ["spasm", "stiffness", "tightness", "dull_ache", "sharp_pain", "tingling", "numbness", "weakness",
                "burning", "swelling", "heat_redness", "uneven_hips"],
    "red_flag": ["bladder_bowel", "saddle_numbness", "bilateral_leg_symptoms", "leg_weakness", "sexual_dysfunction",
                 "major_trauma", "chest_pain", "fever", "weight_loss", "cancer_history", "night_pain",
                 "immunosuppression", "structural_change", "clot_signs", "pregnancy_warning_signs"],
}


@pytest.mark.parametrize("category", sorted(GUIDE))
def test_every_value_in_the_annotation_guide_exists(knowledge, category):
    missing = set(GUIDE[category]) - set(knowledge.values(category))
    assert not missing, f"in the guide but not in the knowledge: {sorted(missing)}"


@pytest.mark.parametrize("category", sorted(GUIDE))
def test_the_knowledge_has_no_value_the_guide_does_not_list(knowledge, category):
    extra = set(knowledge.values(category)) - set(GUIDE[category])
    assert not extra, f"in the knowledge but not in the annotation guide: {sorted(extra)}"


def test_every_vocabulary_value_is_evidence_for_some_muscle_or_triage(knowledge):
    """A symptom nobody reads would be silently ignored."""
    used = {value for muscle in knowledge.muscles.values() for weights in muscle.evidence.values() for value in weights}
    used |= set(knowledge.doctor_first["symptoms"])
    for category in ("activity", "pain_location", "symptom"):
        assert set(knowledge.values(category)) <= used
