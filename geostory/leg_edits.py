"""Leg edits: drop a journey from the story, or change how it was made.

    load_leg_edits("legs.csv") -> [LegEdit, ...]
    apply_leg_edits(story, edits) -> Story   # after narrate, before route

The story map's edit mode downloads such a file; pass it back with ``geostory build --legs FILE``.
Two formats, chosen by suffix (``.csv``, or ``.yaml``/``.yml``/``.json``; anything else is sniffed):

CSV, header required, columns in any order::

    origin,destination,occurrence,drop,mode
    Pyongyang,Vladivostok,,,air
    Moscow,Pyongyang,,true,

YAML, a list of mappings with the same keys::

    - {origin: Pyongyang, destination: Vladivostok, mode: air}
    - {origin: Moscow, destination: Pyongyang, drop: true}

A leg is found by its two ends, each matched (as overrides are) against the place's name or any
spelling the article uses for it. ``occurrence`` (1, 2 ...) picks one of several legs between
the same two places, in the order the article tells them; empty means all of them. Any mistake,
including an edit that matches no leg, is a `ConfigurationError` naming the file, the line and
what is wrong, on one line.
"""

from __future__ import annotations

import csv
import io
import os
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .errors import ConfigurationError
from .model import MODES, Leg, Mode, Place, Story
from .overrides import normalize_name

__all__ = ["COLUMNS", "LegEdit", "apply_leg_edits", "load_leg_edits"]

COLUMNS = ("origin", "destination", "occurrence", "drop", "mode")
INFO_COLUMNS = ("status", "evidence")  # written for the reader, ignored on reading
_ALIASES = {"from": "origin", "to": "destination", "exclude": "drop", "n": "occurrence"}
_TRUE = {"true", "yes", "y", "1", "x", "t", "on"}
_FALSE = {"", "false", "no", "n", "0", "f", "off"}
_YAML_SUFFIXES = {".yaml", ".yml", ".json"}
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
MAX_BYTES = 1_000_000  # a story has dozens of legs; a legs file is a few hundred bytes
MAX_EDITS = 10_000


@dataclass(frozen=True)
class LegEdit:
    """What the user says about the legs from `origin` to `destination`."""

    origin: str
    destination: str
    line: int  # where it was written, for messages
    occurrence: int | None = None  # 1-based among legs between the same ends, told order
    drop: bool = False
    mode: Mode | None = None


# --- loading ------------------------------------------------------------------------------------


def load_leg_edits(path: str | os.PathLike[str]) -> list[LegEdit]:
    """Read a legs file (CSV or YAML) into edits, in file order.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "l.csv").write_text("origin,destination,mode\\nPyongyang,Vladivostok,air\\n")
    >>> load_leg_edits(folder / "l.csv")[0].mode
    'air'
    """
    path = Path(path)
    text = _read_text(path).replace("\r\n", "\n").replace("\r", "\n")
    rows = _yaml_rows(text, path) if _is_yaml(path, text) else _csv_rows(text, path)
    if len(rows) > MAX_EDITS:
        raise ConfigurationError(f"legs file {path}: more than {MAX_EDITS} edits")
    edits: list[LegEdit] = []
    seen: dict[tuple[str, str, int | None], int] = {}
    for line, fields in rows:
        edit = _edit(fields, f"legs file {path}, line {line}", line)
        key = (normalize_name(edit.origin), normalize_name(edit.destination), edit.occurrence)
        if key in seen:
            raise ConfigurationError(
                f"legs file {path}, line {line}: {_shown(edit.origin)} -> {_shown(edit.destination)} "
                f"is already edited on line {seen[key]}"
            )
        seen[key] = line
        edits.append(edit)
    return edits


def _read_text(path: Path) -> str:
    try:
        info = path.stat()
    except FileNotFoundError as err:
        raise ConfigurationError(f"legs file not found: {path}") from err
    except (OSError, ValueError) as err:
        raise ConfigurationError(
            f"cannot read legs file {path}: {getattr(err, 'strerror', None) or err}"
        ) from err
    if stat.S_ISDIR(info.st_mode):
        raise ConfigurationError(f"legs file {path} is a directory")
    if not stat.S_ISREG(info.st_mode):
        raise ConfigurationError(f"legs file {path} is not a regular file (a FIFO or device)")
    if info.st_size > MAX_BYTES:
        raise ConfigurationError(f"legs file {path} is larger than {MAX_BYTES} bytes")
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ConfigurationError(f"cannot read legs file {path}: {err.strerror or err}") from err
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ConfigurationError(f"legs file {path}, line {line}: not UTF-8 text") from err


def _is_yaml(path: Path, text: str) -> bool:
    suffix = path.suffix.lower()
    if suffix in _YAML_SUFFIXES:
        return True
    if suffix == ".csv":
        return False
    first = next((line for line in text.split("\n") if line.strip() and not line.startswith("#")), "")
    return not ("," in first and "origin" in first.casefold())


def _column(cell: str, path: Path, line: int) -> str:
    name = cell.strip().casefold().replace(" ", "_")
    name = _ALIASES.get(name, name)
    if name not in COLUMNS and name not in INFO_COLUMNS:
        raise ConfigurationError(
            f"legs file {path}, line {line}: unknown column {_shown(cell.strip())} "
            f"(expected {', '.join(COLUMNS)})"
        )
    return name


def _csv_rows(text: str, path: Path) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, Any]]] = []
    line = 1
    try:
        for record in reader:
            start, line = line, reader.line_num + 1
            if not record or all(not cell.strip() for cell in record) or record[0].lstrip().startswith("#"):
                continue
            if header is None:
                header = [_column(cell, path, start) for cell in record]
                missing = [c for c in ("origin", "destination") if c not in header]
                if missing:
                    raise ConfigurationError(
                        f"legs file {path}, line {start}: the header needs {' and '.join(missing)} "
                        f"(expected {','.join(COLUMNS)})"
                    )
                if len(set(header)) != len(header):
                    raise ConfigurationError(f"legs file {path}, line {start}: a column is named twice")
                continue
            if len(record) > len(header):
                raise ConfigurationError(
                    f"legs file {path}, line {start}: {len(record)} fields but the header has {len(header)}"
                )
            fields = {c: _unquote(v) for c, v in zip(header, record, strict=False) if c not in INFO_COLUMNS}
            rows.append((start, fields))
    except csv.Error as err:
        raise ConfigurationError(
            f"legs file {path}, line {reader.line_num}: {' '.join(str(err).split())}"
        ) from err
    if header is None:
        raise ConfigurationError(
            f"legs file {path}, line 1: no header; the first line must be {','.join(COLUMNS)}"
        )
    return rows


def _unquote(cell: str) -> str:
    """Undo the apostrophe a spreadsheet-safe writer puts before a cell starting with = + - @."""
    return cell[1:] if cell.startswith("'") and cell[1:2] in _FORMULA and cell[1:2] else cell


def _yaml_rows(text: str, path: Path) -> list[tuple[int, dict[str, Any]]]:
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError as err:
        raise ConfigurationError(f"legs file {path}: YAML nested too deeply") from err
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(err, "problem", None) or str(err)
        raise ConfigurationError(
            f"legs file {path}, line {line}: invalid YAML: {' '.join(str(problem).split())}"
        ) from err
    if root is None:
        return []
    if not isinstance(root, yaml.SequenceNode):
        raise ConfigurationError(
            f"legs file {path}, line {root.start_mark.line + 1}: expected a list of legs "
            "such as - {origin: Pyongyang, destination: Vladivostok, mode: air}"
        )
    rows: list[tuple[int, dict[str, Any]]] = []
    for item in root.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            raise ConfigurationError(
                f"legs file {path}, line {line}: expected a mapping with origin, destination ..."
            )
        fields: dict[str, Any] = {}
        for key_node, value_node in item.value:
            at = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode) or not isinstance(value_node, yaml.ScalarNode):
                raise ConfigurationError(
                    f"legs file {path}, line {at}: keys and values must be plain text or numbers"
                )
            column = _column(str(key_node.value), path, at)
            if column in INFO_COLUMNS:
                continue
            if column in fields:
                raise ConfigurationError(f"legs file {path}, line {at}: {column} given twice")
            try:
                fields[column] = yaml.SafeLoader("").construct_object(value_node)  # a scalar: no aliases
            except (yaml.YAMLError, ValueError) as err:
                raise ConfigurationError(f"legs file {path}, line {at}: a value YAML cannot read") from err
        rows.append((line, fields))
    return rows


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _edit(fields: Mapping[str, Any], where: str, line: int) -> LegEdit:
    ends: list[str] = []
    for what in ("origin", "destination"):
        value = fields.get(what)
        if isinstance(value, bool) or not isinstance(value, (str, int, float)) or not str(value).strip():
            raise ConfigurationError(f"{where}: the {what} is empty")
        ends.append(" ".join(str(value).split()))
    occurrence = _occurrence(fields.get("occurrence"), where)
    drop = _boolean(fields.get("drop"), where)
    mode: Mode | None = None
    raw = fields.get("mode")
    if raw is not None and str(raw).strip():
        word = str(raw).strip().casefold()
        if isinstance(raw, bool) or word not in MODES:
            raise ConfigurationError(f"{where}: mode {_shown(raw)} is not one of {', '.join(MODES)}")
        mode = next(m for m in MODES if m == word)
    if not drop and mode is None:
        raise ConfigurationError(
            f"{where}: {_shown(ends[0])} -> {_shown(ends[1])} says neither drop nor mode"
        )
    return LegEdit(ends[0], ends[1], line, occurrence, drop, mode)


def _occurrence(value: Any, where: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or not 1 <= int(text) <= MAX_EDITS:
        raise ConfigurationError(f"{where}: occurrence {_shown(value)} is not a count such as 1 or 2")
    return int(text)


def _boolean(value: Any, where: str) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().casefold()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise ConfigurationError(f"{where}: drop {_shown(value)} is not true or false")


# --- applying -----------------------------------------------------------------------------------


def _names(place: Place) -> set[str]:
    return {normalize_name(place.name), *(normalize_name(m.query) for m in place.mentions)}


def apply_leg_edits(story: Story, edits: Sequence[LegEdit], *, source: str = "legs file") -> Story:
    """The story with the edited legs dropped or given their new mode (stated, not inferred).

    Every edit must match a leg of this story; one that does not is an error, so a typo never
    passes silently.
    """
    if not edits:
        return story
    told = sorted(story.legs, key=lambda leg: (leg.evidence.start, leg.evidence.end))
    counts: dict[tuple[frozenset[str], frozenset[str]], int] = {}
    numbered: list[tuple[Leg, set[str], set[str], int]] = []
    for leg in told:
        origin, destination = _names(leg.origin), _names(leg.destination)
        # legs are counted between the same two places, as the page counts them
        key = (frozenset({leg.origin.key}), frozenset({leg.destination.key}))
        counts[key] = counts.get(key, 0) + 1
        numbered.append((leg, origin, destination, counts[key]))
    changed: dict[int, Leg | None] = {}
    for edit in edits:
        want_o, want_d = normalize_name(edit.origin), normalize_name(edit.destination)
        hits = [
            (leg, n)
            for leg, origin, destination, n in numbered
            if want_o in origin and want_d in destination and (edit.occurrence in (None, n))
        ]
        if not hits:
            which = f" (occurrence {edit.occurrence})" if edit.occurrence else ""
            raise ConfigurationError(
                f"{source}, line {edit.line}: no leg from {_shown(edit.origin)} to "
                f"{_shown(edit.destination)}{which} in this story"
            )
        for leg, _ in hits:
            current = changed.get(id(leg), leg)
            if edit.drop or current is None:
                changed[id(leg)] = None
            elif edit.mode is not None:
                changed[id(leg)] = replace(current, mode=edit.mode, mode_inferred=False)
    legs = tuple(kept for leg in story.legs if (kept := changed.get(id(leg), leg)) is not None)
    return replace(story, legs=legs)
