"""Every scan of the person holding a place, per check-in list, for the desk's card: each
entry and exit with its time and who scanned it, and the conflicts of scans made offline
(domain.offline_scans). The previous holder's scans stay in the registration's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.edition_config import EditionConfig
from registration.services.history import HistoryEntry
from registration.web.common.history_text import describe
from registration.web.common.pages import list_name

SCANS = ("CheckedIn", "CheckInConflicted")


@dataclass(frozen=True)
class Scan:
    at: datetime  # when it was scanned (a device's clock, for a scan made offline)
    kind: str  # "entry", "exit" or "conflict"
    by: str
    text: str  # a conflict's sentence; empty for an entry or an exit


@dataclass(frozen=True)
class ListScans:
    code: str
    name: str
    scans: list[Scan]


def scans_by_list(history: list[HistoryEntry], config: EditionConfig) -> list[ListScans]:
    """The current holder's scans (since the last substitution), per list in the edition's
    order of lists, oldest first."""
    since = max((i for i, e in enumerate(history) if e.event == "Substituted"), default=-1)
    found: dict[str, list[Scan]] = {}
    for entry in history[since + 1:]:
        if entry.event not in SCANS:
            continue
        details = entry.details
        conflict = entry.event == "CheckInConflicted"
        found.setdefault(details["list"], []).append(Scan(
            datetime.fromisoformat(details["at"]).astimezone(config.zone),
            "conflict" if conflict else details["direction"], details.get("by", ""),
            describe(entry, config) if conflict else ""))
    order = [c.code for c in config.checkin_lists]
    return [ListScans(code, list_name(config, code), sorted(scans, key=lambda s: s.at))
            for code, scans in sorted(found.items(), key=lambda item: (
                order.index(item[0]) if item[0] in order else len(order), item[0]))]
