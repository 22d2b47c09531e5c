"""The REST and socket.io channels, with one promise added: a client never meets silence.

Every message the assistant understands gets a reply. If processing one ends with
nothing sent (the action server is down or too slow, so Rasa drops the action's
reply), the client gets a short apology with the emergency signs and number
(``replies.actions_unavailable`` in ``bot/knowledge/questions.yml``). The next
message is handled normally, so the conversation resumes once the action server is
back. Custom actions are also given a short timeout instead of Rasa's five minutes.

Browsers may reach both channels only from the clinic's own web pages: a request
carrying any other ``Origin`` is refused before it is read (``CORS_ORIGINS``, space
separated, default the demo page http://localhost:8080; ``*`` allows every origin).
CORS headers alone would not do: they stop a foreign page reading the reply, not
the message reaching the assistant. Requests without an ``Origin`` (servers, apps,
curl) are not browsers and pass.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

import rasa.core.actions.action as rasa_actions
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.questions import reply
from rasa_extensions import kept_connections
from rasa_extensions.tracker_store import ConversationStoreUnavailable

logger = logging.getLogger(__name__)

# Rasa 3.6 reads this module constant for every custom action call and has no setting
# for it; the default (300 s) would leave a client waiting for minutes.
ACTION_TIMEOUT_S = float(os.environ.get("ACTION_TIMEOUT_S", "3"))
rasa_actions.DEFAULT_REQUEST_TIMEOUT = ACTION_TIMEOUT_S

Handler = Callable[[UserMessage], Awaitable[Any]]

DEFAULT_ORIGINS = "http://localhost:8080"


def allowed_origins() -> list[str]:
    """The web origins (scheme://host[:port]) whose pages may talk to the assistant."""
    return os.environ.get("CORS_ORIGINS", DEFAULT_ORIGINS).replace(",", " ").split()


def origin_allowed(origin: str | None, allowed: list[str]) -> bool:
    return not origin or "*" in allowed or origin in allowed


def never_silent(on_new_message: Handler) -> Handler:
    """Wrap the agent's message handler so that a message always gets some reply."""

    async def handle(message: UserMessage) -> Any:
        channel = message.output_channel
        sent = 0
        send_response = channel.send_response

        async def counting_send(recipient_id: str, response: dict[str, Any]) -> None:
            nonlocal sent
            sent += 1
            await send_response(recipient_id, response)

        channel.send_response = counting_send  # type: ignore[method-assign]
        result = None
        try:
            result = await on_new_message(message)
        except (Exception, asyncio.CancelledError, ConversationStoreUnavailable) as error:
            # Caught here so that Rasa's own handlers, which log the client's text, never see it.
            logger.error("Handling a message failed (%s).", type(error).__name__)
        finally:
            channel.send_response = send_response  # type: ignore[method-assign]
        if sent == 0:
            logger.warning("No reply was produced for a message; sent the 'briefly unavailable' notice.")
            await channel.send_text_message(message.sender_id, reply("actions_unavailable"))
        return result

    return handle


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
        allowed = allowed_origins()
        if "*" not in allowed and self.sio is not None:
            # Engine.IO then refuses other origins itself, on polling and WebSocket alike.
            # Rasa's CORS layer already adds the response headers; two copies would break browsers.
            self.sio.eio.cors_allowed_origins = allowed
            self.sio.eio._cors_headers = lambda environ: []
        return blueprint
