"""The website's channels: only the clinic's pages may talk, REST bodies are checked, payloads reach socket.io."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import socketio

from bot.questions import reply
from rasa_extensions.channels.web import MAX_SENDER_LENGTH, NeverSilentRestInput, NeverSilentSocketIOInput
from tests.rasa_extensions.channels.test_webhooks import Answer, Assistant, call, serving

CLINIC_PAGE = "https://clinic.example"
FOREIGN_PAGE = "https://evil.example"
ASSESSMENT = {"assessment": {"level": "routine", "summary": "Lower back, 3 weeks"}}


def rest_message(url: str, body: Any, origin: str | None = None, raw: bytes | None = None) -> Answer:
    headers = {"Content-Type": "application/json"}
    if origin:
        headers["Origin"] = origin
    return call(f"{url}/webhooks/rest/webhook", raw if raw is not None else json.dumps(body).encode(), headers)


def test_a_rest_message_is_answered_with_the_replies(monkeypatch: pytest.MonkeyPatch) -> None:
    """The body may not name another channel: a REST client is a REST client."""
    monkeypatch.setenv("CORS_ORIGINS", CLINIC_PAGE)
    assistant = Assistant({"text": "Hello!"}, {"custom": ASSESSMENT})
    with serving(assistant, NeverSilentRestInput()) as url:
        answer = rest_message(url, {"sender": "client-1", "message": "hi", "input_channel": "facebook",
                                    "metadata": {"page": "/booking"}}, origin=CLINIC_PAGE)
    assert answer.status == 200
    assert json.loads(answer.text) == [{"recipient_id": "client-1", "text": "Hello!"},
                                       {"recipient_id": "client-1", "custom": ASSESSMENT}]
    [message] = assistant.received
    assert (message.sender_id, message.text, message.input_channel, message.metadata) == (
        "client-1", "hi", "rest", {"page": "/booking"})


@pytest.mark.parametrize(("body", "raw", "complaint"), [
    (None, b"{not json", "The body is not valid JSON."),
    (["client-1", "hi"], None, 'Send a JSON object: {"sender"'),
    ({"message": "hi"}, None, '"sender" must be text of 1 to 256 characters.'),
    ({"sender": "   ", "message": "hi"}, None, '"sender" must be text'),
    ({"sender": 42, "message": "hi"}, None, '"sender" must be text'),
    ({"sender": "x" * (MAX_SENDER_LENGTH + 1), "message": "hi"}, None, '"sender" must be text'),
    ({"sender": "client-1", "message": 7}, None, '"message" must be text.'),
    ({"sender": "client-1", "message": {"text": "hi"}}, None, '"message" must be text.'),
    ({"sender": "client-1", "message": "hi", "metadata": "page=1"}, None, '"metadata" must be a JSON object.'),
])
def test_a_malformed_rest_body_gets_a_400_saying_what_is_wrong(body: Any, raw: bytes | None, complaint: str) -> None:
    """Rasa would take a missing sender as the shared conversation "default" and crash on a non-text message."""
    assistant = Assistant({"text": "Hello!"})
    with serving(assistant, NeverSilentRestInput()) as url:
        answer = rest_message(url, body, raw=raw)
    assert answer.status == 400
    assert complaint in json.loads(answer.text)["error"]
    assert assistant.received == []


@pytest.mark.parametrize("body", [
    {"sender": "x" * MAX_SENDER_LENGTH, "message": "hi"}, {"sender": "client-1"},
    {"sender": "client-1", "message": None, "metadata": None}])
def test_a_rest_body_within_the_rules_passes(body: dict[str, Any]) -> None:
    assistant = Assistant({"text": "Hello!"})
    with serving(assistant, NeverSilentRestInput()) as url:
        assert rest_message(url, body).status == 200
    assert len(assistant.received) == 1


@pytest.mark.parametrize(("setting", "origin", "allowed"), [
    (None, "http://localhost:8080", True),
    (None, "http://localhost:8081", False),
    (f"{CLINIC_PAGE} https://www.clinic.example", "https://www.clinic.example", True),
    (f"{CLINIC_PAGE},https://www.clinic.example", CLINIC_PAGE, True),
    (CLINIC_PAGE, FOREIGN_PAGE, False),
    (CLINIC_PAGE, "http://clinic.example", False),
    (CLINIC_PAGE, None, True),  # servers, apps and curl send no Origin: they are not browsers
    ("*", FOREIGN_PAGE, True),
])
def test_rest_messages_from_pages_not_in_cors_origins_are_refused_unread(
        monkeypatch: pytest.MonkeyPatch, setting: str | None, origin: str | None, allowed: bool) -> None:
    if setting is None:
        monkeypatch.delenv("CORS_ORIGINS", raising=False)
    else:
        monkeypatch.setenv("CORS_ORIGINS", setting)
    assistant = Assistant({"text": "Hello!"})
    with serving(assistant, NeverSilentRestInput()) as url:
        answer = rest_message(url, {"sender": "client-1", "message": "hi"}, origin=origin)
        health = call(f"{url}/webhooks/rest/", headers={"Origin": origin} if origin else {})
    if allowed:
        assert (answer.status, health.status, len(assistant.received)) == (200, 200, 1)
    else:
        assert answer.status == 403 and health.status == 403
        assert json.loads(answer.text) == {"error": "This origin may not use the assistant."}
        assert assistant.received == []


def test_a_foreign_page_is_refused_even_with_a_malformed_body(monkeypatch: pytest.MonkeyPatch) -> None:
    """The origin is checked first: a foreign page learns nothing about what the webhook expects."""
    monkeypatch.setenv("CORS_ORIGINS", CLINIC_PAGE)
    with serving(Assistant(), NeverSilentRestInput()) as url:
        assert rest_message(url, None, origin=FOREIGN_PAGE, raw=b"{not json").status == 403


@pytest.mark.parametrize("fails", [None, RuntimeError("action server down"), TimeoutError()])
def test_a_rest_message_that_gets_no_reply_gets_the_briefly_unavailable_notice(fails: BaseException | None) -> None:
    with serving(Assistant(fails=fails), NeverSilentRestInput()) as url:
        answer = rest_message(url, {"sender": "client-1", "message": "hi"})
    assert answer.status == 200
    assert json.loads(answer.text) == [{"recipient_id": "client-1", "text": reply("actions_unavailable")}]


# socket.io, polling only: the Rasa environment pins an aiohttp too old for the client's websocket transport.


def socketio_channel() -> NeverSilentSocketIOInput:
    return NeverSilentSocketIOInput(user_message_evt="user_uttered", bot_message_evt="bot_uttered",
                                    session_persistence=False)


def handshake(url: str, origin: str) -> Answer:
    return call(f"{url}/socket.io/?EIO=4&transport=polling", headers={"Origin": origin})


def say(url: str, text: str, expected: int) -> list[Any]:
    """Send ``text`` as a web page does; what the page receives, once ``expected`` items arrived."""
    received: list[Any] = []
    client = socketio.Client(reconnection=False)
    client.on("bot_uttered", received.append)
    client.connect(url, headers={"Origin": CLINIC_PAGE}, transports=["polling"])
    try:
        client.emit("user_uttered", {"message": text})
        deadline = time.monotonic() + 5
        while len(received) < expected and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        client.disconnect()
    return received


def test_socketio_delivers_the_assessment_as_data_and_never_leaves_a_page_silent(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Rasa 3.6 passes a custom payload as keyword arguments, which python-socketio rejects."""
    monkeypatch.setenv("CORS_ORIGINS", CLINIC_PAGE)

    class Page(Assistant):
        async def handle_message(self, message: Any) -> None:
            self.received.append(message)
            if message.text == "my result":
                await message.output_channel.send_response(message.sender_id, {"text": "Here it is."})
                await message.output_channel.send_response(message.sender_id, {"custom": dict(ASSESSMENT)})

    page = Page()
    with serving(page, socketio_channel()) as url:
        result = say(url, "my result", expected=2)
        silence = say(url, "hello", expected=1)
    assert result == [{"text": "Here it is."}, ASSESSMENT]
    assert silence == [{"text": reply("actions_unavailable")}]
    assert [m.input_channel for m in page.received] == ["socketio", "socketio"]


@pytest.mark.parametrize(("setting", "origin", "status"), [
    (CLINIC_PAGE, CLINIC_PAGE, 200), (CLINIC_PAGE, FOREIGN_PAGE, 400),
    (f"{CLINIC_PAGE} https://www.clinic.example", "https://www.clinic.example", 200), ("*", FOREIGN_PAGE, 200)])
def test_socketio_connections_from_pages_not_in_cors_origins_are_refused(
        monkeypatch: pytest.MonkeyPatch, setting: str, origin: str, status: int) -> None:
    monkeypatch.setenv("CORS_ORIGINS", setting)
    with serving(Assistant(), socketio_channel()) as url:
        answer = handshake(url, origin)
    assert answer.status == status
    # Rasa's CORS layer adds the header in the server; a second copy from Engine.IO would break browsers.
    assert answer.headers.get("Access-Control-Allow-Origin") is None
