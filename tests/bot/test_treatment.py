"""Treatment already had, read from what the client says in passing (knowledge/treatment.yml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge import KnowledgeError
from bot.treatment import PreviousTreatment, read_treatment, read_treatment_answer, treatment_phrases


@pytest.mark.parametrize("text,sessions,change", [
    ("I've had two massages for this and it's no better", 2, "no_change"),
    ("no better after 3 sessions", 3, "no_change"),
    ("had a couple of sessions of physio, made it worse", 2, "worse"),
    ("my second session was on Monday and it's a bit better", 2, "better"),
    ("had a massage last week, it helped", 1, "better"),
    ("my therapist has seen me four times", 4, "unknown"),
    ("it aches three times a day, had physio", None, "unknown"),
])
def test_sessions_and_how_it_went(text: str, sessions: int | None, change: str) -> None:
    treatment = read_treatment([text])
    assert (treatment.sessions, treatment.change) == (sessions, change)


def test_two_sessions_without_change_is_the_seeds_rule() -> None:
    assert read_treatment(["two massages so far, no change"]).no_change_after_two_sessions
    assert read_treatment(["two massages so far and it's worse"]).no_change_after_two_sessions
    assert not read_treatment(["one massage, no change yet"]).no_change_after_two_sessions
    assert not read_treatment(["three sessions and it's much better"]).no_change_after_two_sessions


@pytest.mark.parametrize("text", ["my therapist couldn't get the spasm to ease off",
                                  "the knot wouldn't release however hard she pressed during the massage",
                                  "it got worse with the pressure at my last session"])
def test_a_spasm_that_would_not_let_go(text: str) -> None:
    assert read_treatment([text]).spasm_not_releasing


@pytest.mark.parametrize("text", ["does massage make it worse?", "how many sessions will i need",
                                  "i lift boxes at work, 2 weeks, it's no better", "it's worse when i sit"])
def test_questions_and_sentences_without_a_treatment_tell_nothing(text: str) -> None:
    assert read_treatment([text]) == PreviousTreatment()
    assert not read_treatment([text]).told


def test_the_whole_conversation_counts_and_the_latest_change_wins() -> None:
    treatment = read_treatment(["had two sessions", None, "after the second massage it got worse"])
    assert treatment.as_dict() == {"sessions": 2, "change": "worse"}


def test_the_change_lists_must_be_exactly_the_three(tmp_path: Path) -> None:
    (tmp_path / "treatment.yml").write_text("treatments: [massage]\nsession_words: [session]\n"
                                            "spasm_not_releasing: [won't let go]\nchange:\n  better: [better]\n",
                                            encoding="utf-8")
    with pytest.raises(KnowledgeError, match="no_change, worse, better"):
        treatment_phrases.__wrapped__(tmp_path)


@pytest.mark.parametrize("text,lasting", [
    ("still sore 3 days after my massage", True),
    ("I was achy for a couple of days after the session", True),
    ("after my massage on friday i was tender for 48 hours", True),
    ("a bit sore the day after my massage, which is normal", False),
    ("tender for 24 hours after the session", False),
    ("sore for 3 weeks now, had 2 massages, no better", False),
])
def test_soreness_after_a_session_counts_past_a_day_and_a_half(text: str, lasting: bool) -> None:
    assert read_treatment([text]).lasting_soreness is lasting


def test_an_answer_counts_times_without_naming_sessions() -> None:
    assert read_treatment_answer("twice, no better").as_dict() == {"sessions": 2, "change": "no_change"}
    assert read_treatment_answer("3x, bit better").as_dict() == {"sessions": 3, "change": "better"}
    assert read_treatment_answer("yes for 2 weeks").sessions is None
    # In passing, without a treatment named, "twice" is not about treatment.
    assert not read_treatment(["it went twice this week, no better"]).told


def test_the_slot_keeps_every_fact_and_refuses_anything_else() -> None:
    told = PreviousTreatment(2, "worse", spasm_not_releasing=True, lasting_soreness=True)
    assert PreviousTreatment.from_slot(told.as_slot()) == told
    assert PreviousTreatment.from_slot("unknown") == PreviousTreatment()
    assert PreviousTreatment.from_slot({"sessions": "2", "change": "fine"}) == PreviousTreatment()


def test_a_later_reading_adds_to_an_earlier_one() -> None:
    joined = PreviousTreatment(2, "better").joined(PreviousTreatment(None, "worse", lasting_soreness=True))
    assert (joined.sessions, joined.change, joined.lasting_soreness) == (2, "worse", True)
    assert PreviousTreatment(3, "worse").joined(PreviousTreatment(0)).as_dict() == {"sessions": 3, "change": "worse"}


@pytest.mark.parametrize("text", ["thinking of booking a massage", "my friend's massage helped her",
                                  "i have a massage booked for friday", "I've never had a massage, will it help"])
def test_treatment_to_come_or_someone_elses_tells_nothing(text: str) -> None:
    assert not read_treatment([text]).told


@pytest.mark.parametrize("text,spasm,change", [
    ("the therapist said the spasm did not release under pressure", True, "no_change"),
    ("the knot went tighter every time the therapist pressed on it", True, "worse"),
    ("massage made the muscle ease off, much easier now", False, "better"),
    ("been to physio, not sure if it helped", False, "unknown"),
])
def test_how_a_session_went_in_other_words(text: str, spasm: bool, change: str) -> None:
    told = read_treatment([text])
    assert (told.spasm_not_releasing, told.change) == (spasm, change)


def test_soreness_that_came_from_the_session_is_said_in_many_ways() -> None:
    assert read_treatment(["The massage left me sore for two days afterwards."]).lasting_soreness
    assert read_treatment(["every time I get a massage I'm sore for the next 3 days"]).lasting_soreness
    assert not read_treatment(["my back has been sore for 5 days, had a massage last month"]).lasting_soreness


@pytest.mark.parametrize("told,key", [
    (PreviousTreatment(2, "better"), "better"),
    (PreviousTreatment(1, "no_change"), "no_change"),
    (PreviousTreatment(2, "no_change"), "no_change_after_two_sessions"),
    (PreviousTreatment(1, "better", spasm_not_releasing=True), "spasm_not_releasing"),
    (PreviousTreatment(None, "worse", lasting_soreness=True), "lasting_soreness"),
    (PreviousTreatment(3, "worse"), "no_change_after_two_sessions"),
])
def test_the_course_of_care_answer_puts_the_most_pressing_first(told: PreviousTreatment, key: str) -> None:
    from bot.treatment import course_of_care, course_of_care_words

    assert course_of_care(told) == course_of_care_words()[key]


def test_nothing_told_is_no_course_of_care_answer() -> None:
    from bot.treatment import course_of_care

    assert course_of_care(PreviousTreatment()) is None
    assert course_of_care(PreviousTreatment(sessions=0)) is None


def test_a_client_telling_how_it_goes_is_no_faq() -> None:
    from bot.treatment import course_of_care_intent

    assert course_of_care_intent("faq", "my second massage was on monday and my back is a bit better") == \
        "describe_pain"
    assert course_of_care_intent("faq", "will massage make it better?") is None
    assert course_of_care_intent("faq", "tell me about massage") is None
    assert course_of_care_intent("greet", "two massages and no better") is None
