"""Badge batches as background jobs (desk role): queue one, follow it, download its PDF.

`POST /api/editions/<slug>/badge-batches` answers 202 at once with the batch's address in
`Location`; a render worker prints it (see registration.services.badge_batches).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request, url_for

from domain.actor import current_actor
from registration.adapters.batch_store import Batch
from registration.projections.desk import BadgeFilter
from registration.services.badge_batches import RENDER_FAILED, WORKER_LOST, BatchNotReady
from registration.web.common.auth import staff_required
from registration.web.common.desk_schemas import BadgeBatchRequestSchema
from registration.web.common.errors import ApiError
from registration.web.common.http import pdf_response, services
from registration.web.common.schemas import load_json

badge_batches = Blueprint("badge_batches", __name__, url_prefix="/api")
ERRORS = {  # what a failed batch says (the pages say it in the person's language)
    RENDER_FAILED: "The badges could not be rendered. Try again; if it fails again, print "
                   "smaller batches (per delegation) and tell the organisers.",
    "no_badges_to_print": "No badge to print with these filters any more.",
    WORKER_LOST: "The render worker stopped answering: nothing was recorded as printed. "
                 "Ask for the batch again.",
}


def batch_json(batch: Batch) -> dict[str, Any]:
    return {
        "id": batch.id, "edition": batch.edition, "status": batch.status,
        "done": batch.done, "total": batch.total, "filters": batch.filters,
        "stock": batch.stock, "asked_at": batch.asked_at, "finished_at": batch.finished_at,
        "download": url_for("badge_batches.document", batch_id=batch.id)
        if batch.status == "done" else None,
        "error": {"code": batch.error, "message": ERRORS.get(batch.error, batch.error)}
        if batch.error else None,
    }


def find(batch_id: str) -> Batch:
    return services().batches.get(batch_id[:64])


@badge_batches.post("/editions/<slug>/badge-batches")
@staff_required("desk")
def queue(slug: str) -> Any:
    """Queue a batch of badges (one PDF, by delegation then last name) for a render worker.
    ---
    requestBody: {required: true, content: {application/json: {schema: BadgeBatchRequestSchema}}}
    responses:
      202: {description: "Queued: `Location` is the batch (`id`, `status`, `done`, `total`,
            `download`). The prints are recorded, as you, when it is done.",
            headers: {Location: {description: "The batch: GET /api/badge-batches/{id}.",
                                 schema: {type: string}}},
            content: {application/json: {schema: BadgeBatch}}}
      404: {description: "No edition with this slug."}
      422: {description: "No badge matches the filters (`no_badges_to_print`), an unknown
            delegation or registration type, or an invalid filter."}
    """
    query = load_json(BadgeBatchRequestSchema(), body_or_empty())
    which = BadgeFilter(query["delegation"], query["registration_type"], query["not_printed"],
                        query["only_paid"])
    batch = services().batches.queue_batch(slug, which, query["stock"], current_actor())
    location = url_for("badge_batches.status", batch_id=batch.id)
    return batch_json(batch), 202, {"Location": location}


def body_or_empty() -> Any:
    """The JSON body; an empty body means every badge of the edition."""
    if not request.get_data(cache=True):
        return {}
    payload = request.get_json(silent=True)
    if payload is None:
        raise ApiError(400, "Send a JSON body with 'Content-Type: application/json'.")
    return payload


@badge_batches.get("/badge-batches/<batch_id>")
@staff_required("desk")
def status(batch_id: str) -> Any:
    """Where a badge batch stands: queued, rendering (`done` of `total`), done (`download`),
    failed (`error`) or cancelled.
    ---
    responses:
      200: {description: "The batch.", content: {application/json: {schema: BadgeBatch}}}
      404: {description: "No such batch (batches are kept for a day)."}
    """
    return batch_json(find(batch_id))


@badge_batches.delete("/badge-batches/<batch_id>")
@staff_required("desk")
def cancel(batch_id: str) -> Any:
    """Cancel a batch still queued or rendering (nothing is recorded as printed).
    ---
    responses:
      200: {description: "The batch, cancelled (or as it ended, if it had already).",
            content: {application/json: {schema: BadgeBatch}}}
      404: {description: "No such batch."}
    """
    return batch_json(services().batches.cancel(find(batch_id).id))


@badge_batches.get("/badge-batches/<batch_id>/badges.pdf")
@staff_required("desk")
def document(batch_id: str) -> Any:
    """The batch's PDF, once it is done.
    ---
    responses:
      200: {description: "The badges.", content: {application/pdf: {}}}
      404: {description: "No such batch."}
      409: {description: "Not ready: still queued or rendering, failed or cancelled."}
    """
    batch = find(batch_id)
    try:
        pdf = services().batches.document(batch.id)
    except BatchNotReady:
        raise ApiError(409, f"The batch is {batch.status}: its PDF is not ready.",
                       {"code": "batch_not_ready", "status": batch.status}) from None
    delegation = batch.filters.get("delegation") or "all"
    return pdf_response(pdf, f"badges-{batch.edition}-{delegation}")
