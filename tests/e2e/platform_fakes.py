"""A local stand-in for the messaging platforms' APIs, for end-to-end tests.

The real Telegram, Graph (Messenger), Twilio and Slack APIs cannot be reached from
here, so the connectors are pointed at this server (``*_API_URL``). It answers
each call the way the platform documents, and records every call so a test can
read exactly what the assistant sent to a client.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.json_api import JsonApi

TELEGRAM_BOT_USERNAME = "clinic_test_bot"


@dataclass
class Call:
    platform: str
    method: str
    fields: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class PlatformFakes:
    """One HTTP server answering as all four platforms, by path."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.api = JsonApi(self.answer)
        self.url = self.api.url

    def close(self) -> None:
        self.api.close()

    def answer(self, path: str, fields: dict[str, Any], headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        routes: list[tuple[str, str, Callable[[re.Match, dict[str, Any]], tuple[int, dict[str, Any]]]]] = [
            ("telegram", r"^/bot[^/]+/(?P<method>\w+)$", self._telegram),
            ("facebook", r"^/v[\d.]+/me/(?P<method>\w+)$", self._messenger),
            ("twilio", r"^/2010-04-01/Accounts/(?P<account>\w+)/(?P<method>Messages)\.json$", self._twilio),
            ("slack", r"^/api/(?P<method>[\w.]+)$", self._slack),
        ]
        for platform, pattern, respond in routes:
            match = re.match(pattern, path)
            if match:
                method = match.group("method")
                with self._lock:
                    self.calls.append(Call(platform, method, fields, headers))
                return respond(match, fields)
        return 404, {"error": f"no fake for {path}"}

    def _telegram(self, match: re.Match, fields: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        method = match.group("method").lower()
        if method == "getme":
            result: Any = {"id": 4242, "is_bot": True, "first_name": "Clinic", "username": TELEGRAM_BOT_USERNAME}
        elif method == "sendmessage":
            result = {"message_id": next(self._ids), "date": int(time.time()), "text": fields.get("text", ""),
                      "chat": {"id": int(fields["chat_id"]), "type": "private"}}
        else:
            result = True
        return 200, {"ok": True, "result": result}

    def _messenger(self, match: re.Match, fields: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        recipient = fields.get("recipient", {})
        return 200, {"recipient_id": recipient.get("id"), "message_id": f"mid.{next(self._ids)}"}

    def _twilio(self, match: re.Match, fields: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        sid = f"SM{next(self._ids):032d}"
        account = match.group("account")
        return 201, {"sid": sid, "account_sid": account, "body": fields.get("Body"), "to": fields.get("To"),
                     "from": fields.get("From"), "status": "queued", "direction": "outbound-api",
                     "uri": f"/2010-04-01/Accounts/{account}/Messages/{sid}.json"}

    def _slack(self, match: re.Match, fields: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return 200, {"ok": True, "channel": fields.get("channel"), "ts": f"{time.time():.6f}"}

    def sent(self, platform: str, method: str, to: str | None = None) -> list[Call]:
        """Calls of one kind, optionally only those addressed to one client."""
        keys = {"telegram": "chat_id", "twilio": "To", "slack": "channel"}
        with self._lock:
            calls = [call for call in self.calls if call.platform == platform and call.method.lower() == method.lower()]
        if to is None:
            return calls
        if platform == "facebook":
            return [call for call in calls if call.fields.get("recipient", {}).get("id") == to]
        return [call for call in calls if str(call.fields.get(keys[platform])) == to]

    def wait_for(self, platform: str, method: str, to: str, count: int, timeout: float = 60) -> list[Call]:
        """Wait until at least ``count`` such calls were made (some platforms reply in the background)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            calls = self.sent(platform, method, to)
            if len(calls) >= count:
                return calls
            time.sleep(0.1)
        raise AssertionError(f"{platform} {method} to {to}: {len(self.sent(platform, method, to))} calls, "
                             f"expected {count}")
