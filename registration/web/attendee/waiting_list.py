"""The waiting list's pages: joining it when a type or a delegation's allotment is sold out,
and the entry's own page behind its secret link (its place in line, the offer and its
deadline, accepting it, leaving the list).

Opening `/w/<id>?token=…` exchanges the token for a grant in the session and redirects
without it, as a manage link does (registration.web.attendee.holder). Accepting goes to the
registration form (one place) or the group form (several), pre-filled, carrying the entry:
each person registered there takes one of the held places, at the price in force then.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from werkzeug.datastructures import MultiDict

from domain.actor import Actor
from domain.errors import AlreadyWaiting, DomainError, WrongToken
from registration.idempotency import Replayed
from registration.services.waiting_list import EntryView
from registration.web.attendee.holder import without_token
from registration.web.common import i18n
from registration.web.common.acting import act_as
from registration.web.common.forms import Errors, refusal, typed, validate
from registration.web.common.http import services
from registration.web.common.idempotency import claim, waiting_list_outcome
from registration.web.common.pages import display_name, edition_for_page, protect, use_edition
from registration.web.common.ratelimit import budget, link_mail_allowed
from registration.web.common.schemas import LinkRequestSchema
from registration.web.common.waiting_list_schemas import WaitingListJoinSchema

waiting = protect(Blueprint("waiting", __name__))
GRANTS = "waiting_list"  # in the session: the entries this browser opened with their link
FIELDS = ("registration_type", "delegation", "quantity", "first_name", "last_name", "email")


def grant_entry(entry_id: UUID) -> None:
    session[GRANTS] = sorted({*(session.get(GRANTS) or []), str(entry_id)})


def entry_for_session(entry_id: str) -> EntryView:
    """The entry, if this session opened it with its link (else 403)."""
    try:
        key = UUID(entry_id)
    except ValueError:
        abort(404)
    token = request.args.get("token")
    if token is not None:
        try:
            services().waiting_list.for_holder(key, token)
        except WrongToken:
            abort(403, description=i18n.gettext(
                "This link does not open this waiting-list entry."))
        grant_entry(key)
        abort(redirect(without_token(), 303))
    if str(key) not in (session.get(GRANTS) or []):
        abort(403, description=i18n.gettext(
            "Open your waiting-list entry with the personal link from your e-mail."))
    entry = services().waiting_list.view(key)
    act_as(Actor.attendee())
    use_edition(entry.edition)
    return entry


def places_asked() -> int:
    """What joining costs from the registrations budget: one per place waited for."""
    try:
        return min(max(int(request.form.get("quantity") or 1), 1), 30)
    except ValueError:
        return 1


@waiting.route("/e/<slug>/waiting-list", methods=["GET", "POST"])
@budget("registrations", cost=places_asked)
def join(slug: str) -> Any:
    """Join the waiting list of a sold-out type or a full delegation allotment."""
    config = edition_for_page(slug)
    form = request.form if request.method == "POST" else MultiDict(request.args)
    errors: Errors = {}
    status = 422
    if request.method == "POST":
        payload: dict[str, Any] = {key: typed(form, key) for key in FIELDS}
        payload["quantity"] = places_asked() if typed(form, "quantity") else 1
        payload["language"] = i18n.current_language()
        data, errors = validate(WaitingListJoinSchema(),
                                {k: v for k, v in payload.items() if v is not None})
        if not errors:
            try:
                joined = services().waiting_list.join(
                    slug, **data, idempotency=claim(waiting_list_outcome))
            except Replayed as replayed:  # the form posted again: the entry it made
                grant_entry(UUID(replayed.outcome.ids[0]))
                return redirect(url_for("waiting.entry", entry_id=replayed.outcome.ids[0]), 303)
            except DomainError as error:
                errors = refusal(error)
                status = 409 if isinstance(error, AlreadyWaiting) else 422
            else:
                grant_entry(joined.entry.id)
                return redirect(url_for("waiting.entry", entry_id=joined.entry.id), 303)
    language = i18n.current_language()
    return render_template(
        "public/waiting_list_join.html", config=config, form=form, errors=errors,
        type_options=[(t.code, t.name(language)) for t in config.offered_types()],
        delegation_options=[(d.code, d.name(language)) for d in config.delegations],
        link_again_url=url_for("waiting.send_link", slug=config.slug) if status == 409 else None,
    ), status if errors else 200


LINK_SENT = i18n.N_("If an entry on this edition's waiting lists uses this address, we have "
                    "just e-mailed its link to it again.")


@waiting.route("/e/<slug>/waiting-list/my-link", methods=["GET", "POST"])
@budget("links")
def send_link(slug: str) -> Any:
    """E-mail a waiting-list entry's link again: the same answer whether or not an entry
    uses the address (public.send_link, for a registration)."""
    config = edition_for_page(slug)
    form: Any = request.form if request.method == "POST" else MultiDict(request.args)
    errors: Errors = {}
    sent = False
    if request.method == "POST":
        data, errors = validate(LinkRequestSchema(), {"email": form.get("email", "")})
        if not errors:
            if link_mail_allowed(data["email"]):
                services().waiting_list.send_link_again(config.slug, data["email"])
            sent = True
    return render_template(
        "public/send_link.html", config=config, form=form, errors=errors, sent=sent,
        sent_message=i18n.gettext(LINK_SENT) if sent else None,
        intro=i18n.gettext("Give the e-mail address of your waiting-list entry: we will "
                           "e-mail you its link again.")), 422 if errors else 200


@waiting.get("/w/<entry_id>")
def entry(entry_id: str) -> Any:
    """The entry's page: where it stands, the offer and until when, accept or leave."""
    found = entry_for_session(entry_id)
    return entry_page(found)


@waiting.post("/w/<entry_id>/leave")
def leave(entry_id: str) -> Any:
    found = entry_for_session(entry_id)
    try:
        found = services().waiting_list.leave(found.id)
    except DomainError as error:
        return entry_page(found, refusal(error).get("", ""), 409)
    return entry_page(found, i18n.gettext("You have left the waiting list."))


def entry_page(found: EntryView, notice: str | None = None, status: int = 200) -> Any:
    config = found.edition
    accept = None
    if found.status == "offered":
        accept = url_for("public.group", slug=config.slug, offer=found.id,
                         rows=found.quantity - found.registered) if found.quantity > 1 \
            else url_for("public.register", slug=config.slug, offer=found.id)
    return render_template(
        "public/waiting_list_entry.html", config=config, entry=found, accept_url=accept,
        notice=notice, notice_bad=status != 200,
        type_name=display_name(config, "type", found.registration_type),
        delegation_name=found.delegation and display_name(config, "delegation",
                                                           found.delegation)), status


def offer_in_session(value: str | None) -> EntryView | None:
    """The offer a registration form carries (`offer`), if this session opened its entry
    and it is offered now (else None: the form is an ordinary one)."""
    if not value:
        return None
    try:
        key = UUID(value)
    except ValueError:
        return None
    if str(key) not in (session.get(GRANTS) or []):
        return None
    found = services().waiting_list.view(key)
    return found if found.status == "offered" else None


def offer_token(found: EntryView) -> tuple[UUID, str]:
    """What registering on the offer's places gives the service: the entry and its link."""
    return found.id, services().waiting_list.token(found.id)
