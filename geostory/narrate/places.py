"""Place relations the readers and the itinerary share: containment, distance, de-duplication."""

from __future__ import annotations

from collections.abc import Iterable

from geostory.geo import distance_km
from geostory.model import Place

_AREAS = ("country", "continent")


def _contains(outer: Place, inner: Place) -> bool:
    """A country that holds a place (same country code), or a first-level region that holds a town
    or county (same country code and admin1: "to Montana ... to Bozeman"); we have no polygons here."""
    return _in_country(outer, inner) or _in_region(outer, inner)


def _in_country(outer: Place, inner: Place) -> bool:
    """A country that holds a place: the same country code."""
    return (
        outer.place_type in _AREAS
        and outer.key != inner.key
        and outer.country_code is not None
        and outer.country_code == inner.country_code
        and inner.place_type not in _AREAS
    )


def _in_region(outer: Place, inner: Place) -> bool:
    """A first-level region that holds a town or county: the same country code and admin1."""
    return (
        outer.key != inner.key
        and outer.country_code is not None
        and outer.country_code == inner.country_code
        and outer.place_type == "region"
        and outer.admin1 is not None
        and outer.admin1 == inner.admin1
        and inner.place_type not in _AREAS + ("region",)
    )


def _km(a: Place, b: Place) -> float:
    """Geodesic distance in km between two places (geopy's, as everywhere in geostory)."""
    return distance_km(a, b)


def _apart(a: Place, b: Place, km: float = 0.0) -> bool:
    """Two places, neither holding the other, at least `km` apart: a journey's two ends."""
    return a.key != b.key and not _contains(a, b) and not _contains(b, a) and (not km or _km(a, b) >= km)


def _unique(places: Iterable[Place]) -> list[Place]:
    out: list[Place] = []
    for place in places:
        if all(p.key != place.key for p in out):
            out.append(place)
    return out
