"""Hand-built stories for the render, export and browser tests, plus Chromium helpers.

`make_story()` follows the seed article (Kim Jong-un to Vladivostok): a planned rail leg, a possible
air leg, a reported leg in the past, a visit, countries and an approximate landmark.
`hostile_story()` puts script, markup, a `javascript:` URL, an RTL override and a 5,000-character
token into a place name, a sentence and the title.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from screenshot import CHROMIUM_ARGS as SCREENSHOT_CHROMIUM_ARGS

from geostory.model import (
    Article,
    Candidate,
    Coordinate,
    Leg,
    Mention,
    Place,
    Span,
    Story,
    TimeSpan,
    Visit,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = list(SCREENSHOT_CHROMIUM_ARGS)  # the flags geostory's own screenshots use
TILE_HOSTS = re.compile(r"^https://([a-c]\.)?tile\.openstreetmap\.org/")

SEED_TEXT = (
    "North Korean leader Kim Jong-un may soon travel to Russia to meet with Russian President "
    "Vladimir Putin and discuss a possible arms deal, a news report said Monday.\n"
    "Mr. Kim would travel from Pyongyang, probably by armored train, to Vladivostok, where he "
    "would meet with Mr. Putin.\n"
    "Both leaders would be on the campus of Far Eastern Federal University in Vladivostok to "
    "attend the Eastern Economic Forum, which is scheduled to run Sept. 10 to 13.\n"
    "Kim could also fly from Pyongyang to Vladivostok.\n"
    "The visit follows Russian Defense Minister Sergei Shoigu's trip from Moscow to Pyongyang in "
    "late July.\n"
    "Portland officials were not consulted, and Ukraine was not mentioned.\n"
)


def _sentences(text: str) -> list[Span]:
    spans, start = [], 0
    for line in text.split("\n"):
        if line:
            spans.append(Span(line, start, start + len(line)))
        start += len(line) + 1
    return spans


def _mentions(text: str, name: str, label: str = "GPE") -> tuple[Mention, ...]:
    sentences = _sentences(text)
    found = []
    for match in re.finditer(r"\b" + re.escape(name) + r"\b", text):
        sentence = next(s for s in sentences if s.start <= match.start() < s.end)
        found.append(Mention(name, match.start(), match.end(), sentence, label))
    return tuple(found)


def _place(
    text: str,
    key: str,
    name: str,
    lat: float,
    lon: float,
    place_type: str = "city",
    cc: str | None = None,
    *,
    mention: str | None = None,
    **kwargs,
) -> Place:
    return Place(
        key=key,
        name=name,
        latitude=lat,
        longitude=lon,
        place_type=place_type,  # type: ignore[arg-type]
        country_code=cc,
        mentions=_mentions(text, mention or name),
        source="geonames",
        confidence=kwargs.pop("confidence", 0.9),
        **kwargs,
    )


def _span(text: str, fragment: str) -> Span:
    start = text.index(fragment)
    return Span(fragment, start, start + len(fragment))


def make_story(
    text: str = SEED_TEXT,
    *,
    title: str = "Kim Jong-un may travel to Russia by armored train",
    url: str | None = "https://example.org/kim-putin",
) -> Story:
    article = Article(text=text, title=title, date=dt.date(2023, 9, 4), source="Yonhap", url=url)
    russia = _place(text, "geonames:2017370", "Russia", 60.0, 100.0, "country", "RU")
    pyongyang = _place(text, "geonames:1871859", "Pyongyang", 39.03385, 125.75432, "city", "KP")
    vladivostok = _place(text, "geonames:2013348", "Vladivostok", 43.10562, 131.87353, "city", "RU")
    campus = _place(
        text,
        "curated:fefu",
        "Far Eastern Federal University",
        43.0245,
        131.8916,
        "landmark",
        "RU",
        approximate=True,
        container="Vladivostok",
        confidence=0.45,
    )
    moscow = _place(text, "geonames:524901", "Moscow", 55.75222, 37.61556, "city", "RU")
    portland = _place(
        text,
        "geonames:5746545",
        "Portland",
        45.52345,
        -122.67621,
        "city",
        "US",
        confidence=0.4,
        alternatives=(
            Candidate(
                "Portland", 43.66147, -70.25533, "city", "US", 66881, "geonames", "4975802", admin1="Maine"
            ),
        ),
    )
    ukraine = _place(text, "geonames:690791", "Ukraine", 49.0, 32.0, "country", "UA")
    places = (russia, pyongyang, vladivostok, campus, moscow, portland, ukraine)
    rail_sentence = _sentences(text)[1]
    rail = Leg(
        origin=pyongyang,
        destination=vladivostok,
        mode="rail",
        status="planned",
        evidence=rail_sentence,
        actors=("Kim Jong-un",),
        when=TimeSpan(dt.date(2023, 9, 10), dt.date(2023, 9, 13), "Sept. 10 to 13"),
        path=(
            Coordinate(39.03385, 125.75432),
            Coordinate(40.65, 129.2),
            Coordinate(42.35, 130.64),
            Coordinate(43.10562, 131.87353),
        ),
        distance_km=1180.0,
        geometry_basis="rail-corridor",
    )
    fly = Leg(
        origin=pyongyang,
        destination=vladivostok,
        mode="air",
        status="possible",
        evidence=_sentences(text)[3],
        actors=("Kim Jong-un",),
        distance_km=680.0,
        geometry_basis="great-circle",
    )
    shoigu = Leg(
        origin=moscow,
        destination=pyongyang,
        mode="air",
        status="reported",
        evidence=_sentences(text)[4],
        actors=("Sergei Shoigu",),
        when=TimeSpan(dt.date(2023, 7, 20), dt.date(2023, 7, 31), "late July"),
        distance_km=6420.0,
        geometry_basis="great-circle",
    )
    forum = Visit(
        place=vladivostok,
        evidence=_sentences(text)[2],
        status="planned",
        actors=("Kim Jong-un", "Vladimir Putin"),
        when=TimeSpan(dt.date(2023, 9, 10), dt.date(2023, 9, 13), "Sept. 10 to 13"),
        event="Eastern Economic Forum",
    )
    return Story(article=article, places=places, legs=(rail, fly, shoigu), visits=(forum,))


HOSTILE = (
    "<script>alert(1)</script><img src=x onerror=alert(1)></script>"
    '<svg onload="window.__pwned=1">javascript:alert(1) \u202eevil\u202c &amp; "\''
)
LONG_TOKEN = "A" * 5000


def hostile_story() -> Story:
    """Every piece of article text is an attack: name, sentence, title, event, actor, URL."""
    evil_name = f"Evil{HOSTILE}Town"
    text = (
        f"The convoy left Pyongyang for {evil_name} today. {HOSTILE} {LONG_TOKEN}\n"
        f"Leaders met in {evil_name} at <b>javascript:alert(1)</b>.\n"
    )
    article = Article(
        text=text,
        title=f"Title {HOSTILE}{LONG_TOKEN}",
        date=dt.date(2024, 1, 1),
        source=f"Source {HOSTILE}",
        url="javascript:alert(document.domain)",
    )
    pyongyang = _place(text, "geonames:1871859", "Pyongyang", 39.03385, 125.75432, "city", "KP")
    evil = Place(
        key="curated:evil",
        name=evil_name,
        latitude=43.1,
        longitude=131.9,
        place_type="city",
        country_code="RU",
        mentions=_mentions(text, evil_name),
        source=f"src{HOSTILE}",
        confidence=0.3,
        approximate=True,
        container=HOSTILE,
        alternatives=(Candidate(HOSTILE, 1.0, 2.0, "city", "XX", 1, "geonames", "1", admin1=HOSTILE),),
    )
    sentences = _sentences(text)
    leg = Leg(
        origin=pyongyang,
        destination=evil,
        mode="rail",
        status="reported",
        evidence=sentences[0],
        actors=(HOSTILE,),
        when=TimeSpan(dt.date(2024, 1, 1), dt.date(2024, 1, 2), HOSTILE),
    )
    visit = Visit(place=evil, evidence=sentences[1], actors=(HOSTILE,), event=HOSTILE)
    unresolved = (Mention(HOSTILE, 0, 5, sentences[0], "GPE"),)
    return Story(
        article=article, places=(pyongyang, evil), legs=(leg,), visits=(visit,), unresolved=unresolved
    )


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM)


def file_url(path: Path) -> str:
    return Path(path).resolve().as_uri()
