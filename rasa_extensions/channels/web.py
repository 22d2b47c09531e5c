"""The web channels (REST and socket.io): a client never meets silence, and only the clinic's pages may talk.

Every message gets a reply (``never_silent``), and the socket.io channel delivers
the assessment payload as data, as the REST channel does. The socket.io channel
also serves the widget its wording and the clinic's emergency number
(``GET /webhooks/socketio/settings``, from ``bot/widget.py``).

Browsers may reach both channels only from the clinic's own web pages: a request
carrying any other ``Origin`` is refused before it is read (``CORS_ORIGINS``, space
separated, default the demo page http://localhost:8080; ``*`` allows every origin).
CORS headers alone would not do: they stop a foreign page reading the reply, not
the message reaching the assistant. Requests without an ``Origin`` (servers, apps,
curl) are not browsers and pass.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import settings
from bot.widget import widget_settings
from rasa_extensions.channels.never_silent import Handler, never_silent
from rasa_extensions.speedups import kept_connections

logger = logging.getLogger(__name__)


def allowed_origins() -> list[str]:
    """The web origins (scheme://host[:port]) whose pages may talk to the assistant."""
    return settings.cors_origins()


def origin_allowed(origin: str | None, allowed: list[str]) -> bool:
    return not origin or "*" in allowed or origin in allowed


MAX_SENDER_LENGTH = 256
BODY_SHAPE = 'Send a JSON object: {"sender": "<conversation id>", "message": "<text>"}.'


def rest_body_problem(request: Request) -> str | None:
    """What is wrong with a REST message's body, in words its developer can act on; None if fine.

    Rasa would take a missing sender as the shared conversation "default" (mixing
    clients), and crash on a message that is not text.
    """
    try:
        body = request.json
    except Exception:  # noqa: BLE001 - Sanic raises its own error types for unreadable JSON
        return f"The body is not valid JSON. {BODY_SHAPE}"
    if not isinstance(body, dict):
        return BODY_SHAPE
    sender = body.get("sender")
    if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_LENGTH:
        return f'"sender" must be text of 1 to {MAX_SENDER_LENGTH} characters. {BODY_SHAPE}'
    if body.get("message") is not None and not isinstance(body["message"], str):
        return f'"message" must be text. {BODY_SHAPE}'
    if body.get("metadata") is not None and not isinstance(body["metadata"], dict):
        return '"metadata" must be a JSON object.'
    return None


class NeverSilentRestInput(RestInput):
    """Rasa's REST channel (same webhook, ``/webhooks/rest/webhook``) that never answers with nothing."""

    def _extract_input_channel(self, request: Request) -> str:
        # Rasa lets the body name any channel; a REST client is a REST client.
        return self.name()

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        blueprint = super().blueprint(never_silent(on_new_message))
        allowed = allowed_origins()
        blueprint.before_server_stop(kept_connections.close_all)

        @blueprint.middleware("request")
        async def check_request(request: Request) -> HTTPResponse | None:
            if request.method == "OPTIONS":
                return None
            if not origin_allowed(request.headers.get("Origin"), allowed):
                logger.warning("Refused a REST request from a web origin not in CORS_ORIGINS.")
                return response.json({"error": "This origin may not use the assistant."},
                                     status=HTTPStatus.FORBIDDEN)
            problem = rest_body_problem(request) if request.method == "POST" else None
            if problem:
                return response.json({"error": problem}, status=HTTPStatus.BAD_REQUEST)
            return None

        return blueprint


def custom_json_as_data(on_new_message: Handler) -> Handler:
    """Deliver custom payloads over socket.io as the event's data.

    Rasa 3.6 passes a custom payload to ``sio.emit`` as keyword arguments, which
    python-socketio rejects, so a web client would never see the assessment. Sent as
    data, the client receives the same ``{"assessment": {...}}`` the REST channel returns.
    """

    async def handle(message: UserMessage) -> Any:
        channel = message.output_channel
        if isinstance(channel, SocketIOOutput):
            async def send_custom_json(recipient_id: str, json_message: dict[str, Any], **_: Any) -> None:
                await channel.sio.emit(channel.bot_message_evt, data=json_message, room=recipient_id)

            channel.send_custom_json = send_custom_json  # type: ignore[method-assign]
        return await on_new_message(message)

    return handle


class NeverSilentSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel that never answers with nothing and delivers custom payloads."""

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        blueprint = super().blueprint(custom_json_as_data(never_silent(on_new_message)))

        @blueprint.route("/settings", methods=["GET"])
        async def settings_for_the_widget(_: Request) -> HTTPResponse:
            """The widget's wording, the clinic's name and emergency number (bot/widget.py)."""
            return response.json(widget_settings(), headers={"Cache-Control": "no-cache"})

        allowed = allowed_origins()
        if "*" not in allowed and self.sio is not None:
            # Engine.IO then refuses other origins itself, on polling and WebSocket alike.
            # Rasa's CORS layer already adds the response headers; two copies would break browsers.
            self.sio.eio.cors_allowed_origins = allowed
            self.sio.eio._cors_headers = lambda environ: []
        return blueprint
