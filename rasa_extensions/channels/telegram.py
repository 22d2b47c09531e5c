"""Rasa's Telegram connector for a clinic: the secret-token header checked first, whole replies, /start greets."""

from __future__ import annotations

import asyncio
import hmac
from typing import Any

from aiogram import Bot
from aiogram.bot.api import TelegramAPIServer
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import settings
from bot.plain_text import split_message
from rasa_extensions.channels.never_silent import Handler, never_silent
from rasa_extensions.channels.webhooks import refused

TELEGRAM_MAX_LENGTH = 4096


class ClinicTelegramOutput(TelegramOutput):
    def __init__(self, access_token: str | None) -> None:
        server = TelegramAPIServer.from_base(settings.api_url(settings.TELEGRAM_API_URL))
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
