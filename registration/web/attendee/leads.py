"""The delegation lead's own page, behind their secret link (see domain.delegation_lead).

Like a manage link, `/g/<id>?token=…` (GET) is exchanged for a grant in the signed session
and redirected (303) to the address without the token; the group form grants it directly
to the lead who submits it. The page lists every member and their status from the
registrations read model, and the allotment left from the Allocation aggregates.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, abort, redirect, render_template, request, session, url_for

from domain.actor import Actor
from domain.errors import WrongToken
from registration.services.delegation_leads import LeadView
from registration.web.attendee.checkout import payment_state
from registration.web.attendee.holder import without_token
from registration.web.common import i18n
from registration.web.common.acting import act_as
from registration.web.common.headers import use_stripe_js
from registration.web.common.http import services
from registration.web.common.pages import display_name, protect, registration_key, use_edition
from registration.web.common.ratelimit import budget

leads = protect(Blueprint("leads", __name__, url_prefix="/g"))
LEAD_GRANTS = "lead_links"  # in the session: {lead id: link generation}
NOTICES = ("asked", "renewed")


def grant_lead(lead_id: UUID, generation: int) -> None:
    grants = dict(session.get(LEAD_GRANTS) or {})
    grants[str(lead_id)] = generation
    session[LEAD_GRANTS] = grants


def lead_for_session(lead_id: str) -> LeadView:
    """The lead, if this session holds their link in force (else a 403 page)."""
    key = registration_key(lead_id)
    token = request.args.get("token") if request.method == "GET" else None
    if token is not None:
        try:
            grant_lead(key, services().leads.link_generation(key, token))
        except WrongToken:
            abort(403, description=i18n.gettext(
                "This link no longer opens this delegation's page: a newer link has replaced "
                "it. Use the latest link you received by e-mail."))
        abort(redirect(without_token(), 303))
    generation = (session.get(LEAD_GRANTS) or {}).get(str(key))
    try:  # an unknown lead is a 404 page; no grant (-1) or an old one, a 403
        lead = services().leads.for_grant(key, generation if isinstance(generation, int) else -1)
    except WrongToken:
        abort(403, description=i18n.gettext(
            "Open your delegation's page with the link from your e-mail."))
    act_as(Actor.attendee(lead.id))
    use_edition(lead.edition)
    return lead


@leads.get("/<lead_id>")
def page(lead_id: str) -> Any:
    lead = lead_for_session(lead_id)
    config = lead.edition
    members = services().queries.members(lead.members)
    left = services().registrations.availability(config).delegation_left(lead.delegation)
    notice = request.args.get("done")
    owing = {m.registration_id for m in members
             if m.attending and not m.money("balance_due").is_zero}
    return render_template(
        "public/lead.html", lead=lead, config=config, members=members, allotment_left=left,
        owing=owing,
        delegation_name=display_name(config, "delegation", lead.delegation),
        type_name=lambda code: display_name(config, "type", code),
        notice=notice if notice in NOTICES else None)


def chosen_members(lead: LeadView) -> list[UUID]:
    chosen = []
    for value in request.form.getlist("id"):
        try:
            key = UUID(value)
        except ValueError:
            abort(400)
        if key not in lead.members:
            abort(403, description=i18n.gettext("These links do not open these registrations."))
        chosen.append(key)
    if not chosen:
        abort(400, description=i18n.gettext("Nobody to pay for."))
    return chosen


@leads.post("/<lead_id>/pay")
@budget("payments")
def pay(lead_id: str) -> Any:
    """Pay for the members chosen (all, or some), with one card payment."""
    lead = lead_for_session(lead_id)
    owed = [r for r in (services().registrations.view(key) for key in chosen_members(lead))
            if not r.balance_due.is_zero]
    if not owed:
        return render_template("public/group_pay.html", config=lead.edition, checkout=None,
                               members=[])
    checkout = services().payments.checkout([r.id for r in owed])
    use_stripe_js()
    gateway = services().payments.gateway
    return render_template(
        "public/group_pay.html", config=lead.edition, checkout=checkout, members=owed,
        stripe_js=gateway.js_url, publishable_key=gateway.publishable_key,
        poll=url_for("leads.payment_status", lead_id=lead.id, registration_id=owed[0].id))


@leads.get("/<lead_id>/members/<registration_id>/payment")
def payment_status(lead_id: str, registration_id: str) -> Any:
    """Where a member's payment stands (the card form polls this, as checkout's does)."""
    lead = lead_for_session(lead_id)
    key = registration_key(registration_id)
    if key not in lead.members:
        abort(404)
    return payment_state(services().registrations.view(key))


@leads.post("/<lead_id>/members/<registration_id>/ask")
@budget("links")
def ask_member(lead_id: str, registration_id: str) -> Any:
    """E-mail a member their own link, to complete their details."""
    lead = lead_for_session(lead_id)
    services().leads.ask_member(lead.id, lead.link_generation,
                                registration_key(registration_id))
    return redirect(url_for("leads.page", lead_id=lead.id, done="asked"), 303)


@leads.post("/<lead_id>/link")
@budget("links")
def renew_link(lead_id: str) -> Any:
    """A new link to this page by e-mail; every earlier one (and its sessions) ends."""
    lead = lead_for_session(lead_id)
    grant_lead(lead.id, services().leads.renew_link(lead.id, lead.link_generation))
    return redirect(url_for("leads.page", lead_id=lead.id, done="renewed"), 303)
