"""The typed data that flows between geostory's stages.

    read -> Article -> recognize -> Mention -> resolve -> Place -> narrate -> Story -> route -> Story

Every fact keeps its evidence: a Mention has offsets and its sentence, a Place the mentions it came
from, its source, confidence and runner-up candidates, a Leg or Visit the sentence that reported it.
Domain objects say latitude/longitude; `lonlat` is the one place that turns them into the
(x, y) = (lon, lat) order that shapely and GeoJSON use.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal, TypeAlias

PlaceType = Literal[
    "continent", "country", "region", "county", "city", "landmark", "airport", "water", "other"
]
Role = Literal["origin", "destination", "waypoint", "visit", "mentioned"]
Mode = Literal["rail", "air", "road", "sea", "unknown"]
Status = Literal["reported", "planned", "possible"]
GeometryBasis = Literal[
    "rail-network", "road-network", "sea-lanes", "rail-corridor", "great-circle", "schematic"
]
MentionKind = Literal["toponym", "facility", "demonym", "embedded", "venue"]
# embedded: a place name inside an organisation's name ("Dublin City Council"); geoparsed, not pinned
# venue: a local facility named like an organisation ("Huntsville Memorial Hospital"), where stories
# send patients, the arrested, pupils; pinned (at its town, approximately), not geoparsed: it is no
# toponym, and the town inside its name is geoparsed as embedded
Order = Literal["told", "happened"]

MODES: tuple[Mode, ...] = ("rail", "air", "road", "sea", "unknown")
STATUSES: tuple[Status, ...] = ("reported", "planned", "possible")
ROLES: tuple[Role, ...] = ("origin", "destination", "waypoint", "visit", "mentioned")
# The key prefix of a local name the gazetteer lacks, pinned at a town the article names near it:
# a guess, which the story reads as that town ("near:Elm Street@geonames:123").
NEAR_KEY = "near"


@dataclass(frozen=True)
class Article:
    """An article's text and what is known about it."""

    text: str
    title: str | None = None
    date: dt.date | None = None
    source: str | None = None
    url: str | None = None
    path: str | None = None  # where it was read from, for default output names


@dataclass(frozen=True)
class Span:
    """A piece of the article: its text and character offsets, `text == article[start:end]`."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Mention:
    """A place name as written in the article."""

    text: str
    start: int
    end: int
    sentence: Span
    label: str  # the spaCy label or rule that found it: GPE, LOC, FAC, gazetteer, facility ...
    kind: MentionKind = "toponym"
    lookup: str | None = None  # the name to look up when it differs from text ("Turkish" -> "Turkey")

    @property
    def query(self) -> str:
        return self.lookup or self.text


@dataclass(frozen=True)
class Coordinate:
    latitude: float
    longitude: float

    def lonlat(self) -> tuple[float, float]:
        """(x, y) order for shapely and GeoJSON."""
        return (self.longitude, self.latitude)


@dataclass(frozen=True)
class Candidate:
    """One gazetteer entry a name could refer to."""

    name: str
    latitude: float
    longitude: float
    place_type: PlaceType
    country_code: str | None
    population: int
    source: str  # geonames, airportsdata, curated, override, or an online service's name
    source_id: str  # geonameid, ICAO code, curated slug ...
    admin1: str | None = None  # first-level region code or name, for "Portland, Maine"
    feature_code: str | None = None  # GeoNames feature code where known (PPLC, ADM1, AIRB ...)

    @property
    def coordinate(self) -> Coordinate:
        return Coordinate(self.latitude, self.longitude)

    @property
    def key(self) -> str:
        return f"{self.source}:{self.source_id}"


@dataclass(frozen=True)
class Place:
    """A resolved place: where it is, which mentions name it, and how sure geostory is."""

    key: str  # stable identity, "source:source_id"
    name: str
    latitude: float
    longitude: float
    place_type: PlaceType
    country_code: str | None
    mentions: tuple[Mention, ...]
    source: str
    confidence: float  # 0..1
    approximate: bool = False  # pinned at a container ("a palace in Kyiv") or a region's centre
    container: str | None = None  # the container's name when approximate
    alternatives: tuple[Candidate, ...] = ()  # runner-up candidates, best first
    admin1: str | None = None  # first-level division within the country, as the gazetteer gives it

    @property
    def coordinate(self) -> Coordinate:
        return Coordinate(self.latitude, self.longitude)

    @property
    def first_start(self) -> int:
        return min(m.start for m in self.mentions) if self.mentions else 0


@dataclass(frozen=True)
class Resolution:
    """What resolve made of the mentions: the places, and the mentions it could not place."""

    places: tuple[Place, ...]
    unresolved: tuple[Mention, ...] = ()


@dataclass(frozen=True)
class TimeSpan:
    """A normalized date expression: an inclusive range of days and the words it came from."""

    start: dt.date
    end: dt.date
    text: str

    def iso(self) -> str:
        """ISO 8601: one day, or an interval `start/end`."""
        if self.start == self.end:
            return self.start.isoformat()
        return f"{self.start.isoformat()}/{self.end.isoformat()}"


@dataclass(frozen=True)
class Leg:
    """A journey the article reports, plans or deems possible, and (after route) its geometry."""

    origin: Place
    destination: Place
    mode: Mode
    status: Status
    evidence: Span
    waypoints: tuple[Place, ...] = ()
    actors: tuple[str, ...] = ()  # who travels, as the article names them; () for not told
    when: TimeSpan | None = None
    mode_inferred: bool = False  # no cue in the text: the mode is geostory's guess from distance
    path: tuple[Coordinate, ...] = ()  # filled by route: origin ... destination
    distance_km: float | None = None
    geometry_basis: GeometryBasis | None = None


@dataclass(frozen=True)
class Visit:
    """Something that happens at a place: a meeting, a forum, a parade."""

    place: Place
    evidence: Span
    status: Status = "reported"
    actors: tuple[str, ...] = ()
    when: TimeSpan | None = None
    event: str | None = None  # what happens, in the article's words


Event: TypeAlias = Leg | Visit


def _told_start(event: Event) -> int:
    return event.evidence.start


@dataclass(frozen=True)
class Story:
    """Everything geostory read from one article."""

    article: Article
    places: tuple[Place, ...]
    legs: tuple[Leg, ...] = ()
    visits: tuple[Visit, ...] = ()
    unresolved: tuple[Mention, ...] = ()  # names found but not placed, kept to be honest about them

    def role_of(self, place: Place) -> Role:
        """The place's part in the story; destination outranks origin, which outranks waypoint."""
        key = place.key
        if any(leg.destination.key == key for leg in self.legs):
            return "destination"
        if any(leg.origin.key == key for leg in self.legs):
            return "origin"
        if any(any(w.key == key for w in leg.waypoints) for leg in self.legs):
            return "waypoint"
        if any(visit.place.key == key for visit in self.visits):
            return "visit"
        return "mentioned"

    def events(self, order: Order = "told") -> tuple[Event, ...]:
        """Legs and visits in the order the article tells them, or the order they happened.

        Undated events keep their told position relative to the dated event told just before them.
        """
        both: list[Event] = [*self.legs, *self.visits]
        told = sorted(both, key=_told_start)
        if order == "told":
            return tuple(told)
        keyed: list[tuple[dt.date, int, Event]] = []
        last: dt.date = dt.date.min
        for position, event in enumerate(told):
            if event.when is not None:
                last = event.when.start
            keyed.append((event.when.start if event.when else last, position, event))
        return tuple(event for _, _, event in sorted(keyed, key=lambda item: item[:2]))
