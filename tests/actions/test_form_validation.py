"""ValidateAssessmentForm: slots are client-controlled input, so only known values get through."""

import asyncio

import pytest

from actions.assessment_form import ValidateAssessmentForm
from bot.questions import ASSESSMENT_SLOTS


@pytest.fixture
def form():
    return ValidateAssessmentForm()


@pytest.fixture
def tracker(h):
    return h.tracker({"requested_slot": None}, [h.user_event("no, none of those", intent="deny")])


# --- red flags ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value,expected", [
    (["none"], []),
    ("none", []),
    (["fever"], ["fever"]),
    (["bladder_bowel", "fever", "fever"], ["bladder_bowel", "fever"]),
    # A real warning sign beats "none of these" in the same answer.
    (["none", "chest_pain"], ["chest_pain"]),
    (["fever", "banana"], ["fever"]),
    (["banana"], None),
    (["drop table"], None),
    ([], None),
    (None, None),
    ([{"value": "fever"}], None),
])
def test_validate_red_flags(form, dispatcher, tracker, value, expected):
    assert form.validate_red_flags(value, dispatcher, tracker, {}) == {"red_flags": expected}


@pytest.mark.parametrize("answer", ["null", "'; DROP TABLE events; --", "%s%s%s%n", "\\n\\r", "ok", "hmm", ""])
def test_a_guessed_no_never_clears_the_safety_check(form, dispatcher, h, answer):
    tracker = h.tracker({"requested_slot": "red_flags"}, [h.user_event(answer, intent="deny")])
    assert form.validate_red_flags(["none"], dispatcher, tracker, {}) == {"red_flags": None}
    assert "clear answer" in h.all_text(dispatcher)


@pytest.mark.parametrize("answer", ["no", "Nope!", "none of those", "I don't have any", "havent got any",
                                    "nothing like that", "/deny", "NO.", "I’m fine thanks"])
def test_a_real_no_clears_it(form, dispatcher, h, answer):
    tracker = h.tracker({"requested_slot": "red_flags"}, [h.user_event(answer, intent="deny")])
    assert form.validate_red_flags(["none"], dispatcher, tracker, {}) == {"red_flags": []}


# --- pain location and activities --------------------------------------------------------------------


@pytest.mark.parametrize("value,expected", [
    (["buttock", "banana"], ["buttock"]),
    (["banana"], None),
    (["unknown"], ["unknown"]),
    ("unknown", ["unknown"]),
    (["unknown", "sacrum"], ["sacrum"]),
    # An activity is not a location.
    (["lifting"], None),
    (None, None),
])
def test_validate_pain_location(form, dispatcher, tracker, value, expected):
    assert form.validate_pain_location(value, dispatcher, tracker, {}) == {"pain_location": expected}


@pytest.mark.parametrize("value,expected", [
    (["lifting", "/inject"], ["lifting"]),
    (["/inject"], None),
    (["unknown"], ["unknown"]),
    (["unknown", "driving", "driving"], ["driving"]),
    (["buttock"], None),
])
def test_validate_activities(form, dispatcher, tracker, value, expected):
    assert form.validate_activities(value, dispatcher, tracker, {}) == {"activities": expected}


def test_validate_symptoms_keeps_only_known(form, dispatcher, tracker):
    assert form.validate_symptoms(["spasm", "unknown", "zombie"], dispatcher, tracker, {}) == {"symptoms": ["spasm"]}
    assert form.validate_symptoms(["zombie"], dispatcher, tracker, {}) == {"symptoms": None}


# --- pain score ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("value,expected", [
    ("7/10", "7"),
    ("about a six", "6"),
    ("8 on a bad day, 5 on a good one", "8"),
    ("0", "0"),
    ("unbearable", "severe"),
    ("pretty mild", "mild"),
    ("unknown", "unknown"),
])
def test_validate_pain_score(form, dispatcher, h, value, expected):
    tracker = h.tracker({"requested_slot": "pain_score"})
    assert form.validate_pain_score(value, dispatcher, tracker, {}) == {"pain_score": expected}
    assert dispatcher.messages == []


def test_unreadable_pain_score_gets_a_kind_message_when_asked(form, dispatcher, h):
    tracker = h.tracker({"requested_slot": "pain_score"})
    assert form.validate_pain_score("blah", dispatcher, tracker, {}) == {"pain_score": None}
    [message] = h.texts(dispatcher)
    assert "0 to 10" in message
    assert "not sure" in message


def test_unreadable_pain_score_is_silent_when_not_asked(form, dispatcher, h):
    tracker = h.tracker({"requested_slot": "pain_location"})
    assert form.validate_pain_score("blah", dispatcher, tracker, {}) == {"pain_score": None}
    assert dispatcher.messages == []


@pytest.mark.parametrize("value", ["11", "15/10", None])
def test_out_of_range_pain_score_is_rejected(form, dispatcher, tracker, value):
    assert form.validate_pain_score(value, dispatcher, tracker, {}) == {"pain_score": None}


# --- duration ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["3 weeks", "since last tuesday", "a couple of months", "2 yrs"])
def test_readable_duration_is_kept(form, dispatcher, h, value):
    tracker = h.tracker({"requested_slot": "pain_duration"})
    assert form.validate_pain_duration(value, dispatcher, tracker, {}) == {"pain_duration": value}
    assert dispatcher.messages == []


def test_unknown_duration_is_accepted(form, dispatcher, tracker):
    assert form.validate_pain_duration("unknown", dispatcher, tracker, {}) == {"pain_duration": "unknown"}


def test_unreadable_duration_is_rejected_with_a_message(form, dispatcher, h):
    tracker = h.tracker({"requested_slot": "pain_duration"})
    assert form.validate_pain_duration("banana", dispatcher, tracker, {}) == {"pain_duration": None}
    [message] = h.texts(dispatcher)
    assert "3 weeks" in message


def test_unreadable_duration_is_silent_when_not_asked(form, dispatcher, h):
    tracker = h.tracker({"requested_slot": "pain_score"})
    assert form.validate_pain_duration("banana", dispatcher, tracker, {}) == {"pain_duration": None}
    assert dispatcher.messages == []


def test_non_text_duration_is_rejected(form, dispatcher, tracker):
    assert form.validate_pain_duration(["3 weeks"], dispatcher, tracker, {}) == {"pain_duration": None}


# --- inflammation and consent ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value,expected", [("yes", "yes"), ("no", "no"), ("unknown", "unknown"), ("maybe", None),
                                            (True, None), (None, None)])
def test_validate_inflammation(form, dispatcher, tracker, value, expected):
    assert form.validate_inflammation(value, dispatcher, tracker, {}) == {"inflammation": expected}


@pytest.mark.parametrize("value,expected", [(True, True), (False, False), ("yes", None), (None, None)])
def test_validate_consent(form, dispatcher, tracker, value, expected):
    assert form.validate_consent(value, dispatcher, tracker, {}) == {"consent": expected}


# --- required slots ---------------------------------------------------------------------------------------------


def required(form, dispatcher, h, consent):
    return asyncio.run(form.required_slots(list(ASSESSMENT_SLOTS), dispatcher, h.tracker({"consent": consent}), {}))


def test_no_consent_asks_nothing_else(form, dispatcher, h):
    assert required(form, dispatcher, h, False) == ["consent"]


@pytest.mark.parametrize("consent", [True, None])
def test_consent_given_or_pending_keeps_every_slot(form, dispatcher, h, consent):
    assert required(form, dispatcher, h, consent) == list(ASSESSMENT_SLOTS)


# --- through the form validation entry point --------------------------------------------------------------------


def _run_form(form, dispatcher, h, red_flags):
    domain = {"forms": {"assessment_form": {"required_slots": list(ASSESSMENT_SLOTS)}}}
    events = [h.user_event("whatever", intent="describe_activity"),
              {"event": "slot", "name": "red_flags", "value": red_flags},
              {"event": "slot", "name": "activities", "value": ["/inject"]}]
    slots = {"consent": True, "red_flags": red_flags, "activities": ["/inject"], "requested_slot": "red_flags"}
    tracker = h.tracker(slots, events)
    tracker.active_loop = {"name": "assessment_form"}
    return h.slot_events(asyncio.run(form.run(dispatcher, tracker, domain)))


def test_run_validates_the_slots_set_since_the_last_message(form, dispatcher, h):
    """What the action server actually calls: rejected values come back as SlotSet(None)."""
    result = _run_form(form, dispatcher, h, ["banana"])
    assert result["red_flags"] is None
    assert result["activities"] is None


def test_run_with_a_warning_sign_keeps_it_and_ends_the_form(form, dispatcher, h):
    result = _run_form(form, dispatcher, h, ["banana", "fever"])
    assert result["red_flags"] == ["fever"]
    assert result["requested_slot"] is None


@pytest.mark.parametrize("flags,expected", [(["fever"], ["red_flags"]), ([], list(ASSESSMENT_SLOTS)),
                                            (["not_a_flag"], list(ASSESSMENT_SLOTS))])
def test_a_warning_sign_ends_the_questions(form, dispatcher, h, flags, expected):
    tracker = h.tracker({"consent": True, "red_flags": flags})
    assert asyncio.run(form.required_slots(list(ASSESSMENT_SLOTS), dispatcher, tracker, {})) == expected
