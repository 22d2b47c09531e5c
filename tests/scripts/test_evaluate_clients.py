"""scripts/evaluate_clients.py without servers: the scripted client's answers and the scoring.

The evaluation's figures are only as trustworthy as these two parts, and both are
pure functions, so fake trackers and fake parse results are enough to pin them.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_SPEC = importlib.util.spec_from_file_location("evaluate_clients", ROOT / "scripts" / "evaluate_clients.py")
ev = importlib.util.module_from_spec(_SPEC)
sys.modules["evaluate_clients"] = ev  # dataclasses look their module up while the class is made
_SPEC.loader.exec_module(ev)

SCENARIO = {
    "id": "ql", "opening": "my back hurts",
    "answers": {"consent": "yes", "red_flags": "nope, none", "pain_score": 6, "inflammation": False},
    "has": ["saddle_numbness"],
    "expect": {"triage": "emergency", "red_flags": ["saddle_numbness"]},
}
GROUPS = {"nerves": {"saddle_numbness", "leg_weakness"}, "infection": {"fever"}}
TEXT = [{"text": "Hello"}]


def tracker(requested_slot=None, screening_step=None, pending_sign=None, loop=None):
    return {"slots": {"requested_slot": requested_slot, "screening_step": screening_step,
                      "pending_sign": pending_sign}, "active_loop": {"name": loop} if loop else {}}


def decide(replies=TEXT, scenario=SCENARIO, groups=GROUPS, asks=None, **slots):
    return ev.decide(replies, ev.read_state(tracker(**slots)), scenario, groups, asks or ev.SlotAsks())


def entity(kind, value, role=None):
    return {"entity": kind, "value": value, **({"role": role} if role else {})}


# --------------------------------------------------------------------------- answering rules


def test_read_state_takes_slots_and_loop():
    state = ev.read_state(tracker("red_flags", "group:nerves", None, loop="assessment_form"))
    assert state == ev.DialogueState("red_flags", "assessment_form", "group:nerves", None)
    assert ev.read_state({}) == ev.DialogueState()


def test_rule1_an_assessment_ends_the_conversation():
    replies = [{"text": "Please call"}, {"custom": {"assessment": {"triage": "emergency"}}}]
    decision = decide(replies, requested_slot="pain_score", pending_sign="fever")
    assert decision.answer is None and decision.rule == 1
    assert ev.find_assessment(replies) == {"triage": "emergency"}
    assert ev.find_assessment([{"custom": {"other": 1}}, {"text": "hi"}]) is None


@pytest.mark.parametrize(("sign", "answer"), [("saddle_numbness", "yes"), ("fever", "no")])
def test_rule2_a_pending_sign_is_answered_from_has(sign, answer):
    decision = decide(requested_slot="pain_score", pending_sign=sign)
    assert (decision.answer, decision.rule) == (answer, 2)


@pytest.mark.parametrize(("step", "answer"), [("group:nerves", "yes"), ("group:infection", "no")])
def test_rule3_a_group_is_yes_when_has_meets_its_members(step, answer):
    decision = decide(requested_slot="red_flags", screening_step=step)
    assert (decision.answer, decision.rule) == (answer, 3)


def test_rule3_without_the_groups_file_every_group_holds_every_sign():
    assert decide(groups=None, requested_slot="red_flags", screening_step="group:infection").answer == "yes"
    clear = {**SCENARIO, "has": []}
    assert decide(scenario=clear, groups=None, requested_slot="red_flags", screening_step="group:x").answer == "no"


def test_rule3_an_unknown_group_counts_as_holding_every_sign():
    assert decide(requested_slot="red_flags", screening_step="group:unheard_of").answer == "yes"


def test_load_groups(tmp_path):
    path = tmp_path / "screening.yml"
    path.write_text("groups:\n  nerves: {level: emergency, members: [leg_weakness, saddle_numbness]}\n")
    assert ev.load_groups(path) == {"nerves": {"leg_weakness", "saddle_numbness"}}
    assert ev.load_groups(tmp_path / "missing.yml") is None


def test_rule4_confirm_is_none_of_those_without_signs_else_the_scenarios_answer():
    clear = {**SCENARIO, "has": []}
    assert decide(scenario=clear, requested_slot="red_flags", screening_step="confirm").answer == "no, none of those"
    assert decide(requested_slot="red_flags", screening_step="confirm").answer == "nope, none"
    no_answer = {**SCENARIO, "answers": {}}
    decision = decide(scenario=no_answer, requested_slot="red_flags", screening_step="confirm")
    assert (decision.answer, decision.rule) == ("yes", 4)


def test_screening_step_outside_the_red_flags_question_is_ignored():
    decision = decide(requested_slot="pain_score", screening_step="group:nerves")
    assert (decision.answer, decision.rule) == ("6", 5)


def test_rule5_slot_answers_are_text():
    assert decide(requested_slot="pain_score").answer == "6"
    assert decide(requested_slot="inflammation").answer == "no"
    assert decide(requested_slot="consent").answer == "yes"
    assert decide(requested_slot="pain_duration").answer == "not sure"
    # red_flags with no screening step is an ordinary form question.
    assert decide(requested_slot="red_flags").answer == "nope, none"


def test_rule5_a_repeated_question_gets_the_answer_once_more_then_not_sure():
    asks, answers = ev.SlotAsks(), []
    for _ in range(4):
        decision = decide(requested_slot="pain_score", asks=asks)
        answers.append(decision.answer)
        asks = decision.asks
    assert answers == ["6", "6", "not sure", "not sure"]
    # Another question in between starts the count again.
    other = decide(requested_slot="consent", asks=asks)
    assert decide(requested_slot="pain_score", asks=other.asks).answer == "6"


def test_a_screening_answer_resets_the_repeat_count():
    first = decide(requested_slot="pain_score")
    between = decide(requested_slot="pain_score", pending_sign="fever", asks=first.asks)
    assert decide(requested_slot="pain_score", asks=between.asks).asks.times == 1


@pytest.mark.parametrize(("replies", "answer"), [
    ([{"text": "Hi!", "buttons": [{"title": "Start", "payload": "/greet"}]}], "yes"),
    ([{"text": "Ready", "buttons": [{"title": "Yes", "payload": "/affirm"}]}], "yes"),
    ([{"text": "Shall we begin? "}], "yes"),
    ([{"text": "Anything else?"}, {"text": "I can do a back-pain check."}], "ok, let's do the check"),
    ([{"text": "Hi", "buttons": [{"title": "Help", "payload": "/request_human"}]}], "ok, let's do the check"),
    ([], "ok, let's do the check"),
])
def test_rule6_no_open_question(replies, answer):
    decision = decide(replies)
    assert (decision.answer, decision.rule) == (answer, 6)


def test_rule6_reads_the_last_message_that_says_something():
    replies = [{"text": "Want to start?"}, {"custom": {"card": 1}}]
    assert decide(replies).answer == "yes"


# --------------------------------------------------------------------------- a whole conversation, faked


class FakeBot:
    """Asks for consent, then one screening group, then the pain score, then gives the result."""

    def __init__(self, script):
        self.script, self.step, self.heard = script, 0, []

    def say(self, sender, text):
        assert isinstance(text, str)
        self.heard.append(text)
        replies, self.state = self.script[min(self.step, len(self.script) - 1)]
        self.step += 1
        return replies

    def tracker(self, sender):
        return self.state


RESULT = {"triage": "emergency", "red_flags": ["saddle_numbness"], "culprits": []}


def test_run_scenario_drives_the_conversation_to_its_result():
    bot = FakeBot([
        ([{"text": "May I ask some questions?"}], tracker("consent", loop="assessment_form")),
        ([{"text": "Any numbness or weakness?"}], tracker("red_flags", "group:nerves")),
        ([{"text": "Numbness around the saddle area?"}], tracker("red_flags", "group:nerves", "saddle_numbness")),
        ([{"text": "Call now."}, {"custom": {"assessment": RESULT}}], tracker()),
    ])
    result = ev.run_scenario(SCENARIO, bot.say, bot.tracker, GROUPS)
    assert bot.heard == ["my back hurts", "yes", "yes", "yes"]
    assert result["client_messages"] == 4 and result["fully_right"] and result["right_triage"]
    assert result["slots_asked"] == ["consent", "red_flags", "red_flags"]
    assert not result["looped"] and not result["hit_turn_limit"]
    assert result["turns"][1]["bot"] == ["Any numbness or weakness?"] and result["turns"][1]["rule"] == 3


def test_run_scenario_stops_at_the_turn_limit_and_counts_the_loop():
    bot = FakeBot([([{"text": "Sorry, again?"}], tracker("pain_score"))])
    result = ev.run_scenario(SCENARIO, bot.say, bot.tracker, GROUPS)
    assert result["client_messages"] == ev.TURN_LIMIT == len(bot.heard)
    assert bot.heard[1:4] == ["6", "6", "not sure"]
    assert result["hit_turn_limit"] and result["looped"] and result["repeated_texts"] == ["Sorry, again?"]
    assert not result["right_triage"] and not result["fully_right"]


def test_run_scenario_records_a_failed_request():
    def broken(sender, text):
        raise ConnectionRefusedError("down")

    result = ev.run_scenario(SCENARIO, broken, lambda sender: {}, GROUPS)
    assert result["error"] and not result["hit_turn_limit"] and not result["fully_right"]


def test_repeated_texts_needs_three():
    assert ev.repeated_texts(["a", "b", "a", "c", "a", "b"]) == ["a"]
    assert ev.repeated_texts(["a", "a"]) == []


# --------------------------------------------------------------------------- judging


def test_judge_checks_every_expectation():
    assessment = {"triage": "massage_ok", "red_flags": [], "pain_score": 5, "duration": {"category": "acute"},
                  "culprits": [{"muscle": "gluteus_medius"}, {"muscle": "piriformis"}, {"muscle": "psoas"},
                               {"muscle": "quadratus_lumborum"}]}
    expect = {"triage": "massage_ok", "top_muscles": ["psoas", "erector_spinae"], "pain_score": 5,
              "duration_category": "acute"}
    assert all(ev.judge(assessment, expect).values())
    checks = ev.judge(assessment, {**expect, "top_muscles": ["quadratus_lumborum"], "pain_score": 6,
                                   "duration_category": "chronic"})
    assert not checks["top_muscles"] and not checks["pain_score"] and not checks["duration_category"]
    assert checks["triage"]


def test_judge_safety_needs_the_signs_and_no_culprits():
    expect = {"triage": "urgent", "red_flags": ["fever", "night_pain"]}
    good = {"triage": "urgent", "red_flags": ["night_pain", "fever", "weight_loss"]}
    assert all(ev.judge(good, expect).values())
    assert not ev.judge({**good, "culprits": [{"muscle": "psoas"}]}, expect)["no_culprits"]
    assert not ev.judge({**good, "red_flags": ["fever"]}, expect)["red_flags"]
    # An unexpected emergency must not name muscles either.
    assert not ev.judge({"triage": "emergency", "culprits": [{"muscle": "psoas"}]}, {})["no_culprits"]


def test_judge_without_an_assessment_fails():
    assert ev.judge(None, {"triage": "massage_ok"}) == {"result": False}


def result(expected_triage, right, messages=5, culprits=False, assessment=True, looped=False):
    checks = {"result": assessment, "triage": right}
    if expected_triage in ev.SAFETY_TRIAGE:
        checks["no_culprits"] = not culprits
    return {"id": "x", "expected_triage": expected_triage, "checks": checks, "right_triage": right and assessment,
            "fully_right": all(checks.values()), "looped": looped, "client_messages": messages,
            "hit_turn_limit": not assessment, "error": None, "assessment": {} if assessment else None}


def test_conversation_summary():
    summary = ev.conversation_summary([
        result("emergency", True, 4), result("urgent", True, 6, culprits=True), result("massage_ok", False, 9),
        result("massage_ok", True, 25, assessment=False, looped=True),
    ])
    assert summary["right_triage"] == {"hits": 2, "total": 4, "rate": 0.5}
    assert summary["fully_right"]["hits"] == 1
    assert summary["safety"] == {"hits": 1, "total": 2, "rate": 0.5}
    assert summary["loops"] == 1 and summary["hit_turn_limit"] == 1
    assert summary["median_client_messages"] == 6


# --------------------------------------------------------------------------- single messages


def test_predicted_signs_skip_negated_and_other_entities():
    parse = {"entities": [entity("red_flag", "fever"), entity("red_flag", "leg_weakness", "negated"),
                          entity("symptom", "stiffness")]}
    assert ev.predicted_signs(parse) == {"fever"}
    assert ev.predicted_signs({}) == set()


def test_sign_recall_by_style_emergency_and_per_sign():
    items = [
        {"text": "a", "style": "plain", "red_flags": ["leg_weakness"]},
        {"text": "b", "style": "realistic", "red_flags": ["leg_weakness", "fever"]},
        {"text": "c", "style": "realistic", "red_flags": ["saddle_numbness"]},
    ]
    parses = [{"entities": [entity("red_flag", "leg_weakness")]},
              {"entities": [entity("red_flag", "fever")]},
              {"entities": [entity("red_flag", "saddle_numbness", "negated")]}]
    summary = ev.phrasing_summary(ev.score_phrasings(items, parses))
    assert summary["recall"]["all"] == {"hits": 2, "total": 4, "rate": 0.5}
    assert summary["recall"]["plain"]["rate"] == 1.0 and summary["recall"]["realistic"]["hits"] == 1
    assert summary["emergency_recall"]["all"] == {"hits": 1, "total": 3, "rate": pytest.approx(1 / 3)}
    assert summary["per_sign"]["leg_weakness"]["realistic"] == {"hits": 0, "total": 1, "rate": 0.0}
    assert summary["per_sign"]["fever"]["all"]["rate"] == 1.0


def test_false_alarms_and_extra_signs():
    items = [{"text": "fine", "style": "plain", "red_flags": [], "negative": True},
             {"text": "no numbness", "style": "realistic", "red_flags": [], "negative": True},
             {"text": "fever", "style": "plain", "red_flags": ["fever"], "negative": False},
             {"text": "sore", "style": "plain", "red_flags": []}]
    parses = [{"entities": [entity("red_flag", "night_pain")]},
              {"entities": [entity("red_flag", "saddle_numbness", "negated")]},
              {"entities": [entity("red_flag", "fever"), entity("red_flag", "weight_loss")]},
              {"entities": [entity("red_flag", "chest_pain")]}]
    scores = ev.score_phrasings(items, parses)
    summary = ev.phrasing_summary(scores)
    assert summary["false_alarms"]["all"] == {"hits": 1, "total": 2, "rate": 0.5}
    assert summary["false_alarms"]["realistic"]["hits"] == 0
    assert summary["extra_signs"] == 2
    kinds = [m["kind"] for m in scores.misses]
    assert kinds == ["false alarm", "extra warning sign", "extra warning sign"]
    assert scores.misses[0] == {"kind": "false alarm", "text": "fine", "expected": [], "got": ["night_pain"]}


def test_entity_scores_are_micro_averaged_set_matches():
    items = [
        {"text": "lifting boxes hurts my lower back", "red_flags": [],
         "entities": {"activity": ["lifting"], "pain_location": ["low_back"], "symptom": []}},
        {"text": "walking, no tingling", "red_flags": ["leg_weakness"], "entities": {"activity": ["walking"]}},
        {"text": "not scored", "red_flags": [], "negative": True},
    ]
    parses = [
        {"entities": [entity("activity", "lifting"), entity("activity", "lifting"), entity("symptom", "stiffness")]},
        {"entities": [entity("activity", "walking"), entity("symptom", "tingling", "negated"),
                      entity("pain_location", "hip"), entity("red_flag", "leg_weakness")]},
        {"entities": [entity("activity", "running")]},
    ]
    summary = ev.phrasing_summary(ev.score_phrasings(items, parses))
    entities = summary["entities"]
    assert (entities["activity"]["tp"], entities["activity"]["fp"], entities["activity"]["fn"]) == (2, 0, 0)
    assert (entities["pain_location"]["tp"], entities["pain_location"]["fn"]) == (0, 1)
    # The second item lists no pain_location, so its "hip" is not counted against it.
    assert entities["pain_location"]["fp"] == 0 and entities["pain_location"]["f1"] == 0.0
    assert entities["symptom"]["fp"] == 1 and entities["symptom"]["precision"] == 0.0
    assert entities["red_flag"]["f1"] == 1.0
    overall = summary["entity_overall"]
    assert (overall["tp"], overall["fp"], overall["fn"]) == (3, 1, 1)
    assert overall["f1"] == pytest.approx(0.75)


def test_entity_f1_is_none_when_nothing_was_annotated():
    summary = ev.phrasing_summary(ev.score_phrasings([{"text": "x", "red_flags": []}], [{"entities": []}]))
    assert summary["entity_overall"]["f1"] is None and summary["recall"]["all"]["rate"] is None


def test_pain_score_matches_the_entity_as_text():
    items = [{"text": "a 7", "red_flags": [], "pain_score": 7}, {"text": "about 4", "red_flags": [], "pain_score": 4},
             {"text": "none", "red_flags": [], "pain_score": None}]
    parses = [{"entities": [entity("pain_score", "7")]}, {"entities": [entity("pain_score", "5")]}, {}]
    scores = ev.score_phrasings(items, parses)
    assert scores.pain.as_dict() == {"hits": 1, "total": 2, "rate": 0.5}
    assert scores.misses[-1] == {"kind": "pain score", "text": "about 4", "expected": "4", "got": "5"}


# --------------------------------------------------------------------------- gate and output


def figures(**changes):
    base = {"emergency_recall": 1.0, "recall": 0.99, "false_alarm_rate": 0.0, "entity_f1": 0.95,
            "triage_rate": 1.0, "safety_rate": 1.0, "loops": 0, "median_turns": 9}
    return {**base, **changes}


def test_gate_defaults_pass_good_figures():
    assert ev.gate_failures(figures(), ev.read_thresholds({})) == []


def test_gate_names_each_failure_and_reads_the_environment():
    failed = ev.gate_failures(figures(recall=0.9, loops=1, median_turns=12, safety_rate=None),
                              ev.read_thresholds({}))
    assert [line.split()[0] for line in failed] == ["recall", "safety_rate:", "loops", "median_turns"]
    assert "EVAL_MIN_RECALL=0.98" in failed[0]
    relaxed = ev.read_thresholds({"EVAL_MIN_RECALL": "0.8", "EVAL_MAX_LOOPS": "2", "EVAL_MAX_MEDIAN_TURNS": "12"})
    assert ev.gate_failures(figures(recall=0.9, loops=1, median_turns=12), relaxed) == []
    with pytest.raises(SystemExit):
        ev.read_thresholds({"EVAL_MIN_RECALL": "high"})


def test_gate_figures_and_table_from_a_summary():
    items = [{"text": "can't feel my legs", "style": "plain", "red_flags": ["leg_weakness"]},
             {"text": "fine", "style": "plain", "red_flags": [], "negative": True}]
    parses = [{"entities": [entity("red_flag", "leg_weakness")]}, {"entities": []}]
    summary = {"phrasings": ev.phrasing_summary(ev.score_phrasings(items, parses)),
               "conversations": ev.conversation_summary([result("emergency", True, 4)])}
    assert ev.gate_figures(summary) == {"emergency_recall": 1.0, "recall": 1.0, "false_alarm_rate": 0.0,
                                        "entity_f1": None, "triage_rate": 1.0, "safety_rate": 1.0,
                                        "loops": 0, "median_turns": 4}
    table = ev.format_table(summary)
    assert "leg_weakness" in table and "1/1 (100.0%)" in table and "0/1 (0.0%)" in table
    assert "can't feel my legs" not in table


def test_an_api_token_starting_with_a_dash_reaches_rasa_as_the_token(tmp_path):
    """A random token once began with "-"; `rasa run` took it for an option and the evaluation never started."""
    from rasa.__main__ import create_argument_parser

    servers = ev.OwnServers(tmp_path, tmp_path)
    servers.token = "-Xq3-token"
    parsed = create_argument_parser().parse_args(servers.rasa_run_arguments())
    assert parsed.auth_token == "-Xq3-token"
    assert parsed.enable_api


def test_the_shipped_sets_file_names_existing_sets_with_known_thresholds():
    sets = ev.load_sets(ROOT / "tests" / "evaluation" / "sets.yml")
    assert len({one.name for one in sets}) == len(sets) >= 5
    for one in sets:
        assert one.phrasings.is_file() and one.scenarios.is_file()
        assert set(one.thresholds) == set(ev.THRESHOLDS)


def test_a_threshold_a_set_leaves_out_is_the_issues_target(tmp_path):
    (tmp_path / "sets.yml").write_text("sets:\n  - {name: a, phrasings: p.yml, scenarios: s.yml, gate: {loops: 3}}\n")
    [one] = ev.load_sets(tmp_path / "sets.yml")
    assert one.thresholds["loops"] == 3.0
    assert one.thresholds["recall"] == ev.THRESHOLDS["recall"][1]
    assert one.phrasings == tmp_path / "p.yml"


@pytest.mark.parametrize("text", ["sets: []\n", "nothing: 1\n",
                                  "sets:\n  - {name: a, phrasings: p, scenarios: s, gate: {recal: 0.9}}\n",
                                  "sets:\n  - {phrasings: p, scenarios: s}\n"])
def test_a_malformed_sets_file_stops_before_any_server_starts(tmp_path, text):
    (tmp_path / "sets.yml").write_text(text)
    with pytest.raises(SystemExit):
        ev.load_sets(tmp_path / "sets.yml")


def test_judge_checks_cautions_and_treatment_so_far():
    assessment = {"triage": "massage_ok", "cautions": ["pregnancy", "skin_at_site"],
                  "previous_treatment": {"sessions": 2, "change": "no_change"}, "culprits": []}
    expect = {"triage": "massage_ok", "cautions": ["pregnancy"],
              "previous_treatment": {"sessions": 2, "change": "no_change"}}
    assert all(ev.judge(assessment, expect).values())
    assert not ev.judge(assessment, {**expect, "cautions": ["blood_thinners"]})["cautions"]
    assert not ev.judge(assessment, {**expect, "previous_treatment": {"sessions": 3}})["previous_treatment"]


def test_intake_facts_are_scored_where_labelled():
    scores = ev.PhrasingScores()
    ev.score_intake_facts({"text": "I'm 20 weeks pregnant", "cautions": ["pregnancy"]}, scores)
    ev.score_intake_facts({"text": "my sister is pregnant", "cautions": []}, scores)
    ev.score_intake_facts({"text": "had two massages, no better", "treatment": {"sessions": 2, "change": "no_change"}},
                          scores)
    ev.score_intake_facts({"text": "thinking of booking a massage", "treatment": None}, scores)
    ev.score_intake_facts({"text": "I'm on warfarin", "cautions": []}, scores)
    assert (scores.cautions.hits, scores.cautions.total) == (2, 3)
    assert (scores.treatment.hits, scores.treatment.total) == (2, 2)
    assert [m["kind"] for m in scores.misses] == ["cautions"]
