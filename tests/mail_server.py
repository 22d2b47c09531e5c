"""A real SMTP server on loopback (aiosmtpd) standing in for the clinic's mail server in tests."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """What the server accepted; ``refuse`` answers that many messages with a permanent error first."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.refuse = 0
        self.port = 0

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        if self.refuse:
            self.refuse -= 1
            return "554 Transaction failed"
        self.messages.append(envelope.content)
        return "250 OK"


@contextmanager
def smtp_server() -> Iterator[Inbox]:
    inbox = Inbox()
    inbox.port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()
