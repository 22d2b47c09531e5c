"""Messenger: Meta's signature checked (403 otherwise), quick replies instead of a 3-button template, never silence."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from typing import Any

import pytest

from bot.questions import reply
from rasa_extensions.channels.facebook import ClinicFacebookInput, messenger_client
from tests.rasa_extensions.channels.test_webhooks import Assistant, FakePlatform, call, platform_apis, serving

APP_SECRET = "meta-app-secret-77"
VERIFY_TOKEN = "clinic-verify-token"
PAGE_TOKEN = "page-access-token-1"
CLIENT = "psid-4711"


@pytest.fixture()
def graph_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakePlatform]:
    with platform_apis(monkeypatch) as fake:
        yield fake


def channel() -> ClinicFacebookInput:
    return ClinicFacebookInput.from_credentials({"verify": VERIFY_TOKEN, "secret": APP_SECRET,
                                                 "page-access-token": PAGE_TOKEN})


def event(text: str) -> bytes:
    return json.dumps({"object": "page", "entry": [{"id": "page-1", "time": 1, "messaging": [
        {"sender": {"id": CLIENT}, "recipient": {"id": "page-1"}, "timestamp": 1,
         "message": {"mid": "mid.1", "text": text}}]}]}).encode()


def signed(body: bytes, secret: str = APP_SECRET, algorithm: str = "sha256") -> dict[str, str]:
    header = "X-Hub-Signature-256" if algorithm == "sha256" else "X-Hub-Signature"
    digest = hmac.new(secret.encode(), body, getattr(hashlib, algorithm)).hexdigest()
    return {"Content-Type": "application/json", header: f"{algorithm}={digest}"}


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    answer = call(f"{url}/webhooks/facebook/webhook", body, headers)
    return answer.status, answer.text


def messages(fake: FakePlatform) -> list[dict[str, Any]]:
    """What reached the client's screen, in order (sender actions left out)."""
    return [c.fields["message"] for c in fake.sent("messages") if "message" in c.fields]


def actions(fake: FakePlatform) -> list[str]:
    return [c.fields.get("sender_action") or "message" for c in fake.sent("messages")]


@pytest.mark.parametrize("algorithm", ["sha256", "sha1"])
def test_a_signed_message_reaches_the_assistant(graph_api: FakePlatform, algorithm: str) -> None:
    """Meta signs with SHA-256 and, for older apps, SHA-1; both are accepted."""
    assistant = Assistant({"text": "Thanks for telling me."})
    with serving(assistant, channel()) as url:
        body = event("my back hurts")
        assert post(url, body, signed(body, algorithm=algorithm)) == (200, "success")
    [message] = assistant.received
    assert (message.text, message.sender_id, message.input_channel) == ("my back hurts", CLIENT, "facebook")
    assert messages(graph_api) == [{"text": "Thanks for telling me."}]


def forged_headers() -> list[dict[str, str]]:
    body = event("my back hurts")
    sha256 = signed(body)["X-Hub-Signature-256"]
    return [
        {"Content-Type": "application/json"},
        signed(body, secret="someone-elses-secret"),
        signed(event("something else entirely")),
        {"Content-Type": "application/json", "X-Hub-Signature-256": sha256.replace("sha256=", "sha1=")},
        {"Content-Type": "application/json", "X-Hub-Signature-256": sha256[:-1]},
        {"Content-Type": "application/json", "X-Hub-Signature-256": ""},
    ]


@pytest.mark.parametrize("headers", forged_headers())
def test_an_unsigned_or_wrongly_signed_event_is_refused_unread(graph_api: FakePlatform,
                                                               headers: dict[str, str]) -> None:
    assistant = Assistant({"text": "hello"})
    with serving(assistant, channel()) as url:
        assert post(url, event("my back hurts"), headers) == (403, "forbidden")
    assert assistant.received == []
    assert graph_api.calls == []


def test_the_webhook_verification_echoes_the_challenge_only_for_the_right_token(graph_api: FakePlatform) -> None:
    with serving(Assistant(), channel()) as url:
        webhook = f"{url}/webhooks/facebook/webhook?hub.mode=subscribe&hub.challenge=1158201444"
        assert call(f"{webhook}&hub.verify_token={VERIFY_TOKEN}")[:2] == (200, "1158201444")
        assert call(f"{webhook}&hub.verify_token=guess")[:2] == (403, "forbidden")
        assert call(webhook)[:2] == (403, "forbidden")


def test_a_signed_call_that_is_not_a_messaging_event_is_ignored(graph_api: FakePlatform) -> None:
    assistant = Assistant({"text": "hello"})
    with serving(assistant, channel()) as url:
        for body in (b'{"object": "page"}', b"[1, 2]", b'{"entry": "nope"}'):
            assert post(url, body, signed(body)) == (200, "ignored")
    assert assistant.received == []


def test_options_become_quick_replies_with_their_titles_cut_to_messengers_20(graph_api: FakePlatform) -> None:
    """Rasa's button template shows three options and drops the rest; quick replies show them all."""
    buttons = [{"title": f"Option number {n} with a long title", "payload": f"/choose_{n}"} for n in range(1, 6)]
    with serving(Assistant({"text": "Which fits best?", "buttons": buttons}), channel()) as url:
        body = event("hello")
        assert post(url, body, signed(body))[0] == 200
    [sent] = messages(graph_api)
    assert sent["text"] == "Which fits best?"
    assert [(q["title"], q["payload"]) for q in sent["quick_replies"]] == [
        (f"Option number {n} with", f"/choose_{n}") for n in range(1, 6)]
    assert all(len(q["title"]) <= 20 for q in sent["quick_replies"])


def test_a_reply_over_messengers_limit_is_cut_at_a_space(graph_api: FakePlatform) -> None:
    long_reply = " ".join(["word"] * 600)  # 2,999 characters
    with serving(Assistant({"text": long_reply}), channel()) as url:
        body = event("hello")
        assert post(url, body, signed(body))[0] == 200
    pieces = [m["text"] for m in messages(graph_api)]
    assert len(pieces) == 2 and all(len(piece) <= 2000 for piece in pieces)
    assert " ".join(pieces) == long_reply


@pytest.mark.parametrize("fails", [None, RuntimeError("action server down")])
def test_a_message_that_gets_no_reply_gets_the_notice_between_typing_on_and_off(
        graph_api: FakePlatform, fails: BaseException | None) -> None:
    with serving(Assistant(fails=fails), channel()) as url:
        body = event("hello")
        assert post(url, body, signed(body)) == (200, "success")
    assert actions(graph_api) == ["typing_on", "message", "typing_off"]
    assert messages(graph_api) == [{"text": reply("actions_unavailable")}]


def test_calls_go_to_the_graph_api_address_with_the_page_token(graph_api: FakePlatform) -> None:
    """FACEBOOK_GRAPH_URL (its trailing slash dropped), then Graph's version, as Meta's own address has it."""
    with serving(Assistant({"text": "hi"}), channel()) as url:
        body = event("hello")
        assert post(url, body, signed(body))[0] == 200
    paths = {c.path for c in graph_api.calls}
    assert len(paths) == 1 and paths.pop().startswith("/v")
    assert all(c.path.endswith("/me/messages") for c in graph_api.calls)
    assert {c.fields.get("access_token") for c in graph_api.calls} == {PAGE_TOKEN}
    assert all(c.fields["recipient"] == {"id": CLIENT} for c in graph_api.calls)


def test_the_graph_address_is_metas_own_unless_facebook_graph_url_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FACEBOOK_GRAPH_URL", raising=False)
    client = messenger_client(PAGE_TOKEN)
    assert client.graph_url == f"https://graph.facebook.com/v{client.api_version}"
    monkeypatch.setenv("FACEBOOK_GRAPH_URL", "http://proxy.internal:8443/")
    assert messenger_client(PAGE_TOKEN).graph_url == f"http://proxy.internal:8443/v{client.api_version}"
