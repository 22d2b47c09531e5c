"""Telegram: the secret token checked before anything is read, whole replies, /start greets, never silence."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from rasa.shared.exceptions import RasaException

from bot.questions import reply
from rasa_extensions.channels.telegram import TELEGRAM_MAX_LENGTH, ClinicTelegramInput, ClinicTelegramOutput
from tests.rasa_extensions.channels.test_webhooks import (
    TELEGRAM_BOT_USERNAME,
    TELEGRAM_TOKEN,
    Assistant,
    FakePlatform,
    call,
    platform_apis,
    serving,
)

SECRET = "telegram-secret-3f9a"
PUBLIC_WEBHOOK = "https://clinic.example/webhooks/telegram/webhook"
CHAT_ID = 7001


@pytest.fixture()
def telegram_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakePlatform]:
    with platform_apis(monkeypatch) as fake:
        yield fake


def channel() -> ClinicTelegramInput:
    return ClinicTelegramInput.from_credentials({"access_token": TELEGRAM_TOKEN, "verify": TELEGRAM_BOT_USERNAME,
                                                 "webhook_url": PUBLIC_WEBHOOK, "secret_token": SECRET})


def update(text: str) -> bytes:
    return json.dumps({"update_id": 1, "message": {
        "message_id": 1, "date": 1, "text": text, "chat": {"id": CHAT_ID, "type": "private"},
        "from": {"id": CHAT_ID, "is_bot": False, "first_name": "Client"}}}).encode()


def send(url: str, text: str, secret: str | None = SECRET) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    return call(f"{url}/webhooks/telegram/webhook", update(text), headers).status


def texts_sent(fake: FakePlatform) -> list[str]:
    return [c.fields["text"] for c in fake.sent("sendMessage") if c.fields["chat_id"] == str(CHAT_ID)]


def test_the_webhook_is_registered_with_its_secret_at_the_api_address(telegram_api: FakePlatform) -> None:
    """At start-up, with the public address and the secret Telegram will send back with every update."""
    with serving(Assistant(), channel()):
        pass
    [registration] = telegram_api.sent("setWebhook")
    assert registration.path == f"/bot{TELEGRAM_TOKEN}/setWebhook"
    assert registration.fields == {"url": PUBLIC_WEBHOOK, "secret_token": SECRET}


def test_a_channel_without_a_secret_token_is_refused_at_start_up() -> None:
    with pytest.raises(ValueError, match="secret_token"):
        ClinicTelegramInput.from_credentials({"access_token": TELEGRAM_TOKEN, "verify": TELEGRAM_BOT_USERNAME,
                                              "webhook_url": PUBLIC_WEBHOOK, "secret_token": ""})
    with pytest.raises(RasaException):
        ClinicTelegramInput.from_credentials(None)


@pytest.mark.parametrize("secret", [None, "", "telegram-secret-3f9b", SECRET + "x"])
def test_an_update_without_the_right_secret_is_refused_unread(telegram_api: FakePlatform, secret: str | None) -> None:
    assistant = Assistant({"text": "hello"})
    with serving(assistant, channel()) as url:
        assert send(url, "I can't feel my legs", secret) == 403
    assert assistant.received == []
    assert telegram_api.sent("getMe") == [] and telegram_api.sent("sendMessage") == []


def test_a_signed_update_reaches_the_assistant_and_its_reply_goes_out_whole(telegram_api: FakePlatform) -> None:
    """Rasa's connector sends one chat bubble per paragraph; the clinic's sends the reply as written."""
    answer = "Thanks for telling me.\n\nHow long has it hurt?"
    assistant = Assistant({"text": answer})
    with serving(assistant, channel()) as url:
        assert send(url, "my lower back hurts") == 200
    [message] = assistant.received
    assert (message.text, message.sender_id, message.input_channel) == ("my lower back hurts", str(CHAT_ID),
                                                                         "telegram")
    assert texts_sent(telegram_api) == [answer]


def test_a_reply_over_telegrams_limit_is_cut_into_as_few_pieces_as_fit(telegram_api: FakePlatform) -> None:
    paragraphs = ["a" * 3000, "b" * 3000]
    with serving(Assistant({"text": "\n\n".join(paragraphs)}), channel()) as url:
        assert send(url, "tell me everything") == 200
    assert texts_sent(telegram_api) == paragraphs
    assert all(len(piece) <= TELEGRAM_MAX_LENGTH for piece in texts_sent(telegram_api))


@pytest.mark.parametrize(("typed", "seen"), [
    ("/start", "/greet"), (f"/start@{TELEGRAM_BOT_USERNAME}", "/greet"), ("  /start  ", "/greet"),
    ("/started", "/started"), ("please /start", "please /start"), ("start", "start")])
def test_start_greets_and_nothing_else_does(telegram_api: FakePlatform, typed: str, seen: str) -> None:
    assistant = Assistant({"text": "Hello!"})
    with serving(assistant, channel()) as url:
        assert send(url, typed) == 200
    assert assistant.texts == [seen]


@pytest.mark.parametrize("fails", [None, RuntimeError("action server down")])
def test_a_message_that_gets_no_reply_gets_the_briefly_unavailable_notice(
        telegram_api: FakePlatform, fails: BaseException | None) -> None:
    with serving(Assistant(fails=fails), channel()) as url:
        assert send(url, "hello") == 200
    assert texts_sent(telegram_api) == [reply("actions_unavailable")]


def test_the_api_address_is_telegrams_own_unless_telegram_api_url_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELEGRAM_API_URL", raising=False)
    server = ClinicTelegramOutput(TELEGRAM_TOKEN).server
    assert server.api_url(TELEGRAM_TOKEN, "getMe") == f"https://api.telegram.org/bot{TELEGRAM_TOKEN}/getMe"
    monkeypatch.setenv("TELEGRAM_API_URL", " http://proxy.internal:8443/ ")
    server = ClinicTelegramOutput(TELEGRAM_TOKEN).server
    assert server.api_url(TELEGRAM_TOKEN, "getMe") == f"http://proxy.internal:8443/bot{TELEGRAM_TOKEN}/getMe"
