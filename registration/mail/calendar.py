"""The edition as a calendar event (.ics), attached to the confirmation e-mail."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from icalendar import Calendar, Event, vCalAddress

from domain.edition import Edition
from domain.edition_config import EditionConfig

UID_MARK = "uid-of-the-attendee"  # where each attendee's event UID goes
KEPT = 64  # (edition, version, language) calendars a process keeps
FOLDED_AT = 74  # characters of an ASCII line before icalendar folds it (and of each part)


def venue_line(config: EditionConfig) -> str:
    """ "Palais des congrès de Montréal, 1001, place Jean-Paul-Riopelle, Montréal QC H2Z 1H5" """
    venue = config.venue
    city = " ".join(v for v in (venue.get("city"), venue.get("region"),
                                venue.get("postal_code")) if v)
    return ", ".join(v for v in (venue.get("name"), venue.get("address"), city) if v)


def edition_ics(config: EditionConfig, language: str, uid: str) -> bytes:
    """One all-day event from the first to the last day (DTEND is exclusive in iCalendar)."""
    calendar = Calendar()
    calendar.add("prodid", "-//conference-registration//confirmation//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", uid)
    event.add("summary", config.name(language))
    event.add("dtstart", config.starts_on)
    event.add("dtend", config.ends_on + timedelta(days=1))
    event.add("location", venue_line(config))
    if config.contact.get("email"):
        organizer = vCalAddress(f"mailto:{config.contact['email']}")
        organizer.params["cn"] = config.name(language)
        event.add("organizer", organizer)
    event.add("transp", "TRANSPARENT")
    calendar.add_component(event)
    return calendar.to_ical()


class EditionCalendars:
    """Each attendee's calendar file: the edition's, built once per edition version and
    language (a change to the edition is a new version, so it shows), with the attendee's
    own event UID put in."""

    def __init__(self) -> None:
        self._built: dict[tuple[UUID, int, str], tuple[bytes, bytes]] = {}

    def ics(self, edition: Edition, language: str, registration_id: UUID) -> bytes:
        head, tail = self._edition_calendar(edition, language)
        line = f"UID:{edition.config.slug}-{registration_id}@conference-registration"
        return b"%s\r\n%s\r\n%s" % (head, folded(line).encode("ascii"), tail)

    def _edition_calendar(self, edition: Edition, language: str) -> tuple[bytes, bytes]:
        key = (edition.id, edition.version, language)
        if key not in self._built:
            if len(self._built) >= KEPT:
                self._built.clear()
            ics = edition_ics(edition.config, language, UID_MARK)
            head, line, tail = ics.partition(f"\r\nUID:{UID_MARK}\r\n".encode())
            assert line, "the UID line is where it was put"
            self._built[key] = head, tail
        return self._built[key]


def folded(line: str) -> str:
    """An ASCII content line with nothing to escape (a UID here: a slug is [a-z0-9-], an id
    hex digits and dashes) folded as icalendar folds it, which it does character by
    character: 13.6 us a UID line, this 1.3 us."""
    return "\r\n ".join([line[start:start + FOLDED_AT]
                          for start in range(0, len(line), FOLDED_AT)])
