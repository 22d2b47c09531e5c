"""bot/handoff.py: the summary the therapist reads, and the signed body a booking system gets."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.contact_details import Contact
from bot.handoff import Handoff, email_message, handoff_words, html_text, plain_text, signature, webhook_body
from bot.knowledge import KnowledgeError
from bot.treatment import PreviousTreatment

SENT_AT = datetime(2026, 12, 2, 9, 30, tzinfo=timezone.utc)


@pytest.fixture
def result(run):
    return run(activities=["lifting"], pain_locations=["low_back_one_side"], symptoms=["spasm"], red_flags=[],
               pain_score=5, duration="3 weeks", cautions=["pregnancy"],
               previous_treatment=PreviousTreatment(2, "no_change"))


def handoff(result, **extra) -> Handoff:
    return Handoff(name="Sam <b>Jones</b>", contact=Contact("email", "sam@example.com"), result=result,
                   said=("my back hurts when i lift the baby", "no none of those"),
                   safety_answers=(("the full list of warning signs.", "no none of those"),),
                   checked_signs=("saddle_numbness",), sent_at=SENT_AT, **extra)


def test_the_therapist_reads_everything_that_matters(result) -> None:
    text = plain_text(handoff(result))
    for expected in ("Sam <b>Jones</b>", "sam@example.com", "2026-12-02 09:30 UTC", "massage_ok",
                     "No warning sign reported.", 'Answered: "no none of those"', "pregnant",
                     "Pain score: 5/10 (moderate)", "How long: 3 weeks (acute)", "lifting",
                     "2 sessions of treatment so far (no change)", "Quadratus lumborum",
                     "Asked again about and answered no: numbness around your genitals",
                     '"my back hurts when i lift the baby"'):
        assert expected.lower() in text.lower(), expected


def test_the_html_part_escapes_what_the_client_typed(result) -> None:
    page = html_text(handoff(result))
    assert "Sam &lt;b&gt;Jones&lt;/b&gt;" in page and "<b>Jones</b>" not in page


def test_the_email_has_both_parts_and_replies_go_to_the_client(result) -> None:
    message = email_message(handoff(result), "bot@clinic.example", "desk@clinic.example")
    assert message["To"] == "desk@clinic.example" and message["Reply-To"] == "sam@example.com"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    assert "Sam <b>Jones</b>" in message["Subject"]


def test_a_call_back_before_any_check_says_so() -> None:
    request = handoff(None, asked_for_person=True)
    assert request.callback_only
    text = plain_text(request)
    assert handoff_words()["no_result"] in " ".join(text.split())
    assert "Asked to talk to a person: yes" in text
    assert "Warning-sign check" not in text


def test_the_webhook_body_is_signed_over_its_exact_bytes(result) -> None:
    body = webhook_body(handoff(result))
    data = json.loads(body)
    assert data["type"] == "self_check_summary" and data["client"]["contact"]["value"] == "sam@example.com"
    assert data["assessment"]["previous_treatment"] == {"sessions": 2, "change": "no_change"}
    expected = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert signature(body, "s3cret") == expected
    assert signature(body + b" ", "s3cret") != expected


def test_a_missing_heading_is_refused_at_load(tmp_path: Path) -> None:
    (tmp_path / "handoff.yml").write_text("subject: x\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="handoff.yml: missing subject_callback"):
        handoff_words.__wrapped__(tmp_path)
