"""The first look at raw input: cleaning, shorthand, and what cannot be read."""

import pytest

from bot.input_check import (
    EMPTY,
    MAX_LENGTH,
    NO_WORDS,
    OTHER_LANGUAGE,
    SHORTHAND,
    TOO_LONG,
    InputCheck,
    check_input,
    clean,
    language_verdict,
)
from bot.language import default_matcher


@pytest.fixture(scope="module")
def is_english():
    return default_matcher().is_english


@pytest.mark.parametrize("raw,expected", [
    ("<b>my lower back</b> hurts", "my lower back hurts"),
    ("<script>alert(1)</script>sore back", "alert(1) sore back"),
    ("back &amp; hip", "back & hip"),
    ("sore\x00 back\x1b", "sore back"),
    ("  lots   of\n\nspace  ", "lots of space"),
    ("zero\u200bwidth", "zero width"),
])
def test_clean_removes_markup_control_characters_and_extra_space(raw, expected):
    assert clean(raw) == expected


@pytest.mark.parametrize("payload", ["/affirm", "/deny", "/request_human", "/restart", " /greet "])
def test_the_assistants_own_button_payloads_pass(payload):
    checked = check_input(payload)
    assert checked.verdict is None
    assert checked.text == payload.strip()


@pytest.mark.parametrize("typed,words", [
    ('/deny{"red_flags": "none"}', 'deny{"red_flags": "none"}'),
    ('/give_pain_score{"pain_score": "2"}', 'give_pain_score{"pain_score": "2"}'),
    ("/report_red_flag", "report_red_flag"),
    ("/session_start", "session_start"),
    ('/affirm{"consent": true}', 'affirm{"consent": true}'),
    ('/body_map{"zones": ["buttock_left"], "red_flags": "none"}',
     'body_map{"zones": ["buttock_left"], "red_flags": "none"}'),
    ('/body_map{"zones": ["no_such_place"]}', 'body_map{"zones": ["no_such_place"]}'),
])
def test_typed_shorthand_is_disarmed_into_plain_words(typed, words):
    checked = check_input(typed)
    assert checked.verdict == SHORTHAND
    assert not checked.text.startswith("/")
    assert checked.text == words


def test_the_body_maps_payload_becomes_the_zones_names_in_words():
    checked = check_input('/body_map{"zones": ["low_back_left", "leg_left"]}')
    assert checked == InputCheck("Left side of my lower back, down my left leg")


@pytest.mark.parametrize("raw", ["", "   ", None, "<br>", "\x00\x01"])
def test_nothing_to_read_is_empty(raw):
    assert check_input(raw).verdict == EMPTY


@pytest.mark.parametrize("raw", ["😭😭😭", "👍", "?!?", "...", "🙂 🙃"])
def test_no_letters_or_digits_is_no_words(raw):
    assert check_input(raw).verdict == NO_WORDS


def test_a_bare_number_is_a_message():
    assert check_input("7").verdict is None


def test_over_long_message_is_cut_and_flagged():
    checked = check_input("my back hurts " * 100_000)
    assert checked.verdict == TOO_LONG
    assert len(checked.text) == MAX_LENGTH


@pytest.mark.parametrize("raw", ["у меня болит спина", "我的背很痛", "ظهري يؤلمني", "πονάει η πλάτη μου"])
def test_other_scripts_are_another_language(raw):
    assert check_input(raw).verdict == OTHER_LANGUAGE


@pytest.mark.parametrize("raw", ["my lower back hurts", "café au lait back pain", "I'm fine", "7/10"])
def test_ordinary_english_passes(raw):
    assert check_input(raw).verdict is None


@pytest.mark.parametrize("text", [
    "me duele mucho la espalda desde hace una semana",
    "ich habe seit zwei wochen rückenschmerzen",
    "mi dispiace ho mal di schiena",
    "dor nas costas quando levanto peso",
    "je suis fatigué et mon dos me fait mal",
    "hola",
    "bonjour",
])
def test_words_that_are_mostly_not_english_are_another_language(text, is_english):
    assert language_verdict(text, is_english) == OTHER_LANGUAGE


@pytest.mark.parametrize("text", [
    "my lowr bak hurst wen i lift the baby",
    "tbh idk, maybe",
    "cheers",
    "gotta run, later",
    "what's the weather doing tomorrow",
    "how many visits before i notice a difference",
    "it's manageable, fairly mild",
    "honestly it's bearable most days",
])
def test_english_with_typos_and_chat_words_is_english(text, is_english):
    assert language_verdict(text, is_english) is None


@pytest.mark.parametrize("raw", ["my back \udfff hurts", "\ud83d", "pain \ud83d\ude00"])
def test_lone_surrogates_are_removed_so_no_model_chokes_on_them(raw):
    cleaned = clean(raw)
    assert all(not 0xD800 <= ord(char) <= 0xDFFF for char in cleaned)
    cleaned.encode("utf-8")  # would raise on a lone surrogate
