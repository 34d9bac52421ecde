"""Optional online geocoding through any geopy geocoder, rate limited, retried and cached on disk.

    make_geocoder("nominatim", user_agent="newsdesk-maps/1.0 (desk@example.org)") -> CachedGeocoder

A `CachedGeocoder` keeps geopy's contract, ``geocode(query, *, exactly_one=True) -> Location | None``,
so resolve can use it in place of, or beside, the offline gazetteer. What it adds:

- a persistent cache (SQLite in WAL mode, in the user cache dir or ``$GEOSTORY_CACHE_DIR``) keyed
  by (service, domain, query), holding results and "not found" alike; a hit makes no request and
  waits for nothing; only validated coordinates are ever stored;
- the service's rate limit (Nominatim's usage policy: at most one request a second);
- bounded retries of HTTP 429 (honouring Retry-After) and 5xx, timeouts and refused connections;
- graceful failure: `lookup` raises `GeocoderError`; `geocode` turns that into ``None`` and warns once
  per geocoder ("online geocoder unavailable: ...; using offline results"), and after the service
  proved unreachable it stops asking it for the rest of the run.
"""

from __future__ import annotations

import http.client
import inspect
import json
import logging
import math
import os
import sqlite3
import threading
import time
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .errors import ConfigurationError, GeocoderError

__all__ = [
    "CachedGeocoder",
    "GeocodeCache",
    "OnlineGeocoderWarning",
    "default_cache_path",
    "make_geocoder",
]

log = logging.getLogger(__name__)

CACHE_FILE = "geocode.sqlite"
DEFAULT_USER_AGENT = "geostory/0.1"

# Seconds between requests each public service asks for; self-hosted instances can pass
# min_delay_seconds=0. Nominatim: https://operations.osmfoundation.org/policies/nominatim/
SERVICE_MIN_DELAY = {"nominatim": 1.0, "photon": 1.0, "openmapquest": 1.0, "pickpoint": 1.0}
DEFAULT_MIN_DELAY = 0.2

_RAW_LIMIT = 4000  # characters of JSON kept from a result's raw answer
_CLOCK_SKEW = 3600.0  # seconds: a booked slot further ahead than this is a clock set back, not a queue
_SETUP_ATTEMPTS = 8  # a new cache file opened by several processes at once
ANSWER_LIMIT = 2_000_000  # bytes: a geocoder's answer for one name is a few KB


class OnlineGeocoderWarning(UserWarning):
    """The online geocoder failed and geostory went on with offline results."""


def default_cache_path() -> Path:
    """``$GEOSTORY_CACHE_DIR/geocode.sqlite``, else the platform's user cache dir for geostory."""
    from .geo import cache_dir

    return cache_dir() / CACHE_FILE


def make_geocoder(
    name: str,
    *,
    user_agent: str | None = None,
    domain: str | None = None,
    scheme: str | None = None,
    cache_path: str | os.PathLike[str] | None = None,
    min_delay_seconds: float | None = None,
    timeout: float = 10,
    max_retries: int = 2,
    max_wait_seconds: float = 10.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    wall_clock: Callable[[], float] = time.time,
) -> CachedGeocoder:
    """A cached, rate-limited geocoder for the geopy service `name` (nominatim, photon, arcgis ...).

    `domain` and `scheme` point it at another server (a self-hosted Nominatim, a test fake);
    `cache_path` defaults to `default_cache_path()`; `min_delay_seconds` defaults to the service's
    policy (1 s for Nominatim). `sleep`, `clock` and `wall_clock` are `CachedGeocoder`'s hooks
    (tests pass a fake time). Raises ConfigurationError for an unknown service, a missing
    user agent for Nominatim, or options the service does not take.

    >>> make_geocoder("nominatim")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geostory.errors.ConfigurationError: the nominatim geocoder needs a user agent that identifies you, ...
    """
    from geopy.exc import GeocoderNotFound, GeopyError
    from geopy.geocoders import get_geocoder_for_service

    service = name.strip().lower()
    try:
        cls = get_geocoder_for_service(service)
    except GeocoderNotFound as err:
        raise ConfigurationError(f"unknown online geocoder {name!r}: {err}") from err
    if service in ("nominatim", "pickpoint", "openmapquest") and not (user_agent and user_agent.strip()):
        raise ConfigurationError(
            f"the {service} geocoder needs a user agent that identifies you, "
            'e.g. --user-agent "newsdesk-maps/1.0 (you@example.org)"'
        )
    options: dict[str, Any] = {
        "user_agent": user_agent or DEFAULT_USER_AGENT,
        "timeout": timeout,
        # geopy's stdlib adapter, with one deadline per call, a size cap and same-host redirects.
        "adapter_factory": _adapter_class(),
    }
    if domain:
        options["domain"] = domain
    if scheme:
        options["scheme"] = scheme
    accepted = inspect.signature(cls.__init__).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in accepted.values())
    for option in ("domain", "scheme"):
        if option in options and option not in accepted and not takes_any:
            raise ConfigurationError(f"the {service} geocoder does not take a {option}")
    if not takes_any:
        options = {key: value for key, value in options.items() if key in accepted}
    try:
        geocoder = cls(**options)
    except (GeopyError, TypeError, ValueError) as err:
        raise ConfigurationError(f"cannot set up the {service} geocoder: {err}") from err
    return CachedGeocoder(
        geocoder,
        service=service,
        domain=domain or getattr(geocoder, "domain", None) or "",
        cache_path=cache_path,
        min_delay_seconds=(
            min_delay_seconds
            if min_delay_seconds is not None
            else SERVICE_MIN_DELAY.get(service, DEFAULT_MIN_DELAY)
        ),
        max_retries=max_retries,
        max_wait_seconds=max_wait_seconds,
        sleep=sleep,
        clock=clock,
        wall_clock=wall_clock,
    )


def _adapter_class():
    """geopy's URLLibAdapter, reading through `geostory.net`: the call's timeout is one deadline
    for connect, headers and body; answers over ANSWER_LIMIT and redirects to another host or
    scheme are refused (a redirected answer would be cached under the first host's name)."""
    from geopy.adapters import URLLibAdapter
    from geopy.exc import GeocoderParseError, GeocoderServiceError, GeocoderTimedOut

    from .net import BodyTooLarge, deadline, deadline_opener, read_body

    class DeadlineAdapter(URLLibAdapter):
        def __init__(self, *, proxies, ssl_context):
            super().__init__(proxies=proxies, ssl_context=ssl_context)
            self.urlopen = deadline_opener(
                redirects="same-host", ssl_context=ssl_context, proxies=proxies
            ).open

        def get_text(self, url, *, timeout, headers):
            with deadline(timeout):  # connect, headers and body together, not per read
                return super().get_text(url, timeout=timeout, headers=headers)

        def _decode_page(self, page):
            try:
                body = read_body(page, max_bytes=ANSWER_LIMIT)
            except BodyTooLarge as err:
                raise GeocoderParseError(f"answer {err}") from err
            except TimeoutError as err:
                raise GeocoderTimedOut("Service timed out (deadline passed)") from err
            except (OSError, ValueError, http.client.HTTPException) as err:  # IncompleteRead: cut short
                raise GeocoderServiceError(f"Unable to read the response: {type(err).__name__}") from err
            encoding = page.headers.get_content_charset() or "utf-8"
            try:
                return str(body, encoding=encoding)
            except (LookupError, ValueError) as err:
                raise GeocoderParseError("Unable to decode the response bytes") from err

    return DeadlineAdapter


class GeocodeCache:
    """Geocoding answers on disk: SQLite in WAL mode, one short transaction per write.

    Safe for several processes at once (SQLite's locking, a busy timeout) and for a process killed
    mid-write (a transaction either lands whole or not at all).
    """

    SCHEMA_VERSION = 1

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        """The open cache, made on first use. Processes opening a new file at once race to switch
        it to WAL, and SQLite answers the loser "locked" at once, without waiting: try again."""
        attempt = 0
        while True:
            try:
                return self._open()
            except sqlite3.OperationalError as err:
                attempt += 1
                if "locked" not in str(err) or attempt >= _SETUP_ATTEMPTS:
                    raise
                time.sleep(0.05 * attempt)

    def _open(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.execute(
                    """CREATE TABLE IF NOT EXISTS geocode (
                        service TEXT NOT NULL,
                        domain TEXT NOT NULL,
                        query TEXT NOT NULL,
                        found INTEGER NOT NULL,
                        latitude REAL,
                        longitude REAL,
                        address TEXT,
                        raw TEXT,
                        fetched_at REAL NOT NULL,
                        PRIMARY KEY (service, domain, query),
                        CHECK (found IN (0, 1)),
                        CHECK (found = 0 OR (latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180))
                    )"""
                )
                db.execute(
                    """CREATE TABLE IF NOT EXISTS rate (
                        service TEXT NOT NULL,
                        domain TEXT NOT NULL,
                        last_request REAL NOT NULL,
                        PRIMARY KEY (service, domain)
                    )"""
                )
                db.execute(f"PRAGMA user_version={self.SCHEMA_VERSION}")
            except sqlite3.Error:
                db.close()
                raise
            self._db = db
        return self._db

    def get(self, service: str, domain: str, query: str) -> tuple[bool, dict[str, Any] | None]:
        """(hit, result): result is None for a cached "not found", a dict for a place."""
        with self._lock:
            row = (
                self._connect()
                .execute(
                    "SELECT found, latitude, longitude, address, raw FROM geocode "
                    "WHERE service = ? AND domain = ? AND query = ?",
                    (service, domain, query),
                )
                .fetchone()
            )
        if row is None:
            return False, None
        found, latitude, longitude, address, raw = row
        if not found:
            return True, None
        if not _valid_coordinates(latitude, longitude):  # written by something else: ignore it
            return False, None
        try:
            raw_data = json.loads(raw) if raw else {}
        except json.JSONDecodeError:
            raw_data = {}
        return True, {"latitude": latitude, "longitude": longitude, "address": address or "", "raw": raw_data}

    def put(self, service: str, domain: str, query: str, result: Mapping[str, Any] | None) -> None:
        """Store a validated result, or None for "not found"."""
        values: tuple[object, ...]
        if result is None:
            values = (service, domain, query, 0, None, None, None, None, time.time())
        else:
            latitude, longitude = result["latitude"], result["longitude"]
            if not _valid_coordinates(latitude, longitude):
                raise ValueError(f"refusing to cache invalid coordinates {latitude!r}, {longitude!r}")
            values = (
                service,
                domain,
                query,
                1,
                float(latitude),
                float(longitude),
                str(result.get("address") or ""),
                _dump_raw(result.get("raw")),
                time.time(),
            )
        with self._lock:
            self._connect().execute(
                "INSERT OR REPLACE INTO geocode "
                "(service, domain, query, found, latitude, longitude, address, raw, fetched_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                values,
            )

    def reserve_request(self, service: str, domain: str, min_delay: float, now: float) -> float:
        """Claim the right to send a request to (service, domain) now, across every process
        sharing this cache: 0.0 when claimed (the request goes out at once), else the seconds to
        wait before asking again. Claiming at send time, not booking a future slot, keeps the
        spacing even when a sleeper wakes late. `now` is wall-clock time (comparable between
        processes); a stamp far in the future (a clock set back) is ignored."""
        with self._lock:
            db = self._connect()
            db.execute("BEGIN IMMEDIATE")  # one writer at a time: two processes never claim together
            try:
                row = db.execute(
                    "SELECT last_request FROM rate WHERE service = ? AND domain = ?", (service, domain)
                ).fetchone()
                if row is not None and now < row[0] + min_delay and row[0] - now < _CLOCK_SKEW:
                    db.execute("COMMIT")
                    return row[0] + min_delay - now
                db.execute(
                    "INSERT OR REPLACE INTO rate (service, domain, last_request) VALUES (?, ?, ?)",
                    (service, domain, now),
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return 0.0

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


class CachedGeocoder:
    """A geopy geocoder behind a disk cache, a rate limit, bounded retries and offline fallback.

    `geocoder` is anything with geopy's ``geocode(query, *, exactly_one=True)``; `service` and
    `domain` name it in the cache key. `cache_path=False` disables the cache. Time comes through
    hooks, so tests need no real waiting: `sleep` waits, `clock` times the retries against
    `max_wait_seconds`, `wall_clock` stamps the rate limit shared through the cache (it must be
    comparable between processes).
    """

    def __init__(
        self,
        geocoder: Any,
        *,
        service: str,
        domain: str = "",
        cache_path: str | os.PathLike[str] | None | bool = None,
        min_delay_seconds: float = 1.0,
        max_retries: int = 2,
        max_wait_seconds: float = 10.0,
        backoff_seconds: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.geocoder = geocoder
        self.service = service
        self.domain = domain
        self.min_delay_seconds = max(0.0, float(min_delay_seconds))
        self.max_retries = max(0, int(max_retries))
        self.max_wait_seconds = max(0.0, float(max_wait_seconds))
        self.backoff_seconds = backoff_seconds
        self.requests = 0  # requests sent to the service, for tests and --verbose
        self._sleep = sleep
        self._clock = clock
        self._wall_clock = wall_clock
        self._last_request: float | None = None
        self._rate_lock = threading.Lock()
        self._warned = False
        self._down: str | None = None  # why the service was given up on for this run
        if cache_path is False:
            self.cache: GeocodeCache | None = None
        else:
            path = default_cache_path() if cache_path in (None, True) else cache_path
            self.cache = GeocodeCache(path)  # type: ignore[arg-type]

    @property
    def service_name(self) -> str:
        """The service's name, for `Place.source` ("nominatim")."""
        return self.service

    def __repr__(self) -> str:
        return f"CachedGeocoder({self.service!r}, domain={self.domain!r})"

    # geopy's contract -------------------------------------------------------------------------

    def geocode(self, query: str, *, exactly_one: bool = True, **params: Any):
        """The best Location for `query`, or None when not found or when the service fails.

        With ``exactly_one=False`` a one-element list (or None): only the best answer is cached.
        Extra `params` (e.g. ``country_codes="ua"``) go to the geocoder and into the cache key.
        """
        try:
            location = self.lookup(query, **params)
        except GeocoderError as err:
            self._warn(str(err))
            return None
        if location is None or exactly_one:
            return location
        return [location]

    # the lower level --------------------------------------------------------------------------

    def lookup(self, query: str, **params: Any):
        """Like `geocode` with ``exactly_one=True``, but a failing service raises GeocoderError."""
        from geopy.location import Location

        key = _cache_key(query, params)
        hit, cached = self._cache_get(key)
        if hit:
            if cached is None:
                return None
            return Location(cached["address"], (cached["latitude"], cached["longitude"]), cached["raw"])
        if self._down is not None:
            raise GeocoderError(f"{self.service} unavailable earlier in this run: {self._down}")
        location = self._request(query, params)
        if location is None:
            self._cache_put(key, None)
            return None
        latitude, longitude = location.latitude, location.longitude
        raw = location.raw if isinstance(location.raw, Mapping) else {}
        self._cache_put(
            key,
            {
                "latitude": latitude,
                "longitude": longitude,
                "address": location.address,
                "raw": _raw_subset(raw),
            },
        )
        return location

    def _request(self, query: str, params: Mapping[str, Any]):
        """One answer from the service, with rate limit and bounded retries; GeocoderError if none."""
        from geopy import exc as geopy_exc

        started = self._clock()
        attempt = 0
        while True:
            self._wait_turn()
            self.requests += 1
            try:
                with warnings.catch_warnings(record=True) as noise:
                    # geopy warns about odd coordinates before rejecting them; the
                    # GeocoderError below says it once, in the user's terms.
                    warnings.simplefilter("always")
                    answer = self.geocoder.geocode(query, exactly_one=True, **params)
                for item in noise:
                    log.debug("%s: %s", self.service, item.message)
                return _validated(answer, self.service)
            except geopy_exc.GeocoderRateLimited as err:
                wait = err.retry_after if err.retry_after is not None else self._backoff(attempt)
                reason, transient = f"rate limited (HTTP 429): {err}", True
            except (geopy_exc.GeocoderTimedOut, geopy_exc.GeocoderUnavailable) as err:
                wait, reason, transient = self._backoff(attempt), _describe(err), True
            except geopy_exc.GeocoderParseError as err:
                raise GeocoderError(f"{self.service} sent a malformed response: {_short(err)}") from err
            except geopy_exc.GeocoderServiceError as err:
                if type(err) is not geopy_exc.GeocoderServiceError or _redirect_refused(
                    err
                ):  # auth, quota, bad query
                    raise GeocoderError(f"{self.service} refused the request: {_short(err)}") from err
                wait, reason, transient = self._backoff(attempt), _describe(err), True
            except geopy_exc.GeopyError as err:
                raise GeocoderError(f"{self.service} failed: {_short(err)}") from err
            except (KeyError, IndexError, TypeError, ValueError, AttributeError) as err:
                # geopy's parsers index and float() the answer; garbage shows up as these.
                raise GeocoderError(f"{self.service} sent a malformed response: {_short(err)}") from err
            attempt += 1
            elapsed = self._clock() - started
            if not transient or attempt > self.max_retries or elapsed + wait > self.max_wait_seconds:
                self._down = reason
                raise GeocoderError(f"{self.service}: {reason}")
            log.info("%s: %s; retrying in %.1f s", self.service, reason, wait)
            self._sleep(wait)

    def _backoff(self, attempt: int) -> float:
        return self.backoff_seconds * (2**attempt)

    def _wait_turn(self) -> None:
        """Keep min_delay_seconds between requests: booked in the shared cache, so the policy holds
        for every process using it, else within this process."""
        if self.min_delay_seconds and self.cache is not None:
            try:
                while (
                    wait := self.cache.reserve_request(
                        self.service, self.domain, self.min_delay_seconds, self._wall_clock()
                    )
                ) > 0:
                    self._sleep(wait)
            except (sqlite3.Error, OSError) as err:
                self._cache_failed(err)
            else:
                return
        with self._rate_lock:
            now = self._clock()
            if self._last_request is not None:
                wait = self._last_request + self.min_delay_seconds - now
                if wait > 0:
                    self._sleep(wait)
                    now = self._clock()
            self._last_request = now

    # cache and warnings -----------------------------------------------------------------------

    def _cache_get(self, key: str) -> tuple[bool, dict[str, Any] | None]:
        if self.cache is None:
            return False, None
        try:
            return self.cache.get(self.service, self.domain, key)
        except (sqlite3.Error, OSError) as err:
            self._cache_failed(err)
            return False, None

    def _cache_put(self, key: str, result: Mapping[str, Any] | None) -> None:
        if self.cache is None:
            return
        try:
            self.cache.put(self.service, self.domain, key, result)
        except (sqlite3.Error, OSError) as err:
            self._cache_failed(err)

    def _cache_failed(self, err: Exception) -> None:
        if self.cache is None:
            return
        log.warning("geocoding cache %s unusable (%s); going on without it", self.cache.path, err)
        self.cache.close()
        self.cache = None

    def _warn(self, reason: str) -> None:
        if self._warned:
            log.debug("online geocoder still failing: %s", reason)
            return
        self._warned = True
        # One channel only: warnings (the CLI prints it as one line; libraries can filter it).
        warnings.warn(
            f"online geocoder unavailable: {reason}; using offline results",
            OnlineGeocoderWarning,
            stacklevel=3,
        )

    def close(self) -> None:
        if self.cache is not None:
            self.cache.close()


# --- helpers ------------------------------------------------------------------------------------


def _cache_key(query: str, params: Mapping[str, Any]) -> str:
    key = " ".join(str(query).split()).casefold()
    if params:
        key += " " + json.dumps(params, sort_keys=True, default=str)
    return key


def _valid_coordinates(latitude: Any, longitude: Any) -> bool:
    if isinstance(latitude, bool) or isinstance(longitude, bool):
        return False
    if not isinstance(latitude, (int, float)) or not isinstance(longitude, (int, float)):
        return False
    return (
        math.isfinite(latitude)
        and math.isfinite(longitude)
        and -90 <= latitude <= 90
        and -180 <= longitude <= 180
    )


def _validated(answer: Any, service: str):
    """The first Location of a geopy answer, checked; GeocoderError for anything odd."""
    from geopy.location import Location

    if answer is None:
        return None
    if isinstance(answer, list):
        if not answer:
            return None
        answer = answer[0]
    if not isinstance(answer, Location):
        raise GeocoderError(f"{service} sent a malformed response: {type(answer).__name__}, not a Location")
    if not _valid_coordinates(answer.latitude, answer.longitude):
        raise GeocoderError(
            f"{service} sent a malformed response: coordinates {answer.latitude!r}, {answer.longitude!r}"
        )
    for latitude, longitude in _raw_coordinates(answer.raw):
        # geopy wraps a longitude of 999 to -81: the answer is wrong, not a place at -81.
        if not _valid_coordinates(latitude, longitude):
            raise GeocoderError(
                f"{service} sent a malformed response: coordinates "
                f"{_short(latitude, 40)}, {_short(longitude, 40)} out of range"
            )
    return answer


def _raw_coordinates(raw: Any) -> list[tuple[Any, Any]]:
    """The coordinates as the service wrote them (Nominatim lat/lon, GeoJSON geometry, ArcGIS x/y)."""

    def number(value: Any) -> Any:
        try:
            return (
                float(value)
                if isinstance(value, (str, int, float)) and not isinstance(value, bool)
                else value
            )
        except ValueError:
            return value

    found = []
    if isinstance(raw, Mapping):
        for lat_key, lon_key in (("lat", "lon"), ("lat", "lng"), ("latitude", "longitude")):
            if lat_key in raw and lon_key in raw:
                found.append((number(raw[lat_key]), number(raw[lon_key])))
        geometry = raw.get("geometry")
        if isinstance(geometry, Mapping) and isinstance(geometry.get("coordinates"), (list, tuple)):
            point = geometry["coordinates"]
            if len(point) >= 2 and not isinstance(point[0], (list, tuple)):
                found.append((number(point[1]), number(point[0])))
        location = raw.get("location")
        if isinstance(location, Mapping) and "x" in location and "y" in location:
            found.append((number(location["y"]), number(location["x"])))
    return found


def _raw_subset(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Scalars of the raw answer, and of its nested mappings (address, properties) one level down."""

    def scalar(value: Any) -> bool:
        return value is None or isinstance(value, (str, int, float, bool))

    subset: dict[str, Any] = {}
    for key, value in raw.items():
        if scalar(value):
            subset[str(key)] = value
        elif isinstance(value, Mapping):
            inner = {str(k): v for k, v in value.items() if scalar(v)}
            if inner:
                subset[str(key)] = inner
        elif isinstance(value, (list, tuple)) and len(value) <= 8 and all(scalar(v) for v in value):
            subset[str(key)] = list(value)
    return subset


def _dump_raw(raw: Any) -> str | None:
    """JSON of the raw subset; only its top-level scalars if it is long; None if even that is."""
    if not isinstance(raw, Mapping) or not raw:
        return None
    flat = {k: v for k, v in raw.items() if not isinstance(v, (Mapping, list, tuple))}
    for candidate in (raw, flat):
        try:
            text = json.dumps(candidate, ensure_ascii=False, sort_keys=True, default=str, allow_nan=False)
        except (TypeError, ValueError):
            continue
        if len(text) <= _RAW_LIMIT:
            return text
    return None


def _redirect_refused(err: Exception) -> bool:
    """A redirect geostory would not follow (another host, not http(s)): asking again is no use."""
    from geopy.adapters import AdapterHTTPError

    cause = err.__cause__
    return isinstance(cause, AdapterHTTPError) and 300 <= cause.status_code < 400


def _describe(err: Exception) -> str:
    """Why a request failed, in a user's words: HTTP status, timeout, or no connection."""
    from geopy import exc as geopy_exc
    from geopy.adapters import AdapterHTTPError

    cause = err.__cause__
    if isinstance(cause, AdapterHTTPError):
        return f"server error (HTTP {cause.status_code})"
    if isinstance(err, geopy_exc.GeocoderTimedOut):
        return f"timed out: {_short(err)}"
    return f"unreachable: {_short(err)}"


def _short(err: object, limit: int = 200) -> str:
    text = " ".join(str(err).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
