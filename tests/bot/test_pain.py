"""Pain ratings typed the way people type them."""

import pytest

from bot.pain import parse_pain_score, severity_for_score, severity_from_words


@pytest.mark.parametrize("text,score,severity", [
    ("7/10", 7, "severe"),
    ("7 / 10", 7, "severe"),
    ("seven out of ten", 7, "severe"),
    ("about a six", 6, "moderate"),
    ("a solid eight", 8, "severe"),
    ("4", 4, "moderate"),
    ("0", 0, "none"),
    ("10/10", 10, "severe"),
    ("8 on a bad day 5 on a good one", 8, "severe"),
    ("3/10 on a good day, 8/10 on a bad day", 8, "severe"),
    ("6-7", 7, "severe"),
    ("between 6 and 7", 7, "severe"),
    ("6.5", 7, "severe"),
    ("4-5/10", 5, "moderate"),
    ("2 out of 10 but it's unbearable", 2, "severe"),
    ("it's been 2 or 3 weeks, about a 5", 5, "moderate"),
    ("on a scale of 1 to 10 it's a 6", 6, "moderate"),
    ("out of 10 I'd say 6", 6, "moderate"),
])
def test_scores(text, score, severity):
    reading = parse_pain_score(text)
    assert (reading.score, reading.severity) == (score, severity)


@pytest.mark.parametrize("text,severity", [
    ("unbearable", "severe"),
    ("excruciating", "severe"),
    ("I can’t move", "severe"),
    ("just a niggle", "mild"),
    ("not bad", "mild"),
    ("pretty bad", "moderate"),
    ("", None),
    ("banana", None),
])
def test_words_without_a_number(text, severity):
    reading = parse_pain_score(text)
    assert reading.score is None
    assert reading.severity == severity


@pytest.mark.parametrize("text", [
    "3 weeks", "3-4 weeks", "for 2-3 months", "10 min walk", "11", "12/10", "100", "100%",
    "it often hurts", "the pain has gone", "none",
])
def test_not_a_rating(text):
    assert parse_pain_score(text).score is None


def test_none_text_is_tolerated():
    assert parse_pain_score(None) == parse_pain_score("")


@pytest.mark.parametrize("score,severity", [
    (0, "none"), (1, "mild"), (3, "mild"), (4, "moderate"), (6, "moderate"), (7, "severe"), (10, "severe"),
])
def test_severity_for_score_boundaries(score, severity):
    assert severity_for_score(score) == severity


def test_severe_words_win_over_mild_ones():
    assert severity_from_words("usually a niggle but today it's excruciating") == "severe"
