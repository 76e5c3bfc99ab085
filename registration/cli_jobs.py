"""`flask --app wsgi jobs run`: the render worker process (the Procfile's `jobs` line)."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import AppGroup

from registration.adapters.job_queue import consumer
from registration.config import Settings

jobs = AppGroup("jobs", help="Background jobs: badge batches rendered off the web requests, "
                "and the payment-deadline pass every minute.")


def where(settings: Settings) -> str:
    if settings.redis_url:
        return f"Redis, queue {settings.jobs_queue!r}"
    return f"{settings.instance_path / 'jobs.sqlite3'}, queue {settings.jobs_queue!r}"


@jobs.command("run")
@click.option("--workers", default=2, show_default=True,
              help="Render worker processes (one per core is plenty).")
def run_jobs(workers: int) -> None:
    """Take badge batches from the queue and render them, and run the payment-deadline pass
    every minute, until SIGINT or SIGTERM."""
    services = current_app.extensions["services"]
    settings: Settings = current_app.config["SETTINGS"]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("weasyprint").setLevel(logging.WARNING)  # not a line per page
    click.echo(f"Rendering jobs from {where(settings)} with {workers} worker process(es); "
               "Ctrl-C stops.")
    queue = services.batches.queue
    # Each worker process is forked and builds its own services on its first job: close
    # this process's connections first, so no worker shares a socket with another.
    services.close()
    consumer(queue, workers, "process").run()
