"""The stored events' JSON: orjson writes the very bytes the library's `json` transcoder
wrote, and each reads what the other wrote, value objects, UUIDs, Decimals and datetimes
included, at any depth."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    TranscodingNotRegisteredError,
    UUIDAsHex,
)

from domain.money import Money
from domain.transcodings import value_transcodings
from registration.adapters.json_transcoder import OrjsonTranscoder


def registered(transcoder: JSONTranscoder) -> JSONTranscoder:
    for transcoding in [UUIDAsHex(), DecimalAsStr(), DatetimeAsISO(), *value_transcodings()]:
        transcoder.register(transcoding)
    return transcoder


STATE = {
    "registration_id": uuid4(),
    "timestamp": datetime(2026, 12, 1, 8, 30, tzinfo=UTC),
    "amount": Money(Decimal("1258.98"), "CAD"),
    "rate": Decimal("0.14975"),
    "ids": [uuid4(), uuid4()],
    "pair": (1, "deux"),
    "nested": {"owner": uuid4(), "prices": [Money(Decimal("395.00"), "CAD")], "n": None},
    "name": "Zoé Côté-Lévesque",
    "class_version": 2,
}


def test_orjson_writes_the_bytes_json_wrote_and_each_reads_the_other() -> None:
    standard, fast = registered(JSONTranscoder()), registered(OrjsonTranscoder())
    stored = standard.encode(STATE)
    assert fast.encode(STATE) == stored
    expected = {**STATE, "pair": [1, "deux"]}
    assert fast.decode(stored) == expected
    assert standard.decode(fast.encode(STATE)) == expected
    assert type(fast.decode(stored)["ids"][0]) is UUID


def test_what_orjson_cannot_write_or_read_is_left_to_json() -> None:
    standard, fast = registered(JSONTranscoder()), registered(OrjsonTranscoder())
    state = {"huge": 2**70, "amount": Money(Decimal("1.00"), "CAD")}
    assert fast.encode(state) == standard.encode(state)
    assert fast.decode(standard.encode(state)) == state
    assert math.isnan(fast.decode(b'{"x":NaN}')["x"])


def test_a_type_without_a_transcoding_is_still_refused() -> None:
    with pytest.raises(TranscodingNotRegisteredError):
        registered(OrjsonTranscoder()).encode({"when": object()})
