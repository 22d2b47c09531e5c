"""bot/conversation_signs.py: a warning sign told across two messages."""

from __future__ import annotations

import pytest

from bot.conversation_signs import signs_across_messages


@pytest.mark.parametrize("said", [
    ["I'm 33 weeks pregnant", "none of those", "I've had a bit of bleeding since this afternoon"],
    ["we're expecting in april", "my waters might be leaking, it's wet"],
])
def test_pregnancy_in_one_message_and_its_warning_in_another(said: list[str]) -> None:
    assert signs_across_messages(said) == ["pregnancy_warning_signs"]


@pytest.mark.parametrize("said", [
    ["I'm 28 weeks pregnant", "no bleeding or anything like that"],
    ["my back hurts", "a bit of bleeding from a cut on my hand"],
    ["my sister is pregnant", "she had some bleeding"],
    ["/deny", None, ""],
])
def test_without_both_or_denied_nothing_is_added(said: list) -> None:
    assert signs_across_messages(said) == []
