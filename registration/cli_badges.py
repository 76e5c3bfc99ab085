"""`flask --app wsgi badges print …`: a batch of badges to one PDF file, with a progress bar."""

from __future__ import annotations

import getpass
import time
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

from domain.edition_config import BADGE_STOCKS
from domain.errors import DomainError
from domain.text import TextRefused, clean_text
from registration.projections.desk import BadgeFilter

badges = AppGroup("badges", help="Print badges for the registration desk.")


def recorded_text(_context: click.Context, parameter: click.Parameter, value: str | None) -> Any:
    """An option that ends up in an event follows the text rule (domain.text), and is not blank."""
    if value is None:
        return None
    try:
        cleaned = clean_text(value)
    except TextRefused as refused:
        raise click.BadParameter(refused.message) from None
    if not cleaned or len(cleaned) > 100:
        raise click.BadParameter("Give 1 to 100 characters.")
    return cleaned


@badges.command("print")
@click.option("--edition", "slug", required=True, help="The edition's slug.")
@click.option("--delegation", help="Only this delegation (its code, e.g. QC).")
@click.option("--registration-type", help="Only this registration type (its code).")
@click.option("--not-printed", is_flag=True, help="Only badges never printed yet.")
@click.option("--only-paid", is_flag=True, help="Only places paid for (or free).")
@click.option("--stock", type=click.Choice(BADGE_STOCKS), help="Instead of the edition's stock.")
@click.option("--printed-by", default=lambda: f"cli:{getpass.getuser()}", show_default="cli:USER",
              callback=recorded_text, help="Who the prints are recorded as.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
def print_badges(slug: str, delegation: str | None, registration_type: str | None,
                 not_printed: bool, only_paid: bool, stock: str | None, printed_by: str,
                 output: Path) -> None:
    """Render the selected badges, by delegation then last name, into one PDF."""
    desk = current_app.extensions["services"].desk
    which = BadgeFilter(delegation, registration_type, not_printed, only_paid)
    started = time.perf_counter()
    try:
        total = len(desk.badge_rows(slug, which))
        with click.progressbar(length=total, label="Printing badges") as bar:
            printed = desk.badges(slug, which, printed_by, stock, progress=bar.update)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    output.write_bytes(printed.pdf)
    seconds = time.perf_counter() - started
    click.echo(f"{printed.count} badges written to {output} in {seconds:.1f} s")


@badges.command("issue-codes")
@click.option("--edition", "slug", required=True, help="The edition's slug.")
def issue_codes(slug: str) -> None:
    """Make the short codes of places registered before them typeable at the desk.

    A single badge print does it for its place; run this once before printing the badges of
    such places in batches.
    """
    desk = current_app.extensions["services"].desk
    try:
        issued, taken = desk.issue_short_codes(slug)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"{issued} short codes issued")
    for registration_id in taken:
        click.echo(f"{registration_id}: its short code is another badge's; it prints none")
