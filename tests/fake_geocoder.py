"""Test doubles for online geocoding: a fake Nominatim on 127.0.0.1 and an in-process geocoder.

The fake server answers ``/search?q=...&format=json`` like Nominatim. The query picks the fault:

    slow        sleeps longer than any test timeout, then answers
    limited     HTTP 429 with ``Retry-After: 1`` the first time, then an answer
    flaky       HTTP 500 the first time, then an answer
    overloaded  HTTP 503 every time
    garbled     a body that is not JSON
    badtype     ``"lat": ["x"]``: coordinates of the wrong type
    outofrange  ``"lat": "123.0"``
    notfinite   ``"lat": "nan"``
    nowhere     ``[]``: not found
    anything else: a place whose coordinates are derived from the query (see `coordinates_for`)
"""

from __future__ import annotations

import hashlib
import http.server
import json
import threading
import time
import urllib.parse
from collections import Counter

from geopy.location import Location


def coordinates_for(query: str) -> tuple[float, float]:
    """Deterministic, valid coordinates for a query, so tests can check what was stored."""
    digest = hashlib.sha256(query.casefold().encode()).digest()
    latitude = int.from_bytes(digest[:4], "big") / 2**32 * 170 - 85
    longitude = int.from_bytes(digest[4:8], "big") / 2**32 * 350 - 175
    return round(latitude, 6), round(longitude, 6)


class FakeNominatim:
    """A Nominatim-compatible HTTP server in a daemon thread; use as a context manager."""

    def __init__(self, slow_seconds: float = 2.0) -> None:
        self.slow_seconds = slow_seconds
        self.hits: Counter[str] = Counter()
        self.times: list[tuple[float, str]] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                fake._handle(self)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def domain(self) -> str:
        return f"127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FakeNominatim:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def total(self) -> int:
        return sum(self.hits.values())

    def _handle(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        url = urllib.parse.urlsplit(handler.path)
        params = urllib.parse.parse_qs(url.query)
        query = params.get("q", [""])[0]
        with self._lock:
            self.hits[query] += 1
            count = self.hits[query]
            self.times.append((time.monotonic(), query))
        if url.path != "/search":
            return self._send(handler, 404, b"not found")
        fault = query.casefold()
        if fault == "slow":
            time.sleep(self.slow_seconds)
        if fault == "limited" and count == 1:
            return self._send(handler, 429, b"slow down", {"Retry-After": "1"})
        if fault == "flaky" and count == 1:
            return self._send(handler, 500, b"oops")
        if fault == "overloaded":
            return self._send(handler, 503, b"busy")
        if fault == "garbled":
            return self._send(handler, 200, b"<html>this is not json", {"Content-Type": "text/html"})
        if fault == "nowhere":
            return self._send_json(handler, [])
        latitude, longitude = coordinates_for(query)
        lat: object = str(latitude)
        if fault == "badtype":
            lat = ["x"]
        elif fault == "outofrange":
            lat = "123.0"
        elif fault == "notfinite":
            lat = "nan"
        place = {
            "place_id": 1234,
            "licence": "test data",
            "osm_type": "node",
            "osm_id": 42,
            "lat": lat,
            "lon": str(longitude),
            "class": "place",
            "type": "city",
            "importance": 0.7,
            "name": query,
            "display_name": f"{query}, Testland",
            "boundingbox": ["0", "1", "2", "3"],
            "address": {"city": query, "country_code": "tl"},
        }
        return self._send_json(handler, [place])

    @staticmethod
    def _send(handler, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        try:
            handler.send_response(status)
            for name, value in (headers or {}).items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
            pass

    def _send_json(self, handler, data) -> None:
        self._send(handler, 200, json.dumps(data).encode(), {"Content-Type": "application/json"})


class FakeGeocoder:
    """An in-process geocoder with geopy's contract, for cache tests that need no HTTP."""

    def __init__(self) -> None:
        self.calls = 0

    def geocode(self, query: str, *, exactly_one: bool = True):
        self.calls += 1
        latitude, longitude = coordinates_for(query)
        location = Location(
            f"{query}, Testland", (latitude, longitude), {"name": query, "lat": str(latitude)}
        )
        return location if exactly_one else [location]


def write_many(cache_path: str, queries: list[str]) -> int:
    """Worker for multiprocessing tests: geocode `queries` through a cache at `cache_path`."""
    from geostory.online import CachedGeocoder

    geocoder = CachedGeocoder(FakeGeocoder(), service="fake", cache_path=cache_path, min_delay_seconds=0)
    for query in queries:
        geocoder.geocode(query)
    geocoder.close()
    return geocoder.requests


def write_forever(cache_path: str) -> None:
    """Worker that writes until it is killed."""
    from geostory.online import CachedGeocoder

    geocoder = CachedGeocoder(FakeGeocoder(), service="fake", cache_path=cache_path, min_delay_seconds=0)
    number = 0
    while True:
        geocoder.geocode(f"place {number}")
        number += 1


class FakeTime:
    """A clock that moves only when slept on, and remembers each sleep: pass it as `clock`,
    `wall_clock` (call it) and `sleep` (its `sleep`), and no test waits or depends on timing."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def hooks(self) -> dict:
        """The keywords `make_geocoder` and `CachedGeocoder` take."""
        return {"sleep": self.sleep, "clock": self, "wall_clock": self}
