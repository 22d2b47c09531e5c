"""Slack: the signing secret checked (a refusal is 403, not Rasa's 400), whole replies, never silence."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator

import pytest

from bot.questions import reply
from rasa_extensions.channels.slack import SLACK_MAX_LENGTH, ClinicSlackBot, ClinicSlackInput
from tests.rasa_extensions.channels.test_webhooks import (
    Assistant,
    FakePlatform,
    call,
    eventually,
    platform_apis,
    serving,
)

SIGNING_SECRET = "slack-signing-secret-21"
BOT_TOKEN = "xoxb-clinic-test"
CLIENT, DIRECT_CHANNEL = "U0CLIENT", "D0DIRECT"


@pytest.fixture()
def slack_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakePlatform]:
    with platform_apis(monkeypatch) as fake:
        yield fake


def channel() -> ClinicSlackInput:
    return ClinicSlackInput.from_credentials({"slack_token": BOT_TOKEN, "slack_signing_secret": SIGNING_SECRET})


def message_event(text: str) -> bytes:
    return json.dumps({"type": "event_callback", "authed_users": ["U0BOT"], "event": {
        "type": "message", "text": text, "user": CLIENT, "channel": DIRECT_CHANNEL, "channel_type": "im",
        "ts": "1700000000.000100"}}).encode()


def signed(body: bytes, secret: str = SIGNING_SECRET, age_s: int = 0) -> dict[str, str]:
    stamp = str(int(time.time()) - age_s)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    answer = call(f"{url}/webhooks/slack/webhook", body, headers)
    return answer.status, answer.text


def posted(fake: FakePlatform) -> list[str]:
    return [c.fields["text"] for c in fake.sent("chat.postMessage") if c.fields["channel"] == DIRECT_CHANNEL]


def test_a_signed_message_reaches_the_assistant_and_the_reply_goes_out_whole(slack_api: FakePlatform) -> None:
    """Rasa's connector posts one message per paragraph; the clinic's posts the reply as written."""
    answer = "Thanks for telling me.\n\nHow long has it hurt?"
    assistant = Assistant({"text": answer})
    with serving(assistant, channel()) as url:
        body = message_event("my back hurts")
        assert post(url, body, signed(body))[0] == 200
        eventually(lambda: len(posted(slack_api)) == 1)  # Slack's connector answers first, handles after
    [message] = assistant.received
    assert (message.text, message.sender_id, message.input_channel) == ("my back hurts", CLIENT, "slack")
    assert posted(slack_api) == [answer]
    [sent] = slack_api.sent("chat.postMessage")
    assert sent.path == "/api/chat.postMessage"  # SLACK_API_URL, its trailing slash dropped, then /api/


@pytest.mark.parametrize(("secret", "age_s"), [("someone-elses-secret", 0), (SIGNING_SECRET, 6 * 60),
                                               (SIGNING_SECRET, -6 * 60)])
def test_a_wrongly_signed_or_replayed_message_is_refused_with_403(slack_api: FakePlatform, secret: str,
                                                                  age_s: int) -> None:
    assistant = Assistant({"text": "hello"})
    with serving(assistant, channel()) as url:
        body = message_event("I can't feel my legs")
        assert post(url, body, signed(body, secret, age_s)) == (403, "forbidden")
        assert post(url, body, {"Content-Type": "application/json"}) == (403, "forbidden")
        other = signed(message_event("hello"))
        assert post(url, body, other) == (403, "forbidden")
        time.sleep(0.1)  # anything let through would be handled in the background by now
    assert assistant.received == [] and slack_api.calls == []


def test_a_recent_signature_is_accepted_within_slacks_five_minutes(slack_api: FakePlatform) -> None:
    assistant = Assistant({"text": "hello"})
    with serving(assistant, channel()) as url:
        body = message_event("hello")
        assert post(url, body, signed(body, age_s=4 * 60))[0] == 200
        eventually(lambda: len(assistant.received) == 1)


def test_a_reply_over_slacks_limit_is_cut_into_as_few_pieces_as_fit(slack_api: FakePlatform) -> None:
    paragraphs = ["a" * 2000, "b" * 2000]
    with serving(Assistant({"text": "\n\n".join(paragraphs)}), channel()) as url:
        body = message_event("tell me everything")
        assert post(url, body, signed(body))[0] == 200
        eventually(lambda: len(posted(slack_api)) == 2)
    assert posted(slack_api) == paragraphs
    assert all(len(piece) <= SLACK_MAX_LENGTH for piece in posted(slack_api))


@pytest.mark.parametrize("fails", [None, RuntimeError("action server down")])
def test_a_message_that_gets_no_reply_gets_the_briefly_unavailable_notice(slack_api: FakePlatform,
                                                                          fails: BaseException | None) -> None:
    with serving(Assistant(fails=fails), channel()) as url:
        body = message_event("hello")
        assert post(url, body, signed(body))[0] == 200
        eventually(lambda: len(posted(slack_api)) == 1)
    assert posted(slack_api) == [reply("actions_unavailable")]


def test_the_api_address_follows_slack_api_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLACK_API_URL", raising=False)
    assert ClinicSlackBot(BOT_TOKEN).client.base_url == "https://slack.com/api/"
    monkeypatch.setenv("SLACK_API_URL", "http://proxy.internal:8080/")
    assert ClinicSlackBot(BOT_TOKEN).client.base_url == "http://proxy.internal:8080/api/"
