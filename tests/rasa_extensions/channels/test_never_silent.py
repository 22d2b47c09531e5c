"""A client never meets silence: a message that ends with nothing sent gets the "briefly unavailable" notice."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.questions import reply
from rasa_extensions.channels.never_silent import never_silent
from rasa_extensions.stores.tracker_store import ConversationStoreUnavailable

CLIENT_TEXT = "my name is Quentin Marlowe and I cannot control my bladder"
NOTICE = {"recipient_id": "client-1", "text": reply("actions_unavailable")}


def handle(on_new_message: Callable[[UserMessage], Awaitable[Any]],
           channel: CollectingOutputChannel | None = None) -> tuple[Any, list[dict[str, Any]]]:
    """Run one message through the wrapped handler; what it returned and what the client received."""
    channel = channel or CollectingOutputChannel()
    result = asyncio.run(never_silent(on_new_message)(UserMessage(CLIENT_TEXT, channel, "client-1")))
    return result, channel.messages


async def answers(message: UserMessage) -> str:
    await message.output_channel.send_response(message.sender_id, {"text": "Thanks, noted."})
    return "handled"


async def says_nothing(message: UserMessage) -> None:
    return None


def test_an_answered_message_gets_only_its_answer_and_the_result_passes_through() -> None:
    assert handle(answers) == ("handled", [{"recipient_id": "client-1", "text": "Thanks, noted."}])


def test_a_message_answered_with_nothing_gets_the_notice_once(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="rasa_extensions.channels.never_silent"):
        assert handle(says_nothing) == (None, [NOTICE])
    assert "briefly unavailable" in caplog.text


@pytest.mark.parametrize("error", [RuntimeError(CLIENT_TEXT), asyncio.CancelledError(),
                                   ConversationStoreUnavailable(CLIENT_TEXT)],
                         ids=["exception", "cancelled by Rasa's timeout", "conversation store down"])
def test_a_failure_gets_the_notice_and_is_logged_without_the_clients_words(
        error: BaseException, caplog: pytest.LogCaptureFixture) -> None:
    """The failure stops here, so Rasa's own handlers, which log the client's text, never see it."""

    async def fails(message: UserMessage) -> None:
        raise error

    with caplog.at_level(logging.DEBUG):
        assert handle(fails) == (None, [NOTICE])
    assert f"Handling a message failed ({type(error).__name__})." in caplog.text
    assert "Quentin" not in caplog.text and "bladder" not in caplog.text


def test_a_failure_after_a_reply_was_sent_adds_no_notice(caplog: pytest.LogCaptureFixture) -> None:
    async def answers_then_fails(message: UserMessage) -> None:
        await answers(message)
        raise RuntimeError("the second action failed")

    with caplog.at_level(logging.ERROR):
        assert handle(answers_then_fails) == (None, [{"recipient_id": "client-1", "text": "Thanks, noted."}])
    assert "RuntimeError" in caplog.text


def test_each_message_on_a_shared_channel_is_judged_on_its_own() -> None:
    """Telegram's connector reuses one output channel: each message's count starts afresh."""
    channel = CollectingOutputChannel()
    assert handle(answers, channel)[1] == [{"recipient_id": "client-1", "text": "Thanks, noted."}]
    channel.messages.clear()
    assert handle(says_nothing, channel)[1] == [NOTICE]
    channel.messages.clear()
    # Wrapped once only: a third message's reply is delivered once, not once per earlier message.
    assert handle(answers, channel)[1] == [{"recipient_id": "client-1", "text": "Thanks, noted."}]


def test_two_clients_at_once_on_a_shared_channel_are_counted_apart() -> None:
    """One client's failure while another is answered still gets its notice (the count is per message)."""
    channel = CollectingOutputChannel()
    started = asyncio.Event()

    async def answers_later(message: UserMessage) -> None:
        await started.wait()
        await answers(message)

    async def fails_while_the_other_answers(message: UserMessage) -> None:
        started.set()
        await asyncio.sleep(0.05)
        raise RuntimeError("the action server went away")

    async def both() -> None:
        await asyncio.gather(never_silent(answers_later)(UserMessage("a", channel, "client-a")),
                             never_silent(fails_while_the_other_answers)(UserMessage("b", channel, "client-b")))

    asyncio.run(both())
    assert {"recipient_id": "client-a", "text": "Thanks, noted."} in channel.messages
    assert {"recipient_id": "client-b", "text": reply("actions_unavailable")} in channel.messages


def test_a_reply_that_fails_to_send_still_gets_the_notice() -> None:
    """Counted once delivered: a platform refusing the reply (too many buttons) does not leave silence."""
    channel = CollectingOutputChannel()
    delivered = channel.send_response
    calls = []

    async def refuses_the_first(recipient_id: str, response: dict[str, Any]) -> None:
        calls.append(response)
        if len(calls) == 1:
            raise ValueError("too many quick replies")
        await delivered(recipient_id, response)

    channel.send_response = refuses_the_first  # type: ignore[method-assign]
    assert handle(answers, channel)[1] == [NOTICE]
