"""Rasa's Twilio connectors (SMS and WhatsApp) for a clinic: Twilio's signature checked, options as a numbered list.

SMS and WhatsApp cannot show buttons: options become a numbered list, and "2" or
the option's words pick it (the offer is read back from the tracker, so it works
with several Rasa replicas).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.twilio import TwilioInput, TwilioOutput
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from bot import settings
from bot.plain_text import TWILIO_MAX_LENGTH, chosen_payload, numbered_options, split_message
from rasa_extensions.channels.never_silent import Handler, never_silent
from rasa_extensions.channels.webhooks import refused


class ClinicTwilioOutput(TwilioOutput):
    """Plain text only: whole replies up to Twilio's limit, and buttons as a numbered list."""

    def __init__(self, account_sid: str | None, auth_token: str | None, twilio_number: str | None) -> None:
        super().__init__(account_sid, auth_token, twilio_number)
        self.api.base_url = settings.api_url(settings.TWILIO_API_URL, self.api.base_url)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for piece in split_message(text, TWILIO_MAX_LENGTH):
            await self._send_message({"to": recipient_id, "from_": self.twilio_number, "body": piece})

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: list[dict[str, Any]],
                                     **kwargs: Any) -> None:
        await self.send_text_message(recipient_id, numbered_options(text, buttons))


class ClinicTwilioInput(TwilioInput):
    """SMS, webhook ``/webhooks/twilio/webhook``; checks Twilio's signature on every call."""

    webhook_url = ""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        channel = cls(credentials.get("account_sid"), credentials.get("auth_token"),
                      credentials.get("twilio_number"))
        channel.webhook_url = str(credentials.get("webhook_url") or "")
        return channel

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        # Rasa's Twilio blueprint has a fixed name, and SMS and WhatsApp need one each.
        app: dict[str, Sanic] = {}
        handler = never_silent(picks_offered_option(on_new_message, app))
        blueprint = Blueprint(f"clinic_{self.name()}_webhook", __name__)

        @blueprint.listener("before_server_start")
        async def remember_app(server: Sanic, _: Any) -> None:
            app["server"] = server

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @blueprint.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.signed_by_twilio(request):
                return refused("Twilio signature missing or wrong")
            sender, text = request.form.get("From"), request.form.get("Body")
            if sender and text is not None:  # some SMS carriers turn "@" into "¡"
                await handler(UserMessage(text.replace("¡", "@"), self.get_output_channel(), sender,
                                          input_channel=self.name(), metadata=self.get_metadata(request)))
            return response.empty()

        return blueprint

    def signed_by_twilio(self, request: Request) -> bool:
        # Twilio signs the address it called: behind a proxy, set the public one (webhook_url).
        called = self.webhook_url or request.url
        form = MultiValues(request.form.items())
        return RequestValidator(self.auth_token or "").validate(
            called, form, request.headers.get("X-Twilio-Signature", ""))

    def get_output_channel(self) -> OutputChannel:
        return ClinicTwilioOutput(self.account_sid, self.auth_token, self.twilio_number)


class ClinicTwilioWhatsAppInput(ClinicTwilioInput):
    """WhatsApp through Twilio, webhook ``/webhooks/twilio_whatsapp/webhook``; numbers start ``whatsapp:``."""

    @classmethod
    def name(cls) -> str:
        return "twilio_whatsapp"


class MultiValues(dict):
    """A form as Twilio's validator reads it: every field may repeat."""

    def getall(self, name: str) -> list[str]:
        return list(self[name])


def picks_offered_option(on_new_message: Handler, app: Mapping[str, Sanic]) -> Handler:
    """Turn "2" or an option's words into that option's payload, for channels without buttons."""

    async def handle(message: UserMessage) -> Any:
        server = app.get("server")
        if server is not None and message.text:
            tracker = await server.ctx.agent.tracker_store.retrieve(message.sender_id)
            payload = chosen_payload(message.text, offered_buttons(tracker.events if tracker else []))
            if payload:
                message.text = payload
        return await on_new_message(message)

    return handle


def offered_buttons(events: Sequence[Any]) -> list[dict[str, Any]]:
    """The buttons of the assistant's latest reply, if the client has not answered since."""
    for event in reversed(events):
        if isinstance(event, UserUttered):
            return []
        if isinstance(event, BotUttered) and (event.data or {}).get("buttons"):
            return list(event.data["buttons"])
    return []
