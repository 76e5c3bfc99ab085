"""Pages for attendees: the edition, the registration form (one person or a delegation)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from uuid import UUID

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from marshmallow.validate import Length
from werkzeug.datastructures import MultiDict

from domain.attendee import Attendee
from domain.availability import Availability
from domain.edition_config import EditionConfig
from domain.errors import DomainError
from domain.outcome import Outcome
from domain.pricing import PriceQuote
from domain.questions import AnswersRefused
from registration.idempotency import Replayed
from registration.services.delegation_leads import LeadView
from registration.services.waiting_list import EntryView
from registration.web.attendee.holder import grant
from registration.web.attendee.invitations import access_code as code_for
from registration.web.attendee.invitations import is_unlocking, unlock
from registration.web.attendee.leads import grant_lead, lead_for_session
from registration.web.attendee.waiting_list import offer_in_session, offer_token
from registration.web.common import i18n
from registration.web.common.answers import answer_errors, form_answers
from registration.web.common.extras import extra_offers, form_extras
from registration.web.common.forms import Errors, attendee_payload, refusal, typed, validate
from registration.web.common.http import services
from registration.web.common.idempotency import (
    claim,
    lead_outcome,
    manage_token,
    registration_outcome,
)
from registration.web.common.pages import edition_for_page, protect
from registration.web.common.ratelimit import budget, link_mail_allowed
from registration.web.common.refusals import REFUSALS, refusal_message
from registration.web.common.schemas import (
    LinkRequestSchema,
    RegistrationRequestSchema,
    StrictSchema,
)
from registration.web.common.text_fields import EmailAddress, Text

public = protect(Blueprint("public", __name__))


def offers(config: EditionConfig, left: Availability,
           access_code: str | None = None) -> list[dict[str, Any]]:
    """Each registration type offered (invitation-only ones need an `access_code` that opens
    them) with today's price (and until when an early bird lasts), and the places `left`
    (None: unlimited; 0: sold out)."""
    now = services().clock()
    language = i18n.current_language()
    return [{"code": t.code, "name": t.name(language), "quote": config.quote(t.code, None, now),
             "capacity": t.capacity, "color": t.color, "places_left": left.type_left(t.code),
             "sold_out": left.type_sold_out(t.code),
             "waiting_list_url": url_for("waiting.join", slug=config.slug,
                                         registration_type=t.code)
             if left.type_sold_out(t.code) and not t.by_invitation else None}
            for t in config.offered_types(access_code)]


def form_choices(config: EditionConfig, left: Availability,
                 access_code: str | None = None) -> dict[str, Any]:
    """Delegations and types to pick from (a full one shown as such, not selectable), tax
    names for the live quote, in the page's language, and whether to offer the unlock form."""
    language = i18n.current_language()
    rates = config.tax_rates(services().clock())
    return {
        "delegation_options": [
            (d.code, full_label(d.name(language), left.delegation_left(d.code),
                                i18n.gettext("full")))
            for d in config.delegations],
        "type_options": [
            (t.code, full_label(t.name(language), left.type_left(t.code),
                                i18n.gettext("sold out")))
            for t in config.offered_types(access_code)],
        "first_type": first_available(config, left, access_code),
        "type_names": [(t.code, t.name(language)) for t in config.registration_types],
        "unavailable": {d.code for d in config.delegations if left.delegation_full(d.code)}
        | {t.code for t in config.registration_types if left.type_sold_out(t.code)},
        "tax_names": {r.code: r.names.get(language) or r.names.get("en") or r.code
                      for r in rates},
        "quote_refusals": {code: i18n.gettext(REFUSALS[code][1]) for code in QUOTE_REFUSALS},
        "by_invitation": any(t.by_invitation for t in config.registration_types),
        "extras": extra_offers(config, left),
        "extra_names": {e.code: e.name(language) for e in config.extras},
    }


def full_label(name: str, places_left: int | None, none_left: str) -> str:
    """An option's text: its name, and what is left when it is limited."""
    if places_left is None:
        return name
    if places_left == 0:
        return f"{name} ({none_left})"
    return f"{name} ({places_left_text(places_left)})"


def places_left_text(n: int) -> str:
    return i18n.ngettext("%(num)d place left", "%(num)d places left", n) % {"num": n}


def first_available(config: EditionConfig, left: Availability,
                    access_code: str | None = None) -> str:
    """The type a form starts on: the first offered one not sold out (else the first), a type
    the access code opens first."""
    offered = config.offered_types(access_code)
    invited = [t.code for t in offered if t.by_invitation]  # what the code was given for
    codes = invited + [t.code for t in offered if not t.by_invitation]
    return next((c for c in codes if not left.type_sold_out(c)), codes[0])


# What the live price panel may be refused for (it then empties and says why).
QUOTE_REFUSALS = ("code_invalid", "code_exhausted", "unknown_registration_type", "sold_out",
                  "registration_closed", "access_code_required", "access_code_invalid",
                  "extra_not_offered")
QUOTE_REFUSED = i18n.N_("No price can be quoted for this choice; check the registration type "
                        "and the discount code.")


def quote_or_refusal(
    config: EditionConfig, type_code: str, code: str | None, access_code: str | None,
    extras: dict[str, int] | None = None,
) -> tuple[PriceQuote | None, str | None]:
    """Today's quote (an invitation-only type's only with its access code), with the add-ons
    `extras`, or why there is none (in the page's language)."""
    try:
        return config.visitor_quote(type_code, code or None, access_code,
                                    services().clock(), extras), None
    except DomainError as error:
        return None, refusal_message(error) if error.code in QUOTE_REFUSALS else \
            i18n.gettext(QUOTE_REFUSED)


def is_open(config: EditionConfig) -> bool:
    return config.is_open(services().clock())


@public.get("/")
def home() -> Any:
    slugs = [doc["slug"] for doc in services().queries.edition_documents()]
    if len(slugs) == 1:
        return redirect(url_for("public.edition", slug=slugs[0]))
    configs = [services().editions.config(slug) for slug in slugs]
    return render_template("public/home.html", configs=configs)


@public.get("/e/<slug>")
def edition(slug: str) -> Any:
    config = edition_for_page(slug)
    left = services().registrations.availability(config)
    return render_template("public/edition.html", config=config, offers=offers(config, left),
                           left=left, open=is_open(config))


@public.route("/e/<slug>/register", methods=["GET", "POST"])
@budget("registrations")
def register(slug: str) -> Any:
    config = edition_for_page(slug)
    form = request.form if request.method == "POST" else MultiDict(request.args)
    offer = offer_in_session(form.get("offer"))
    if offer is not None and request.method == "GET":
        form = MultiDict({**offered_form(offer), **form.to_dict()})
    errors: Errors = {}
    access_code = code_for(slug, form)
    if is_unlocking(form):  # a refused code shows the open types only, priced as such
        errors = unlock(config, form)
        if not errors:
            return redirect(url_for("public.register", slug=slug,
                                    lang=request.args.get("lang")), 303)
        form, access_code = MultiDict({"access_code": form.get("access_code", "")}), None
    elif request.method == "POST":
        errors, created = register_one(config, form, access_code, offer)
        if created:
            return redirect(url_for("attendee.confirmation", registration_id=created))
    left = with_offer(services().registrations.availability(config), offer)
    type_code = form.get("registration_type") or first_available(config, left, access_code)
    quote, quote_refused = quote_or_refusal(config, type_code, typed(form, "discount_code"),
                                            access_code, form_extras(config, type_code, form)[0])
    status = 422 if errors else 200
    return render_template("public/register.html", config=config,
                           offers=offers(config, left, access_code), form=form, errors=errors,
                           quote=quote, quote_refused=quote_refused, open=is_open(config),
                           chosen=type_code, access_code=access_code, offer=offer,
                           waiting_list_url=waiting_list_url(config, form, left)
                           if errors and offer is None else None,
                           **form_choices(config, left, access_code)), status


def offered_form(offer: EntryView) -> dict[str, str]:
    """The registration form pre-filled from a waiting-list offer."""
    return {"offer": str(offer.id), "registration_type": offer.registration_type,
            "delegation": offer.delegation or "", "first_name": offer.first_name,
            "last_name": offer.last_name, "email": offer.email}


def with_offer(left: Availability, offer: EntryView | None) -> Availability:
    """What is left for whoever holds `offer`: the places it holds are theirs."""
    if offer is None:
        return left
    held = offer.quantity - offer.registered
    types = {**left.types, offer.registration_type: held} \
        if left.type_left(offer.registration_type) is not None else left.types
    delegations = {**left.delegations, offer.delegation: held} \
        if offer.delegation and left.delegation_left(offer.delegation) is not None \
        else left.delegations
    return replace(left, types=types, delegations=delegations)


def waiting_list_url(config: EditionConfig, form: MultiDict[str, str],
                     left: Availability) -> str | None:
    """Where to join the waiting list, when the type or delegation chosen is sold out."""
    type_code, delegation = form.get("registration_type", ""), typed(form, "delegation")
    if not left.type_sold_out(type_code) and not (delegation and
                                                  left.delegation_full(delegation)):
        return None
    return url_for("waiting.join", slug=config.slug, registration_type=type_code,
                   delegation=delegation or "", first_name=form.get("first_name", ""),
                   last_name=form.get("last_name", ""), email=form.get("email", ""))


def register_one(config: EditionConfig, form: MultiDict[str, str],
                 access_code: str | None, offer: EntryView | None = None
                 ) -> tuple[Errors, Any]:
    type_code = form.get("registration_type", "")
    payload = {
        "attendee": attendee_payload(form),
        "registration_type": type_code,
        "delegation": typed(form, "delegation"),
        "discount_code": typed(form, "discount_code"),
        "access_code": access_code,
    }
    answers = form_answers(config, type_code, form)
    extras, extra_errors = form_extras(config, type_code, form)
    data, errors = validate(RegistrationRequestSchema(), payload)
    try:  # every problem at once: the answers' beside the details'
        config.answers(type_code, answers)
    except AnswersRefused as refused:
        errors = {**errors, **answer_errors(config, refused)}
    errors = {**errors, **extra_errors}
    if errors:
        return errors, None
    try:
        created = services().registrations.register(
            config.slug, Attendee(**data["attendee"]), data["registration_type"],
            data["delegation"], data["discount_code"],
            idempotency=claim(registration_outcome), access_code=data["access_code"],
            answers=answers, offer=offer_token(offer) if offer else None, extras=extras)
    except Replayed as replayed:  # the form posted again: its first answer
        return {}, first_registration(replayed.outcome)
    except DomainError as error:
        return refusal(error), None
    grant(created.registration.id, 0)
    return {}, created.registration.id


def first_registration(outcome: Outcome) -> UUID:
    """The registration a repeated form made; this session holds it again while the link
    that registration gave is still in force (else 403: ask for the link again)."""
    registration_id = UUID(outcome.ids[0])
    if manage_token(outcome) is None:
        abort(403, description=i18n.gettext(
            "This registration's first link has since been replaced. Ask for your link again."))
    grant(registration_id, 0)
    return registration_id


GROUP_ROWS = 6
MAX_GROUP_ROWS = 30  # at most the registrations budget per minute, or a full form never passes


class GroupSchema(StrictSchema):
    """What the group form asks once for everyone (each person is a registration request)."""

    delegation = Text(required=True, validate=Length(min=1, max=20))
    organisation = Text(load_default=None, allow_none=True,
                        validate=Length(min=1, max=200))
    discount_code = Text(load_default=None, allow_none=True,
                         validate=Length(min=1, max=50))
    lead_name = Text(required=True, validate=Length(min=1, max=200))
    lead_email = EmailAddress(required=True, validate=Length(max=254))


KNOWN_TO_THE_LEAD = ("delegation", "lead_name", "lead_email")  # when adding from their page

def row_count(form: MultiDict[str, str]) -> int:
    """How many rows the form shows: 1 to 30 (six when the number is missing or garbled)."""
    try:
        return min(max(int(form.get("rows") or GROUP_ROWS), 1), MAX_GROUP_ROWS)
    except ValueError:
        return GROUP_ROWS


def filled(form: MultiDict[str, str], prefix: str) -> bool:
    """Whether a row of the group form names someone (empty rows are ignored)."""
    return any(form.get(prefix + k, "").strip() for k in ("first_name", "last_name", "email"))


def people_posted() -> int:
    """What a group form post costs from the registrations budget: one per person in it."""
    return max(1, sum(filled(request.form, f"p{row}-") for row in range(row_count(request.form))))


@public.route("/e/<slug>/group", methods=["GET", "POST"])
@budget("registrations", cost=people_posted)
def group(slug: str) -> Any:
    """A delegation lead registers several people of the delegation at once."""
    config = edition_for_page(slug)
    lead = lead_for_session(request.args["lead"]) if "lead" in request.args else None
    form = request.form if request.method == "POST" else MultiDict(request.args)
    offer = offer_in_session(form.get("offer"))
    if offer is not None and request.method == "GET":
        form = MultiDict({**offered_group(offer), **form.to_dict()})
    rows = row_count(form)
    errors: dict[int, Errors] = {}
    general: Errors = {}
    access_code = code_for(slug, form)
    if is_unlocking(form):  # the delegation's code: each row may then choose what it opens
        general = unlock(config, form)
        if not general:
            return redirect(url_for("public.group", slug=slug, lead=request.args.get("lead"),
                                    lang=request.args.get("lang")), 303)
        form, access_code = MultiDict({"access_code": form.get("access_code", "")}), None
    elif request.method == "POST":
        general, errors, lead_id = register_group(config, form, rows, lead, access_code, offer)
        if lead_id is not None:  # the lead's page is what comes after
            return redirect(url_for("leads.page", lead_id=lead_id), 303)
    left = with_offer(services().registrations.availability(config), offer)
    waiting = None
    if (errors or general) and offer is None:
        people = sum(filled(form, f"p{row}-") for row in range(rows))
        waiting = waiting_list_url(config, MultiDict({
            **form.to_dict(), "registration_type": form.get("p0-registration_type", ""),
            "first_name": "", "last_name": "", "email": form.get("lead_email", "")}), left)
        waiting = waiting and f"{waiting}&quantity={max(people, 1)}"
    return render_template("public/group.html", config=config,
                           offer=offer, waiting_list_url=waiting,
                           form=form, rows=rows, errors=errors, general=general, lead=lead,
                           registered=session.get("group_registered", []),
                           open=is_open(config), access_code=access_code,
                           **{**form_choices(config, left, access_code),
                              "first_type": first_available(config, left)}), \
        422 if errors or general else 200


def offered_group(offer: EntryView) -> dict[str, str]:
    """The group form pre-filled from a waiting-list offer: a row per place it holds."""
    held = offer.quantity - offer.registered
    return {"offer": str(offer.id), "delegation": offer.delegation or "",
            "lead_name": offer.name, "lead_email": offer.email, "rows": str(held),
            **{f"p{row}-registration_type": offer.registration_type for row in range(held)}}


def register_group(
    config: EditionConfig, form: MultiDict[str, str], rows: int, lead: LeadView | None,
    access_code: str | None, offer: EntryView | None = None,
) -> tuple[Errors, dict[int, Errors], UUID | None]:
    """Check every filled row first; then register them, keeping each refusal beside its row.
    Once all are in, the lead is recorded with them (or, from the lead's page, they are
    added to the lead's): returns the lead's id then."""
    schema = GroupSchema(exclude=KNOWN_TO_THE_LEAD) if lead else GroupSchema()
    if lead is None and typed(form, "delegation") is None:
        return {"delegation": i18n.gettext("Choose your delegation.")}, {}, None
    shared, general = validate(schema, {key: typed(form, key) for key in schema.fields})
    if general:
        return general, {}, None
    delegation = lead.delegation if lead else shared["delegation"]
    registered = session.get("group_registered", [])
    done = {r["email"].casefold() for r in registered}
    people = {}
    errors: dict[int, Errors] = {}
    for row in range(rows):
        prefix = f"p{row}-"
        if not filled(form, prefix):
            continue
        if form.get(prefix + "email", "").strip().casefold() in done:
            continue  # registered by an earlier attempt of this form
        data, row_errors = group_member(config, form, prefix, {
            "delegation": delegation, "discount_code": shared["discount_code"],
            "organisation": shared["organisation"], "access_code": access_code})
        if row_errors:
            errors[row] = row_errors
        else:
            people[row] = data
    if not people and not errors and not done:
        return {"": i18n.gettext("Fill in at least one person.")}, {}, None
    if errors:
        return {}, errors, None
    for row, data in people.items():
        try:
            created = services().registrations.register(
                config.slug, Attendee(**data["attendee"]), data["registration_type"],
                delegation, data["discount_code"],
                idempotency=claim(registration_outcome, f"#{row}", {**data, "row": row}),
                access_code=data["access_code"], answers=data["answers"],
                offer=offer_token(offer) if offer else None, extras=data["extras"])
        except Replayed as replayed:  # the form posted again: this row's first answer
            rid = first_registration(replayed.outcome)
            if not any(r["id"] == str(rid) for r in registered):
                holder = services().registrations.view(rid).attendee
                registered.append({"id": str(rid), "name": holder.full_name,
                                   "email": holder.email})
            continue
        except DomainError as error:
            errors[row] = refusal(error)
            continue
        registered.append({"id": str(created.registration.id),
                           "name": created.registration.attendee.full_name,
                           "email": created.registration.attendee.email})
    session["group_registered"] = registered
    if errors:
        return {}, errors, None
    session.pop("group_registered", None)
    members = [UUID(r["id"]) for r in registered]
    if lead is not None:
        services().leads.add_members(lead.id, lead.link_generation, members)
        return {}, {}, lead.id
    return {}, {}, record_lead(config, delegation, shared, members)


def group_member(config: EditionConfig, form: MultiDict[str, str], prefix: str,
                 shared: dict[str, Any]) -> tuple[dict[str, Any], Errors]:
    """One row of the group form as a registration request, with its person's answers to
    the questions asked of their type and the add-ons they buy (every problem of the row at
    once)."""
    person = attendee_payload(form, prefix)
    if shared["organisation"]:
        person.setdefault("organisation", shared["organisation"])
    type_code = form.get(prefix + "registration_type", "")
    answers = form_answers(config, type_code, form, prefix)
    data, errors = validate(RegistrationRequestSchema(), {
        "attendee": person, "registration_type": type_code, "delegation": shared["delegation"],
        "discount_code": shared["discount_code"], "access_code": shared["access_code"]})
    extras, extra_errors = form_extras(config, type_code, form, prefix)
    try:
        config.answers(type_code, answers)
    except AnswersRefused as refused:
        errors = {**errors, **answer_errors(config, refused)}
    return {**data, "answers": answers, "extras": extras}, {**errors, **extra_errors}


def record_lead(config: EditionConfig, delegation: str, shared: dict[str, Any],
                members: list[UUID]) -> UUID:
    """The lead who submitted the group form, granted their page in this session."""
    try:
        lead = services().leads.record(
            config.slug, delegation, shared["lead_name"], shared["lead_email"],
            i18n.current_language(), members,
            idempotency=claim(lead_outcome, "#lead",
                              {**shared, "members": sorted(map(str, members))}))
    except Replayed as replayed:  # the form posted again: the lead it recorded
        lead_id = UUID(replayed.outcome.ids[0])
        grant_lead(lead_id, 0)
        return lead_id
    grant_lead(lead.id, lead.link_generation)
    return lead.id


LINK_SENT = i18n.N_("If a registration for this edition uses this address, we have just "
                    "e-mailed its personal link to it. Any link sent before no longer works.")


@public.route("/e/<slug>/my-link", methods=["GET", "POST"])
@budget("links")
def send_link(slug: str) -> Any:
    """"Send me my link again": a fresh manage link by e-mail, ending the previous one. The
    answer is the same whether or not a registration uses the address."""
    config = edition_for_page(slug)
    form: Any = request.form if request.method == "POST" else {}
    errors: Errors = {}
    sent = False
    if request.method == "POST":
        data, errors = validate(LinkRequestSchema(), {"email": form.get("email", "")})
        if not errors:
            if link_mail_allowed(data["email"]):
                services().registrations.send_link_again(config.slug, data["email"])
            sent = True
    return render_template("public/send_link.html", config=config, form=form, errors=errors,
                           sent=sent, sent_message=i18n.gettext(LINK_SENT) if sent else None), \
        422 if errors else 200
