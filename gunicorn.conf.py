"""Read by gunicorn from the working directory (the Procfile's `web` line): what is checked
once, before any worker starts."""

from pathlib import Path
from typing import Any

from registration.config import Settings


def on_starting(server: Any) -> None:
    """Several workers must count the rate limits in one place (Redis), not each its own."""
    Settings.from_env(Path("instance")).check_shared_limits(server.cfg.workers)
