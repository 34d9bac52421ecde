"""Many articles at once: a story map per article for a folder or a JSONL file, on several
processes or an existing Dask cluster, resumable, one bad article never stopping the rest.

    run_batch(source, outdir, *, jobs=1, scheduler=None, ...) -> BatchSummary
    geoparse_many(documents, *, jobs=1, ...) -> Iterator[Geoparse]

`source` is a folder of articles (``.txt``, ``.md``, ``.html``; a ``story.json`` sidecar beside
``story.txt`` is the article's metadata, not an article) or a JSONL file with one
``{"doc_id", "text", "date"?, "title"?}`` object a line. For each article OUTDIR gets ``<id>.html``
(the story map) and ``<id>.geojson``, named from the file stem or ``doc_id`` made safe for any file
system, and ``index.html`` links them all with their counts and lists the articles that failed.

Resuming: every output is written atomically (a temporary file beside it, renamed over it), so a
killed run leaves no half-written file, only perhaps a stale hidden ``.NAME.*.tmp`` file that is
ignored. An article is *complete*, and skipped by the next run, when both its outputs exist, the
HTML ends with ``</html>`` and the GeoJSON parses as a FeatureCollection; anything else is redone.
An article that failed (empty, binary, no places ...) has no outputs, so the next run retries it.

Parallelism: ``jobs=N`` runs N worker processes, each loading the spaCy pipeline and the gazetteer
once. ``scheduler="tcp://host:8786"`` sends the same per-article task to an existing Dask
distributed cluster, ``scheduler="local"`` starts a local one with ``jobs`` (at least 2) single-
threaded worker processes. Dask workers need geostory installed, the input readable and OUTDIR
writable at the same paths: a shared file system is assumed, and workers write the maps themselves.

>>> summary = run_batch("articles/", "maps/", jobs=2)        # doctest: +SKIP
>>> summary.ok, summary.failed, summary.skipped               # doctest: +SKIP
(41, 1, 0)
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .errors import ConfigurationError, GeostoryError, InputError, OutputError

if TYPE_CHECKING:
    from .gazetteer import Gazetteer
    from .pipeline import Geoparse

__all__ = ["BatchResult", "BatchSummary", "run_batch", "geoparse_many", "ARTICLE_SUFFIXES"]

ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm"})
INDEX_NAME = "index.html"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}
_MAX_STEM = 100


@dataclass(frozen=True)
class BatchResult:
    """What happened to one article: its outputs and counts, or the one-line reason it failed."""

    article: str  # the article's id: the file stem or the JSONL doc_id
    html: Path | None
    geojson: Path | None
    places: int = 0
    legs: int = 0
    error: str | None = None
    skipped: bool = False  # complete outputs from an earlier run were kept
    title: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class BatchSummary:
    """Every article's result, in input order, and the index page linking them."""

    results: tuple[BatchResult, ...]
    index: Path

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def ok(self) -> int:
        """Articles with a story map, made now or kept from an earlier run."""
        return sum(1 for r in self.results if r.error is None)

    @property
    def built(self) -> int:
        return sum(1 for r in self.results if r.error is None and not r.skipped)

    @property
    def skipped(self) -> int:
        return sum(1 for r in self.results if r.skipped)

    @property
    def failed(self) -> int:
        return sum(1 for r in self.results if r.error is not None)

    @property
    def errors(self) -> tuple[BatchResult, ...]:
        return tuple(r for r in self.results if r.error is not None)

    def __str__(self) -> str:
        return (
            f"{self.total} articles: {self.built} mapped, {self.skipped} already done, "
            f"{self.failed} failed; index: {self.index}"
        )


# --------------------------------------------------------------------------------------------
# Tasks: one per article, small and picklable (sent to worker processes and Dask workers)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Task:
    article: str
    html: Path
    geojson: Path
    path: str | None = None  # read from a file (folder input) ...
    text: str | None = None  # ... or given inline (JSONL input)
    title: str | None = None
    date: dt.date | None = None
    error: str | None = None  # the input record itself was bad
    model: str | None = None
    places_file: str | None = None


def _safe_stems(ids: Sequence[str]) -> list[str]:
    """File stems for `ids`: safe characters only, unique even on case-insensitive file systems,
    never `index`; the same ids in the same order always give the same stems."""
    taken = {"index"}
    stems = []
    for article_id in ids:
        stem = _UNSAFE.sub("_", article_id).strip("._-")[:_MAX_STEM] or "article"
        if stem.upper() in _WINDOWS_RESERVED:
            stem = f"_{stem}"
        candidate, n = stem, 1
        while candidate.lower() in taken:
            n += 1
            candidate = f"{stem}-{n}"
        taken.add(candidate.lower())
        stems.append(candidate)
    return stems


def _folder_records(folder: Path) -> list[dict[str, Any]]:
    files = sorted(
        p
        for p in folder.iterdir()
        if p.suffix.lower() in ARTICLE_SUFFIXES and not p.name.startswith(".") and p.is_file()
    )
    return [{"article": p.stem, "path": str(p)} for p in files]


def _jsonl_records(source: Path) -> list[dict[str, Any]]:
    from .bulk import open_jsonl, read_records

    records = []
    with open_jsonl(source) as handle:
        for record in read_records(handle, source.name):
            if record.problem is not None:
                records.append({"article": record.doc_id, "error": record.problem})
                continue
            entry: dict[str, Any] = {"article": record.doc_id, "text": record.fields["text"]}
            if isinstance(record.fields.get("title"), str):
                entry["title"] = record.fields["title"]
            if record.fields.get("date"):
                try:
                    entry["date"] = dt.date.fromisoformat(str(record.fields["date"])[:10])
                except ValueError:
                    entry["error"] = (
                        f"{source.name}:{record.number}: date {record.fields['date']!r} is not YYYY-MM-DD"
                    )
            records.append(entry)
    return records


def _tasks(source: Path, outdir: Path, model: str | None, places_file: str | None) -> list[_Task]:
    if source.is_dir():
        if source.resolve() == outdir.resolve():
            raise ConfigurationError(f"write the maps to another folder than the articles ({source})")
        records = _folder_records(source)
    elif source.is_file():
        records = _jsonl_records(source)
    else:
        raise InputError(f"cannot read {source}: no such file or folder")
    stems = _safe_stems([r["article"] for r in records])
    return [
        _Task(
            html=outdir / f"{stem}.html",
            geojson=outdir / f"{stem}.geojson",
            model=model,
            places_file=places_file,
            **record,
        )
        for record, stem in zip(records, stems, strict=True)
    ]


# --------------------------------------------------------------------------------------------
# The per-article task, run in this process, a worker process or a Dask worker
# --------------------------------------------------------------------------------------------

_worker_lock = threading.RLock()
_worker_state: dict[str, Any] = {}


def _worker_gazetteer() -> Gazetteer:
    """This process's gazetteer, opened on first use. Keyed by process id so that a forked
    worker opens its own SQLite connection instead of sharing its parent's."""
    with _worker_lock:
        if _worker_state.get("pid") != os.getpid():
            from .gazetteer import Gazetteer

            _worker_state.clear()
            _worker_state.update(pid=os.getpid(), gazetteer=Gazetteer())
        return _worker_state["gazetteer"]


def exit_with_parent(poll_seconds: float = 1.0, parent: int | None = None) -> None:
    """Make this worker process exit when its parent dies (kill -9 leaves pool workers blocked on
    a queue that no one will ever write to, each holding a spaCy pipeline).

    `parent` is the pid the parent passed down (its `os.getpid()`): a worker that starts after its
    parent was killed has been handed to init already, and `os.getppid()` would name init."""
    parent = os.getppid() if parent is None else parent

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll_seconds)
        os._exit(1)  # the parent is gone: nothing is left to report to

    threading.Thread(target=watch, name="geostory-parent-watch", daemon=True).start()


def _init_worker(model: str | None, with_parser: bool, parent: int) -> None:
    """Process-pool initializer: exit with the parent (its pid); load the spaCy pipeline and open
    the gazetteer once."""
    from .language import DEFAULT_MODEL, load_pipeline

    exit_with_parent(parent=parent)
    try:
        load_pipeline(model or DEFAULT_MODEL, with_parser=with_parser)
        _worker_gazetteer().candidates("London")
    except GeostoryError:
        pass  # reported per article, where the error has an article to belong to


def _complete(task: _Task) -> BatchResult | None:
    """The result of an earlier run when both outputs are there and whole, else None."""
    try:
        if not task.html.is_file() or task.html.stat().st_size < 16:
            return None
        with task.html.open("rb") as handle:
            handle.seek(-64, os.SEEK_END)
            if b"</html>" not in handle.read().lower():
                return None
        data = json.loads(task.geojson.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        return None
    kinds = [
        f.get("properties", {}).get("feature_type") for f in data.get("features", []) if isinstance(f, dict)
    ]
    title = (data.get("geostory") or {}).get("title") if isinstance(data.get("geostory"), dict) else None
    return BatchResult(
        task.article,
        task.html,
        task.geojson,
        places=kinds.count("place"),
        legs=kinds.count("leg"),
        skipped=True,
        title=title,
    )


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split()) or "no details"
    return text if isinstance(err, GeostoryError) else f"{type(err).__name__}: {text}"


def _run_task(task: _Task) -> BatchResult:
    """Build, render and write one article's story map; never raises for a bad article."""
    if task.error:
        return BatchResult(task.article, None, None, error=task.error)
    done = _complete(task)
    if done is not None:
        return done
    try:
        with _worker_lock:  # a multi-threaded Dask worker shares one spaCy pipeline
            return _build(task)
    except Exception as err:  # one article must not stop the batch; the summary reports it
        return BatchResult(task.article, None, None, error=_one_line(err), title=task.title)


def _build(task: _Task) -> BatchResult:
    from .export import write_geojson
    from .language import DEFAULT_MODEL
    from .model import Article
    from .pipeline import build_story
    from .read import read_article
    from .render import write_html

    if task.path is not None:
        article = read_article(task.path)
    else:
        article = Article(text=task.text or "", title=task.title, date=task.date, source=task.article)
    story = build_story(
        article,
        model=task.model or DEFAULT_MODEL,
        gazetteer=_worker_gazetteer(),
        places_file=task.places_file,
    )
    if not story.places:
        raise InputError("no places found: nothing to map")
    write_html(story, task.html)
    write_geojson(story, task.geojson)  # written last: its presence marks the article complete
    return BatchResult(
        task.article,
        task.html,
        task.geojson,
        places=len(story.places),
        legs=len(story.legs),
        title=story.article.title,
    )


# --------------------------------------------------------------------------------------------
# Executors: in process, a process pool, a Dask cluster
# --------------------------------------------------------------------------------------------


def _bar(total: int, progress: bool | None) -> Any:
    from .bulk import progress_bar

    return progress_bar(total=total, unit="article", enabled=progress)


def _run_serial(tasks: list[_Task], tick: Callable[[], None]) -> list[BatchResult]:
    results = []
    for task in tasks:
        results.append(_run_task(task))
        tick()
    return results


def _run_pool(
    tasks: list[_Task], jobs: int, model: str | None, tick: Callable[[], None]
) -> list[BatchResult]:
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    results: list[BatchResult | None] = [None] * len(tasks)
    todo = []
    for index, task in enumerate(tasks):  # finished articles and bad records need no worker
        done = BatchResult(task.article, None, None, error=task.error) if task.error else _complete(task)
        if done is not None:
            results[index] = done
            tick()
        else:
            todo.append(index)
    if todo:
        with ProcessPoolExecutor(
            max_workers=min(jobs, len(todo)), initializer=_init_worker, initargs=(model, True, os.getpid())
        ) as pool:
            futures = {pool.submit(_run_task, tasks[i]): i for i in todo}
            for future in as_completed(futures):
                index = futures[future]
                try:
                    results[index] = future.result()
                except BrokenProcessPool as err:  # a worker died (killed, out of memory)
                    results[index] = BatchResult(
                        tasks[index].article, None, None, error=f"worker process died: {err}"
                    )
                tick()
    return [r for r in results if r is not None]


def _run_dask(tasks: list[_Task], scheduler: str, jobs: int, tick: Callable[[], None]) -> list[BatchResult]:
    try:
        import distributed
    except ImportError as err:
        raise ConfigurationError(
            "running on a Dask cluster needs dask.distributed: pip install 'geostory[dask]'"
        ) from err

    cluster = None
    try:
        if scheduler == "local":
            cluster = distributed.LocalCluster(
                n_workers=max(jobs, 2), threads_per_worker=1, processes=True, dashboard_address=None
            )
            client = distributed.Client(cluster)
        else:
            client = distributed.Client(scheduler, timeout="30s")
    except (OSError, TimeoutError, ValueError) as err:
        if cluster is not None:
            cluster.close()
        raise ConfigurationError(
            f"cannot connect to the Dask scheduler {scheduler!r}: {_one_line(err)}"
        ) from err
    try:
        futures = client.map(_run_task, tasks, pure=False)
        position = {future.key: index for index, future in enumerate(futures)}
        results: list[BatchResult | None] = [None] * len(tasks)
        for future in distributed.as_completed(futures):
            index = position[future.key]
            try:
                results[index] = future.result()
            except Exception as err:  # a worker lost or the task could not be sent
                results[index] = BatchResult(
                    tasks[index].article, None, None, error=f"dask task failed: {_one_line(err)}"
                )
            tick()
        return [r for r in results if r is not None]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# --------------------------------------------------------------------------------------------
# The index page
# --------------------------------------------------------------------------------------------


_PALETTE = ("#c8102e", "#0b84c6", "#1a7f5a", "#d98a00", "#6a3d9a", "#8a5a2b", "#00897b", "#3b3bb3")
_INDEX_CSS = (
    "body{font:15px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:72em;padding:0 1em;color:#1f2a33;"
    "overflow-wrap:anywhere}"
    "h1{font-family:Georgia,serif;margin:.2em 0}"
    ".overview{width:100%;height:auto;max-height:60vh;background:#dfe9f0;border:1px solid #c9d0d6;"
    "border-radius:6px}"
    "svg{overflow:hidden}.mini{width:120px;height:80px;background:#dfe9f0;border-radius:4px;display:block}"
    "table{border-collapse:collapse;width:100%;margin-top:1em}"
    "td,th{border-bottom:1px solid #ddd;padding:.4em .5em;text-align:left;vertical-align:top}"
    "td{overflow-wrap:anywhere;unicode-bidi:isolate}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}tr.error td{color:#a11}"
    ".num{display:inline-block;min-width:1.6em;border-radius:999px;color:#fff;text-align:center;"
    "font-weight:700;font-size:.8em;margin-right:.3em}"
    ".places{font-size:.85em;color:#55606a}"
    "a{color:#0b5c8c}td a{display:inline-block;min-height:24px}"
    "@media (max-width:640px){thead{display:none}table,tbody,tr,td{display:block;width:auto}"
    "tr{border-bottom:1px solid #c9d0d6;padding:.5em 0}td{border:0;padding:.15em 0}"
    "td.n{text-align:left}td[data-label]::before{content:attr(data-label) ': ';color:#55606a}"
    "td a{min-height:44px;display:inline-flex;align-items:center}}"
)


def _finite(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if number == number and abs(number) != float("inf") else None


def _story_summary(path: Path | None) -> dict[str, Any]:
    """What the index shows of one story, read back from its GeoJSON (its legs as lines, its place
    names, its date). Anything unreadable gives an empty summary, never an error."""
    from .export import clean_text

    empty: dict[str, Any] = {"lines": [], "points": [], "places": [], "date": "", "title": ""}
    if path is None:
        return empty
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return empty
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        return empty

    def position(p: Any) -> tuple[float, float] | None:
        if not isinstance(p, list) or len(p) < 2:
            return None
        lon, lat = _finite(p[0]), _finite(p[1])
        if lon is None or lat is None or not (-180 <= lon <= 180 and -90 <= lat <= 90):
            return None
        return lon, lat

    lines: list[list[tuple[float, float]]] = []
    points: list[tuple[float, float]] = []
    places: list[str] = []
    for feature in data["features"][:10_000]:
        if not isinstance(feature, dict):
            continue
        geometry = feature.get("geometry") or {}
        props = feature.get("properties") or {}
        if not isinstance(geometry, dict) or not isinstance(props, dict):
            continue
        kind, coords = geometry.get("type"), geometry.get("coordinates")
        parts = [coords] if kind == "LineString" else coords if kind == "MultiLineString" else []
        for part in parts if isinstance(parts, list) else []:
            line = [q for q in map(position, part if isinstance(part, list) else []) if q]
            if len(line) >= 2:
                lines.append(line[:5_000])
        if kind == "Point" and props.get("feature_type", "place") == "place":
            name = props.get("name")
            if isinstance(name, str) and name.strip():
                places.append(" ".join(clean_text(name).split())[:120])
            at = position(coords)
            if at and props.get("place_type") not in ("country", "continent", "region", "water"):
                points.append(at)
    found = data.get("geostory")
    meta: dict[str, Any] = found if isinstance(found, dict) else {}
    date, title = meta.get("date"), meta.get("title")
    return {
        "lines": lines,
        "points": points,
        "places": places,
        "date": clean_text(date[:10]) if isinstance(date, str) else "",
        "title": clean_text(title) if isinstance(title, str) else "",
    }


def _view(
    lines: list[list[tuple[float, float]]], points: list[tuple[float, float]], *, min_span: float
) -> str:
    """An SVG viewBox (x = lon, y = -lat) around the lines and points, padded, never tinier than
    `min_span` degrees; the whole world when there is nothing."""
    xs = [p[0] for line in lines for p in line] + [p[0] for p in points]
    ys = [p[1] for line in lines for p in line] + [p[1] for p in points]
    if not xs:
        return "-180 -85 360 170"
    lo_x, hi_x, lo_y, hi_y = min(xs), max(xs), min(ys), max(ys)
    w = max(hi_x - lo_x, min_span) * 1.25
    h = max(hi_y - lo_y, min_span / 1.5, w / 2.2) * 1.25
    w = max(w, h * 1.5)
    cx, cy = (lo_x + hi_x) / 2, (lo_y + hi_y) / 2
    return f"{cx - w / 2:.2f} {-cy - h / 2:.2f} {w:.2f} {h:.2f}"


def _svg_line(line: list[tuple[float, float]]) -> str:
    return " ".join(f"{lon:.2f},{-lat:.2f}" for lon, lat in line)


def _basemap_svg() -> str:
    """Country outlines as one SVG group, defined once and shown by every map on the page."""
    from .render import country_basemap

    paths = []
    for geometry in country_basemap(0.5):
        polygons = (
            geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        )
        for polygon in polygons:
            rings = " ".join("M" + " ".join(f"{x},{-y}" for x, y in ring) + "Z" for ring in polygon)
            paths.append(rings)
    return (
        '<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>'
        '<g id="gs-world"><path fill="#f4f2ec" stroke="#aab4bd" stroke-width=".6" '
        f'vector-effect="non-scaling-stroke" d="{" ".join(paths)}"/></g></defs></svg>'
    )


def _map_svg(stories: list[tuple[int, str, dict[str, Any]]], *, css: str, min_span: float, label: str) -> str:
    lines = [line for _, _, s in stories for line in s["lines"]]
    points = [p for _, _, s in stories for p in s["points"]]
    body = []
    for number, title, story in stories:
        colour = _PALETTE[(number - 1) % len(_PALETTE)]
        tip = f"<title>{number}. {html.escape(title)}</title>"
        shapes = "".join(
            f'<polyline points="{_svg_line(line)}" fill="none" stroke="{colour}" stroke-width="2.5" '
            'stroke-linecap="round" stroke-linejoin="round" vector-effect="non-scaling-stroke"/>'
            for line in story["lines"]
        )
        if not story["lines"]:  # no journey: its places, as dots
            shapes = "".join(
                f'<circle cx="{lon:.2f}" cy="{-lat:.2f}" r="4" fill="{colour}" stroke="#fff" '
                'vector-effect="non-scaling-stroke" style="r:4px"/>'
                for lon, lat in story["points"][:50]
            )
        body.append(f'<g class="story" data-story="{number}">{tip}{shapes}</g>')
    return (
        f'<svg class="{css}" viewBox="{_view(lines, points, min_span=min_span)}" role="img" '
        f'aria-label="{html.escape(label, quote=True)}" preserveAspectRatio="xMidYMid meet">'
        '<use href="#gs-world"/>' + "".join(body) + "</svg>"
    )


def _index_html(results: Sequence[BatchResult], outdir: Path) -> str:
    """The batch's overview page: every story's legs on one small map, and a table (title, date,
    places, legs, a mini-map and links) that stacks into cards on a phone. Built from the stories'
    data with `html.escape` only: no template engine ever sees a title or a place name."""
    from .export import clean_text

    def link(path: Path | None, label: str) -> str:
        if path is None:
            return ""
        return f'<a href="{html.escape(quote(path.name), quote=True)}">{html.escape(label)}</a>'

    rows = []
    mapped: list[tuple[int, str, dict[str, Any]]] = []
    for number, r in enumerate(results, start=1):
        summary = _story_summary(r.geojson) if r.ok else _story_summary(None)
        title = " ".join(clean_text(r.title or summary["title"] or r.article).split())
        if r.ok:
            mapped.append((number, title, summary))
        colour = _PALETTE[(number - 1) % len(_PALETTE)]
        status = html.escape(clean_text(r.error)) if r.error else ("kept" if r.skipped else "mapped")
        names = summary["places"]
        shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
        mini = (
            _map_svg([(number, title, summary)], css="mini", min_span=4, label=f"Map of {title}")
            if r.ok
            else ""
        )
        heading = link(r.html, title) or html.escape(title)
        rows.append(
            f'<tr class="{"error" if r.error else "ok"}">'
            f'<td><span class="num" style="background:{colour}">{number}</span></td>'
            f"<td>{heading}" + (f'<div class="places">{html.escape(shown)}</div>' if shown else "") + "</td>"
            f'<td data-label="Date">{html.escape(summary["date"])}</td>'
            f'<td class="n" data-label="Places">{r.places if r.ok else ""}</td>'
            f'<td class="n" data-label="Legs">{r.legs if r.ok else ""}</td>'
            f"<td>{mini}</td>"
            f'<td data-label="Data">{link(r.geojson, "GeoJSON")}</td>'
            f'<td data-label="Status">{status}</td></tr>'
        )
    failed = [r for r in results if r.error]
    ok = len(results) - len(failed)
    errors = "".join(
        f"<li><b>{html.escape(clean_text(r.article))}</b>: {html.escape(clean_text(r.error))}</li>"
        for r in failed
    )
    overview = (
        _map_svg(mapped, css="overview", min_span=20, label="Every story's journeys on one map")
        if mapped
        else ""
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Story maps</title><style>{_INDEX_CSS}</style></head><body>\n"
        + (_basemap_svg() if mapped else "")
        + f"<h1>Story maps</h1>\n<p>{ok} of {len(results)} articles mapped, {len(failed)} failed.</p>\n"
        + overview
        + "<table><thead><tr><th>#</th><th>Story</th><th>Date</th><th>Places</th><th>Legs</th>"
        "<th>Map</th><th>Data</th><th>Status</th></tr></thead><tbody>\n"
        + "\n".join(rows)
        + "\n</tbody></table>\n"
        + (f"<h2>Failed</h2>\n<ul>{errors}</ul>\n" if failed else "")
        + "<p><small>Data: GeoNames (CC BY 4.0), airportsdata, countryinfo; map tiles &copy; OpenStreetMap "
        "contributors.</small></p>\n</body></html>\n"
    )


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def run_batch(
    source: str | os.PathLike,
    outdir: str | os.PathLike,
    *,
    jobs: int = 1,
    scheduler: str | None = None,
    model: str | None = None,
    places_file: str | os.PathLike | None = None,
    progress: bool | None = None,
) -> BatchSummary:
    """Make a story map (HTML + GeoJSON) for every article in `source` and an index page.

    `jobs` worker processes (1: this process) or a Dask `scheduler` (``"tcp://host:8786"`` or
    ``"local"``) do the work; `progress` shows a bar on stderr (None: only on a terminal).
    Articles already complete in `outdir` are skipped; a failing article is reported in the
    summary, never raised. Raises `InputError` for an unreadable `source`, `OutputError` for an
    unwritable `outdir`, `ConfigurationError` for bad options or a missing Dask.

    >>> summary = run_batch("tests/articles", "/tmp/maps", jobs=2)  # doctest: +SKIP
    >>> print(summary)                                              # doctest: +SKIP
    17 articles: 17 mapped, 0 already done, 0 failed; index: /tmp/maps/index.html
    """
    from .atomic import write_text

    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        raise ConfigurationError(f"jobs must be a whole number >= 1, not {jobs!r}")
    source, outdir = Path(source), Path(outdir)
    places = os.fspath(places_file) if places_file is not None else None
    if places is not None:
        from .overrides import load_overrides

        load_overrides(places)  # a bad overrides file is one error now, not one per article
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"cannot create {outdir}: {err.strerror or err}") from err
    if not os.access(outdir, os.W_OK):
        raise OutputError(f"cannot write to {outdir}: permission denied")
    tasks = _tasks(source, outdir, model, places)

    bar = _bar(len(tasks), progress)
    tick = bar.update if bar is not None else (lambda: None)
    try:
        if scheduler is not None:
            results = _run_dask(tasks, scheduler, jobs, tick)
        elif jobs > 1 and len(tasks) > 1:
            results = _run_pool(tasks, jobs, model, tick)
        else:
            results = _run_serial(tasks, tick)
    finally:
        if bar is not None:
            bar.close()
    index = write_text(outdir / INDEX_NAME, _index_html(results, outdir))
    return BatchSummary(tuple(results), index)


# --------------------------------------------------------------------------------------------
# Geoparsing (`geostory geoparse`) on several processes
# --------------------------------------------------------------------------------------------


def _geoparse_chunk(
    chunk: list[tuple[str, str]], model: str | None, places_file: str | None
) -> list[Geoparse]:
    from .language import DEFAULT_MODEL
    from .pipeline import geoparse

    return list(
        geoparse(chunk, model=model or DEFAULT_MODEL, gazetteer=_worker_gazetteer(), places_file=places_file)
    )


def geoparse_many(
    documents: Iterable[tuple[str, str]],
    *,
    jobs: int = 1,
    model: str | None = None,
    places_file: str | os.PathLike | None = None,
    geocoder: Any = None,
    chunk_size: int = 16,
) -> Iterator[Geoparse]:
    """`pipeline.geoparse` on `jobs` processes: results in input order, lazily.

    Documents go to a process pool in chunks of `chunk_size`; each worker loads the spaCy pipeline
    (without the parser) and the gazetteer once and geoparses its chunk with `nlp.pipe`. This beats
    spaCy's own ``n_process`` (see bench/RESULTS-speed.md) because resolution runs in the workers
    too, instead of serially in the parent. An online `geocoder` needs ``jobs=1``: its rate limit
    cannot be shared between processes.
    """
    from .language import DEFAULT_MODEL
    from .pipeline import geoparse

    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        raise ConfigurationError(f"jobs must be a whole number >= 1, not {jobs!r}")
    if jobs == 1:
        yield from geoparse(
            documents, model=model or DEFAULT_MODEL, geocoder=geocoder, places_file=places_file
        )
        return
    if geocoder is not None:
        raise ConfigurationError("an online geocoder needs a single process: drop --jobs or --geocoder")
    from concurrent.futures import ProcessPoolExecutor

    places = os.fspath(places_file) if places_file is not None else None
    if places is not None:
        from .overrides import load_overrides

        load_overrides(places)  # fail here, once, on a bad file
    pending = iter(documents)
    chunks = iter(lambda: list(itertools.islice(pending, chunk_size)), [])
    with ProcessPoolExecutor(
        max_workers=jobs, initializer=_init_worker, initargs=(model, False, os.getpid())
    ) as pool:
        window: list = []
        for chunk in chunks:  # keep a bounded number of chunks in flight, in order
            window.append(pool.submit(_geoparse_chunk, chunk, model, places))
            if len(window) >= 2 * jobs:
                yield from window.pop(0).result()
        for future in window:
            yield from future.result()
