"""Who may talk to the running server: clinic pages only, and no HTTP API by default."""

from __future__ import annotations

import json
import sqlite3
import urllib.error
import urllib.request

import pytest

from tests.e2e.conftest import Servers
from tests.e2e.helpers import new_sender

FOREIGN = "http://evil.example"


def request(servers: Servers, path: str, origin: str | None, body: dict | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, list[str]], str]:
    """Status, headers (every copy of each) and text of one HTTP call to the Rasa server."""
    all_headers = {**({"Origin": origin} if origin else {}), **(headers or {})}
    data = None
    if body is not None:
        data, all_headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    call = urllib.request.Request(f"http://localhost:{servers.rasa_port}{path}", data=data, headers=all_headers)
    try:
        with urllib.request.urlopen(call, timeout=60) as answer:
            status, raw, text = answer.status, answer.headers, answer.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        status, raw, text = error.code, error.headers, error.read().decode(errors="replace")
    found: dict[str, list[str]] = {}
    for name, value in raw.items():
        found.setdefault(name.lower(), []).append(value)
    return status, found, text


def stored(servers: Servers, sender: str) -> int:
    with sqlite3.connect(servers.db) as db:
        return db.execute("select count(*) from events where sender_id = ?", (sender,)).fetchone()[0]


def clinic_page(servers: Servers) -> str:
    return f"http://localhost:{servers.web_port}"


def test_rest_refuses_a_foreign_page_and_stores_nothing(servers: Servers) -> None:
    sender = new_sender()
    status, headers, text = request(servers, "/webhooks/rest/webhook", FOREIGN, {"sender": sender, "message": "hi"})
    assert status == 403 and "origin" in text.lower()
    assert "access-control-allow-origin" not in headers
    assert stored(servers, sender) == 0


def test_rest_answers_the_clinic_page_with_one_cors_header(servers: Servers) -> None:
    status, headers, text = request(servers, "/webhooks/rest/webhook", clinic_page(servers),
                                    {"sender": new_sender(), "message": "hi"})
    assert status == 200 and json.loads(text)
    assert headers["access-control-allow-origin"] == [clinic_page(servers)]


def test_rest_without_origin_is_not_a_browser_and_is_answered(servers: Servers) -> None:
    status, _, text = request(servers, "/webhooks/rest/webhook", None, {"sender": new_sender(), "message": "hi"})
    assert status == 200 and json.loads(text)


@pytest.mark.parametrize("transport, extra", [
    ("polling", {}),
    ("websocket", {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
                   "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}),
])
def test_socketio_refuses_a_foreign_page(servers: Servers, transport: str, extra: dict[str, str]) -> None:
    status, headers, text = request(servers, f"/socket.io/?EIO=4&transport={transport}", FOREIGN, headers=extra)
    assert status == 400 and "not an accepted origin" in text
    assert "access-control-allow-origin" not in headers


def test_socketio_handshake_from_the_clinic_page_has_one_cors_header(servers: Servers) -> None:
    status, headers, text = request(servers, "/socket.io/?EIO=4&transport=polling", clinic_page(servers))
    assert status == 200 and '"sid"' in text
    assert headers["access-control-allow-origin"] == [clinic_page(servers)]


def test_http_api_is_off_by_default(servers: Servers) -> None:
    for path in ("/conversations/someone/tracker", "/model/parse", "/status"):
        status, _, _ = request(servers, path, None, {"text": "hi"} if path == "/model/parse" else None)
        assert status in (404, 405), path
