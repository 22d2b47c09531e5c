"""Rasa's Facebook Messenger connector for a clinic: signatures answered with 403, up to 11 quick replies."""

from __future__ import annotations

import hmac
from typing import Any

from fbmessenger import MessengerClient
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.facebook import FacebookInput, Messenger, MessengerBot
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import settings
from bot.plain_text import split_message
from rasa_extensions.channels.never_silent import Handler, never_silent
from rasa_extensions.channels.webhooks import refused

# Messenger shows 13, but fbmessenger refuses more than 11 (and the reply would be lost).
MESSENGER_MAX_QUICK_REPLIES = 11


class ClinicMessengerBot(MessengerBot):
    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for piece in split_message(text, 2000):
            await super().send_text_message(recipient_id, piece)

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: list[dict[str, Any]],
                                     **kwargs: Any) -> None:
        """Quick replies hold up to 11 options (fbmessenger refuses more); Rasa drops all past three."""
        options = [{"title": button["title"][:20], "payload": button["payload"]}
                   for button in buttons[:MESSENGER_MAX_QUICK_REPLIES]]
        await self.send_quick_replies(recipient_id, text, options)


class ClinicMessenger(Messenger):
    def __init__(self, page_access_token: str, on_new_message: Handler) -> None:
        super().__init__(page_access_token, on_new_message)
        self.client = messenger_client(page_access_token)

    async def _handle_user_message(self, text: str, sender_id: str, metadata: dict[str, Any] | None) -> None:
        out_channel = ClinicMessengerBot(self.client)
        await out_channel.send_action(sender_id, sender_action="typing_on")
        try:
            await self.on_new_message(
                UserMessage(text, out_channel, sender_id, input_channel=self.name(), metadata=metadata))
        finally:
            await out_channel.send_action(sender_id, sender_action="typing_off")


def messenger_client(page_access_token: str) -> MessengerClient:
    client = MessengerClient(page_access_token)
    client.graph_url = f"{settings.api_url(settings.FACEBOOK_GRAPH_URL)}/v{client.api_version}"
    return client


class ClinicFacebookInput(FacebookInput):
    """Messenger, webhook ``/webhooks/facebook/webhook``; refuses unsigned or wrongly signed events."""

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        handler = never_silent(on_new_message)
        blueprint = Blueprint("clinic_facebook_webhook", __name__)

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @blueprint.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            if hmac.compare_digest(request.args.get("hub.verify_token", "").encode(), self.fb_verify.encode()):
                return response.text(request.args.get("hub.challenge", ""))
            return refused("Messenger verify token wrong")

        @blueprint.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.signed_by_meta(request):
                return refused("Messenger signature missing or wrong")
            event = request.json
            if not isinstance(event, dict) or not isinstance(event.get("entry"), list):
                return response.text("ignored")
            await ClinicMessenger(self.fb_access_token, handler).handle(event, self.get_metadata(request))
            return response.text("success")

        return blueprint

    def signed_by_meta(self, request: Request) -> bool:
        """Meta signs with SHA-256 (``X-Hub-Signature-256``) and, for older apps, SHA-1."""
        for header, algorithm in (("X-Hub-Signature-256", "sha256"), ("X-Hub-Signature", "sha1")):
            given = request.headers.get(header)
            if given:
                expected = hmac.new(self.fb_secret.encode(), request.body, algorithm).hexdigest()
                return hmac.compare_digest(given.encode(), f"{algorithm}={expected}".encode())
        return False

    def get_output_channel(self) -> OutputChannel:
        return ClinicMessengerBot(messenger_client(self.fb_access_token))
