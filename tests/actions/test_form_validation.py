"""ValidateAssessmentForm: natural answers are read, unreadable ones never loop, safety is never guessed."""

import asyncio

import pytest

from actions.assessment_form import ValidateAssessmentForm
from actions.questions import ask
from bot.questions import reply

DOMAIN = {"forms": {"assessment_form": {"required_slots": ["consent", "red_flags", "pain_location", "activities",
                                                           "pain_score", "pain_duration", "inflammation"]}},
          "slots": {}}
ANSWERED = {"consent": True, "red_flags": [], "pain_location": ["buttock"], "activities": ["sitting"],
            "pain_score": "5", "pain_duration": "3 weeks"}
ORDER = ["consent", "red_flags", "pain_location", "activities", "pain_score", "pain_duration", "inflammation"]


def asked(slot, extra=None):
    """Slots of a conversation that has answered every question before ``slot``."""
    slots = {name: ANSWERED[name] for name in ORDER[:ORDER.index(slot)]}
    return {**slots, "requested_slot": slot, **(extra or {})}


def run(h, slots, text, intent="describe_pain", entities=(), candidates=None, verdict=None):
    """The form's validation as Rasa calls it: the message, then the slot candidates of its mappings."""
    user = h.user_event(text, intent=intent, entities=entities)
    if verdict:
        user["parse_data"]["input_check"] = verdict
    events = [user, {"event": "action", "name": "assessment_form"}]
    events += [{"event": "slot", "name": name, "value": value} for name, value in (candidates or {}).items()]
    tracker = h.tracker(slots, events, active_loop="assessment_form")
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    result = asyncio.run(ValidateAssessmentForm().run(dispatcher, tracker, DOMAIN))
    return h.slot_events(result), h.texts(dispatcher), result


# --- yes/no questions accept answers with content ------------------------------------------------


@pytest.mark.parametrize("text,intent,expected", [
    ("nope, not swollen or hot, it's just sore", "deny", "no"),
    ("nah its not puffy at all it just aches", "affirm", "no"),
    ("yes, it's a bit warm", "affirm", "yes"),
    ("yeah a little swollen", "describe_pain", "yes"),
    ("not that i can see", "describe_pain", "no"),
    ("no idea to be honest", "dont_know", "unknown"),
])
def test_the_swelling_question_reads_natural_answers(h, text, intent, expected):
    slots, _, _ = run(h, asked("inflammation"), text, intent)
    assert slots["inflammation"] == expected


def test_a_swelling_already_mentioned_is_not_asked_for(h):
    text = "my lower back is swollen and hot"
    swelling = h.entity(text, "swollen", "symptom", "swelling")
    slots, _, _ = run(h, asked("pain_location"), text, entities=[swelling])
    assert slots["inflammation"] == "yes"


@pytest.mark.parametrize("text,intent", [("yes, let's start", "affirm"), ("ok go on", "affirm"),
                                         ("check my back", "start_check"),
                                         ("my bum hurts when i sit", "describe_pain")])
def test_consent_is_given_in_many_ways(h, text, intent):
    slots, _, _ = run(h, {"requested_slot": "consent"}, text, intent)
    assert slots["consent"] is True


@pytest.mark.parametrize("text", ["not now thanks", "no", "maybe later"])
def test_consent_can_be_declined(h, text):
    slots, _, _ = run(h, {"requested_slot": "consent"}, text, "deny")
    assert slots["consent"] is False


# --- numbers and times ---------------------------------------------------------------------------


@pytest.mark.parametrize("text,score", [("easily a 6 out of 10", "6"), ("2 on a good day and 7 when it's bad", "7"),
                                        ("like a 4 i guess", "4"), ("pretty mild really", "mild"),
                                        ("unbearable", "severe")])
def test_pain_scores_are_read_from_the_words(h, text, score):
    slots, _, _ = run(h, asked("pain_score"), text, "give_pain_score", candidates={"pain_score": text})
    assert slots["pain_score"] == score


@pytest.mark.parametrize("text", ["ages", "since christmas", "about 3 weeks"])
def test_durations_the_engine_may_not_date_are_still_answers(h, text):
    slots, _, _ = run(h, asked("pain_duration"), text, "give_duration")
    assert slots["pain_duration"] == text


def test_not_knowing_is_an_answer(h):
    slots, _, _ = run(h, asked("pain_duration"), "honestly no idea", "dont_know")
    assert slots["pain_duration"] == "unknown"


# --- no question is asked more than three times ---------------------------------------------------


def test_an_unreadable_answer_is_asked_again_then_with_buttons_then_noted_as_not_sure(h):
    slots, _, _ = run(h, asked("pain_location"), "hmm", "nlu_fallback")
    assert slots["pain_location"] is None and slots["answer_attempts"] == 1
    slots, _, _ = run(h, asked("pain_location", {"answer_attempts": 1}), "hmm", "nlu_fallback")
    assert slots["pain_location"] is None and slots["answer_attempts"] == 2
    slots, texts, _ = run(h, asked("pain_location", {"answer_attempts": 2}), "hmm", "nlu_fallback")
    assert slots["pain_location"] == "unknown" and slots["answer_attempts"] == 0
    assert texts == [reply("noted_not_sure")]


def test_each_repeat_of_a_question_is_worded_differently(h):
    from rasa_sdk.executor import CollectingDispatcher

    wordings = []
    for attempts in (0, 1, 2):
        dispatcher = CollectingDispatcher()
        ask(dispatcher, "pain_score", h.tracker({"answer_attempts": attempts}))
        wordings.append(dispatcher.messages[0]["text"])
        if attempts == 2:
            assert dispatcher.messages[-1]["buttons"], "the third time offers buttons"
    assert len(set(wordings)) == 3


def test_emoji_get_their_own_kind_reply_before_the_question_again(h):
    _, texts, _ = run(h, asked("pain_location"), "🙂", "nlu_fallback", verdict="no_words")
    assert texts == [reply("input_no_words")]


# --- the safety check --------------------------------------------------------------------------------


def test_a_plain_no_clears_the_safety_check(h):
    slots, _, _ = run(h, asked("red_flags"), "nope none of those", "deny", candidates={"red_flags": "none"})
    assert slots["red_flags"] == []


@pytest.mark.parametrize("text", ["I don't think so", "not as far as I'm aware", "not that i know of"])
def test_a_hedged_no_gets_one_confirmation_then_counts(h, text):
    slots, _, _ = run(h, asked("red_flags"), text, "deny", candidates={"red_flags": "none"})
    assert slots["red_flags"] is None and slots["screening_step"] == "confirm"
    slots, _, _ = run(h, asked("red_flags", {"screening_step": "confirm"}), text, "deny",
                      candidates={"red_flags": "none"})
    assert slots["red_flags"] == []


@pytest.mark.parametrize("text,intent", [("yes one of them", "affirm"), ("not sure", "dont_know")])
def test_yes_or_not_sure_without_a_sign_is_asked_one_group_at_a_time(h, text, intent):
    slots, texts, _ = run(h, asked("red_flags"), text, intent)
    assert slots["screening_step"] == "group:nerve_signs"
    assert texts == [reply("screening_by_group")]


def test_a_yes_to_a_group_ends_the_questions_with_that_groups_advice(h):
    slots, _, _ = run(h, asked("red_flags", {"screening_step": "group:nerve_signs"}), "yes", "affirm")
    assert slots["screening_groups"] == ["nerve_signs"] and slots["red_flags"] == []
    assert slots["requested_slot"] is None


def test_no_to_every_group_clears_the_check(h):
    step = "group:nerve_signs"
    for expected in ("group:injury_or_chest", "group:general_health"):
        slots, _, _ = run(h, asked("red_flags", {"screening_step": step}), "no", "deny",
                          candidates={"red_flags": "none"})
        assert slots["screening_step"] == expected and slots["red_flags"] is None
        step = expected
    slots, _, _ = run(h, asked("red_flags", {"screening_step": step}), "no", "deny",
                      candidates={"red_flags": "none"})
    assert slots["red_flags"] == []


@pytest.mark.parametrize("answer", ["null", "'; DROP TABLE events; --", "%s%s%s%n", "ok", ""])
def test_a_guessed_no_never_clears_the_safety_check(h, answer):
    slots, _, _ = run(h, asked("red_flags"), answer, "deny", candidates={"red_flags": "none"})
    assert slots["red_flags"] is None


def test_an_unreadable_safety_answer_twice_goes_through_the_groups(h):
    slots, texts, _ = run(h, asked("red_flags"), "blah", "nlu_fallback")
    assert slots["screening_step"] is None and texts == [reply("screening_unclear")]
    slots, _, _ = run(h, asked("red_flags", {"answer_attempts": 1}), "blah", "nlu_fallback")
    assert slots["screening_step"] == "group:nerve_signs"


def test_a_named_sign_in_any_answer_ends_the_form(h):
    text = "about 2 weeks, and since this morning i cant feel the toilet paper"
    sign = h.entity(text, "cant feel the toilet paper", "red_flag", "saddle_numbness")
    slots, _, _ = run(h, asked("pain_duration"), text, "give_duration", entities=[sign],
                      candidates={"red_flags": ["saddle_numbness"], "pain_duration": "about 2 weeks"})
    assert slots["red_flags"] == ["saddle_numbness"]
    assert slots["requested_slot"] is None


def test_an_faq_during_the_form_lets_the_rules_answer_it(h):
    _, _, result = run(h, asked("pain_score"), "what is trigger point therapy?", "faq")
    assert result == []


def test_values_outside_the_vocabulary_never_get_through(h):
    slots, _, _ = run(h, asked("activities"), "lifting", "describe_activity",
                      candidates={"pain_location": ["banana"], "red_flags": ["drop table"]})
    assert "red_flags" not in slots and slots.get("pain_location") == ["buttock"]


def test_an_urgent_sign_mid_form_asks_the_emergency_groups_then_ends(h):
    text = "about 3 weeks, and ive had a fever"
    fever = h.entity(text, "fever", "red_flag", "fever")
    slots, texts, _ = run(h, asked("pain_duration"), text, "report_red_flag", entities=[fever],
                          candidates={"red_flags": ["fever"], "pain_duration": "about 3 weeks"})
    assert texts[0] == reply("urgent_then_emergency_check")
    assert slots["screening_step"] == "group:nerve_signs" and slots["red_flags"] is None
    earlier = [h.user_event(text, intent="report_red_flag", entities=[fever])]
    state = asked("pain_duration", {"screening_step": "group:injury_or_chest", "pain_duration": "about 3 weeks",
                                    "red_flags": None,
                                    "requested_slot": "red_flags"})
    user = h.user_event("no", intent="deny")
    tracker = h.tracker(state, [*earlier, user, {"event": "action", "name": "assessment_form"}],
                        active_loop="assessment_form")
    from rasa_sdk.executor import CollectingDispatcher

    result = asyncio.run(ValidateAssessmentForm().run(CollectingDispatcher(), tracker, DOMAIN))
    done = h.slot_events(result)
    assert done["red_flags"] == ["fever"] and done["screened"] is True and done["requested_slot"] is None


@pytest.mark.parametrize("said,kept", [("for some weeks", None), ("morning", None), ("about 3 weeks", "about 3 weeks")])
def test_a_duration_said_in_passing_counts_only_when_it_dates_the_pain(h, said, kept):
    slots, _, _ = run(h, {"requested_slot": "consent"}, "yes", "affirm", candidates={"pain_duration": said})
    assert slots["pain_duration"] == kept
