"""The OpenAPI 3.0 document of everything served under /api, generated from the routes.

A view's docstring is its documentation: the first line is the summary, the text up to `---`
the description, and the YAML after `---` the rest of its OpenAPI operation (request body by
marshmallow schema name, answers by the name of a component of `answers.py`, and
`x-links: {parameter: expression}` on a response that creates something the operations with
that path parameter act on). What the code already says is filled in here: path parameters,
who may call (the roles of `staff_required`, or `holder_or_staff` for a registration's holder),
the headers the code reads, OpenAPI links, and the error responses the endpoints share, all in
the one error shape.
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

from domain.actor import ROLES
from registration.web.api.answers import ANSWERS

PREFIX = "/api/"
UNDOCUMENTED = {"docs"}  # the blueprint serving this document and its page
STAFF = "staffToken"
HOLDER = "manageToken"
HOLDER_LINK = "manageLink"  # the same token, as `?token=` in the attendee's secret link
LEAD = "leadToken"
ERRORS = {
    "400": "The body is not JSON (send 'Content-Type: application/json'), or it nests "
           "objects and arrays more than 32 levels deep.",
    "401": "No token was sent, or it is not a staff token where staff is required, or the "
           "staff token has expired or been revoked, or its holder is disabled.",
    "402": "The card was declined: `error` is Stripe's message.",
    "403": "The token does not give access to this (wrong manage token, or missing role).",
    "404": "Nothing with this slug or id.",
    "409": "A business rule refuses the request; `details.code` says which.",
    "422": "Some fields are missing, unknown or invalid; `details` lists every problem.",
    "413": "The body is larger than 1 MiB.",
    "429": "Too many requests from this address for this budget (quotes, registrations, "
           "payments, links); wait the seconds `Retry-After` says.",
    "503": "Saved, but the views are still catching up with it (or a service this needs is "
           "unreachable): retry after the seconds `Retry-After` says.",
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
PATH_NAME = re.compile(r"\{(\w+)\}")
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
        "description": "A staff member's token, printed by `flask staff create` with its "
                       "expiry (STAFF_TOKEN_DAYS, 90 by default), revocable by an admin; its "
                       "role (admin, finance or desk) decides what it may do."})
    spec.components.security_scheme(HOLDER, {
        "type": "http", "scheme": "bearer",
        "description": "The registration's manage token, returned once when registering "
                       "and in the manage link e-mailed to the holder; a substitution or "
                       "`POST /api/editions/{slug}/manage-links` replaces it (the earlier "
                       "one is refused with 403)."})
    spec.components.security_scheme(HOLDER_LINK, {
        "type": "apiKey", "in": "query", "name": "token",
        "description": "The manage token as `?token=`, as in the attendee's secret link."})
    spec.components.security_scheme(LEAD, {
        "type": "http", "scheme": "bearer",
        "description": "A delegation lead's token: the `token` of the secret link to their "
                       "page e-mailed to them (`/g/{lead}?token=…`); \"E-mail me a new link\" "
                       "replaces it (the earlier one is refused with 403)."})
    spec.components.schema("Error", ERROR_SCHEMA)
    for name, schema in ANSWERS.items():
        spec.components.schema(name, schema)
    grouped = dict(api_paths(app))
    paths = {path: {method.lower(): operation(app.view_functions[rule.endpoint], rule)
                    for rule in rules for method in sorted(rule.methods or ())
                    if method not in {"HEAD", "OPTIONS"}}
             for path, rules in grouped.items()}
    add_links(paths)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations, parameters=path_parameters(grouped[path][0]))
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
    caller(op, view)
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


RETRY_AFTER = {"description": "Seconds to wait before trying again.",
               "schema": {"type": "integer", "minimum": 0}}
LOCATION = {"description": "Where the new resource is.", "schema": {"type": "string"}}
RESPONSE_HEADERS = {"429": {"Retry-After": RETRY_AFTER}, "503": {"Retry-After": RETRY_AFTER}}
WRITE_HEADERS = {
    "X-Log-Position": {
        "description": "Where this write is in the log (when it recorded something): send "
                       "it back as `X-Wait-For-Position` to read it.",
        "schema": {"type": "integer", "minimum": 1}},
    "Idempotent-Replayed": {
        "description": "`true` when this is the first outcome given again for a repeated "
                       "`Idempotency-Key`.", "schema": {"type": "string", "enum": ["true"]}},
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
    declared = {str(code): answer_named(dict(answer))
                for code, answer in op.get("responses", {}).items()}
    codes = set(declared) | {"503"}  # any request may wait for the views (or for Stripe)
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
        if code in RESPONSE_HEADERS:
            answer["headers"] = {**RESPONSE_HEADERS[code], **answer.get("headers", {})}
        if code < "300" and rule.methods and rule.methods & {"POST", "PATCH"}:
            answer["headers"] = {**answer.get("headers", {}), **WRITE_HEADERS}
    return dict(sorted(declared.items()))


def answer_named(answer: dict[str, Any]) -> dict[str, Any]:
    """`schema: Registration` names a component of answers.py: made a reference."""
    for media in answer.get("content", {}).values():
        if isinstance(media.get("schema"), str) and media["schema"] in ANSWERS:
            media["schema"] = {"$ref": f"#/components/schemas/{media['schema']}"}
    if answer.get("description", "").startswith("Created") or "Location" in answer.get(
            "description", ""):
        answer["headers"] = {**answer.get("headers", {}), "Location": LOCATION}
    return answer


def caller(op: dict[str, Any], view: Callable[..., Any]) -> None:
    """Who may call, from the view's decorators: `security`, `x-roles` (the staff roles let
    in, admin always among them) and a sentence in the description."""
    staff_roles = getattr(view, "staff_roles", None)
    holder_roles = getattr(view, "holder_roles", None)
    if getattr(view, "lead_token", False):
        op["security"] = [{LEAD: []}]
        op["x-who"] = "The delegation lead (their link's token)."
        op["description"] = f"{op.get('description', '')} Who may call: {op['x-who']}".strip()
        return
    if staff_roles is None and holder_roles is None:
        op["security"] = []
        op["x-who"] = "Anyone."
        return
    roles: tuple[str, ...] = staff_roles if staff_roles is not None else holder_roles or ()
    op["x-roles"] = [role for role in ROLES if not roles or role in roles or role == "admin"]
    if staff_roles is not None:
        op["security"] = [{STAFF: []}]
        op["x-who"] = f"Staff: {staff_in(roles)}."
    elif getattr(view, "tokens_in_body", False):
        op["security"] = [{}, {STAFF: []}]  # no header needed: the tokens are in the body
        op["x-who"] = (f"Anyone naming each registration with its manage token (in the "
                       f"body), or staff: {staff_in(roles)}.")
    else:
        op["security"] = [{HOLDER: []}, {HOLDER_LINK: []}, {STAFF: []}]
        op["x-who"] = (f"The registration's holder (its manage token), or staff: "
                       f"{staff_in(roles)}.")
    op["description"] = f"{op.get('description', '')} Who may call: {op['x-who']}".strip()


def staff_in(roles: tuple[str, ...]) -> str:
    named = [role for role in roles if role != "admin"]
    if not named:
        return "any staff member ({})".format(", ".join(ROLES))
    return "{} (admins may do all)".format(" or ".join(named))


def add_links(paths: dict[str, dict[str, Any]]) -> None:
    """A response's `x-links: {parameter: expression}` becomes an OpenAPI link to every
    operation taking that path parameter (the source's own path parameters passed along);
    `x-body-links: {operationId: body}` a link giving that operation (part of) its body."""
    by_id = {op["operationId"]: (path, method) for path, operations in paths.items()
             for method, op in operations.items()}
    for source_path, operations in paths.items():
        for op in operations.values():
            for answer in op["responses"].values():
                given = answer.pop("x-links", {})
                found = links(given, source_path, paths)
                for target, body in answer.pop("x-body-links", {}).items():
                    path, method = by_id[target]
                    found[f"{method.upper()} {path} with body"] = {
                        "operationId": target, "requestBody": body,
                        "parameters": {name: given.get(name, f"$request.path.{name}")
                                       for name in PATH_NAME.findall(path)}}
                if found:
                    answer["links"] = found


def links(given: dict[str, str], source_path: str,
          paths: dict[str, dict[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    own = set(PATH_NAME.findall(source_path))
    for path, operations in paths.items():
        wanted = set(PATH_NAME.findall(path))
        if not wanted & set(given) or not wanted <= set(given) | own:
            continue
        for method, op in operations.items():
            parameters = {name: given.get(name, f"$request.path.{name}") for name in wanted}
            found[f"{method.upper()} {path}"] = {
                "operationId": op["operationId"], "parameters": parameters}
    return found


def who_may_call(op: dict[str, Any]) -> str:
    """In words, for the docs page."""
    return str(op.get("x-who", "Anyone."))
