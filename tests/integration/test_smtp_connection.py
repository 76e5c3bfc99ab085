"""One SMTP connection carries a batch of mails, and a connection the server closed is
replaced before a mail is sent into it."""

from __future__ import annotations

from typing import Any

from registration.adapters import mime
from registration.adapters.mail import SmtpTransport
from tests.support.smtp import Inbox, free_port, smtp_server


class ConnectionCounting(Inbox):
    """Remembers the client's address and port of each mail: one per connection."""

    def __init__(self) -> None:
        super().__init__()
        self.peers: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.peers.append(session.peer)
        return await super().handle_DATA(server, session, envelope)


def message(n: int) -> mime.OutgoingMail:
    to = f"p{n}@example.com"
    data = mime.message([("From", "a@example.org"), ("To", to), ("Subject", f"#{n}")],
                        mime.text(f"mail {n}", "plain"), international=False)
    return mime.OutgoingMail("a@example.org", to, f"<{n}@example.org>", data, False)


def test_the_mails_of_a_session_share_one_connection_and_lone_mails_each_have_their_own() -> None:
    port = free_port()
    transport = SmtpTransport(f"smtp://127.0.0.1:{port}")
    with smtp_server(port, ConnectionCounting()) as inbox:
        with transport.session():
            for n in range(3):
                transport.send(message(n))
        transport.send(message(3))
        transport.send(message(4))
    assert [m["To"] for m in inbox.messages] == [f"p{n}@example.com" for n in range(5)]
    assert len(set(inbox.peers[:3])) == 1
    assert len(set(inbox.peers)) == 3


def test_a_session_whose_server_went_away_sends_the_next_mail_on_a_new_connection() -> None:
    port = free_port()
    transport = SmtpTransport(f"smtp://127.0.0.1:{port}")
    with transport.session():
        with smtp_server(port, Inbox()) as before:
            transport.send(message(1))
        with smtp_server(port, Inbox()) as after:  # the server restarted meanwhile
            transport.send(message(2))
    assert [m["To"] for m in before.messages] == ["p1@example.com"]
    assert [m["To"] for m in after.messages] == ["p2@example.com"]
