"""The OpenAPI document (`/api/openapi.json`) and a readable page made from it (`/api/docs`)."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, current_app, render_template
from markupsafe import Markup, escape

from registration.web.api.openapi import openapi_document, who_may_call

docs = Blueprint("docs", __name__, url_prefix="/api")

CONSTRAINTS = {"length": "{} characters", "minLength": "at least {} characters",
               "maxLength": "at most {} characters", "pattern": "matches {}",
               "enum": "one of {}", "default": "default {}"}
CODE_SPAN = re.compile(r"`([^`]+)`")


def document() -> dict[str, Any]:
    """Built once per app, on first use, when every blueprint is registered."""
    if "openapi" not in current_app.extensions:
        current_app.extensions["openapi"] = openapi_document(current_app)
    return current_app.extensions["openapi"]


@docs.get("/openapi.json")
def openapi_json() -> Any:
    return document()


@docs.get("/docs")
def docs_page() -> Any:
    spec = document()
    schemas = spec.get("components", {}).get("schemas", {})
    endpoints = []
    for path, item in spec["paths"].items():
        shared = item.get("parameters", [])
        endpoints += [endpoint(path, method, op, shared, schemas)
                      for method, op in item.items() if method != "parameters"]
    schemes = {name: prose(scheme.get("description", ""))
               for name, scheme in spec["components"].get("securitySchemes", {}).items()}
    return render_template("api/docs.html", info=spec["info"], version=spec["openapi"],
                           endpoints=endpoints, schemes=schemes)


def endpoint(path: str, method: str, op: dict[str, Any], shared: list[dict[str, Any]],
             schemas: dict[str, Any]) -> dict[str, Any]:
    body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
    return {
        "method": method.upper(), "path": path, "anchor": op["operationId"],
        "summary": prose(op.get("summary", "")),
        "description": prose(op.get("description", "").removesuffix(
            f"Who may call: {who_may_call(op)}").strip()),
        "who": who_may_call(op),
        "parameters": [parameter_row(p) for p in [*shared, *op.get("parameters", [])]],
        "fields": fields(body["schema"], schemas) if body else [],
        "closed": body and resolve(body["schema"], schemas).get("additionalProperties") is False,
        "responses": [{"code": code, "description": prose(answer.get("description", ""))}
                      for code, answer in op["responses"].items()],
    }


def prose(text: str) -> Markup:
    """Escaped text with `code spans`, as the docstrings write them."""
    return Markup(CODE_SPAN.sub(r"<code>\1</code>", str(escape(text))))


def parameter_row(parameter: dict[str, Any]) -> dict[str, Any]:
    return {"name": parameter["name"], "where": parameter["in"],
            "required": parameter.get("required", False),
            "type": type_of(parameter["schema"]), "notes": notes(parameter["schema"]),
            "description": prose(parameter.get("description", ""))}


def resolve(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    return schemas[ref.rsplit("/", 1)[1]] if ref else schema


def fields(schema: dict[str, Any], schemas: dict[str, Any], prefix: str = "") -> list[dict]:
    """Every field of a body, nested objects flattened as `attendee.email`."""
    resolved = resolve(schema, schemas)
    rows: list[dict[str, Any]] = []
    for name, field in resolved.get("properties", {}).items():
        field = resolve(field, schemas)
        rows.append({"name": prefix + name, "type": type_of(field), "notes": notes(field),
                     "required": name in resolved.get("required", []),
                     "description": prose(field.get("description", ""))})
        if "properties" in field:
            rows += fields(field, schemas, f"{prefix}{name}.")
    return rows


def type_of(field: dict[str, Any]) -> str:
    kind = field.get("type", "any")
    if kind == "array" and "items" in field:
        kind = f"array of {type_of(field['items'])}"
    if field.get("format"):
        kind += f" ({field['format']})"
    return kind + (" or null" if field.get("nullable") else "")


def notes(field: dict[str, Any]) -> str:
    if "minLength" in field and "maxLength" in field:
        bounds = {k: v for k, v in field.items() if k not in {"minLength", "maxLength"}}
        field = {**bounds, "length": f"{field['minLength']} to {field['maxLength']}"}
    return "; ".join(text.format(", ".join(map(str, field[key])) if key == "enum"
                                 else field[key])
                     for key, text in CONSTRAINTS.items()
                     if key in field and field[key] is not None)
