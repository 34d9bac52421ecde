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

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .errors import ConfigurationError
from .model import MODES, Leg, Mode, Place, Story
from .overrides import normalize_name
from .user_files import Table, as_boolean, column, csv_rows, is_yaml, read_text, unquote_formula, yaml_errors

__all__ = ["COLUMNS", "LegEdit", "apply_leg_edits", "load_leg_edits"]

COLUMNS = ("origin", "destination", "occurrence", "drop", "mode")
INFO_COLUMNS = ("status", "evidence")  # written for the reader, ignored on reading
_ALIASES = {"from": "origin", "to": "destination", "exclude": "drop", "n": "occurrence"}
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
    text = read_text(path, _TABLE, max_bytes=MAX_BYTES)
    if is_yaml(path, text, _TABLE):
        rows = _yaml_rows(text, path)
    else:
        rows = csv_rows(text, path, _TABLE, check_header=_check_header, cell=unquote_formula)
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


def _check_header(header: list[str], where: str) -> None:
    missing = [c for c in ("origin", "destination") if c not in header]
    if missing:
        raise ConfigurationError(
            f"{where}: the header needs {' and '.join(missing)} (expected {','.join(COLUMNS)})"
        )
    if len(set(header)) != len(header):
        raise ConfigurationError(f"{where}: a column is named twice")


def _yaml_rows(text: str, path: Path) -> list[tuple[int, dict[str, Any]]]:
    import yaml

    with yaml_errors(path, _TABLE):
        root = yaml.compose(text, Loader=yaml.SafeLoader)
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
            name = column(str(key_node.value), _TABLE, _TABLE.at(path, at))
            if name in INFO_COLUMNS:
                continue
            if name in fields:
                raise ConfigurationError(f"legs file {path}, line {at}: {name} given twice")
            try:
                fields[name] = yaml.SafeLoader("").construct_object(value_node)  # a scalar: no aliases
            except (yaml.YAMLError, ValueError) as err:
                raise ConfigurationError(f"legs file {path}, line {at}: a value YAML cannot read") from err
        rows.append((line, fields))
    return rows


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


_TABLE = Table("legs file", COLUMNS, INFO_COLUMNS, _ALIASES, key="origin", shown=_shown)


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
    answer = as_boolean(value)
    if answer is not None:
        return answer
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
