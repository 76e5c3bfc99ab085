"""The OpenAPI 3.0 document of everything served under /api, generated from the routes.

A view's docstring is its documentation: the first line is the summary, the text up to `---`
the description, and the YAML after `---` the rest of its OpenAPI operation (request body by
marshmallow schema name, success and specific error responses, `security` for the holder's
manage token). What the code already says is filled in here: path parameters, the staff roles
of `staff_required`, and the error responses the endpoints share, all in the one error shape.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.yaml_utils import load_yaml_from_docstring
from flask import Flask
from werkzeug.routing import Rule

PREFIX = "/api/"
UNDOCUMENTED = {"docs"}  # the blueprint serving this document and its page
STAFF = "staffToken"
HOLDER = "manageToken"
ERRORS = {
    "400": "The body is not JSON (send 'Content-Type: application/json'), or it nests "
           "objects and arrays more than 32 levels deep.",
    "401": "No token was sent, or it is not a staff token where staff is required.",
    "403": "The token does not give access to this (wrong manage token, or missing role).",
    "404": "Nothing with this slug or id.",
    "409": "A business rule refuses the request; `details.code` says which.",
    "422": "Some fields are missing, unknown or invalid; `details` lists every problem.",
    "413": "The body is larger than 1 MiB.",
    "429": "Too many requests from this address for this budget (quotes, registrations, "
           "payments, links); wait the seconds `Retry-After` says.",
    "503": "Saved, but the views are still catching up with it: retry after Retry-After.",
}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "details"],
    "properties": {
        "error": {"type": "string", "description": "What went wrong, for a person to read."},
        "details": {
            "nullable": True,
            "description": "Field problems ({field: [messages]}) or {code: machine code}.",
        },
    },
}
CONVERTERS = {"int": {"type": "integer"}, "float": {"type": "number"},
              "uuid": {"type": "string", "format": "uuid"}}
PATH_VARIABLE = re.compile(r"<(?:(?P<converter>[a-z]+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


def openapi_document(app: Flask) -> dict[str, Any]:
    spec = APISpec(
        title="Conference registration API", version="1", openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "Register for a conference edition, manage a registration with "
                             "its manage token, and follow attendance as staff. Amounts are "
                             "strings with their currency; times are ISO 8601 with an offset."},
    )
    spec.components.security_scheme(STAFF, {
        "type": "http", "scheme": "bearer",
        "description": "A staff member's token, printed by `flask staff create`."})
    spec.components.security_scheme(HOLDER, {
        "type": "http", "scheme": "bearer",
        "description": "The registration's manage token, returned once when registering "
                       "and in the manage link e-mailed to the holder; a substitution or "
                       "`POST /api/editions/{slug}/manage-links` replaces it (the earlier "
                       "one is refused with 403)."})
    spec.components.schema("Error", ERROR_SCHEMA)
    for path, rules in api_paths(app):
        operations = {method.lower(): operation(app.view_functions[rule.endpoint], rule)
                      for rule in rules for method in sorted(rule.methods or ())
                      if method not in {"HEAD", "OPTIONS"}}
        spec.path(path=path, operations=operations, parameters=path_parameters(rules[0]))
    return spec.to_dict()


def api_paths(app: Flask) -> Iterator[tuple[str, list[Rule]]]:
    """Every documented rule under /api, grouped by OpenAPI path, in path order."""
    grouped: dict[str, list[Rule]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX) and rule.endpoint.split(".")[0] not in UNDOCUMENTED:
            grouped.setdefault(PATH_VARIABLE.sub(r"{\g<name>}", rule.rule), []).append(rule)
    yield from sorted(grouped.items())


def path_parameters(rule: Rule) -> list[dict[str, Any]]:
    return [{"name": m["name"], "in": "path", "required": True,
             "schema": CONVERTERS.get(m["converter"] or "", {"type": "string"})}
            for m in PATH_VARIABLE.finditer(rule.rule)]


def operation(view: Callable[..., Any], rule: Rule) -> dict[str, Any]:
    docstring = inspect.getdoc(view) or rule.endpoint
    text = docstring.split("\n---", 1)[0].strip()
    summary, _, description = text.partition("\n")
    op: dict[str, Any] = {"operationId": rule.endpoint.replace(".", "_"),
                          "summary": summary.strip(), "tags": [tag_of(rule)]}
    if description.strip():
        op["description"] = " ".join(description.split())
    op.update(load_yaml_from_docstring(docstring) or {})
    roles = getattr(view, "staff_roles", None)
    if roles is not None:
        op["security"] = [{STAFF: []}]
        op["x-roles"] = sorted({*roles, "admin"})
    op["parameters"] = [*op.get("parameters", []), *header_parameters(view, rule)]
    if not op["parameters"]:
        del op["parameters"]
    op["responses"] = responses(op, rule, getattr(view, "rate_limited", False))
    return op


IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9._:-]{8,255}$"},
    "description": "A key of your choosing (a random UUID) to retry this request safely: "
                   "the same key with the same body returns the first outcome (the same "
                   "id, the same manage token, with `Idempotent-Replayed: true`) and does "
                   "nothing twice, across restarts; the same key with another body is "
                   "refused with 422.",
}
WAIT_FOR_POSITION = {
    "name": "X-Wait-For-Position", "in": "header", "required": False,
    "schema": {"type": "integer", "minimum": 0},
    "description": "The `X-Log-Position` an earlier write was answered with: the answer "
                   "waits (up to 10 s, else 503 with Retry-After) until it reflects that "
                   "write.",
}


def header_parameters(view: Callable[..., Any], rule: Rule) -> list[dict[str, Any]]:
    if getattr(view, "idempotent", False):
        return [IDEMPOTENCY_KEY]
    if "GET" in (rule.methods or ()):
        return [WAIT_FOR_POSITION]
    return []


def tag_of(rule: Rule) -> str:
    return rule.rule[len(PREFIX):].split("/", 1)[0]


def responses(op: dict[str, Any], rule: Rule, limited: bool) -> dict[str, Any]:
    """The documented responses, with every shared error answer in the one error shape."""
    declared = {str(code): dict(answer) for code, answer in op.get("responses", {}).items()}
    codes = set(declared)
    if "requestBody" in op:
        codes |= {"400", "413", "422"}
    if op.get("parameters"):
        codes.add("422")
    if op.get("security"):
        codes |= {"401", "403"}
    if "<" in rule.rule:
        codes.add("404")
    if limited:
        codes.add("429")
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for code in codes:
        answer = declared.setdefault(code, {"description": ERRORS.get(code, "")})
        if code >= "400":
            answer.setdefault("content", error)
    return dict(sorted(declared.items()))


def who_may_call(op: dict[str, Any]) -> str:
    """In words, for the docs page."""
    schemes = {name for requirement in op.get("security", []) for name in requirement}
    if not schemes:
        return "Anyone"
    if HOLDER in schemes:
        return "The registration's holder (manage token) or any staff member"
    return "Staff: {}".format(", ".join(op.get("x-roles", ["any role"])))
