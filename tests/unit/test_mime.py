"""The mails' bytes, written directly, read back by the `email` package as a mail client would."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage

from registration.adapters import mime


def lines(part: EmailMessage | None) -> list[str]:
    """A text part's lines (as received over SMTP, its line ends are CRLF)."""
    assert part is not None
    return str(part.get_content()).splitlines()


def read_back(data: bytes) -> EmailMessage:
    message = message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    assert all(not part.defects for part in message.walk())
    return message


def sample(subject: str, to: str = "zoe@example.ca", body: str = "Merci\u00a0!\n") -> bytes:
    html = mime.multipart("related", [
        mime.text("<p>Merci\u00a0!</p>", "html"),
        mime.binary(b"\x89PNG...", "image/png", mime.disposition("inline", "e-ticket.png")
                    + "Content-ID: <t@x>\r\n")])
    root = mime.multipart("mixed", [
        mime.multipart("alternative", [mime.text(body, "plain"), html]),
        mime.text("BEGIN:VCALENDAR\r\nLOCATION:Palais des congrès\r\nEND:VCALENDAR\r\n",
                  "calendar", '; method="PUBLISH"', mime.disposition("attachment", "event.ics")),
        mime.binary(b"%PDF-1.7", "application/pdf",
                    mime.disposition("attachment", "reçu n° 7.pdf"))])
    return mime.message([("From", "Inscriptions Conférence <inscription@example.ca>"),
                         ("To", to), ("Subject", subject), ("Message-ID", "<1@example.ca>"),
                         ("Content-Language", "fr")], root, international=not to.isascii())


def test_a_mail_reads_back_whole_with_its_headers_parts_and_attachments() -> None:
    subject = "Votre inscription à la 12e Conférence annuelle de l\u2019Alliance — Montréal 2019 " \
              "est confirmée"
    message = read_back(sample(subject))
    assert (message["Subject"], message["To"], message["Content-Language"]) == (
        subject, "zoe@example.ca", "fr")
    assert message["From"].addresses[0].display_name == "Inscriptions Conférence"
    assert lines(message.get_body(("plain",))) == ["Merci\u00a0!"]
    assert lines(message.get_body(("html",))) == ["<p>Merci\u00a0!</p>"]
    [image] = [part for part in message.walk() if part.get_content_type() == "image/png"]
    assert (image.get_content(), image["Content-ID"]) == (b"\x89PNG...", "<t@x>")
    ics, pdf = message.iter_attachments()
    assert (ics.get_filename(), ics.get_param("method")) == ("event.ics", "PUBLISH")
    assert "Palais des congrès" in ics.get_content()
    assert (pdf.get_filename(), pdf.get_content()) == ("reçu n° 7.pdf", b"%PDF-1.7")
    assert all(len(line) <= 78 for line in sample(subject).split(b"\r\n"))


def test_a_body_that_looks_like_a_boundary_stays_in_its_part() -> None:
    data = sample("Hello", body="--=_0123\n--=_0123--\n")
    assert lines(read_back(data).get_body(("plain",))) == ["--=_0123", "--=_0123--"]


def test_a_non_ascii_address_is_written_for_smtputf8() -> None:
    message = read_back(sample("Bonjour", to="zoé@exemple.ca"))
    assert message["To"] == "zoé@exemple.ca"
