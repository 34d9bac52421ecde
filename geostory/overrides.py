"""User overrides: pin a name somewhere else, drop it from the map, or fix its type or label.

    write_overrides(story.places, "places.csv")   # an editable file of what geostory found
    load_overrides("places.csv") -> {normalize_name(name): Override}

Two formats, chosen by suffix (``.csv``, or ``.yaml``/``.yml``/``.json``; anything else is sniffed):

CSV, header required, columns in any order::

    name,latitude,longitude,exclude,place_type,display_name
    Georgia,32.68,-83.22,,region,Georgia (US state)
    Sumy,,,true,,

YAML, either a list of mappings with the same keys, or a mapping from name to settings::

    Georgia: {lat: 32.68, lon: -83.22, place_type: region}
    Sumy: {exclude: true}
    Przemysl: [49.78, 22.77]

Keys may be spelled ``lat``/``lon``/``lng`` and ``type``. Columns that `write_overrides` adds for
information (``resolved_name``, ``source``, ``confidence``, ``country_code``) are ignored on reading.
Any mistake is a `ConfigurationError` naming the file, the line and what is wrong.
"""

from __future__ import annotations

import csv
import io
import math
import os
import reprlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from .errors import ConfigurationError
from .model import Mention, Place, PlaceType
from .user_files import Table, as_boolean, column, csv_rows, is_yaml, read_text, yaml_errors

__all__ = ["Override", "load_overrides", "normalize_name", "write_overrides"]

COLUMNS = ("name", "latitude", "longitude", "exclude", "place_type", "display_name")
INFO_COLUMNS = ("resolved_name", "source", "confidence", "country_code")
PLACE_TYPES: tuple[str, ...] = get_args(PlaceType)

_ALIASES = {
    "lat": "latitude",
    "lon": "longitude",
    "lng": "longitude",
    "long": "longitude",
    "type": "place_type",
    "label": "display_name",
    "excluded": "exclude",
}
MAX_BYTES = 5_000_000  # an overrides file for even a long story is a few KB
MAX_NODES = 100_000  # YAML values after aliases are expanded: a 1 KB alias bomb expands to billions
_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 60
_REPR.maxlist = _REPR.maxdict = _REPR.maxtuple = 6
_REPR.maxlevel = 2


@dataclass(frozen=True)
class Override:
    """What the user says about one name. Coordinates come both or neither."""

    name: str
    latitude: float | None = None
    longitude: float | None = None
    exclude: bool = False
    place_type: str | None = None
    display_name: str | None = None

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None


def normalize_name(name: str) -> str:
    """The key overrides are matched by: casefolded, accents and punctuation stripped, no leading 'the'.

    It is the gazetteer's lookup key, so an override matches whatever spelling the gazetteer
    would have matched ("St. Petersburg" and "St Petersburg", "Kraków" and "KRAKOW").

    >>> normalize_name("  The  Hague ")
    'hague'
    >>> normalize_name("Kraków") == normalize_name("KRAKOW")
    True
    """
    from .gazetteer import normalize_name as gazetteer_key

    return gazetteer_key(" ".join(name.split()))


# --- loading ------------------------------------------------------------------------------------


def load_overrides(path: str | os.PathLike[str]) -> dict[str, Override]:
    """Read an overrides file (CSV or YAML) into {normalized name: Override}.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> rows = "name,latitude,longitude,exclude\\nThe Hague,52.08,4.31,\\nSumy,,,yes\\n"
    >>> _ = (folder / "o.csv").write_text(rows)
    >>> load_overrides(folder / "o.csv")["sumy"].exclude
    True
    """
    path = Path(path)
    text = read_text(path, _TABLE, max_bytes=MAX_BYTES)
    if is_yaml(path, text, _TABLE):
        rows = _yaml_rows(text, path)
    else:
        rows = csv_rows(text, path, _TABLE, check_header=_check_header)
    overrides: dict[str, Override] = {}
    lines: dict[str, int] = {}
    for line, fields in rows:
        override = _override(fields, path, line)
        key = normalize_name(override.name)
        if key in overrides:
            raise ConfigurationError(
                f"overrides file {path}, line {line}: {_shown(override.name)} "
                f"is already set on line {lines[key]}"
            )
        overrides[key] = override
        lines[key] = line
    return overrides


def _check_header(header: list[str], where: str) -> None:
    if "name" not in header:
        raise ConfigurationError(f"{where}: the header needs a 'name' column (expected {','.join(COLUMNS)})")


def _yaml_rows(text: str, path: Path) -> list[tuple[int, dict[str, Any]]]:
    import yaml

    loader = yaml.SafeLoader(text)
    try:
        with yaml_errors(path, _TABLE):
            return _yaml_places(loader, path)
    finally:
        loader.dispose()


def _yaml_places(loader: Any, path: Path) -> list[tuple[int, dict[str, Any]]]:
    """A list of mappings, or a mapping from name to settings, as rows."""
    import yaml

    try:
        root = loader.get_single_node()
        if root is None:
            return []
        _check_expansion(root, path)
        rows: list[tuple[int, dict[str, Any]]] = []
        if isinstance(root, yaml.SequenceNode):
            for item in root.value:
                line = item.start_mark.line + 1
                if not isinstance(item, yaml.MappingNode):
                    raise ConfigurationError(
                        f"overrides file {path}, line {line}: "
                        "expected a mapping with name, latitude, longitude ..."
                    )
                rows.append((line, _yaml_mapping(loader, item, path)))
        elif isinstance(root, yaml.MappingNode):
            for key_node, value_node in root.value:
                line = key_node.start_mark.line + 1
                name = loader.construct_object(key_node, deep=True)
                if isinstance(value_node, yaml.MappingNode):
                    fields = _yaml_mapping(loader, value_node, path)
                elif isinstance(value_node, yaml.SequenceNode) and len(value_node.value) == 2:
                    lat, lon = loader.construct_object(value_node, deep=True)
                    fields = {"latitude": lat, "longitude": lon}
                else:
                    raise ConfigurationError(
                        f"overrides file {path}, line {line}: {_shown(name)} needs a mapping such as "
                        "{lat: 50.45, lon: 30.52} or {exclude: true}, or a [lat, lon] pair"
                    )
                if "name" in fields and fields["name"] != name:
                    raise ConfigurationError(
                        f"overrides file {path}, line {line}: the key {_shown(name)} "
                        f"and its name {_shown(fields['name'])} differ"
                    )
                fields["name"] = name
                rows.append((line, fields))
        else:
            raise ConfigurationError(
                f"overrides file {path}, line {root.start_mark.line + 1}: "
                "expected a list of places or a mapping from name to settings"
            )
        return rows
    except ConfigurationError:
        raise
    except ValueError as err:  # PyYAML's int() of a 5,000-digit number
        raise ConfigurationError(
            f"overrides file {path}: a value YAML cannot read: {_shown(str(err), quote=False)}"
        ) from err


def _check_expansion(root: Any, path: Path) -> None:
    """Refuse YAML whose aliases expand past MAX_NODES values, or refer to themselves, before any
    of it is built; counted without expanding, each node once."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        children = _children(node)
        if closing:
            sizes[id(node)] = 1 + sum(sizes[id(child)] for child in children)
            open_nodes.discard(id(node))
            if sizes[id(node)] > MAX_NODES:
                raise ConfigurationError(
                    f"overrides file {path}, line {node.start_mark.line + 1}: more than {MAX_NODES} values "
                    "once YAML aliases are expanded"
                )
            continue
        if id(node) in sizes:
            continue
        if id(node) in open_nodes:
            raise ConfigurationError(
                f"overrides file {path}, line {node.start_mark.line + 1}: a YAML alias refers to itself"
            )
        open_nodes.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)


def _children(node: Any) -> list[Any]:
    import yaml

    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _shown(value: Any, *, quote: bool = True) -> str:
    """A value for an error message, cut short: a message never grows with the file."""
    text = value if isinstance(value, str) and not quote else _REPR.repr(value)
    return text if len(text) <= 100 else text[:97] + "..."


_TABLE = Table("overrides file", COLUMNS, INFO_COLUMNS, _ALIASES, key="name", shown=_shown)


def _yaml_mapping(loader: Any, node: Any, path: Path) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        key = loader.construct_object(key_node, deep=True)
        name = column(str(key), _TABLE, _TABLE.at(path, line))
        if name in INFO_COLUMNS:
            continue
        if name in fields:
            raise ConfigurationError(f"overrides file {path}, line {line}: {name} given twice")
        fields[name] = loader.construct_object(value_node, deep=True)
    return fields


def _override(fields: Mapping[str, Any], path: Path, line: int) -> Override:
    where = f"overrides file {path}, line {line}"
    name = fields.get("name")
    if name is None or (isinstance(name, str) and not name.strip()):
        raise ConfigurationError(f"{where}: the name is empty")
    if not isinstance(name, (str, int, float)) or isinstance(name, bool):
        raise ConfigurationError(f"{where}: the name must be text, not {type(name).__name__}")
    name = " ".join(str(name).split())
    latitude = _coordinate(fields.get("latitude"), "latitude", 90, where)
    longitude = _coordinate(fields.get("longitude"), "longitude", 180, where)
    if (latitude is None) != (longitude is None):
        given, missing = ("latitude", "longitude") if longitude is None else ("longitude", "latitude")
        raise ConfigurationError(f"{where}: {_shown(name)} has a {given} but no {missing}")
    exclude = _boolean(fields.get("exclude"), where)
    place_type = _text(fields.get("place_type"), "place_type", where)
    if place_type is not None:
        place_type = place_type.casefold()
        if place_type not in PLACE_TYPES:
            raise ConfigurationError(
                f"{where}: place_type {_shown(place_type)} is not one of {', '.join(PLACE_TYPES)}"
            )
    display_name = _text(fields.get("display_name"), "display_name", where)
    return Override(
        name=name,
        latitude=latitude,
        longitude=longitude,
        exclude=exclude,
        place_type=place_type,
        display_name=display_name,
    )


def _coordinate(value: Any, what: str, limit: float, where: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ConfigurationError(f"{where}: {what} {_shown(value)} is not a number")
    try:
        number = float(value.strip().replace("\u2212", "-")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError) as err:
        shown = value.strip() if isinstance(value, str) else value
        raise ConfigurationError(f"{where}: {what} {_shown(shown)} is not a number") from err
    if not math.isfinite(number) or not -limit <= number <= limit:
        shown = value.strip() if isinstance(value, str) else value
        raise ConfigurationError(
            f"{where}: {what} {_shown(shown, quote=False)} out of range (-{limit:g} to {limit:g})"
        )
    return number


def _boolean(value: Any, where: str) -> bool:
    answer = as_boolean(value)
    if answer is not None:
        return answer
    raise ConfigurationError(f"{where}: exclude {_shown(value)} is not true or false")


def _text(value: Any, what: str, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise ConfigurationError(f"{where}: {what} must be text, not {type(value).__name__}")
    text = " ".join(str(value).split())
    return text or None


# --- writing ------------------------------------------------------------------------------------


def write_overrides(
    places: Iterable[Place], path: str | os.PathLike[str], *, unresolved: Iterable[Mention] = ()
) -> None:
    """Write an editable overrides file (CSV, or YAML for .yaml/.yml) for a story's places.

    One row per distinct spelling the article uses for a place (what resolve looks names up by),
    in story order, with the coordinates geostory chose, then one row without coordinates per name
    it could not place (fill them in to pin it); edit and pass the file back with ``--places``.
    Columns after `display_name` are for information and ignored on reading.
    """
    path = Path(path)
    rows = _rows(places) + _unresolved_rows(unresolved, {normalize_name(r["name"]) for r in _rows(places)})
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        body = yaml.safe_dump(rows, sort_keys=False, allow_unicode=True, default_flow_style=False)
        content = (
            "# geostory overrides: edit latitude/longitude, set exclude: true to drop a place,\n"
            f"# place_type ({', '.join(PLACE_TYPES)}) or display_name; then rerun with --places.\n"
            + (body if rows else "[]\n")
        )
    else:
        buffer = io.StringIO(newline="")
        writer = csv.DictWriter(buffer, fieldnames=[*COLUMNS, *INFO_COLUMNS], lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({key: "" if value is None else value for key, value in row.items()})
        content = buffer.getvalue()
    _write_atomically(path, content)


def _rows(places: Iterable[Place]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for place in sorted(places, key=lambda p: (p.first_start, p.name)):
        spellings = [m.query for m in sorted(place.mentions, key=lambda m: m.start)] or [place.name]
        for spelling in spellings:
            key = normalize_name(spelling)
            if key in seen:
                continue
            seen.add(key)
            rows.append(
                {
                    "name": " ".join(spelling.split()),
                    "latitude": round(place.latitude, 6),
                    "longitude": round(place.longitude, 6),
                    "exclude": False,
                    "place_type": place.place_type,
                    "display_name": None,
                    "resolved_name": place.name,
                    "source": place.source,
                    "confidence": round(place.confidence, 3),
                    "country_code": place.country_code,
                }
            )
    return rows


def _unresolved_rows(mentions: Iterable[Mention], seen: set[str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for mention in sorted(mentions, key=lambda m: m.start):
        key = normalize_name(mention.query)
        if key in seen:
            continue
        seen.add(key)
        rows.append(
            {
                "name": " ".join(mention.query.split()),
                "latitude": None,
                "longitude": None,
                "exclude": False,
                "place_type": None,
                "display_name": None,
                "resolved_name": None,
                "source": "unresolved",
                "confidence": None,
                "country_code": None,
            }
        )
    return rows


def _write_atomically(path: Path, content: str) -> None:
    from .atomic import write_text

    write_text(path, content)
