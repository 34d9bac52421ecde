"""Export a Story as data: RFC 7946 GeoJSON and Knight Lab StoryMapJS JSON.

    Story -> to_geojson -> dict -> write_geojson -> file (deterministic, byte for byte)
    Story -> to_storymapjs -> dict -> write_storymapjs -> file

Every feature carries the evidence it came from (the mention's offsets and sentence, the sentence
that reported a leg or visit). Coordinates reach GeoJSON through `Coordinate.lonlat()` only.

>>> from geostory.model import Article, Story
>>> to_geojson(Story(Article("Nothing here."), places=()))["features"]
[]
"""

from __future__ import annotations

import html
import json
import math
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from geostory.atomic import atomic_writer, write_bytes
from geostory.model import Coordinate, Leg, Place, Span, Story, TimeSpan, Visit

__all__ = [
    "COORDINATE_DECIMALS",
    "leg_coordinates",
    "leg_geometry",
    "to_geojson",
    "to_storymapjs",
    "write_geojson",
    "write_storymapjs",
]

COORDINATE_DECIMALS = 6  # about 10 cm: more than any gazetteer knows, few enough to diff


# --------------------------------------------------------------------------------------------
# Geometry helpers
# --------------------------------------------------------------------------------------------


def _round(value: float) -> float:
    rounded = round(float(value), COORDINATE_DECIMALS)
    return 0.0 if rounded == 0 else rounded  # no "-0.0" in the output


def _position(coordinate: Coordinate) -> list[float]:
    lon, lat = coordinate.lonlat()
    return [_round(lon), _round(lat)]


def _unwrap(positions: Sequence[list[float]]) -> list[list[float]]:
    """Keep longitudes continuous: a line across the antimeridian goes on past +-180."""
    out: list[list[float]] = []
    for lon, lat in positions:
        if out:
            previous = out[-1][0]
            while lon - previous > 180:
                lon -= 360
            while lon - previous < -180:
                lon += 360
        out.append([_round(lon), lat])
    return out


def leg_coordinates(leg: Leg) -> list[list[float]]:
    """A leg's line as GeoJSON positions `[lon, lat]`, continuous across the antimeridian.

    The routed `path` when there is one, else origin -> waypoints -> destination.
    """
    if leg.path:
        coordinates: Iterable[Coordinate] = leg.path
    else:
        coordinates = [
            leg.origin.coordinate,
            *(w.coordinate for w in leg.waypoints),
            leg.destination.coordinate,
        ]
    positions = _unwrap([_position(c) for c in coordinates])
    if len(positions) == 1:  # a LineString needs two positions
        positions.append(list(positions[0]))
    return positions


def _turn(lon: float) -> int:
    """Which copy of the world a continuous longitude lies in: 0 for [-180, 180)."""
    return math.floor((lon + 180.0) / 360.0)


def leg_geometry(leg: Leg) -> dict[str, Any]:
    """A leg's GeoJSON geometry with every longitude in [-180, 180] (RFC 7946 section 3.1.9).

    A line that crosses the antimeridian becomes a MultiLineString cut at +-180, the cut point
    on both sides; any other line is the LineString of `leg_coordinates`.
    """
    positions = leg_coordinates(leg)
    parts: list[list[list[float]]] = [[]]
    for i, (lon, lat) in enumerate(positions):
        k = _turn(lon)
        if i:
            plon, plat = positions[i - 1]
            pk = _turn(plon)
            if pk != k:  # steps are under 180 degrees: one boundary between them
                boundary = 360.0 * max(pk, k) - 180.0
                t = (boundary - plon) / (lon - plon)
                cut = _round(plat + t * (lat - plat))
                _append(parts[-1], [_round(boundary - 360.0 * pk), cut])
                parts.append([[_round(boundary - 360.0 * k), cut]])
        _append(parts[-1], [_round(lon - 360.0 * k), lat])
    if len(parts) == 1:
        return {"type": "LineString", "coordinates": parts[0]}
    return {"type": "MultiLineString", "coordinates": [p for p in parts if len(p) >= 2]}


def _append(part: list[list[float]], point: list[float]) -> None:
    """Add a position unless it repeats the last one (a vertex exactly on the cut meridian)."""
    if not part or part[-1] != point:
        part.append(point)


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------


def _when(when: TimeSpan | None) -> str | None:
    return when.iso() if when is not None else None


def _span(span: Span) -> dict[str, Any]:
    return {"text": span.text, "start": span.start, "end": span.end}


def _place_properties(story: Story, place: Place) -> dict[str, Any]:
    mentions = sorted(place.mentions, key=lambda m: (m.start, m.end))
    return {
        "feature_type": "place",
        "key": place.key,
        "name": place.name,
        "mentions": [
            {"text": m.text, "start": m.start, "end": m.end, "sentence": m.sentence.text} for m in mentions
        ],
        "place_type": place.place_type,
        "role": story.role_of(place),
        "confidence": _round(place.confidence),
        "source": place.source,
        "approximate": place.approximate,
        "container": place.container,
        "country_code": place.country_code,
        "alternatives": [
            {
                "name": c.name,
                "lat": _round(c.latitude),
                "lon": _round(c.longitude),
                "country_code": c.country_code,
                "place_type": c.place_type,
            }
            for c in place.alternatives
        ],
    }


def _leg_properties(leg: Leg) -> dict[str, Any]:
    return {
        "feature_type": "leg",
        "from": leg.origin.name,
        "to": leg.destination.name,
        "mode": leg.mode,
        "mode_inferred": leg.mode_inferred,
        "status": leg.status,
        "distance_km": None if leg.distance_km is None else round(float(leg.distance_km), 1),
        "evidence": _span(leg.evidence),
        "actor": ", ".join(leg.actors) or None,
        "when": _when(leg.when),
        "waypoints": [w.name for w in leg.waypoints],
        "geometry_basis": leg.geometry_basis,
    }


def _visit_properties(visit: Visit) -> dict[str, Any]:
    # No "mentions" here: a visit is an event at a place, not another place; "aliases" are the
    # article's words for the place, so readers of the file can match it to a Point.
    return {
        "feature_type": "visit",
        "name": visit.place.name,
        "aliases": sorted({m.text for m in visit.place.mentions}),
        "place_key": visit.place.key,
        "event": visit.event,
        "actors": list(visit.actors),
        "when": _when(visit.when),
        "status": visit.status,
        "evidence": _span(visit.evidence),
    }


def places_in_order(story: Story) -> list[Place]:
    """Places by first mention, ties broken by key, so the order never depends on set order."""
    return sorted(story.places, key=lambda p: (p.first_start, p.key))


def events_in_order(story: Story) -> tuple[list[Leg], list[Visit]]:
    """Legs and visits in told order (evidence offset), stable for equal offsets."""
    legs = sorted(story.legs, key=lambda leg: (leg.evidence.start, leg.evidence.end))
    visits = sorted(story.visits, key=lambda v: (v.evidence.start, v.evidence.end))
    return legs, visits


def story_events(story: Story, order: str = "told") -> list[Leg | Visit]:
    """`Story.events(order)`, with an undated leg that leaves X placed after the stay at X.

    `Story.events("happened")` keeps an undated event where it was told relative to the dated
    event before it, so "a stop after Vladivostok", told last, could land before the leg that
    reaches Vladivostok. A leg starts where its mover last arrived: it goes after the latest
    leg reaching its origin (same mover when both are known) and after the visits that follow it.
    """
    events = list(story.events(order))  # type: ignore[arg-type]
    if order != "happened":
        return events
    for leg in [e for e in events if isinstance(e, Leg) and e.when is None]:
        arrivals = [
            i
            for i, e in enumerate(events)
            if isinstance(e, Leg)
            and e is not leg
            and e.destination.key == leg.origin.key
            and (not e.actors or not leg.actors or e.actors == leg.actors)
        ]
        if not arrivals or arrivals[-1] < events.index(leg):
            continue  # no arrival told, or it already comes first
        at = arrivals[-1] + 1
        while at < len(events) and isinstance(events[at], Visit):
            at += 1
        events.insert(at, leg)
        events.remove(leg)  # the first occurrence: the old slot, which lies before `at`
    return events


def quoted_sentence(sentence: Span, text: str) -> Span:
    """`sentence` with a quotation mark the segmenter split off put back where it belongs.

    A sentence ending inside a quotation ('... said the report."') can be cut before its closing
    mark, which then opens the next sentence. A sentence with an odd number of straight marks
    takes back a mark that follows it, and drops a lone one that opens it before a space.

    >>> text = '"We go," he said.\\n"Now."'
    >>> quoted_sentence(Span('"We go," he said.', 0, 17), text).text
    '"We go," he said.'
    >>> quoted_sentence(Span('"Now.', 18, 23), text).text
    '"Now."'
    """
    start, end = sentence.start, sentence.end
    if text[start:end] != sentence.text or sentence.text.count('"') % 2 == 0:
        return sentence  # not an article sentence, or its marks pair up
    if sentence.text[:1] == '"' and sentence.text[1:2].isspace():
        start += 1
        while start < end and text[start].isspace():
            start += 1
    elif text[end : end + 1] == '"':
        end += 1
    return Span(text[start:end], start, end)


def to_geojson(story: Story) -> dict[str, Any]:
    """The story as an RFC 7946 FeatureCollection: places, then legs, then visits.

    Places are Points in first-mention order, legs LineStrings (`[lon, lat]`; a leg across the
    antimeridian a MultiLineString cut at +-180), visits Points with `feature_type: "visit"` and no
    `mentions`.
    """
    features: list[dict[str, Any]] = []
    for place in places_in_order(story):
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": _position(place.coordinate)},
                "properties": _place_properties(story, place),
            }
        )
    legs, visits = events_in_order(story)
    for leg in legs:
        features.append(
            {
                "type": "Feature",
                "geometry": leg_geometry(leg),
                "properties": _leg_properties(leg),
            }
        )
    for visit in visits:
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": _position(visit.place.coordinate)},
                "properties": _visit_properties(visit),
            }
        )
    article = story.article
    return {
        "type": "FeatureCollection",
        "geostory": {
            "title": article.title,
            "date": article.date.isoformat() if article.date else None,
            "source": article.source,
            "url": article.url,
            "unresolved": [
                {"text": m.text, "start": m.start, "end": m.end, "sentence": m.sentence.text}
                for m in sorted(story.unresolved, key=lambda m: (m.start, m.end))
            ],
        },
        "features": features,
    }


_GEOJSON_TEXT: dict[str, Any] = {"sort_keys": True, "indent": 2, "ensure_ascii": False, "allow_nan": False}


def dumps_geojson(story: Story) -> str:
    """`to_geojson` as text: sorted keys, two-space indent, UTF-8 characters kept, final newline."""
    return json.dumps(to_geojson(story), **_GEOJSON_TEXT) + "\n"


def write_geojson(story: Story, path: str | os.PathLike[str]) -> Path:
    """Write the story's GeoJSON atomically; the same story always gives the same bytes, those
    of `dumps_geojson`. The text goes to the file piece by piece as the encoder makes it: whole,
    it was held several times over at once (every piece, the joined text, a copy with the final
    newline and its bytes), the peak of a long article's build."""
    with atomic_writer(path) as handle:
        json.dump(to_geojson(story), handle, **_GEOJSON_TEXT)
        handle.write("\n")
    return Path(path)


# --------------------------------------------------------------------------------------------
# StoryMapJS
# --------------------------------------------------------------------------------------------


def _storymap_text(quote: str, details: Sequence[str]) -> str:
    parts = [f"<p>{_shown(d)}</p>" for d in details if d]
    parts.append(f"<blockquote>{_shown(quote)}</blockquote>")  # the article's own marks, none added
    return "".join(parts)


def _leg_headline(leg: Leg) -> str:
    mode = {"rail": "by rail", "air": "by air", "road": "by road", "sea": "by sea"}.get(leg.mode, "")
    return " ".join(bit for bit in (f"{leg.origin.name} \u2192 {leg.destination.name}", mode) if bit)


BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_UNSAFE_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str | None) -> str:
    """Article text made safe to *show*: bidi overrides and control characters replaced.

    An unpaired U+202E would reverse everything after it on the page; it becomes U+FFFD.
    GeoJSON keeps the article's characters verbatim; pages and slides show cleaned text.
    """
    if not text:
        return ""
    text = BIDI_CONTROLS.sub("\ufffd", text)
    return _UNSAFE_CONTROLS.sub("\ufffd", text)


def _shown(text: str | None) -> str:
    """Text for StoryMapJS, which renders slide text as HTML."""
    return html.escape(clean_text(text))


def to_storymapjs(story: Story, *, order: str = "told") -> dict[str, Any]:
    """Knight Lab StoryMapJS JSON: an overview slide, the origin, then one slide per event.

    A leg's slide sits at its destination (StoryMapJS draws the line from the previous slide), so
    when the first event is a leg a slide at its origin comes first and the line starts there; a
    visit's slide sits at its place. `order` is "told" or "happened". Slide text quotes the
    evidence sentence, HTML-escaped.
    """
    article = story.article
    title = article.title or "Story map"
    byline = " \u00b7 ".join(
        bit for bit in (article.source, article.date.isoformat() if article.date else None) if bit
    )
    overview_text = f"<p>{_shown(byline)}</p>" if byline else ""
    slides: list[dict[str, Any]] = [
        {
            "type": "overview",
            "text": {"headline": _shown(title), "text": overview_text},
        }
    ]
    events = story_events(story, order)
    if events and isinstance(events[0], Leg):
        slides.append(_origin_slide(events[0]))
    for event in events:
        if isinstance(event, Leg):
            place = event.destination
            headline = _leg_headline(event)
            details = [
                f"{event.status.capitalize()} journey"
                + (f", {event.when.text}" if event.when else "")
                + (f", {', '.join(event.actors)}" if event.actors else ""),
            ]
        else:
            place = event.place
            headline = event.event or place.name
            details = [
                f"{event.status.capitalize()} at {place.name}"
                + (f", {event.when.text}" if event.when else "")
                + (f", {', '.join(event.actors)}" if event.actors else ""),
            ]
        slides.append(
            {
                "date": _when(event.when) or "",
                "location": {
                    "lat": _round(place.latitude),
                    "lon": _round(place.longitude),
                    "name": _shown(place.name),
                    "line": True,
                },
                "text": {
                    "headline": _shown(headline),
                    "text": _storymap_text(quoted_sentence(event.evidence, article.text).text, details),
                },
            }
        )
    return {
        "storymap": {
            "language": "en",
            "map_type": "osm:standard",
            "map_as_image": False,
            "attribution": "\u00a9 OpenStreetMap contributors; places: GeoNames (CC BY 4.0)",
            "slides": slides,
        }
    }


def _origin_slide(leg: Leg) -> dict[str, Any]:
    place = leg.origin
    who = ", ".join(leg.actors) or "The journey"
    return {
        "date": _when(leg.when) or "",
        "location": {
            "lat": _round(place.latitude),
            "lon": _round(place.longitude),
            "name": _shown(place.name),
            "line": True,
        },
        "text": {
            "headline": _shown(f"From {place.name}"),
            "text": f"<p>{_shown(who)} sets out from {_shown(place.name)}.</p>",
        },
    }


def write_storymapjs(story: Story, path: str | os.PathLike[str], *, order: str = "told") -> Path:
    """Write the StoryMapJS JSON atomically; `order` as in `to_storymapjs`."""
    text = json.dumps(to_storymapjs(story, order=order), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    return write_bytes(path, text.encode("utf-8"))
