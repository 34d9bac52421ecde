"""Render a Story as one self-contained, embeddable HTML story map (folium + a little own JS).

    Story -> render_map -> folium.Map (display it in a notebook) -> write_html -> map.html

The page needs no network but the OpenStreetMap tiles: Leaflet and its gesture-handling plugin are
inlined from the `xstatic-*` packages, geostory's own `assets/story.js` and `assets/story.css` are
inlined too, and a simplified country basemap (from `countryinfo`) shows where things are when the
tiles cannot load. Pins, legs, popups and the itinerary are drawn by `story.js` from one JSON blob.

Article text is untrusted: markup is built here with `html.escape`, data reaches scripts only as
JSON with `<`, `>` and `&` escaped, and `story.js` puts plain text in with `textContent`. Markup that
holds anything from the story enters folium's element tree only through `Verbatim`, which emits its
string as is: never through `branca.element.Element(s)`, `folium.Html`, `Popup` or `Tooltip`, which
compile `s` as a Jinja template and would run `{{ ... }}` written in an article.

>>> from geostory.model import Article, Story
>>> m = render_map(Story(Article("Nothing here.", title="Empty"), places=()))
>>> "geostory-data" in m.get_root().render()
True
"""

from __future__ import annotations

import base64
import functools
import glob
import html
import json
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from geostory.atomic import write_bytes
from geostory.errors import ConfigurationError, GeostoryError
from geostory.export import (
    BIDI_CONTROLS,
    clean_text,
    events_in_order,
    leg_coordinates,
    places_in_order,
    quoted_sentence,
    story_events,
)
from geostory.lazy_jinja import deferred_templates
from geostory.model import (
    MODES,
    ROLES,
    STATUSES,
    Candidate,
    Leg,
    Mention,
    Place,
    Span,
    Story,
    TimeSpan,
    Visit,
)

with deferred_templates():  # folium's ~50 class templates compile when first rendered, not here
    import folium
    from branca.element import Element, Figure, MacroElement

__all__ = ["ATTRIBUTION", "Verbatim", "embed_snippet", "render_html", "render_map", "write_html"]

TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
    ' &middot; places: <a href="https://www.geonames.org/">GeoNames</a> (CC BY 4.0)'
)
LOW_CONFIDENCE = 0.5
MAX_TITLE = 200  # characters shown in the page title and heading
MAX_QUOTE = 480  # characters of a quoted sentence: a page's size follows what it shows, not the input
MAX_QUOTES = 6  # sentences quoted in a place's popup
MAX_SHORT = 160  # an event's or actor's words, as shown
SHORTENED = "shortened"  # said after a quotation that was cut
ASSETS = Path(__file__).parent / "assets"

# One source of truth for the symbols: story.js draws with these, the legend explains them.
ROLE_COLOURS = {
    "origin": "#1a7f5a",
    "destination": "#c8102e",
    "waypoint": "#d98a00",
    "visit": "#6a3d9a",
    "mentioned": "#6b7780",
}
ROLE_LABELS = {
    "origin": "Origin",
    "destination": "Destination",
    "waypoint": "Stop on the way",
    "visit": "Event venue",
    "mentioned": "Mentioned",
}
MODE_COLOURS = {
    "rail": "#3b3bb3",
    "air": "#0b84c6",
    "road": "#8a5a2b",
    "sea": "#00897b",
    "unknown": "#55606a",
}
MODE_LABELS = {"rail": "Rail", "air": "Air", "road": "Road", "sea": "Sea", "unknown": "Mode unknown"}
STATUS_DASHES = {"reported": None, "planned": "9 7", "possible": "1 7"}
STATUS_LABELS = {"reported": "Reported", "planned": "Planned", "possible": "Possible"}
AREA_TYPES = frozenset({"continent", "country", "region", "county", "water"})
SITE_TYPES = frozenset({"landmark", "airport"})
BASIS_LABELS = {  # the popup says how the line was drawn, crediting the network's data
    "rail-network": "along the railway network (OpenStreetMap contributors, ODbL)",
    "road-network": "along the highway network (OpenStreetMap contributors, ODbL)",
    "sea-lanes": "along the shipping lanes (searoute maritime network)",
    "rail-corridor": "along the rail corridor (geostory curated line)",
    "great-circle": "great-circle route",
    "schematic": "schematic: straight line between places",
}

# --------------------------------------------------------------------------------------------
# Escaping
# --------------------------------------------------------------------------------------------


def esc(text: str | None) -> str:
    """HTML-escape article text (quotes too) after `clean_text`."""
    return html.escape(clean_text(text), quote=True)


def script_json(data: Any) -> str:
    """JSON that is safe inside a <script> element: no `<`, `>`, `&`, U+2028 or U+2029 left."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


# Stands for the basemap while the rest of a map's data is encoded: a per-process random word no
# article can hold, so the one quoted token it becomes is the only one replaced.
_BASEMAP_MARK = f"geostory-basemap-{os.urandom(16).hex()}"


@functools.lru_cache(maxsize=1)
def _basemap_json() -> str:
    return script_json(country_basemap())


def _data_json(data: dict[str, Any]) -> str:
    """`script_json(data)`, with the basemap (the same ~250 outlines in every map) encoded once a
    process and put in its place: the same text, without re-encoding it for each map of a batch."""
    if data.get("basemap") is not country_basemap():
        return script_json(data)
    text = script_json({**data, "basemap": _BASEMAP_MARK})
    return text.replace(f'"{_BASEMAP_MARK}"', _basemap_json(), 1)


def _safe_url(url: str | None) -> str | None:
    """The URL if it is plain http(s), else None: no `javascript:` links from article metadata."""
    if not url:
        return None
    url = url.strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") and not BIDI_CONTROLS.search(url) else None


# --------------------------------------------------------------------------------------------
# Text helpers for popups and steps
# --------------------------------------------------------------------------------------------


def _highlight(text: str, offset: int, spans: Iterable[tuple[int, int]]) -> str:
    """Escaped `text` (which starts at article offset `offset`) with `spans` wrapped in <mark>."""
    inside = sorted(
        {
            (max(s, offset) - offset, min(e, offset + len(text)) - offset)
            for s, e in spans
            if s < offset + len(text) and e > offset and e > s
        }
    )
    out: list[str] = []
    cursor = 0
    for start, end in inside:
        if start < cursor:  # overlapping spans: the first one wins
            continue
        out.append(esc(text[cursor:start]))
        out.append(f"<mark>{esc(text[start:end])}</mark>")
        cursor = end
    out.append(esc(text[cursor:]))
    return "".join(out)


def _clip(sentence: Span, focus: Sequence[tuple[int, int]] = (), limit: int = MAX_QUOTE) -> tuple[Span, bool]:
    """At most `limit` characters of `sentence` around its first `focus` span, cut at spaces and
    marked with ellipses; and whether it was cut. Whole sentences pass unchanged."""
    text = sentence.text
    if len(text) <= limit:
        return sentence, False
    inside = [s - sentence.start for s, e in focus if sentence.start <= s < sentence.end]
    centre = min(inside) if inside else 0
    lo = max(0, min(centre - limit // 3, len(text) - limit))
    hi = lo + limit
    if lo > 0:
        space = text.find(" ", lo, lo + 40)
        lo = space + 1 if space >= 0 else lo
    if hi < len(text):
        space = text.rfind(" ", hi - 40, hi)
        hi = space if space > lo else hi
    body = text[lo:hi].strip()
    start = sentence.start + text.index(body, lo) if body else sentence.start + lo
    return Span(
        ("\u2026" if lo > 0 else "") + body + ("\u2026" if hi < len(text) else ""), start, start
    ), True


def _quote_html(sentence: Span, spans: Sequence[tuple[int, int]]) -> str:
    """A sentence as a popup quotation with `spans` marked; a long one cut, and said to be."""
    clipped, cut = _clip(sentence, spans)
    if not cut:
        return _highlight(sentence.text, sentence.start, spans)
    lead = 1 if clipped.text.startswith("\u2026") else 0
    body = clipped.text[lead:].removesuffix("\u2026")
    tail = "\u2026" if clipped.text.endswith("\u2026") and len(clipped.text) > lead else ""
    return (
        ("\u2026" if lead else "")
        + _highlight(body, clipped.start, spans)
        + tail
        + f' <span class="gs-cut">({SHORTENED})</span>'
    )


def _short(text: str | None, limit: int = MAX_SHORT) -> str:
    words = clean_text(text)
    return words if len(words) <= limit else words[:limit].rstrip() + "\u2026"


def _who(actors: tuple[str, ...]) -> str:
    """A leg's or visit's movers, as shown."""
    return _short(", ".join(actors))


def _when_text(when: TimeSpan | None) -> str:
    if when is None:
        return ""
    iso = when.iso()
    words = clean_text(when.text).strip()
    return f"{words} ({iso})" if words and words != iso else iso


def _mode_phrase(leg: Leg) -> str:
    return {"rail": "by rail", "air": "by air", "road": "by road", "sea": "by sea"}.get(leg.mode, "")


def _distance(leg: Leg) -> str:
    if leg.distance_km is None:
        return ""
    return f"{leg.distance_km:,.0f} km"


def _alternative_label(candidate: Candidate) -> str:
    bits = [candidate.name]
    if candidate.admin1 and not candidate.admin1.isdigit():
        bits.append(candidate.admin1)
    if candidate.country_code:
        bits.append(candidate.country_code)
    return ", ".join(bits)


def _source_label(source: str) -> str:
    return {
        "geonames": "GeoNames",
        "airportsdata": "airportsdata",
        "curated": "geostory curated list",
        "override": "your overrides file",
    }.get(source, source)


def _type_class(place_type: str) -> str:
    if place_type in AREA_TYPES:
        return "area"
    if place_type in SITE_TYPES:
        return "site"
    return "point"


def _mentions_in(span: Span, places: Iterable[Place]) -> list[tuple[int, int]]:
    return [
        (m.start, m.end) for p in places for m in p.mentions if m.start >= span.start and m.end <= span.end
    ]


# --------------------------------------------------------------------------------------------
# Popups (markup built here, all article text escaped)
# --------------------------------------------------------------------------------------------


def _place_popup(
    story: Story, place: Place, index: int, role: str, legs: Sequence[Leg], visits: Sequence[Visit]
) -> str:
    """A place's popup. Its step numbers depend on the order shown, so story.js fills the badge."""
    by_sentence: dict[tuple[int, int], tuple[Span, list[Mention]]] = {}
    for mention in sorted(place.mentions, key=lambda m: (m.start, m.end)):
        sentence = quoted_sentence(mention.sentence, story.article.text)
        key = (sentence.start, sentence.end)
        by_sentence.setdefault(key, (sentence, []))[1].append(mention)
    quotes = "".join(
        f"<li><blockquote>{_quote_html(s, [(m.start, m.end) for m in ms])}</blockquote></li>"
        for s, ms in list(by_sentence.values())[:MAX_QUOTES]
    )
    if len(by_sentence) > MAX_QUOTES:
        quotes += f'<li class="gs-more">and {len(by_sentence) - MAX_QUOTES} more mentions in the article</li>'

    type_bits: list[str] = [place.place_type if place.place_type != "other" else "place"]
    if place.country_code:
        type_bits.append(place.country_code)
    facts: list[str] = []
    for leg in legs:
        if leg.destination.key == place.key:
            what = f"{STATUS_LABELS.get(leg.status, leg.status)} arrival from {clean_text(leg.origin.name)}"
        elif leg.origin.key == place.key:
            what = (
                f"{STATUS_LABELS.get(leg.status, leg.status)} departure to {clean_text(leg.destination.name)}"
            )
        else:
            what = (
                f"{STATUS_LABELS.get(leg.status, leg.status)} stop between "
                f"{clean_text(leg.origin.name)} and {clean_text(leg.destination.name)}"
            )
        bits = [what, _mode_phrase(leg), _when_text(leg.when)]
        facts.append(" ".join(b for b in bits if b))
    for visit in visits:
        what = _short(visit.event) or "Event"
        bits = [what, f"({visit.status})" if visit.status != "reported" else "", _when_text(visit.when)]
        facts.append(" ".join(b for b in bits if b))
    events_html = ""
    if facts:
        events_html = (
            '<h3>In the story</h3><ul class="gs-events">'
            + "".join(f"<li>{html.escape(f)}</li>" for f in facts)
            + "</ul>"
        )
    notes: list[str] = []
    if place.approximate:
        where = f" at {esc(place.container)}" if place.container else ""
        notes.append(f'<p class="gs-note gs-approx">Approximate: placed{where}</p>')
    if place.confidence < LOW_CONFIDENCE:
        notes.append('<p class="gs-note gs-uncertain">Uncertain match: check this place</p>')
    if place.alternatives:
        alts = " or ".join(f"<b>{esc(_alternative_label(c))}</b>" for c in place.alternatives[:3])
        notes.append(f'<p class="gs-note gs-alt">Did you mean {alts}?</p>')
    return (
        f'<article class="gs-pop gs-pop-place" data-place="{index}">'
        f'<header><span class="gs-pop-num gs-role-{role}" hidden></span>'
        f"<div><h2>{esc(place.name)}</h2>"
        f'<p class="gs-pop-sub"><span class="gs-badge gs-role-{role}">{ROLE_LABELS[role]}</span> '
        f"{esc(' · '.join(type_bits))}</p></div></header>"
        f'<ul class="gs-quotes">{quotes}</ul>'
        f"{events_html}{''.join(notes)}"
        f'<p class="gs-meta">Located by {esc(_source_label(place.source))} &middot; '
        f"confidence {place.confidence:.2f}</p>"
        "</article>"
    )


def _leg_title(leg: Leg) -> str:
    return f"{clean_text(leg.origin.name)} \u2192 {clean_text(leg.destination.name)}"


def _leg_popup(story: Story, leg: Leg) -> str:
    ends = [leg.origin, leg.destination, *leg.waypoints]
    evidence = quoted_sentence(leg.evidence, story.article.text)
    quote = _quote_html(evidence, _mentions_in(evidence, ends))
    facts: list[tuple[str, str]] = []
    if leg.when:
        facts.append(("When", html.escape(_when_text(leg.when))))
    if leg.actors:
        facts.append(("Who", html.escape(_who(leg.actors))))
    if leg.waypoints:
        facts.append(("Via", esc(", ".join(w.name for w in leg.waypoints))))
    if leg.distance_km is not None:
        facts.append(("Distance", html.escape(_distance(leg))))
    if leg.mode_inferred:
        facts.append(("Mode", "not stated; assumed from the distance"))
    if leg.geometry_basis:
        facts.append(("Line drawn", html.escape(BASIS_LABELS.get(leg.geometry_basis, leg.geometry_basis))))
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)
    mode = leg.mode if leg.mode in MODES else "unknown"
    status = leg.status if leg.status in STATUSES else "reported"
    return (
        '<article class="gs-pop gs-pop-leg">'
        f'<header><span class="gs-pop-num gs-mode-{mode}" hidden></span>'
        f"<div><h2>{html.escape(_leg_title(leg))}</h2>"
        f'<p class="gs-pop-sub"><span class="gs-badge gs-mode-{mode}">{html.escape(_mode_label(leg))}</span> '
        f'<span class="gs-status gs-status-{status}">{STATUS_LABELS[status]}</span></p></div></header>'
        f'<ul class="gs-quotes"><li><blockquote>{quote}</blockquote></li></ul>'
        f'<dl class="gs-facts">{dl}</dl>'
        "</article>"
    )


def _mode_label(leg: Leg) -> str:
    label = MODE_LABELS[leg.mode if leg.mode in MODES else "unknown"]
    return f"{label} (assumed)" if leg.mode_inferred else label


def _leg_tooltip(leg: Leg) -> str:
    bits = [
        f"{_mode_label(leg)}, {STATUS_LABELS.get(leg.status, leg.status).lower()}",
        _distance(leg),
        _when_text(leg.when),
        _who(leg.actors),
    ]
    return f"<strong>{html.escape(_leg_title(leg))}</strong><br>" + html.escape(
        " · ".join(b for b in bits if b)
    )


# --------------------------------------------------------------------------------------------
# The story data blob read by story.js
# --------------------------------------------------------------------------------------------


def _all_places(story: Story) -> list[Place]:
    """Story places by first mention, plus any event place missing from `story.places`."""
    places = places_in_order(story)
    seen = {p.key for p in places}
    for leg in sorted(story.legs, key=lambda leg: leg.evidence.start):
        for p in (leg.origin, *leg.waypoints, leg.destination):
            if p.key not in seen:
                seen.add(p.key)
                places.append(p)
    for visit in sorted(story.visits, key=lambda v: v.evidence.start):
        if visit.place.key not in seen:
            seen.add(visit.place.key)
            places.append(visit.place)
    return places


def _position(place: Place) -> list[float]:
    lon, lat = place.coordinate.lonlat()
    return [round(lon, 6), round(lat, 6)]


def _world_copies(
    places: Sequence[Place], index: dict[str, int], legs: Sequence[Leg]
) -> tuple[dict[int, float], list[list[list[float]]]]:
    """Display longitudes: legs (continuous across the antimeridian) and their end pins on one copy
    of the world. Walking the legs in told order, a leg starts where its origin's pin is shown and
    its destination's pin is shown where the line ends. Only the page shifts; exports never do.
    Returns {place index: shift in degrees} and each leg's shifted positions."""
    shift: dict[int, float] = {}
    lines: list[list[list[float]]] = []
    for leg in legs:
        positions = leg_coordinates(leg)
        start = shift.setdefault(index[leg.origin.key], 0.0)
        if start:
            positions = [[round(lon + start, 6), lat] for lon, lat in positions]
        lines.append(positions)
        native = _position(places[index[leg.destination.key]])[0]
        turns = round((positions[-1][0] - native) / 360.0) * 360.0
        shift.setdefault(index[leg.destination.key], turns)
    return shift, lines


def _dates(when: TimeSpan | None) -> dict[str, str | None]:
    """ISO start and end of a step, for the timeline strip."""
    if when is None:
        return {"start": None, "end": None}
    return {"start": when.start.isoformat(), "end": (when.end or when.start).isoformat()}


def _shifted(position: list[float], by: float) -> list[float]:
    return [round(position[0] + by, 6), position[1]] if by else position


def _spellings(place: Place) -> list[str]:
    """The names the article uses for a place, as overrides are keyed: what an edit is written for."""
    found: list[str] = []
    for mention in sorted(place.mentions, key=lambda m: m.start):
        name = " ".join(clean_text(mention.query).split())
        if name and name not in found:
            found.append(name)
    return found or [" ".join(clean_text(place.name).split())]


def _alternative(candidate: Candidate) -> dict[str, Any]:
    """A runner-up reading the page offers as "Did you mean ...?", with what an override needs."""
    return {
        "label": clean_text(_alternative_label(candidate)),
        "name": clean_text(candidate.name),
        "coordinates": [round(candidate.longitude, 6), round(candidate.latitude, 6)],
        "place_type": candidate.place_type,
    }


def story_data(story: Story, *, title: str | None = None) -> dict[str, Any]:
    """Everything story.js needs, as JSON-ready data; popups are pre-escaped HTML."""
    places = _all_places(story)
    index = {p.key: i for i, p in enumerate(places)}
    legs, visits = events_in_order(story)
    leg_index = {id(leg): i for i, leg in enumerate(legs)}
    visit_index = {id(v): i for i, v in enumerate(visits)}
    shift, lines = _world_copies(places, index, legs)

    place_rows = []
    for i, place in enumerate(places):  # numbers come from the steps, in story.js
        role = story.role_of(place)
        role = role if role in ROLES else "mentioned"
        related_legs = [
            leg
            for leg in legs
            if place.key in {leg.origin.key, leg.destination.key, *(w.key for w in leg.waypoints)}
        ]
        related_visits = [v for v in visits if v.place.key == place.key]
        place_rows.append(
            {
                "name": clean_text(place.name),
                "coordinates": _shifted(_position(place), shift.get(i, 0.0)),
                "place_type": place.place_type,
                "spellings": _spellings(place),
                "alternatives": [_alternative(c) for c in place.alternatives[:3]],
                "role": role,
                "type": _type_class(place.place_type),
                "approximate": bool(place.approximate),
                "uncertain": place.confidence < LOW_CONFIDENCE,
                "popup": _place_popup(story, place, i, role, related_legs, related_visits),
                "tooltip": f"<strong>{esc(place.name)}</strong>",
            }
        )

    leg_rows = []
    between: dict[tuple[int, int], int] = {}
    for leg, line in zip(legs, lines, strict=True):
        mode = leg.mode if leg.mode in MODES else "unknown"
        status = leg.status if leg.status in STATUSES else "reported"
        ends = (index[leg.origin.key], index[leg.destination.key])
        between[ends] = between.get(ends, 0) + 1
        leg_rows.append(
            {
                "from": ends[0],
                "to": ends[1],
                "occurrence": between[ends],  # the legs file picks one of several between two places
                "coordinates": line,
                "mode": mode,
                "status": status,
                "popup": _leg_popup(story, leg),
                "tooltip": _leg_tooltip(leg),
                "title": _leg_title(leg),
            }
        )

    def _quote(event: Leg | Visit) -> str:
        clipped, cut = _clip(quoted_sentence(event.evidence, story.article.text))
        return clean_text(clipped.text) + (f" ({SHORTENED})" if cut else "")

    def step(event: Leg | Visit) -> dict[str, Any]:
        return {**_step(event), **_dates(event.when)}

    def _step(event: Leg | Visit) -> dict[str, Any]:
        if isinstance(event, Leg):
            mode = event.mode if event.mode in MODES else "unknown"
            status = event.status if event.status in STATUSES else "reported"
            meta = [
                _mode_label(event),
                STATUS_LABELS[status].lower(),
                _distance(event),
                _who(event.actors),
            ]
            return {
                "kind": "leg",
                "ref": leg_index[id(event)],
                "title": _leg_title(event),
                "meta": " · ".join(m for m in meta if m),
                "when": _when_text(event.when),
                "quote": _quote(event),
                "mode": mode,
                "status": status,
            }
        status = event.status if event.status in STATUSES else "reported"
        meta = [
            _short(event.event),
            STATUS_LABELS[status].lower() if status != "reported" else "",
            _who(event.actors),
        ]
        return {
            "kind": "visit",
            "ref": visit_index[id(event)],
            "place": index[event.place.key],
            "title": clean_text(event.place.name),
            "meta": " · ".join(m for m in meta if m),
            "when": _when_text(event.when),
            "quote": _quote(event),
            "status": status,
        }

    article = story.article
    heading = map_title(story, title)
    byline = " · ".join(
        b for b in (clean_text(article.source), article.date.isoformat() if article.date else "") if b
    )
    mentioned = [i for i, row in enumerate(place_rows) if row["role"] == "mentioned"]
    return {
        "title": clean_text(heading),
        "byline": byline,
        "url": _safe_url(article.url),
        "places": place_rows,
        "legs": leg_rows,
        "visits": [{"place": index[v.place.key]} for v in visits],
        "steps": {
            "told": [step(e) for e in story_events(story, "told")],
            "happened": [step(e) for e in story_events(story, "happened")],
        },
        "mentioned": mentioned,
        "unresolved": sorted({clean_text(m.text) for m in story.unresolved}),
        "style": {
            "roles": ROLE_COLOURS,
            "modes": MODE_COLOURS,
            "dashes": STATUS_DASHES,
        },
        "basemap": country_basemap(),
    }


# --------------------------------------------------------------------------------------------
# Page pieces: inlined libraries, panel, legend
# --------------------------------------------------------------------------------------------


def _read(path: Path | str) -> str:
    return Path(path).read_text(encoding="utf-8")


def _no_script_end(source: str, name: str) -> str:
    if "</script" in source.lower() or "<!--" in source:
        raise ConfigurationError(f"cannot inline {name}: it contains </script or <!--")
    return source


def _strip_source_map(source: str) -> str:
    return re.sub(r"\n?/[/*]# sourceMappingURL=\S+(\s*\*/)?\s*$", "\n", source)


@functools.lru_cache(maxsize=1)
def _inline_libraries() -> str:
    """Leaflet and gesture handling from their xstatic packages, then story.css and story.js."""
    try:
        import xstatic.pkg.leaflet as xleaflet
        import xstatic.pkg.leaflet_gesturehandling as xgesture
    except ImportError as err:  # pragma: no cover - both are dependencies
        raise ConfigurationError(
            "rendering needs xstatic-leaflet and xstatic-leaflet-gesturehandling: "
            "pip install xstatic-leaflet xstatic-leaflet-gesturehandling"
        ) from err
    leaflet_dir = Path(xleaflet.BASE_DIR)
    gesture_dir = Path(xgesture.BASE_DIR)

    def data_uri(match: re.Match[str]) -> str:
        image = leaflet_dir / match.group(1)
        encoded = base64.b64encode(image.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{encoded})"

    leaflet_css = re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, _read(leaflet_dir / "leaflet.css"))
    gesture_css = _read(gesture_dir / "leaflet-gesture-handling.min.css")
    leaflet_js = _strip_source_map(_read(leaflet_dir / "leaflet.js"))
    gesture_js = _strip_source_map(_read(gesture_dir / "leaflet-gesture-handling.min.js"))
    story_css = _read(ASSETS / "story.css")
    story_js = _read(ASSETS / "story.js")
    parts = [
        f"<style>/* Leaflet {xleaflet.VERSION} */\n{_no_script_end(leaflet_css, 'leaflet.css')}</style>",
        f"<style>{_no_script_end(gesture_css, 'gesture handling css')}</style>",
        f"<style>{_no_script_end(story_css, 'story.css')}</style>",
        f"<script>/* Leaflet {xleaflet.VERSION} */\n{_no_script_end(leaflet_js, 'leaflet.js')}</script>",
        f"<script>{_no_script_end(gesture_js, 'gesture handling js')}</script>",
        f"<script>{_no_script_end(story_js, 'story.js')}</script>",
    ]
    return "\n".join(parts)


BASEMAP_FORMAT = 1  # bump when the simplified basemap's content changes


@functools.lru_cache(maxsize=1)
def country_basemap(tolerance: float = 0.05) -> list[dict[str, Any]]:
    """Country outlines from `countryinfo`, simplified with shapely: a basemap for offline use.

    Geometries in GeoJSON order, coordinates rounded to 0.01 degree (about 1 km). Reading and
    simplifying ~250 countries costs a sixth of a second, so the result is kept in geostory's
    cache folder (keyed by the countryinfo data and shapely installed) and read back from there.
    """
    cached = _basemap_cache_path(tolerance)
    if cached is not None:
        try:
            return json.loads(cached.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
    geometries = _simplified_countries(tolerance)
    if cached is not None and geometries:
        from geostory.atomic import write_text

        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            write_text(cached, json.dumps(geometries, separators=(",", ":")))
        except (OSError, GeostoryError):
            pass  # an unwritable cache folder only costs the time to simplify again
    return geometries


def _basemap_cache_path(tolerance: float) -> Path | None:
    """Where the simplified basemap is cached: named by what it is made from."""
    import hashlib
    import importlib.util

    try:
        import countryinfo

        data = Path(countryinfo.__file__).parent / "data"
        spec = importlib.util.find_spec("shapely")
        origin = Path(spec.origin) if spec is not None and spec.origin else None
        if origin is None:
            return None
        stamp = (data.stat().st_mtime_ns, len(os.listdir(data)), origin.stat().st_mtime_ns, tolerance)
    except (ImportError, OSError):
        return None
    from geostory.geo import cache_dir

    digest = hashlib.sha1(repr(stamp).encode()).hexdigest()[:16]
    return cache_dir() / f"basemap-{digest}-v{BASEMAP_FORMAT}.json"


def _simplified_countries(tolerance: float) -> list[dict[str, Any]]:
    """Every country outline countryinfo ships, simplified; [] without countryinfo or shapely."""
    try:
        import countryinfo
        from shapely.geometry import mapping, shape
    except ImportError:  # the map still works, just without the fallback basemap
        return []
    folder = Path(countryinfo.__file__).parent / "data"
    geometries: list[dict[str, Any]] = []

    def rounded(coords: Any) -> Any:
        if coords and isinstance(coords[0], (int, float)):
            return [round(coords[0], 2), round(coords[1], 2)]
        return [rounded(c) for c in coords]

    for path in sorted(glob.glob(str(folder / "*.json"))):
        try:
            with open(path, encoding="utf-8") as handle:
                collection = json.load(handle).get("geoJSON") or {}
        except (OSError, ValueError):
            continue
        for feature in collection.get("features", []):
            try:
                geometry = shape(feature["geometry"]).simplify(tolerance, preserve_topology=True)
            except (KeyError, TypeError, ValueError, AttributeError):
                continue
            if geometry.is_empty or geometry.area < tolerance * tolerance:
                continue
            data = mapping(geometry)
            geometries.append({"type": data["type"], "coordinates": rounded(data["coordinates"])})
    return geometries


def _swatch_pin(role: str, shape: str = "point", dashed: bool = False) -> str:
    colour = ROLE_COLOURS[role]
    dash = ' stroke-dasharray="3 2"' if dashed else ""
    if shape == "area":
        return (
            f'<svg width="22" height="22" viewBox="0 0 22 22" aria-hidden="true">'
            f'<circle cx="11" cy="11" r="9" fill="{colour}" fill-opacity=".18" stroke="{colour}"'
            f' stroke-width="1.5"{dash}/></svg>'
        )
    if shape == "site":
        return (
            f'<svg width="22" height="22" viewBox="0 0 22 22" aria-hidden="true">'
            f'<rect x="5" y="5" width="12" height="12" rx="2" transform="rotate(45 11 11)"'
            f' fill="{colour}" stroke="#fff" stroke-width="1.5"/></svg>'
        )
    stroke = "#1f2a33" if dashed else "#fff"
    opacity = ' opacity=".6"' if dashed else ""
    return (
        f'<svg width="22" height="22" viewBox="0 0 22 22" aria-hidden="true">'
        f'<circle cx="11" cy="11" r="7" fill="{colour}" stroke="{stroke}" stroke-width="1.5"'
        f"{dash}{opacity}/></svg>"
    )


def _swatch_line(colour: str, dash: str | None) -> str:
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<svg width="34" height="12" viewBox="0 0 34 12" aria-hidden="true">'
        f'<line x1="2" y1="6" x2="32" y2="6" stroke="{colour}" stroke-width="3"'
        f' stroke-linecap="round"{dash_attr}/></svg>'
    )


def legend_html(story: Story) -> str:
    """The key: every role, place type, mode and status the map uses, and the arrow."""
    places = _all_places(story)
    roles = [r for r in ROLES if any(story.role_of(p) == r for p in places)]
    types = {_type_class(p.place_type) for p in places}
    modes = [m for m in MODES if any(leg.mode == m for leg in story.legs)]
    events: list[Leg | Visit] = [*story.legs, *story.visits]
    statuses = [s for s in STATUSES if any(e.status == s for e in events)]
    unsure = any(p.approximate or p.confidence < LOW_CONFIDENCE for p in places)
    places_rows: list[str] = []
    journey_rows: list[str] = []

    def row(symbol: str, label: str) -> str:
        return f'<li><span class="gs-sym">{symbol}</span><span>{label}</span></li>'

    places_rows.extend(row(_swatch_pin(r), ROLE_LABELS[r]) for r in roles)
    if "site" in types:
        places_rows.append(row(_swatch_pin("mentioned", "site"), "Landmark, facility, airport"))
    if "area" in types:
        places_rows.append(row(_swatch_pin("mentioned", "area"), "Country or region (centre)"))
    if unsure:
        places_rows.append(row(_swatch_pin("mentioned", dashed=True), "Approximate or uncertain"))
    journey_rows.extend(row(_swatch_line(MODE_COLOURS[m], None), MODE_LABELS[m]) for m in modes)
    journey_rows.extend(row(_swatch_line("#39434b", STATUS_DASHES[s]), STATUS_LABELS[s]) for s in statuses)
    if story.legs:
        journey_rows.append(
            row(
                '<svg width="34" height="12" viewBox="0 0 34 12" aria-hidden="true">'
                '<line x1="2" y1="6" x2="24" y2="6" stroke="#39434b" stroke-width="3"/>'
                '<path d="M22 1 L32 6 L22 11 Z" fill="#39434b"/></svg>',
                "Direction of travel",
            )
        )
    columns = []
    if places_rows:
        columns.append(f"<div><h2>Places</h2><ul>{''.join(places_rows)}</ul></div>")
    if journey_rows:
        columns.append(f"<div><h2>Journeys</h2><ul>{''.join(journey_rows)}</ul></div>")
    return (
        '<details class="gs-legend" id="gs-legend" open>'
        "<summary>Key</summary>"
        f'<div class="gs-legend-cols">{"".join(columns)}</div>'
        "</details>"
    )


def _panel_html(data: dict[str, Any]) -> str:
    title = html.escape(data["title"])
    byline = html.escape(data["byline"])
    link = ""
    if data["url"]:
        link = (
            f' <a class="gs-source" href="{html.escape(data["url"], quote=True)}"'
            ' rel="noopener noreferrer" target="_blank">Read the article</a>'
        )
    unresolved = ""
    if data["unresolved"]:
        names = ", ".join(html.escape(n) for n in data["unresolved"])
        unresolved = f'<p class="gs-unresolved">Named but not mapped: {names}</p>'
    return f"""
<a class="gs-skip" href="#gs-steps">Skip to the itinerary</a>
<aside class="gs-panel" id="gs-panel" aria-labelledby="gs-title">
  <header class="gs-head">
    <p class="gs-kicker">Story map</p>
    <h1 id="gs-title">{title}</h1>
    <p class="gs-byline">{byline}{link}</p>
  </header>
  <div class="gs-order" role="group" aria-label="Order of the steps">
    <button type="button" data-order="told" aria-pressed="true">As told</button>
    <button type="button" data-order="happened" aria-pressed="false">As it happened</button>
  </div>
  <div class="gs-timeline" role="group" aria-label="Timeline" hidden></div>
  <nav aria-label="Itinerary">
    <ol class="gs-steps" id="gs-steps"></ol>
  </nav>
  <div class="gs-pager">
    <button type="button" class="gs-prev" aria-label="Previous step">&larr;</button>
    <span class="gs-pos" aria-hidden="true"></span>
    <button type="button" class="gs-next" aria-label="Next step">&rarr;</button>
    <button type="button" class="gs-play" aria-pressed="false" aria-label="Play the journey"
      ><span aria-hidden="true">&#9654;&#xFE0E;</span> <span>Play</span></button>
    <span class="gs-hint">&larr; &rarr; / j k, space to play</span>
  </div>
  <section class="gs-also" aria-labelledby="gs-also-h" hidden>
    <h2 id="gs-also-h">Also mentioned</h2>
    <ul class="gs-also-list"></ul>
  </section>
  {unresolved}
  <section class="gs-edit" aria-label="Fix the map">
    <button type="button" class="gs-edit-toggle" aria-pressed="false">Fix the map</button>
    <div class="gs-edit-bar" hidden>
      <p class="gs-edit-help">Drag a pin to move it; open a pin or a line to pick another place,
      remove it or change how the journey was made. Then download the edits and rebuild with
      <code>geostory build --places places.csv --legs legs.csv</code>.</p>
      <p class="gs-edit-count" role="status">No edits yet</p>
      <button type="button" class="gs-edit-download" disabled>Download edits</button>
      <button type="button" class="gs-edit-reset" disabled>Undo all</button>
    </div>
  </section>
  <footer class="gs-credits">Map &copy; OpenStreetMap contributors &middot; places: GeoNames (CC BY 4.0)
  &middot; country outlines: countryinfo &middot; made with geostory</footer>
</aside>
<p class="gs-sr" id="gs-live" role="status" aria-live="polite"></p>
"""


class Verbatim(Element):
    """An element that emits its text exactly as given, never compiled or evaluated as a template.

    The one way markup built from a story enters the page (see the module docstring).

    >>> Verbatim("<p>{{ 7*7 }} {% raw %}</p>").render()
    '<p>{{ 7*7 }} {% raw %}</p>'
    """

    def __init__(self, text: str) -> None:
        super().__init__()  # the default template; `text` is never handed to Jinja
        self._name = "Verbatim"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class _StoryInit(MacroElement):
    """Hands the folium map and the data blob to `geostory.init` (from assets/story.js)."""

    _template = folium.template.Template(
        """
        {% macro script(this, kwargs) %}
            window.geostory.init({{ this._parent.get_name() }}, "geostory-data");
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "GeostoryInit"


def _pin_ids(root: Any) -> None:
    """Replace folium's random element ids with a counter, so the same story gives the same HTML."""
    counter = 0
    stack = [root]
    while stack:
        element = stack.pop(0)
        element._id = f"{counter:08d}"
        counter += 1
        children = getattr(element, "_children", {})
        stack.extend(children.values())
        for attr in ("header", "html", "script"):
            child = getattr(element, attr, None)
            if child is not None and child is not element and hasattr(child, "_children"):
                stack.append(child)


def render_map(story: Story, *, title: str | None = None) -> folium.Map:
    """The story as a folium Map whose page is self-contained (display it inline in a notebook).

    `title` replaces the article's title. Element ids are pinned: same story, same HTML.
    """
    data = story_data(story, title=title)
    if data["places"]:
        lons = [p["coordinates"][0] for p in data["places"]]
        lats = [p["coordinates"][1] for p in data["places"]]
        centre = [(min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2]
    else:
        centre = [20.0, 0.0]
    fmap = folium.Map(
        location=centre,
        zoom_start=3,
        tiles=None,
        control_scale=True,
        max_zoom=18,
        min_zoom=1,
        world_copy_jump=False,
    )
    # No CDN links: Leaflet and everything else is inlined below.
    fmap.default_js = []
    fmap.default_css = []
    folium.TileLayer(
        tiles=TILE_URL, attr=ATTRIBUTION, name="OpenStreetMap", max_zoom=19, max_native_zoom=19, min_zoom=1
    ).add_to(fmap)
    figure = fmap.get_root()
    assert isinstance(figure, Figure)  # a Map's root is the page
    figure.header.add_child(Verbatim(f"<title>{html.escape(data['title'])}</title>"), name="gs_title")
    figure.header.add_child(Verbatim('<meta name="color-scheme" content="light">'), name="gs_meta")
    figure.header.add_child(Verbatim(_inline_libraries()), name="gs_libraries")
    figure.html.add_child(Verbatim(_panel_html(data)), name="gs_panel")
    figure.html.add_child(Verbatim(legend_html(story)), name="gs_legend")
    figure.html.add_child(
        Verbatim(f'<script type="application/json" id="geostory-data">{_data_json(data)}</script>'),
        name="gs_data",
    )
    fmap.add_child(_StoryInit(), name="gs_init")
    _pin_ids(figure)
    return fmap


def render_html(story: Story, *, title: str | None = None) -> str:
    """The story map page as one HTML string."""
    return render_map(story, title=title).get_root().render()


def write_html(story: Story, path: str | os.PathLike[str], *, title: str | None = None) -> Path:
    """Write the self-contained story map page atomically; returns the path written."""
    return write_bytes(path, render_html(story, title=title).encode("utf-8"))


def map_title(story: Story, title: str | None = None) -> str:
    """The map's heading: the given title, the article's, else its first sentence."""
    heading = (
        title if title is not None else (story.article.title or _lede(story.article.text) or "Story map")
    )
    if len(heading) > MAX_TITLE:
        heading = heading[:MAX_TITLE].rstrip() + "\u2026"
    return heading


def _lede(text: str, limit: int = 110) -> str:
    """The article's first sentence, cut at a word near `limit`: a heading for untitled articles."""
    first = re.split(r"(?<=[.!?])\s+|\n", text.strip(), maxsplit=1)[0].strip()
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "\u2026"


def embed_snippet(html_path_or_url: str | os.PathLike[str], *, title: str, height: str = "600px") -> str:
    """A ready `<iframe>` for a CMS: full width, fixed height, lazy-loaded, attributes escaped.

    >>> embed_snippet("maps/kim.html", title='Kim\\'s "train"')  # doctest: +ELLIPSIS
    '<iframe src="maps/kim.html" title="Kim&#x27;s &quot;train&quot;" ...
    """
    src = os.fspath(html_path_or_url)
    if isinstance(html_path_or_url, os.PathLike):
        src = Path(src).as_posix()
    src = src.strip()
    scheme = urlsplit(src).scheme.lower()
    if len(scheme) > 1 and scheme not in ("http", "https", "file"):  # one letter: C:\ on Windows
        raise ConfigurationError(f"cannot embed {src!r}: only http(s), file or relative URLs")
    if not re.fullmatch(r"\d+(\.\d+)?(px|vh|em|rem|%)", height):
        raise ConfigurationError(f"bad iframe height {height!r}: use e.g. 600px")
    return (
        f'<iframe src="{html.escape(clean_text(src), quote=True)}" '
        f'title="{html.escape(clean_text(title), quote=True)}" '
        f'style="width:100%;height:{height};border:0" width="100%" height="{height.removesuffix("px")}" '
        'loading="lazy" allowfullscreen referrerpolicy="no-referrer-when-downgrade"></iframe>'
    )
