"""Reading the files a user edits and hands back: places (`overrides`) and legs (`leg_edits`).

Both are CSV or YAML, chosen by suffix or sniffed, read with the same care: a size cap, regular
files only, UTF-8, and every mistake one `ConfigurationError` line naming the file and the line.
Each caller keeps what its rows mean; this module only turns a file into rows.

    LEGS = Table("legs file", ("origin", "destination", "mode"), key="origin")
    text = read_text(path, LEGS, max_bytes=MAX_BYTES)
    if is_yaml(path, text, LEGS):
        with yaml_errors(path, LEGS):
            root = yaml.compose(text, Loader=yaml.SafeLoader)
    else:
        rows = csv_rows(text, path, LEGS, check_header=...)
"""

from __future__ import annotations

import csv
import io
import stat
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigurationError

__all__ = [
    "Table",
    "as_boolean",
    "column",
    "csv_rows",
    "is_yaml",
    "read_text",
    "unquote_formula",
    "yaml_errors",
]

YAML_SUFFIXES = {".yaml", ".yml", ".json"}
TRUE = {"true", "yes", "y", "1", "x", "t", "on"}
FALSE = {"", "false", "no", "n", "0", "f", "off"}
FORMULA = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet would run; a safe writer defuses it

Rows = list[tuple[int, dict[str, Any]]]  # (line, {column: value}) in file order


@dataclass(frozen=True)
class Table:
    """One kind of user file: what messages call it and which columns it has."""

    label: str  # "legs file", "overrides file"
    columns: tuple[str, ...]
    info_columns: tuple[str, ...] = ()  # written for the reader, ignored on reading
    aliases: Mapping[str, str] = field(default_factory=dict)  # other spellings of a column
    key: str = ""  # a column every CSV header has: how a file without a telling suffix is sniffed
    shown: Callable[[Any], str] = repr  # a value as an error message quotes it, cut short

    def at(self, path: Path, line: int) -> str:
        """The start of a message about one line of the file."""
        return f"{self.label} {path}, line {line}"


def read_text(path: Path, table: Table, *, max_bytes: int) -> str:
    """The file's text with newlines as "\\n", refused when it is not a regular file or larger
    than `max_bytes` (a FIFO without a writer would block for ever)."""
    try:
        info = path.stat()
    except FileNotFoundError as err:
        raise ConfigurationError(f"{table.label} not found: {path}") from err
    except (OSError, ValueError) as err:  # a name too long, a NUL byte
        raise ConfigurationError(
            f"cannot read {table.label} {path}: {getattr(err, 'strerror', None) or err}"
        ) from err
    if stat.S_ISDIR(info.st_mode):
        raise ConfigurationError(f"{table.label} {path} is a directory")
    if not stat.S_ISREG(info.st_mode):
        raise ConfigurationError(f"{table.label} {path} is not a regular file (a FIFO or device)")
    if info.st_size > max_bytes:
        raise ConfigurationError(f"{table.label} {path} is larger than {max_bytes} bytes")
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ConfigurationError(f"cannot read {table.label} {path}: {err.strerror or err}") from err
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ConfigurationError(f"{table.at(path, line)}: not UTF-8 text") from err
    return text.replace("\r\n", "\n").replace("\r", "\n")


def is_yaml(path: Path, text: str, table: Table) -> bool:
    """YAML by suffix; without a telling suffix, CSV when the first line is a header naming the key."""
    suffix = path.suffix.lower()
    if suffix in YAML_SUFFIXES:
        return True
    if suffix == ".csv":
        return False
    first = next((line for line in text.split("\n") if line.strip() and not line.startswith("#")), "")
    return not ("," in first and table.key in first.casefold())


def column(cell: str, table: Table, where: str) -> str:
    """A header cell or YAML key as the column it names (aliases allowed), or an error."""
    name = cell.strip().casefold().replace(" ", "_")
    name = table.aliases.get(name, name)
    if name not in table.columns and name not in table.info_columns:
        raise ConfigurationError(
            f"{where}: unknown column {table.shown(cell.strip())} (expected {', '.join(table.columns)})"
        )
    return name


def csv_rows(
    text: str,
    path: Path,
    table: Table,
    *,
    check_header: Callable[[list[str], str], None],
    cell: Callable[[str], str] = str,
) -> Rows:
    """The CSV's rows as {column: cell}, skipping blank and # lines and the info columns; a short
    row leaves its last columns empty. `check_header(header, where)` raises for a header the
    caller cannot use; `cell` rewrites each value read."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    rows: Rows = []
    line = 1
    try:
        for record in reader:
            start, line = line, reader.line_num + 1
            if not record or all(not c.strip() for c in record) or record[0].lstrip().startswith("#"):
                continue
            where = table.at(path, start)
            if header is None:
                header = [column(c, table, where) for c in record]
                check_header(header, where)
                continue
            if len(record) > len(header):
                raise ConfigurationError(f"{where}: {len(record)} fields but the header has {len(header)}")
            fields = {
                name: cell(value)
                for name, value in zip(header, record, strict=False)
                if name not in table.info_columns
            }
            rows.append((start, fields))
    except csv.Error as err:
        raise ConfigurationError(f"{table.at(path, reader.line_num)}: {' '.join(str(err).split())}") from err
    if header is None:
        raise ConfigurationError(
            f"{table.at(path, 1)}: no header; the first line must be {','.join(table.columns)}"
        )
    return rows


def unquote_formula(cell: str) -> str:
    """Undo the apostrophe a spreadsheet-safe writer puts before a cell starting with = + - @."""
    return cell[1:] if cell.startswith("'") and cell[1:2] in FORMULA and cell[1:2] else cell


@contextmanager
def yaml_errors(path: Path, table: Table) -> Iterator[None]:
    """PyYAML's errors inside the block as one-line `ConfigurationError`s naming file and line."""
    import yaml

    try:
        yield
    except RecursionError as err:
        raise ConfigurationError(f"{table.label} {path}: YAML nested too deeply") from err
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(err, "problem", None) or str(err)
        raise ConfigurationError(
            f"{table.at(path, line)}: invalid YAML: {' '.join(str(problem).split())}"
        ) from err


def as_boolean(value: Any) -> bool | None:
    """A cell or YAML value read as true or false (yes/no, 1/0, x, empty ...); None when it is neither."""
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().casefold()
        if word in TRUE:
            return True
        if word in FALSE:
            return False
    return None
