"""Many documents at once: JSONL input and a progress bar, shared by `geoparse` and `batch`.

A JSONL file holds one JSON object a line. Each line is judged on its own: a line that is not
UTF-8, not JSON, not an object with a text, or that carries a lone surrogate escape (``\\ud800``)
is reported with its line number and skipped; the good lines are still read.

>>> import io
>>> lines = io.BytesIO(b'{"doc_id": "a", "text": "Paris."}\\nnot json\\n\\n'
...                    b'{"doc_id": "b", "text": "Kyiv."}\\n')
>>> [(r.number, r.doc_id, r.problem) for r in read_records(lines, "in.jsonl")]
[(1, 'a', None), (2, 'line-2', 'in.jsonl:2: not valid JSON'), (4, 'b', None)]
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar

from .errors import InputError

__all__ = ["JsonlRecord", "open_jsonl", "progress", "progress_bar", "read_records"]

T = TypeVar("T")


@dataclass(frozen=True)
class JsonlRecord:
    """One line of a JSONL file: its fields, or why it cannot be used."""

    number: int
    doc_id: str
    fields: dict[str, Any] = field(default_factory=dict)
    problem: str | None = None


def open_jsonl(source: str | Path) -> IO[bytes]:
    """The file (or stdin for ``-``) opened for reading bytes; a FIFO or device is refused."""
    from .read import check_input_file

    if str(source) == "-":
        return sys.stdin.buffer
    check_input_file(Path(source), str(source))
    try:
        return open(source, "rb")  # noqa: SIM115 - the caller closes it
    except OSError as err:
        raise InputError(f"cannot read {source}: {err.strerror or err}") from err


def read_records(lines: Iterable[bytes], name: str) -> Iterator[JsonlRecord]:
    """Every non-blank line as a `JsonlRecord`, a bad line with its `problem` set."""
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        yield _record(number, raw, f"{name}:{number}")


def _record(number: int, raw: bytes, where: str) -> JsonlRecord:
    fallback = f"line-{number}"
    try:
        record = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return JsonlRecord(number, fallback, problem=f"{where}: not UTF-8")
    except ValueError:
        return JsonlRecord(number, fallback, problem=f"{where}: not valid JSON")
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        doc_id = record.get("doc_id") if isinstance(record, dict) else None
        return JsonlRecord(
            number, _text(doc_id) or fallback, problem=f"{where}: expected a JSON object with doc_id and text"
        )
    doc_id = _text(record.get("doc_id")) or fallback
    bad = _lone_surrogate(doc_id + record["text"] + str(record.get("title") or ""))
    if bad is not None:
        return JsonlRecord(
            number,
            doc_id.encode("utf-8", "replace").decode("utf-8"),
            problem=f"{where}: a lone surrogate (U+{ord(bad):04X}) is not text",
        )
    return JsonlRecord(number, doc_id, record)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _lone_surrogate(text: str) -> str | None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        return text[err.start]
    return None


def progress_bar(*, total: int, unit: str, enabled: bool | None = None) -> Any:
    """A tqdm bar with rate and ETA on stderr (update it by hand), or None when not shown;
    by default it is shown only on a terminal."""
    if not (sys.stderr.isatty() if enabled is None else enabled):
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit=unit, file=sys.stderr, smoothing=0.1)


def progress(iterable: Iterable[T], *, total: int, unit: str, enabled: bool | None = None) -> Iterator[T]:
    """The items of `iterable`, counted on a `progress_bar`."""
    bar = progress_bar(total=total, unit=unit, enabled=enabled)
    try:
        for item in iterable:
            yield item
            if bar is not None:
                bar.update()
    finally:
        if bar is not None:
            bar.close()
