"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives; a counting sink
for the benchmarks."""

from __future__ import annotations

import socket
import socketserver
import threading
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
    """What the server received, every message parsed (the benchmarks count theirs with a
    `counting_smtp_server`)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.received = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received += 1
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


class CountingSink(socketserver.BaseRequestHandler):
    """The least an SMTP server says to take a message, counting the messages: for the
    benchmarks, where aiosmtpd's own work per message (about 0.7 ms) would take a share of
    the cores the product is measured on. It reads the commands smtplib sends (EHLO, MAIL,
    RCPT, DATA then the message up to its lone dot, NOOP, RSET, QUIT) and accepts them all.
    Each connection has a thread reading and answering with blocking calls: as an asyncio
    protocol, the sink spent 170-176 µs of CPU a 31 kB mail, this way 62-66 µs (2,000 mails
    from smtplib, 2026-12-01, load average 10 on 2 cores)."""

    received = 0  # messages taken, by every connection
    counting = threading.Lock()

    def handle(self) -> None:
        connection = self.request
        connection.sendall(b"220 sink ESMTP\r\n")
        self.pending = b""
        self.in_data = self.closing = False
        while not self.closing and (data := connection.recv(65536)):
            if answers := self.answers(data):
                connection.sendall(answers)

    def answers(self, data: bytes) -> bytes:
        """What to answer to the commands `data` completes."""
        self.pending += data
        answered = []
        while True:
            if self.in_data:
                end = self.pending.find(b"\r\n.\r\n")
                if end < 0:
                    self.pending = self.pending[-4:]  # the end may come split
                    break
                self.pending = self.pending[end + 5:]
                self.in_data = False
                with self.counting:
                    type(self).received += 1
                answered.append(b"250 Message accepted for delivery\r\n")
                continue
            line, found, rest = self.pending.partition(b"\r\n")
            if not found:
                break
            self.pending = rest
            answered.append(self.answer(line[:4].upper()))
        return b"".join(answered)

    def answer(self, verb: bytes) -> bytes:
        if verb in (b"EHLO", b"HELO"):
            return b"250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
        if verb == b"DATA":
            self.in_data = True
            self.pending = b"\r\n" + self.pending  # the message's end may be its first line
            return b"354 End data with <CR><LF>.<CR><LF>\r\n"
        if verb == b"QUIT":
            self.closing = True
            return b"221 Bye\r\n"
        return b"250 OK\r\n"


@contextmanager
def counting_smtp_server(port: int) -> Iterator[type[CountingSink]]:
    """A `CountingSink` on `port`, served from a thread of its own; yields the class, whose
    `received` counts the messages (set it to 0 at will)."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", port), CountingSink)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield CountingSink
    finally:
        server.shutdown()
        server.server_close()
