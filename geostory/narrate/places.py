"""Place relations the readers and the itinerary share: containment, distance, de-duplication."""

from __future__ import annotations

from collections.abc import Iterable

from geopy.distance import geodesic

from geostory.model import Place


def _contains(outer: Place, inner: Place) -> bool:
    """A country/region that holds a place (by country code; we have no polygons here)."""
    return (
        outer.place_type in ("country", "continent")
        and outer.key != inner.key
        and outer.country_code is not None
        and outer.country_code == inner.country_code
        and inner.place_type not in ("country", "continent")
    )


def _km(a: Place, b: Place) -> float:
    """Geodesic distance in km between two places (geopy, as everywhere in geostory)."""
    return geodesic((a.latitude, a.longitude), (b.latitude, b.longitude)).km


def _unique(places: Iterable[Place]) -> list[Place]:
    out: list[Place] = []
    for place in places:
        if all(p.key != place.key for p in out):
            out.append(place)
    return out
