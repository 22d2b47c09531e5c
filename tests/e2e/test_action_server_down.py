"""The action server down or frozen: a kind notice with the safety advice, never silence; then it resumes."""

from __future__ import annotations

import os
import signal
import time

from tests.e2e.conftest import Servers
from tests.e2e.helpers import screened, texts

NOTICE_WITHIN_S = 5


def timed_say(servers: Servers, sender: str, text: str) -> tuple[str, float]:
    started = time.monotonic()
    replies = servers.say(sender, text)
    return texts(replies), time.monotonic() - started


def assert_notice(reply: str, elapsed: float) -> None:
    assert "briefly unavailable" in reply, reply
    assert "911" in reply and "bladder" in reply, "the notice carries the emergency signs and number"
    assert elapsed < NOTICE_WITHIN_S, f"the notice took {elapsed:.1f}s"


def test_action_server_down_gets_a_notice_and_the_conversation_resumes(servers: Servers) -> None:
    sender = screened(servers)
    servers.stop(servers.actions)
    try:
        assert_notice(*timed_say(servers, sender, "no none of those"))
    finally:
        servers.start_actions()
    # Nothing was lost: the same answer now moves the assessment on to the next question
    # (the opening told where it hurts and what makes it worse, not how it feels).
    after, _ = timed_say(servers, sender, "no none of those")
    assert "How does it feel?" in after, after


def test_frozen_action_server_gets_a_notice_in_time(servers: Servers) -> None:
    sender = screened(servers)
    assert servers.actions is not None
    os.killpg(servers.actions.pid, signal.SIGSTOP)
    try:
        assert_notice(*timed_say(servers, sender, "no none of those"))
    finally:
        os.killpg(servers.actions.pid, signal.SIGCONT)
    after, _ = timed_say(servers, sender, "no none of those")
    assert "How does it feel?" in after, after
