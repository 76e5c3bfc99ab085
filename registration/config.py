"""Settings from the environment (12-factor), with a `.env` file for development."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from dotenv import load_dotenv

DEVELOPMENT_SECRET_KEY = "dev-only-not-secret"
ENVIRONMENTS = ("development", "testing", "production")


class UnsafeSettings(RuntimeError):
    """Settings a production process must not start with (the message says what to set)."""


def default_environment() -> str:
    """`production` under gunicorn (the Procfile's web server), else `development`."""
    return "production" if "gunicorn" in sys.modules else "development"


@dataclass(frozen=True)
class Settings:
    instance_path: Path
    database_url: str | None = None
    secret_key: str = DEVELOPMENT_SECRET_KEY
    # APP_ENV: development, testing or production (anything else counts as production). A
    # production process refuses to start with the development SECRET_KEY.
    environment: str = "development"
    # Apply projections in the web process after each command (read-your-writes for a
    # single-process deployment); turn off when a separate worker follows the log.
    sync_projections: bool = True
    # Public writes per client address (Flask-Limiter strings, `;` between windows), counted
    # in Redis when REDIS_URL is set (shared by every worker and machine), else in memory.
    redis_url: str | None = None
    rate_limit_enabled: bool = True
    rate_limit_quotes: str = "60/minute;600/hour"
    rate_limit_registrations: str = "30/minute;120/hour"
    rate_limit_payments: str = "20/minute;100/hour"
    rate_limit_sign_in: str = "10/minute;50/hour"
    rate_limit_links: str = "5/minute;20/hour"  # "send me my link again" (each one e-mails)
    rate_limit_key_prefix: str = "registration"
    # How many reverse proxies stand in front (their X-Forwarded-For/-Proto are trusted).
    trusted_proxies: int = 0
    clock_start: datetime | None = None
    # Session cookies only over HTTPS: unset, they are unless the app runs in debug or tests.
    secure_cookies: bool | None = None
    # Staff page sessions end after this long unused, and this long after signing in;
    # bearer tokens expire this many days after they are issued.
    staff_session_idle_minutes: int = 120
    staff_session_max_hours: int = 12
    staff_token_days: int = 90
    # Card payments: localstripe on loopback by default (see docs/payments.md for real Stripe).
    stripe_secret_key: str = "sk_test_local"
    stripe_publishable_key: str = "pk_test_local"
    stripe_webhook_secret: str = "whsec_local"
    stripe_api_base: str = "http://127.0.0.1:8420"
    # E-mail: unset SMTP_URL keeps mail queued (nothing is lost; it goes out once set).
    smtp_url: str | None = None
    mail_from: str = "Registration <registration@localhost>"
    base_url: str = "http://127.0.0.1:5000"  # the links in e-mails start with it
    # Background jobs (badge batches): huey's queue of this name, in Redis when REDIS_URL is
    # set, else in a SQLite file under the instance folder. JOBS_EMBEDDED runs render threads
    # in the web process (make run, tests) instead of the Procfile's `jobs` process.
    jobs_queue: str = "registration-jobs"
    jobs_embedded: bool = False

    @classmethod
    def from_env(cls, instance_path: Path, overrides: dict | None = None) -> Settings:
        load_dotenv(override=False)
        values = {**os.environ, **{k.upper(): v for k, v in (overrides or {}).items()}}
        return cls(
            instance_path=Path(values.get("INSTANCE_PATH") or instance_path),
            database_url=values.get("DATABASE_URL") or None,
            secret_key=values.get("SECRET_KEY") or cls.secret_key,
            environment=(values.get("APP_ENV") or default_environment()).strip().lower(),
            sync_projections=values.get("SYNC_PROJECTIONS", "true").lower() in {"1", "true", "yes"},
            redis_url=values.get("REDIS_URL") or None,
            rate_limit_enabled=values.get("RATE_LIMIT_ENABLED", "true").lower()
            in {"1", "true", "yes"},
            rate_limit_quotes=values.get("RATE_LIMIT_QUOTES") or cls.rate_limit_quotes,
            rate_limit_registrations=values.get("RATE_LIMIT_REGISTRATIONS")
            or cls.rate_limit_registrations,
            rate_limit_payments=values.get("RATE_LIMIT_PAYMENTS") or cls.rate_limit_payments,
            rate_limit_sign_in=values.get("RATE_LIMIT_SIGN_IN") or cls.rate_limit_sign_in,
            rate_limit_links=values.get("RATE_LIMIT_LINKS") or cls.rate_limit_links,
            rate_limit_key_prefix=values.get("RATE_LIMIT_KEY_PREFIX")
            or cls.rate_limit_key_prefix,
            trusted_proxies=int(values.get("TRUSTED_PROXIES") or 0),
            clock_start=datetime.fromisoformat(values["CLOCK_START"])
            if values.get("CLOCK_START") else None,
            secure_cookies=_flag(values.get("SESSION_COOKIE_SECURE")),
            staff_session_idle_minutes=_positive(values, "STAFF_SESSION_IDLE_MINUTES",
                                                 cls.staff_session_idle_minutes),
            staff_session_max_hours=_positive(values, "STAFF_SESSION_MAX_HOURS",
                                              cls.staff_session_max_hours),
            staff_token_days=_positive(values, "STAFF_TOKEN_DAYS", cls.staff_token_days),
            stripe_secret_key=values.get("STRIPE_SECRET_KEY") or cls.stripe_secret_key,
            stripe_publishable_key=values.get("STRIPE_PUBLISHABLE_KEY")
            or cls.stripe_publishable_key,
            stripe_webhook_secret=values.get("STRIPE_WEBHOOK_SECRET") or cls.stripe_webhook_secret,
            stripe_api_base=values.get("STRIPE_API_BASE") or cls.stripe_api_base,
            smtp_url=values.get("SMTP_URL") or None,
            mail_from=values.get("MAIL_FROM") or cls.mail_from,
            base_url=values.get("BASE_URL") or cls.base_url,
            jobs_queue=values.get("JOBS_QUEUE") or cls.jobs_queue,
            jobs_embedded=values.get("JOBS_EMBEDDED", "").lower() in {"1", "true", "yes"},
        )

    @property
    def is_production(self) -> bool:
        return self.environment not in {"development", "testing"}

    def check_safe(self) -> None:
        """Refuse to run a production process with the development secret key: it signs
        sessions and derives every manage link, so anyone could forge them."""
        if not self.is_production:
            return
        problem = ("the development value" if self.secret_key == DEVELOPMENT_SECRET_KEY
                   else "shorter than 32 characters" if len(self.secret_key) < 32 else None)
        if problem:
            raise UnsafeSettings(
                f"SECRET_KEY is {problem} and APP_ENV is {self.environment!r}: set "
                "SECRET_KEY to a long random value (python -c 'import secrets; "
                "print(secrets.token_hex(32))'), or APP_ENV="
                "development on a development machine. It signs sessions and derives the "
                "attendees' manage links.")


    def check_shared_limits(self, web_processes: int) -> None:
        """Refuse several web processes counting rate limits each in its own memory: each
        would grant the whole budget (with 2 workers, twice the registrations a minute)."""
        if self.rate_limit_enabled and not self.redis_url and web_processes > 1:
            raise UnsafeSettings(
                f"{web_processes} web worker processes would each count the rate limits in "
                "their own memory: set REDIS_URL (redis://host:6379/0) so they share one "
                "count, or run one worker (--workers 1), or RATE_LIMIT_ENABLED=false where "
                "something in front of the app limits requests.")


def _flag(value: str | None) -> bool | None:
    """true/false, or None when unset (the default decides)."""
    if not value:
        return None
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _positive(values: dict, name: str, default: int) -> int:
    raw = values.get(name)
    if not raw:
        return default
    try:
        number = int(raw)
    except ValueError:
        number = 0
    if number < 1:
        raise ValueError(f"{name}={raw!r} must be a whole number of at least 1")
    return number
