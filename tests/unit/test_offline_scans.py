"""Scans made offline on several desk devices, merged when the network comes back."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from domain.checkin_lists import DEFAULT_LIST
from domain.errors import AlreadyCancelled
from domain.offline_scans import OfflineScan, in_device_order, scan_time, too_old
from domain.policy import CancellationPolicy
from domain.registration import Registration
from tests.unit.test_desk_rules import registration

AT = datetime.fromisoformat("2019-06-03T10:02:00-04:00")
DAY = date(2019, 6, 3)


def offline(place: Registration, direction: str, at: datetime, device: str = "B") -> str | None:
    return place.check_in_offline("Nadia", at, DEFAULT_LIST, direction, device, DAY)


def recorded(place: Registration) -> list[str]:
    return [type(e).__name__ for e in place.collect_events()][1:]


def scan(nonce: str, device: str, minutes: int) -> OfflineScan:
    return OfflineScan(nonce, "CODE", "entry", "entry", device, AT + timedelta(minutes=minutes))


def test_a_queue_is_applied_in_the_order_the_devices_scanned_it():
    queue = [scan("n3", "A", 5), scan("n1", "B", 1), scan("n2", "A", 1)]
    assert [s.nonce for s in in_device_order(queue)] == ["n2", "n1", "n3"]


def test_an_offline_entry_nobody_else_recorded_is_an_entry_at_the_devices_time():
    place = registration()
    assert offline(place, "entry", AT) is None
    assert place.inside_since("entry") == AT
    assert recorded(place) == ["CheckedIn"]


def test_the_same_person_entered_on_two_offline_devices_is_a_conflict_not_a_second_entry():
    place = registration()
    place.check_in_offline("Nadia", AT, DEFAULT_LIST, "entry", "A", DAY)
    assert offline(place, "entry", AT + timedelta(minutes=3), device="B") == "entered_elsewhere"
    assert place.inside_since("entry") == AT  # the first entry stands
    events = place.collect_events()[1:]
    assert [type(e).__name__ for e in events] == ["CheckedIn", "CheckInConflicted"]
    conflict = events[1]
    assert (conflict.device, conflict.reason, conflict.inside_since) == ("B", "entered_elsewhere",
                                                                         AT)


def test_an_exit_for_someone_not_inside_is_kept_as_a_conflict():
    place = registration()
    assert offline(place, "exit", AT) == "not_inside"
    assert place.inside_since("entry") is None
    assert recorded(place) == ["CheckInConflicted"]


def test_a_scan_older_than_one_recorded_meanwhile_does_not_rewrite_what_followed():
    place = registration()
    place.check_in("Paul", AT)  # online, 10:02
    place.check_in("Paul", AT + timedelta(hours=1), DEFAULT_LIST, "exit")  # left at 11:02
    # a device offline since 10:00 scanned them in at 10:30, synced at 11:30
    assert offline(place, "entry", AT + timedelta(minutes=28)) == "out_of_order"
    assert place.inside_since("entry") is None


def test_an_entry_then_exit_queued_on_one_device_are_both_recorded():
    place = registration()
    assert offline(place, "entry", AT) is None
    assert offline(place, "exit", AT + timedelta(hours=2)) is None
    assert place.inside_since("entry") is None
    assert recorded(place) == ["CheckedIn", "CheckedIn"]


def test_an_offline_scan_of_a_cancelled_place_is_refused_like_an_online_one():
    place = registration()
    place.cancel(CancellationPolicy(steps=(), fee=Decimal(0)), AT)
    with pytest.raises(AlreadyCancelled):
        offline(place, "entry", AT)


def test_a_device_clock_ahead_is_clamped_and_a_week_old_scan_is_too_old():
    received = AT + timedelta(minutes=1)
    assert scan_time(AT + timedelta(hours=3), received) == received
    assert scan_time(AT, received) == AT
    assert too_old(AT - timedelta(days=8), received)
    assert not too_old(AT - timedelta(hours=5), received)
