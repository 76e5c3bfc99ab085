"""Sending e-mail over SMTP, configured by one URL.

`SMTP_URL` is `smtp://user:password@host:port` (STARTTLS when the server offers it),
`smtps://…` for TLS from the first byte, or `smtp://host:port` without a login. Every
connection has a timeout: a slow or dead server costs an attempt, never a hung worker.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from functools import cached_property
from urllib.parse import unquote, urlsplit

TIMEOUT_SECONDS = 10.0


class SmtpTransport:
    def __init__(self, url: str, timeout: float = TIMEOUT_SECONDS) -> None:
        parts = urlsplit(url)
        if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
            raise ValueError("SMTP_URL must look like smtp://user:password@host:port "
                             "or smtps://…")
        self.tls = parts.scheme == "smtps"
        self.host = parts.hostname
        self.port = parts.port or (465 if self.tls else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password or "")
        self.timeout = timeout

    def __repr__(self) -> str:  # never shows the password
        return f"SmtpTransport({'smtps' if self.tls else 'smtp'}://{self.host}:{self.port})"

    @cached_property
    def context(self) -> ssl.SSLContext:
        """Made once, when a connection first needs TLS: loading the system's certificates
        took ~30 ms of CPU, more than the rest of a registration and its mail together."""
        return ssl.create_default_context()

    def send(self, message: EmailMessage) -> None:
        """Hand the message to the server; raises OSError or SMTPException on failure."""
        client: smtplib.SMTP
        if self.tls:
            client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                      context=self.context)
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with client:
            client.ehlo()
            if not self.tls and client.has_extn("starttls"):
                client.starttls(context=self.context)
            if self.user:
                client.login(self.user, self.password)
            client.send_message(message)
