"""A loopback HTTP server that answers JSON: the stand-in for a third-party API the tests cannot reach.

Used by the messaging platforms' fakes of the end-to-end tests (``tests/e2e/platform_fakes.py``)
and of the channel unit tests (``tests/rasa_extensions/channels/test_webhooks.py``). Each
call's fields (query string and body: JSON, form or multipart) go to ``answer``, which
records what it needs and says what the platform would reply.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

Answer = Callable[[str, dict[str, Any], dict[str, str]], tuple[int, dict[str, Any]]]


def parse_body(content_type: str, body: bytes) -> dict[str, Any]:
    if content_type.startswith("application/json"):
        return json.loads(body or b"{}")
    if content_type.startswith("multipart/form-data"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body)
        return {part.get_param("name", header="content-disposition"): part.get_content().strip()
                for part in message.iter_parts()}
    return dict(parse_qsl(body.decode(), keep_blank_values=True))


class JsonApi:
    """Serves ``answer(path, fields, headers) -> (status, json)`` on a free loopback port until closed."""

    def __init__(self, answer: Answer) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the name http.server looks up
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                url = urlsplit(self.path)
                fields = {**dict(parse_qsl(url.query)), **parse_body(self.headers.get("Content-Type", ""), body)}
                status, reply = answer(url.path, fields, dict(self.headers))
                payload = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST  # noqa: N815

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
