"""The one place where refusals become HTTP answers: JSON `{"error": …, "details": …}`."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from domain.errors import DomainError, InvalidEdition, NotFound, Refused, WrongToken
from domain.questions import AnswersRefused
from registration.adapters.stripe_gateway import CardTokenRefused, GatewayUnavailable
from registration.web.common.request_limits import MAX_BODY_BYTES

JSON_PATHS = ("/api/", "/webhooks/")  # everything else is pages (and their static files)
ERROR_PAGE = "error_page"  # app.extensions: how the pages show an HTTP error, once installed


class ApiError(Exception):
    def __init__(self, status: int, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status, self.message, self.details = status, message, details


def error_response(status: int, message: str, details: Any = None) -> Any:
    response = jsonify({"error": message, "details": details})
    response.status_code = status
    return response


def status_of(error: DomainError) -> int:
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, WrongToken):
        return 403
    if isinstance(error, Refused):
        return 409
    return 422


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(error: ApiError) -> Any:
        return error_response(error.status, error.message, error.details)

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> Any:
        details: Any = {"code": error.code}
        if isinstance(error, InvalidEdition):
            details["problems"] = error.problems
        if isinstance(error, AnswersRefused):
            details["answers"] = error.problems
        return error_response(status_of(error), error.message, details)

    @app.errorhandler(GatewayUnavailable)
    def gateway_unavailable(error: GatewayUnavailable) -> Any:
        return error_response(error.status, error.message, {"code": "payment_service"})

    @app.errorhandler(CardTokenRefused)
    def card_token_refused(error: CardTokenRefused) -> Any:
        return error_response(422, error.message, {"token": [error.message]})

    @app.errorhandler(ValidationError)
    def invalid_input(error: ValidationError) -> Any:
        return error_response(422, "Some fields are missing or invalid.", error.messages)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        page = current_app.extensions.get(ERROR_PAGE)
        if page is not None and not request.path.startswith(JSON_PATHS):
            return page(error)  # a page's URL with no page for it (404, 405): an HTML page
        message = error.description or error.name
        if isinstance(error, RequestEntityTooLarge):
            message = too_large()
        response = error_response(error.code or 500, message)
        response.headers.extend(own_headers(error))
        return response


def too_large() -> str:
    return (f"The request is larger than the {MAX_BODY_BYTES // 1024 // 1024} MiB this service "
            "accepts.")


def own_headers(error: HTTPException) -> list[tuple[str, str]]:
    """What an HTTP error says besides its body: Allow on a 405, Retry-After on a 503…"""
    return [(name, value) for name, value in error.get_headers()
            if name.lower() not in {"content-type", "content-length"}]
