"""What a staff page is about: the edition picked in its query, or the registration its
path names; the page then speaks that edition's languages."""

from __future__ import annotations

from typing import Any

from flask import request

from domain.edition_config import EditionConfig
from registration.services.views import RegistrationView
from registration.web.common.http import services
from registration.web.common.pages import registration_key, use_edition


def chosen_edition() -> tuple[EditionConfig | None, list[dict[str, Any]]]:
    """The edition `?edition=` names (else the last one), and every edition's document."""
    documents = services().queries.edition_documents()
    slugs = [doc["slug"] for doc in documents]
    slug = request.args.get("edition")
    if slug not in slugs:
        slug = slugs[-1] if slugs else None
    config = services().editions.config(slug) if slug else None
    if config is not None:
        use_edition(config)
    return config, documents


def registration_for_page(registration_id: str) -> RegistrationView:
    """The registration a staff page names (a 404 page if none), its edition speaking."""
    registration = services().registrations.view(registration_key(registration_id))
    use_edition(registration.edition)
    return registration
