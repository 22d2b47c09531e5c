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
from typing import Any

from rasa.core.channels.channel import UserMessage

from bot.questions import reply
from rasa_extensions.stores.tracker_store import ConversationStoreUnavailable

logger = logging.getLogger(__name__)

Handler = Callable[[UserMessage], Awaitable[Any]]


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
