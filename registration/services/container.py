"""Everything the web layer and the CLI need, built once per process."""

from __future__ import annotations

from dataclasses import dataclass

from domain.base import set_clock
from registration.application import Conference
from registration.clock import Clock, make_clock
from registration.config import Settings
from registration.persistence import event_store_env, read_model_env
from registration.projections.queries import Queries
from registration.projections.runner import ReadModels
from registration.projections.store import open_store
from registration.services.editions import EditionService
from registration.services.registrations import RegistrationService
from registration.services.staff import StaffService


@dataclass
class Services:
    app: Conference
    read_models: ReadModels
    queries: Queries
    editions: EditionService
    registrations: RegistrationService
    staff: StaffService
    clock: Clock

    @classmethod
    def build(cls, settings: Settings, clock: Clock | None = None) -> Services:
        app = Conference(env=event_store_env(settings.database_url, settings.instance_path))
        store = open_store(read_model_env(settings.database_url, settings.instance_path))
        read_models = ReadModels(app, store)
        if settings.sync_projections:
            app.saved_listeners.append(lambda: read_models.catch_up())
        clock = clock or make_clock(settings.clock_start)
        set_clock(clock)
        return cls(
            clock=clock, app=app, read_models=read_models, queries=Queries(read_models),
            editions=EditionService(app), registrations=RegistrationService(app, clock),
            staff=StaffService(app),
        )

    def close(self) -> None:
        self.app.close()
        self.read_models.store.datastore.close()
