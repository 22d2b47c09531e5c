"""The website's channel: socket.io with session persistence, against the running servers."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import socketio

from tests.e2e.conftest import Servers

REPLY_WAIT_S = 30


class Visitor:
    """A web page's socket.io connection, holding on to one session id as the widget does."""

    def __init__(self, servers: Servers, session_id: str | None = None):
        self.session_id = session_id or uuid.uuid4().hex
        self.received: list[Any] = []
        self.confirmed = threading.Event()
        # Polling only: the Rasa environment pins an aiohttp too old for the websocket transport.
        self.client = socketio.Client(reconnection=False)
        self.client.on("bot_uttered", self.received.append)
        self.client.on("session_confirm", lambda *_: self.confirmed.set())
        self.client.connect(f"http://localhost:{servers.rasa_port}", transports=["polling"])
        self.client.emit("session_request", {"session_id": self.session_id})
        assert self.confirmed.wait(REPLY_WAIT_S), "no session_confirm"

    def say(self, text: str, until: str | None = None) -> list[Any]:
        """Send ``text``; return what arrives until a text containing ``until`` (or a quiet second)."""
        start = len(self.received)
        self.client.emit("user_uttered", {"message": text, "session_id": self.session_id})
        deadline = time.monotonic() + REPLY_WAIT_S
        quiet_since = None
        while time.monotonic() < deadline:
            new = self.received[start:]
            if until and any(until in (item.get("text") or "") for item in new if isinstance(item, dict)):
                time.sleep(1)  # a custom payload may follow the text
                return self.received[start:]
            if not until and new:
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since > 1.5:
                    return new
            time.sleep(0.1)
        raise AssertionError(f"no reply to {text!r} (got {self.received[start:]})")

    def close(self) -> None:
        self.client.disconnect()


def text_of(items: list[Any]) -> str:
    return "\n".join(item.get("text", "") for item in items if isinstance(item, dict))


def test_full_assessment_over_socketio_delivers_the_assessment_payload(servers: Servers) -> None:
    visitor = Visitor(servers)
    try:
        assert "not a diagnosis" in text_of(visitor.say("hello, my buttock aches and tingles on long drives",
                                                        until="diagnosis"))
        assert "bladder" in text_of(visitor.say("yes", until="bladder"))
        visitor.say("no, none of them", until="10")
        visitor.say("6", until="How long")
        visitor.say("about two months", until="swelling")
        visitor.say("no", until="treatment for this pain")
        visitor.say("had a couple of massages, about the same", until="for your therapist")
        replies = visitor.say("none of these", until="Here is your summary")
        payloads = [item["assessment"] for item in replies if isinstance(item, dict) and "assessment" in item]
        assert payloads, replies
        assert payloads[0]["culprits"][0]["muscle"] == "piriformis"
        assert payloads[0]["pain_score"] == 6
        assert payloads[0]["previous_treatment"] == {"sessions": 2, "change": "no_change"}
        # The widget draws the card; the result is not repeated as text.
        assert "likely contributors" not in text_of(replies)
    finally:
        visitor.close()


def test_returning_visitor_keeps_the_conversation(servers: Servers) -> None:
    first = Visitor(servers)
    try:
        first.say("hi my lower back hurts on the left", until="diagnosis")
        first.say("yes", until="bladder")
    finally:
        first.close()
    # The page reloads: a new connection with the same session id carries on where it was.
    again = Visitor(servers, session_id=first.session_id)
    try:
        assert "What were you doing" in text_of(again.say("none of those", until="What were you doing"))
    finally:
        again.close()
