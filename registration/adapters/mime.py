"""An e-mail's bytes, written directly in the few shapes the mails take.

The `email` package parses every header as it is set and refolds it as it is written: about a
third of composing a mail. Here a header that needs nothing (printable ASCII, short, a plain
address) is written as it is; only the others (a non-ASCII subject, a display name) go through
`email.policy`, once per distinct value. Every text body is quoted-printable and every other
body base64, so no body can contain "=_", which starts every boundary: the boundaries are
unique by construction, without searching the bodies.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from email import policy
from email.utils import encode_rfc2231
from functools import lru_cache

ADDRESS_HEADERS = frozenset({"from", "to", "cc", "reply-to", "sender"})
PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")
PLAIN_FILENAME = re.compile(r"[A-Za-z0-9 ._-]+")
MAX_LINE = 78


@dataclass(frozen=True)
class Part:
    """A MIME part: its header lines (CRLF-ended) and its encoded body."""
    head: str
    body: bytes


@dataclass(frozen=True)
class OutgoingMail:
    """A message ready for SMTP: the envelope's addresses and the bytes."""
    envelope_sender: str
    to: str
    message_id: str
    data: bytes
    international: bool  # a non-ASCII address: sent with SMTPUTF8


def text(content: str, subtype: str, params: str = "", headers: str = "") -> Part:
    """UTF-8 text, quoted-printable (which also escapes any "=_")."""
    lines = content.replace("\r\n", "\n").replace("\n", "\r\n")
    data = (lines if lines.endswith("\r\n") else lines + "\r\n").encode("utf-8")
    return Part(f'Content-Type: text/{subtype}; charset="utf-8"{params}\r\n'
                f"Content-Transfer-Encoding: quoted-printable\r\n{headers}",
                binascii.b2a_qp(data))


def binary(content: bytes, content_type: str, headers: str = "") -> Part:
    return Part(f"Content-Type: {content_type}\r\nContent-Transfer-Encoding: base64\r\n"
                f"{headers}", base64.encodebytes(content).replace(b"\n", b"\r\n"))


def disposition(kind: str, filename: str) -> str:
    """`attachment; filename="event.ics"`, RFC 2231 for a name that needs it."""
    if PLAIN_FILENAME.fullmatch(filename):
        return f'Content-Disposition: {kind}; filename="{filename}"\r\n'
    return f"Content-Disposition: {kind}; filename*={encode_rfc2231(filename, 'utf-8')}\r\n"


def multipart(subtype: str, parts: Sequence[Part]) -> Part:
    boundary = f"=_{secrets.token_hex(16)}"
    delimiter = f"--{boundary}\r\n".encode("ascii")
    body = b"".join(delimiter + part.head.encode("ascii") + b"\r\n" + part.body + b"\r\n"
                    for part in parts)
    return Part(f'Content-Type: multipart/{subtype};\r\n boundary="{boundary}"\r\n',
                body + f"--{boundary}--\r\n".encode("ascii"))


def message(headers: Sequence[tuple[str, str]], root: Part, international: bool) -> bytes:
    """The whole message: its headers, then the root part's."""
    lines = "".join(header_line(name, value, international) for name, value in headers)
    return (lines + "MIME-Version: 1.0\r\n" + root.head + "\r\n").encode("utf-8") + root.body


def header_line(name: str, value: str, international: bool = False) -> str:
    if _as_is(name, value):
        return f"{name}: {value}\r\n"
    return _folded(name, value, international)


def _as_is(name: str, value: str) -> bool:
    """What `email.policy` would write unchanged: short printable ASCII with no encoded
    word in it, and for an address header a bare address."""
    if not (value.isascii() and value.isprintable() and "=?" not in value
            and len(name) + 2 + len(value) <= MAX_LINE):
        return False
    return name.lower() not in ADDRESS_HEADERS or PLAIN_ADDRESS.fullmatch(value) is not None


@lru_cache(maxsize=1024)  # subjects and the sender repeat from mail to mail
def _folded(name: str, value: str, international: bool) -> str:
    """As `email.policy` writes it: RFC 2047 words for non-ASCII (raw UTF-8 with SMTPUTF8),
    folded at 78 characters."""
    chosen = policy.SMTPUTF8 if international else policy.SMTP
    return str(chosen.header_factory(name, value).fold(policy=chosen))
