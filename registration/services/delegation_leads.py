"""Commands and reads for a delegation lead: recorded with the group they register, then
their own page (see domain.delegation_lead)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from domain.delegation_lead import DelegationLead
from domain.edition import Edition
from domain.edition_config import EditionConfig
from domain.errors import WrongToken
from domain.mail import Mail
from registration.application import Conference
from registration.idempotency import Claim
from registration.links import ManageLinks
from registration.services.registrations import RegistrationService


@dataclass(frozen=True)
class LeadView:
    id: UUID
    edition: EditionConfig
    delegation: str
    name: str
    email: str
    language: str
    members: tuple[UUID, ...]
    link_generation: int


class DelegationLeadService:
    def __init__(self, app: Conference, registrations: RegistrationService,
                 links: ManageLinks) -> None:
        self.app, self.registrations, self.links = app, registrations, links

    def record(self, slug: str, delegation: str, name: str, email: str, language: str,
               members: Sequence[UUID], idempotency: Claim | None = None) -> LeadView:
        """The lead of a group just registered, and the e-mail of their page's link."""

        def decision() -> tuple[list[Aggregate], LeadView]:
            edition = self.app.edition(slug)
            edition.config.delegation(delegation)
            lead = DelegationLead.record(
                id=uuid4(), edition_id=edition.id, delegation=delegation, name=name,
                email=email, language=language, members=list(members))
            return [lead, Mail.queue("lead_link", lead.id, about="0")], \
                self._view(lead, edition.config)

        return self.app.decide(decision, idempotency)

    def add_members(self, lead_id: UUID, generation: int, members: Sequence[UUID]) -> LeadView:
        def decision() -> tuple[list[Aggregate], LeadView]:
            lead = self._granted(lead_id, generation)
            lead.add_members(list(members))
            return [lead], self._view(lead)

        return self.app.decide(decision)

    def ask_member(self, lead_id: UUID, generation: int, registration_id: UUID) -> None:
        """E-mail a member a fresh link to their own registration (ending the one before), so
        they complete their details themselves."""

        def decision() -> tuple[list[Aggregate], None]:
            self._granted(lead_id, generation).check_member(registration_id)
            registration = self.registrations.get(registration_id)
            registration.renew_manage_link("lead_asked")
            return [registration], None

        self.app.decide(decision)

    def renew_link(self, lead_id: UUID, generation: int) -> int:
        """End the link in force and e-mail the next one; returns its generation."""

        def decision() -> tuple[list[Aggregate], int]:
            lead = self._granted(lead_id, generation)
            renewed = lead.renew_link()
            return [lead, Mail.queue("lead_link", lead.id, about=str(renewed))], renewed

        return self.app.decide(decision)

    def link_generation(self, lead_id: UUID, token: str) -> int:
        """The generation of the link `token` opens (else WrongToken): a session's grant."""
        lead = self._lead(lead_id)
        if not self.links.is_token(lead.id, lead.link_generation, token):
            raise WrongToken()
        return lead.link_generation

    def for_grant(self, lead_id: UUID, generation: int) -> LeadView:
        return self._view(self._granted(lead_id, generation))

    def _lead(self, lead_id: UUID) -> DelegationLead:
        return self.app.load(lead_id, DelegationLead, "delegation lead")

    def _granted(self, lead_id: UUID, generation: int) -> DelegationLead:
        lead = self._lead(lead_id)
        if lead.link_generation != generation:
            raise WrongToken()
        return lead

    def _view(self, lead: DelegationLead, config: EditionConfig | None = None) -> LeadView:
        config = config or self.app.load(lead.edition_id, Edition, "edition").config
        return LeadView(lead.id, config, lead.delegation, lead.name, lead.email, lead.language,
                        tuple(lead.members), lead.link_generation)
