"""The desk offline: a device's copy of the edition (whole, or what changed since a position
of the event log), and the scans it queued while the network was down, applied once each
(domain.offline_scans)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.errors import DomainError, UnknownCheckinCode
from domain.offline_scans import OfflineScan, in_device_order, scan_time, too_old
from domain.outcome import Outcome
from domain.registration import Registration
from registration.application import Conference
from registration.clock import Clock
from registration.idempotency import Claim, Replayed
from registration.projections.desk_copy import PAGE, people
from registration.projections.runner import ReadModels
from registration.services.desk import DeskService

RESOURCE = "offline_scan"


@dataclass(frozen=True)
class SyncedScan:
    """What became of one queued scan."""

    nonce: str
    status: str  # "recorded", "conflict" or "refused"
    registration_id: str | None = None
    reason: str = ""  # the conflict (domain.offline_scans.CONFLICTS) or the refusal's code
    repeated: bool = False  # this nonce was applied before: nothing recorded again


class OfflineDeskService:
    def __init__(self, app: Conference, read_models: ReadModels, desk: DeskService,
                 clock: Clock) -> None:
        self.app = app
        self.read_models = read_models
        self.desk = desk
        self.clock = clock

    def copy(self, slug: str, since: int | None = None) -> dict[str, Any]:
        """The edition's places, or those changed after `since`, and the log position they
        were read at (the read tables are at least there: send it back as the next `since`)."""
        edition = self.app.edition(slug)
        position = self.read_models.position  # first: the rows read next are at least there
        if since is None or since > position:
            return {"position": position, "complete": True,
                    "people": people(self.read_models.store, str(edition.id))}
        changed = self._changed(since, position)
        return {"position": position, "complete": False,
                "people": people(self.read_models.store, str(edition.id), changed)}

    def _changed(self, since: int, until: int) -> set[str]:
        """Whatever the log recorded in (since, until]: the ids of what it changed."""
        changed: set[str] = set()
        while since < until:
            notifications = self.app.recorder.select_notifications(
                start=since, limit=PAGE, stop=until, inclusive_of_start=False)
            if not notifications:
                break
            changed.update(str(n.originator_id) for n in notifications)
            since = notifications[-1].id
        return changed

    def sync(self, slug: str, by: str, scans: Sequence[OfflineScan]) -> list[SyncedScan]:
        """Apply a device's queue in the order it scanned; each nonce once."""
        edition = self.app.edition(slug)
        received = self.clock()
        return [self._apply(edition.id, slug, by, scan, received)
                for scan in in_device_order(scans)]

    def _apply(self, edition_id: UUID, slug: str, by: str, scan: OfflineScan,
               received: datetime) -> SyncedScan:
        claim = Claim(scope=f"{RESOURCE}/{slug}", key=scan.nonce, fingerprint=_fingerprint(scan),
                      outcome_of=lambda s: Outcome(RESOURCE, (s.registration_id, s.status,
                                                              s.reason)))
        config = self.app.edition(slug).config
        try:
            if too_old(scan.scanned_at, received):
                return SyncedScan(scan.nonce, "refused", reason="too_old")
            registration_id = self.desk.admitted_by(scan.code)
            checkin_list = config.checkin_list(scan.list_code)

            def decision() -> tuple[list[Aggregate], SyncedScan]:
                registration = self.app.load(registration_id, Registration, "registration")
                if registration.edition_id != edition_id:
                    raise UnknownCheckinCode()
                at = scan_time(scan.scanned_at, received)
                reason = registration.check_in_offline(
                    by, at, checkin_list, scan.direction, scan.device,
                    config.day_of(at))
                return [registration], SyncedScan(scan.nonce, "conflict" if reason else
                                                  "recorded", str(registration_id), reason or "")

            return self.app.decide(decision, claim)
        except Replayed as replayed:
            registration, status, reason = replayed.outcome.ids
            return SyncedScan(scan.nonce, status, registration, reason, repeated=True)
        except DomainError as refusal:
            return SyncedScan(scan.nonce, "refused", reason=refusal.code)


def _fingerprint(scan: OfflineScan) -> str:
    content = "\n".join((scan.code, scan.list_code, scan.direction, scan.device,
                         scan.scanned_at.isoformat()))
    return hashlib.sha256(content.encode()).hexdigest()
