"""`flask --app wsgi registrations …`: the payment-deadline pass, by hand."""

from __future__ import annotations

import click
from flask import current_app

registrations = click.Group("registrations", help="Attendees' places.")


@registrations.command("expire")
def expire() -> None:
    """Remind the holders of unpaid places of their deadline, and expire the places whose
    deadline has passed (the jobs process does this every minute)."""
    done = current_app.extensions["services"].deadlines.run()
    click.echo(f"{done.reminded} reminder(s) queued, {done.expired} place(s) expired")


waiting_list = click.Group("waiting-list", help="The waiting lists of sold-out places.")


@waiting_list.command("run")
def run_waiting_list() -> None:
    """Expire the waiting-list offers whose time has passed and offer the places that are
    free, in order (the jobs process does this every minute)."""
    done = current_app.extensions["services"].waiting_list.run()
    click.echo(f"{done.expired} offer(s) expired, {done.offered} offer(s) made")
