"""actions/assessment_form.py: natural answers are read, unreadable ones never loop, safety is never guessed.

Then action_finish_assessment turns the answers and everything said along the way into the result.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.assessment_form import MIN_FAQ_CONFIDENCE, ValidateAssessmentForm
from actions.conversation import GROUPS, SCREENED
from actions.safety import possible_warning
from bot.answers import READERS, Reading
from bot.questions import reply
from bot.screening import default_screening

FORM_DOMAIN = {"forms": {"assessment_form": {"required_slots": ["consent", "red_flags", "pain_location", "activities",
                                                                "pain_score", "pain_duration", "inflammation",
                                                                "treatment"]}},
               "slots": {}}
FORM_SLOTS = FORM_DOMAIN["forms"]["assessment_form"]["required_slots"]
ANSWERED = {"consent": True, "red_flags": [], "pain_location": ["buttock"], "activities": ["sitting"],
            "pain_score": "5", "pain_duration": "3 weeks", "inflammation": "no"}
ORDER = ["consent", "red_flags", "pain_location", "activities", "pain_score", "pain_duration", "inflammation",
         "treatment"]


def asked(slot: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Slots of a conversation that has answered every question before ``slot``."""
    slots = {name: ANSWERED[name] for name in ORDER[:ORDER.index(slot)]}
    return {**slots, "requested_slot": slot, **(extra or {})}


def run(h: SimpleNamespace, slots: dict[str, Any], text: str, intent: str = "describe_pain",
        entities: list[dict[str, Any]] | tuple[()] = (), candidates: dict[str, Any] | None = None,
        verdict: str | None = None, confidence: float = 0.95) -> tuple[dict[str, Any], list[str], list[dict[str, Any]]]:
    """The form's validation as Rasa calls it: the message, then the slot candidates of its mappings."""
    user = h.user_event(text, intent=intent, entities=entities, confidence=confidence)
    if verdict:
        user["parse_data"]["input_check"] = verdict
    events = [user, {"event": "action", "name": "assessment_form"}]
    events += [{"event": "slot", "name": name, "value": value} for name, value in (candidates or {}).items()]
    tracker = h.tracker(slots, events, active_loop="assessment_form")
    dispatcher = CollectingDispatcher()
    result = asyncio.run(ValidateAssessmentForm().run(dispatcher, tracker, FORM_DOMAIN))
    return h.slot_events(result), h.texts(dispatcher), result


def required(tracker: Tracker) -> list[str]:
    """The slots the form still goes through, as Rasa asks the validation action."""
    return asyncio.run(ValidateAssessmentForm().required_slots(list(FORM_SLOTS), CollectingDispatcher(), tracker,
                                                               FORM_DOMAIN))


# --- yes/no questions accept answers with content -----------------------------------------------------------


@pytest.mark.parametrize("text,intent,expected", [
    ("nope, not swollen or hot, it's just sore", "deny", "no"),
    ("nah its not puffy at all it just aches", "affirm", "no"),
    ("yes, it's a bit warm", "affirm", "yes"),
    ("yeah a little swollen", "describe_pain", "yes"),
    ("not that i can see", "describe_pain", "no"),
    ("no idea to be honest", "dont_know", "unknown"),
])
def test_the_swelling_question_reads_natural_answers(h: SimpleNamespace, text: str, intent: str, expected: str) -> None:
    """People answer a yes/no question with more than yes or no; the words decide, not the intent alone."""
    slots, _, _ = run(h, asked("inflammation"), text, intent)
    assert slots["inflammation"] == expected


def test_a_swelling_already_mentioned_is_not_asked_for(h: SimpleNamespace) -> None:
    """Asking about a swelling the client already described would show they were not heard."""
    text = "my lower back is swollen and hot"
    swelling = h.entity(text, "swollen", "symptom", "swelling")
    slots, _, _ = run(h, asked("pain_location"), text, entities=[swelling])
    assert slots["inflammation"] == "yes"


@pytest.mark.parametrize("text,intent,sessions,change", [
    ("twice, no better", "describe_pain", 2, "no_change"),
    ("No, not yet", "deny", 0, "unknown"),
    ("yes, it helped", "affirm", None, "better"),
    ("dunno", "dont_know", None, None),
])
def test_the_treatment_question_reads_sessions_and_how_it_went(h: SimpleNamespace, text: str, intent: str,
                                                               sessions: int | None, change: str | None) -> None:
    slots, _, _ = run(h, asked("treatment"), text, intent)
    if change is None:
        assert slots["treatment"] == "unknown"
    else:
        assert (slots["treatment"]["sessions"], slots["treatment"]["change"]) == (sessions, change)


def test_treatment_told_in_passing_is_not_asked_for(h: SimpleNamespace) -> None:
    """"I've had two massages and it's no better" in any answer: the treatment question is not asked."""
    slots, _, _ = run(h, asked("pain_score"), "a 5. I've had two massages and it's no better", "describe_pain")
    assert (slots["treatment"]["sessions"], slots["treatment"]["change"]) == (2, "no_change")


@pytest.mark.parametrize("text,intent", [("yes, let's start", "affirm"), ("ok go on", "affirm"),
                                         ("check my back", "start_check"),
                                         ("my bum hurts when i sit", "describe_pain")])
def test_consent_is_given_in_many_ways(h: SimpleNamespace, text: str, intent: str) -> None:
    """A client who starts describing the pain has agreed to the check."""
    slots, _, _ = run(h, {"requested_slot": "consent"}, text, intent)
    assert slots["consent"] is True


@pytest.mark.parametrize("text", ["not now thanks", "no", "maybe later"])
def test_consent_can_be_declined(h: SimpleNamespace, text: str) -> None:
    """A "no" must be respected, however it is put."""
    slots, _, _ = run(h, {"requested_slot": "consent"}, text, "deny")
    assert slots["consent"] is False


# --- numbers and times --------------------------------------------------------------------------------------


@pytest.mark.parametrize("text,score", [("easily a 6 out of 10", "6"), ("2 on a good day and 7 when it's bad", "7"),
                                        ("like a 4 i guess", "4"), ("pretty mild really", "mild"),
                                        ("unbearable", "severe")])
def test_pain_scores_are_read_from_the_words(h: SimpleNamespace, text: str, score: str) -> None:
    """The worst score counts, and a severity word is an answer too."""
    slots, _, _ = run(h, asked("pain_score"), text, "give_pain_score", candidates={"pain_score": text})
    assert slots["pain_score"] == score


@pytest.mark.parametrize("text", ["ages", "since christmas", "about 3 weeks"])
def test_durations_the_engine_may_not_date_are_still_answers(h: SimpleNamespace, text: str) -> None:
    """The question asked is answered, even when the engine cannot put a date on it."""
    slots, _, _ = run(h, asked("pain_duration"), text, "give_duration")
    assert slots["pain_duration"] == text


def test_not_knowing_is_an_answer(h: SimpleNamespace) -> None:
    """"Not sure" moves the check on instead of asking again."""
    slots, _, _ = run(h, asked("pain_duration"), "honestly no idea", "dont_know")
    assert slots["pain_duration"] == "unknown"


# --- no question is asked more than three times -------------------------------------------------------------


def test_an_unreadable_answer_is_asked_again_then_with_buttons_then_noted_as_not_sure(h: SimpleNamespace) -> None:
    """No question repeats for ever: the third unreadable answer is recorded as not sure."""
    slots, _, _ = run(h, asked("pain_location"), "hmm", "nlu_fallback")
    assert slots["pain_location"] is None and slots["answer_attempts"] == 1
    slots, _, _ = run(h, asked("pain_location", {"answer_attempts": 1}), "hmm", "nlu_fallback")
    assert slots["pain_location"] is None and slots["answer_attempts"] == 2
    slots, texts, _ = run(h, asked("pain_location", {"answer_attempts": 2}), "hmm", "nlu_fallback")
    assert slots["pain_location"] == "unknown" and slots["answer_attempts"] == 0
    assert texts == [reply("noted_not_sure")]


def test_emoji_get_their_own_kind_reply_before_the_question_again(h: SimpleNamespace) -> None:
    """Saying why a message could not be read helps more than a generic "sorry"."""
    _, texts, _ = run(h, asked("pain_location"), "🙂", "nlu_fallback", verdict="no_words")
    assert texts == [reply("input_no_words")]


# --- the safety check ---------------------------------------------------------------------------------------


def test_a_plain_no_clears_the_safety_check(h: SimpleNamespace) -> None:
    """A clear "none of those" is the one answer that clears every warning sign at once."""
    slots, _, _ = run(h, asked("red_flags"), "nope none of those", "deny", candidates={"red_flags": "none"})
    assert slots["red_flags"] == []


@pytest.mark.parametrize("text", ["I don't think so", "not as far as I'm aware", "not that i know of"])
def test_a_hedged_no_gets_one_confirmation_then_counts(h: SimpleNamespace, text: str) -> None:
    """A hedged no is asked once more, because these signs matter, but not for ever."""
    slots, _, _ = run(h, asked("red_flags"), text, "deny", candidates={"red_flags": "none"})
    assert slots["red_flags"] is None and slots["screening_step"] == "confirm"
    slots, _, _ = run(h, asked("red_flags", {"screening_step": "confirm"}), text, "deny",
                      candidates={"red_flags": "none"})
    assert slots["red_flags"] == []


@pytest.mark.parametrize("text,intent", [("yes one of them", "affirm"), ("not sure", "dont_know")])
def test_yes_or_not_sure_without_a_sign_is_asked_one_group_at_a_time(h: SimpleNamespace, text: str,
                                                                     intent: str) -> None:
    """A yes that names no sign is narrowed down group by group rather than guessed."""
    slots, texts, _ = run(h, asked("red_flags"), text, intent)
    assert slots["screening_step"] == "group:nerve_signs"
    assert texts == [reply("screening_by_group")]


def test_a_yes_to_a_group_ends_the_questions_with_that_groups_advice(h: SimpleNamespace) -> None:
    """A yes to a group is enough for its advice: no more questions before it."""
    slots, _, _ = run(h, asked("red_flags", {"screening_step": "group:nerve_signs"}), "yes", "affirm")
    assert slots["screening_groups"] == ["nerve_signs"] and slots["red_flags"] == []
    assert slots["requested_slot"] is None


def test_no_to_every_group_clears_the_check(h: SimpleNamespace) -> None:
    """Only a no to every group clears the check."""
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
def test_a_guessed_no_never_clears_the_safety_check(h: SimpleNamespace, answer: str) -> None:
    """The classifier may call nonsense a "deny"; the words must say that none apply."""
    slots, _, _ = run(h, asked("red_flags"), answer, "deny", candidates={"red_flags": "none"})
    assert slots["red_flags"] is None


def test_an_unreadable_safety_answer_twice_goes_through_the_groups(h: SimpleNamespace) -> None:
    """The safety question is never noted as "not sure": it goes through the groups instead."""
    slots, texts, _ = run(h, asked("red_flags"), "blah", "nlu_fallback")
    assert slots["screening_step"] is None and texts == [reply("screening_unclear")]
    slots, _, _ = run(h, asked("red_flags", {"answer_attempts": 1}), "blah", "nlu_fallback")
    assert slots["screening_step"] == "group:nerve_signs"


def test_a_named_sign_in_any_answer_ends_the_form(h: SimpleNamespace) -> None:
    """A warning sign said in passing outranks the question that was asked."""
    text = "about 2 weeks, and since this morning i cant feel the toilet paper"
    sign = h.entity(text, "cant feel the toilet paper", "red_flag", "saddle_numbness")
    slots, _, _ = run(h, asked("pain_duration"), text, "give_duration", entities=[sign],
                      candidates={"red_flags": ["saddle_numbness"], "pain_duration": "about 2 weeks"})
    assert slots["red_flags"] == ["saddle_numbness"]
    assert slots["requested_slot"] is None


def test_an_faq_during_the_form_lets_the_rules_answer_it(h: SimpleNamespace) -> None:
    """A question is not an answer: the form steps aside so the rules can answer it."""
    _, _, result = run(h, asked("pain_score"), "what is trigger point therapy?", "faq")
    assert result == []


def test_values_outside_the_vocabulary_never_get_through(h: SimpleNamespace) -> None:
    """Slot candidates are client input; only vocabulary values are kept."""
    slots, _, _ = run(h, asked("activities"), "lifting", "describe_activity",
                      candidates={"pain_location": ["banana"], "red_flags": ["drop table"]})
    assert "red_flags" not in slots and slots.get("pain_location") == ["buttock"]


def test_an_urgent_sign_mid_form_asks_the_emergency_groups_then_ends(h: SimpleNamespace) -> None:
    """An urgent sign waits only for the emergency groups, then the check ends with it."""
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
    result = asyncio.run(ValidateAssessmentForm().run(CollectingDispatcher(), tracker, FORM_DOMAIN))
    done = h.slot_events(result)
    assert done["red_flags"] == ["fever"] and done["screened"] is True and done["requested_slot"] is None


@pytest.mark.parametrize("said,kept", [("for some weeks", None), ("morning", None), ("about 3 weeks", "about 3 weeks")])
def test_a_duration_said_in_passing_counts_only_when_it_dates_the_pain(h: SimpleNamespace, said: str,
                                                                       kept: str | None) -> None:
    """Otherwise "good morning" would answer the duration question before it is asked."""
    slots, _, _ = run(h, {"requested_slot": "consent"}, "yes", "affirm", candidates={"pain_duration": said})
    assert slots["pain_duration"] == kept


# --- more of the form: what it asks, and when it steps aside ------------------------------------------------


def test_every_question_is_asked_while_nothing_cuts_the_check_short(h: SimpleNamespace) -> None:
    """Without a decline or a warning sign the form goes through all of its questions."""
    assert required(h.tracker({"consent": True})) == FORM_SLOTS


def test_a_declined_consent_asks_nothing_else(h: SimpleNamespace) -> None:
    """"No" to the check means no questions about the pain, only the consent slot for the form to end on."""
    assert required(h.tracker({"consent": False, "pain_location": ["buttock"]})) == ["consent"]


@pytest.mark.parametrize("slots", [{"red_flags": ["bladder_bowel"]}, {GROUPS: ["nerve_signs"]},
                                   {"red_flags": ["fever"], SCREENED: True}])
def test_a_warning_sign_ends_the_questions_at_once(h: SimpleNamespace, slots: dict[str, Any]) -> None:
    """After a warning sign (or a yes to a group) the result is the triage advice alone: no more questions."""
    assert required(h.tracker({"consent": True, **slots})) == ["red_flags"]


def test_an_urgent_sign_before_the_emergency_signs_were_asked_keeps_the_questions(h: SimpleNamespace) -> None:
    """The emergency groups are asked under the safety question, so the form must not end yet."""
    t = "ive had a fever"
    event = h.user_event(t, intent="report_red_flag", entities=[h.entity(t, "fever", "red_flag", "fever")])
    assert required(h.tracker({"consent": True}, [event])) == FORM_SLOTS


def test_consent_that_cannot_be_read_is_assumed_the_third_time_and_said_so(h: SimpleNamespace) -> None:
    """Consent is never "not sure": the check goes on, and the client is told how to stop it."""
    slots, texts, _ = run(h, {"requested_slot": "consent", "answer_attempts": 2}, "hmm", "nlu_fallback")
    assert slots["consent"] is True and slots["answer_attempts"] == 0
    assert texts == [reply("consent_assumed")]


def test_not_knowing_is_no_answer_to_the_consent_question(h: SimpleNamespace) -> None:
    """"Not sure" about starting is not a yes: it is asked again."""
    slots, _, _ = run(h, {"requested_slot": "consent"}, "not sure", "dont_know")
    assert slots["consent"] is None and slots["answer_attempts"] == 1


def test_consent_is_never_recorded_as_not_sure(monkeypatch: pytest.MonkeyPatch, h: SimpleNamespace) -> None:
    """Even a reader that calls the answer "unknown" must not record consent as such: it is asked again."""
    monkeypatch.setitem(READERS, "consent", lambda text, intent, entities: Reading("unknown"))
    slots, _, _ = run(h, {"requested_slot": "consent"}, "who knows", "dont_know")
    assert slots["consent"] is None and slots["answer_attempts"] == 1


def test_an_unreadable_answer_that_sounds_like_a_warning_sign_gets_the_cautious_message(h: SimpleNamespace) -> None:
    """The classifier heard a warning sign no rule could name: err on the side of safety before asking again."""
    slots, texts, _ = run(h, asked("pain_location"), "something feels really wrong", "report_red_flag")
    expected = CollectingDispatcher()
    possible_warning(expected)
    assert texts == h.texts(expected)
    assert slots["pain_location"] is None and slots["answer_attempts"] == 1


def test_an_unreadable_safety_answer_gets_its_own_kind_reply(h: SimpleNamespace) -> None:
    """Emoji to the safety question: say why it could not be read, instead of the generic "I need a clear answer"."""
    slots, texts, _ = run(h, asked("red_flags"), "🙂", "nlu_fallback", verdict="no_words")
    assert texts == [reply("input_no_words")]
    assert slots["red_flags"] is None and slots["screening_step"] is None and slots["answer_attempts"] == 1


@pytest.mark.parametrize("offset,steps_aside", [(0.0, True), (-0.01, False)])
def test_only_a_confident_question_makes_the_form_step_aside(h: SimpleNamespace, offset: float,
                                                             steps_aside: bool) -> None:
    """"My buttock?" may be an answer the classifier took for a question: unsure, the form reads it."""
    text = "my buttock?"
    buttock = h.entity(text, "buttock", "pain_location", "buttock")
    slots, _, result = run(h, asked("pain_location"), text, "faq", entities=[buttock],
                           confidence=MIN_FAQ_CONFIDENCE + offset)
    assert (result == []) is steps_aside
    if not steps_aside:
        assert slots["pain_location"] == ["buttock"]


def test_an_interruption_that_also_answers_is_not_thrown_away(h: SimpleNamespace) -> None:
    """"Thanks, about a 6": the thanks is answered by the rules only if there is nothing else in it."""
    slots, _, result = run(h, asked("pain_score"), "thanks, about a 6", "thank", candidates={"pain_score": "6"})
    assert result != [] and slots["pain_score"] == "6"


def test_places_volunteered_later_are_added_to_those_told_before(h: SimpleNamespace) -> None:
    """A second place said in passing must not replace the first."""
    slots, _, _ = run(h, asked("activities", {"pain_location": ["sacrum"]}), "and my buttock too", "describe_pain",
                      candidates={"pain_location": ["buttock", "sacrum"]})
    assert slots["pain_location"] == ["buttock", "sacrum"]


def test_a_volunteered_score_that_cannot_be_read_leaves_the_question_to_be_asked(h: SimpleNamespace) -> None:
    """A mapping may pick up any text as a score; only a number or a severity word counts."""
    slots, _, _ = run(h, asked("pain_duration"), "whatever", "give_duration", candidates={"pain_score": "whatever"})
    assert slots["pain_score"] is None


def test_a_question_answered_earlier_is_not_read_again(h: SimpleNamespace) -> None:
    """A slot filled before (said in passing) must not be re-read from a message meant for something else."""
    slots, texts, _ = run(h, asked("pain_location", {"pain_location": ["buttock"], "answer_attempts": 1}), "hmm",
                          "nlu_fallback")
    assert "pain_location" not in slots and slots["answer_attempts"] == 0
    assert texts == []


# --- action_finish_assessment -------------------------------------------------------------------------------


def test_full_ql_picture(dispatcher: CollectingDispatcher, h: SimpleNamespace,
                         ql_events: list[dict[str, Any]]) -> None:
    """Slots and what was said along the way make one picture, quoted back in the client's words."""
    events = h.finish(dispatcher, h.tracker(h.QL_SLOTS, ql_events))
    text = h.all_text(dispatcher)
    assert "quadratus lumborum" in text.lower()
    # The client's own words are quoted back.
    assert '"lean over the sink"' in text
    result = h.assessment_of(events)
    assert result["triage"] == "massage_ok"
    assert result["culprits"][0]["muscle"] == "quadratus_lumborum"
    # Slots and session entities are merged.
    assert set(result["activities"]) == {"leaning_over", "lifting"}
    assert result["symptoms"] == ["spasm"]
    assert result["pain_score"] == 4
    assert result["duration"]["days"] == 21
    assert reply("anything_else") in [m.get("text") for m in dispatcher.messages]


def test_denied_red_flag_earlier_does_not_make_it_urgent(dispatcher: CollectingDispatcher, h: SimpleNamespace,
                                                         ql_events: list[dict[str, Any]]) -> None:
    """"No fever" said along the way must not send the client to a doctor."""
    denial = "no fever, and my bladder is fine"
    events = ql_events + [h.user_event(denial, intent="deny", entities=[
        h.entity(denial, "fever", "red_flag", "fever", role="negated"),
        h.entity(denial, "bladder", "red_flag", "bladder_bowel", role="negated")])]
    result = h.assessment_of(h.finish(dispatcher, h.tracker(h.QL_SLOTS, events)))
    assert result["triage"] == "massage_ok"
    assert result["red_flags"] == []


def test_live_red_flag_earlier_in_the_session_makes_it_urgent(dispatcher: CollectingDispatcher, h: SimpleNamespace,
                                                              ql_events: list[dict[str, Any]]) -> None:
    """A sign said early still counts at the end, and then only the advice is given."""
    t = "i also have had a fever"
    events = [h.user_event(t, intent="report_red_flag", entities=[h.entity(t, "fever", "red_flag", "fever")])]
    result = h.assessment_of(h.finish(dispatcher, h.tracker(h.QL_SLOTS, events + ql_events)))
    assert result["triage"] == "urgent"
    assert result["culprits"] == []
    text = h.all_text(dispatcher).lower()
    assert "quadratus" not in text
    assert reply("anything_else") not in [m.get("text") for m in dispatcher.messages]


@pytest.mark.parametrize("reset", ["restart", "session_started"])
def test_entities_before_a_restart_are_ignored(dispatcher: CollectingDispatcher, h: SimpleNamespace,
                                               ql_events: list[dict[str, Any]], reset: str) -> None:
    """After a fresh start the old conversation's answers are gone."""
    t = "i cant pee"
    old = [h.user_event(t, intent="report_red_flag", entities=[h.entity(t, "cant pee", "red_flag", "bladder_bowel")]),
           h.user_event("i drive a lot", entities=[h.entity("i drive a lot", "drive", "activity", "driving")])]
    events = old + [{"event": reset}] + ql_events
    result = h.assessment_of(h.finish(dispatcher, h.tracker(h.QL_SLOTS, events)))
    assert result["triage"] == "massage_ok"
    assert "driving" not in result["activities"]


def test_no_consent_gives_the_no_consent_reply_and_no_assessment(dispatcher: CollectingDispatcher,
                                                                h: SimpleNamespace,
                                                                ql_events: list[dict[str, Any]]) -> None:
    """Without consent nothing is assessed, and consent is cleared so "hi" can ask again."""
    events = h.finish(dispatcher, h.tracker(dict(h.QL_SLOTS, consent=False), ql_events))
    assert h.texts(dispatcher) == [reply("no_consent")]
    assert h.payloads(dispatcher) == []
    assert "assessment" not in h.slot_events(events)
    assert h.slot_events(events) == {"consent": None}


def test_severity_word_slot_makes_it_see_doctor_first(dispatcher: CollectingDispatcher, h: SimpleNamespace,
                                                      ql_events: list[dict[str, Any]]) -> None:
    """"Severe" from the last wording's buttons weighs as much as a high score."""
    result = h.assessment_of(h.finish(dispatcher, h.tracker(dict(h.QL_SLOTS, pain_score="severe"), ql_events)))
    assert result["triage"] == "see_doctor_first"
    assert result["pain_score"] is None
    assert result["severity"] == "severe"


def test_inflammation_yes_makes_it_see_doctor_first(dispatcher: CollectingDispatcher, h: SimpleNamespace,
                                                    ql_events: list[dict[str, Any]]) -> None:
    """A swollen, hot spot needs a doctor's look before massage."""
    result = h.assessment_of(h.finish(dispatcher, h.tracker(dict(h.QL_SLOTS, inflammation="yes"), ql_events)))
    assert result["triage"] == "see_doctor_first"
    assert result["inflammation"] is True


@pytest.mark.parametrize("group", default_screening().groups, ids=lambda group: group.id)
def test_a_yes_to_a_screening_group_gives_that_groups_level_and_nothing_else(
        dispatcher: CollectingDispatcher, h: SimpleNamespace, ql_events: list[dict[str, Any]], group: Any) -> None:
    """A yes to a group names no sign, but its advice must still win over the muscle picture."""
    result = h.assessment_of(h.finish(dispatcher, h.tracker({**h.QL_SLOTS, GROUPS: [group.id]}, ql_events)))
    assert result["triage"] == group.level
    assert result["culprits"] == []
    assert reply("anything_else") not in h.texts(dispatcher)



def test_a_sore_back_said_in_passing_leaves_how_it_feels_to_be_asked(h: SimpleNamespace) -> None:
    """"Sore" is not an answer to "how does it feel?": tingling, numbness or weakness must still be asked about."""
    slots, _, _ = run(h, asked("activities"), "driving mostly, it's sore", "describe_activity",
                      candidates={"activities": ["driving"], "symptoms": ["dull_ache"]})
    assert "symptoms" not in slots
    slots, _, _ = run(h, asked("activities"), "driving, and it's a burning ache", "describe_activity",
                      candidates={"activities": ["driving"], "symptoms": ["burning", "dull_ache"]})
    assert slots["symptoms"] == ["burning", "dull_ache"]


def test_a_dull_ache_given_as_the_answer_is_taken(h: SimpleNamespace) -> None:
    ache = [{"entity": "symptom", "value": "dull_ache", "start": 7, "end": 16}]
    slots, _, _ = run(h, asked("pain_score", {"requested_slot": "symptoms"}), "just a dull ache", "describe_pain",
                      ache, candidates={"symptoms": ["dull_ache"]})
    assert slots["symptoms"] == ["dull_ache"]


def test_a_statement_the_classifier_took_for_an_faq_answers_the_open_question(h: SimpleNamespace) -> None:
    """Treatment told in passing reads like an FAQ to the model; it is no question, and it answers this one."""
    ache = [{"entity": "symptom", "value": "dull_ache", "start": 7, "end": 16}]
    slots, texts, result = run(h, asked("pain_score", {"requested_slot": "symptoms"}),
                               "just a dull ache, ive had two massages for this and its no better", "faq", ache,
                               candidates={"symptoms": ["dull_ache"]})
    assert result and slots["symptoms"] == ["dull_ache"]
    _, _, asked_back = run(h, asked("pain_score", {"requested_slot": "symptoms"}),
                           "how many massages will i need?", "faq")
    assert asked_back == []  # a real question: the rules answer it


# --- a message near a warning sign gets one yes/no question about it ----------------------------------------

TINGLY = "it goes tingly in my bum and down the back of my left thigh"
CHAIRS = "no, my bum goes numb on the hard chairs but its fine the second i stand up"


def near_sign(h: SimpleNamespace, text: str, phrase: str) -> dict[str, Any]:
    return h.entity(text, phrase, "red_flag", "saddle_numbness", role="uncertain")


def test_a_sign_to_ask_about_in_another_answer_keeps_the_answer_and_asks_its_group(h: SimpleNamespace) -> None:
    """Neither assumed (an emergency for a tingly buttock) nor dropped: the nerve signs' question comes next."""
    location = h.entity(TINGLY, "bum", "pain_location", "buttock")
    slots, texts, _ = run(h, asked("pain_location"), TINGLY, "describe_pain",
                          entities=[near_sign(h, TINGLY, "tingly in my bum"), location])
    assert slots["screening_step"] == "check:nerve_signs" and slots["red_flags"] is None
    assert slots["pain_location"] == ["buttock"]
    assert texts == [reply("check_sign")]


def test_an_answer_that_was_not_one_is_asked_again_after_the_check(h: SimpleNamespace) -> None:
    slots, _, _ = run(h, asked("pain_score"), TINGLY, "describe_pain",
                      entities=[near_sign(h, TINGLY, "tingly in my bum")])
    assert slots["screening_step"] == "check:nerve_signs" and slots["pain_score"] is None


def test_a_no_to_the_full_list_with_a_sign_to_ask_about_asks_that_group_before_going_on(h: SimpleNamespace) -> None:
    slots, texts, _ = run(h, asked("red_flags"), CHAIRS, "deny", entities=[near_sign(h, CHAIRS, "bum goes numb")])
    assert slots["screening_step"] == "check:nerve_signs" and slots["red_flags"] is None
    assert slots["screened"] is True and texts == [reply("check_sign")]


def test_a_no_to_the_check_goes_on_with_the_questions_and_never_asks_it_again(h: SimpleNamespace) -> None:
    events_before = [h.user_event(CHAIRS, intent="deny", entities=[near_sign(h, CHAIRS, "bum goes numb")])]
    slots_now = asked("red_flags", {"screening_step": "check:nerve_signs", SCREENED: True})
    user = h.user_event("no", intent="deny")
    tracker = h.tracker(slots_now, [*events_before, user, {"event": "action", "name": "assessment_form"}],
                        active_loop="assessment_form")
    dispatcher = CollectingDispatcher()
    result = h.slot_events(asyncio.run(ValidateAssessmentForm().run(dispatcher, tracker, FORM_DOMAIN)))
    assert result["red_flags"] == [] and result["screening_step"] is None
    assert "saddle_numbness" in result["signs_checked"] and reply("check_sign") not in h.texts(dispatcher)


@pytest.mark.parametrize("answer,intent", [("yes", "affirm"), ("not sure", "dont_know")])
def test_a_yes_or_not_sure_to_the_check_is_the_groups_emergency_advice(h: SimpleNamespace, answer: str,
                                                                     intent: str) -> None:
    slots, _, _ = run(h, asked("red_flags", {"screening_step": "check:nerve_signs", SCREENED: True}), answer, intent)
    assert slots["screening_groups"] == ["nerve_signs"] and slots["requested_slot"] is None


def test_describing_the_sign_again_in_answer_to_the_check_counts_as_not_sure(h: SimpleNamespace) -> None:
    text = "no its just tingly in my bum"
    slots, _, _ = run(h, asked("red_flags", {"screening_step": "check:nerve_signs", SCREENED: True}), text, "deny",
                      entities=[near_sign(h, text, "tingly in my bum")])
    assert slots["screening_groups"] == ["nerve_signs"]


def test_a_check_before_the_full_screening_still_leads_to_the_full_list(h: SimpleNamespace) -> None:
    """A "no" to one group never clears the whole safety check."""
    slots, _, _ = run(h, asked("red_flags", {"screening_step": "check:nerve_signs"}), "no", "deny",
                      candidates={"red_flags": "none"})
    assert slots["red_flags"] is None and slots["screening_step"] is None and not slots.get("screened")


def test_a_checked_group_is_not_asked_again_for_the_same_sign(h: SimpleNamespace) -> None:
    slots, texts, _ = run(h, asked("pain_score", {"signs_checked": ["saddle_numbness"]}), TINGLY, "describe_pain",
                          entities=[near_sign(h, TINGLY, "tingly in my bum")])
    assert "screening_step" not in slots and reply("check_sign") not in texts


@pytest.mark.parametrize("intent", ["goodbye", "thank", "faq", "bot_challenge"])
def test_a_plain_answer_the_classifier_took_for_small_talk_answers_the_question(h: SimpleNamespace,
                                                                                intent: str) -> None:
    """"one week" heard as a goodbye once got "take care" and the same question three times."""
    text = "one week"
    duration = h.entity(text, "one week", "duration", "one week")
    slots, _, result = run(h, asked("pain_duration"), text, intent, entities=[duration], confidence=0.95)
    assert result != [] and slots["pain_duration"] == "one week"


def test_nothing_makes_it_worse_heard_as_a_question_is_still_the_answer(h: SimpleNamespace) -> None:
    slots, _, result = run(h, asked("activities"), "nothing seems to make it better or worse", "faq",
                           confidence=0.95)
    assert result != [] and slots["activities"] == "unknown"


def test_a_real_goodbye_during_the_form_is_left_to_the_rules(h: SimpleNamespace) -> None:
    _, _, result = run(h, asked("pain_duration"), "ok thanks bye", "goodbye", confidence=0.95)
    assert result == []
