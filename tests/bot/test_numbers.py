"""Number words shared by the pain-score and duration parsers: one table, two strictnesses."""

from datetime import date

import pytest

from bot.duration import parse_duration
from bot.numbers import EXACT_NUMBER_WORDS, NUMBER_WORDS
from bot.pain import parse_pain_score

TODAY = date(2026, 11, 22)
# Words that only count next to a unit ("a few weeks"), never as a rating on their own.
VAGUE = sorted(set(NUMBER_WORDS) - set(EXACT_NUMBER_WORDS))
PAIN_WORDS = sorted(word for word, value in EXACT_NUMBER_WORDS.items() if value <= 10)


def test_words_are_single_lowercase_words() -> None:
    """Both parsers lowercase the text and match one word at a time; anything else would never match."""
    for word in NUMBER_WORDS:
        assert word.isalpha() and word.islower(), word


def test_values_are_whole_non_negative_numbers() -> None:
    for word, value in NUMBER_WORDS.items():
        assert isinstance(value, int) and not isinstance(value, bool) and value >= 0, word


def test_exact_words_are_the_table_less_the_vague_ones() -> None:
    assert set(EXACT_NUMBER_WORDS) < set(NUMBER_WORDS)
    for word, value in EXACT_NUMBER_WORDS.items():
        assert NUMBER_WORDS[word] == value
    for word in ("a", "an", "single", "couple", "few", "several", "none", "nil"):
        assert word in NUMBER_WORDS and word not in EXACT_NUMBER_WORDS


def test_every_point_of_the_pain_scale_has_a_word() -> None:
    assert {EXACT_NUMBER_WORDS[word] for word in PAIN_WORDS} == set(range(11))


@pytest.mark.parametrize("word", PAIN_WORDS)
def test_exact_words_are_pain_ratings(word: str) -> None:
    value = EXACT_NUMBER_WORDS[word]
    assert parse_pain_score(f"{word} out of ten").score == value
    assert parse_pain_score(word.upper()).score == value


@pytest.mark.parametrize("word", VAGUE)
def test_vague_words_are_no_pain_rating(word: str) -> None:
    """Neither "a few" nor "none" is a score: guessing one could understate the pain."""
    assert parse_pain_score(word).score is None
    assert parse_pain_score(f"{word} out of ten").score is None


@pytest.mark.parametrize("word", sorted(NUMBER_WORDS))
def test_every_word_counts_next_to_a_unit(word: str) -> None:
    assert parse_duration(f"{word} days", TODAY).days == NUMBER_WORDS[word]
