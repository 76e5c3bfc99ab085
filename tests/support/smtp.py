"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Inbox:
    """What the server received: every message parsed, or (`parse=False`, for the benchmarks,
    where parsing would take CPU from the server being measured) only how many."""

    def __init__(self, parse: bool = True) -> None:
        self.parse = parse
        self.messages: list[EmailMessage] = []
        self.received = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received += 1
        if self.parse:
            message = message_from_bytes(envelope.content, policy=policy.default)
            assert isinstance(message, EmailMessage)
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def mail_settings(port: int, base_url: str = "http://localhost") -> dict[str, str]:
    """The app's settings that send its mail to `smtp_server(port, …)`."""
    return {"SMTP_URL": f"smtp://127.0.0.1:{port}", "BASE_URL": base_url,
            "MAIL_FROM": "Alliance <registration@example.org>"}


@contextmanager
def smtp_server(port: int, inbox: Inbox) -> Iterator[Inbox]:
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()
