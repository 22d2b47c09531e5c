"""The vocabulary matcher: lemmas, optional words, typos, longest match, offsets and negation."""

import pytest

from bot.language import default_matcher


@pytest.fixture(scope="session")
def matcher():
    # Built once per process (lru_cache); every test module shares it.
    return default_matcher()


def found(matcher, text):
    return [(m.entity, m.value) for m in matcher.find(text)]


def only(matcher, text, entity):
    mentions = [m for m in matcher.find(text) if m.entity == entity]
    assert len(mentions) == 1, f"{text!r}: expected one {entity}, got {mentions}"
    return mentions[0]


def red_flags(matcher, text):
    """{value: negated} for every red flag in the text (any mention live → live)."""
    flags = {}
    for m in matcher.find(text):
        if m.entity == "red_flag":
            flags[m.value] = flags.get(m.value, True) and m.negated
    return flags


# --- matching ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["I lifted a heavy box", "lifting the kids", "it hurts when i lift", "lifts"])
def test_inflections_meet_their_lemma(matcher, text):
    assert ("activity", "lifting") in found(matcher, text)


@pytest.mark.parametrize("text", ["i cant control my bladder", "i can't control the bladder",
                                  "cannot control bladder", "i can't control their bladder"])
def test_determiners_are_optional(matcher, text):
    mention = only(matcher, text, "red_flag")
    assert mention.value == "bladder_bowel"
    # The whole phrase is matched, not just the word "bladder".
    assert mention.text.startswith("can")
    assert not mention.negated


@pytest.mark.parametrize("text", ["i cant pee", "i can't pee", "i cannot pee", "i cant wee"])
def test_contractions_without_apostrophes(matcher, text):
    mention = only(matcher, text, "red_flag")
    assert mention.value == "bladder_bowel"
    assert not mention.negated


@pytest.mark.parametrize("text,entity,value", [
    ("pain in my tailbome", "pain_location", "sacrum"),
    ("my tialbone hurts", "pain_location", "sacrum"),
    ("started after gardning", "activity", "leaning_over"),
    ("it gets stiffnes in the morning", "symptom", "stiffness"),
])
def test_one_letter_typo_in_a_long_word(matcher, text, entity, value):
    assert (entity, value) in found(matcher, text)


@pytest.mark.parametrize("text", ["my hipp", "a bumm"])
def test_short_words_are_not_fuzzy_matched(matcher, text):
    # Under five letters a typo is too likely to hit another word, so nothing is guessed.
    assert found(matcher, text) == []


def test_unrelated_long_word_is_not_fuzzy_matched(matcher):
    assert found(matcher, "the weather is lovely") == []


def test_longest_match_wins_pins_and_needles_is_a_symptom(matcher):
    mentions = matcher.find("i get pins and needles in my foot")
    assert [(m.entity, m.value) for m in mentions] == [("symptom", "tingling"), ("pain_location", "down_the_leg")]
    assert all(m.entity != "red_flag" for m in mentions)


@pytest.mark.parametrize("text", ["pins n needles in my foot", "pins & needles in my foot"])
def test_pins_and_needles_spelt_loosely_is_tingling_not_drug_use(matcher, text):
    assert ("symptom", "tingling") in found(matcher, text)
    assert ("red_flag", "immunosuppression") not in found(matcher, text)


def test_injecting_drugs_is_a_red_flag(matcher):
    assert ("red_flag", "immunosuppression") in found(matcher, "i used to inject drugs")


def test_longest_match_wins_for_locations(matcher):
    # "left side of my lower back" beats "lower back" (both sides) and "left side".
    assert found(matcher, "the left side of my lower back") == [("pain_location", "low_back_one_side")]


@pytest.mark.parametrize("text", [
    "I lifted a box and now my TAILBOME hurts, can't pee!",
    "  so   yesterday  i cant control my bladder",
    "pins and needles in my foot after driving",
])
def test_offsets_point_at_the_matched_text(matcher, text):
    mentions = matcher.find(text)
    assert mentions
    for mention in mentions:
        assert text[mention.start:mention.end] == mention.text
        assert mention.start < mention.end


def test_mentions_come_in_text_order(matcher):
    mentions = matcher.find("fever and my lower back hurts when i drive")
    assert [m.value for m in mentions] == ["fever", "low_back_both_sides", "driving"]
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)


def test_resolve_gives_the_canonical_value_of_a_span(matcher):
    assert matcher.resolve("activity", "doing the dishes") == "leaning_over"
    assert matcher.resolve("activity", "a party") is None
    # A phrase of another category does not count.
    assert matcher.resolve("activity", "lower back") is None


# --- negation --------------------------------------------------------------------------------------

NEGATED = [
    ("no fever", "fever"),
    ("i havent lost weight", "weight_loss"),
    ("i haven't lost weight", "weight_loss"),
    ("never had cancer", "cancer_history"),
    ("no numbness down there", "saddle_numbness"),
    ("bladder is fine", "bladder_bowel"),
    ("bladder and bowels are fine", "bladder_bowel"),
    ("my bladder and bowels are both fine", "bladder_bowel"),
    ("my bowels are ok", "bladder_bowel"),
    ("bladder's fine", "bladder_bowel"),
    ("bowels are normal", "bladder_bowel"),
    ("bladder is not affected", "bladder_bowel"),
    ("i don't have a fever", "fever"),
    ("i dont have a fever", "fever"),
    ("without any fever", "fever"),
    ("i have no chest pain", "chest_pain"),
    ("no history of cancer", "cancer_history"),
    ("i am not on any steroids", "immunosuppression"),
    ("nothing wrong with my bladder", "bladder_bowel"),
    ("my back hurts, no fever", "fever"),
    ("not really, no fever", "fever"),
    ("zero weight loss", "weight_loss"),
    ("neither fever nor chills", "fever"),
    ("i havent had any fever", "fever"),
    ("never been on steroids", "immunosuppression"),
]

LIVE = [
    ("not sure if i have a fever", "fever"),
    ("i dont know if i have a fever", "fever"),
    ("no idea if i lost weight", "weight_loss"),
    ("i'm not sure about a fever", "fever"),
    ("fever", "fever"),
    ("i have a fever", "fever"),
    ("had a car accident, no other problems", "major_trauma"),
    ("i wet myself and i'm fine otherwise", "bladder_bowel"),
    ("I wet myself, but I'm fine", "bladder_bowel"),
    ("no, i have a fever", "fever"),
    ("fever. no other symptoms", "fever"),
    ("no other problems except i cant pee", "bladder_bowel"),
    ("it is not bad, but i cant pee", "bladder_bowel"),
    ("i have no appetite and a fever", "fever"),
    ("bladder is not fine", "bladder_bowel"),
    ("my bowels aren't normal", "bladder_bowel"),
    ("bladder not ok", "bladder_bowel"),
    ("i lost weight, still fine", "weight_loss"),
    ("had cancer but all good now", "cancer_history"),
    ("numbness in both legs", "bilateral_leg_symptoms"),
]


@pytest.mark.parametrize("text,flag", NEGATED)
def test_denied_warning_sign_is_negated(matcher, text, flag):
    flags = red_flags(matcher, text)
    assert flag in flags, f"{flag} not found in {text!r}"
    assert flags[flag] is True


@pytest.mark.parametrize("text,flag", LIVE)
def test_reported_warning_sign_stays_live(matcher, text, flag):
    flags = red_flags(matcher, text)
    assert flag in flags, f"{flag} not found in {text!r}"
    assert flags[flag] is False


def test_each_mention_of_a_pair_is_negated(matcher):
    mentions = [m for m in matcher.find("bladder and bowels are fine") if m.entity == "red_flag"]
    assert [m.text for m in mentions] == ["bladder", "bowels"]
    assert all(m.negated for m in mentions)


def test_denial_does_not_cross_but(matcher):
    mentions = {m.value: m.negated for m in matcher.find("no fever but i cant pee properly")}
    assert mentions == {"fever": True, "bladder_bowel": False}


def test_denial_of_one_sign_does_not_cover_the_next_clause(matcher):
    mentions = {m.value: m.negated for m in matcher.find("no pain at night but i have a fever")}
    assert mentions == {"night_pain": True, "fever": False}


def test_negated_by_character_span(matcher):
    text = "no fever but i cant pee"
    assert matcher.negated(text, 3, 8) is True
    start = text.index("cant pee")
    assert matcher.negated(text, start, start + len("cant pee")) is False


# Known gaps: the word before the sign negates something else ("no control", "not able"),
# a cue far before ("no matter what ..."), or the reassurance belongs to the person, not the sign.
# Each of these hides a real warning sign, the unsafe direction.
MISSED_WARNINGS = [
    ("i have no control over my bladder", "bladder_bowel"),
    ("no control of my bowels", "bladder_bowel"),
    ("i'm not able to control my bladder", "bladder_bowel"),
    ("no feeling in both legs", "bilateral_leg_symptoms"),
    ("no strength in both legs", "bilateral_leg_symptoms"),
    ("no matter what i do i cant get comfortable", "night_pain"),
    ("i wet myself and feel fine otherwise", "bladder_bowel"),
    ("i've lost weight and feel fine", "weight_loss"),
]


@pytest.mark.parametrize("text,flag", MISSED_WARNINGS)
def test_reported_warning_sign_is_not_hidden_by_a_nearby_no(matcher, text, flag):
    flags = red_flags(matcher, text)
    assert flag in flags
    assert flags[flag] is False


@pytest.mark.parametrize("text,value", [
    ("since this morning i can't seem to pee properly", "bladder_bowel"),
    ("i couldn't feel the toilet paper when i wiped", "saddle_numbness"),
])
def test_not_being_able_to_is_a_symptom_not_a_denial(matcher, text, value):
    assert ("red_flag", value, False) in [(m.entity, m.value, m.negated) for m in matcher.find(text)]


@pytest.mark.parametrize("text", ["i don't feel unwell", "not feeling feverish at all", "i dont feel poorly"])
def test_not_feeling_ill_denies_the_sign(text: str) -> None:
    """"Don't feel unwell" denies a fever; only "can't feel my feet" is a loss of feeling."""
    flags = [m for m in default_matcher().find(text) if m.entity == "red_flag"]
    assert flags and all(m.negated for m in flags)
