"""Filling the attendee forms in the browser, shared by the page tests."""

from __future__ import annotations

from playwright.sync_api import Page


def fill_person(page: Page, **values: str) -> None:
    for name, value in values.items():
        page.fill(f"#{name}", value)


def fill_quebec_group(page: Page, slug: str) -> None:
    """The delegation form for two people of the Quebec delegation (not yet submitted)."""
    page.goto(f"/e/{slug}/group")
    fill_person(page, lead_name="Aminata Diallo", lead_email="aminata@example.com")
    page.select_option("#delegation", "QC")
    page.fill("#organisation", "Investissement Québec")
    for row, (first, last) in enumerate([("Marie", "Gagnon"), ("Luc", "Roy")]):
        fill_person(page, **{f"p{row}-first_name": first, f"p{row}-last_name": last,
                             f"p{row}-email": f"{first.lower()}@example.com",
                             f"p{row}-job_title": "Analyst"})
