"""Settings from the environment (12-factor), with a `.env` file for development."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from dotenv import load_dotenv


@dataclass(frozen=True)
class Settings:
    instance_path: Path
    database_url: str | None = None
    secret_key: str = "dev-only-not-secret"
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
    rate_limit_key_prefix: str = "registration"
    # How many reverse proxies stand in front (their X-Forwarded-For/-Proto are trusted).
    trusted_proxies: int = 0
    clock_start: datetime | None = None
    # Session cookies only over HTTPS (set SESSION_COOKIE_SECURE=true behind TLS).
    secure_cookies: bool = False
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
            sync_projections=values.get("SYNC_PROJECTIONS", "true").lower() in {"1", "true", "yes"},
            redis_url=values.get("REDIS_URL") or None,
            rate_limit_enabled=values.get("RATE_LIMIT_ENABLED", "true").lower()
            in {"1", "true", "yes"},
            rate_limit_quotes=values.get("RATE_LIMIT_QUOTES") or cls.rate_limit_quotes,
            rate_limit_registrations=values.get("RATE_LIMIT_REGISTRATIONS")
            or cls.rate_limit_registrations,
            rate_limit_payments=values.get("RATE_LIMIT_PAYMENTS") or cls.rate_limit_payments,
            rate_limit_sign_in=values.get("RATE_LIMIT_SIGN_IN") or cls.rate_limit_sign_in,
            rate_limit_key_prefix=values.get("RATE_LIMIT_KEY_PREFIX")
            or cls.rate_limit_key_prefix,
            trusted_proxies=int(values.get("TRUSTED_PROXIES") or 0),
            clock_start=datetime.fromisoformat(values["CLOCK_START"])
            if values.get("CLOCK_START") else None,
            secure_cookies=values.get("SESSION_COOKIE_SECURE", "").lower() in {"1", "true", "yes"},
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
