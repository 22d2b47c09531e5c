"""Reconciling DIET's entities with the vocabulary, and the intent safety demands."""

import pytest

from bot.entities import NEGATED, RED_FLAG_INTENT, live_red_flags, resolve_entities, safety_intent
from bot.language import default_matcher

EXTRACTOR = "DIETClassifier"


@pytest.fixture(scope="session")
def matcher():
    return default_matcher()


def diet(text, phrase, entity, value=None, role=None):
    """A DIET-like entity dict over the first occurrence of ``phrase``."""
    start = text.index(phrase)
    found = {"entity": entity, "start": start, "end": start + len(phrase), "value": value or phrase,
             "extractor": EXTRACTOR, "confidence_entity": 0.9}
    if role:
        found["role"] = role
    return found


def of(entities, entity):
    return [e for e in entities if e["entity"] == entity]


def resolve(matcher, text, found):
    return resolve_entities(text, found, matcher, EXTRACTOR)


# --- vocabulary entities ------------------------------------------------------------------------


def test_raw_value_gets_its_canonical_value(matcher):
    text = "it hurts after doing the dishes"
    [activity] = of(resolve(matcher, text, [diet(text, "doing the dishes", "activity")]), "activity")
    assert activity["value"] == "leaning_over"
    assert (activity["start"], activity["end"]) == (15, 31)
    assert activity["extractor"] == EXTRACTOR
    assert "role" not in activity


def test_span_that_names_nothing_known_is_dropped(matcher):
    text = "it hurts after the party"
    assert resolve(matcher, text, [diet(text, "party", "activity")]) == []


def test_raw_value_of_another_category_is_dropped(matcher):
    # "lower back" is a location, not an activity: the span is not relabelled as one.
    text = "my lower back"
    resolved = resolve(matcher, text, [diet(text, "lower back", "activity")])
    assert of(resolved, "activity") == []
    assert [e["value"] for e in of(resolved, "pain_location")] == ["low_back_both_sides"]


def test_span_with_a_canonical_value_is_kept(matcher):
    # DIET named the value; the span text alone ("the usual") would not resolve.
    text = "it's the usual thing"
    resolved = resolve(matcher, text, [diet(text, "the usual", "activity", value="sitting")])
    assert [(e["entity"], e["value"], e["start"], e["end"]) for e in resolved] == [("activity", "sitting", 5, 14)]


def test_duplicate_diet_spans_are_merged(matcher):
    text = "doing the dishes"
    found = [diet(text, "doing the dishes", "activity"), diet(text, "doing the dishes", "activity", "leaning_over")]
    assert len(resolve(matcher, text, found)) == 1


# --- negation ---------------------------------------------------------------------------------------


def test_rule_sets_negated_role(matcher):
    text = "no fever at all"
    [flag] = resolve(matcher, text, [diet(text, "fever", "red_flag", "fever")])
    assert flag["value"] == "fever"
    assert flag["role"] == NEGATED


def test_diet_negated_role_on_a_live_mention_is_removed(matcher):
    text = "i have a fever"
    [flag] = resolve(matcher, text, [diet(text, "fever", "red_flag", "fever", role=NEGATED)])
    assert "role" not in flag
    assert live_red_flags([flag]) == ["fever"]


@pytest.mark.parametrize("text,phrase,value", [
    ("no fever and i haven't lost any weight", "haven't lost any weight", "weight_loss"),
    ("no, my legs aren't getting weaker", "legs", "bilateral_leg_symptoms"),
    ("i never had cancer", "never had cancer", "cancer_history"),
])
def test_statistical_denial_confirmed_by_a_nearby_cue_is_negated(matcher, text, phrase, value):
    flags = resolve(matcher, text, [diet(text, phrase, "red_flag", value, role=NEGATED)])
    assert value in [flag["value"] for flag in of(flags, "red_flag") if flag.get("role") == NEGATED]
    assert live_red_flags(flags) == []


@pytest.mark.parametrize("text,phrase,value", [
    ("the pain doesn't get better when i rest", "doesn't get better when i rest", "night_pain"),
    ("nothing helps at night", "nothing helps at night", "night_pain"),
    ("my legs aren't working properly", "legs aren't working", "bilateral_leg_symptoms"),
    ("i can't feel my legs", "can't feel my legs", "bilateral_leg_symptoms"),
    ("it won't ease off at night", "won't ease off at night", "night_pain"),
])
def test_cue_that_is_part_of_the_sign_does_not_confirm_a_statistical_denial(matcher, text, phrase, value):
    flags = of(resolve(matcher, text, [diet(text, phrase, "red_flag", value, role=NEGATED)]), "red_flag")
    assert value in live_red_flags(flags)


def test_span_that_swallowed_its_negation_is_denied(matcher):
    text = "no, my legs aren't getting weaker"
    flags = resolve(matcher, text, [diet(text, "aren't getting weaker", "red_flag")])
    assert live_red_flags(flags) == []


def test_goodbye_keeps_no_activity_but_keeps_a_warning_sign(matcher):
    text = "gotta run, i can't feel my legs"
    found = [diet(text, "run", "activity", "running"), diet(text, "can't feel my legs", "red_flag")]
    entities = resolve_entities(text, found, matcher, EXTRACTOR, intent="goodbye")
    assert of(entities, "activity") == []
    assert live_red_flags(entities) == ["bilateral_leg_symptoms"]


def test_question_about_exercises_fills_no_activity(matcher):
    # "is cycling ok after lifting?" asks about massage and exercise; it does not describe the pain.
    text = "is cycling ok for a back i hurt lifting"
    entities = resolve_entities(text, [diet(text, "lifting", "activity")], matcher, EXTRACTOR, intent="faq")
    assert of(entities, "activity") == []


def test_span_over_several_warning_signs_becomes_each_sign(matcher):
    text = "it's gone numb around my privates and both legs are tingly"
    flags = resolve(matcher, text, [diet(text, "s gone numb around my privates and both legs are tingly", "red_flag")])
    assert sorted(live_red_flags(flags)) == ["bilateral_leg_symptoms", "saddle_numbness"]


def test_cancer_of_the_bowel_is_a_cancer_history_not_a_bowel_problem(matcher):
    text = "i had bowel cancer a few years back"
    assert live_red_flags(resolve(matcher, text, [diet(text, "bowel", "red_flag", "bladder_bowel")])) == [
        "cancer_history"]


@pytest.mark.parametrize("text,phrase,kept", [
    ("lifting boxes at the warehouse", "lifting boxes at the", "lifting boxes"),
    ("my back went since this morning i think", "since this morning i", "since this morning"),
    ("reaching behind for my seatbelt gets me", "reaching behind for my seatbelt gets",
     "reaching behind for my seatbelt"),
])
def test_edge_words_are_cut_from_statistical_spans(matcher, text, phrase, kept):
    kind = "duration" if phrase.startswith("since") else "activity"
    [entity] = of(resolve(matcher, text, [diet(text, phrase, kind)]), kind)
    assert text[entity["start"]:entity["end"]] == kept


def test_a_preposition_alone_is_not_a_duration(matcher):
    text = "can't remember since the accident"
    assert of(resolve(matcher, text, [diet(text, "since the", "duration")]), "duration") == []


def test_negation_applies_to_symptoms_too(matcher):
    text = "no tingling"
    [symptom] = resolve(matcher, text, [diet(text, "tingling", "symptom", "tingling")])
    assert symptom["role"] == NEGATED


# --- pain score and duration -------------------------------------------------------------------------


@pytest.mark.parametrize("text,phrase,score", [
    ("about a six i guess", "six", "6"),
    ("it's 7/10 today", "7/10", "7"),
    ("seven out of ten", "seven out of ten", "7"),
])
def test_pain_score_becomes_the_integer_string(matcher, text, phrase, score):
    [entity] = of(resolve(matcher, text, [diet(text, phrase, "pain_score")]), "pain_score")
    assert entity["value"] == score
    assert text[entity["start"]:entity["end"]] == phrase


def test_unparseable_pain_score_is_dropped(matcher):
    text = "it is bad"
    assert of(resolve(matcher, text, [diet(text, "bad", "pain_score")]), "pain_score") == []


@pytest.mark.parametrize("text,phrase", [("for 3 weeks now", "3 weeks"), ("since last tuesday", "since last tuesday"),
                                         ("about a couple of months", "a couple of months")])
def test_readable_duration_is_kept_as_its_text(matcher, text, phrase):
    [entity] = of(resolve(matcher, text, [diet(text, phrase, "duration")]), "duration")
    assert entity["value"] == phrase


@pytest.mark.parametrize("text,phrase", [("hurts a lot", "a lot"), ("it is what it is", "what it is")])
def test_span_that_does_not_sound_like_time_is_dropped(matcher, text, phrase):
    assert of(resolve(matcher, text, [diet(text, phrase, "duration")]), "duration") == []


@pytest.mark.parametrize("text,phrase", [("for ages now", "ages"), ("ever since i had my son", "since i had my son")])
def test_vague_duration_is_kept_for_the_engine_to_call_unknown(matcher, text, phrase):
    [entity] = of(resolve(matcher, text, [diet(text, phrase, "duration")]), "duration")
    assert entity["value"] == phrase


def test_entity_without_offsets_is_dropped(matcher):
    assert resolve(matcher, "whatever", [{"entity": "activity", "value": "sitting"}]) == []


# --- what DIET missed ---------------------------------------------------------------------------------


def test_vocabulary_adds_mentions_diet_missed(matcher):
    text = "my lower back hurts when i lift"
    resolved = resolve(matcher, text, [diet(text, "lower back", "pain_location", "low_back_both_sides")])
    assert [(e["entity"], e["value"]) for e in resolved] == [("pain_location", "low_back_both_sides"),
                                                             ("activity", "lifting")]
    added = resolved[1]
    assert text[added["start"]:added["end"]] == "lift"
    assert added["extractor"] == EXTRACTOR


def test_vocabulary_names_the_place_and_the_wider_statistical_span_is_not_added_twice(matcher):
    # For places and symptoms the curated vocabulary is the authority: one entity, the vocabulary's span.
    text = "my lower back hurts"
    resolved = resolve(matcher, text, [diet(text, "lower back hurts", "pain_location")])
    assert [(e["value"], e["start"], e["end"]) for e in resolved] == [("low_back_both_sides", 3, 13)]


def test_statistical_span_fills_in_a_place_the_vocabulary_does_not_know(matcher):
    text = "it's my sit bones"
    resolved = resolve(matcher, text, [diet(text, "sit bones", "pain_location", "buttock")])
    places = [(e["value"], text[e["start"]:e["end"]]) for e in of(resolved, "pain_location")]
    assert places == [("buttock", "sit bones")]


def test_vocabulary_adds_missed_negated_red_flag(matcher):
    text = "sitting all day, no fever"
    resolved = resolve(matcher, text, [diet(text, "sitting", "activity", "sitting")])
    [flag] = of(resolved, "red_flag")
    assert flag["value"] == "fever" and flag["role"] == NEGATED


def test_scale_rating_found_without_any_diet_entity(matcher):
    text = "my back is about 6/10 today"
    [score] = of(resolve(matcher, text, []), "pain_score")
    assert score["value"] == "6"
    assert text[score["start"]:score["end"]] == "6/10"


def test_scale_rating_not_doubled_when_diet_found_it(matcher):
    text = "pain 6/10"
    resolved = resolve(matcher, text, [diet(text, "6/10", "pain_score")])
    assert [e["value"] for e in of(resolved, "pain_score")] == ["6"]


def test_bare_number_is_not_a_rating_without_diet(matcher):
    assert of(resolve(matcher, "i have 2 kids", []), "pain_score") == []


# --- safety_intent -------------------------------------------------------------------------------------


def flag(value, negated=False):
    entity = {"entity": "red_flag", "value": value, "start": 0, "end": 1}
    if negated:
        entity["role"] = NEGATED
    return entity


@pytest.mark.parametrize("intent", ["describe_pain", "greet", "deny", "faq", None, RED_FLAG_INTENT])
def test_live_red_flag_always_means_report_red_flag(intent):
    assert safety_intent(intent, [flag("fever")]) == RED_FLAG_INTENT


def test_one_live_flag_among_denied_ones_wins():
    assert safety_intent("deny", [flag("fever", negated=True), flag("bladder_bowel")]) == RED_FLAG_INTENT


def test_red_flag_intent_with_every_flag_denied_is_an_all_clear():
    assert safety_intent(RED_FLAG_INTENT, [flag("fever", True), flag("weight_loss", True)]) == "deny"


def test_red_flag_intent_naming_nothing_at_all_is_kept():
    # An unknown wording of a warning sign: the cautious reply is better than guessing.
    assert safety_intent(RED_FLAG_INTENT, []) is None
    assert safety_intent(RED_FLAG_INTENT, [{"entity": "duration", "value": "2 days", "start": 0, "end": 6}]) is None


@pytest.mark.parametrize("kind,expected", [("symptom", "describe_pain"), ("pain_location", "describe_pain"),
                                           ("activity", "describe_activity")])
def test_red_flag_intent_that_only_describes_the_pain_becomes_a_description(kind, expected):
    # "my lower back kills me": the assessment still screens every warning sign explicitly.
    entity = {"entity": kind, "value": "x", "start": 0, "end": 4}
    assert safety_intent(RED_FLAG_INTENT, [entity]) == expected


@pytest.mark.parametrize("intent", ["describe_pain", "deny", None])
def test_no_red_flags_keeps_the_classifier(intent):
    assert safety_intent(intent, []) is None
    assert safety_intent(intent, [flag("fever", True)]) is None


def test_end_to_end_denial_message_becomes_deny(matcher):
    text = "no fever, no numbness down there"
    assert safety_intent(RED_FLAG_INTENT, resolve(matcher, text, [])) == "deny"


def test_end_to_end_mixed_message_becomes_report_red_flag(matcher):
    text = "no fever but i cant pee properly"
    assert safety_intent("deny", resolve(matcher, text, [])) == RED_FLAG_INTENT


@pytest.mark.parametrize("text", ["my legs feel fine, its just my back", "everything down there is normal",
                                  "all good on that front, it's only the back"])
def test_sign_less_warning_intent_that_plainly_reassures_is_an_all_clear(text):
    assert safety_intent(RED_FLAG_INTENT, [], text) == "deny"


@pytest.mark.parametrize("text", ["i don't feel right down there", "i'm fine but my legs feel weird",
                                  "ok so i can't really feel my feet", "something is not normal",
                                  "it's worse at night, fine in the day", ""])
def test_sign_less_warning_intent_without_plain_reassurance_stays_cautious(text):
    assert safety_intent(RED_FLAG_INTENT, [], text) is None


@pytest.mark.parametrize("text,phrase,duration", [
    ("it's been about 3 wks", "3", "3 wks"),
    ("going on 6 months now", "6", "6 months"),
    ("2-week-old pain", "2", "2-week"),
])
def test_number_with_a_time_unit_is_a_duration_not_a_score(matcher, text, phrase, duration):
    entities = resolve(matcher, text, [diet(text, phrase, "pain_score")])
    assert of(entities, "pain_score") == []
    [found] = of(entities, "duration")
    assert text[found["start"]:found["end"]] == duration


def test_a_sign_to_ask_about_is_neither_live_nor_dropped():
    from bot.entities import UNCERTAIN, signs_to_confirm

    text = "it goes tingly in my bum on long drives"
    entities = resolve_entities(text, [], default_matcher(), "test")
    [sign] = [e for e in entities if e["entity"] == "red_flag"]
    assert sign["value"] == "saddle_numbness" and sign["role"] == UNCERTAIN
    assert live_red_flags(entities) == [] and signs_to_confirm(entities) == ["saddle_numbness"]
    # The classifier's "warning sign" becomes a description: the assessment asks about it in its turn.
    assert safety_intent(RED_FLAG_INTENT, entities, text) == "describe_pain"


def test_a_statistical_span_near_a_sign_is_asked_about_too():
    from bot.entities import UNCERTAIN

    text = "my bum goes numb on the hard chairs but its fine the second i stand up"
    found = [{"entity": "red_flag", "value": "saddle_numbness", "start": 3, "end": 16}]
    [sign] = [e for e in resolve_entities(text, found, default_matcher(), "test") if e["entity"] == "red_flag"]
    assert sign.get("role") == UNCERTAIN


def test_a_statement_taken_for_an_faq_keeps_what_it_says():
    """"It is like ache." answers "how does it feel?"; only a real question loses its vocabulary."""
    kept = resolve_entities("It is like ache.", [], default_matcher(), "test", intent="faq", confidence=0.95)
    assert [e["value"] for e in kept if e["entity"] == "symptom"] == ["dull_ache"]
    asked = resolve_entities("does massage help an ache?", [], default_matcher(), "test", intent="faq",
                             confidence=0.95)
    assert not [e for e in asked if e["entity"] == "symptom"]


def test_a_small_talk_guess_the_classifier_doubts_keeps_the_answer():
    kept = resolve_entities("Aching.", [], default_matcher(), "test", intent="goodbye", confidence=0.3)
    assert [e["value"] for e in kept if e["entity"] == "symptom"] == ["dull_ache"]


def test_two_signs_told_in_the_same_words_are_both_kept():
    """"pregnant and I have a high temperature": the longer reading once replaced the fever, the fever it."""
    text = "I am pregnant and I have a high temperature and back pain."
    start, end = text.index("high"), text.index(" and back")
    found = [{"entity": "red_flag", "value": "high temperature", "start": start, "end": end}]
    assert set(live_red_flags(resolve_entities(text, found, default_matcher(), "test"))) == {
        "pregnancy_warning_signs", "fever"}


def test_readings_that_only_share_a_word_are_one_sign():
    """"hot and cold sweats" is a fever; the chest's "cold sweat" shares a word with it, not a meaning."""
    text = "ugh my back again, and i feel rotten, hot and cold sweats all night"
    assert live_red_flags(resolve_entities(text, [], default_matcher(), "test")) == ["fever"]


@pytest.mark.parametrize("text,score", [("months, maybe 6", None), ("2 weeks, maybe 3", None),
                                        ("about 3 weeks and its a 6", "6"), ("weeks, 6/10 though", "6")])
def test_a_number_after_a_length_of_time_is_that_time_not_a_rating(text, score):
    """"months, maybe 6" once overwrote a pain score of 7 with 6, and the triage with it."""
    scores = [e["value"] for e in resolve_entities(text, [], default_matcher(), "test") if e["entity"] == "pain_score"]
    assert scores == ([] if score is None else [score])
