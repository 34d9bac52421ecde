"""Import folium without compiling its Jinja templates until they are rendered.

folium and branca build a `jinja2.Template` in the body of each of their ~50 element classes, so
`import folium` lexes, parses and compiles every one of them (about two thirds of its import
time), while a story map renders a handful. Inside `deferred_templates()`, a template made from
a plain source string is a `_DeferredTemplate` that compiles on its first use and then hands
every attribute (`render`, `module`, ...) to the real template, so what folium renders is
unchanged. Templates made elsewhere, or after the block, are untouched.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

_lock = threading.Lock()


class _DeferredTemplate:
    """A template's source, compiled into the real `jinja2.Template` on first attribute access."""

    __slots__ = ("_cls", "_source", "_template")

    def __init__(self, cls: type, source: str) -> None:
        self._cls = cls
        self._source = source
        self._template: Any = None

    def __getattr__(self, name: str) -> Any:
        if self._template is None:
            with _lock:
                if self._template is None:
                    self._template = _ORIGINAL_NEW(self._cls, self._source)
        return getattr(self._template, name)


_ORIGINAL_NEW: Any = None


@contextlib.contextmanager
def deferred_templates() -> Iterator[None]:
    """While open, `jinja2.Template(source)` (one plain string, no options) defers compiling."""
    global _ORIGINAL_NEW
    import jinja2

    saved = jinja2.Template.__dict__["__new__"]  # the staticmethod itself, put back as it was
    _ORIGINAL_NEW = jinja2.Template.__new__

    def new(cls: type, *args: Any, **kwargs: Any) -> Any:
        if kwargs or len(args) != 1 or not isinstance(args[0], str):
            return _ORIGINAL_NEW(cls, *args, **kwargs)
        return _DeferredTemplate(cls, args[0])

    setattr(jinja2.Template, "__new__", new)  # noqa: B010 (a class attribute, put back below)
    try:
        yield
    finally:
        setattr(jinja2.Template, "__new__", saved)  # noqa: B010
