"""Each staff member's choices on the staff pages, remembered across devices and workers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from uuid import UUID

from domain.edition_choice import edition_for_today
from domain.staff_preferences import StaffPreferences, preferences_id
from registration.application import Conference
from registration.clock import Clock
from registration.services.editions import EditionService


@dataclass(frozen=True)
class PreferencesView:
    edition: str | None
    language: str | None
    checkin: dict[str, tuple[str, str]] = field(default_factory=dict)  # see StaffPreferences


class StaffPreferencesService:
    def __init__(self, app: Conference, editions: EditionService, clock: Clock) -> None:
        self.app = app
        self.editions = editions
        self.clock = clock

    def of(self, staff_id: UUID) -> PreferencesView:
        found = self.app.find(preferences_id(staff_id), StaffPreferences)
        if found is None:
            return PreferencesView(None, None)
        return PreferencesView(found.edition, found.language, dict(found.checkin))

    def choose_edition(self, staff_id: UUID, slug: str) -> None:
        self.editions.config(slug)  # NotFound for an edition that does not exist
        self._decide(staff_id, lambda preferences: preferences.choose_edition(slug))

    def choose_language(self, staff_id: UUID, language: str) -> None:
        self._decide(staff_id, lambda preferences: preferences.choose_language(language))

    def choose_checkin_list(self, staff_id: UUID, slug: str, list_code: str,
                            direction: str) -> None:
        self.editions.config(slug).checkin_list(list_code)  # refused if it has no such list
        self._decide(staff_id, lambda preferences: preferences.choose_checkin_list(
            slug, list_code, direction))

    def opening_edition(self, staff_id: UUID, slugs: Sequence[str]) -> str | None:
        """The edition this member chose last, if it still exists; else today's edition."""
        chosen = self.of(staff_id).edition
        if chosen in slugs:
            return chosen
        today = edition_for_today([self.editions.config(s) for s in slugs], self.clock())
        return today.slug if today is not None else None

    def _decide(self, staff_id: UUID, change: Callable[[StaffPreferences], None]) -> None:
        def decision() -> tuple[list[StaffPreferences], None]:
            preferences = (self.app.find(preferences_id(staff_id), StaffPreferences)
                           or StaffPreferences(staff_id=staff_id))
            change(preferences)
            return [preferences], None

        self.app.decide(decision)
