"""`create_app()` builds the Flask application: settings, services, blueprints, pages."""

from __future__ import annotations

from contextlib import suppress
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from registration.clock import Clock
from registration.config import Settings
from registration.following import FollowerStopped
from registration.web.common.ratelimit import RateLimiter

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class JSONProvider(DefaultJSONProvider):
    """ISO-8601 dates and amounts as strings, never floats."""

    @staticmethod
    def default(o: Any) -> Any:
        if isinstance(o, datetime | date):
            return o.isoformat()
        return DefaultJSONProvider.default(o)


def create_app(overrides: dict[str, Any] | None = None, clock: Clock | None = None) -> Flask:
    from registration.services.container import Services  # see registration/__init__.py

    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.json = JSONProvider(app)
    settings = Settings.from_env(Path(app.instance_path), overrides)
    app.config.update(SECRET_KEY=settings.secret_key, SETTINGS=settings)
    services = Services.build(settings, clock)
    if settings.sync_projections:  # otherwise the worker process follows the log
        with suppress(FollowerStopped):  # logged and kept for health; pages still serve
            services.read_models.catch_up()
    app.extensions["services"] = services
    app.extensions["rate_limiter"] = RateLimiter(settings.rate_limit_per_minute)

    from registration.cli import register_commands
    from registration.web import api, attendee, staff
    from registration.web.common.acting import install_actors
    from registration.web.common.errors import register_error_handlers
    from registration.web.common.freshness import install_freshness
    from registration.web.common.pages import install_pages

    for blueprint in (*api.BLUEPRINTS, *attendee.BLUEPRINTS, *staff.BLUEPRINTS):
        app.register_blueprint(blueprint)
    register_error_handlers(app)
    register_commands(app)
    install_pages(app, PROJECT_ROOT / "translations", settings.secure_cookies)
    install_freshness(app)
    install_actors(app)
    return app
