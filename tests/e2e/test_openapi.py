"""The OpenAPI document describes every API route, validly, and the docs page shows them all."""

from __future__ import annotations

import re

from openapi_spec_validator import validate

from registration.web.api.openapi import PATH_VARIABLE


def api_routes(app) -> set[tuple[str, str]]:
    """Every route under /api, whichever blueprint serves it, but this document and page."""
    return {(method.lower(), PATH_VARIABLE.sub(r"{\g<name>}", rule.rule))
            for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/api/") and not rule.endpoint.startswith("docs.")
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_the_openapi_document_is_valid_and_describes_every_api_route(app, client):
    document = client.get("/api/openapi.json").json
    validate(document)
    described = {(method, path) for path, item in document["paths"].items()
                 for method in item if method != "parameters"}
    assert api_routes(app) == described
    assert {("get", "/api/editions"), ("post", "/api/editions/{slug}/registrations"),
            ("get", "/api/editions/{slug}/attendance")} < described


def test_request_bodies_come_from_the_marshmallow_schemas(client):
    document = client.get("/api/openapi.json").json
    schemas = document["components"]["schemas"]
    register = document["paths"]["/api/editions/{slug}/registrations"]["post"]
    body = register["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/RegistrationRequest"}
    request = schemas["RegistrationRequest"]
    assert request["additionalProperties"] is False
    assert request["properties"]["attendee"] == {"$ref": "#/components/schemas/Attendee"}
    assert set(schemas["Attendee"]["required"]) == {
        "first_name", "last_name", "email", "organisation", "job_title"}
    assert "required" not in schemas["Correction"]  # a correction sends only what changes


def test_errors_and_who_may_call_are_described(client):
    document = client.get("/api/openapi.json").json
    assert set(document["components"]["schemas"]["Error"]["required"]) == {"error", "details"}
    assert set(document["components"]["securitySchemes"]) == {
        "staffToken", "manageToken", "manageLink", "leadToken"}
    paths = document["paths"]
    lead = paths["/api/leads/{lead_id}/members"]["post"]
    assert lead["security"] == [{"leadToken": []}]
    assert lead["description"].endswith("Who may call: The delegation lead (their link's token).")
    assert {"201", "401", "403", "404", "409", "422"} <= set(lead["responses"])
    attendance = paths["/api/editions/{slug}/attendance"]["get"]
    assert attendance["security"] == [{"staffToken": []}]
    assert [p["name"] for p in attendance["parameters"]] == ["as_of", "X-Wait-For-Position"]
    cancel = paths["/api/registrations/{registration_id}/cancellation"]["post"]
    assert cancel["security"] == [{"manageToken": []}, {"manageLink": []}, {"staffToken": []}]
    assert cancel["x-roles"] == ["admin", "finance"]
    assert cancel["description"].endswith(
        "Who may call: The registration's holder (its manage token), or staff: finance "
        "(admins may do all).")
    assert {"401", "403", "404", "409"} <= set(cancel["responses"])
    error = cancel["responses"]["409"]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/Error"}
    register = paths["/api/editions/{slug}/registrations"]["post"]
    assert register["security"] == [] and {"201", "400", "409", "422", "429"} <= set(
        register["responses"])
    assert [p["name"] for p in register["parameters"]] == ["Idempotency-Key"]
    issue = paths["/api/editions/{slug}/invoices"]["post"]
    assert [p["name"] for p in issue["parameters"]] == ["Idempotency-Key"]


def test_the_docs_page_shows_every_endpoint_with_who_may_call_it(app, client):
    page = client.get("/api/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    for method, path in api_routes(app):
        assert re.search(rf">{method.upper()}</span>\s*<h2 class=\"path\">{re.escape(path)}<",
                         html), (method, path)
    assert "Staff: any staff member (admin, finance, desk)." in html
    assert "Staff: desk (admins may do all)." in html
    assert ("The registration&#39;s holder (its manage token), or staff: finance (admins may "
            "do all).") in html
    assert html.count("Who may call:") == len(api_routes(app))  # once each, not repeated
    assert "<code>attendee.email</code>" in html and "<script" not in html
    assert "http://" not in html and "https://" not in html  # nothing fetched from elsewhere


def test_every_closed_list_of_values_is_an_enum(client):
    document = client.get("/api/openapi.json").json
    schemas = document["components"]["schemas"]
    assert schemas["Attendee"]["properties"]["language"]["enum"] == ["en", "fr"]
    assert schemas["BillTo"]["properties"]["language"]["enum"] == ["en", "fr"]
    assert schemas["InvoicePayment"]["properties"]["method"]["enum"] == [
        "bank_transfer", "cheque"]
    assert schemas["Registration"]["properties"]["status"]["enum"] == [
        "awaiting_approval", "pending_payment", "invoiced", "paid", "confirmed", "cancelled",
        "refunded"]
    assert schemas["Quote"]["properties"]["currency"]["enum"] == ["CAD", "USD"]
    assert schemas["Invoice"]["properties"]["kind"]["enum"] == ["invoice", "credit_note"]
    actor = schemas["History"]["properties"]["events"]["items"]["properties"]["actor"]
    assert actor["properties"]["role"]["enum"] == ["admin", "finance", "desk"]
    ledger = document["paths"]["/api/editions/{slug}/invoices"]["get"]["parameters"]
    status = next(p for p in ledger if p["name"] == "status")["schema"]
    assert {"unpaid", "paid", "credit_note"} <= set(status["enum"])
    badge = document["paths"]["/api/registrations/{registration_id}/badge.pdf"]["get"]
    assert next(p for p in badge["parameters"] if p["name"] == "stock")["schema"]["enum"][
        :2] == ["4x3", "letter-6"]


def test_every_documented_answer_has_a_schema_and_errors_the_error_schema(client):
    document = client.get("/api/openapi.json").json
    for path, item in document["paths"].items():
        for method, op in item.items():
            if method == "parameters":
                continue
            for code, answer in op["responses"].items():
                if code == "204":
                    continue  # no content, by definition
                content = answer.get("content")
                assert content, (method, path, code)
                if code >= "400" and (path, code) != ("/api/health", "503"):  # its report
                    assert content["application/json"]["schema"] == {
                        "$ref": "#/components/schemas/Error"}, (method, path, code)
                else:
                    assert all("schema" in media or kind != "application/json"
                               for kind, media in content.items()), (method, path, code)
            assert "503" in op["responses"] and "Retry-After" in op["responses"]["503"][
                "headers"]


def test_links_lead_from_what_is_created_to_what_acts_on_it(client):
    document = client.get("/api/openapi.json").json
    paths = document["paths"]
    created = paths["/api/editions/{slug}/registrations"]["post"]["responses"]["201"]["links"]
    targets = {link["operationId"] for link in created.values()}
    assert {"api_show_registration", "api_correct_registration", "api_cancel",
            "payments_open_payment", "finance_issue"} <= targets
    issued = paths["/api/editions/{slug}/invoices"]["post"]["responses"]["201"]["links"]
    assert {"finance_show", "finance_record_payment", "finance_cancel"} <= {
        link["operationId"] for link in issued.values()}
    assert all(link["parameters"] for link in [*created.values(), *issued.values()])


def test_the_answers_enums_are_the_codes_own_lists():
    from domain.invoice import KINDS
    from registration.web.api.answers import INVOICE_KINDS

    assert INVOICE_KINDS == KINDS  # copied: the web may not import an aggregate's module
