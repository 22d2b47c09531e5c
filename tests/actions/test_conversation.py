"""actions/conversation.py: what the client said this session, read out of the tracker, vocabulary values only."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from actions.conversation import (
    GROUPS,
    SCREENED,
    SEVERITY_WORDS,
    assessment_input,
    canonical_values,
    first_emergency_group,
    mentioned,
    needs_emergency_screening,
    reported_warning_signs,
    session_user_events,
    wants_payload,
)
from bot.assessment import UNKNOWN, assess
from bot.knowledge import default_knowledge
from bot.screening import GROUP_PREFIX, default_screening

KNOWLEDGE = default_knowledge()
URGENT = [name for name, flag in KNOWLEDGE.red_flags.items() if flag.level == "urgent"]
EMERGENCY = [name for name, flag in KNOWLEDGE.red_flags.items() if flag.level == "emergency"]


# --- session_user_events ------------------------------------------------------------------------------------


def test_session_user_events_start_after_the_last_restart(h: SimpleNamespace) -> None:
    """Only what was said since "start over" may count."""
    events = [h.user_event("a"), {"event": "restart"}, h.user_event("b"), {"event": "bot", "text": "x"},
              h.user_event("c")]
    assert [e["text"] for e in session_user_events(h.tracker({}, events))] == ["b", "c"]


def test_session_user_events_start_after_a_new_session(h: SimpleNamespace) -> None:
    """A client back the next day starts afresh: yesterday's warning signs and places are not today's."""
    events = [h.user_event("a"), {"event": "session_started"}, {"event": "action", "name": "action_listen"},
              h.user_event("b")]
    assert [e["text"] for e in session_user_events(h.tracker({}, events))] == ["b"]


def test_session_user_events_are_the_users_messages_only_with_their_parse_data(h: SimpleNamespace) -> None:
    """Bot messages, slots and actions are not things the client said; the entities must come along."""
    said = h.user_event("my buttock", entities=[{"entity": "pain_location", "value": "buttock"}])
    events = [{"event": "bot", "text": "Where?"}, {"event": "slot", "name": "consent", "value": True}, said,
              {"event": "action", "name": "assessment_form"}]
    assert session_user_events(h.tracker({}, events)) == [said]


# --- mentioned ----------------------------------------------------------------------------------------------


def test_mentioned_values_keep_their_first_order_and_first_words(h: SimpleNamespace) -> None:
    """Each value once; the words quoted back are the ones the client used first."""
    first, second = "my buttock and my tailbone", "the bum again"
    events = [h.user_event(first, entities=[h.entity(first, "buttock", "pain_location", "buttock"),
                                            h.entity(first, "tailbone", "pain_location", "sacrum")]),
              h.user_event(second, entities=[h.entity(second, "bum", "pain_location", "buttock")])]
    assert mentioned(h.tracker({}, events), "pain_location") == (["buttock", "sacrum"],
                                                                 {"buttock": "buttock", "sacrum": "tailbone"})


def test_mentioned_leaves_out_denied_values_and_other_kinds(h: SimpleNamespace) -> None:
    """"Not my hip, my buttock, when sitting": only the buttock is a place the client has pain."""
    t = "not my hip, my buttock, when sitting"
    events = [h.user_event(t, entities=[h.entity(t, "hip", "pain_location", "side_of_hip", role="negated"),
                                        h.entity(t, "buttock", "pain_location", "buttock"),
                                        h.entity(t, "sitting", "activity", "sitting")])]
    assert mentioned(h.tracker({}, events), "pain_location") == (["buttock"], {"buttock": "buttock"})


def test_a_value_without_offsets_is_kept_without_words(h: SimpleNamespace) -> None:
    """Entities from rules may carry no position: the value counts, but nothing is quoted."""
    events = [h.user_event("sitting hurts", entities=[{"entity": "activity", "value": "sitting"}])]
    assert mentioned(h.tracker({}, events), "activity") == (["sitting"], {})


# --- canonical_values ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, 42, True, 3.5, {"buttock": True}, "banana", ""])
def test_anything_but_a_vocabulary_value_is_dropped(value: Any) -> None:
    """Slots are client-controlled: a forged value must become nothing, not an error."""
    assert canonical_values(value, "pain_location") == []


def test_a_single_value_is_read_as_a_list_of_one() -> None:
    """Rasa may fill a list slot with one string."""
    assert canonical_values("buttock", "pain_location") == ["buttock"]


@pytest.mark.parametrize("container", [list, tuple])
def test_values_keep_their_order_once_each_without_the_rest(container: type) -> None:
    """Order is the client's; duplicates and junk (even unhashable junk) are dropped."""
    values = container(["sacrum", {"x": 1}, "buttock", "sacrum", None, "/inject", ["buttock"]])
    assert canonical_values(values, "pain_location") == ["sacrum", "buttock"]


def test_a_set_of_values_is_read_too() -> None:
    """A slot may hold a set once a custom action has touched it."""
    assert sorted(canonical_values({"buttock", "sacrum", "nowhere"}, "pain_location")) == ["buttock", "sacrum"]


def test_values_are_checked_against_the_entitys_own_vocabulary() -> None:
    """A warning sign is not a place, and a place is not a warning sign."""
    assert canonical_values([EMERGENCY[0], "buttock"], "pain_location") == ["buttock"]
    assert canonical_values([EMERGENCY[0], "buttock"], "red_flag") == [EMERGENCY[0]]


def test_a_sentinel_passes_only_when_allowed() -> None:
    """"unknown" is an answer for some slots, never a vocabulary value."""
    assert canonical_values(["buttock", UNKNOWN], "pain_location") == ["buttock"]
    assert canonical_values(["buttock", UNKNOWN], "pain_location", allow=(UNKNOWN,)) == ["buttock", UNKNOWN]


# --- reported_warning_signs ---------------------------------------------------------------------------------


def test_warning_signs_said_come_first_then_those_in_the_slot_once_each(h: SimpleNamespace) -> None:
    """A sign may be said in passing or picked from the list; either way it counts, once."""
    said, picked = URGENT[0], EMERGENCY[0]
    t = "i have one of those"
    event = h.user_event(t, entities=[h.entity(t, "one", "red_flag", said)])
    tracker = h.tracker({"red_flags": [picked, said, "drop table"]}, [event])
    assert reported_warning_signs(tracker) == [said, picked]


def test_a_denied_warning_sign_is_not_reported(h: SimpleNamespace) -> None:
    """"No fever" must never start the safety triage."""
    t = "no fever"
    event = h.user_event(t, intent="deny", entities=[h.entity(t, "fever", "red_flag", "fever", role="negated")])
    assert reported_warning_signs(h.tracker({}, [event])) == []


def test_a_warning_sign_before_a_restart_is_not_reported(h: SimpleNamespace) -> None:
    """After "start over" the client is asked the safety question afresh."""
    t = "i cant pee"
    events = [h.user_event(t, entities=[h.entity(t, "cant pee", "red_flag", "bladder_bowel")]), {"event": "restart"},
              h.user_event("hi", intent="greet")]
    assert reported_warning_signs(h.tracker({}, events)) == []


# --- needs_emergency_screening ------------------------------------------------------------------------------


@pytest.mark.parametrize("flag", URGENT)
def test_an_urgent_sign_alone_needs_the_emergency_signs_asked(h: SimpleNamespace, flag: str) -> None:
    """The emergency signs outrank it and were never asked: ending the check now could miss one."""
    assert needs_emergency_screening(h.tracker({}), [flag]) is True


@pytest.mark.parametrize("flag", EMERGENCY)
def test_an_emergency_sign_needs_nothing_more_asked(h: SimpleNamespace, flag: str) -> None:
    """Nothing outranks an emergency: its advice comes at once."""
    assert needs_emergency_screening(h.tracker({}), [URGENT[0], flag]) is False


@pytest.mark.parametrize("slots", [{SCREENED: True}, {GROUPS: ["general_health"]}])
def test_an_urgent_sign_after_the_safety_check_needs_nothing_more_asked(h: SimpleNamespace,
                                                                        slots: dict[str, Any]) -> None:
    """The emergency signs were already asked: asking them again would be a loop."""
    assert needs_emergency_screening(h.tracker(slots), [URGENT[0]]) is False


@pytest.mark.parametrize("flags", [[], ["drop table"], ("lurgy", "")])
def test_no_known_sign_needs_no_screening(h: SimpleNamespace, flags: list[str]) -> None:
    """Only vocabulary signs count; without one the caller says the cautious message instead."""
    assert needs_emergency_screening(h.tracker({}), flags) is False


def test_unknown_values_beside_an_urgent_sign_do_not_hide_it(h: SimpleNamespace) -> None:
    """Junk next to a real urgent sign must not skip the emergency questions."""
    assert needs_emergency_screening(h.tracker({}), ["drop table", URGENT[0]]) is True


def test_the_first_emergency_group_is_the_first_of_the_screening_with_emergency_signs() -> None:
    """The urgent-first path asks the emergency groups from the first one, as the screening orders them."""
    step = first_emergency_group()
    assert step.startswith(GROUP_PREFIX)
    groups = [group.id for group in default_screening().groups]
    first = groups.index(step[len(GROUP_PREFIX):])
    assert default_screening().groups[first].level == "emergency"
    assert all(group.level != "emergency" for group in default_screening().groups[:first])


# --- assessment_input ---------------------------------------------------------------------------------------


def test_out_of_vocabulary_slot_values_never_reach_the_engine(h: SimpleNamespace) -> None:
    """The engine raises on unknown values; the adapter must filter what clients can forge."""
    slots = {"activities": ["/inject", "lifting"], "red_flags": ["drop table"], "pain_location": ["<script>"],
             "symptoms": ["spasm", "'; DROP TABLE"], "pain_score": "unknown", "pain_duration": "unknown"}
    data = assessment_input(h.tracker(slots))
    assert data.activities == ["lifting"]
    assert data.red_flags == []
    assert data.pain_locations == []
    assert data.symptoms == ["spasm"]
    assert data.pain_score is None and data.pain_description is None
    assert data.duration is None
    # The engine accepts it (it raises UnknownValueError on anything outside the vocabulary).
    assert assess(data)["triage"] == "massage_ok"


def test_out_of_vocabulary_entities_are_ignored(h: SimpleNamespace) -> None:
    """Entities come from a model and from typed shorthand: both can hold anything."""
    t = "/describe_pain"
    events = [h.user_event(t, entities=[{"entity": "activity", "value": "hacking"},
                                        {"entity": "red_flag", "value": "drop table"},
                                        {"entity": "pain_location", "value": "buttock"}])]
    data = assessment_input(h.tracker({}, events))
    assert data.activities == [] and data.red_flags == []
    assert data.pain_locations == ["buttock"]
    assert assess(data)["triage"] == "massage_ok"


def test_non_list_slot_values_are_handled(h: SimpleNamespace) -> None:
    """A slot of the wrong type is read as nothing, never a crash mid-conversation."""
    data = assessment_input(h.tracker({"activities": "lifting", "red_flags": None, "pain_score": 7,
                                       "pain_duration": ["3 weeks"]}))
    assert data.activities == ["lifting"]
    assert data.red_flags == []
    assert data.pain_score is None
    assert data.duration is None


@pytest.mark.parametrize("value", [42, True, 3.5])
def test_scalar_slot_value_is_ignored_not_a_crash(h: SimpleNamespace, value: Any) -> None:
    """Numbers and booleans are not vocabulary values."""
    data = assessment_input(h.tracker({"red_flags": value, "activities": value}))
    assert data.red_flags == [] and data.activities == []


def test_clients_own_words_are_kept_for_session_entities(h: SimpleNamespace, ql_events: list[dict[str, Any]]) -> None:
    """The result quotes the client back, which shows they were heard."""
    data = assessment_input(h.tracker({}, ql_events))
    assert data.words == {"low_back_one_side": "left side of my lower back", "leaning_over": "lean over the sink",
                          "spasm": "spasm"}


def test_button_payload_text_is_not_quoted_as_the_clients_words(h: SimpleNamespace) -> None:
    """A button's payload is not something the client wrote."""
    t = '/describe_pain{"pain_location": "buttock"}'
    events = [h.user_event(t, entities=[{"entity": "pain_location", "value": "buttock", "start": 0, "end": 5}])]
    data = assessment_input(h.tracker({}, events))
    assert data.pain_locations == ["buttock"]
    assert data.words == {}


def test_numeric_pain_score_slot_is_read(h: SimpleNamespace) -> None:
    """The form stores a score as text; a severity word is a description, not a number."""
    assert assessment_input(h.tracker({"pain_score": "7"})).pain_score == 7
    assert assessment_input(h.tracker({"pain_score": "mild"})).pain_description == "mild"


@pytest.mark.parametrize("word", SEVERITY_WORDS)
def test_every_severity_word_is_a_description_not_a_score(h: SimpleNamespace, word: str) -> None:
    """The last wording's buttons send these words; "severe" must reach the engine as severe."""
    data = assessment_input(h.tracker({"pain_score": word}))
    assert (data.pain_score, data.pain_description) == (None, word)


def test_an_empty_pain_score_is_no_answer(h: SimpleNamespace) -> None:
    """An empty text slot is neither a number nor a severity word."""
    data = assessment_input(h.tracker({"pain_score": ""}))
    assert (data.pain_score, data.pain_description) == (None, None)


def test_every_vocabulary_value_passes_through(h: SimpleNamespace) -> None:
    """The filter must not drop real answers."""
    knowledge = default_knowledge()
    slots = {"activities": knowledge.values("activity"), "pain_location": knowledge.values("pain_location")}
    data = assessment_input(h.tracker(slots))
    assert data.activities == knowledge.values("activity")
    assert data.pain_locations == knowledge.values("pain_location")


def test_slot_values_join_the_session_mentions_after_them(h: SimpleNamespace,
                                                          ql_events: list[dict[str, Any]]) -> None:
    """What was said along the way and what the form asked are one picture, each value once."""
    data = assessment_input(h.tracker({"activities": ["lifting", "leaning_over"], "symptoms": ["spasm"]}, ql_events))
    assert data.activities == ["leaning_over", "lifting"]
    assert data.symptoms == ["spasm"]


def test_the_duration_is_passed_on_as_said(h: SimpleNamespace) -> None:
    """The engine dates it; the adapter must not reword it."""
    assert assessment_input(h.tracker({"pain_duration": "since christmas"})).duration == "since christmas"


@pytest.mark.parametrize("slot,expected", [("yes", True), ("no", False), (UNKNOWN, False), (None, False),
                                           (True, False)])
def test_only_a_yes_to_the_swelling_question_counts_as_inflammation(h: SimpleNamespace, slot: Any,
                                                                    expected: bool) -> None:
    """"Not sure" must not send a client to the doctor first; only the form's "yes" does."""
    assert assessment_input(h.tracker({"inflammation": slot})).inflammation is expected


def test_only_known_screening_groups_reach_the_engine(h: SimpleNamespace) -> None:
    """A "yes" to a group triages by that group; a forged id must not."""
    known = [group.id for group in default_screening().groups]
    data = assessment_input(h.tracker({GROUPS: [known[-1], "drop table", 7, None, known[0]]}))
    assert data.screening_groups == [known[-1], known[0]]


def test_a_screening_groups_slot_holding_one_string_is_not_read_letter_by_letter(h: SimpleNamespace) -> None:
    """A bare string is not a list of groups; none of its letters may pass as a group id."""
    only = default_screening().groups[0].id
    assert assessment_input(h.tracker({GROUPS: only})).screening_groups == []


# --- wants_payload ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("channel,expected", [("rest", True), ("socketio", True), ("cmdline", False),
                                              ("telegram", False)])
def test_only_web_channels_want_the_payload(h: SimpleNamespace, channel: str, expected: bool) -> None:
    """Web pages draw the result from data; other channels would show the JSON."""
    assert wants_payload(h.tracker({}, [h.user_event("ok", channel=channel)])) is expected


def test_no_message_yet_wants_no_payload(h: SimpleNamespace) -> None:
    """With no channel known, words are the safe choice."""
    assert wants_payload(h.tracker({})) is False


def test_treatment_and_a_fresh_injury_are_read_from_every_message(h: SimpleNamespace) -> None:
    """Said in passing, in answer to anything: two massages and no better, a strain yesterday."""
    events = [h.user_event("my lower back, i pulled it yesterday lifting"),
              h.user_event("a dull ache, ive had two massages and its no better")]
    data = assessment_input(h.tracker({}, events))
    assert data.recent_injury is True
    assert data.previous_treatment.as_dict() == {"sessions": 2, "change": "no_change"}
    result = assess(data)
    assert result["triage"] == "see_doctor_first"
    assert any(item["id"] == "no_change_after_two_sessions" for item in result["suggestions"])


def test_nothing_said_about_treatment_leaves_it_unknown(h: SimpleNamespace) -> None:
    data = assessment_input(h.tracker({}, [h.user_event("my lower back hurts when i sit")]))
    assert data.recent_injury is False
    assert assess(data)["previous_treatment"] == {"sessions": None, "change": "unknown"}


def test_every_message_is_read_as_the_language_model_read_it(h) -> None:
    """A stray surrogate or markup in a stored message cannot break the readers that go over the session."""
    from actions.conversation import reported_warning_signs, session_texts

    tracker = h.tracker({}, [h.user_event("\ud83d"), h.user_event("<b>I'm 30 weeks pregnant</b>"),
                             h.user_event("some bleeding since this morning")])
    assert session_texts(tracker)[1] == "I'm 30 weeks pregnant"
    assert "pregnancy_warning_signs" in reported_warning_signs(tracker)
