"""Culprit ranking: the typical picture of each muscle puts it first."""

import pytest

from bot.culprits import rank_culprits

PICTURES = {
    "quadratus_lumborum": {"activities": ["leaning_over", "lifting"], "pain_locations": ["low_back_one_side"]},
    "gluteus_medius": {"activities": ["walking"], "pain_locations": ["side_of_hip", "buttock"],
                       "symptoms": ["uneven_hips"]},
    "gluteus_minimus": {"activities": ["standing", "driving"], "pain_locations": ["side_of_hip", "down_the_leg"]},
    "gluteus_maximus": {"activities": ["climbing_stairs"], "pain_locations": ["buttock", "sacrum"]},
    "piriformis": {"activities": ["driving"], "pain_locations": ["buttock", "back_of_thigh", "down_the_leg"],
                   "symptoms": ["tingling"]},
    "iliopsoas": {"activities": ["getting_up", "sitting", "core_exercises"],
                  "pain_locations": ["groin", "front_of_thigh"]},
    "hamstrings": {"activities": ["sitting"], "pain_locations": ["back_of_thigh"], "symptoms": ["tightness"]},
}


def test_every_shipped_muscle_has_a_picture(knowledge):
    assert set(PICTURES) == set(knowledge.muscles)


@pytest.mark.parametrize("muscle", sorted(PICTURES))
def test_typical_picture_ranks_its_muscle_first(run, muscle):
    culprits = run(**PICTURES[muscle])["culprits"]
    assert culprits[0]["muscle"] == muscle
    assert culprits[0]["score"] > culprits[1]["score"], "first place should not be a tie"


@pytest.mark.parametrize("muscle", sorted(PICTURES))
def test_ranking_is_sorted_by_score(run, muscle):
    scores = [c["score"] for c in run(**PICTURES[muscle])["culprits"]]
    assert scores == sorted(scores, reverse=True)
    assert all(score > 0 for score in scores)


def test_score_is_the_sum_of_weights(knowledge):
    culprits = rank_culprits({"activity": ["leaning_over", "lifting"], "pain_location": ["low_back_one_side"]},
                             knowledge)
    ql = knowledge.muscles["quadratus_lumborum"].evidence
    expected = ql["activity"]["leaning_over"] + ql["activity"]["lifting"] + ql["pain_location"]["low_back_one_side"]
    assert culprits[0].score == expected == 9


def test_repeated_values_count_once(knowledge):
    once = rank_culprits({"activity": ["lifting"]}, knowledge)
    twice = rank_culprits({"activity": ["lifting", "lifting"]}, knowledge)
    assert [(c.muscle, c.score) for c in once] == [(c.muscle, c.score) for c in twice]


def test_equal_scores_and_hallmarks_keep_file_order(knowledge):
    # quadratus_lumborum: getting_up 2 + standing 1; gluteus_minimus: standing 2 + getting_up 1.
    culprits = rank_culprits({"activity": ["getting_up", "standing"]}, knowledge)
    assert culprits[0].muscle == "iliopsoas" and culprits[0].score == 4
    assert [c.muscle for c in culprits if c.score == 3] == ["quadratus_lumborum", "gluteus_minimus"]


def test_stronger_hallmark_breaks_a_tie_before_file_order(knowledge):
    # All score 3: gluteus_medius 1 + 2 (hallmark 2) comes first in the file but has the weakest hallmark;
    # gluteus_minimus (side_of_hip 3) and gluteus_maximus (climbing_stairs 3) each have a hallmark of 3.
    culprits = rank_culprits({"activity": ["climbing_stairs"], "pain_location": ["side_of_hip"]}, knowledge)
    tied = [c.muscle for c in culprits if c.score == 3]
    assert tied == ["gluteus_minimus", "gluteus_maximus", "gluteus_medius"]


def test_reasons_quote_the_clients_words(run, knowledge):
    words = {"leaning_over": "bending over the sink", "low_back_one_side": "left side of my lower back"}
    culprit = run(**PICTURES["quadratus_lumborum"], words=words)["culprits"][0]
    lean = knowledge.vocabulary["activity"]["leaning_over"].reason
    lift = knowledge.vocabulary["activity"]["lifting"].reason
    assert f'You said "bending over the sink": {lean}.' in culprit["reasons"]
    assert any(reason.startswith('You said "left side of my lower back":') for reason in culprit["reasons"])
    assert f"You said {lift}." in culprit["reasons"], "values without words fall back on the plain reason"


def test_reasons_without_words_use_the_plain_description(run, knowledge):
    culprit = run(**PICTURES["hamstrings"])["culprits"][0]
    plain = {value: f"You said {knowledge.vocabulary[category][value].reason}." for category, value in
             [("activity", "sitting"), ("pain_location", "back_of_thigh"), ("symptom", "tightness")]}
    # weight 3 (back of thigh, tightness) before weight 2 (sitting)
    assert set(culprit["reasons"][:2]) == {plain["back_of_thigh"], plain["tightness"]}
    assert culprit["reasons"][2] == plain["sitting"]
    assert all('"' not in reason for reason in culprit["reasons"])


def test_reasons_are_strongest_first(run, knowledge):
    reasons = run(**PICTURES["gluteus_medius"])["culprits"][0]["reasons"]
    assert reasons[0] == f"You said {knowledge.vocabulary['symptom']['uneven_hips'].reason}."


def test_culprit_carries_name_where_and_why(run, knowledge):
    culprit = run(**PICTURES["piriformis"])["culprits"][0]
    muscle = knowledge.muscles["piriformis"]
    assert (culprit["name"], culprit["where"], culprit["why"]) == (muscle.name, muscle.where, muscle.why)


def test_nothing_reported_ranks_nothing(knowledge):
    assert rank_culprits({}, knowledge) == []
