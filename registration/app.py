"""`create_app()` builds the Flask application: settings, services, blueprints, pages."""

from __future__ import annotations

from contextlib import suppress
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from werkzeug.middleware.proxy_fix import ProxyFix

from registration.clock import Clock
from registration.config import Settings
from registration.following import FollowerStopped
from registration.web.common.request_limits import loads_bounded

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class JSONProvider(DefaultJSONProvider):
    """ISO-8601 dates and amounts as strings, never floats; request bodies nested at most
    32 levels deep (see registration.web.common.request_limits)."""

    @staticmethod
    def default(o: Any) -> Any:
        if isinstance(o, datetime | date):
            return o.isoformat()
        return DefaultJSONProvider.default(o)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads_bounded(s, **kwargs)


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
    settings.check_safe()  # before anything is opened: no production run with the dev key
    app.config.update(SECRET_KEY=settings.secret_key, SETTINGS=settings)
    services = Services.build(settings, clock)
    if settings.sync_projections:  # otherwise the worker process follows the log
        with suppress(FollowerStopped):  # logged and kept for health; pages still serve
            services.read_models.catch_up()
    app.extensions["services"] = services
    if settings.trusted_proxies:  # the client's address and scheme as the proxies saw them
        hops = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]

    from registration.cli import register_commands
    from registration.web import api, attendee, staff
    from registration.web.common.acting import install_actors
    from registration.web.common.errors import register_error_handlers
    from registration.web.common.freshness import install_freshness
    from registration.web.common.headers import install_security_headers
    from registration.web.common.pages import install_pages
    from registration.web.common.ratelimit import install_budgets
    from registration.web.common.request_limits import install_request_limits

    for blueprint in (*api.BLUEPRINTS, *attendee.BLUEPRINTS, *staff.BLUEPRINTS):
        app.register_blueprint(blueprint)
    register_error_handlers(app)
    register_commands(app)
    install_pages(app, PROJECT_ROOT / "translations", settings.secure_cookies)
    install_freshness(app)
    install_actors(app)
    staff.install_kiosk_lock(app)
    install_request_limits(app)
    install_security_headers(app, settings)
    install_budgets(app, settings)  # after the blueprints: it puts their marked views under it
    return app
