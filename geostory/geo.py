"""Shared geography: one geodesic distance, one "same place" radius, one vectorised search metric.

`distance_km` is what users see (leg lengths, nearness between places): `geopy.distance.geodesic`.
`spherical_km` is for searching many points at once (network snapping, graph weights, spatial
votes), where a sphere is within 0.5% of the ellipsoid and numpy arrays must go in;
`great_circle_km` is the same sphere in plain floats, for ranking loops that call it many times.

>>> from geostory.model import Coordinate
>>> round(distance_km(Coordinate(48.8566, 2.3522), Coordinate(52.52, 13.405)))
880
>>> round(float(spherical_km(48.8566, 2.3522, 52.52, 13.405)))
877
"""

from __future__ import annotations

import functools
import math
import os
from pathlib import Path
from typing import Any, Protocol

__all__ = [
    "EARTH_RADIUS_KM",
    "SAME_PLACE_KM",
    "Located",
    "cache_dir",
    "distance_km",
    "great_circle_km",
    "spherical_km",
]

EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG)
SAME_PLACE_KM = 50.0  # two pins closer than this are one place as far as a journey is concerned
CACHE_ENV = "GEOSTORY_CACHE_DIR"


class Located(Protocol):
    @property
    def latitude(self) -> float: ...

    @property
    def longitude(self) -> float: ...


def distance_km(a: Located, b: Located) -> float:
    """The geodesic distance between two located things (places, coordinates, candidates).

    It is `geopy.distance.geodesic` (WGS-84 through geographiclib), computed the way geopy does
    but without importing geopy, whose package import loads every geocoder (a fifth of a second
    of each build); coordinates geopy would normalise or reject still go through geopy."""
    lat1, lon1, lat2, lon2 = (float(x or 0.0) for x in (a.latitude, a.longitude, b.latitude, b.longitude))
    if abs(lat1) <= 90 and abs(lat2) <= 90 and abs(lon1) <= 180 and abs(lon2) <= 180:
        return float(_wgs84().Inverse(lat1, lon1, lat2, lon2, _DISTANCE)["s12"])
    from geopy.distance import geodesic

    return float(geodesic((a.latitude, a.longitude), (b.latitude, b.longitude)).km)


_DISTANCE = 1025  # geographiclib's Geodesic.DISTANCE output mask


@functools.cache
def _wgs84() -> Any:
    """geopy's WGS-84 ellipsoid (km, flattening), as `geopy.distance.geodesic` builds it."""
    from geographiclib.geodesic import Geodesic

    assert Geodesic.DISTANCE == _DISTANCE
    return Geodesic(6378.137, 1 / 298.257223563)


def great_circle_km(a: Located, b: Located) -> float:
    """Great-circle km on the mean sphere between two located things, in plain floats: for ranking
    loops that call it many times (the haversine of `spherical_km`, without numpy's overhead).

    >>> from geostory.model import Coordinate
    >>> round(great_circle_km(Coordinate(48.8566, 2.3522), Coordinate(52.52, 13.405)))
    877
    """
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin(math.radians(b.longitude - a.longitude) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def spherical_km(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> Any:
    """Great-circle km on the mean sphere; floats or numpy arrays (broadcast)."""
    import numpy as np

    p1, p2 = np.radians(lat1), np.radians(lat2)
    dlon = np.radians(np.subtract(lon2, lon1))
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))


def cache_dir() -> Path:
    """Where geostory keeps what it builds once (gazetteer index, network arrays, geocode cache):
    ``$GEOSTORY_CACHE_DIR``, else the platform's user cache folder for geostory."""
    folder = os.environ.get(CACHE_ENV)
    if folder:
        return Path(folder)
    import platformdirs

    return Path(platformdirs.user_cache_dir("geostory", appauthor=False))
