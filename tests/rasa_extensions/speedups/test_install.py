"""The one switch for every patch: Rasa's version checked, RASA_SPEEDUPS=off honoured, safe twice, one line each."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
import rasa
import rasa.core.actions.action as rasa_actions
from rasa.shared.core.domain import Domain

from rasa_extensions import speedups
from rasa_extensions.speedups import incremental_states


@pytest.fixture(autouse=True)
def as_shipped(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts from Rasa as shipped, switch on; what was installed before is installed again afterwards."""
    monkeypatch.setenv("RASA_SPEEDUPS", "on")
    before = speedups.installed()
    speedups.uninstall()
    speedups._said.clear()
    yield
    speedups.uninstall()
    monkeypatch.undo()  # the environment and Rasa's version as they were, before installing again
    if before:
        speedups.install()


def test_everything_is_applied_once_with_a_line_each(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="rasa_extensions.speedups"):
        assert speedups.install() == list(speedups.MODULES)
        assert speedups.install() == []
    assert speedups.installed() == list(speedups.MODULES)
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == len(speedups.MODULES)
    assert all(any(name in line for line in lines) for name in speedups.MODULES)
    assert Domain.states_for_tracker_history is incremental_states.states_for_tracker_history


def test_off_leaves_rasa_as_shipped(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    shipped = Domain.__dict__["states_for_tracker_history"]
    monkeypatch.setenv("RASA_SPEEDUPS", "off")
    with caplog.at_level(logging.INFO, logger="rasa_extensions.speedups"):
        assert speedups.install() == []
        assert speedups.install() == []
    assert speedups.installed() == []
    assert Domain.__dict__["states_for_tracker_history"] is shipped
    assert rasa_actions.DEFAULT_REQUEST_TIMEOUT == 300
    assert [record.getMessage() for record in caplog.records] == [
        "Rasa speedups are off (RASA_SPEEDUPS=off): Rasa runs as shipped."]


def test_another_rasa_version_is_not_patched(monkeypatch: pytest.MonkeyPatch,
                                             caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    with caplog.at_level(logging.INFO, logger="rasa_extensions.speedups"):
        assert speedups.install() == []
        assert speedups.install() == []
    assert speedups.installed() == []
    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 1 and "3.7.0" in warnings[0].getMessage()


def test_uninstall_puts_back_what_rasa_had(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACTION_TIMEOUT_S", "2.5")
    shipped = {name: dict(vars(owner)) for name, owner in
               [("domain", Domain), ("actions", rasa_actions)]}
    speedups.install()
    assert rasa_actions.DEFAULT_REQUEST_TIMEOUT == 2.5
    speedups.uninstall()
    assert speedups.installed() == []
    assert vars(Domain)["states_for_tracker_history"] is shipped["domain"]["states_for_tracker_history"]
    assert rasa_actions.DEFAULT_REQUEST_TIMEOUT == 300
