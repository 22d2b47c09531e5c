"""Readers of the answer to the question just asked: natural answers, not just the classifier's intent."""

import pytest

from bot.answers import (
    NO,
    UNKNOWN,
    YES,
    inflammation_already_told,
    read_consent,
    read_duration,
    read_inflammation,
    read_pain_score,
    read_places,
    read_screening,
)


def entity(kind, value, role=None):
    found = {"entity": kind, "value": value, "start": 0, "end": 1}
    if role:
        found["role"] = role
    return found


@pytest.mark.parametrize("text,intent,kind", [
    ("no", "deny", "clear"), ("nope none of those", "deny", "clear"), ("nothing like that at all", "deny", "clear"),
    ("all good", "affirm", "clear"), ("I don't think so", "deny", "hedged"),
    ("not as far as I'm aware", "deny", "hedged"), ("not that i know of", "deny", "hedged"),
    ("probably not", "deny", "hedged"), ("not sure", "dont_know", "unsure"), ("maybe one", "affirm", "unsure"),
    ("yes", "affirm", "yes"), ("yeah one of them", "affirm", "yes"), ("banana", "nlu_fallback", "unclear"),
    ("null", "deny", "unclear"),
])
def test_screening_answers(text, intent, kind):
    assert read_screening(text, intent, [])[0] == kind


def test_a_named_sign_wins_over_any_no():
    assert read_screening("no, well i cant pee", "deny", [entity("red_flag", "bladder_bowel")]) == (
        "signs", ("bladder_bowel",))


@pytest.mark.parametrize("text,intent,value", [
    ("nope, not swollen or hot, it's just sore", "deny", NO), ("yes it's a bit warm", "affirm", YES),
    ("a little puffy", "describe_pain", YES), ("no idea", "dont_know", None), ("hmm what", "nlu_fallback", "?"),
])
def test_inflammation_answers(text, intent, value):
    reading = read_inflammation(text, intent, [])
    if value is None:
        assert reading.kind == "unknown"
    elif value == "?":
        assert reading.kind == "unclear"
    else:
        assert reading.value == value


def test_a_denied_swelling_is_a_no_whatever_the_intent():
    assert read_inflammation("its not swollen", "affirm", [entity("symptom", "swelling", "negated")]).value == NO
    assert inflammation_already_told([entity("symptom", "heat_redness")]) == YES
    assert inflammation_already_told([entity("symptom", "dull_ache")]) is None


@pytest.mark.parametrize("text,intent,expected", [("yes, let's start", "affirm", True), ("not now", "deny", False),
                                                  ("my back hurts", "describe_pain", True),
                                                  ("what?", "nlu_fallback", None)])
def test_consent_answers(text, intent, expected):
    reading = read_consent(text, intent, [])
    assert (reading.value if reading.kind == "answer" else None) is expected


def test_pain_score_keeps_the_worst_and_reads_words():
    assert read_pain_score("2 on a good day 7 on a bad", "give_pain_score", [entity("pain_score", "2"),
                                                                          entity("pain_score", "7")]).value == "7"
    assert read_pain_score("pretty mild", "give_pain_score", []).value == "mild"
    assert read_pain_score("dunno", "dont_know", []).kind == "unknown"


def test_durations_read_or_kept_as_words():
    assert read_duration("x", "give_duration", [{"entity": "duration", "value": "3 weeks"}]).value == "3 weeks"
    assert read_duration("for ages", "give_duration", []).value == "for ages"
    assert read_duration("no clue", "dont_know", []).kind == "unknown"
    assert read_duration("purple", "nlu_fallback", []).kind == "unclear"


def test_places_and_activities():
    assert read_places("my bum", "describe_pain", [entity("pain_location", "buttock")], "pain_location").value == [
        "buttock"]
    assert read_places("nothing in particular", "deny", [], "activity").kind == UNKNOWN
    assert read_places("purple", "nlu_fallback", [], "activity").kind == "unclear"


@pytest.mark.parametrize("text", ["took a little tumble off the kerb yesterday and landed on that hip, nothing serious",
                                  "i stumbled on the stairs this morning", "ricked it lifting the sofa yesterday"])
def test_a_fresh_injury_in_the_swelling_answer_is_a_yes(text: str) -> None:
    """Any everyday word for a fall or a strain, with a day in the last three, answers the injury part."""
    assert read_inflammation(text, None, []).value == YES


@pytest.mark.parametrize("text,intent,kind,value", [
    ("none", "deny", "answer", []),
    ("nothing like that", "deny", "answer", []),
    ("im pregnant", "describe_pain", "answer", ["pregnancy"]),
    ("I take warfarin and I have eczema on my back", "describe_pain", "answer", ["blood_thinners", "skin_at_site"]),
    ("not sure", "dont_know", "unknown", None),
    ("yes", "affirm", "unclear", None),
])
def test_the_intake_answer_names_the_cautions_or_says_none(text: str, intent: str, kind: str, value) -> None:
    from bot.answers import Reading, read_intake

    assert read_intake(text, intent, []) == Reading(kind, value)


@pytest.mark.parametrize("text,intent,kind,sessions,change", [
    ("twice, no better", "describe_pain", "answer", 2, "no_change"),
    ("yeah 3 times and it's a bit easier. it helped", "affirm", "answer", 3, "better"),
    ("a couple of sessions, about the same", "describe_pain", "answer", 2, "no_change"),
    ("nope never had anything", "deny", "answer", 0, "unknown"),
    ("not yet", "describe_pain", "answer", 0, "unknown"),
    ("first time I've had anything like this", "describe_pain", "answer", 0, "unknown"),
    ("yes", "affirm", "answer", None, "unknown"),
    ("yes for 2 weeks now", "affirm", "answer", None, "unknown"),
    ("yes, it got worse", "affirm", "answer", None, "worse"),
    ("no idea", "dont_know", "unknown", None, None),
    ("the weather is awful", "describe_pain", "unclear", None, None),
])
def test_the_treatment_answer_needs_no_treatment_word(text: str, intent: str, kind: str, sessions, change) -> None:
    from bot.answers import read_treatment_question

    reading = read_treatment_question(text, intent, [])
    assert reading.kind == kind
    if kind == "answer":
        assert (reading.value["sessions"], reading.value["change"]) == (sessions, change)


def test_a_spasm_that_would_not_let_go_is_read_from_the_treatment_answer() -> None:
    from bot.answers import read_treatment_question

    assert read_treatment_question("yes my osteo couldnt get it to let go", "affirm", []).value["spasm_not_releasing"]


@pytest.mark.parametrize("text,recent", [
    ("I missed the bottom step two days ago and went over on my side", True),
    ("slipped on the ice yesterday", True),
    ("on saturday i pulled something at the gym", True),
    ("I hurt my back lifting three weeks ago", False),
    ("the pain went down my leg yesterday", False),
    ("it started yesterday, no injury", False),
])
def test_an_injury_in_the_last_days_is_told_in_many_ways(text: str, recent: bool) -> None:
    """A recent injury sends the client to a doctor before massage, whichever question it is told in."""
    from bot.answers import tells_recent_injury

    assert tells_recent_injury(text) is recent


def test_how_far_along_a_pregnancy_is_does_not_date_the_pain() -> None:
    from bot.answers import dates_the_pain

    assert not dates_the_pain("28 weeks", "I am 28 weeks pregnant and have back pain")
    assert not dates_the_pain("7 months", "7 months along and my back aches")
    assert dates_the_pain("2 weeks", "it started 2 weeks ago")
