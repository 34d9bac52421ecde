"""geostory: turn a news article into a story map.

    >>> import geostory
    >>> story = geostory.build_story(open("seeds/000_5c1121d8640b17ca.txt").read())  # doctest: +SKIP
    >>> geostory.render_map(story)  # a folium.Map, shown inline in a notebook  # doctest: +SKIP

Names are imported lazily so that `import geostory` loads no model, gazetteer or map library.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "build_story": "pipeline",
    "geoparse": "pipeline",
    "read_article": "read",
    "render_map": "render",
    "write_html": "render",
    "embed_snippet": "render",
    "to_geojson": "export",
    "write_geojson": "export",
    "to_storymapjs": "export",
    "write_storymapjs": "export",
    "Gazetteer": "gazetteer",
    "Article": "model",
    "Story": "model",
    "Place": "model",
    "Leg": "model",
    "Visit": "model",
    "Mention": "model",
    "GeostoryError": "errors",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'geostory' has no attribute {name!r}")
