"""The safety check is cleared by the client's own words, never by a guess."""

from pathlib import Path

import pytest

from bot.knowledge import KnowledgeError
from bot.screening import (
    CONFIRM,
    GROUP_PREFIX,
    all_clear_words,
    default_screening,
    says_none_apply,
    screening_step,
)


@pytest.mark.parametrize("text", ["no", "None of those.", "nope", "I don't have any of them", "havent had any",
                                  "I didn’t notice anything like that", "nothing", "all fine"])
def test_denials_clear(text: str) -> None:
    assert says_none_apply(text)


@pytest.mark.parametrize("text", [None, "", "null", "%s%s%s", "ok", "yes", "hmm", "😐", "3.14", "snow"])
def test_anything_else_does_not(text: str | None) -> None:
    assert not says_none_apply(text)


def test_a_bare_yaml_no_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "red_flags.yml"
    path.write_text("all_clear_words: [no, none]\n")
    with pytest.raises(KnowledgeError, match="quotes"):
        all_clear_words.__wrapped__(tmp_path)


# --- the screening in groups ----------------------------------------------------------------------

SCREENING = default_screening()
FIRST_GROUP = GROUP_PREFIX + SCREENING.groups[0].id


def test_every_warning_sign_is_in_exactly_one_group(knowledge) -> None:
    members = [member for group in SCREENING.groups for member in group.members]
    assert sorted(members) == sorted(knowledge.red_flags)


def test_a_named_sign_ends_the_screening_whatever_was_asked() -> None:
    for step in (None, CONFIRM, FIRST_GROUP):
        assert screening_step(step, "signs", ("chest_pain",), 0, SCREENING).flags == ("chest_pain",)


def test_a_plain_no_clears_and_a_hedged_one_is_confirmed_once() -> None:
    assert screening_step(None, "clear", (), 0, SCREENING).clear
    hedged = screening_step(None, "hedged", (), 0, SCREENING)
    assert not hedged.done and hedged.next_step == CONFIRM
    assert screening_step(CONFIRM, "hedged", (), 0, SCREENING).clear


@pytest.mark.parametrize("kind", ["yes", "unsure"])
def test_yes_or_not_sure_goes_through_the_groups_and_a_yes_to_one_flags_it(kind: str) -> None:
    assert screening_step(None, kind, (), 0, SCREENING).next_step == FIRST_GROUP
    assert screening_step(FIRST_GROUP, kind, (), 0, SCREENING).groups == (SCREENING.groups[0].id,)


def test_no_to_the_last_group_clears() -> None:
    last = GROUP_PREFIX + SCREENING.groups[-1].id
    assert screening_step(last, "clear", (), 0, SCREENING).clear


def test_a_group_question_not_understood_twice_counts_as_a_yes() -> None:
    assert screening_step(FIRST_GROUP, "unclear", (), 0, SCREENING).next_step == FIRST_GROUP
    assert screening_step(FIRST_GROUP, "unclear", (), 1, SCREENING).groups == (SCREENING.groups[0].id,)


def test_a_group_that_misses_a_sign_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "screening.yml"
    path.write_text("groups:\n  only:\n    level: urgent\n    heading: h\n    ask: a\n    prompt: p\n    reason: r\n"
                    "    members: [fever]\nconfirm: {text: t, prompt: p, buttons: [{title: a, payload: deny}]}\n"
                    "group_buttons: [{title: a, payload: deny}]\n")
    with pytest.raises(KnowledgeError, match="exactly one group"):
        default_screening.__wrapped__(tmp_path)


@pytest.mark.parametrize("kind", ["yes", "unsure"])
def test_a_yes_or_not_sure_to_a_one_group_check_is_that_groups_advice(kind: str) -> None:
    step = screening_step("check:nerve_signs", kind, (), 0, default_screening())
    assert step.groups == ("nerve_signs",)


@pytest.mark.parametrize("kind", ["clear", "hedged"])
def test_a_no_to_a_one_group_check_ends_it_without_the_other_groups(kind: str) -> None:
    """The check asks one group; a no does not walk on to the next group as the by-group screening does."""
    step = screening_step("check:nerve_signs", kind, (), 0, default_screening())
    assert step.clear and step.next_step is None


def test_each_sign_knows_its_group_and_each_step_its_group() -> None:
    screening = default_screening()
    assert screening.group_of("saddle_numbness").id == "nerve_signs"
    assert screening.group_for_step("check:general_health").id == screening.group_for_step("group:general_health").id
