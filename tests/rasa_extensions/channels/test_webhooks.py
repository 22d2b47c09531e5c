"""Every messaging webhook refuses a call that failed authentication with 403, before anything reads it.

This module also holds what the channel tests share: the channels served by a real
Sanic app on loopback and mounted as Rasa's server mounts them; a stand-in for
Rasa's agent that records each message; and a stand-in for the platforms' APIs,
which cannot be reached from here. The connectors are pointed at it through their
``*_API_URL`` settings.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, NamedTuple

import pytest
from rasa.core.channels.channel import InputChannel, UserMessage, register
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from sanic import Sanic

from rasa_extensions.channels.facebook import ClinicFacebookInput
from rasa_extensions.channels.slack import ClinicSlackInput
from rasa_extensions.channels.telegram import ClinicTelegramInput
from rasa_extensions.channels.twilio import ClinicTwilioInput, ClinicTwilioWhatsAppInput
from rasa_extensions.channels.webhooks import refused
from tests.json_api import JsonApi

API_URL_SETTINGS = ("TELEGRAM_API_URL", "FACEBOOK_GRAPH_URL", "TWILIO_API_URL", "SLACK_API_URL")
TELEGRAM_TOKEN = "123456:clinic-test-token"
TELEGRAM_BOT_USERNAME = "clinic_test_bot"


# --- Shared by the channel tests ------------------------------------------------------------


class Assistant:
    """Rasa's agent as the channels meet it (``app.ctx.agent``): it records each message and answers it.

    Replies go out through the message's output channel with ``send_response``, as
    Rasa's processor sends them; ``fails`` is raised after the replies, as a crashing
    action server or a lost database would.
    """

    def __init__(self, *replies: dict[str, Any], fails: BaseException | None = None) -> None:
        self.replies = replies
        self.fails = fails
        self.received: list[UserMessage] = []
        self.tracker_store = InMemoryTrackerStore(Domain.empty())

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append(message)
        for reply in self.replies:
            await message.output_channel.send_response(message.sender_id, dict(reply))
        if self.fails is not None:
            raise self.fails

    @property
    def texts(self) -> list[str | None]:
        return [message.text for message in self.received]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(assistant: Assistant, *channels: InputChannel) -> Iterator[str]:
    """The channels in a real Sanic app on a free loopback port, mounted by Rasa's ``register``; yields its URL.

    The app runs in a thread of its own, so a test calls it with plain blocking HTTP.
    """
    # As sanic-testing does: without it Sanic cannot start a second app in one process
    # (its start-up rewrites the protocol's methods from their source, once only).
    Sanic.test_mode = True
    app = Sanic(f"channels_{uuid.uuid4().hex}", configure_logging=False)
    app.ctx.agent = assistant
    register(list(channels), app, route="/webhooks/")  # builds the blueprints, as the server does at start-up
    port = free_port()
    loop = asyncio.new_event_loop()

    async def start() -> Any:
        server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True,
                                         access_log=False)
        await server.startup()
        await server.before_start()
        await server.after_start()
        return server

    async def stop(server: Any) -> None:
        await server.before_stop()
        closing = server.close()
        if closing is not None:
            await closing
        await server.after_stop()
        for task in asyncio.all_tasks() - {asyncio.current_task()}:  # socket.io's pings, Slack's handlers
            task.cancel()

    server = loop.run_until_complete(start())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        asyncio.run_coroutine_threadsafe(stop(server), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


class Answer(NamedTuple):
    status: int
    text: str
    headers: Mapping[str, str]


def call(url: str, body: bytes | None = None, headers: Mapping[str, str] | None = None,
         method: str | None = None) -> Answer:
    """One HTTP request, answered whatever its status."""
    request = urllib.request.Request(url, data=body, headers=dict(headers or {}), method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return Answer(answer.status, answer.read().decode(), answer.headers)
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read().decode(), error.headers)


def eventually(condition: Callable[[], bool], timeout_s: float = 20.0) -> None:
    """Wait for what a channel does in the background (Slack answers first and handles afterwards)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


@dataclass
class Call:
    path: str
    fields: dict[str, Any]


class FakePlatform:
    """The four platforms' APIs on loopback: every call is recorded and answered as the platform documents."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.api = JsonApi(self._record_and_answer)
        self.url = self.api.url

    def _record_and_answer(self, path: str, fields: dict[str, Any], _: dict[str, str]) -> tuple[int, dict[str, Any]]:
        self.calls.append(Call(path, fields))
        return self.answer(path, fields)

    @staticmethod
    def answer(path: str, fields: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        method = path.rsplit("/", 1)[-1]
        if path.startswith("/bot"):  # Telegram: /bot<token>/<method>
            if method == "getMe":
                return 200, {"ok": True, "result": {"id": 42, "is_bot": True, "first_name": "Clinic",
                                                    "username": TELEGRAM_BOT_USERNAME}}
            if method == "sendMessage":
                return 200, {"ok": True, "result": {"message_id": 1, "date": int(time.time()),
                                                    "text": fields.get("text", ""),
                                                    "chat": {"id": int(fields["chat_id"]), "type": "private"}}}
            return 200, {"ok": True, "result": True}
        if method == "Messages.json":  # Twilio: /2010-04-01/Accounts/<sid>/Messages.json
            return 201, {"sid": "SM" + "0" * 32, "body": fields.get("Body"), "to": fields.get("To"),
                         "from": fields.get("From"), "status": "queued"}
        return 200, {"ok": True, "recipient_id": "1", "message_id": "mid.1"}  # Graph API and Slack

    def sent(self, method: str) -> list[Call]:
        """The calls to one API method (the last part of the path: sendMessage, messages, Messages.json ...)."""
        return [call for call in self.calls if call.path.rsplit("/", 1)[-1] == method]

    def close(self) -> None:
        self.api.close()


@contextmanager
def platform_apis(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakePlatform]:
    """A fake platform with every connector's ``*_API_URL`` pointed at it (with a trailing slash, as people write)."""
    fake = FakePlatform()
    for setting in API_URL_SETTINGS:
        monkeypatch.setenv(setting, fake.url + "/")
    try:
        yield fake
    finally:
        fake.close()


# --- What every webhook shares ---------------------------------------------------------------


def test_a_refusal_is_a_bare_403_with_the_reason_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="rasa_extensions.channels.webhooks"):
        answer = refused("Slack signature missing")
    assert answer.status == HTTPStatus.FORBIDDEN
    assert answer.body == b"forbidden"
    assert [record.getMessage() for record in caplog.records] == [
        "Refused a webhook call: Slack signature missing."]


def unauthenticated_calls() -> list[tuple[str, InputChannel, bytes, str]]:
    """(webhook, channel, body, content type) for one well-formed message per platform, sent without credentials."""
    telegram = ClinicTelegramInput.from_credentials({
        "access_token": TELEGRAM_TOKEN, "verify": TELEGRAM_BOT_USERNAME,
        "webhook_url": "https://clinic.example/webhooks/telegram/webhook", "secret_token": "telegram-secret"})
    facebook = ClinicFacebookInput.from_credentials({"verify": "v", "secret": "meta-secret",
                                                     "page-access-token": "page-token"})
    twilio = {"account_sid": "AC" + "1" * 32, "auth_token": "twilio-token", "twilio_number": "+15550001111"}
    slack = ClinicSlackInput.from_credentials({"slack_token": "xoxb-test", "slack_signing_secret": "slack-secret"})
    form = b"From=%2B15550002222&Body=hello"
    return [
        ("telegram", telegram, json.dumps({"update_id": 1, "message": {
            "message_id": 1, "date": 1, "text": "hello", "chat": {"id": 7, "type": "private"}}}).encode(),
         "application/json"),
        ("facebook", facebook, json.dumps({"object": "page", "entry": [{"id": "1", "time": 1, "messaging": [
            {"sender": {"id": "7"}, "recipient": {"id": "1"}, "message": {"mid": "m", "text": "hello"}}]}]}).encode(),
         "application/json"),
        ("twilio", ClinicTwilioInput.from_credentials(twilio), form, "application/x-www-form-urlencoded"),
        ("twilio_whatsapp", ClinicTwilioWhatsAppInput.from_credentials(twilio), form,
         "application/x-www-form-urlencoded"),
        ("slack", slack, json.dumps({"event": {"type": "message", "text": "hello", "user": "U7", "channel": "D7",
                                               "channel_type": "im"}}).encode(), "application/json"),
    ]


def test_every_messaging_webhook_refuses_a_call_without_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same 403 everywhere (Rasa answers Slack's with 400, Messenger's with 200 and Twilio's not at all)."""
    with platform_apis(monkeypatch) as fake:
        calls = unauthenticated_calls()
        assistant = Assistant({"text": "hi"})
        with serving(assistant, *[channel for _, channel, _, _ in calls]) as url:
            for name, _, body, content_type in calls:
                answer = call(f"{url}/webhooks/{name}/webhook", body, {"Content-Type": content_type})
                assert (name, answer.status, answer.text) == (name, 403, "forbidden")
        assert assistant.received == []
        assert [c.path.rsplit("/", 1)[-1] for c in fake.calls] == ["setWebhook"]  # only Telegram's start-up


def test_every_messaging_webhook_still_answers_its_health_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks guard the messages; a load balancer's GET needs no credentials."""
    with platform_apis(monkeypatch):
        calls = unauthenticated_calls()
        with serving(Assistant(), *[channel for _, channel, _, _ in calls]) as url:
            for name, _, _, _ in calls:
                answer = call(f"{url}/webhooks/{name}/")
                assert (name, answer.status, json.loads(answer.text)) == (name, 200, {"status": "ok"})
