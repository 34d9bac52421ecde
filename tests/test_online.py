"""Online geocoding against a fake Nominatim on 127.0.0.1: answers, cache, retries, fallback."""

from __future__ import annotations

import multiprocessing
import socket
import sqlite3
import time
import warnings

import pytest
from fake_geocoder import FakeGeocoder, FakeNominatim, FakeTime, coordinates_for, write_forever, write_many

from geostory.errors import ConfigurationError, GeocoderError
from geostory.online import (
    CachedGeocoder,
    OnlineGeocoderWarning,
    default_cache_path,
    make_geocoder,
)

USER_AGENT = "geostory-tests/1.0 (tests@example.org)"


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch):
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fake():
    with FakeNominatim(slow_seconds=1.5) as server:
        yield server


@pytest.fixture
def cache_path(tmp_path):
    return tmp_path / "cache" / "geocode.sqlite"


@pytest.fixture
def clock():
    return FakeTime()


def nominatim(fake, cache_path, clock=None, **options):
    """A geocoder on the fake server whose waits go to `clock` (a fresh FakeTime by default):
    rate limits and backoff are checked by what it was asked to sleep, never by real time."""
    options.setdefault("min_delay_seconds", 0)
    return make_geocoder(
        "nominatim",
        user_agent=USER_AGENT,
        domain=fake.domain,
        scheme="http",
        cache_path=cache_path,
        **(clock or FakeTime()).hooks(),
        **options,
    )


def cached_queries(cache_path) -> dict[str, tuple]:
    with sqlite3.connect(cache_path) as db:
        return {
            row[0]: row[1:] for row in db.execute("SELECT query, found, latitude, longitude FROM geocode")
        }


# --- good answers and the cache ----------------------------------------------------------------


def test_online_returns_location_from_good_response(fake, cache_path):
    location = nominatim(fake, cache_path).geocode("Kyiv")
    assert (location.latitude, location.longitude) == coordinates_for("Kyiv")
    assert location.address == "Kyiv, Testland"
    assert location.raw["address"]["country_code"] == "tl"


def test_online_cache_hit_makes_no_request_and_no_delay(fake, cache_path, clock):
    first = nominatim(fake, cache_path, clock, min_delay_seconds=30).geocode("Kyiv")
    again = nominatim(fake, cache_path, clock, min_delay_seconds=30)  # a later run, same cache
    hits = [again.geocode("Kyiv"), again.geocode("  kyiv "), again.geocode("KYIV")]
    assert clock.slept == []  # a request would have waited 30 s for its turn
    assert fake.hits["Kyiv"] == 1 and fake.total == 1
    assert again.requests == 0
    assert all(
        (h.latitude, h.longitude, h.address) == (first.latitude, first.longitude, first.address) for h in hits
    )
    assert hits[0].raw["display_name"] == "Kyiv, Testland"


def test_online_not_found_is_cached_as_negative(fake, cache_path):
    geocoder = nominatim(fake, cache_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "not found" is data, not a failure
        assert geocoder.geocode("nowhere") is None
        assert geocoder.geocode("nowhere") is None
    assert fake.hits["nowhere"] == 1
    assert cached_queries(cache_path)["nowhere"] == (0, None, None)


def test_online_exactly_one_false_returns_list(fake, cache_path):
    locations = nominatim(fake, cache_path).geocode("Lviv", exactly_one=False)
    assert [(loc.latitude, loc.longitude) for loc in locations] == [coordinates_for("Lviv")]


def test_online_rate_limit_spaces_requests(fake, cache_path, clock):
    geocoder = nominatim(fake, cache_path, clock, min_delay_seconds=0.4)
    geocoder.geocode("Kyiv")
    geocoder.geocode("Lviv")
    assert fake.total == 2
    assert clock.slept == [pytest.approx(0.4)]  # the second waits its turn, the first does not


def test_online_rate_limit_without_a_cache_is_kept_in_the_process(clock):
    geocoder = CachedGeocoder(
        FakeGeocoder(), service="fake", cache_path=False, min_delay_seconds=0.4, **clock.hooks()
    )
    geocoder.geocode("Kyiv")
    clock.now += 0.1  # the answer took 0.1 s
    geocoder.geocode("Lviv")
    assert geocoder.requests == 2
    assert clock.slept == [pytest.approx(0.3)]


def test_online_cache_dir_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("GEOSTORY_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert default_cache_path() == tmp_path / "elsewhere" / "geocode.sqlite"


# --- retries -------------------------------------------------------------------------------------


def test_online_retry_on_429_honours_retry_after(fake, cache_path, clock):
    location = nominatim(fake, cache_path, clock).geocode("limited")
    assert (location.latitude, location.longitude) == coordinates_for("limited")
    assert fake.hits["limited"] == 2
    assert clock.slept == [1]  # Retry-After: 1, not the 0.5 s backoff


def test_online_retry_on_500_then_success(fake, cache_path, clock):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        location = nominatim(fake, cache_path, clock).geocode("flaky")
    assert location is not None
    assert fake.hits["flaky"] == 2
    assert clock.slept == [0.5]  # backoff_seconds


def test_online_retries_are_bounded(fake, cache_path, clock):
    geocoder = nominatim(fake, cache_path, clock, max_retries=2)
    with pytest.raises(GeocoderError, match="HTTP 503"):
        geocoder.lookup("overloaded")
    assert fake.hits["overloaded"] == 3
    assert clock.slept == [0.5, 1.0]  # exponential backoff between the three tries


def test_online_retries_stop_before_the_wait_would_pass_max_wait(fake, cache_path, clock):
    geocoder = nominatim(fake, cache_path, clock, max_retries=5, max_wait_seconds=1.2)
    with pytest.raises(GeocoderError, match="HTTP 503"):
        geocoder.lookup("overloaded")
    assert clock.slept == [0.5]  # 0.5 s spent, and the next 1 s wait would end past 1.2 s
    assert fake.hits["overloaded"] == 2


# --- fallback: None, one warning, nothing stored -----------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("slow", "timed out"),
        ("overloaded", "HTTP 503"),
        ("garbled", "malformed"),
        ("badtype", "malformed"),
        ("outofrange", "malformed"),
        ("notfinite", "malformed"),
    ],
)
def test_online_failure_returns_none_with_one_warning_and_caches_nothing(fake, cache_path, query, message):
    geocoder = nominatim(fake, cache_path, timeout=0.3, max_retries=1)
    with pytest.warns(OnlineGeocoderWarning) as record:
        assert geocoder.geocode(query) is None
        assert geocoder.geocode(query) is None
        assert geocoder.geocode("garbled") is None
    assert len(record) == 1
    assert str(record[0].message).startswith("online geocoder unavailable: ")
    assert message in str(record[0].message)
    assert str(record[0].message).endswith("; using offline results")
    assert query not in cached_queries(cache_path)
    with pytest.raises(GeocoderError):
        geocoder.lookup(query)


def test_online_after_timeout_service_is_not_asked_again(fake, cache_path):
    geocoder = nominatim(fake, cache_path, timeout=0.3, max_retries=0)
    with pytest.warns(OnlineGeocoderWarning):
        assert geocoder.geocode("slow") is None
        assert geocoder.geocode("Kyiv") is None
    assert fake.hits["Kyiv"] == 0


def test_online_dead_port_falls_back_with_one_warning(cache_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    geocoder = make_geocoder(
        "nominatim",
        user_agent=USER_AGENT,
        domain=f"127.0.0.1:{port}",
        scheme="http",
        cache_path=cache_path,
        min_delay_seconds=0,
        max_retries=1,
        **FakeTime().hooks(),
    )
    with pytest.warns(OnlineGeocoderWarning, match="unreachable") as record:
        assert geocoder.geocode("Kyiv") is None
        assert geocoder.geocode("Lviv") is None
    assert len(record) == 1


def test_online_cached_answers_survive_an_outage(fake, cache_path):
    nominatim(fake, cache_path).geocode("Kyiv")
    geocoder = nominatim(fake, cache_path, timeout=0.3, max_retries=0)
    with pytest.warns(OnlineGeocoderWarning):
        geocoder.geocode("slow")
    assert geocoder.geocode("Kyiv") is not None


# --- configuration -------------------------------------------------------------------------------


def test_online_nominatim_needs_user_agent(cache_path):
    with pytest.raises(ConfigurationError, match="--user-agent"):
        make_geocoder("nominatim", cache_path=cache_path)


def test_online_unknown_service_is_configuration_error(cache_path):
    with pytest.raises(ConfigurationError, match="unknown online geocoder 'atlantis'"):
        make_geocoder("atlantis", cache_path=cache_path)


def test_online_other_geopy_services_are_built(cache_path):
    geocoder = make_geocoder("photon", domain="127.0.0.1:1", scheme="http", cache_path=cache_path)
    assert geocoder.service_name == "photon"
    assert geocoder.min_delay_seconds == 1.0


def test_online_unusable_cache_degrades_to_no_cache(tmp_path, fake):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    geocoder = nominatim(fake, blocker / "geocode.sqlite")
    assert geocoder.geocode("Kyiv") is not None
    assert geocoder.cache is None


# --- concurrency and crashes ---------------------------------------------------------------------


def test_online_cache_consistent_under_two_writing_processes(tmp_path):
    path = str(tmp_path / "geocode.sqlite")
    first = [f"place {n}" for n in range(300)]
    second = [f"place {n}" for n in range(150, 450)]
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        requests = pool.starmap(write_many, [(path, first), (path, second)])
    assert sum(requests) >= 450  # every query asked at least once; overlaps may be asked twice
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = db.execute("SELECT query, found, latitude, longitude FROM geocode").fetchall()
    assert len(rows) == 450
    assert all((found, (lat, lon)) == (1, coordinates_for(q)) for q, found, lat, lon in rows)
    fresh = CachedGeocoder(FakeGeocoder(), service="fake", cache_path=path, min_delay_seconds=0)
    assert fresh.geocode("place 200") is not None and fresh.requests == 0


def test_online_cache_survives_killed_writer(tmp_path):
    path = tmp_path / "geocode.sqlite"
    context = multiprocessing.get_context("spawn")
    writer = context.Process(target=write_forever, args=(str(path),))
    writer.start()
    try:
        deadline = time.monotonic() + 120  # generous: a spawned writer starts slowly on a busy machine
        written = 0
        while time.monotonic() < deadline and written < 50:
            time.sleep(0.05)
            if path.exists():
                try:
                    written = len(cached_queries(path))
                except sqlite3.OperationalError:  # table not created yet
                    written = 0
        writer.kill()
    finally:
        writer.join(5)
    assert written >= 50
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    geocoder = CachedGeocoder(FakeGeocoder(), service="fake", cache_path=path, min_delay_seconds=0)
    assert geocoder.geocode("place 0") is not None and geocoder.requests == 0
    assert geocoder.geocode("a new place") is not None and geocoder.requests == 1
