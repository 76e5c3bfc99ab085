"""Add-ons on the pages over HTTP: the group form buys them per person (too many is
refused beside its row, nothing recorded), and the desk's attendee list has a column each."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from registration.services.container import Services
from tests.e2e.test_delegation_lead import SLUG, group_form
from tests.support import editions
from tests.support.staff_pages import signed_in


@pytest.fixture
def edition(services: Services) -> dict[str, Any]:
    document = editions.edition(extras=editions.EXTRAS)
    services.editions.load(document)
    return document


def test_a_lead_buys_add_ons_per_person_and_the_desk_list_has_a_column_each(
        app: Flask, client: FlaskClient, services: Services, edition) -> None:
    form = group_form(client, [1, 2], delegation="QC", lead_name="Aminata Diallo",
                      lead_email="aminata@example.com")
    form.update({"p0-extra-gala": "1", "p1-extra-companion": "3"})
    refused = client.post(f"/e/{SLUG}/group?lang=fr", data=form)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert re.search(r'id="p1-extra-companion-error">Choisissez un nombre de 0 à 2\.<', page)
    config = services.editions.config(SLUG)
    assert services.queries.registrations(config) == []

    form.update({"p1-extra-companion": "2"})
    assert client.post(f"/e/{SLUG}/group?lang=fr", data=form).status_code == 303
    desk = signed_in(app, services, "desk@example.com", "desk")
    answer = desk.get(f"/staff/desk/{SLUG}/lists/attendees?format=csv&lang=en")
    header, *rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    assert header[-2:] == ["Gala dinner ticket", "Companion gala ticket"]
    assert sorted(row[-2:] for row in rows) == [["", "2"], ["1", ""]]
