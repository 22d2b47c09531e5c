"""Twilio SMS and WhatsApp: Twilio's signature checked (Rasa checks none), options as a numbered list, never silence."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from multidict import MultiDict
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from twilio.request_validator import RequestValidator

from bot.plain_text import TWILIO_MAX_LENGTH
from bot.questions import reply
from rasa_extensions.channels.twilio import ClinicTwilioInput, ClinicTwilioOutput, ClinicTwilioWhatsAppInput
from tests.rasa_extensions.channels.test_webhooks import Assistant, FakePlatform, call, platform_apis, serving

ACCOUNT = "AC" + "5" * 32
AUTH_TOKEN = "twilio-auth-token-9"
CLINIC_NUMBER = "+15550001111"
CLINIC_WHATSAPP = "whatsapp:+15550003333"
CLIENT = "+15550002222"
BUTTONS = [{"title": "Yes, both legs", "payload": "/affirm"}, {"title": "No", "payload": "/deny"},
           {"title": "Not sure", "payload": "/dont_know"}]


@pytest.fixture()
def twilio_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakePlatform]:
    with platform_apis(monkeypatch) as fake:
        yield fake


def sms(webhook_url: str = "") -> ClinicTwilioInput:
    return ClinicTwilioInput.from_credentials({"account_sid": ACCOUNT, "auth_token": AUTH_TOKEN,
                                               "twilio_number": CLINIC_NUMBER, "webhook_url": webhook_url})


def whatsapp() -> ClinicTwilioWhatsAppInput:
    return ClinicTwilioWhatsAppInput.from_credentials({"account_sid": ACCOUNT, "auth_token": AUTH_TOKEN,
                                                       "twilio_number": CLINIC_WHATSAPP})


def send(url: str, text: str | None, sender: str = CLIENT, channel: str = "twilio", auth_token: str = AUTH_TOKEN,
         signed_url: str | None = None, extra: dict[str, list[str]] | None = None) -> int:
    """Post a message as Twilio does, signed over ``signed_url`` (default: the address called)."""
    webhook = f"{url}/webhooks/{channel}/webhook"
    form: dict[str, str | list[str]] = {"From": sender, "To": CLINIC_NUMBER, "MessageSid": "SM1"}
    if text is not None:
        form["Body"] = text
    form.update(extra or {})
    fields = MultiDict((name, value) for name, values in form.items()
                       for value in (values if isinstance(values, list) else [values]))
    signature = RequestValidator(auth_token).compute_signature(signed_url or webhook, fields)
    return call(webhook, urlencode(list(fields.items())).encode(),
                {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature}).status


def bodies(fake: FakePlatform, to: str = CLIENT) -> list[str]:
    return [c.fields["Body"] for c in fake.sent("Messages.json") if c.fields["To"] == to]


def test_a_signed_message_reaches_the_assistant_and_the_reply_goes_back(twilio_api: FakePlatform) -> None:
    assistant = Assistant({"text": "Thanks for telling me."})
    with serving(assistant, sms()) as url:
        assert send(url, "my back hurts") == 204
    [message] = assistant.received
    assert (message.text, message.sender_id, message.input_channel) == ("my back hurts", CLIENT, "twilio")
    [sent] = twilio_api.sent("Messages.json")
    assert sent.path == f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
    assert (sent.fields["To"], sent.fields["From"], sent.fields["Body"]) == (CLIENT, CLINIC_NUMBER,
                                                                             "Thanks for telling me.")


@pytest.mark.parametrize("forgery", ["unsigned", "other token", "tampered", "other address"])
def test_an_unsigned_or_forged_message_is_refused_unread(twilio_api: FakePlatform, forgery: str) -> None:
    assistant = Assistant({"text": "hello"})
    with serving(assistant, sms()) as url:
        webhook = f"{url}/webhooks/twilio/webhook"
        form = {"From": CLIENT, "Body": "I can't feel my legs"}
        signature = {
            "unsigned": "",
            "other token": RequestValidator("guessed-token").compute_signature(webhook, form),
            "tampered": RequestValidator(AUTH_TOKEN).compute_signature(webhook, {**form, "Body": "hello"}),
            "other address": RequestValidator(AUTH_TOKEN).compute_signature(webhook + "x", form),
        }[forgery]
        answer = call(webhook, urlencode(form).encode(),
                      {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature})
    assert (answer.status, answer.text) == (403, "forbidden")
    assert assistant.received == [] and twilio_api.calls == []


def test_behind_a_proxy_the_public_webhook_address_is_what_twilio_signed(twilio_api: FakePlatform) -> None:
    public = "https://clinic.example/webhooks/twilio/webhook"
    assistant = Assistant({"text": "hello"})
    with serving(assistant, sms(webhook_url=public)) as url:
        assert send(url, "first", signed_url=public) == 204
        assert send(url, "second") == 403  # signed for the address the proxy called, not the public one
    assert assistant.texts == ["first"]


def test_a_form_with_a_repeated_field_is_checked_as_twilio_signs_it(twilio_api: FakePlatform) -> None:
    """Twilio signs every value of a repeated field; reading only one would refuse real messages."""
    assistant = Assistant({"text": "hello"})
    with serving(assistant, sms()) as url:
        assert send(url, "with pictures", extra={"MediaUrl": ["https://a.example/1", "https://a.example/2"]}) == 204
    assert assistant.texts == ["with pictures"]


def test_options_become_one_numbered_text(twilio_api: FakePlatform) -> None:
    with serving(Assistant({"text": "Is it in both legs?", "buttons": BUTTONS}), sms()) as url:
        assert send(url, "my legs tingle") == 204
    [body] = bodies(twilio_api)
    assert body.startswith("Is it in both legs?\n\n")
    assert body.splitlines()[-3:] == ["1. Yes, both legs", "2. No", "3. Not sure"]


def conversation_offering_buttons(assistant: Assistant, *later: UserUttered) -> None:
    """The stored conversation as Rasa left it: the assistant's latest reply carried the buttons."""
    tracker = DialogueStateTracker.from_events(CLIENT, [
        ActionExecuted("action_listen"), UserUttered("my legs tingle"),
        BotUttered("Is it in both legs?", data={"buttons": BUTTONS}), ActionExecuted("action_listen"), *later])
    asyncio.run(assistant.tracker_store.save(tracker))


@pytest.mark.parametrize(("answer", "seen"), [
    ("2", "/deny"), ("3.", "/dont_know"), ("option 1", "/affirm"), ("not SURE!", "/dont_know"),
    ("4", "4"), ("no, it's my hip", "no, it's my hip")])
def test_a_number_or_an_options_words_pick_it(twilio_api: FakePlatform, answer: str, seen: str) -> None:
    assistant = Assistant({"text": "Noted."})
    conversation_offering_buttons(assistant)
    with serving(assistant, sms()) as url:
        assert send(url, answer) == 204
    assert assistant.texts == [seen]


def test_a_number_picks_nothing_once_the_client_has_answered_or_for_someone_else(twilio_api: FakePlatform) -> None:
    assistant = Assistant({"text": "Noted."})
    conversation_offering_buttons(assistant, UserUttered("no"))
    with serving(assistant, sms()) as url:
        assert send(url, "2") == 204
        assert send(url, "2", sender="+15559999999") == 204
    assert assistant.texts == ["2", "2"]


def test_replies_go_out_whole_and_only_twilios_limit_splits_them(twilio_api: FakePlatform) -> None:
    """Rasa's connector sends one SMS per paragraph, each billed and possibly delivered out of order."""
    short = "Thanks.\n\nHow long has it hurt?"
    long = "\n\n".join(["a" * 1000, "b" * 1000])
    with serving(Assistant({"text": short}, {"text": long}), sms()) as url:
        assert send(url, "hello") == 204
    assert bodies(twilio_api) == [short, "a" * 1000, "b" * 1000]
    assert all(len(body) <= TWILIO_MAX_LENGTH for body in bodies(twilio_api))


def test_carriers_inverted_exclamation_marks_are_read_as_at_signs(twilio_api: FakePlatform) -> None:
    assistant = Assistant({"text": "Noted."})
    with serving(assistant, sms()) as url:
        assert send(url, "write to me¡example.org") == 204
        assert send(url, None) == 204  # a delivery report carries no body: nothing to answer
    assert assistant.texts == ["write to me@example.org"]


@pytest.mark.parametrize("fails", [None, RuntimeError("action server down")])
def test_a_message_that_gets_no_reply_gets_the_notice_by_sms(twilio_api: FakePlatform,
                                                             fails: BaseException | None) -> None:
    with serving(Assistant(fails=fails), sms()) as url:
        assert send(url, "hello") == 204
    assert bodies(twilio_api) == [reply("actions_unavailable")]


def test_sms_and_whatsapp_run_side_by_side_each_with_its_own_number(twilio_api: FakePlatform) -> None:
    """Rasa's Twilio blueprint has one fixed name, so the two could not be mounted together."""
    client_whatsapp = "whatsapp:" + CLIENT
    assistant = Assistant({"text": "Hello!"})
    with serving(assistant, sms(), whatsapp()) as url:
        assert send(url, "by sms") == 204
        assert send(url, "by whatsapp", sender=client_whatsapp, channel="twilio_whatsapp") == 204
    assert [(m.text, m.input_channel) for m in assistant.received] == [("by sms", "twilio"),
                                                                        ("by whatsapp", "twilio_whatsapp")]
    sent = [(c.fields["From"], c.fields["To"]) for c in twilio_api.sent("Messages.json")]
    assert sent == [(CLINIC_NUMBER, CLIENT), (CLINIC_WHATSAPP, client_whatsapp)]


def test_the_api_address_is_twilios_own_unless_twilio_api_url_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TWILIO_API_URL", raising=False)
    assert ClinicTwilioOutput(ACCOUNT, AUTH_TOKEN, CLINIC_NUMBER).api.base_url == "https://api.twilio.com"
    monkeypatch.setenv("TWILIO_API_URL", "  http://proxy.internal:8443/  ")
    assert ClinicTwilioOutput(ACCOUNT, AUTH_TOKEN, CLINIC_NUMBER).api.base_url == "http://proxy.internal:8443"
