"""The conference registration backend: `create_app()` builds the Flask application."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from registration.clock import Clock
from registration.config import Settings
from registration.services.container import Services
from registration.web.ratelimit import RateLimiter

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class JSONProvider(DefaultJSONProvider):
    """ISO-8601 dates and amounts as strings, never floats."""

    @staticmethod
    def default(o: Any) -> Any:
        if isinstance(o, datetime | date):
            return o.isoformat()
        return DefaultJSONProvider.default(o)


def create_app(overrides: dict[str, Any] | None = None, clock: Clock | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    app.json = JSONProvider(app)
    settings = Settings.from_env(Path(app.instance_path), overrides)
    app.config.update(SECRET_KEY=settings.secret_key, SETTINGS=settings)
    services = Services.build(settings, clock)
    services.read_models.catch_up()
    app.extensions["services"] = services
    app.extensions["rate_limiter"] = RateLimiter(settings.rate_limit_per_minute)

    from registration.cli import register_commands
    from registration.web.api import api
    from registration.web.docs import docs
    from registration.web.errors import register_error_handlers

    app.register_blueprint(api)
    app.register_blueprint(docs)
    register_error_handlers(app)
    register_commands(app)
    return app
