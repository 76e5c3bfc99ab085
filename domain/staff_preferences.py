"""What a staff member last chose on the staff pages: the edition they work on, their language,
and at the check-in desk of each edition, the list they scan and in which direction.

Kept apart from the account (`domain.staff`) so that a choice never competes with a
password change or a token for the same aggregate.
"""

from __future__ import annotations

from uuid import UUID, uuid5

from eventsourcing.domain import event

from domain.base import ConferenceAggregate
from domain.checkin_lists import DIRECTIONS
from domain.identifiers import NAMESPACE

STAFF_LANGUAGES = ("en", "fr")


class StaffPreferences(ConferenceAggregate):
    class Started(ConferenceAggregate.Created):
        staff_id: UUID

    class EditionChosen(ConferenceAggregate.Event):
        edition: str

    class LanguageChosen(ConferenceAggregate.Event):
        language: str

    class CheckinListChosen(ConferenceAggregate.Event):
        edition: str
        list_code: str
        direction: str  # "entry" or "exit"

    @staticmethod
    def create_id(staff_id: UUID) -> UUID:
        return preferences_id(staff_id)

    @event(Started)
    def __init__(self, staff_id: UUID) -> None:
        self.staff_id = staff_id
        self.edition: str | None = None
        self.language: str | None = None
        self.checkin: dict[str, tuple[str, str]] = {}  # edition -> (list code, direction)

    def choose_edition(self, slug: str) -> None:
        """Remember the edition (nothing is recorded when it is already the one chosen)."""
        if slug != self.edition:
            self._edition_chosen(slug)

    def choose_language(self, language: str) -> None:
        if language not in STAFF_LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(STAFF_LANGUAGES)}")
        if language != self.language:
            self._language_chosen(language)

    def choose_checkin_list(self, edition: str, list_code: str, direction: str) -> None:
        """Remember the list and direction scanned at `edition`'s desk (if they changed)."""
        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}")
        if self.checkin.get(edition) != (list_code, direction):
            self._checkin_list_chosen(edition, list_code, direction)

    @event(CheckinListChosen)
    def _checkin_list_chosen(self, edition: str, list_code: str, direction: str) -> None:
        self.checkin[edition] = (list_code, direction)

    @event(EditionChosen)
    def _edition_chosen(self, edition: str) -> None:
        self.edition = edition

    @event(LanguageChosen)
    def _language_chosen(self, language: str) -> None:
        self.language = language


def preferences_id(staff_id: UUID) -> UUID:
    return uuid5(NAMESPACE, f"staff-preferences/{staff_id}")
