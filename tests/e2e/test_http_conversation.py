"""Whole conversations over HTTP against the real Rasa server and action server."""

from __future__ import annotations

import http.client
import json
import re
import signal
import sqlite3
import time
import urllib.error
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.e2e.conftest import Servers
from tests.e2e.helpers import assessment, new_sender, texts


def stored_events(servers: Servers, sender: str) -> int:
    with sqlite3.connect(servers.db) as db:
        return db.execute("select count(*) from events where sender_id = ?", (sender,)).fetchone()[0]


OPENING_PAIN = "my lower back on the left kills me when i lean over the sink doing the dishes"


def test_full_assessment_quadratus_lumborum(servers: Servers) -> None:
    sender = new_sender()
    opening = servers.say(sender, f"hi, {OPENING_PAIN}")
    assert "not a diagnosis" in texts(opening)
    assert "911" in texts(opening)

    screening = servers.say(sender, "yes lets start")
    assert "safety check" in texts(screening).lower()
    assert "bladder" in texts(screening).lower()

    # Location and activity were in the opening message, so the next question is how it feels.
    symptoms_question = servers.say(sender, "no none of those")
    assert "how does it feel" in texts(symptoms_question).lower()

    score_question = servers.say(sender, "just a dull ache")
    assert "0" in texts(score_question) and "10" in texts(score_question)

    duration_question = servers.say(sender, "about a 5")
    assert "how long" in texts(duration_question).lower()

    inflammation_question = servers.say(sender, "3 weeks")
    assert "swelling" in texts(inflammation_question).lower()

    treatment_question = servers.say(sender, "no")
    assert "treatment for this pain" in texts(treatment_question).lower()

    intake_question = servers.say(sender, "nope, nothing yet")
    assert "for your therapist" in texts(intake_question).lower() and assessment(intake_question) is None

    result_replies = servers.say(sender, "none of those")
    result = assessment(result_replies)
    assert result is not None, result_replies
    assert result["triage"] == "massage_ok"
    assert result["previous_treatment"] == {"sessions": 0, "change": "unknown"}
    assert result["culprits"][0]["muscle"] == "quadratus_lumborum"
    assert result["pain_score"] == 5
    assert result["duration"]["days"] == 21
    assert "leaning_over" in result["activities"]
    assert "low_back_one_side" in result["pain_locations"]
    assert "dull_ache" in result["symptoms"]
    quoted = [match.group(1) for reason in result["culprits"][0]["reasons"]
              for match in [re.match(r'You said "([^"]+)"', reason)] if match]
    assert any(("lean" in words or "dishes" in words) and words in OPENING_PAIN for words in quoted), quoted
    assert "Quadratus lumborum" in texts(result_replies)
    assert any(item["id"] == "find_therapist" for item in result["suggestions"])

    faq = servers.say(sender, "how many sessions will i need?")
    assert "four" in texts(faq).lower() or "4" in texts(faq)

    summary = servers.say(sender, "can i see the summary again")
    assert assessment(summary)["culprits"][0]["muscle"] == "quadratus_lumborum"


def test_treatment_told_in_passing_changes_the_advice(servers: Servers) -> None:
    """"Two massages and no better" brings the seed's advice; a fresh strain told in the opening, a check first."""
    sender = new_sender()
    answers = {"shall we start": "yes lets start", "anything else": "check my back please",
               "safety check": "no none of those", "how does it feel": "just a dull ache",
               "how bad": "about a 5, ive had two massages for this and its no better",
               "how long": "since yesterday", "swelling": "no", "for your therapist": "none"}
    replies = servers.say(sender, f"hi, {OPENING_PAIN}, i pulled it yesterday")
    for _ in range(10):
        if assessment(replies) is not None:
            break
        said = texts(replies).lower()
        replies = servers.say(sender, next(answer for cue, answer in answers.items() if cue in said))
    result = assessment(replies)
    assert result is not None, texts(replies)
    assert result["previous_treatment"] == {"sessions": 2, "change": "no_change"}
    assert any(item["id"] == "no_change_after_two_sessions" for item in result["suggestions"])
    assert result["recent_injury"] is True and result["triage"] == "see_doctor_first"
    assert result["pain_score"] == 5


def test_warning_sign_in_first_message_gives_emergency_advice_only(servers: Servers) -> None:
    sender = new_sender()
    replies = servers.say(sender, "my back is agony and since this morning i cant control my bladder")
    result = assessment(replies)
    assert result is not None and result["triage"] == "emergency"
    assert result["culprits"] == [] and result["suggestions"] == []
    assert "911" in texts(replies)
    assert "quadratus" not in texts(replies).lower()


def test_warning_sign_mid_assessment_stops_it(servers: Servers) -> None:
    sender = new_sender()
    servers.say(sender, "hello")
    servers.say(sender, "yes")
    servers.say(sender, "no")
    replies = servers.say(sender, "oh actually i've had a fever for a few days")
    result = assessment(replies)
    assert result is not None and result["triage"] == "urgent"
    assert "fever" in result["red_flags"]
    # The form is over: the next message is not taken as an answer to a question.
    after = servers.say(sender, "ok thanks")
    assert "welcome" in texts(after).lower()


@pytest.mark.parametrize("before", [[], ["hello"]], ids=["first-message", "after-a-greeting"])
def test_urgent_sign_before_the_screening_asks_the_emergency_signs_first(servers: Servers,
                                                                          before: list[str]) -> None:
    """An urgent sign told before the safety check waits for the two emergency groups, which outrank it."""
    sender = new_sender()
    for text in before:
        servers.say(sender, text)
    told = servers.say(sender, "i have a fever")
    assert assessment(told) is None
    assert "doctor should check soon" in texts(told) and "two quick questions" in texts(told)
    assert "bladder" in texts(told).lower(), texts(told)
    injury = servers.say(sender, "no")
    assert assessment(injury) is None
    assert "chest" in texts(injury).lower(), texts(injury)
    result = assessment(servers.say(sender, "no"))
    assert result is not None and result["triage"] == "urgent"
    assert "fever" in result["red_flags"] and result["culprits"] == []


@pytest.mark.parametrize("before", [[], ["hello"]], ids=["first-message", "after-a-greeting"])
def test_urgent_sign_then_an_emergency_sign_gets_emergency_advice(servers: Servers, before: list[str]) -> None:
    sender = new_sender()
    for text in before:
        servers.say(sender, text)
    told = servers.say(sender, "i have a fever")
    assert "bladder" in texts(told).lower(), texts(told)
    result = assessment(servers.say(sender, "yes"))
    assert result is not None and result["triage"] == "emergency"
    assert result["culprits"] == [] and result["suggestions"] == []


def test_denied_warning_signs_do_not_raise_an_alarm(servers: Servers) -> None:
    sender = new_sender()
    servers.say(sender, "hi")
    servers.say(sender, "yes")
    replies = servers.say(sender, "no fever, bladder and bowels are fine, no numbness down there")
    assert assessment(replies) is None
    assert "where" in texts(replies).lower()


def test_forget_me_deletes_the_stored_conversation(servers: Servers) -> None:
    sender = new_sender()
    servers.say(sender, "hi my tailbone hurts")
    servers.say(sender, "yes")
    assert stored_events(servers, sender) > 0
    replies = servers.say(sender, "please delete my conversation and everything i told you")
    assert "deleted" in texts(replies).lower()
    assert stored_events(servers, sender) == 0


@pytest.mark.parametrize("message", ["", "🙂🙂🙂", "<script>alert(1)</script>", "x" * 5000,
                                     "Hola, me duele la espalda", "asdfghjkl qwerty"])
def test_odd_input_gets_a_reply(servers: Servers, message: str) -> None:
    replies = servers.say(new_sender(), message)
    assert texts(replies).strip(), f"no reply to {message[:30]!r}"


def slot_was_set(servers: Servers, sender: str, slot: str) -> bool:
    with sqlite3.connect(servers.db) as db:
        rows = db.execute("select data from events where sender_id = ? and type_name = 'slot'", (sender,)).fetchall()
    return any(json.loads(data).get("name") == slot and json.loads(data).get("value") is not None
               for (data,) in rows)


def try_say(servers: Servers, sender: str, text: str) -> list | None:
    try:
        return servers.say(sender, text)
    except (urllib.error.URLError, ConnectionError, TimeoutError, http.client.HTTPException):
        return None


def test_twenty_conversations_survive_kill_9_mid_message(servers: Servers) -> None:
    """SIGKILL while 20 clients are sending; after the restart each carries on with its slots intact."""
    senders = [new_sender() for _ in range(20)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        for text in ("hi, the backs of my thighs are really tight when i sit at my desk", "yes", "none"):
            list(pool.map(lambda sender, text=text: servers.say(sender, text), senders))
        in_flight = [pool.submit(try_say, servers, sender, "about 4/10") for sender in senders]
        time.sleep(0.3)
        servers.stop(servers.rasa, signal.SIGKILL)
        for future in in_flight:
            future.result()
    servers.start_rasa()
    for sender in senders:
        if not slot_was_set(servers, sender, "pain_score"):
            # Its message was lost with the server (never stored): the client sends it again.
            assert "how long" in texts(servers.say(sender, "about 4/10")).lower()
        servers.say(sender, "a couple of months")
        servers.say(sender, "no")
        servers.say(sender, "not yet")
        result = assessment(servers.say(sender, "none"))
        assert result is not None, sender
        assert result["culprits"][0]["muscle"] == "hamstrings"
        assert result["pain_score"] == 4 and result["duration"]["category"] == "subacute"


def test_no_message_text_in_logs(servers: Servers) -> None:
    canary = "Zebulon Quistorp 07700 900123 zq@example.org numb wobbly toes"
    servers.say(new_sender(), canary)
    logs = servers.logs()
    for part in canary.split():
        if len(part) > 4:
            assert part not in logs, f"{part!r} leaked into the logs"


TINGLY_BUM = "it goes tingly in my bum and down the back of my left thigh"


def tingly_buttock_check(servers: Servers) -> tuple[str, list[dict]]:
    """A conversation that reaches "how does it feel?" and answers it near a warning sign: the check's replies."""
    sender = new_sender()
    servers.say(sender, "hi, my backside hurts on long drives")
    servers.say(sender, "yes lets start")
    feel_question = servers.say(sender, "no none of those")
    assert "how does it feel" in texts(feel_question).lower()
    return sender, servers.say(sender, TINGLY_BUM)


def test_a_tingly_buttock_is_asked_about_then_the_check_goes_on(servers: Servers) -> None:
    """Near a warning sign without being sure: one plain yes/no question, never an emergency assumed or a sign lost."""
    sender, check = tingly_buttock_check(servers)
    assert assessment(check) is None
    assert "check" in texts(check).lower() and "numbness around your bottom" in texts(check).lower()
    going_on = servers.say(sender, "no")
    assert assessment(going_on) is None
    assert "0" in texts(going_on) and "10" in texts(going_on)  # the pain score, the next question


def test_a_yes_to_the_check_is_the_emergency_advice(servers: Servers) -> None:
    sender, _ = tingly_buttock_check(servers)
    result = assessment(servers.say(sender, "yes"))
    assert result is not None and result["triage"] == "emergency"
    assert result["screening_groups"] == ["nerve_signs"] and result["culprits"] == []


def test_a_caution_said_in_passing_reaches_the_result_for_the_therapist(servers: Servers) -> None:
    sender = new_sender()
    servers.say(sender, "hi, my lower back on the left hurts when i lift things, im 20 weeks pregnant")
    servers.say(sender, "yes lets start")
    servers.say(sender, "no none of those")
    servers.say(sender, "a dull ache")
    servers.say(sender, "about a 4")
    servers.say(sender, "2 weeks")
    servers.say(sender, "no")
    servers.say(sender, "never had any")
    replies = servers.say(sender, "and I'm on warfarin")
    result = assessment(replies)
    assert result is not None and result["cautions"] == ["pregnancy", "blood_thinners"]
    assert result["therapist_notes"] and result["therapist_notes"][0] in texts(replies)


def test_a_swollen_hot_calf_is_same_day_advice_and_no_muscles(servers: Servers) -> None:
    sender = new_sender()
    result = assessment(servers.say(sender, "my back aches and my left calf is swollen and hot since yesterday"))
    if result is None:  # an urgent sign first asks the emergency signs, two yes/no questions
        servers.say(sender, "no")
        result = assessment(servers.say(sender, "no"))
    assert result is not None and result["triage"] == "urgent"
    assert "clot_signs" in result["red_flags"] and result["culprits"] == []
    assert "today" in result["triage_advice"]["action"]


def test_a_returning_client_hears_the_course_of_care_then_the_check(servers: Servers) -> None:
    from bot.treatment import course_of_care_words

    replies = servers.say(new_sender(), "hi, my second massage was on monday and my back is a bit better")
    said = texts(replies)
    assert course_of_care_words()["better"] in said
    assert "shall we start" in said.lower()


def test_a_pregnancy_and_bleeding_told_in_different_answers_is_an_emergency(servers: Servers) -> None:
    sender = new_sender()
    servers.say(sender, "hi, my lower back aches, I'm 33 weeks pregnant")
    servers.say(sender, "yes")
    servers.say(sender, "no none of those")
    result = assessment(servers.say(sender, "standing, and I've had some bleeding this afternoon"))
    assert result is not None and result["triage"] == "emergency", result
    assert "pregnancy_warning_signs" in result["red_flags"] and result["culprits"] == []


def walk_to_result(servers: Servers, sender: str, answers: dict[str, str]) -> dict:
    """Answer each question by a cue of its wording until the result comes."""
    replies = servers.say(sender, f"hi, {OPENING_PAIN}")
    for _ in range(12):
        if assessment(replies) is not None:
            return assessment(replies)
        said = texts(replies).lower()
        replies = servers.say(sender, next(answer for cue, answer in answers.items() if cue in said))
    raise AssertionError(texts(replies))


PLAIN_ANSWERS = {"shall we start": "yes", "safety check": "none of those", "how does it feel": "a dull ache",
                 "how bad": "4", "how long": "3 weeks", "swelling": "no", "treatment for this pain": "not yet",
                 "for your therapist": "none"}


@pytest.mark.parametrize(("question", "answer", "caution"), [
    ("for your therapist", "im 20 weeks pregnant", "pregnancy"),
    ("for your therapist", "had a knee op three weeks ago", "recent_surgery"),
    ("for your therapist", "i take apixaban", "blood_thinners"),
    ("for your therapist", "i have osteoporosis", "osteoporosis"),
    ("for your therapist", "theres a rash on the skin where it hurts", "skin_at_site"),
    ("treatment for this pain", "one massage, i was still sore for three days after it", "post_session_soreness"),
])
def test_every_caution_reaches_the_result(servers: Servers, question: str, answer: str, caution: str) -> None:
    result = walk_to_result(servers, new_sender(), {**PLAIN_ANSWERS, question: answer})
    assert result["cautions"] == [caution], result["cautions"]
    assert result["therapist_notes"]


def test_a_spasm_that_would_not_let_go_means_a_doctor_first(servers: Servers) -> None:
    answers = {**PLAIN_ANSWERS, "treatment for this pain": "three sessions, the spasm did not release under pressure"}
    result = walk_to_result(servers, new_sender(), answers)
    assert result["triage"] == "see_doctor_first"
    assert result["previous_treatment"] == {"sessions": 3, "change": "no_change"}
