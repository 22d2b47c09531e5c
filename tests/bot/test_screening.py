"""The safety check is cleared by the client's own words, never by a guess."""

from pathlib import Path

import pytest

from bot.knowledge import KnowledgeError
from bot.screening import all_clear_words, says_none_apply


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
        all_clear_words.__wrapped__(path)
