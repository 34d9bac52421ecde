"""Compose the stages: read -> recognize -> resolve -> narrate -> route.

Collaborators (spaCy pipeline, gazetteer, online geocoder) are passed in or loaded lazily once, so
`import geostory` does no I/O.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .errors import InputError
from .language import DEFAULT_MODEL
from .model import Article, Mention, Place, Resolution, Story

if TYPE_CHECKING:
    from spacy.language import Language

    from .gazetteer import Gazetteer
    from .overrides import Override
    from .resolve import Geocoder

PINNED_KINDS = ("toponym", "facility", "venue")  # demonyms and names inside organisations are not pins


@dataclass(frozen=True)
class Geoparse:
    """One article geoparsed: every mention and the place it resolved to, if any."""

    doc_id: str
    mentions: tuple[Mention, ...]
    places: tuple[Place, ...]

    def place_of(self, mention: Mention) -> Place | None:
        return self._place_by_span.get((mention.start, mention.end))

    @functools.cached_property
    def _place_by_span(self) -> dict[tuple[int, int], Place]:
        return {(m.start, m.end): place for place in self.places for m in place.mentions}


def build_story(
    article: Article | str,
    *,
    date: dt.date | None = None,
    title: str | None = None,
    model: str = DEFAULT_MODEL,
    gazetteer: Gazetteer | None = None,
    geocoder: Geocoder | None = None,
    places_file: str | os.PathLike | None = None,
    rail_network: str | os.PathLike | None = None,
    networks: Mapping[str, str | os.PathLike] | None = None,
    legs_file: str | os.PathLike | None = None,
) -> Story:
    """Read an article (an `Article` or its text) into a routed `Story`.

    >>> story = build_story("Kim travelled by train from Pyongyang to Vladivostok.")  # doctest: +SKIP
    >>> [(leg.origin.name, leg.destination.name, leg.mode) for leg in story.legs]  # doctest: +SKIP
    [('Pyongyang', 'Vladivostok', 'rail')]
    """
    from .language import load_pipeline
    from .route import route
    from .sections import in_sections

    if isinstance(article, str):
        article = Article(text=article)
    if date is not None or title is not None:
        article = replace(article, date=date or article.date, title=title or article.title)
    if not article.text.strip():
        raise InputError("the article is empty")
    gazetteer = gazetteer or _default_gazetteer()
    overrides = _load_overrides(places_file)
    nlp = load_pipeline(model)
    read = functools.partial(
        _read_section, nlp=nlp, gazetteer=gazetteer, geocoder=geocoder, overrides=overrides
    )
    story = in_sections(article, read)  # a long article section by section, one Doc at a time
    if legs_file is not None:  # the reader's leg edits (dropped legs, modes) before the lines are drawn
        from .leg_edits import apply_leg_edits, load_leg_edits

        story = apply_leg_edits(story, load_leg_edits(legs_file), source=f"legs file {legs_file}")
    return route(story, rail_network=rail_network, networks=networks)


def geoparse(
    documents: Iterable[tuple[str, str]],
    *,
    model: str = DEFAULT_MODEL,
    gazetteer: Gazetteer | None = None,
    geocoder: Geocoder | None = None,
    places_file: str | os.PathLike | None = None,
) -> Iterator[Geoparse]:
    """Geoparse `(doc_id, text)` pairs lazily: recognition and resolution, no story.

    The dependency parser is not needed for toponyms and is left out, which halves spaCy's time.
    An article longer than `sections.SECTION_CHARS` is geoparsed section by section, as
    `build_story` reads it (the resolver's context is then each section's, not the article's).
    """
    from .language import load_pipeline
    from .sections import SECTION_CHARS

    gazetteer = gazetteer or _default_gazetteer()
    overrides = _load_overrides(places_file)
    nlp = load_pipeline(model, with_parser=False)
    # Runs of articles of at most a section stream through the parser as before; a longer one
    # is read in sections, as `build_story` reads it, so its memory follows a section.
    for long, run in itertools.groupby(documents, key=lambda document: len(document[1]) > SECTION_CHARS):
        if long:
            for doc_id, text in run:
                yield _geoparse_long(doc_id, text, nlp, gazetteer, geocoder, overrides)
        else:
            yield from _geoparse_stream(run, nlp, gazetteer, geocoder, overrides)


def _read_section(
    article: Article,
    *,
    nlp: Language,
    gazetteer: Gazetteer,
    geocoder: Geocoder | None,
    overrides: Mapping[str, Override],
) -> Story:
    """Recognize, resolve and narrate one section (or a whole article of at most a section);
    its Doc goes when this returns: routing and rendering read only the story."""
    from .language import parse
    from .narrate import narrate

    doc = parse(article.text, nlp)
    resolution = _resolve(doc, gazetteer, geocoder, overrides)
    pinned = tuple(p for p in resolution.places if any(m.kind in PINNED_KINDS for m in p.mentions))
    pinned_keys = {p.key for p in pinned}
    nations = tuple(p for p in resolution.places if p.key not in pinned_keys and p.place_type == "country")
    return narrate(article, doc, pinned, resolution.unresolved, nations)


def _geoparse_stream(
    documents: Iterable[tuple[str, str]],
    nlp: Language,
    gazetteer: Gazetteer,
    geocoder: Geocoder | None,
    overrides: Mapping[str, Override],
) -> Iterator[Geoparse]:
    from .language import parse_many

    pending = iter(documents)
    ids: list[str] = []

    def texts() -> Iterator[str]:
        for doc_id, text in pending:
            ids.append(doc_id)
            yield text

    for index, doc in enumerate(parse_many(texts(), nlp)):
        yield _geoparsed(ids[index], _resolve(doc, gazetteer, geocoder, overrides))


def _geoparse_long(
    doc_id: str,
    text: str,
    nlp: Language,
    gazetteer: Gazetteer,
    geocoder: Geocoder | None,
    overrides: Mapping[str, Override],
) -> Geoparse:
    """One article longer than a section, geoparsed section by section."""
    from .language import parse
    from .sections import in_sections

    def read(section: Article) -> Story:
        resolution = _resolve(parse(section.text, nlp), gazetteer, geocoder, overrides)
        # every place the section resolved, not only pins: the sections' places merge by key
        return Story(article=section, places=resolution.places, unresolved=resolution.unresolved)

    story = in_sections(Article(text=text), read)
    return _geoparsed(doc_id, Resolution(story.places, story.unresolved))


def _geoparsed(doc_id: str, resolution: Resolution) -> Geoparse:
    mentions = tuple(
        sorted(
            [m for p in resolution.places for m in p.mentions if m.kind != "venue"]
            + [m for m in resolution.unresolved if m.kind != "venue"],
            key=lambda m: m.start,
        )
    )
    return Geoparse(doc_id, mentions, resolution.places)


def _resolve(
    doc, gazetteer: Gazetteer, geocoder: Geocoder | None, overrides: Mapping[str, Override]
) -> Resolution:
    """Recognition and resolution through the `geostory_places` spaCy component, run on a parsed
    article or section (parsed in chunks, resolved as one)."""
    from .component import PlacesComponent

    component = PlacesComponent(gazetteer=gazetteer, geocoder=geocoder, overrides=overrides)
    return component(doc)._.geostory_resolution


def _default_gazetteer() -> Gazetteer:
    from .gazetteer import default_gazetteer

    return default_gazetteer()


def _load_overrides(places_file: str | os.PathLike | None) -> Mapping[str, Override]:
    """The overrides file, parsed once per process while it is unchanged (a batch of articles
    shares one file; parsing it per article made `batch --places` many times slower)."""
    if places_file is None:
        return {}
    try:
        info = os.stat(places_file)
        version = (info.st_mtime_ns, info.st_size, info.st_ino)
    except (OSError, ValueError):
        version = None  # let load_overrides name the problem
    if version is None:
        from .overrides import load_overrides

        return load_overrides(places_file)
    return _cached_overrides(os.fspath(places_file), version)


@functools.lru_cache(maxsize=8)
def _cached_overrides(path: str, version: tuple[int, int, int]) -> Mapping[str, Override]:
    from types import MappingProxyType

    from .overrides import load_overrides

    return MappingProxyType(load_overrides(path))
