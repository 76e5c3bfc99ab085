"""A yearly edition of the conference: its configuration document, versioned by events."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from threading import Lock
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.base import ConferenceAggregate
from domain.edition_config import EditionConfig
from domain.edition_document import parse_edition
from domain.errors import InvalidEdition
from domain.identifiers import edition_id

PARSED_KEPT = 32  # (edition, version) pairs whose parsed configuration is kept
_parsed: dict[tuple[UUID, int], tuple[dict, EditionConfig]] = {}
_parsed_lock = Lock()


@dataclass(frozen=True)
class EditionDocument:
    """The organiser's configuration document of an edition (JSON), as it was loaded.

    Its shape is checked by `parse_edition` before it is recorded (domain.edition_document).
    """

    content: dict[str, Any] = field(hash=False)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.content)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EditionDocument:
        return cls(dict(data))


class Edition(ConferenceAggregate):
    """The edition's configuration, versioned by events."""

    class Scheduled(ConferenceAggregate.Created):
        slug: str
        document: EditionDocument

    class Reconfigured(ConferenceAggregate.Event):
        document: EditionDocument

    @staticmethod
    def create_id(slug: str, document: EditionDocument) -> UUID:
        return edition_id(slug)

    @event(Scheduled)
    def __init__(self, slug: str, document: EditionDocument) -> None:
        self.slug = slug
        self.document = document.content
        self._config: EditionConfig | None = None

    @classmethod
    def schedule(cls, document: dict) -> Edition:
        config = parse_edition(document)
        return cls(slug=config.slug, document=EditionDocument(document))

    def reconfigure(self, document: dict) -> None:
        config = parse_edition(document)
        if config.slug != self.slug:
            raise InvalidEdition("The slug of an edition cannot change.", ["slug: cannot change"])
        if document != self.document:
            self._reconfigured(EditionDocument(document))

    @event(Reconfigured)
    def _reconfigured(self, document: EditionDocument) -> None:
        self.document = document.content
        self._config = None

    @property
    def config(self) -> EditionConfig:
        """The parsed document; parsed once per saved version, however often it is loaded.

        (Every request loads its edition; parsing was a tenth of a badge request's overhead.)
        A version with unsaved changes is never shared: its save may yet be refused. The
        document is compared too, as two stores (tests, benchmarks) may hold the same edition.
        """
        if getattr(self, "_config", None) is None:
            self._config = parse_edition(self.document) if self.pending_events else \
                self._shared_config()
        assert self._config is not None
        return self._config

    def _shared_config(self) -> EditionConfig:
        key = (self.id, self.version)
        document, config = _parsed.get(key, (None, None))
        if config is not None and document == self.document:
            return config
        config = parse_edition(self.document)
        with _parsed_lock:
            if len(_parsed) >= PARSED_KEPT:
                del _parsed[next(iter(_parsed))]
            _parsed[key] = (self.document, config)
        return config
