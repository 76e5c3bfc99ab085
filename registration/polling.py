"""The loop of the long-running followers (`projections run`, `mail run`)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType

import click

from registration.following import RETRY_AFTER, FollowerStopped


def poll_until_interrupted(step: Callable[[], str | None], interval: float) -> None:
    """Call `step` every `interval` seconds, echoing what it reports, until stopped.

    Ctrl-C or SIGTERM (what a process manager sends on every restart) stops it between two
    steps, never in the middle of one: a mail being sent is recorded as sent first.
    A follower stopped on an event it cannot apply is reported (and kept for health); the
    process stays up and tries again every RETRY_AFTER seconds, rather than exiting into a
    restart loop.
    """
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not stopping.is_set():
            try:
                report = step()
            except FollowerStopped as stopped:
                click.echo(f"{stopped} (trying again every {RETRY_AFTER:.0f} s)", err=True)
                report = None
            if report:
                click.echo(report)
            stopping.wait(interval)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo("stopped")
