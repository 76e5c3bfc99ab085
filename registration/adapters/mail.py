"""Sending e-mail over SMTP, configured by one URL.

`SMTP_URL` is `smtp://user:password@host:port` (STARTTLS when the server offers it),
`smtps://…` for TLS from the first byte, or `smtp://host:port` without a login. Every
connection has a timeout: a slow or dead server costs an attempt, never a hung worker.
Within `session()` the sends share one connection (a batch of mails, one handshake); a send
that fails closes it, and the next one connects afresh.
"""

from __future__ import annotations

import smtplib
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import cached_property
from urllib.parse import unquote, urlsplit

from registration.adapters.mime import OutgoingMail

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
        self._session = threading.local()  # this thread's open batch: its connection, if any

    def __repr__(self) -> str:  # never shows the password
        return f"SmtpTransport({'smtps' if self.tls else 'smtp'}://{self.host}:{self.port})"

    @cached_property
    def context(self) -> ssl.SSLContext:
        """Made once, when a connection first needs TLS: loading the system's certificates
        took ~30 ms of CPU, more than the rest of a registration and its mail together."""
        return ssl.create_default_context()

    @contextmanager
    def session(self) -> Iterator[None]:
        """The sends inside share one connection, opened by the first and closed at the end."""
        if getattr(self._session, "open", False):  # already in one
            yield
            return
        self._session.open, self._session.client = True, None
        try:
            yield
        finally:
            self._session.open = False
            client, self._session.client = self._session.client, None
            if client is not None:
                with suppress(OSError, smtplib.SMTPException):  # the mail was accepted
                    client.quit()
                client.close()

    def send(self, message: OutgoingMail) -> None:
        """Hand the message to the server; raises OSError or SMTPException on failure."""
        if not getattr(self._session, "open", False):
            with self.session():
                self.send(message)
            return
        if not self._alive(self._session.client):
            self._session.client = self._connect()
        try:
            self._session.client.sendmail(
                message.envelope_sender, [message.to], message.data,
                ["SMTPUTF8", "BODY=8BITMIME"] if message.international else ())
        except BaseException:  # the connection's state is unknown: the next send reconnects
            self._session.client.close()
            self._session.client = None
            raise

    @staticmethod
    def _alive(client: smtplib.SMTP | None) -> bool:
        """Whether the batch's connection still answers (a server may close an idle one):
        asked before each reuse, so that no mail is sent into a closed connection."""
        if client is None:
            return False
        try:
            if client.noop()[0] == 250:
                return True
        except (OSError, smtplib.SMTPException):
            pass
        client.close()
        return False

    def _connect(self) -> smtplib.SMTP:
        client: smtplib.SMTP
        if self.tls:
            client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                      context=self.context)
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            client.ehlo()
            if not self.tls and client.has_extn("starttls"):
                client.starttls(context=self.context)
            if self.user:
                client.login(self.user, self.password)
        except BaseException:
            client.close()
            raise
        return client
