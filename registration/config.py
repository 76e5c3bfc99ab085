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
    rate_limit_per_minute: int = 120
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

    @classmethod
    def from_env(cls, instance_path: Path, overrides: dict | None = None) -> Settings:
        load_dotenv(override=False)
        values = {**os.environ, **{k.upper(): v for k, v in (overrides or {}).items()}}
        return cls(
            instance_path=Path(values.get("INSTANCE_PATH") or instance_path),
            database_url=values.get("DATABASE_URL") or None,
            secret_key=values.get("SECRET_KEY") or cls.secret_key,
            sync_projections=values.get("SYNC_PROJECTIONS", "true").lower() in {"1", "true", "yes"},
            rate_limit_per_minute=int(values.get("RATE_LIMIT_PER_MINUTE") or 120),
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
        )
