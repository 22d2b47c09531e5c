"""Rasa's Slack connector for a clinic: the signature answered with 403, whole replies up to Slack's limit."""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import OutputChannel
from rasa.core.channels.slack import SlackBot, SlackInput
from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import settings
from bot.plain_text import split_message
from rasa_extensions.channels.never_silent import Handler, never_silent
from rasa_extensions.channels.webhooks import refused

SLACK_MAX_LENGTH = 3000


class ClinicSlackBot(SlackBot):
    def __init__(self, token: str, slack_channel: str | None = None, thread_id: str | None = None,
                 proxy: str | None = None) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        self.client.base_url = settings.api_url(settings.SLACK_API_URL) + "/api/"

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
