"""The recall-first detector: warning signs told by description, and whose sign it is."""

import pytest

from bot.language import default_matcher


def signs(text: str) -> dict[str, bool]:
    """Each warning sign found: True when reported, False when denied or not the client's."""
    found: dict[str, bool] = {}
    for mention in default_matcher().find(text):
        if mention.entity == "red_flag":
            found[mention.value] = found.get(mention.value, False) or not mention.negated
    return found


@pytest.mark.parametrize("text,sign", [
    ("its like my bits have gone to sleep", "saddle_numbness"),
    ("since this morning its weirdly numb round my bum when i wipe", "saddle_numbness"),
    ("i can't feel anything down below", "saddle_numbness"),
    ("cant really tell when i need to wee anymore", "bladder_bowel"),
    ("havent been able to wee properly since last night", "bladder_bowel"),
    ("my foot's gone floppy", "leg_weakness"),
    ("my toes catch on the carpet and i trip", "leg_weakness"),
    ("my legs have been like jelly", "bilateral_leg_symptoms"),
    ("feels like a weight on my chest", "chest_pain"),
    ("took a spill on the ice last week", "major_trauma"),
    ("had radiotherapy for my prostate a while back", "cancer_history"),
    ("I had breast cancer 10 years ago", "cancer_history"),
    ("been on pred for years for my asthma", "immunosuppression"),
    ("it doesn't get better with rest", "night_pain"),
])
def test_signs_told_by_description_are_reported(text: str, sign: str) -> None:
    assert signs(text).get(sign) is True


@pytest.mark.parametrize("text,sign", [
    ("my mum had cancer", "cancer_history"),
    ("I volunteer at a cancer charity", "cancer_history"),
    ("dieting to drop a few pounds", "weight_loss"),
    ("had a car accident when i was 19, fully healed", "major_trauma"),
    ("both my legs feel normal to me", "bilateral_leg_symptoms"),
    ("no numbness down there", "saddle_numbness"),
    ("my bum isn't numb", "saddle_numbness"),
    ("my husband is on steroids for his copd, not me though", "immunosuppression"),
    ("i can pee fine and feel everything normally down below", "bladder_bowel"),
])
def test_denials_and_look_alikes_are_not_reported(text: str, sign: str) -> None:
    assert not signs(text).get(sign)


@pytest.mark.parametrize("text", ["the bottom of my foot is numb", "fell asleep on the sofa and woke up sore",
                                  "lifting a heavy chest of drawers", "can't find a comfy chair at work"])
def test_everyday_phrases_that_only_look_like_a_sign(text: str) -> None:
    assert not any(signs(text).values())


def test_someone_else_named_before_does_not_take_the_clients_own_sign() -> None:
    assert signs("my wife says i have a fever").get("fever") is True
    assert signs("me and my partner tried and i couldnt feel anything during sex").get("sexual_dysfunction") is True


def test_one_leg_is_not_both_legs() -> None:
    found = signs("my left leg feels weak")
    assert found.get("leg_weakness") is True and "bilateral_leg_symptoms" not in found


@pytest.mark.parametrize("text,sign", [
    ("I had a serious fall from a roof at work on Monday", "major_trauma"),  # a fall at work is the client's own
    ("came off a ladder on the job this morning", "major_trauma"),
    ("no... well, im in remission from lymphoma but that was ages ago", "cancer_history"),  # a past that counts
    ("not gonna lie i inject heroin sometimes", "immunosuppression"),  # "not gonna lie" is not a denial
    ("its not just the back, my chest is hurting too", "chest_pain"),  # "not just" adds
    ("Weakness in my left leg that is getting worse", "leg_weakness"),
    ("the leg just gives out on the stairs now", "leg_weakness"),
    ("things downstairs havent worked since it started", "sexual_dysfunction"),
])
def test_signs_that_a_wording_rule_once_hid(text: str, sign: str) -> None:
    assert signs(text).get(sign) is True, signs(text)


@pytest.mark.parametrize("text,sign", [
    ("My bladder and bowels are working normally", "bladder_bowel"),
    ("nothing wrong in the bedroom department", "sexual_dysfunction"),
    ("i worry about chest pain but i havent got any", "chest_pain"),
    ("fell off my bike years ago but that was it, all healed", "major_trauma"),
])
def test_reassurances_after_the_sign_deny_it(text: str, sign: str) -> None:
    assert not signs(text).get(sign), signs(text)


def test_an_ordinary_worse_leg_pain_is_not_a_weakening_leg() -> None:
    assert "leg_weakness" not in signs("my leg pain is getting worse")


def test_a_long_ago_event_does_not_cancel_a_new_sign_after_a_comma() -> None:
    """"An accident four years ago, and this week both legs went numb": only the accident is in the past."""
    found = signs("I had an accident four years ago, and this week both of my legs have become numb.")
    assert found.get("bilateral_leg_symptoms") is True and not found.get("major_trauma")


@pytest.mark.parametrize("text,sign", [
    ("its just my back but both my legs are tingly", "bilateral_leg_symptoms"),
    ("it's only my back, although I did wet myself last night", "bladder_bowel"),
    ("I feel the same as always except I can't feel my bum when I wipe", "saddle_numbness"),
    ("i turn over and get back to sleep fine but i have had a fever all week", "fever"),
    ("I fell down the stairs last night, nothing serious I think, but now both my legs are numb",
     "bilateral_leg_symptoms"),
])
def test_a_reassurance_before_a_but_never_reaches_the_sign_after_it(text: str, sign: str) -> None:
    """"Not mine" cues once reached the whole sentence: "just my back but both my legs are tingly" was missed."""
    assert signs(text).get(sign) is True


@pytest.mark.parametrize("text", ["my mum had cancer but not me", "my dad had bowel cancer, it runs in the family"])
def test_a_cue_that_opens_the_next_part_still_counts(text: str) -> None:
    assert signs(text).get("cancer_history") is False


def test_a_small_fall_is_not_a_serious_accident_wherever_the_client_says_so() -> None:
    said = "Yes, I slipped on the ice yesterday and landed on my bottom. Nothing serious, just sore."
    assert signs(said).get("major_trauma") is not True
    assert signs("I came off my motorbike at 60 mph, nothing serious I hope").get("major_trauma") is True
    assert signs("came off my bike at the lights, nothing serious").get("major_trauma") is False
    assert signs("I came off my motorbike at 60 mph").get("major_trauma") is True


@pytest.mark.parametrize("text,sign", [
    ("Pain is sharp. Also I cannot feel when I need toilet, this is new.", "bladder_bowel"),
    ("I can no longer tell when I need to go to the toilet.", "bladder_bowel"),
    ("my wife found the bed soaked this morning and i never even woke up", "bladder_bowel"),
    ("My foot is falling down when I walk, I cannot hold it up.", "leg_weakness"),
    ("the bit between ma legs has gone aw numb since yesterday", "saddle_numbness"),
    ("zero sensation during sex now, i just cant feel it", "sexual_dysfunction"),
])
def test_kinds_of_wording_the_cold_set_showed(text: str, sign: str) -> None:
    """Articles left out, "no longer", a partner who noticed, a foot that falls, Scots, "zero sensation"."""
    assert signs(text).get(sign) is True


@pytest.mark.parametrize("text,sign", [
    ("My foot is falling down when I walk", "major_trauma"),
    ("the bit between ma legs has gone numb", "bilateral_leg_symptoms"),
    ("had an accident in my pants on the bus", "major_trauma"),
    ("It started by itself.", "bladder_bowel"),
    ("had glandular fever at uni, thats about it", "fever"),
    ("I don't take any medicines that affect my immune system.", "immunosuppression"),
    ("turning over in bed wakes me up, then I settle again", "night_pain"),
])
def test_look_alikes_the_cold_set_showed(text: str, sign: str) -> None:
    assert signs(text).get(sign) is not True


def test_sweating_with_chest_pain_is_the_chest_pains_not_a_fever() -> None:
    from bot.entities import resolve_entities

    def live(text: str) -> set[str]:
        return {e["value"] for e in resolve_entities(text, [], default_matcher(), "test")
                if e["entity"] == "red_flag" and e.get("role") is None}

    assert live("feels like theres a weight on my chest and im all sweaty") == {"chest_pain"}
    assert live("im sweaty and shivery") == {"fever"}


def doubts(text: str) -> dict[str, bool]:
    """Each reported warning sign: True when it is to be asked about, False when it is certain."""
    return {m.value: m.uncertain for m in default_matcher().find(text) if m.entity == "red_flag" and not m.negated}


@pytest.mark.parametrize("text,sign", [
    ("it goes tingly in my bum and down the back of my left thigh", "saddle_numbness"),
    ("no, my bum goes numb from the hard chairs at uni but its fine the second i stand up", "saddle_numbness"),
    ("numb bum after a three hour bike ride, back to normal by dinner", "saddle_numbness"),
    ("my feet go numb if i sit on the toilet too long, gone in a minute when i get up", "bilateral_leg_symptoms"),
])
def test_near_a_sign_without_being_sure_is_asked_about(text: str, sign: str) -> None:
    assert doubts(text).get(sign) is True


@pytest.mark.parametrize("text,sign", [
    ("my bum is numb", "saddle_numbness"),
    ("tingling round my bum and genitals", "saddle_numbness"),
    ("my bum has gone numb and i cant feel the toilet paper when i wipe", "saddle_numbness"),
    ("both my legs go numb", "bilateral_leg_symptoms"),
    ("i cant feel my bum or my privates", "saddle_numbness"),
])
def test_a_place_only_the_sign_has_makes_it_certain(text: str, sign: str) -> None:
    assert doubts(text).get(sign) is False


@pytest.mark.parametrize("text,sign", [
    ("my left calf is swollen and hot and really sore", "clot_signs"),
    ("the doctor thinks it might be a DVT", "clot_signs"),
    ("im 30 weeks pregnant and ive had some bleeding this morning", "pregnancy_warning_signs"),
    ("my waters broke an hour ago and my back is killing me", "pregnancy_warning_signs"),
    ("im pregnant and my bump keeps going tight every few minutes", "pregnancy_warning_signs"),
])
def test_the_signs_of_a_clot_and_of_trouble_in_pregnancy(text: str, sign: str) -> None:
    assert signs(text).get(sign) is True


@pytest.mark.parametrize("text,sign", [
    ("I'm 20 weeks pregnant and my lower back aches when I stand", "pregnancy_warning_signs"),
    ("when i was pregnant i had bad back pain", "pregnancy_warning_signs"),
    ("my calf is tight after running", "clot_signs"),
    ("both calves ache after the run", "clot_signs"),
    ("my mum had a blood clot", "clot_signs"),
])
def test_pregnancy_itself_and_a_sore_calf_are_not_those_signs(text: str, sign: str) -> None:
    assert signs(text).get(sign) is not True


@pytest.mark.parametrize("text,sign", [
    ("im 34 wks and getting tightenings every 10 mins with the back pain", "pregnancy_warning_signs"),
    ("pregnant and feverish and shivery, my back hurts", "pregnancy_warning_signs"),
    ("preggo and it stings when i pee, plus lower back ache", "pregnancy_warning_signs"),
    ("28 weeks along, it burns when i wee", "pregnancy_warning_signs"),
    ("my heart area hurts and im all sweaty, back too", "chest_pain"),
    ("left leg just gave way under me going down the stairs", "leg_weakness"),
    ("It started in my right leg, but now my left leg tingles as well.", "bilateral_leg_symptoms"),
    ("i dont get the urge to wee at all anymore, i just go by the clock", "bladder_bowel"),
])
def test_kinds_of_wording_the_late_set_showed(text: str, sign: str) -> None:
    assert signs(text).get(sign) is True


@pytest.mark.parametrize("text,sign", [
    ("left leg just gave way under me going down the stairs", "major_trauma"),
    ("my left leg hurts too", "bilateral_leg_symptoms"),
    ("my back is sore when i bend to one side", "structural_change"),
    ("it's a bit worse at night but it goes if I roll onto my side", "night_pain"),
    ("nothing unusual in the bedroom department either, all working", "sexual_dysfunction"),
])
def test_look_alikes_the_late_set_showed(text: str, sign: str) -> None:
    assert signs(text).get(sign) is not True


def test_a_denied_reassurance_is_no_reassurance() -> None:
    assert signs("its worse at night and it never goes if i move").get("night_pain") is True


@pytest.mark.parametrize("text,sign", [
    ("when i sit on the loo i can't feel the loo seat under me", "saddle_numbness"),
    ("the feeling down below is less than usual", "saddle_numbness"),
    ("my right leg is not as strong, it goes floppy", "leg_weakness"),
    ("my left leg feels like it's not mine any more", "leg_weakness"),
    ("a van drove into the back of us at the lights yesterday", "major_trauma"),
    ("36 weeks pregnant and i think i lost my waters this morning", "pregnancy_warning_signs"),
    ("achy and shivery like proper flu since sunday", "fever"),
    ("the pain at night is relentless whatever I do", "night_pain"),
    ("there's a knobbly bit on my spine that has come up recently", "structural_change"),
])
def test_kinds_of_wording_the_winter_set_showed(text: str, sign: str) -> None:
    assert signs(text).get(sign) is True


@pytest.mark.parametrize("text,sign", [
    ("my partner had a blood clot in his calf last year", "clot_signs"),
    ("I work in a care home and look after people who have incontinence", "bladder_bowel"),
    ("booked in for my flu jab on friday", "fever"),
    ("I stumbled on the kerb but caught myself, didn't actually fall", "major_trauma"),
    ("we witnessed a crash on the way to work", "major_trauma"),
])
def test_look_alikes_the_winter_set_showed(text: str, sign: str) -> None:
    assert signs(text).get(sign) is not True
