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
