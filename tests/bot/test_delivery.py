"""bot/delivery.py against a real SMTP server (aiosmtpd) and a real HTTP receiver, both on loopback."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from email.message import EmailMessage

import pytest

from bot.delivery import post_webhook, send_mail
from bot.handoff import SIGNATURE_HEADER, signature
from bot.settings import MailSettings
from tests.mail_server import Inbox, free_port, smtp_server


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as server:
        yield server, server.port


def settings(port: int, **extra) -> MailSettings:
    values = dict(to="desk@clinic.example", host="127.0.0.1", port=port, user="", password="", starttls="auto",
                  sender="bot@clinic.example", attempts=3, webhook_url="", webhook_secret="")
    return MailSettings(**{**values, **extra})


def message() -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"], mail["From"], mail["To"] = "Summary", "bot@clinic.example", "desk@clinic.example"
    mail.set_content("hello therapist")
    return mail


def test_a_message_arrives_exactly_once(inbox) -> None:
    handler, port = inbox
    assert send_mail(message(), settings(port), budget_s=3)
    assert len(handler.messages) == 1 and b"hello therapist" in handler.messages[0]


def test_a_refusal_is_tried_again(inbox) -> None:
    handler, port = inbox
    handler.refuse = 2
    assert send_mail(message(), settings(port), budget_s=3)
    assert len(handler.messages) == 1


def test_a_server_that_keeps_refusing_is_a_failure(inbox) -> None:
    handler, port = inbox
    handler.refuse = 10
    assert not send_mail(message(), settings(port), budget_s=3)
    assert handler.messages == [] and handler.refuse == 7  # three attempts


def test_a_server_that_is_down_fails_within_the_budget() -> None:
    started = time.monotonic()
    assert not send_mail(message(), settings(free_port()), budget_s=1.5)
    assert time.monotonic() - started < 2.5


def test_starttls_required_but_not_offered_is_a_failure(inbox) -> None:
    handler, port = inbox
    assert not send_mail(message(), settings(port, starttls="on", attempts=1), budget_s=2)
    assert handler.messages == []


class Receiver(http.server.BaseHTTPRequestHandler):
    received: list[tuple[bytes, str | None]] = []
    status = 200

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append((body, self.headers.get(SIGNATURE_HEADER)))
        self.send_response(Receiver.status)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[str]:
    Receiver.received, Receiver.status = [], 200
    server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/intake"
    finally:
        server.shutdown()


def test_the_webhook_gets_the_body_with_its_signature(receiver: str) -> None:
    body = b'{"type": "self_check_summary"}'
    assert post_webhook(body, settings(0, webhook_url=receiver, webhook_secret="k"), budget_s=3)
    assert Receiver.received == [(body, signature(body, "k"))]


def test_a_webhook_that_answers_an_error_is_a_failure(receiver: str) -> None:
    Receiver.status = 500
    assert not post_webhook(b"{}", settings(0, webhook_url=receiver, webhook_secret="k"), budget_s=3)
    assert len(Receiver.received) == 3
