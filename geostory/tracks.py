"""Export a Story for GPS and globe tools: GPX (gpxpy) and KML (simplekml).

    Story -> to_gpx -> str -> write_gpx -> file.gpx   (places as waypoints, legs as tracks)
    Story -> to_kml -> str -> write_kml -> file.kml   (places as points, legs as lines)

Each waypoint quotes the sentences that name the place; each track or line the sentence that
reported the leg, with its mode, status, date and mover. Coordinates come from the same helpers as
the GeoJSON export, so the three files agree. Article text goes in as XML text, escaped by the
writer library, never as markup.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, cast

from geostory.atomic import write_bytes
from geostory.export import clean_text, events_in_order, leg_coordinates, places_in_order, quoted_sentence
from geostory.model import Leg, Place, Story

__all__ = ["to_gpx", "to_kml", "write_gpx", "write_kml"]


def _place_text(story: Story, place: Place) -> str:
    sentences = []
    for mention in sorted(place.mentions, key=lambda m: m.start):
        text = clean_text(quoted_sentence(mention.sentence, story.article.text).text)
        if text not in sentences:
            sentences.append(text)
    return "\n".join(sentences)


def _leg_text(story: Story, leg: Leg) -> str:
    facts = [f"{leg.mode} ({leg.status})"]
    if leg.when:
        facts.append(leg.when.iso())
    if leg.actors:
        facts.append(clean_text(", ".join(leg.actors)))
    if leg.distance_km is not None:
        facts.append(f"{leg.distance_km:,.0f} km")
    quote = clean_text(quoted_sentence(leg.evidence, story.article.text).text)
    return " · ".join(facts) + "\n" + quote


def _leg_name(leg: Leg) -> str:
    return f"{clean_text(leg.origin.name)} \u2192 {clean_text(leg.destination.name)}"


def _lonlats(leg: Leg) -> list[tuple[float, float]]:
    """The leg's line with longitudes back in -180..180 (GPX and KML need them there)."""
    return [(((lon + 180) % 360) - 180, lat) for lon, lat in leg_coordinates(leg)]


def to_gpx(story: Story) -> str:
    """GPX 1.1: a waypoint per place (first-mention order), a track per leg (told order)."""
    try:
        import gpxpy.gpx
    except ImportError as err:  # pragma: no cover - a dependency
        from geostory.errors import ConfigurationError

        raise ConfigurationError("GPX export needs gpxpy: pip install gpxpy") from err
    gpx = gpxpy.gpx.GPX()
    gpx.name = clean_text(story.article.title) or "Story map"
    gpx.creator = "geostory"
    for place in places_in_order(story):
        gpx.waypoints.append(
            gpxpy.gpx.GPXWaypoint(
                latitude=round(place.latitude, 6),
                longitude=round(place.longitude, 6),
                name=clean_text(place.name),
                description=_place_text(story, place),
                type=story.role_of(place),
            )
        )
    legs, _ = events_in_order(story)
    for leg in legs:
        track = gpxpy.gpx.GPXTrack(name=_leg_name(leg), description=_leg_text(story, leg))
        track.type = cast(Any, leg.mode)  # gpxpy declares `type` as None-only
        segment = gpxpy.gpx.GPXTrackSegment()
        segment.points.extend(
            gpxpy.gpx.GPXTrackPoint(latitude=lat, longitude=lon) for lon, lat in _lonlats(leg)
        )
        track.segments.append(segment)
        gpx.tracks.append(track)
    return gpx.to_xml(version="1.1")


def to_kml(story: Story) -> str:
    """KML 2.2: a point per place and a line per leg, each described by its evidence."""
    try:
        import simplekml
    except ImportError as err:  # pragma: no cover - a dependency
        from geostory.errors import ConfigurationError

        raise ConfigurationError("KML export needs simplekml: pip install simplekml") from err
    kml = simplekml.Kml(name=clean_text(story.article.title) or "Story map")
    places = kml.newfolder(name="Places")
    for place in places_in_order(story):
        point = places.newpoint(
            name=clean_text(place.name), coords=[(round(place.longitude, 6), round(place.latitude, 6))]
        )
        point.description = _place_text(story, place)
    journeys = kml.newfolder(name="Journeys")
    legs, _ = events_in_order(story)
    for leg in legs:
        line = journeys.newlinestring(name=_leg_name(leg), coords=_lonlats(leg), tessellate=1)
        line.description = _leg_text(story, leg)
    return _pin_ids(kml.kml())


def _pin_ids(text: str) -> str:
    """simplekml numbers ids from a process-wide counter: renumber them, same story, same file."""
    numbers: dict[str, str] = {}

    def renumber(match: re.Match[str]) -> str:
        number = numbers.setdefault(match.group(2), str(len(numbers) + 1))
        return f'{match.group(1)}"{number}"'

    return re.sub(r'(<\w+ id=)"(\d+)"', renumber, text)


def write_gpx(story: Story, path: str | os.PathLike[str]) -> Path:
    """Write the story as GPX atomically."""
    return write_bytes(path, to_gpx(story).encode("utf-8"))


def write_kml(story: Story, path: str | os.PathLike[str]) -> Path:
    """Write the story as KML atomically."""
    return write_bytes(path, to_kml(story).encode("utf-8"))
