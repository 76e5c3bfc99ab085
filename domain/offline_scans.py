"""Scans made at a desk whose network dropped, merged into the log when it comes back.

A desk device keeps a copy of the edition's badges and who is inside, answers scans from it
while offline, and queues each scan with a nonce of its own and the device's clock. When the
network returns, the queue is sent: each scan is applied in device-time order, once (its
nonce is recorded with it), against what the log says *now* — which other devices may have
changed meanwhile. pretixSCAN replays such scans by timestamp and admits double entries; here
a scan that contradicts what was recorded meanwhile is recorded as a **conflict**
(`Registration.CheckInConflicted`), shown in the history and on the desk, and changes
nobody's presence:

- `entered_elsewhere`: an entry for someone already inside this list (scanned in on another
  device while this one was offline): the first entry stands;
- `not_inside`: an exit for someone not inside (their entry was never recorded, or another
  device already scanned them out);
- `out_of_order`: a scan older than the last one recorded for this person on this list,
  which would otherwise rewrite what happened after it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

CONFLICTS = ("entered_elsewhere", "not_inside", "out_of_order")
OLDEST = timedelta(days=7)  # a queued scan older than this is refused (a device's clock gone wrong)


@dataclass(frozen=True)
class OfflineScan:
    nonce: str  # chosen by the device: the same nonce sent twice records once
    code: str  # the QR text or typed short code, as scanned
    list_code: str
    direction: str  # "entry" or "exit"
    device: str  # the device's own name for itself (a random id kept in its browser)
    scanned_at: datetime  # the device's clock when scanned (aware)


def in_device_order(scans: Iterable[OfflineScan]) -> list[OfflineScan]:
    """The order to apply a queue in: the device's clock, then device and nonce (stable)."""
    return sorted(scans, key=lambda s: (s.scanned_at, s.device, s.nonce))


def scan_time(scanned_at: datetime, received_at: datetime) -> datetime:
    """When the scan happened, as recorded: the device's clock, never later than it reached us."""
    return min(scanned_at, received_at)


def too_old(scanned_at: datetime, received_at: datetime) -> bool:
    return received_at - scanned_at > OLDEST


def conflict(inside_since: datetime | None, last_scan: datetime | None, direction: str,
             at: datetime) -> str | None:
    """Why an offline scan at `at` contradicts the list's state now (None: it does not).

    `inside_since`: where the person stands on the list; `last_scan`: the latest scan
    recorded for them on it.
    """
    if direction == "entry" and inside_since is not None:
        return "entered_elsewhere"
    if direction == "exit" and inside_since is None:
        return "not_inside"
    if last_scan is not None and at < last_scan:
        return "out_of_order"
    return None
