"""Buttons as numbered lists, picks by number or words, and length limits."""

from __future__ import annotations

import pytest

from bot.plain_text import TWILIO_MAX_LENGTH, chosen_payload, numbered_options, split_message
from bot.questions import question

CONSENT = [{"title": "Yes, let's start", "payload": "/affirm"}, {"title": "Not now", "payload": "/deny"}]
INFLAMMATION = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"},
                {"title": "Not sure", "payload": "/dont_know"}]


def test_options_are_numbered_in_order_under_the_question() -> None:
    text = numbered_options("Shall we start?", CONSENT)
    assert text.startswith("Shall we start?\n\n")
    assert text.splitlines()[-2:] == ["1. Yes, let's start", "2. Not now"]


def test_no_buttons_leaves_the_text_alone() -> None:
    assert numbered_options("Where does it hurt?", []) == "Where does it hurt?"


@pytest.mark.parametrize("answer, payload", [
    ("1", "/affirm"), (" 2 ", "/deny"), ("2.", "/deny"), ("3)", "/dont_know"), ("#3", "/dont_know"),
    ("option 1", "/affirm"), ("Not sure", "/dont_know"), ("not sure!", "/dont_know"), ("NO", "/deny"),
    ("yes", "/affirm"),
])
def test_a_number_or_the_option_words_pick_it(answer: str, payload: str) -> None:
    assert chosen_payload(answer, INFLAMMATION) == payload


@pytest.mark.parametrize("answer", [
    "4", "0", "12", "yes it does, it's swollen", "not sure really maybe", "", "   ", "🙂", "1 or 2",
])
def test_anything_else_is_left_for_the_language_model(answer: str) -> None:
    assert chosen_payload(answer, INFLAMMATION) is None


def test_nothing_is_picked_when_no_options_were_offered() -> None:
    assert chosen_payload("1", []) is None


def test_the_consent_question_reads_as_a_numbered_list() -> None:
    asked = question("consent")
    buttons = [{"title": title, "payload": f"/{intent}"} for title, intent in asked.buttons]
    text = numbered_options(asked.prompt, buttons)
    assert chosen_payload("1", buttons) == "/affirm"
    assert text.startswith("Shall we start?") and "1. Yes, let's start" in text
    assert len(asked.text) < TWILIO_MAX_LENGTH


def test_short_text_is_one_piece() -> None:
    assert split_message("  Hello there.  ", 100) == ["Hello there."]


def test_long_text_breaks_at_paragraphs_within_the_limit() -> None:
    paragraphs = [f"Paragraph {n}. " + "word " * 50 for n in range(8)]
    text = "\n\n".join(part.strip() for part in paragraphs)
    pieces = split_message(text, 600)
    assert all(len(piece) <= 600 for piece in pieces)
    assert all(piece.startswith("Paragraph") for piece in pieces)
    assert " ".join(" ".join(pieces).split()) == " ".join(text.split())


def test_a_word_longer_than_the_limit_is_cut() -> None:
    pieces = split_message("x" * 250, 100)
    assert [len(piece) for piece in pieces] == [100, 100, 50]
