"""Places left before submitting: the edition JSON and the pages agree with what
registering decides (the Allocation aggregates), in English and French."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

from registration.services.container import Services
from tests.e2e.test_api import EDITION, SLUG, refusal, register, registered


def left(client: FlaskClient) -> tuple[dict[str, Any], dict[str, Any]]:
    shown = client.get(EDITION).json
    return ({t["code"]: t["places_left"] for t in shown["registration_types"]},
            {d["code"]: d["places_left"] for d in shown["delegations"]})


def page(client: FlaskClient, path: str, language: str) -> str:
    return client.get(f"/e/{SLUG}{path}?lang={language}").get_data(as_text=True)


def speaker_choice(html: str) -> str:
    found = re.search(r'<label class="choice[^"]*" data-type="speaker".*?</label>', html, re.S)
    assert found, "no speaker choice on the form"
    return found.group(0)


def test_a_full_type_shows_sold_out_everywhere_and_a_cancellation_frees_a_place(
        client: FlaskClient, services: Services, edition: dict) -> None:
    assert left(client) == ({"delegate": None, "speaker": 3},
                            {"QC": None, "GA": 2, "ON": None})
    assert "3 places left" in page(client, "", "en")
    holders = [registered(client, 10 + n, registration_type="speaker") for n in range(3)]
    assert left(client)[0] == {"delegate": None, "speaker": 0}

    for language, sold_out in (("en", "Sold out: no places left for this registration type"),
                               ("fr", "Complet\u00a0: il ne reste aucune place pour ce type "
                                      "d\u2019inscription")):
        assert sold_out in page(client, "", language)
        choice = speaker_choice(page(client, "/register", language))
        assert sold_out in choice and " disabled" in choice and "checked" not in choice
    group = page(client, "/group", "fr")
    assert re.search(r'<option value="speaker" disabled>Personne conférencière \(complet\)',
                     group)

    refused = refusal(register(client, 20, registration_type="speaker"), 409)
    assert refused["details"] == {"code": "sold_out"}

    registration, holder = holders[0]
    cancelled = client.post(f"/api/registrations/{registration}/cancellation", headers=holder)
    assert cancelled.status_code == 200
    assert left(client)[0]["speaker"] == 1
    assert "1 place left" in page(client, "", "en")
    assert "1 place restante" in page(client, "", "fr")
    assert " disabled" not in speaker_choice(page(client, "/register", "en"))
    registered(client, 21, registration_type="speaker")
    assert left(client)[0]["speaker"] == 0


def test_a_full_delegation_is_shown_as_such_and_not_offered(
        client: FlaskClient, services: Services, edition: dict) -> None:
    registered(client, 1, delegation="GA")
    assert left(client)[1]["GA"] == 1
    assert "Georgia · 1 place left" in page(client, "", "en")
    registered(client, 2, delegation="GA")
    assert left(client)[1] == {"QC": None, "GA": 0, "ON": None}
    assert "Géorgie · complet" in page(client, "", "fr")
    for path in ("/register", "/group"):
        assert '<option value="GA" disabled>Georgia (full)</option>' in page(client, path, "en")
    assert refusal(register(client, 3, delegation="GA"), 409)["details"] == {
        "code": "allotment_exhausted"}


def test_reading_the_places_left_reads_only_the_limited_resources(
        client: FlaskClient, services: Services, edition: dict) -> None:
    """What a page view costs: one Allocation per limited type and delegation, each a
    snapshot (they are snapshotted on every save) and no events."""
    for n in range(3):
        registered(client, 10 + n, registration_type="speaker")
    registered(client, 1, delegation="GA")
    recorders: dict[str, Any] = {"events": services.app.recorder,
                                 "snapshots": services.app.snapshots.recorder}
    read: dict[str, list[int]] = {name: [] for name in recorders}
    selects = {name: recorder.select_events for name, recorder in recorders.items()}

    def counting(name: str) -> Any:
        def select(*args: Any, **kwargs: Any) -> Any:
            events = selects[name](*args, **kwargs)
            read[name].append(len(events))
            return events
        return select

    config = services.editions.config(SLUG)
    for name, recorder in recorders.items():
        recorder.select_events = counting(name)
    try:
        services.registrations.availability(config)
    finally:
        for name, recorder in recorders.items():
            recorder.select_events = selects[name]
    # speaker and GA: one snapshot each; nothing else is read.
    assert read == {"events": [0, 0], "snapshots": [1, 1]}
