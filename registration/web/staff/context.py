"""What a staff page is about, and in which language it speaks.

The edition: the one `?edition=` names (remembered for that person), else the one they
chose last, else the edition running today (`domain.edition_choice`). The language is the
person's, never the edition's: `?lang=` (remembered), else their last choice, else their
browser's. The edition only decides how money and dates are formatted.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request, session

from domain.edition_config import EditionConfig
from registration.services.views import RegistrationView
from registration.web.common import i18n
from registration.web.common.http import services
from registration.web.common.pages import registration_key
from registration.web.common.staff_session import signed_in_staff


def speak_as_staff(territory: str = "CA") -> None:
    """Set this request's language to the signed-in person's (the sign-in page: the browser's)."""
    member = signed_in_staff()
    asked = request.args.get("lang")
    if asked in i18n.LANGUAGES:
        session["lang"] = asked
        if member is not None and request.method == "GET":  # a refused form records nothing
            services().preferences.choose_language(member.id, asked)
        language = asked
    else:
        chosen = services().preferences.of(member.id).language if member is not None else None
        language = chosen or session.get("lang") or \
            request.accept_languages.best_match(i18n.LANGUAGES) or i18n.DEFAULT
    i18n.set_language(str(language), territory)


def speak_about(config: EditionConfig) -> None:
    """Keep the person's language; format money and dates for the edition's country."""
    i18n.set_language(i18n.current_language(), config.host.split("-")[0])


def install_staff_language(blueprints: tuple[Blueprint, ...]) -> None:
    for blueprint in blueprints:
        blueprint.before_request(speak_as_staff)


def chosen_edition() -> tuple[EditionConfig | None, list[dict[str, Any]]]:
    """The edition this page is about, and every edition's document (for the switcher)."""
    documents = services().queries.edition_documents()
    slugs = [doc["slug"] for doc in documents]
    member = signed_in_staff()
    asked = request.args.get("edition")
    slug: str | None
    if asked is not None and asked in slugs:
        slug = asked
        if member is not None and request.method == "GET":
            services().preferences.choose_edition(member.id, asked)
    elif member is not None:
        slug = services().preferences.opening_edition(member.id, slugs)
    else:
        slug = slugs[-1] if slugs else None
    config = services().editions.config(slug) if slug else None
    if config is not None:
        speak_about(config)
    return config, documents


def edition_for_staff_page(slug: str) -> EditionConfig:
    """The edition a staff page's path names (a 404 page if none), in the person's language."""
    config = services().editions.config(slug)
    speak_about(config)
    return config


def registration_for_page(registration_id: str) -> RegistrationView:
    """The registration a staff page names (a 404 page if none), its edition's formats."""
    registration = services().registrations.view(registration_key(registration_id))
    speak_about(registration.edition)
    return registration
