"""`make run`: seed the demo and serve the app on http://127.0.0.1:5000 for development.

Development defaults apply only where nothing is set (environment or `.env`):
the product clock starts on 20 March 2019, 10:00 in Montréal, so the 2019 edition is open
with its early-bird prices live. `CLOCK_START= make run` runs on real time instead.
"""

from __future__ import annotations

import os
import textwrap
from datetime import datetime
from urllib.parse import urlsplit

from dotenv import load_dotenv
from werkzeug.serving import run_simple

from domain.actor import Actor, acting_as
from registration.adapters import localstripe_dev
from registration.app import create_app
from registration.config import Settings
from registration.demo import DEMO_ACCOUNTS, DEMO_ADMIN, seed_demo
from registration.services.container import Services

HOST = "127.0.0.1"
# Plain HTTP on loopback; badge batches render in threads of this process (the Procfile runs
# a `jobs` process).
DEVELOPMENT_DEFAULTS = {"CLOCK_START": "2019-03-20T10:00:00-04:00", "PORT": "5000",
                        "SESSION_COOKIE_SECURE": "false", "JOBS_EMBEDDED": "true"}


def main() -> None:
    load_dotenv(override=False)
    for name, value in DEVELOPMENT_DEFAULTS.items():
        os.environ.setdefault(name, value)
    app = create_app()
    services: Services = app.extensions["services"]
    settings: Settings = app.config["SETTINGS"]
    for line in seed_demo(services):
        print(f"  {line}")
    with acting_as(Actor.system("demo-seed")):
        _, token = services.staff.create(DEMO_ADMIN, "admin")
    url = f"http://{HOST}:{os.environ['PORT']}"
    stripe = localstripe_dev.start_for_development(
        settings.stripe_api_base, settings.stripe_webhook_secret, url, settings.instance_path)
    print(banner(url, token, services, settings))
    try:
        run_simple(HOST, int(os.environ["PORT"]), app, threaded=True, use_reloader=False)
    finally:
        services.close()  # the render threads stop with the server
        if stripe is not None:
            localstripe_dev.stop(stripe)


def banner(url: str, token: str, services: Services, settings: Settings) -> str:
    now = services.clock()
    started = settings.clock_start
    clock = (f"started at {started.isoformat()} (CLOCK_START) and running, now "
             f"{now.isoformat(timespec='seconds')}\n"
             "             (`CLOCK_START= make run` uses real time)" if started else "real time")
    if services.clock_note:
        clock += "\n" + "\n".join(f"             {line}"
                                   for line in textwrap.wrap(services.clock_note, 76))
    return "\n".join([
        "",
        f"  Serving:   {url}",
        f"  API docs:  {url}/api/docs",
        f"  Register:  {url}/e/seuscp-2019",
        f"  Staff:     {url}/staff/sign-in  "
        + "  ".join(f"{email} / {password}" for _, email, password, _ in DEMO_ACCOUNTS),
        f"  Payments:  Stripe at {settings.stripe_api_base} (test card 4242 4242 4242 4242)",
        f"  Database:  {where(settings)}",
        "  Jobs:      badge batches render in threads of this process (JOBS_EMBEDDED)",
        f"  Clock:     {clock}",
        *(f"             {line}" for line in edition_lines(services, now)),
        f"  Staff token ({DEMO_ADMIN}, admin, new for this run):",
        f"             {token}",
        f"  Try:       curl {url}/api/editions/seuscp-2019",
        f'             curl -H "Authorization: Bearer {token}" \\',
        f"                  {url}/api/editions/seuscp-2019/attendance",
        "",
    ])


def where(settings: Settings) -> str:
    if not settings.database_url:
        return f"SQLite files in {settings.instance_path}"
    parts = urlsplit(settings.database_url)
    return f"{parts.scheme}://{parts.hostname}:{parts.port or 5432}{parts.path}"


def edition_lines(services: Services, now: datetime) -> list[str]:
    """What the clock means for each edition: open or not, and the delegate price now."""
    lines = []
    for document in services.queries.edition_documents():
        config = services.editions.config(document["slug"])
        if now < config.registration_opens:
            opens = config.registration_opens.astimezone(config.zone)
            lines.append(f"{config.slug}: registration opens {opens:%Y-%m-%d %H:%M} "
                         f"({config.time_zone})")
            continue
        if now > config.registration_closes:
            lines.append(f"{config.slug}: registration has closed")
            continue
        quote = config.quote(config.registration_types[0].code, None, now)
        tier = quote.tier
        if quote.early_bird_until:
            tier += f" until {quote.early_bird_until.astimezone(config.zone):%Y-%m-%d %H:%M}"
        lines.append(f"{config.slug}: open; {quote.registration_type} {quote.subtotal.amount} "
                     f"{quote.currency} before tax ({tier})")
    return lines


if __name__ == "__main__":
    main()
