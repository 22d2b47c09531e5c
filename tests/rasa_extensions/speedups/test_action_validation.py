"""The faster action-reply check refuses and accepts exactly what Rasa's own does."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from rasa_extensions.speedups.action_validation import validate_action_result

GOOD: dict[str, Any] = {"events": [{"event": "slot", "name": "pain_score", "value": "5"}],
                        "responses": [{"text": "How long has it been going on?", "buttons": []}]}
BAD: list[dict[str, Any]] = [
    {"events": "not a list", "responses": []},
    {"events": [{"no_event_key": 1}], "responses": []},
    {"events": [{"event": "slot", "name": 42}], "responses": []},
]


def test_rasa_uses_it() -> None:
    assert RemoteAction._validate_action_result is validate_action_result


def test_a_good_reply_passes() -> None:
    assert RemoteAction("action_x", None)._validate_action_result(GOOD) is True


@pytest.mark.parametrize("reply", BAD)
def test_bad_replies_fail_as_with_rasas_own_check(reply: dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError) as ours:
        validate_action_result(RemoteAction("action_x", None), reply)
    with pytest.raises(jsonschema.ValidationError) as rasas:
        jsonschema.validate(reply, RemoteAction.action_response_format_spec())
    assert ours.value.message.startswith(rasas.value.message)
    assert "custom-actions" in ours.value.message
