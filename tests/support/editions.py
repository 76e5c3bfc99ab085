"""Edition documents for tests: a Quebec edition (bilingual, GST+QST) and a Georgia one."""

from __future__ import annotations

import copy
from typing import Any

QUEBEC: dict[str, Any] = {
    "slug": "test-montreal",
    "names": {"en": "Alliance Conference (test)", "fr": "Conférence de l\u2019Alliance (essai)"},
    "host": "CA-QC",
    "venue": {"name": "Palais des congrès", "city": "Montréal"},
    "starts_on": "2019-06-02",
    "ends_on": "2019-06-04",
    "time_zone": "America/Montreal",
    "currency": "CAD",
    "languages": ["fr", "en"],
    "registration_opens": "2019-01-15T09:00",
    "registration_closes": "2019-06-04T12:00",
    "registration_types": [
        {"code": "delegate", "names": {"en": "Delegate", "fr": "Personne déléguée"},
         "color": "#1f4e79",
         "tiers": [
             {"name": "early_bird", "price": "395.00", "until": "2019-04-15T23:59",
              "early_bird": True},
             {"name": "regular", "price": "495.00", "until": "2019-06-01T23:59"},
             {"name": "on_site", "price": "595.00"}]},
        {"code": "speaker", "names": {"en": "Speaker", "fr": "Personne conférencière"},
         "capacity": 3,
         "color": "#b03a2e", "tiers": [{"name": "regular", "price": "0.00"}]},
    ],
    "delegations": [
        {"code": "QC", "names": {"en": "Quebec", "fr": "Québec"}, "kind": "province"},
        {"code": "GA", "names": {"en": "Georgia", "fr": "Géorgie"}, "kind": "state",
         "allotment": 2},
        {"code": "ON", "names": {"en": "Ontario", "fr": "Ontario"}, "kind": "province"},
    ],
    "discount_codes": [
        {"code": "PARTNER20", "kind": "percent", "value": "20", "max_uses": 2},
        {"code": "GOV50", "kind": "fixed", "value": "50.00", "registration_types": ["delegate"],
         "valid_until": "2019-05-31T23:59"},
    ],
    "cancellation_policy": {
        "steps": [{"until": "2019-05-01T23:59", "refund_percent": "100"},
                  {"until": "2019-05-20T23:59", "refund_percent": "50"}],
        "fee": "50.00",
    },
    "tax_numbers": {"GST": "123456789 RT0001", "QST": "1234567890 TQ0001"},
}

GEORGIA: dict[str, Any] = {
    **copy.deepcopy(QUEBEC),
    "slug": "test-atlanta",
    "names": {"en": "Alliance Conference Atlanta (test)"},
    "host": "US-GA",
    "venue": {"name": "Georgia World Congress Center", "city": "Atlanta"},
    "time_zone": "America/New_York",
    "currency": "USD",
    "languages": ["en"],
    "tax_numbers": {},
}


def edition(base: dict[str, Any] = QUEBEC, **changes: Any) -> dict[str, Any]:
    document = copy.deepcopy(base)
    document.update(changes)
    return document


def attendee(n: int = 1, **changes: Any) -> dict[str, Any]:
    person = {
        "first_name": "François", "last_name": f"Tremblay{n}", "email": f"person{n}@example.com",
        "organisation": "Hydro-Québec", "job_title": "Engineer", "language": "fr",
    }
    person.update(changes)
    return person


# Add-ons (domain.extras): a gala ticket for delegates (speakers' places include the gala),
# and a companion's ticket for anyone, two at most, 3 in all.
EXTRAS: list[dict[str, Any]] = [
    {"code": "gala", "names": {"en": "Gala dinner ticket", "fr": "Billet du souper gala"},
     "prices": {"CAD": "120.00", "USD": "90.00"}, "registration_types": ["delegate"]},
    {"code": "companion", "names": {"en": "Companion gala ticket",
                                    "fr": "Billet de gala pour une personne accompagnatrice"},
     "prices": {"CAD": "99.99", "USD": "75.00"}, "capacity": 3, "max_per_registration": 2},
]
GALA_LIST: dict[str, Any] = {"code": "gala", "names": {"en": "Gala dinner", "fr": "Souper gala"},
                             "registration_types": ["speaker"], "extras": ["gala"]}
