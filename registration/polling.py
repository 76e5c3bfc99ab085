"""The loop of the long-running followers (`projections run`, `mail run`)."""

from __future__ import annotations

import time
from collections.abc import Callable

import click

from registration.following import RETRY_AFTER, FollowerStopped


def poll_until_interrupted(step: Callable[[], str | None], interval: float) -> None:
    """Call `step` every `interval` seconds, echoing what it reports, until Ctrl-C.

    A follower stopped on an event it cannot apply is reported (and kept for health); the
    process stays up and tries again every RETRY_AFTER seconds, rather than exiting into a
    restart loop.
    """
    try:
        while True:
            try:
                report = step()
            except FollowerStopped as stopped:
                click.echo(f"{stopped} (trying again every {RETRY_AFTER:.0f} s)", err=True)
                report = None
            if report:
                click.echo(report)
            time.sleep(interval)
    except KeyboardInterrupt:
        click.echo("stopped")
