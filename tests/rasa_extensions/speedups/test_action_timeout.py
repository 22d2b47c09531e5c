"""A hanging action server costs the client ACTION_TIMEOUT_S seconds (default 3), not Rasa's five minutes."""

from __future__ import annotations

import asyncio
import time

import pytest
import rasa.core.actions.action as rasa_actions
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from rasa_extensions.speedups import action_timeout, kept_connections


@pytest.mark.parametrize(("environment", "seconds"), [(None, 3.0), ("", 3.0), ("  ", 3.0), ("1.5", 1.5),
                                                      (" 10 ", 10.0)])
def test_the_patch_carries_the_environments_timeout(monkeypatch: pytest.MonkeyPatch, environment: str | None,
                                                    seconds: float) -> None:
    if environment is None:
        monkeypatch.delenv("ACTION_TIMEOUT_S", raising=False)
    else:
        monkeypatch.setenv("ACTION_TIMEOUT_S", environment)
    patch = action_timeout.patch()
    assert (patch.owner, patch.attribute, patch.replacement) == (rasa_actions, "DEFAULT_REQUEST_TIMEOUT", seconds)
    assert f"after {seconds:g} s instead of 300 s" in patch.why


def test_a_custom_action_gives_up_on_a_silent_action_server_after_the_timeout(
        monkeypatch: pytest.MonkeyPatch) -> None:
    in_place = rasa_actions.DEFAULT_REQUEST_TIMEOUT
    monkeypatch.setenv("ACTION_TIMEOUT_S", "0.3")
    patch = action_timeout.patch()
    patch.apply()
    try:
        elapsed = asyncio.run(call_a_silent_action_server())
    finally:
        patch.undo()
    assert 0.25 <= elapsed < 2
    assert rasa_actions.DEFAULT_REQUEST_TIMEOUT == in_place


async def call_a_silent_action_server() -> float:
    """Run a custom action against a server that accepts the connection and never answers; seconds until it gave up."""
    held: list[asyncio.StreamWriter] = []

    async def accept_and_ignore(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(accept_and_ignore, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    action = RemoteAction("action_ask_pain_score", EndpointConfig(f"http://127.0.0.1:{port}/webhook"))
    started = time.monotonic()
    try:
        with pytest.raises(asyncio.TimeoutError):
            # The outer limit only keeps a broken patch from hanging the suite for five minutes.
            await asyncio.wait_for(action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}),
                                              DialogueStateTracker("client-1", []), Domain.empty()), timeout=5)
        return time.monotonic() - started
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()
        await kept_connections.close_all()
