"""A client never meets silence: every message the assistant handles gets some reply.

If processing a message ends with nothing sent (the action server is down or too
slow, so Rasa drops the action's reply, or the conversation store is unreachable),
the client gets a short apology with the emergency signs and number
(``replies.actions_unavailable`` in ``bot/knowledge/questions.yml``). The next
message is handled normally, so the conversation resumes once the service is back.
Every channel, web and messaging, wraps its message handler in ``never_silent``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from rasa.core.channels.channel import UserMessage

from bot.questions import reply
from rasa_extensions.stores.tracker_store import ConversationStoreUnavailable

logger = logging.getLogger(__name__)

Handler = Callable[[UserMessage], Awaitable[Any]]


# Replies sent for the message being handled. Per message (each request runs in its own task,
# and tasks it starts share the list), never per channel object: Telegram shares one output
# channel between all its clients, so a count kept on the object mixed up their messages.
_sent_for_this_message: ContextVar[list[int] | None] = ContextVar("sent_for_this_message", default=None)


def _counted(channel: Any) -> None:
    """Make the channel count every reply it delivers (once per channel object; harmless afterwards)."""
    if getattr(channel.send_response, "counts_replies", False):
        return
    send_response = channel.send_response

    async def counting_send(recipient_id: str, response: dict[str, Any]) -> None:
        sent = _sent_for_this_message.get()
        if sent is None:
            await send_response(recipient_id, response)
            return
        sent.append(1)
        try:
            await send_response(recipient_id, response)
        except Exception:
            # The platform refused it (too many buttons, an API error): the client got nothing.
            # A cancellation (Rasa's timeout, a server stopping) is not this: the reply may be out.
            sent.pop()
            raise

    counting_send.counts_replies = True  # type: ignore[attr-defined]
    channel.send_response = counting_send


def never_silent(on_new_message: Handler) -> Handler:
    """Wrap the agent's message handler so that a message always gets some reply."""

    async def handle(message: UserMessage) -> Any:
        channel = message.output_channel
        _counted(channel)
        sent: list[int] = []
        _sent_for_this_message.set(sent)
        result = None
        try:
            result = await on_new_message(message)
        except (Exception, asyncio.CancelledError, ConversationStoreUnavailable) as error:
            # Caught here so that Rasa's own handlers, which log the client's text, never see it.
            logger.error("Handling a message failed (%s).", type(error).__name__)
        if not sent:
            logger.warning("No reply was produced for a message; sent the 'briefly unavailable' notice.")
            await channel.send_text_message(message.sender_id, reply("actions_unavailable"))
        return result

    return handle
