"""Next steps for one result: the level decides, then muscles and conditions narrow it down."""

from dataclasses import replace

import pytest

from bot.knowledge import MUSCLE_LEVELS, SUGGESTION_CONDITIONS, TRIAGE_LEVELS, Knowledge, Suggestion
from bot.suggestions import choose_suggestions

# A made-up list, so the rules are tested apart from what the shipped file happens to hold.
MADE_UP = (
    Suggestion("anyone", MUSCLE_LEVELS, "text anyone"),
    Suggestion("massage_only", ("massage_ok",), "text massage_only"),
    Suggestion("for_hamstrings", ("massage_ok",), "text for_hamstrings", muscles=("hamstrings", "piriformis")),
    Suggestion("when_no_change", MUSCLE_LEVELS, "text when_no_change", when="no_change_after_two_sessions"),
    Suggestion("both_needed", MUSCLE_LEVELS, "text both_needed", muscles=("hamstrings",),
               when="no_change_after_two_sessions"),
)


@pytest.fixture(scope="module")
def made_up(knowledge: Knowledge) -> Knowledge:
    return replace(knowledge, suggestions=MADE_UP)


def ids(chosen: list[dict[str, str]]) -> list[str]:
    return [item["id"] for item in chosen]


@pytest.mark.parametrize("level,muscles,conditions,expected", [
    ("massage_ok", [], [], ["anyone", "massage_only"]),
    ("see_doctor_first", [], [], ["anyone"]),
    ("massage_ok", ["piriformis"], [], ["anyone", "massage_only", "for_hamstrings"]),
    ("see_doctor_first", ["hamstrings"], [], ["anyone"]),
    ("massage_ok", ["quadratus_lumborum"], [], ["anyone", "massage_only"]),
    ("see_doctor_first", [], ["no_change_after_two_sessions"], ["anyone", "when_no_change"]),
    ("massage_ok", ["piriformis"], ["no_change_after_two_sessions"],
     ["anyone", "massage_only", "for_hamstrings", "when_no_change"]),
    ("massage_ok", ["hamstrings"], ["no_change_after_two_sessions"],
     ["anyone", "massage_only", "for_hamstrings", "when_no_change", "both_needed"]),
    ("see_doctor_first", ["hamstrings"], ["no_change_after_two_sessions"], ["anyone", "when_no_change", "both_needed"]),
    ("massage_ok", [], ["some_other_condition"], ["anyone", "massage_only"]),
    ("emergency", ["hamstrings"], ["no_change_after_two_sessions"], []),
    ("urgent", ["hamstrings"], ["no_change_after_two_sessions"], []),
])
def test_level_then_muscles_then_conditions(made_up: Knowledge, level: str, muscles: list[str],
                                            conditions: list[str], expected: list[str]) -> None:
    assert ids(choose_suggestions(level, muscles, made_up, conditions)) == expected


def test_each_suggestion_is_its_id_and_its_text(made_up: Knowledge) -> None:
    chosen = choose_suggestions("massage_ok", ["hamstrings"], made_up, ["no_change_after_two_sessions"])
    texts = {suggestion.id: suggestion.text for suggestion in MADE_UP}
    assert chosen == [{"id": item["id"], "text": texts[item["id"]]} for item in chosen]
    assert len(chosen) == len(MADE_UP)


def test_muscles_and_conditions_may_be_any_iterable(made_up: Knowledge) -> None:
    """Callers pass generators; each is read only once."""
    from_lists = choose_suggestions("massage_ok", ["hamstrings"], made_up, ["no_change_after_two_sessions"])
    from_generators = choose_suggestions("massage_ok", (m for m in ["hamstrings"]), made_up,
                                         (c for c in ["no_change_after_two_sessions"]))
    assert from_generators == from_lists


@pytest.mark.parametrize("level", TRIAGE_LEVELS)
def test_shipped_suggestions_with_everything_reported(knowledge: Knowledge, level: str) -> None:
    """With every muscle and condition, a level gets exactly the suggestions that name it, in file order."""
    chosen = choose_suggestions(level, knowledge.muscles, knowledge, SUGGESTION_CONDITIONS)
    assert ids(chosen) == [s.id for s in knowledge.suggestions if level in s.levels]


@pytest.mark.parametrize("level", MUSCLE_LEVELS)
def test_shipped_suggestions_without_muscles_or_conditions(knowledge: Knowledge, level: str) -> None:
    chosen = ids(choose_suggestions(level, [], knowledge))
    assert chosen, "every result below the red-flag levels has some next step"
    by_id = {s.id: s for s in knowledge.suggestions}
    for suggestion_id in chosen:
        assert not by_id[suggestion_id].muscles and by_id[suggestion_id].when is None
