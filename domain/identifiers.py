"""The ids aggregates are found by: uuid5 names in the product's own namespace.

A value module (no aggregate), so any layer may name an edition by its slug.
"""

from __future__ import annotations

from functools import lru_cache
from uuid import NAMESPACE_URL, UUID, uuid5

NAMESPACE = uuid5(NAMESPACE_URL, "https://conference-registration.invalid/")


@lru_cache(maxsize=1024)  # a hash (uuid5) every request naming an edition asks for
def edition_id(slug: str) -> UUID:
    return uuid5(NAMESPACE, f"edition/{slug}")
