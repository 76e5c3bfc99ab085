"""Read tables are disposable: a changed shape is dropped and replayed from the log."""

from __future__ import annotations

from domain.registration import Attendee
from registration.projections.runner import ReadModels
from registration.services.container import Services
from tests.support import editions


def test_read_tables_of_an_older_shape_are_rebuilt_from_the_log(services: Services, edition):
    for n in range(3):
        services.registrations.register(edition["slug"], Attendee(**editions.attendee(n)),
                                        "delegate", "QC")
    store = services.read_models.store
    with store.transaction() as cursor:  # as an older release would have left it
        store.execute(cursor, "DROP TABLE registrations", {})
        store.execute(cursor, "CREATE TABLE registrations (registration_id TEXT)", {})
        store.execute(cursor, "UPDATE read_model_schema SET fingerprint = 'older'", {})

    reopened = ReadModels(services.app, store)
    reopened.catch_up()

    config = services.editions.config(edition["slug"])
    assert len(services.queries.registrations(config)) == 3
    assert services.queries.attendance(config)["totals"]["registered"] == 3
