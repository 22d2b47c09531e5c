"""The summary reaches the clinic: real Rasa and action servers, a real SMTP server and webhook on loopback."""

from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy

import pytest

from tests.e2e.conftest import Servers
from tests.e2e.helpers import assessment, new_sender, texts
from tests.mail_server import Inbox, smtp_server

SECRET = "webhook-test-secret"
OPENING = "hi, my lower back on the left kills me when i lean over the sink doing the dishes"
TO_RESULT = {"shall we start": "yes lets start", "safety check": "no none of those",
             "how does it feel": "just a dull ache", "how bad": "5", "how long": "3 weeks", "swelling": "no",
             "treatment for this pain": "twice, no better", "for your therapist": "none"}


class Receiver(http.server.BaseHTTPRequestHandler):
    received: list[tuple[bytes, str | None]] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append((body, self.headers.get("X-Signature-SHA256")))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def clinic(servers: Servers) -> Iterator[Inbox]:
    """The action server restarted with the clinic's mail settings, then put back as it was."""
    webhook = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=webhook.serve_forever, daemon=True).start()
    before = dict(servers.env)
    with smtp_server() as inbox:
        servers.env.update({"CLINIC_INTAKE_EMAIL": "desk@clinic.example", "SMTP_HOST": "127.0.0.1",
                            "SMTP_PORT": str(inbox.port), "SMTP_STARTTLS": "off",
                            "CLINIC_INTAKE_WEBHOOK_URL": f"http://127.0.0.1:{webhook.server_address[1]}/intake",
                            "CLINIC_INTAKE_WEBHOOK_SECRET": SECRET})
        servers.stop(servers.actions)
        servers.start_actions()
        try:
            yield inbox
        finally:
            servers.env.clear()
            servers.env.update(before)
            servers.stop(servers.actions)
            servers.start_actions()
            webhook.shutdown()


@pytest.fixture
def inbox(clinic: Inbox) -> Inbox:
    clinic.messages.clear()
    clinic.refuse = 0
    Receiver.received = []
    return clinic


def to_the_offer(servers: Servers, sender: str) -> list[dict]:
    replies = servers.say(sender, OPENING)
    for _ in range(12):
        if assessment(replies) is not None:
            return replies
        said = texts(replies).lower()
        replies = servers.say(sender, next(answer for cue, answer in TO_RESULT.items() if cue in said))
    raise AssertionError(f"no result: {texts(replies)}")


def give_details(servers: Servers, sender: str, contact: str = "sam.taylor@example.com") -> str:
    assert "what name" in texts(servers.say(sender, "yes please")).lower()
    assert "how should the clinic reach you" in texts(servers.say(sender, "I'm Sam Taylor")).lower()
    read_back = texts(servers.say(sender, contact))
    assert "Sam Taylor" in read_back and contact in read_back
    return texts(servers.say(sender, "yes that's right"))


def test_after_a_yes_and_a_read_back_the_clinic_gets_it_exactly_once(servers: Servers, inbox: Inbox) -> None:
    sender = new_sender()
    result_replies = to_the_offer(servers, sender)
    assert "send this summary" in texts(result_replies).lower()
    assert inbox.messages == []  # nothing before the client's yes
    assert texts(result_replies).count("Shall I?") == 1
    done = give_details(servers, sender)
    assert "sent your summary" in done.lower()
    assert len(inbox.messages) == 1
    mail = message_from_bytes(inbox.messages[0], policy=policy.default)
    assert mail["To"] == "desk@clinic.example" and mail["Reply-To"] == "sam.taylor@example.com"
    body = mail.get_body(preferencelist=("plain",)).get_content()
    for expected in ("Sam Taylor", "sam.taylor@example.com", "massage_ok", "No warning sign reported.",
                     'Answered: "no none of those"', "Pain score: 5/10", "3 weeks", "leaning or bending over",
                     "2 sessions of treatment so far (no change)", "Quadratus lumborum", f'"{OPENING}"'):
        assert expected in body, expected
    assert "Sam Taylor" in mail.get_body(preferencelist=("html",)).get_content()
    [(sent_body, signature)] = Receiver.received
    assert signature == hmac.new(SECRET.encode(), sent_body, hashlib.sha256).hexdigest()
    assert json.loads(sent_body)["client"]["name"] == "Sam Taylor"
    # Asking again sends nothing more.
    assert "already sent" in texts(servers.say(sender, "can you send it to the clinic")).lower()
    assert len(inbox.messages) == 1


def test_no_thanks_sends_nothing(servers: Servers, inbox: Inbox) -> None:
    sender = new_sender()
    to_the_offer(servers, sender)
    assert "haven't sent anything" in texts(servers.say(sender, "no thanks")).lower()
    assert inbox.messages == [] and Receiver.received == []


def test_a_refusing_mail_server_is_said_plainly_and_never_claimed_sent(servers: Servers, inbox: Inbox) -> None:
    inbox.refuse = 100
    sender = new_sender()
    to_the_offer(servers, sender)
    outcome = give_details(servers, sender).lower()
    assert "couldn't send it" in outcome and "sent your summary" not in outcome
    assert inbox.messages == [] and Receiver.received == []


def test_talk_to_a_person_is_a_call_back_request(servers: Servers, inbox: Inbox) -> None:
    sender = new_sender()
    offer = texts(servers.say(sender, "can i speak to a real person please")).lower()
    assert "get back to you" in offer
    done = give_details(servers, sender, contact="07700 900123")
    assert "asked them to get in touch" in done.lower()
    [raw] = inbox.messages
    mail = message_from_bytes(raw, policy=policy.default)
    assert "Call-back request" in mail["Subject"]
    assert "07700 900123" in mail.get_body(preferencelist=("plain",)).get_content()


def test_names_and_addresses_stay_out_of_the_logs(servers: Servers, clinic: Inbox) -> None:
    logs = servers.logs()
    assert "Sam Taylor" not in logs and "sam.taylor@example.com" not in logs and "07700 900123" not in logs
