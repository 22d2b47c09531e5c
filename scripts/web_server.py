"""Serve the demo clinic page and the chat widget (web/) with a strict Content-Security-Policy.

Why a script of our own rather than ``python -m http.server``: the page must be sent
with security headers (a CSP without 'unsafe-inline', nosniff, a referrer policy),
and the page has to learn where the Rasa server is without an inline script. The
server writes the Rasa URL (``RASA_URL``, default ``http://localhost:$RASA_PORT``)
into the widget tag's ``data-server`` attribute and allows exactly that origin (its
http and ws forms) in ``connect-src``.

Only the files a browser needs are served: no directory listings, no dot-files, no
``node_modules``, no ``package.json``. It binds 127.0.0.1 unless ``WEB_HOST`` says
otherwise; in production the clinic's own web server serves ``widget.js``,
``widget.css`` and ``vendor/`` with the same headers.

Usage: ``python scripts/web_server.py`` (``WEB_PORT``, default 8080).
"""

from __future__ import annotations

import html
import re
import sys
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as `python scripts/web_server.py` from anywhere
    sys.path.insert(0, str(ROOT))

from bot import settings  # noqa: E402

WEB_ROOT = ROOT / "web"
SERVED_SUFFIXES = {".html", ".css", ".js", ".map", ".svg", ".png", ".ico", ".txt"}
HIDDEN_PARTS = {"node_modules"}
DATA_SERVER = re.compile(r'data-server="[^"]*"')


def rasa_origin(rasa_url: str) -> tuple[str, str]:
    """The Rasa server's http(s) origin and the matching ws(s) origin, for ``connect-src``."""
    parts = urlsplit(rasa_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"RASA_URL must be an http or https URL, got {rasa_url!r}")
    socket_scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{parts.scheme}://{parts.netloc}", f"{socket_scheme}://{parts.netloc}"


def content_security_policy(rasa_url: str) -> str:
    """A policy with no 'unsafe-inline' anywhere: scripts and styles come from files on this origin only."""
    http_origin, socket_origin = rasa_origin(rasa_url)
    return "; ".join([
        "default-src 'self'",
        f"connect-src 'self' {http_origin} {socket_origin}",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


class WidgetHandler(SimpleHTTPRequestHandler):
    """Static files from web/ with security headers; HTML pages get the configured Rasa URL."""

    rasa_url = "http://localhost:5005"
    csp = content_security_policy(rasa_url)

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", self.csp)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def resolve(self) -> Path | None:
        """The file a request names, or None when it is outside what a browser may fetch."""
        path = unquote(urlsplit(self.path).path)
        if path.endswith("/"):
            path += "index.html"
        target = (WEB_ROOT / path.lstrip("/")).resolve()
        if not target.is_relative_to(WEB_ROOT) or not target.is_file():
            return None
        relative = target.relative_to(WEB_ROOT).parts
        if any(part.startswith(".") or part in HIDDEN_PARTS for part in relative):
            return None
        return target if target.suffix in SERVED_SUFFIXES else None

    def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
        self.serve(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self.serve(head=True)

    def serve(self, head: bool) -> None:
        target = self.resolve()
        if target is None:
            self.send_error(HTTPStatus.NOT_FOUND, "Not found")
            return
        body = target.read_bytes()
        if target.suffix == ".html":
            text = DATA_SERVER.sub(f'data-server="{html.escape(self.rasa_url, quote=True)}"', body.decode("utf-8"))
            body = text.encode("utf-8")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", self.guess_type(str(target)))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's signature
        """Request lines only (method, path, status): the widget never puts what clients type in a URL."""
        sys.stderr.write(f"{self.address_string()} {format % args}\n")


WidgetHandler.extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript; charset=utf-8",
                                ".css": "text/css; charset=utf-8", ".html": "text/html; charset=utf-8",
                                ".map": "application/json"}


def main() -> None:
    host, port = settings.web_address()
    rasa_url = settings.rasa_url()
    handler = type("ConfiguredWidgetHandler", (WidgetHandler,),
                   {"rasa_url": rasa_url, "csp": content_security_policy(rasa_url)})
    if not (WEB_ROOT / "vendor" / "socket.io.min.js").is_file():
        print("web/vendor/socket.io.min.js is missing: run scripts/web_setup.sh", file=sys.stderr)
    server = ThreadingHTTPServer((host, port), partial(handler, directory=str(WEB_ROOT)))
    print(f"Demo clinic page on http://localhost:{port} (chat server {rasa_url})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
