"""The edition as a calendar event (.ics), attached to the confirmation e-mail."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from icalendar import Calendar, Event, vCalAddress

from domain.edition_config import EditionConfig


def venue_line(config: EditionConfig) -> str:
    """ "Palais des congrès de Montréal, 1001, place Jean-Paul-Riopelle, Montréal QC H2Z 1H5" """
    venue = config.venue
    city = " ".join(v for v in (venue.get("city"), venue.get("region"),
                                venue.get("postal_code")) if v)
    return ", ".join(v for v in (venue.get("name"), venue.get("address"), city) if v)


def edition_ics(config: EditionConfig, language: str, registration_id: UUID) -> bytes:
    """One all-day event from the first to the last day (DTEND is exclusive in iCalendar)."""
    calendar = Calendar()
    calendar.add("prodid", "-//conference-registration//confirmation//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{config.slug}-{registration_id}@conference-registration")
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
