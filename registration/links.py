"""Manage links: tokens derived from SECRET_KEY, a registration's id and its link generation.

No manage token is ever stored, in clear or sealed: the token of generation `n` of a
registration is HMAC-SHA256(key, "<id>/<n>"), the key itself derived from SECRET_KEY. The
registration records only which generation is in force (`ManageLinkRenewed`), so issuing
the next link — on a substitution, or when the holder asks for it again — ends every
earlier one at once, and the mailer derives the link when it sends. Without SECRET_KEY
the event store gives nothing that opens a registration.

A delegation lead's page has links derived the same way from the lead's own id.

Registrations made before links were derived hold a random token, of which only the hash
is kept (`manage_token_hash`): it keeps working until the first renewal.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from uuid import UUID

from domain.registration import Registration
from registration.application import same_secret


class ManageLinks:
    def __init__(self, secret_key: str) -> None:
        self._key = hashlib.sha256(b"manage-link/v1\x00" + secret_key.encode()).digest()

    def token(self, registration_id: UUID, generation: int) -> str:
        digest = hmac.new(self._key, f"{registration_id}/{generation}".encode(),
                          hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def current(self, registration: Registration) -> str:
        """The token of the link in force (for the mailer, and idempotent replays)."""
        return self.token(registration.id, registration.link_generation)

    def opens(self, registration: Registration, token: str | None) -> bool:
        """Whether `token` is the link in force for this registration."""
        if token and registration.link_generation == 0 and same_secret(
                token, registration.manage_token_hash):
            return True  # also the random tokens of registrations made before derivation
        return self.is_token(registration.id, registration.link_generation, token)

    def is_token(self, key: UUID, generation: int, token: str | None) -> bool:
        """Whether `token` is the derived token of link `generation` of `key` (a registration,
        or a delegation lead's page)."""
        return bool(token) and hmac.compare_digest(
            (token or "").encode(), self.token(key, generation).encode())
