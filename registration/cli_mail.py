"""`flask --app wsgi mail …`: the mail processor (the Procfile's `mailer`), and the queue."""

from __future__ import annotations

import click
from flask import current_app

from domain.errors import DomainError
from domain.reminders import EVERY_DAYS
from registration.mail.processor import MailProcessor
from registration.polling import poll_until_interrupted

mail = click.Group("mail", help="E-mail to attendees: send what is due, show the queue.")


def processor() -> MailProcessor:
    return current_app.extensions["services"].mail


@mail.command("run")
@click.option("--interval", default=1.0, show_default=True, help="Seconds between polls.")
def run_mail(interval: float) -> None:
    """Follow the event log and send the e-mails owed, retrying failures."""
    mailer = processor()
    if mailer.transport is None:
        click.echo("SMTP_URL is not set: mail is queued, not sent.")
    click.echo(f"Following the log from position {mailer.position}; Ctrl-C stops.")

    def send() -> str | None:
        sent = mailer.drain()
        return f"sent {sent} e-mail(s)" if sent else None

    poll_until_interrupted(send, interval)


@mail.command("queue")
def show_queue() -> None:
    """List the e-mails not sent yet, with when each is due."""
    mailer = processor()
    mailer.follow()
    rows = mailer.pending()
    for row in rows:
        click.echo(f"{row['due_at']}  {row['kind'] or '-':12}  {row['mail_id']}")
    click.echo(f"{len(rows)} e-mail(s) waiting")


@mail.command("remind-unpaid")
@click.argument("slug")
@click.option("--every", default=EVERY_DAYS, show_default=True,
              help="Days between two reminders of one invoice.")
def remind_unpaid(slug: str, every: int) -> None:
    """Remind the bill-to of each overdue invoice of edition SLUG (run it daily)."""
    services = current_app.extensions["services"]
    try:
        config = services.editions.config(slug)
        today = config.day_of(services.clock())
        reminded = services.reminders.remind_unpaid(slug, today, every)
    except DomainError as refused:  # an unknown edition, a spacing under a day
        raise click.UsageError(refused.message) from None
    click.echo(f"{len(reminded)} reminder(s) queued: {', '.join(reminded) or '-'}")
