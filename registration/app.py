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
    from registration.web.acting import install_actors
    from registration.web.api import api
    from registration.web.checkout import checkout
    from registration.web.desk import desk
    from registration.web.docs import docs
    from registration.web.errors import register_error_handlers
    from registration.web.finance import finance
    from registration.web.freshness import install_freshness
    from registration.web.pages import install_pages
    from registration.web.payments import payments
    from registration.web.webhooks import webhooks

    app.register_blueprint(api)
    app.register_blueprint(desk)
    app.register_blueprint(docs)
    app.register_blueprint(finance)
    app.register_blueprint(payments)
    app.register_blueprint(webhooks)
    app.register_blueprint(checkout)
    register_error_handlers(app)
    register_commands(app)
    install_pages(app, PROJECT_ROOT / "translations", settings.secure_cookies)
    install_freshness(app)
    install_actors(app)
    return app
