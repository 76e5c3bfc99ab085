"""Places awaiting the organisers' approval: approve them (with a note for the person) or turn
them down (with the reason they are told). Admins decide; the person is e-mailed either way."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for

from domain.errors import DomainError
from registration.web.common.forms import Errors, refusal, validate
from registration.web.common.http import services
from registration.web.common.pages import protect
from registration.web.common.schemas import ApprovalDecisionSchema
from registration.web.common.staff_session import staff_page
from registration.web.staff.context import chosen_edition, registration_for_page
from registration.web.staff.desk import names

approval_pages = protect(Blueprint("approval_pages", __name__, url_prefix="/staff/approvals"))


@approval_pages.get("/")
@staff_page("admin")
def waiting() -> Any:
    return page(notice=request.args.get("done"))


def page(errors: Errors | None = None, failed: str | None = None, notice: str | None = None,
         status: int = 200) -> Any:
    config, documents = chosen_edition()
    rows = [] if config is None else [
        r for r in services().queries.registrations(config) if r.status == "awaiting_approval"]
    rows.sort(key=lambda r: r.registered_at)
    return render_template(
        "staff/approvals.html", config=config, documents=documents, rows=rows,
        errors=errors or {}, failed=failed, notice=notice, form=request.form,
        registered_on=lambda row: datetime.fromisoformat(row.registered_at),
        **(names(config) if config else {})), status


@approval_pages.post("/<registration_id>")
@staff_page("admin")
def decide(registration_id: str) -> Any:
    registration = registration_for_page(registration_id)
    data, errors = validate(ApprovalDecisionSchema(), {
        "decision": request.form.get("decision", ""), "note": request.form.get("note", "")})
    if not errors:
        try:
            if data["decision"] == "approve":
                services().registrations.approve(registration.id, data["note"])
            else:
                services().registrations.refuse_approval(registration.id, data["note"])
            return redirect(url_for("approval_pages.waiting", edition=registration.edition.slug,
                                    done=data["decision"]))
        except DomainError as error:
            errors = refusal(error)
    return page(errors, str(registration.id), status=422)

