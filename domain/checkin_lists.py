"""Check-in lists: the doors an edition scans people through, and who may pass each.

An edition document may define `checkin_lists`, e.g. the conference entry for everyone, a
gala dinner for some registration types, one list per day:

    [{"code": "entry", "names": {"en": "Conference entry", "fr": "Entrée au congrès"}},
     {"code": "gala", "names": {...}, "registration_types": ["delegate", "speaker"]},
     {"code": "day-2019-06-03", "day": "2019-06-03"}]

A list may also admit those who bought an add-on (domain.extras): `"extras": ["gala"]`,
alone or beside `registration_types` (then one's type OR the add-on admits).

Without any, the edition has one list, the conference entry (`DEFAULT_LIST`): editions
scheduled before lists existed keep working, and check-ins recorded before them are on it.

Each scan is an entry or an exit. A second entry without an exit changes nothing (the desk
says since when the person is inside); an exit with no entry is refused, so "present now"
never counts anyone below zero and a missed entry scan shows at the door, where it can be
fixed by scanning the entry, then the exit.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from domain.documents import DocumentReader, join
from domain.errors import NotInside, NotOnList

DIRECTIONS = ("entry", "exit")
LIST_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
ALL_TYPES = "all"


@dataclass(frozen=True)
class CheckinList:
    code: str
    names: Mapping[str, str] = field(default_factory=dict)
    registration_types: frozenset[str] | None = None  # None: every type
    day: date | None = None  # a one-day list admits on that day only (the edition's time zone)
    extras: frozenset[str] = frozenset()  # buying any of these add-ons admits too

    def name(self, language: str) -> str | None:
        """The list's name in `language` (None: a day list without names, named by its day)."""
        return self.names.get(language) or self.names.get("en") or (
            None if self.day else self.code)

    def check_admits(self, registration_type: str, today: date,
                     extras: frozenset[str] = frozenset()) -> None:
        """Refuse a person whose type is not on the list and who bought none of its add-ons
        (`extras`: the add-ons they bought), or a day list on another day."""
        if self.registration_types is not None and \
                registration_type not in self.registration_types and \
                not self.extras & extras:
            bought = " nor an add-on it admits" if self.extras else ""
            raise NotOnList(f"Not on the list {self.code!r}: it does not admit the "
                            f"registration type {registration_type!r}{bought}.")
        if self.day is not None and self.day != today:
            raise NotOnList(f"Not on the list {self.code!r} today: it admits on "
                            f"{self.day.isoformat()} only.", reason="day")


DEFAULT_LIST = CheckinList("entry", {"en": "Conference entry", "fr": "Entrée au congrès"})


def passage(inside_since: datetime | None, direction: str, at: datetime) -> datetime | None:
    """Where a scan leaves someone on a list: inside since when (None: outside).

    `inside_since` is where they were. A second entry keeps the first entry's time (and
    records nothing: see `changes`); an exit with no entry is refused (NotInside).
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"a scan is an {' or an '.join(DIRECTIONS)}, not {direction!r}")
    if direction == "entry":
        return inside_since or at
    if inside_since is None:
        raise NotInside()
    return None


def changes(inside_since: datetime | None, direction: str) -> bool:
    """Does a scan (already allowed by `passage`) record anything: not a second entry."""
    return not (direction == "entry" and inside_since is not None)


def parse_checkin_lists(r: DocumentReader, doc: Mapping[str, Any], type_codes: set[str],
                        extra_codes: Collection[str] = ()) -> tuple[CheckinList, ...]:
    """The document's lists (the default list when it has none), every problem recorded."""
    items = r.items(doc, "checkin_lists", "", required=False)
    if not items:
        return (DEFAULT_LIST,)
    lists = tuple(_checkin_list(r, item, join("checkin_lists", i), type_codes, extra_codes)
                  for i, item in enumerate(items))
    r.unique([c.code for c in lists], "checkin_lists", "check-in list")
    return lists


def _checkin_list(r: DocumentReader, doc: Any, path: str, type_codes: set[str],
                  extra_codes: Collection[str]) -> CheckinList:
    if not isinstance(doc, Mapping):
        r.problem(path, "must be an object with a code")
        return DEFAULT_LIST
    for key in sorted(set(doc) - {"code", "names", "registration_types", "day", "extras"}):
        r.problem(join(path, str(key)), "is not a known field")
    code = r.text(doc, "code", path)
    if code and not LIST_CODE.match(code):
        r.problem(join(path, "code"), "must be lower-case letters, digits and dashes")
    day = r.day(doc, "day", path, required=False) if doc.get("day") is not None else None
    names = r.names(doc, "names", path) if doc.get("names") is not None or day is None else {}
    extras = _bought(r, doc, path, extra_codes)
    types = doc.get("registration_types", ALL_TYPES if not extras else [])
    if types == ALL_TYPES:
        return CheckinList(code, names, None, day, extras)
    chosen = frozenset(r.items(doc, "registration_types", path, required=not extras))
    if not chosen and not extras:
        r.problem(join(path, "registration_types"), f'must list types, or be "{ALL_TYPES}"')
    for unknown in sorted(str(t) for t in chosen - type_codes):
        r.problem(join(path, "registration_types"), f"unknown registration type {unknown!r}")
    return CheckinList(code, names, chosen, day, extras)


def _bought(r: DocumentReader, doc: Mapping[str, Any], path: str,
            extra_codes: Collection[str]) -> frozenset[str]:
    """The add-ons whose buyers the list admits (none unless the document says)."""
    if doc.get("extras") is None:
        return frozenset()
    bought = frozenset(str(code) for code in r.items(doc, "extras", path))
    if not bought:
        r.problem(join(path, "extras"), "must list the add-ons whose buyers it admits")
    for unknown in sorted(bought - set(extra_codes)):
        r.problem(join(path, "extras"), f"unknown add-on {unknown!r}")
    return bought
