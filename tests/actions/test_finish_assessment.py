"""ActionFinishAssessment and assessment_input(): slots plus what was said along the way."""

import pytest

from actions.assessment_form import ActionFinishAssessment
from actions.conversation import assessment_input, session_user_events
from bot.assessment import assess
from bot.knowledge import default_knowledge
from bot.questions import reply

QL_TEXT = "it hurts on the left side of my lower back when i lean over the sink, and it goes into spasm"

QL_SLOTS = {"consent": True, "red_flags": [], "pain_location": ["low_back_one_side"], "activities": ["lifting"],
            "pain_score": "4", "pain_duration": "3 weeks", "inflammation": "no", "requested_slot": None}


@pytest.fixture
def ql_events(h):
    t = QL_TEXT
    return [h.user_event(t, entities=[h.entity(t, "left side of my lower back", "pain_location", "low_back_one_side"),
                                      h.entity(t, "lean over the sink", "activity", "leaning_over"),
                                      h.entity(t, "spasm", "symptom", "spasm")])]


def finish(dispatcher, tracker):
    return ActionFinishAssessment().run(dispatcher, tracker, {})


def assessment_of(h, events):
    [result] = [value for name, value in h.slot_events(events).items() if name == "assessment"]
    return result


def payloads(dispatcher):
    return [m["custom"] for m in dispatcher.messages if m.get("custom")]


def test_full_ql_picture(dispatcher, h, ql_events):
    events = finish(dispatcher, h.tracker(QL_SLOTS, ql_events))
    text = h.all_text(dispatcher)
    assert "quadratus lumborum" in text.lower()
    # The client's own words are quoted back.
    assert '"lean over the sink"' in text
    result = assessment_of(h, events)
    assert result["triage"] == "massage_ok"
    assert result["culprits"][0]["muscle"] == "quadratus_lumborum"
    # Slots and session entities are merged.
    assert set(result["activities"]) == {"leaning_over", "lifting"}
    assert result["symptoms"] == ["spasm"]
    assert result["pain_score"] == 4
    assert result["duration"]["days"] == 21
    assert reply("anything_else") in [m.get("text") for m in dispatcher.messages]


def test_rest_channel_gets_the_result_as_a_payload(dispatcher, h, ql_events):
    events = finish(dispatcher, h.tracker(QL_SLOTS, ql_events))
    [payload] = payloads(dispatcher)
    assert payload == {"assessment": assessment_of(h, events)}


def test_cmdline_channel_gets_no_payload(dispatcher, h):
    t = QL_TEXT
    events = [h.user_event(t, channel="cmdline",
                           entities=[h.entity(t, "lean over the sink", "activity", "leaning_over")])]
    finish(dispatcher, h.tracker(QL_SLOTS, events))
    assert payloads(dispatcher) == []
    assert "quadratus lumborum" in h.all_text(dispatcher).lower()


def test_payload_follows_the_latest_channel(dispatcher, h):
    events = [h.user_event("hi", intent="greet", channel="rest"), h.user_event("3 weeks", channel="cmdline")]
    finish(dispatcher, h.tracker(QL_SLOTS, events))
    assert payloads(dispatcher) == []


def test_denied_red_flag_earlier_does_not_make_it_urgent(dispatcher, h, ql_events):
    denial = "no fever, and my bladder is fine"
    events = ql_events + [h.user_event(denial, intent="deny", entities=[
        h.entity(denial, "fever", "red_flag", "fever", role="negated"),
        h.entity(denial, "bladder", "red_flag", "bladder_bowel", role="negated")])]
    result = assessment_of(h, finish(dispatcher, h.tracker(QL_SLOTS, events)))
    assert result["triage"] == "massage_ok"
    assert result["red_flags"] == []


def test_live_red_flag_earlier_in_the_session_makes_it_urgent(dispatcher, h, ql_events):
    t = "i also have had a fever"
    events = [h.user_event(t, intent="report_red_flag", entities=[h.entity(t, "fever", "red_flag", "fever")])]
    result = assessment_of(h, finish(dispatcher, h.tracker(QL_SLOTS, events + ql_events)))
    assert result["triage"] == "urgent"
    assert result["culprits"] == []
    text = h.all_text(dispatcher).lower()
    assert "quadratus" not in text
    assert reply("anything_else") not in [m.get("text") for m in dispatcher.messages]


@pytest.mark.parametrize("reset", ["restart", "session_started"])
def test_entities_before_a_restart_are_ignored(dispatcher, h, ql_events, reset):
    t = "i cant pee"
    old = [h.user_event(t, intent="report_red_flag", entities=[h.entity(t, "cant pee", "red_flag", "bladder_bowel")]),
           h.user_event("i drive a lot", entities=[h.entity("i drive a lot", "drive", "activity", "driving")])]
    events = old + [{"event": reset}] + ql_events
    result = assessment_of(h, finish(dispatcher, h.tracker(QL_SLOTS, events)))
    assert result["triage"] == "massage_ok"
    assert "driving" not in result["activities"]


def test_no_consent_gives_the_no_consent_reply_and_no_assessment(dispatcher, h, ql_events):
    events = finish(dispatcher, h.tracker(dict(QL_SLOTS, consent=False), ql_events))
    assert h.texts(dispatcher) == [reply("no_consent")]
    assert payloads(dispatcher) == []
    assert "assessment" not in h.slot_events(events)
    assert h.slot_events(events) == {"consent": None}


def test_severity_word_slot_makes_it_see_doctor_first(dispatcher, h, ql_events):
    result = assessment_of(h, finish(dispatcher, h.tracker(dict(QL_SLOTS, pain_score="severe"), ql_events)))
    assert result["triage"] == "see_doctor_first"
    assert result["pain_score"] is None
    assert result["severity"] == "severe"


def test_inflammation_yes_makes_it_see_doctor_first(dispatcher, h, ql_events):
    result = assessment_of(h, finish(dispatcher, h.tracker(dict(QL_SLOTS, inflammation="yes"), ql_events)))
    assert result["triage"] == "see_doctor_first"
    assert result["inflammation"] is True


# --- assessment_input ------------------------------------------------------------------------------------------


def test_out_of_vocabulary_slot_values_never_reach_the_engine(h):
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


def test_out_of_vocabulary_entities_are_ignored(h):
    t = "/describe_pain"
    events = [h.user_event(t, entities=[{"entity": "activity", "value": "hacking"},
                                        {"entity": "red_flag", "value": "drop table"},
                                        {"entity": "pain_location", "value": "buttock"}])]
    data = assessment_input(h.tracker({}, events))
    assert data.activities == [] and data.red_flags == []
    assert data.pain_locations == ["buttock"]
    assert assess(data)["triage"] == "massage_ok"


def test_non_list_slot_values_are_handled(h):
    data = assessment_input(h.tracker({"activities": "lifting", "red_flags": None, "pain_score": 7,
                                       "pain_duration": ["3 weeks"]}))
    assert data.activities == ["lifting"]
    assert data.red_flags == []
    assert data.pain_score is None
    assert data.duration is None


@pytest.mark.parametrize("value", [42, True, 3.5])
def test_scalar_slot_value_is_ignored_not_a_crash(h, value):
    data = assessment_input(h.tracker({"red_flags": value, "activities": value}))
    assert data.red_flags == [] and data.activities == []


def test_clients_own_words_are_kept_for_session_entities(h, ql_events):
    data = assessment_input(h.tracker({}, ql_events))
    assert data.words == {"low_back_one_side": "left side of my lower back", "leaning_over": "lean over the sink",
                          "spasm": "spasm"}


def test_button_payload_text_is_not_quoted_as_the_clients_words(h):
    t = '/describe_pain{"pain_location": "buttock"}'
    events = [h.user_event(t, entities=[{"entity": "pain_location", "value": "buttock", "start": 0, "end": 5}])]
    data = assessment_input(h.tracker({}, events))
    assert data.pain_locations == ["buttock"]
    assert data.words == {}


def test_numeric_pain_score_slot_is_read(h):
    assert assessment_input(h.tracker({"pain_score": "7"})).pain_score == 7
    assert assessment_input(h.tracker({"pain_score": "mild"})).pain_description == "mild"


def test_session_user_events_start_after_the_last_restart(h):
    events = [h.user_event("a"), {"event": "restart"}, h.user_event("b"), {"event": "bot", "text": "x"},
              h.user_event("c")]
    assert [e["text"] for e in session_user_events(h.tracker({}, events))] == ["b", "c"]


def test_every_vocabulary_value_passes_through(h):
    knowledge = default_knowledge()
    slots = {"activities": knowledge.values("activity"), "pain_location": knowledge.values("pain_location")}
    data = assessment_input(h.tracker(slots))
    assert data.activities == knowledge.values("activity")
    assert data.pain_locations == knowledge.values("pain_location")


def test_the_widget_gets_the_card_with_a_short_lead_not_the_result_twice(dispatcher, h):
    events = [h.user_event(QL_TEXT, channel="socketio")]
    finish(dispatcher, h.tracker(QL_SLOTS, events))
    assert h.texts(dispatcher) == [reply("result_lead"), reply("anything_else")]
    assert payloads(dispatcher)[0]["assessment"]["triage"] == "massage_ok"


def test_urgent_advice_is_text_on_the_widget_too(dispatcher, h):
    events = [h.user_event("i've had a fever for days", channel="socketio")]
    finish(dispatcher, h.tracker({**QL_SLOTS, "red_flags": ["fever"]}, events))
    assert "doctor" in h.all_text(dispatcher).lower() and reply("result_lead") not in h.texts(dispatcher)
    assert payloads(dispatcher)[0]["assessment"]["triage"] == "urgent"
