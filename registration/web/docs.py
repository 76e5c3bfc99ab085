"""OpenAPI document and docs page (being written)."""

from flask import Blueprint

docs = Blueprint("docs", __name__, url_prefix="/api")
