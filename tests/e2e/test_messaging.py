"""Messaging apps at the HTTP boundary: real webhook payloads in, captured API calls out.

The Rasa server runs with ``credentials.production.yml`` exactly as a clinic would,
its secrets given as environment variables, and with the HTTP API switched on
behind a token. Each platform's documented webhook
payload (signed where the platform signs) is posted to the running connector, and
what the assistant sends back is read from a local fake of the platform's API.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from twilio.request_validator import RequestValidator

from tests.e2e.conftest import ROOT, Servers
from tests.e2e.platform_fakes import TELEGRAM_BOT_USERNAME, Call, PlatformFakes
from tests.e2e.test_socketio import Visitor

TELEGRAM_SECRET = "telegram-secret-token-for-tests"
TELEGRAM_WEBHOOK = "https://clinic.example/webhooks/telegram/webhook"
FACEBOOK_SECRET = "facebook-app-secret-for-tests"
FACEBOOK_VERIFY = "facebook-verify-token"
TWILIO_SID = "AC" + "0" * 32
TWILIO_TOKEN = "twilio-auth-token-for-tests"
SMS_NUMBER = "+15550001000"
WHATSAPP_NUMBER = "whatsapp:+15550002000"
SLACK_SECRET = "slack-signing-secret-for-tests"
API_TOKEN = "rasa-api-token-for-tests"


class Messaging:
    """The running servers with the messaging channels, and the fake platform APIs."""

    def __init__(self, servers: Servers, fakes: PlatformFakes):
        self.servers, self.fakes = servers, fakes

    def url(self, channel: str) -> str:
        return f"http://localhost:{self.servers.rasa_port}/webhooks/{channel}/webhook"

    def post(self, channel: str, body: bytes, headers: dict[str, str]) -> int:
        request = urllib.request.Request(self.url(channel), data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code


@pytest.fixture(scope="module")
def messaging(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Messaging]:
    fakes = PlatformFakes()
    servers = Servers(tmp_path_factory.mktemp("messaging"))
    servers.credentials = ROOT / "credentials.production.yml"
    servers.rasa_args = ["--enable-api", "--auth-token", API_TOKEN]
    base = f"http://localhost:{servers.rasa_port}/webhooks"
    servers.env.update({
        "TELEGRAM_TOKEN": "123456:telegram-test-token", "TELEGRAM_BOT_USERNAME": TELEGRAM_BOT_USERNAME,
        "TELEGRAM_WEBHOOK_URL": TELEGRAM_WEBHOOK, "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
        "FACEBOOK_VERIFY_TOKEN": FACEBOOK_VERIFY, "FACEBOOK_APP_SECRET": FACEBOOK_SECRET,
        "FACEBOOK_PAGE_ACCESS_TOKEN": "facebook-page-token",
        "TWILIO_ACCOUNT_SID": TWILIO_SID, "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "TWILIO_SMS_NUMBER": SMS_NUMBER, "TWILIO_SMS_WEBHOOK_URL": f"{base}/twilio/webhook",
        "TWILIO_WHATSAPP_NUMBER": WHATSAPP_NUMBER, "TWILIO_WHATSAPP_WEBHOOK_URL": f"{base}/twilio_whatsapp/webhook",
        "SLACK_BOT_TOKEN": "xoxb-slack-test-token", "SLACK_SIGNING_SECRET": SLACK_SECRET,
        "TELEGRAM_API_URL": fakes.url, "FACEBOOK_GRAPH_URL": fakes.url, "TWILIO_API_URL": fakes.url,
        "SLACK_API_URL": fakes.url,
    })
    try:
        servers.start_actions()
        servers.start_rasa()
        yield Messaging(servers, fakes)
    finally:
        servers.stop(servers.rasa)
        servers.stop(servers.actions)
        fakes.close()


def nothing_sent(fakes: PlatformFakes, platform: str, method: str, to: str) -> bool:
    time.sleep(1.5)
    return fakes.sent(platform, method, to) == []


# --- Telegram ---------------------------------------------------------------------

def telegram_update(chat_id: int, text: str | None = None, button: str | None = None) -> bytes:
    message = {"message_id": 1, "date": int(time.time()), "chat": {"id": chat_id, "type": "private"},
               "from": {"id": chat_id, "is_bot": False, "first_name": "Sam"}}
    if button is None:
        update: dict[str, Any] = {"update_id": 1, "message": {**message, "text": text}}
    else:
        update = {"update_id": 2, "callback_query": {"id": "1", "chat_instance": "1", "data": button,
                                                     "from": message["from"], "message": message}}
    return json.dumps(update).encode()


def telegram_headers(secret: str = TELEGRAM_SECRET) -> dict[str, str]:
    return {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret}


def test_telegram_registers_its_webhook_with_a_secret_at_start_up(messaging: Messaging) -> None:
    registered = messaging.fakes.sent("telegram", "setWebhook")
    assert [(call.fields.get("url"), call.fields.get("secret_token")) for call in registered] == [
        (TELEGRAM_WEBHOOK, TELEGRAM_SECRET)]


def test_telegram_start_greets_and_a_button_press_moves_on(messaging: Messaging) -> None:
    chat = str(int(uuid.uuid4().int % 10**9))
    assert messaging.post("telegram", telegram_update(int(chat), "/start"), telegram_headers()) == 200
    greeting = messaging.fakes.wait_for("telegram", "sendMessage", chat, 1)
    assert "back-pain self-check" in " ".join(call.fields["text"] for call in greeting)
    consent = next(call for call in greeting if "reply_markup" in call.fields)
    assert consent.fields["text"] == "Shall we start?"
    keyboard = json.loads(consent.fields["reply_markup"])["inline_keyboard"]
    assert {button["callback_data"] for row in keyboard for button in row} == {"/affirm", "/deny"}

    assert messaging.post("telegram", telegram_update(int(chat), button="/affirm"), telegram_headers()) == 200
    after = messaging.fakes.wait_for("telegram", "sendMessage", chat, len(greeting) + 1)
    assert "safety check" in " ".join(call.fields["text"] for call in after[len(greeting):]).lower()


@pytest.mark.parametrize("secret", ["wrong-secret", ""])
def test_telegram_refuses_an_update_without_the_secret(messaging: Messaging, secret: str) -> None:
    chat = str(int(uuid.uuid4().int % 10**9))
    assert messaging.post("telegram", telegram_update(int(chat), "hello"), telegram_headers(secret)) == 403
    assert nothing_sent(messaging.fakes, "telegram", "sendMessage", chat)


# --- Facebook Messenger -----------------------------------------------------------

def messenger_event(sender: str, text: str, quick_reply: str | None = None) -> bytes:
    message: dict[str, Any] = {"mid": f"m_{uuid.uuid4().hex}", "text": text}
    if quick_reply:
        message["quick_reply"] = {"payload": quick_reply}
    return json.dumps({"object": "page", "entry": [{"id": "PAGE", "time": int(time.time() * 1000), "messaging": [
        {"sender": {"id": sender}, "recipient": {"id": "PAGE"}, "timestamp": int(time.time() * 1000),
         "message": message}]}]}).encode()


def meta_headers(body: bytes, secret: str = FACEBOOK_SECRET) -> dict[str, str]:
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-Hub-Signature-256": f"sha256={signature}"}


def messenger_texts(calls: list[Call]) -> list[dict[str, Any]]:
    return [call.fields["message"] for call in calls if "message" in call.fields]


def test_messenger_signed_message_is_answered_with_quick_replies(messaging: Messaging) -> None:
    sender = f"psid-{uuid.uuid4().hex[:12]}"
    body = messenger_event(sender, "hi, my lower back hurts")
    assert messaging.post("facebook", body, meta_headers(body)) == 200
    sent = messenger_texts(messaging.fakes.wait_for("facebook", "messages", sender, 1))
    assert "back-pain self-check" in " ".join(message.get("text", "") for message in sent)
    consent = next(message for message in sent if message.get("quick_replies"))
    assert consent["text"] == "Shall we start?"
    assert {reply["payload"] for reply in consent["quick_replies"]} == {"/affirm", "/deny"}

    count = len(messaging.fakes.sent("facebook", "messages", sender))
    body = messenger_event(sender, "Yes, let's start", quick_reply="/affirm")
    assert messaging.post("facebook", body, meta_headers(body)) == 200
    later = messenger_texts(messaging.fakes.wait_for("facebook", "messages", sender, count + 1)[count:])
    assert "safety check" in " ".join(message.get("text", "") for message in later).lower()


@pytest.mark.parametrize("headers", [
    {"X-Hub-Signature-256": "sha256=" + "0" * 64}, {"X-Hub-Signature": "sha1=" + "0" * 40}, {}])
def test_messenger_refuses_a_badly_signed_event(messaging: Messaging, headers: dict[str, str]) -> None:
    sender = f"psid-{uuid.uuid4().hex[:12]}"
    body = messenger_event(sender, "hello")
    assert messaging.post("facebook", body, {"Content-Type": "application/json", **headers}) == 403
    assert nothing_sent(messaging.fakes, "facebook", "messages", sender)


def test_messenger_webhook_verification(messaging: Messaging) -> None:
    def verify(token: str) -> tuple[int, str]:
        query = urllib.parse.urlencode({"hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": "4711"})
        try:
            with urllib.request.urlopen(f"{messaging.url('facebook')}?{query}", timeout=30) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, ""

    assert verify(FACEBOOK_VERIFY) == (200, "4711")
    assert verify("guess")[0] == 403


# --- Twilio: SMS and WhatsApp -----------------------------------------------------

class TextClient:
    """A phone texting the clinic's Twilio number, as Twilio forwards it."""

    def __init__(self, messaging: Messaging, channel: str, number: str, clinic_number: str):
        self.messaging, self.channel, self.number, self.clinic_number = messaging, channel, number, clinic_number

    def send(self, text: str, auth_token: str = TWILIO_TOKEN) -> tuple[int, list[str]]:
        """Text the clinic; return the status and the bodies of the replies to this text."""
        form = {"From": self.number, "To": self.clinic_number, "Body": text, "AccountSid": TWILIO_SID,
                "MessageSid": f"SM{uuid.uuid4().hex}", "NumMedia": "0"}
        signature = RequestValidator(auth_token).compute_signature(self.messaging.url(self.channel), form)
        before = len(self.messaging.fakes.sent("twilio", "Messages", self.number))
        status = self.messaging.post(self.channel, urllib.parse.urlencode(form).encode(), {
            "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature})
        replies = self.messaging.fakes.sent("twilio", "Messages", self.number)[before:]
        assert all(call.fields["From"] == self.clinic_number for call in replies)
        return status, [call.fields["Body"] for call in replies]

    def say(self, text: str) -> str:
        status, bodies = self.send(text)
        assert status == 204 and bodies, (status, bodies)
        assert all(len(body) <= 1600 for body in bodies)
        assert not any("/affirm" in body or "/deny" in body for body in bodies), bodies
        return "\n".join(bodies)


def phone_number() -> str:
    return f"+1555{uuid.uuid4().int % 10**7:07d}"


def test_sms_full_assessment_with_numbered_options(messaging: Messaging) -> None:
    phone = TextClient(messaging, "twilio", phone_number(), SMS_NUMBER)
    consent = phone.say("hi, my lower back on the left kills me when i lean over the sink doing the dishes")
    assert "1. Yes, let's start" in consent and "2. Not now" in consent

    screening = phone.say("1")
    assert "safety check" in screening.lower() and "1. None of these" in screening

    assert "how does it feel" in phone.say("1").lower()
    score_question = phone.say("just a dull ache")
    assert "0" in score_question and "10" in score_question
    assert "how long" in phone.say("about a 5").lower()
    inflammation = phone.say("3 weeks")
    assert "1. Yes" in inflammation and "2. No" in inflammation and "3. Not sure" in inflammation

    treatment = phone.say("2")
    assert "treatment for this pain" in treatment.lower() and "1. No, not yet" in treatment

    intake = phone.say("1")
    assert "for your therapist" in intake.lower() and "1. None of these" in intake

    status, result = phone.send("1")
    assert status == 204
    summary = [body for body in result if "Quadratus lumborum" in body or "not a diagnosis" in body]
    assert 1 <= len(summary) <= 2, result
    joined = "\n".join(result)
    assert "Massage and gentle movement may help" in joined
    assert "amtamassage.org" in joined
    assert "{" not in joined and "assessment" not in joined.lower(), "no raw payload on a text-only channel"


def test_sms_refuses_a_wrong_signature(messaging: Messaging) -> None:
    phone = TextClient(messaging, "twilio", phone_number(), SMS_NUMBER)
    status, replies = phone.send("hello", auth_token="not-the-clinic-token")
    assert status == 403 and replies == []
    assert nothing_sent(messaging.fakes, "twilio", "Messages", phone.number)


def test_whatsapp_replies_from_the_whatsapp_number_and_options_take_words(messaging: Messaging) -> None:
    phone = TextClient(messaging, "twilio_whatsapp", f"whatsapp:{phone_number()}", WHATSAPP_NUMBER)
    consent = phone.say("hello")
    assert "1. Yes, let's start" in consent
    assert "safety check" in phone.say("yes, let's start!").lower()


# --- Slack ------------------------------------------------------------------------

def slack_headers(body: bytes, content_type: str, secret: str = SLACK_SECRET,
                  timestamp: int | None = None) -> dict[str, str]:
    stamp = str(timestamp or int(time.time()))
    signature = hmac.new(secret.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={signature}"}


def slack_message(user: str, channel: str, text: str) -> bytes:
    return json.dumps({"type": "event_callback", "team_id": "T1", "authorizations": [{"user_id": "UBOT"}],
                       "event": {"type": "message", "channel_type": "im", "channel": channel, "user": user,
                                 "text": text, "ts": f"{time.time():.6f}"}}).encode()


def test_slack_signed_message_and_button_click(messaging: Messaging) -> None:
    user, channel = f"U{uuid.uuid4().hex[:8].upper()}", f"D{uuid.uuid4().hex[:8].upper()}"
    body = slack_message(user, channel, "hi, my lower back hurts")
    assert messaging.post("slack", body, slack_headers(body, "application/json")) == 200
    # Slack replies in the background: the welcome text, then the question with its buttons.
    posted = messaging.fakes.wait_for("slack", "chat.postMessage", channel, 2)
    assert "back-pain self-check" in json.dumps([call.fields for call in posted])
    consent = next(call.fields for call in posted if call.fields.get("blocks"))
    blocks = json.dumps(consent["blocks"])
    assert "Shall we start?" in blocks and "/affirm" in blocks

    click = {"type": "block_actions", "user": {"id": user}, "channel": {"id": channel},
             "message": {"ts": f"{time.time():.6f}"},
             "actions": [{"type": "button", "action_id": "a1", "value": "/affirm"}]}
    body = urllib.parse.urlencode({"payload": json.dumps(click)}).encode()
    assert messaging.post("slack", body, slack_headers(body, "application/x-www-form-urlencoded")) == 200
    later = messaging.fakes.wait_for("slack", "chat.postMessage", channel, len(posted) + 1)[len(posted):]
    assert "safety check" in json.dumps([call.fields for call in later]).lower()


@pytest.mark.parametrize("secret, age_s", [("not-the-secret", 0), (SLACK_SECRET, 600)])
def test_slack_refuses_a_bad_or_replayed_signature(messaging: Messaging, secret: str, age_s: int) -> None:
    user, channel = f"U{uuid.uuid4().hex[:8].upper()}", f"D{uuid.uuid4().hex[:8].upper()}"
    body = slack_message(user, channel, "hello")
    headers = slack_headers(body, "application/json", secret, int(time.time()) - age_s)
    assert messaging.post("slack", body, headers) == 403
    assert nothing_sent(messaging.fakes, "slack", "chat.postMessage", channel)


# --- The HTTP API, switched on with a token -----------------------------------------

def api_status(messaging: Messaging, path: str, token: str | None = None) -> int:
    query = f"?{urllib.parse.urlencode({'token': token})}" if token is not None else ""
    try:
        with urllib.request.urlopen(f"http://localhost:{messaging.servers.rasa_port}{path}{query}",
                                    timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize("path", ["/status", "/conversations/someone/tracker", "/domain"])
def test_http_api_refuses_anonymous_and_wrong_tokens(messaging: Messaging, path: str) -> None:
    assert api_status(messaging, path) == 401
    assert api_status(messaging, path, "guess") == 401


def test_http_api_answers_with_the_token(messaging: Messaging) -> None:
    assert api_status(messaging, "/status", API_TOKEN) == 200


# --- Health data stays out of the logs (keep this test last: it reads every log) ----

CANARY = {"name": "Zebulon Quixworth", "phone": "+1 555 013 7788", "email": "zq.canary@example.org",
          "symptom": "glowing violet kneecaps"}


def canary_text(channel: str) -> str:
    return (f"hi i'm {CANARY['name']} ({channel}), call me on {CANARY['phone']} or {CANARY['email']}, "
            f"my lower back hurts and i have {CANARY['symptom']}")


def test_no_message_text_reaches_any_log(messaging: Messaging) -> None:
    fakes, servers = messaging.fakes, messaging.servers
    servers.say(f"rest-{uuid.uuid4().hex}", canary_text("rest"))
    visitor = Visitor(servers)
    try:
        visitor.say(canary_text("socketio"))
    finally:
        visitor.close()
    chat = str(int(uuid.uuid4().int % 10**9))
    messaging.post("telegram", telegram_update(int(chat), canary_text("telegram")), telegram_headers())
    psid = f"psid-{uuid.uuid4().hex[:12]}"
    body = messenger_event(psid, canary_text("messenger"))
    messaging.post("facebook", body, meta_headers(body))
    TextClient(messaging, "twilio", phone_number(), SMS_NUMBER).say(canary_text("sms"))
    TextClient(messaging, "twilio_whatsapp", f"whatsapp:{phone_number()}", WHATSAPP_NUMBER).say(
        canary_text("whatsapp"))
    user, channel = f"U{uuid.uuid4().hex[:8].upper()}", f"D{uuid.uuid4().hex[:8].upper()}"
    body = slack_message(user, channel, canary_text("slack"))
    messaging.post("slack", body, slack_headers(body, "application/json"))
    fakes.wait_for("telegram", "sendMessage", chat, 1)
    fakes.wait_for("facebook", "messages", psid, 1)
    fakes.wait_for("slack", "chat.postMessage", channel, 1)

    logs = servers.logs().lower()
    assert logs, "the servers wrote no log at all"
    leaked = [value for value in CANARY.values() if value.lower() in logs]
    leaked += [digits for digits in ("0137788", "013 7788") if digits in logs]
    assert leaked == [], f"client text found in the server logs: {leaked}"
