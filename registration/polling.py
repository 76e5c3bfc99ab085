"""The loop of the long-running followers (`projections run`, `mail run`)."""

from __future__ import annotations

import time
from collections.abc import Callable

import click


def poll_until_interrupted(step: Callable[[], str | None], interval: float) -> None:
    """Call `step` every `interval` seconds, echoing what it reports, until Ctrl-C."""
    try:
        while True:
            report = step()
            if report:
                click.echo(report)
            time.sleep(interval)
    except KeyboardInterrupt:
        click.echo("stopped")
