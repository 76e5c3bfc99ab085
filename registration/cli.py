"""`flask --app wsgi …` commands: editions, staff, projections, demo seed."""

from __future__ import annotations

import functools
import getpass
import json
import time
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app

from domain.actor import Actor, acting_as
from domain.errors import InvalidEdition
from registration.cli_badges import badges, recorded_text
from registration.cli_jobs import jobs
from registration.cli_mail import mail
from registration.cli_registrations import registrations, waiting_list
from registration.polling import poll_until_interrupted
from registration.services.container import Services


def services() -> Services:
    return current_app.extensions["services"]


editions = click.Group("editions", help="Schedule and reconfigure editions.")
staff = click.Group("staff", help="Staff accounts.")
projections = click.Group("projections", help="Read models that follow the event log.")


@editions.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load_edition(file: Path) -> None:
    """Schedule an edition from a JSON document, or apply its changes."""
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise click.ClickException(f"{file} is not valid JSON: {error}") from None
    try:
        edition, outcome = services().editions.load(document)
    except InvalidEdition as error:
        lines = "\n".join(f"  - {problem}" for problem in error.problems)
        raise click.ClickException(f"{file} was refused:\n{lines}") from None
    services().read_models.catch_up()
    click.echo(f"{edition.slug}: {outcome} (version {edition.version})")


@staff.command("create")
@click.option("--name", required=True, callback=recorded_text,
              help="The staff member's name (unique).")
@click.option("--role", required=True, type=click.Choice(["admin", "finance", "desk"]))
@click.option("--days", type=click.IntRange(1, 3650), default=None,
              help="Days until the token expires (default: STAFF_TOKEN_DAYS, 90).")
def create_staff(name: str, role: str, days: int | None) -> None:
    """Create a staff member (or issue a new token to one) and print the bearer token."""
    member, token, expires = services().staff.issue(name, role, days)
    click.echo(f"{member.name} ({member.role}) token: {token}")
    click.echo(f"expires: {expires.isoformat(timespec='seconds')}")


def _member(name: str) -> Any:
    member = services().staff.by_name(name)
    if member is None:
        raise click.ClickException(f"There is no staff member named {name!r}.")
    return member


@staff.command("disable")
@click.option("--name", required=True, help="The staff member's name.")
def disable_staff(name: str) -> None:
    """End every token and session of the member at once; they cannot sign in until enabled."""
    member = services().staff.set_disabled(_member(name).id, True)
    click.echo(f"{member.name} is disabled: every token and session has ended.")


@staff.command("enable")
@click.option("--name", required=True, help="The staff member's name.")
def enable_staff(name: str) -> None:
    """Let a disabled member sign in again (their old tokens stay revoked)."""
    member = services().staff.set_disabled(_member(name).id, False)
    click.echo(f"{member.name} may sign in again (issue a new token with `staff create`).")


@staff.command("tokens")
@click.option("--name", required=True, help="The staff member's name.")
def list_tokens(name: str) -> None:
    """The member's bearer tokens: prefix, issued, expires, last used, status."""
    now = services().clock()
    for token in services().staff.tokens(_member(name).id):
        status = "revoked" if token.revoked else "expired" if token.expires_at <= now \
            else "active"
        when = [t.isoformat(timespec="seconds") if t else "-"
                for t in (token.issued_at, token.expires_at, token.last_used)]
        click.echo(f"{token.prefix or token.token_hash[:6]}…  issued {when[0]}  "
                   f"expires {when[1]}  last used {when[2]}  {status}")


@staff.command("revoke")
@click.option("--name", required=True, help="The staff member's name.")
@click.option("--token", "prefix", required=True, help="The token's first characters.")
def revoke_token(name: str, prefix: str) -> None:
    """Revoke one of the member's bearer tokens, named by its prefix."""
    if not services().staff.revoke_token(_member(name).id, prefix):
        raise click.ClickException(f"{name} has no live token starting {prefix!r}.")
    click.echo("revoked")


@projections.command("run")
@click.option("--interval", default=0.2, show_default=True, help="Seconds between polls.")
def run_projections(interval: float) -> None:
    """Follow the event log and keep the read models up to date (the Procfile worker)."""
    read_models = services().read_models
    click.echo(f"Following the log from position {read_models.position}; Ctrl-C stops.")

    def project() -> str | None:
        return f"projected up to {read_models.position}" if read_models.catch_up() else None

    poll_until_interrupted(project, interval)


@projections.command("status")
def projection_status() -> None:
    """Where each follower of the log stands (as GET /api/health); exit 1 when failing."""
    report = services().health().to_dict()
    click.echo(f"database: {report['database']}")
    click.echo(f"log head: {report['log_head']}")
    for follower in report["followers"]:
        line = (f"{follower['name']}: position {follower['position']}, "
                f"lag {follower['lag']} event(s)")
        error = follower["error"]
        if error:
            line += (f", STOPPED at notification {error['notification_id']} "
                     f"({error['topic']}) since {error['failed_at']}: {error['error']}")
        click.echo(line)
    if report["status"] != "ok":
        raise SystemExit(1)


@projections.command("rebuild")
def rebuild_projections() -> None:
    """Rebuild every read model from the whole event log, with a progress bar."""
    read_models = services().read_models
    total = read_models.app.recorder.max_notification_id() or 0
    started = time.perf_counter()
    bar: Any
    with click.progressbar(length=total, label="Rebuilding read models") as bar:
        applied = read_models.rebuild(progress=bar.update)
        bar.update(total)  # events of other kinds after the last projected one
    seconds = time.perf_counter() - started
    click.echo(f"{applied} events applied in {seconds:.2f} s")


@click.command("seed")
def seed() -> None:
    """Load the demo edition and a few sample registrations (idempotent)."""
    from registration.demo import seed_demo

    for line in seed_demo(services()):
        click.echo(line)


def register_commands(app: Flask) -> None:
    for command in (editions, staff, projections, seed, badges, mail, jobs, registrations,
                    waiting_list):
        acting_from_the_command_line(command)
        app.cli.add_command(command)


def acting_from_the_command_line(command: click.Command) -> None:
    """What a command records is done by the operator at the command line (who is named)."""
    if isinstance(command, click.Group):
        for subcommand in command.commands.values():
            acting_from_the_command_line(subcommand)
        return
    callback = command.callback
    if callback is None:
        return

    @functools.wraps(callback)
    def acting(*args: Any, **kwargs: Any) -> Any:
        with acting_as(Actor.system("command-line", getpass.getuser())):
            return callback(*args, **kwargs)

    command.callback = acting
