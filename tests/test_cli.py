"""The `geostory` command on bad input and interrupted writes: one line on stderr, a documented
exit code, never a traceback, and never a half-written or clobbered output.

Most cases run in-process through `geostory.cli.main` (the model loads once per session); a
representative subset runs `python -m geostory` in a child process, as a user would.
"""

from __future__ import annotations

import errno
import io
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from geostory.cli import main
from geostory.errors import EXIT_CODES

PLACES_TEXT = "The minister flew from Paris to Berlin on Monday.\n"
NO_PLACES_TEXT = "The committee met for an hour and agreed to talk again soon.\n"


# --------------------------------------------------------------------------------------------
# Helpers


def run_main(argv: list[str], capsys) -> tuple[int, str, str]:
    """`main(argv)` as the console script runs it: (exit code, stdout, stderr)."""
    try:
        code = main(argv)
    except SystemExit as stop:  # argparse errors exit from inside parse_args
        code = stop.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_error(code: int, err: str, error: str, *fragments: str) -> None:
    """`err` is one `geostory: error: ...` line with every fragment, and `code` is `error`'s."""
    assert code == EXIT_CODES[error], f"exit {code}, expected {EXIT_CODES[error]} ({error}): {err!r}"
    assert "Traceback" not in err
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}: {err!r}"
    assert lines[0].startswith("geostory: error: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"


def listing(folder: Path) -> dict[str, bytes | None]:
    """Every entry under `folder` with its bytes (None for folders): temp files show up here."""
    return {
        str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None)
        for p in sorted(folder.rglob("*"))
    }


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def make_rail(folder: Path, content: str) -> Path:
    return write(folder, "rail.geojson", content)


# --------------------------------------------------------------------------------------------
# Bad input: one line, a distinct documented code, nothing written


def test_exit_codes_are_distinct_and_nonzero():
    codes = list(EXIT_CODES.values())
    assert len(set(codes)) == len(codes)
    assert all(code > 0 for code in codes)
    assert 130 not in codes  # reserved for Ctrl-C


# Each case: files to create, argv (an article named "article.txt" unless said otherwise),
# the error class whose exit code is expected, and words the one line must contain.
BAD_INPUT = {
    "missing article": (
        {},
        ["build", "missing.txt", "-o", "map.html"],
        "InputError",
        ["not found", "missing.txt"],
    ),
    "article is a directory": (
        {"folder/": None},
        ["build", "folder", "-o", "map.html"],
        "InputError",
        ["directory"],
    ),
    "empty article": (
        {"article.txt": ""},
        ["build", "article.txt", "-o", "map.html"],
        "InputError",
        ["empty"],
    ),
    "whitespace-only article": (
        {"article.txt": " \n\t\r\n  \n"},
        ["build", "article.txt", "-o", "map.html"],
        "InputError",
        ["empty"],
    ),
    "PDF article": (
        {"article.txt": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"},
        ["build", "article.txt", "-o", "map.html"],
        "InputError",
        ["binary", "PDF"],
    ),
    "PNG article": (
        {"article.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"},
        ["build", "article.txt", "-o", "map.html"],
        "InputError",
        ["binary"],
    ),
    "binary noise": (
        {"article.txt": bytes(range(256)) * 4 + b"\x01"},
        ["build", "article.txt", "-o", "map.html"],
        "InputError",
        ["binary"],
    ),
    "text without places": (
        {"article.txt": NO_PLACES_TEXT},
        ["build", "article.txt", "-o", "map.html"],
        "InputError",
        ["no places", "article.txt"],
    ),
    "output folder missing": (
        {"article.txt": PLACES_TEXT},
        ["build", "article.txt", "-o", "nowhere/map.html"],
        "OutputError",
        ["nowhere", "does not exist"],
    ),
    "output is a directory": (
        {"article.txt": PLACES_TEXT, "folder/": None},
        ["build", "article.txt", "-o", "folder"],
        "OutputError",
        ["directory"],
    ),
    "geojson folder missing": (
        {"article.txt": PLACES_TEXT},
        ["build", "article.txt", "-o", "map.html", "--geojson", "nowhere/map.geojson"],
        "OutputError",
        ["nowhere"],
    ),
    "storymap output is a directory": (
        {"article.txt": PLACES_TEXT, "folder/": None},
        ["build", "article.txt", "-o", "map.html", "--storymap", "folder"],
        "OutputError",
        ["folder"],
    ),
    "output checked before a missing article": (
        {},
        ["build", "missing.txt", "-o", "nowhere/map.html"],
        "OutputError",
        ["nowhere"],
    ),
    "overrides CSV with an unclosed quote": (
        {
            "article.txt": PLACES_TEXT,
            "places.csv": 'name,latitude,longitude\nParis,48.85,2.35\n"Berlin,52.5,13.4\n',
        },
        ["build", "article.txt", "-o", "map.html", "--places", "places.csv"],
        "ConfigurationError",
        ["places.csv", "line 3"],
    ),
    "overrides CSV with a bad latitude": (
        {
            "article.txt": PLACES_TEXT,
            "places.csv": "name,latitude,longitude\nParis,48.85,2.35\nBerlin,north,13.4\n",
        },
        ["build", "article.txt", "-o", "map.html", "--places", "places.csv"],
        "ConfigurationError",
        ["places.csv", "line 3", "latitude"],
    ),
    "overrides CSV with NaN": (
        {"article.txt": PLACES_TEXT, "places.csv": "name,latitude,longitude\nParis,nan,2.35\n"},
        ["build", "article.txt", "-o", "map.html", "--places", "places.csv"],
        "ConfigurationError",
        ["line 2"],
    ),
    "overrides YAML invalid": (
        {"article.txt": PLACES_TEXT, "places.yaml": "Paris:\n  latitude: 48.85\n  longitude: [2.35\n"},
        ["build", "article.txt", "-o", "map.html", "--places", "places.yaml"],
        "ConfigurationError",
        ["places.yaml", "line "],
    ),
    "overrides file not UTF-8": (
        {"article.txt": PLACES_TEXT, "places.csv": b"name,latitude,longitude\nPar\xffis,48.85,2.35\n"},
        ["build", "article.txt", "-o", "map.html", "--places", "places.csv"],
        "ConfigurationError",
        ["places.csv", "line 2"],
    ),
    "overrides file missing": (
        {"article.txt": PLACES_TEXT},
        ["build", "article.txt", "-o", "map.html", "--places", "nope.csv"],
        "ConfigurationError",
        ["nope.csv"],
    ),
    "sidecar not JSON": (
        {"article.txt": PLACES_TEXT, "article.json": '{"title": "x",'},
        ["build", "article.txt", "-o", "map.html"],
        "ConfigurationError",
        ["sidecar", "article.json"],
    ),
    "sidecar not an object": (
        {"article.txt": PLACES_TEXT, "article.json": '["title"]'},
        ["build", "article.txt", "-o", "map.html"],
        "ConfigurationError",
        ["sidecar"],
    ),
    "sidecar with a bad date": (
        {"article.txt": PLACES_TEXT, "article.json": '{"date": "last Tuesday"}'},
        ["build", "article.txt", "-o", "map.html"],
        "ConfigurationError",
        ["sidecar", "date"],
    ),
    "sidecar title not text": (
        {"article.txt": PLACES_TEXT, "article.json": '{"title": ["a"]}'},
        ["build", "article.txt", "-o", "map.html"],
        "ConfigurationError",
        ["title"],
    ),
    "bad --date": (
        {"article.txt": PLACES_TEXT},
        ["build", "article.txt", "--date", "2024-13-01"],
        "ConfigurationError",
        ["--date", "2024-13-01"],
    ),
    "--date not a date": (
        {"article.txt": PLACES_TEXT},
        ["build", "article.txt", "--date", "yesterday"],
        "ConfigurationError",
        ["--date"],
    ),
    "unknown --model": (
        {"article.txt": PLACES_TEXT},
        ["build", "article.txt", "-o", "map.html", "--model", "no_such_pipeline_xyz"],
        "ModelError",
        ["no_such_pipeline_xyz"],
    ),
    "rail network not JSON": (
        {"article.txt": PLACES_TEXT, "rail.geojson": "{not json"},
        ["build", "article.txt", "-o", "map.html", "--rail-network", "rail.geojson"],
        "ConfigurationError",
        ["rail network", "rail.geojson"],
    ),
    "rail network not a FeatureCollection": (
        {"article.txt": PLACES_TEXT, "rail.geojson": '{"type": "Point", "coordinates": [1, 2]}'},
        ["build", "article.txt", "-o", "map.html", "--rail-network", "rail.geojson"],
        "ConfigurationError",
        ["rail network"],
    ),
    "rail network feature without geometry": (
        {
            "article.txt": PLACES_TEXT,
            "rail.geojson": '{"type": "FeatureCollection", "features": [{"type": "Feature"}]}',
        },
        ["build", "article.txt", "-o", "map.html", "--rail-network", "rail.geojson"],
        "ConfigurationError",
        ["rail network", "feature 0"],
    ),
    "rail network with NaN": (
        {
            "article.txt": PLACES_TEXT,
            "rail.geojson": json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [
                        {
                            "type": "Feature",
                            "properties": {},
                            "geometry": {"type": "LineString", "coordinates": [[float("nan"), 1], [2, 3]]},
                        }
                    ],
                }
            ),
        },
        ["build", "article.txt", "-o", "map.html", "--rail-network", "rail.geojson"],
        "ConfigurationError",
        ["rail network"],
    ),
    "rail network not UTF-8": (
        {"article.txt": PLACES_TEXT, "rail.geojson": b"\xff\xfe{\x00"},
        ["build", "article.txt", "-o", "map.html", "--rail-network", "rail.geojson"],
        "ConfigurationError",
        ["rail network"],
    ),
    "rail network missing": (
        {"article.txt": PLACES_TEXT},
        ["build", "article.txt", "-o", "map.html", "--rail-network", "gone.geojson"],
        "ConfigurationError",
        ["gone.geojson"],
    ),
    "--user-agent without --geocoder": (
        {"article.txt": PLACES_TEXT},
        ["build", "article.txt", "-o", "map.html", "--user-agent", "me"],
        "ConfigurationError",
        ["--geocoder"],
    ),
    "unknown --geocoder": (
        {"article.txt": PLACES_TEXT},
        ["build", "article.txt", "-o", "map.html", "--geocoder", "no-such-service"],
        "ConfigurationError",
        ["no-such-service"],
    ),
    "unknown command": ({}, ["frobnicate"], "ConfigurationError", ["frobnicate"]),
    "build without an article": ({}, ["build"], "ConfigurationError", ["article"]),
    "geoparse JSONL with only bad lines": (
        {"docs.jsonl": 'not json\n{"doc_id": "a"}\n'},
        ["geoparse", "docs.jsonl", "-o", "out.jsonl"],
        "InputError",
        ["docs.jsonl:1:", "1 more"],
    ),
    "geoparse JSONL missing a field": (
        {"docs.jsonl": '{"doc_id": "a"}\n'},
        ["geoparse", "docs.jsonl", "-o", "out.jsonl"],
        "InputError",
        ["docs.jsonl:1:"],
    ),
    "places of a missing article": ({}, ["places", "missing.txt"], "InputError", ["missing.txt"]),
    "places of a binary file": (
        {"article.txt": b"\x7fELF\x02\x01\x01\x00"},
        ["places", "article.txt"],
        "InputError",
        ["binary"],
    ),
}

NEEDS_MODEL = {
    "text without places",
    "rail network not JSON",
    "rail network not a FeatureCollection",
    "rail network feature without geometry",
    "rail network with NaN",
    "rail network not UTF-8",
    "rail network missing",
}


@pytest.mark.parametrize("case", sorted(BAD_INPUT))
def test_bad_input_gives_one_line_and_its_exit_code(case, tmp_path, monkeypatch, capsys, request):
    files, argv, error, fragments = BAD_INPUT[case]
    if case in NEEDS_MODEL:
        request.getfixturevalue("real_build_story")
    for name, content in files.items():
        if name.endswith("/"):
            (tmp_path / name).mkdir()
        else:
            write(tmp_path, name, content)
    monkeypatch.chdir(tmp_path)
    before = listing(tmp_path)
    code, out, err = run_main(argv, capsys)
    assert_one_line_error(code, err, error, *fragments)
    assert out == "" or argv[0] == "places"
    assert listing(tmp_path) == before, "a failed run wrote (or left) files"


@pytest.mark.parametrize(
    "argv, error",
    [
        pytest.param(
            ["build", "article.txt", "-o", "a" * 300 + ".html"], "OutputError", id="output name too long"
        ),
        pytest.param(
            ["build", "a" * 300 + ".txt", "-o", "map.html"], "InputError", id="article name too long"
        ),
        pytest.param(
            ["build", "article.txt", "-o", "map.html", "--places", "a" * 300 + ".csv"],
            "ConfigurationError",
            id="overrides name too long",
        ),
    ],
)
def test_overlong_file_names_are_one_line_errors(argv, error, tmp_path, monkeypatch, capsys, request):
    write(tmp_path, "article.txt", PLACES_TEXT)
    monkeypatch.chdir(tmp_path)
    code, _, err = run_main(argv, capsys)
    assert_one_line_error(code, err, error, "too long")
    assert sorted(listing(tmp_path)) == ["article.txt"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can write anywhere")
def test_read_only_output_folder_fails_before_the_slow_work(tmp_path, monkeypatch, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    write(tmp_path, "article.txt", PLACES_TEXT)
    locked.chmod(0o555)
    monkeypatch.chdir(tmp_path)
    try:
        code, _, err = run_main(["build", "article.txt", "-o", "locked/map.html"], capsys)
    finally:
        locked.chmod(0o755)
    assert_one_line_error(code, err, "OutputError", "permission denied")
    assert list(locked.iterdir()) == []


def test_read_only_output_file_is_not_replaced(tmp_path, monkeypatch, capsys):
    # A rename would replace even a read-only file; the CLI refuses up front instead.
    if os.name != "posix" or os.geteuid() == 0:
        pytest.skip("root can write anywhere")
    write(tmp_path, "article.txt", PLACES_TEXT)
    old = write(tmp_path, "map.html", "<p>keep me</p>")
    old.chmod(0o444)
    monkeypatch.chdir(tmp_path)
    code, _, err = run_main(["build", "article.txt", "-o", "map.html"], capsys)
    assert_one_line_error(code, err, "OutputError", "permission denied")
    assert old.read_text() == "<p>keep me</p>"


# --------------------------------------------------------------------------------------------
# Good runs


def test_build_writes_every_output_and_no_temp_files(real_build_story, tmp_path, monkeypatch, capsys):
    write(tmp_path, "article.txt", PLACES_TEXT)
    monkeypatch.chdir(tmp_path)
    old_umask = os.umask(0o022)
    try:
        code, out, err = run_main(
            [
                "build",
                "article.txt",
                "-o",
                "map.html",
                "--geojson",
                "map.geojson",
                "--storymap",
                "map.json",
                "--embed",
            ],
            capsys,
        )
    finally:
        os.umask(old_umask)
    assert code == 0, err
    assert sorted(listing(tmp_path)) == ["article.txt", "map.geojson", "map.html", "map.json"]
    assert err.strip().splitlines() == ["map.html: 2 places, 1 legs, 0 visits"]
    assert out.startswith("<iframe ") and 'src="map.html"' in out
    for name in ("map.html", "map.geojson", "map.json"):
        mode = (tmp_path / name).stat().st_mode & 0o777
        assert mode == 0o644, f"{name} has mode {mode:o}; readers of a published map need 644"
    geojson = json.loads((tmp_path / "map.geojson").read_text(encoding="utf-8"))
    assert {f["properties"].get("name") for f in geojson["features"]} >= {"Paris", "Berlin"}
    assert json.loads((tmp_path / "map.json").read_text(encoding="utf-8"))["storymap"]["slides"]


def test_build_defaults_the_map_beside_the_article(real_build_story, seed_copy, monkeypatch, capsys):
    monkeypatch.chdir(seed_copy.parent)
    code, _, err = run_main(["build", seed_copy.name], capsys)
    assert code == 0, err
    assert seed_copy.with_suffix(".html").is_file()
    assert "Vladivostok" in seed_copy.with_suffix(".html").read_text(encoding="utf-8")


def test_build_reads_standard_input(real_build_story, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(PLACES_TEXT.encode("utf-8"))))
    code, _, err = run_main(["build", "-"], capsys)
    assert code == 0, err
    assert (tmp_path / "story-map.html").is_file()  # the documented default name for stdin


def test_empty_standard_input_is_an_input_error(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    code, _, err = run_main(["build", "-", "-o", "map.html"], capsys)
    assert_one_line_error(code, err, "InputError", "<stdin>", "empty")
    assert not (tmp_path / "map.html").exists()


# --------------------------------------------------------------------------------------------
# A failed run never clobbers an earlier good output


@pytest.fixture
def good_outputs(
    real_build_story, tmp_path, monkeypatch, capsys
) -> tuple[list[str], dict[str, bytes | None]]:
    """A good map, GeoJSON and StoryMapJS file in tmp_path; returns the output options and the listing."""
    write(tmp_path, "article.txt", PLACES_TEXT)
    monkeypatch.chdir(tmp_path)
    outputs = ["-o", "map.html", "--geojson", "map.geojson", "--storymap", "map.json"]
    code, _, err = run_main(["build", "article.txt", *outputs], capsys)
    assert code == 0, err
    return outputs, listing(tmp_path)


FAILING_BUILDS: dict[str, tuple[Callable[[Path], list[str]], str]] = {
    "no places": (lambda d: ["build", str(write(d, "other.txt", NO_PLACES_TEXT))], "InputError"),
    "missing article": (lambda d: ["build", "gone.txt"], "InputError"),
    "malformed overrides": (
        lambda d: ["build", "article.txt", "--places", str(write(d, "p.csv", "name,latitude\nParis,99\n"))],
        "ConfigurationError",
    ),
    "malformed rail network": (
        lambda d: ["build", "article.txt", "--rail-network", str(write(d, "r.geojson", "[]"))],
        "ConfigurationError",
    ),
    "unknown model": (lambda d: ["build", "article.txt", "--model", "no_such_pipeline_xyz"], "ModelError"),
}


@pytest.mark.parametrize("case", sorted(FAILING_BUILDS))
def test_failed_build_keeps_the_earlier_outputs(case, good_outputs, tmp_path, capsys):
    outputs, before = good_outputs
    make_argv, error = FAILING_BUILDS[case]
    argv = make_argv(tmp_path) + outputs
    added = set(listing(tmp_path)) - set(before)  # the bad input files this case wrote
    code, _, err = run_main(argv, capsys)
    assert_one_line_error(code, err, error)
    after = listing(tmp_path)
    assert {k: v for k, v in after.items() if k not in added} == before


def _fail_fsync(fd):
    raise OSError(errno.ENOSPC, "No space left on device")


def _interrupt_replace(src, dst):
    raise KeyboardInterrupt


# Where a write is cut off, what the user sees (exit code and words on stderr).
INTERRUPTIONS = {
    "disk full after the bytes are written": ("geostory.export.os.fsync", _fail_fsync, 3, "No space left"),
    "Ctrl-C just before the rename": ("geostory.export.os.replace", _interrupt_replace, 130, "interrupted"),
}


@pytest.mark.parametrize("case", sorted(INTERRUPTIONS))
def test_interrupted_write_leaves_no_partial_or_temp_file(case, good_outputs, tmp_path, monkeypatch, capsys):
    outputs, before = good_outputs
    target, replacement, expected_code, words = INTERRUPTIONS[case]
    monkeypatch.setattr(target, replacement)
    write(tmp_path, "article.txt", "The minister drove from Paris to Lyon on Friday.\n")  # a new story
    before["article.txt"] = (tmp_path / "article.txt").read_bytes()
    code, _, err = run_main(["build", "article.txt", *outputs], capsys)
    assert code == expected_code
    assert "Traceback" not in err and words in err and len(err.strip().splitlines()) == 1
    assert listing(tmp_path) == before


def test_render_failure_midway_leaves_old_map_and_no_temp_file(good_outputs, tmp_path, monkeypatch, capsys):
    from geostory import render
    from geostory.errors import ConfigurationError

    outputs, before = good_outputs

    def broken_legend(story):
        raise ConfigurationError("cannot inline leaflet.js: it contains </script")

    monkeypatch.setattr(render, "legend_html", broken_legend)  # fails half-way through render_map
    code, _, err = run_main(["build", "article.txt", *outputs], capsys)
    assert_one_line_error(code, err, "ConfigurationError", "leaflet.js")
    assert listing(tmp_path) == before


def test_library_write_html_failure_midway_creates_nothing(real_build_story, tmp_path, monkeypatch):
    from geostory import render

    story = real_build_story(PLACES_TEXT)

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(render, "_panel_html", boom)
    with pytest.raises(RuntimeError):
        render.write_html(story, tmp_path / "map.html")
    assert list(tmp_path.iterdir()) == []


def test_interrupted_geoparse_keeps_the_earlier_jsonl(tmp_path, monkeypatch, capsys):
    from geostory import pipeline

    write(tmp_path, "docs.jsonl", '{"doc_id": "a", "text": "x"}\n{"doc_id": "b", "text": "y"}\n')
    old = write(tmp_path, "out.jsonl", '{"doc_id": "old", "toponyms": []}\n')
    before = listing(tmp_path)

    def half_then_interrupt(documents, **kwargs):
        documents = list(documents)
        yield pipeline.Geoparse(documents[0][0], (), ())
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "geoparse", half_then_interrupt)
    monkeypatch.chdir(tmp_path)
    code, _, err = run_main(["geoparse", "docs.jsonl", "-o", "out.jsonl"], capsys)
    assert code == 130 and "interrupted" in err
    assert old.read_text() == '{"doc_id": "old", "toponyms": []}\n'
    assert listing(tmp_path) == before


# --------------------------------------------------------------------------------------------
# The real command in a child process (a representative subset: each costs a Python start-up)


def test_help_exits_zero_and_documents_every_exit_code(geostory_cli):
    result = geostory_cli("--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())  # argparse re-wraps the epilog
    for name, code in EXIT_CODES.items():
        assert f"{code} {name}" in text
    assert "130 interrupted" in text and "0 ok" in text
    build_help = geostory_cli("build", "--help")
    assert build_help.returncode == 0 and "1 GeostoryError" in " ".join(build_help.stdout.split())


def test_help_loads_no_model_or_map_library(tmp_path):
    import subprocess

    from conftest import REPO

    probe = (
        "import sys, contextlib, io\n"
        "from geostory.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try: main(['build', '--help'])\n"
        "    except SystemExit: pass\n"
        "heavy = ('spacy', 'folium', 'shapely', 'geopy', 'trafilatura')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO))
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@pytest.mark.slow
def test_subprocess_build_then_failed_build_keeps_the_map(geostory_cli, tmp_path):
    write(tmp_path, "article.txt", PLACES_TEXT)
    write(tmp_path, "empty-of-places.txt", NO_PLACES_TEXT)
    good = geostory_cli("build", "article.txt", "-o", "map.html", "--geojson", "map.geojson")
    assert good.returncode == 0, good.stderr
    before = listing(tmp_path)
    assert b"Berlin" in before["map.html"]
    bad = geostory_cli("build", "empty-of-places.txt", "-o", "map.html", "--geojson", "map.geojson")
    assert_one_line_error(bad.returncode, bad.stderr, "InputError", "no places")
    assert listing(tmp_path) == before


@pytest.mark.slow
def test_subprocess_reads_standard_input(geostory_cli, tmp_path):
    result = geostory_cli("build", "-", "-o", "map.html", input=PLACES_TEXT.encode("utf-8"))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "Paris" in (tmp_path / "map.html").read_text(encoding="utf-8")


SUBPROCESS_FAILURES = {
    "missing article": ({}, ["build", "missing.txt"], "InputError"),
    "binary article": (
        {"article.txt": b"GIF89a\x01\x00\x01\x00\x00\xff"},
        ["build", "article.txt"],
        "InputError",
    ),
    "bad --date": (
        {"article.txt": PLACES_TEXT},
        ["build", "article.txt", "--date", "31/12/2024"],
        "ConfigurationError",
    ),
    "malformed overrides": (
        {"article.txt": PLACES_TEXT, "p.csv": "name,latitude,longitude\nParis,1\n"},
        ["build", "article.txt", "--places", "p.csv"],
        "ConfigurationError",
    ),
    "unknown model": (
        {"article.txt": PLACES_TEXT},
        ["build", "article.txt", "--model", "no_such_pipeline_xyz"],
        "ModelError",
    ),
}


@pytest.mark.parametrize("case", sorted(SUBPROCESS_FAILURES))
def test_subprocess_bad_input_is_one_line_and_its_exit_code(case, geostory_cli, tmp_path):
    files, argv, error = SUBPROCESS_FAILURES[case]
    for name, content in files.items():
        write(tmp_path, name, content)
    before = listing(tmp_path)
    result = geostory_cli(*argv)
    assert_one_line_error(result.returncode, result.stderr, error)
    assert result.stdout == ""
    assert listing(tmp_path) == before


def test_embed_with_a_colon_in_the_file_name_links_the_file_not_a_scheme(
    real_build_story, tmp_path, monkeypatch, capsys
):
    from urllib.parse import urlsplit

    write(tmp_path, "article.txt", PLACES_TEXT)
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(["build", "article.txt", "-o", "javascript:alert(1).html", "--embed"], capsys)
    assert code == 0, err
    src = out.split('src="', 1)[1].split('"', 1)[0]
    assert urlsplit(src).scheme == "" and src.endswith("javascript:alert(1).html")


def test_the_fast_exit_is_kept_for_profilers_children_and_threads():
    """`geostory` skips interpreter teardown only when nothing still needs the ordinary exit: a
    profiler or coverage writes its data at exit, a child process or a thread may still run."""
    import sys
    import threading

    from geostory.cli import _nothing_left_to_end

    assert _nothing_left_to_end() == (sys.gettrace() is None and threading.active_count() == 1)
    previous = sys.getprofile()
    sys.setprofile(lambda *args: None)
    try:
        assert not _nothing_left_to_end()
    finally:
        sys.setprofile(previous)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not _nothing_left_to_end()
    finally:
        stop.set()
        thread.join()
