"""Rasa's own messaging connectors, with what a clinic's clients need added.

Each class below is Rasa 3.6's connector for Telegram, Facebook Messenger, Twilio
(SMS and WhatsApp) or Slack, configured in ``credentials.production.yml`` from
environment variables only. What they add:

- A message never goes unanswered (``channels.never_silent``), as on the web.
- Every webhook is authenticated before anything is read: Telegram's secret-token
  header, Messenger's and Slack's signatures (Rasa's own checks, now answered with
  403), and Twilio's signature, which Rasa does not check at all.
- Replies are sent whole instead of one chat bubble per paragraph; only the
  platform's length limit splits them (``bot.plain_text``).
- SMS and WhatsApp cannot show buttons: options become a numbered list, and "2"
  or the option's words pick it (the offer is read back from the tracker, so it
  works with several Rasa replicas). Messenger shows up to 13 quick replies
  instead of silently dropping more than three buttons.
- The platform's API address can be changed (``*_API_URL``) for a proxy, or for
  the local fakes the tests capture outgoing calls with.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from aiogram import Bot
from aiogram.bot.api import TelegramAPIServer
from fbmessenger import MessengerClient
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.facebook import FacebookInput, Messenger, MessengerBot
from rasa.core.channels.slack import SlackBot, SlackInput
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from rasa.core.channels.twilio import TwilioInput, TwilioOutput
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from bot.plain_text import TWILIO_MAX_LENGTH, chosen_payload, numbered_options, split_message
from rasa_extensions.channels import Handler, never_silent

logger = logging.getLogger(__name__)

TELEGRAM_MAX_LENGTH = 4096
SLACK_MAX_LENGTH = 3000
MESSENGER_MAX_QUICK_REPLIES = 13


def api_url(variable: str, default: str) -> str:
    return os.environ.get(variable, "").strip().rstrip("/") or default


def refused(reason: str) -> HTTPResponse:
    """Answer a webhook call that failed authentication, without reading its content."""
    logger.warning("Refused a webhook call: %s.", reason)
    return response.text("forbidden", status=HTTPStatus.FORBIDDEN)


# --- Telegram ---------------------------------------------------------------------

class ClinicTelegramOutput(TelegramOutput):
    def __init__(self, access_token: str | None) -> None:
        server = TelegramAPIServer.from_base(api_url("TELEGRAM_API_URL", "https://api.telegram.org"))
        Bot.__init__(self, access_token, server=server)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for piece in split_message(text, TELEGRAM_MAX_LENGTH):
            await self.send_message(recipient_id, piece)


class ClinicTelegramInput(TelegramInput):
    """Telegram, webhook ``/webhooks/telegram/webhook``; registers it with its secret token at start-up."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        channel = cls(credentials.get("access_token"), credentials.get("verify"), credentials.get("webhook_url"),
                      debug_mode=False)
        channel.secret_token = str(credentials.get("secret_token") or "")
        if not channel.secret_token:
            raise ValueError("The telegram channel needs a secret_token (TELEGRAM_SECRET_TOKEN).")
        return channel

    secret_token = ""

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        blueprint = super().blueprint(never_silent(telegram_start_greets(on_new_message)))

        @blueprint.middleware("request")
        async def check_secret(request: Request) -> HTTPResponse | None:
            if request.method != "POST":
                return None
            given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
            if not hmac.compare_digest(given.encode(), self.secret_token.encode()):
                return refused("Telegram secret token missing or wrong")
            return None

        return blueprint

    def get_output_channel(self) -> TelegramOutput:
        asyncio.run(self._register_webhook())
        return ClinicTelegramOutput(self.access_token)

    async def _register_webhook(self) -> None:
        # A short-lived client: its HTTP session belongs to this start-up event loop only.
        client = ClinicTelegramOutput(self.access_token)
        try:
            await client.request("setWebhook", {"url": self.webhook_url, "secret_token": self.secret_token})
        finally:
            await client.close()


def telegram_start_greets(on_new_message: Handler) -> Handler:
    """Telegram sends ``/start`` when a client first opens the chat: greet them."""

    async def handle(message: UserMessage) -> Any:
        if (message.text or "").strip().split("@")[0] == "/start":
            message.text = "/greet"
        return await on_new_message(message)

    return handle


# --- Facebook Messenger -----------------------------------------------------------

class ClinicMessengerBot(MessengerBot):
    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for piece in split_message(text, 2000):
            await super().send_text_message(recipient_id, piece)

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: list[dict[str, Any]],
                                     **kwargs: Any) -> None:
        """Quick replies hold up to 13 options; Rasa's button template drops everything past three."""
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
    client.graph_url = f"{api_url('FACEBOOK_GRAPH_URL', 'https://graph.facebook.com')}/v{client.api_version}"
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


# --- Twilio: SMS and WhatsApp -----------------------------------------------------

class ClinicTwilioOutput(TwilioOutput):
    """Plain text only: whole replies up to Twilio's limit, and buttons as a numbered list."""

    def __init__(self, account_sid: str | None, auth_token: str | None, twilio_number: str | None) -> None:
        super().__init__(account_sid, auth_token, twilio_number)
        self.api.base_url = api_url("TWILIO_API_URL", self.api.base_url)

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


# --- Slack ------------------------------------------------------------------------

class ClinicSlackBot(SlackBot):
    def __init__(self, token: str, slack_channel: str | None = None, thread_id: str | None = None,
                 proxy: str | None = None) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        self.client.base_url = api_url("SLACK_API_URL", "https://slack.com") + "/api/"

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for piece in split_message(text, SLACK_MAX_LENGTH):
            await self._post_message(channel=self.slack_channel or recipient_id, as_user=True, text=piece,
                                     type="mrkdwn")


class ClinicSlackInput(SlackInput):
    """Slack, webhook ``/webhooks/slack/webhook``; Rasa checks the signing secret, refusals become 403."""

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        blueprint = super().blueprint(never_silent(on_new_message))

        @blueprint.middleware("request")
        async def check_signature(request: Request) -> HTTPResponse | None:
            if request.method == "POST" and not self.is_request_from_slack_authentic(request):
                return refused("Slack signature missing, old or wrong")
            return None

        return blueprint

    def get_output_channel(self, channel: str | None = None, thread_id: str | None = None) -> OutputChannel:
        return ClinicSlackBot(self.slack_token, channel or self.slack_channel, thread_id, self.proxy)
