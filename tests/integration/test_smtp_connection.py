"""One SMTP connection carries a batch of mails, and a connection the server closed is
replaced before a mail is sent into it; a batch's mails follow each other without a NOOP
between them, a connection left idle is asked first."""

from __future__ import annotations

from typing import Any

import pytest

from registration.adapters import mail, mime
from registration.adapters.mail import SmtpTransport
from tests.support.smtp import Inbox, free_port, smtp_server


class ConnectionCounting(Inbox):
    """Remembers the client's address and port of each mail (one per connection) and
    counts the NOOPs."""

    def __init__(self) -> None:
        super().__init__()
        self.peers: list[Any] = []
        self.noops = 0

    async def handle_NOOP(self, server: Any, session: Any, envelope: Any, arg: str) -> str:
        self.noops += 1
        return "250 OK"

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
    assert inbox.noops == 0


def test_a_connection_left_idle_is_asked_whether_it_still_answers_before_its_next_mail(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mail, "IDLE_SECONDS", 0.0)  # every pause counts as idle
    port = free_port()
    transport = SmtpTransport(f"smtp://127.0.0.1:{port}")
    with smtp_server(port, ConnectionCounting()) as inbox, transport.session():
        for n in range(3):
            transport.send(message(n))
    assert inbox.received == 3
    assert len(set(inbox.peers)) == 1
    assert inbox.noops == 2


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


def test_lines_that_start_with_a_dot_reach_the_reader_as_written() -> None:
    port = free_port()
    text = ".\n..\n.a line that starts with a dot\nthe end, no dot"
    data = mime.message([("From", "a@example.org"), ("To", "p@example.com"),
                         ("Subject", "dots")], mime.text(text, "plain"), international=False)
    with smtp_server(port, Inbox()) as inbox:
        SmtpTransport(f"smtp://127.0.0.1:{port}").send(
            mime.OutgoingMail("a@example.org", "p@example.com", "<d@example.org>", data, False))
    [received] = inbox.messages
    assert received.get_content() == text.replace("\n", "\r\n") + "\r\n"
