"""Issue 15's fault cases: outputs never destroy what they point at, deadlines are real, no input
crashes a run. Every HTTP server here is a fake on 127.0.0.1 (tests/fake_servers.py).

Time limits in these tests are generous upper bounds (several times the deadline under test,
far below what the old behaviour took); nothing asserts a timing beyond that.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from itertools import pairwise
from pathlib import Path

import pytest
from fake_servers import HostileServer
from test_cli import PLACES_TEXT, assert_one_line_error, listing, run_main, write

from geostory.errors import ConfigurationError, GeocoderError, InputError, OutputError

REPO = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------------------------
# Outputs never destroy what they point at (refused before any slow work: no model needed)


REFUSED_OUTPUTS = {
    "-o is the article": (["build", "x.txt", "-o", "x.txt"], ["it is the article"]),
    "--geojson is the article's sidecar": (
        ["build", "x.txt", "-o", "map.html", "--geojson", "x.json"],
        ["x.json", "sidecar"],
    ),
    "--geojson is the map": (
        ["build", "x.txt", "-o", "same.html", "--geojson", "same.html"],
        ["-o already writes it"],
    ),
    "--storymap is the geojson": (
        ["build", "x.txt", "--geojson", "d.json", "--storymap", "d.json"],
        ["--geojson already writes it"],
    ),
    "-o is the overrides file": (
        ["build", "x.txt", "-o", "places.csv", "--places", "places.csv"],
        ["overrides file"],
    ),
    "-o is a device": (["build", "x.txt", "-o", "/dev/null"], ["/dev/null", "not a regular file"]),
    "-o is a symbolic link": (["build", "x.txt", "-o", "link.html"], ["symbolic link", "--follow"]),
    "-o is a link to the article, followed": (
        ["build", "x.txt", "-o", "to-article", "--follow"],
        ["it is the article"],
    ),
    "-o folder/ that does not exist": (["build", "x.txt", "-o", "newname/"], ["newname", "does not exist"]),
    "geoparse -o is its input": (["geoparse", "docs.jsonl", "-o", "docs.jsonl"], ["it is the input"]),
    "places --write is the article": (["places", "x.txt", "--write", "x.txt"], ["it is the article"]),
}


@pytest.mark.parametrize("case", sorted(REFUSED_OUTPUTS))
def test_output_that_points_at_something_precious_is_refused(case, tmp_path, monkeypatch, capsys):
    argv, fragments = REFUSED_OUTPUTS[case]
    write(tmp_path, "x.txt", PLACES_TEXT)
    write(tmp_path, "x.json", '{"title": "Keep me", "date": "2024-05-06"}')
    write(tmp_path, "places.csv", "name,latitude,longitude\nParis,48.85,2.35\n")
    write(tmp_path, "docs.jsonl", json.dumps({"doc_id": "a", "text": PLACES_TEXT}) + "\n")
    write(tmp_path, "target.html", "<p>the link's target</p>")
    os.symlink("target.html", tmp_path / "link.html")
    os.symlink("x.txt", tmp_path / "to-article")
    monkeypatch.chdir(tmp_path)
    before = listing(tmp_path)
    code, _, err = run_main(argv, capsys)
    assert_one_line_error(code, err, "OutputError", *fragments)
    assert listing(tmp_path) == before
    assert (tmp_path / "link.html").is_symlink()


def test_default_output_of_an_html_article_is_not_the_article(
    real_build_story, tmp_path, monkeypatch, capsys
):
    page = write(tmp_path, "page.html", f"<html><body><p>{PLACES_TEXT}</p></body></html>")
    original = page.read_bytes()
    monkeypatch.chdir(tmp_path)
    code, _, err = run_main(["build", "page.html"], capsys)
    assert code == 0, err
    assert page.read_bytes() == original
    assert (tmp_path / "page.map.html").read_text().rstrip().endswith("</html>")


def test_trailing_slash_means_a_folder(real_build_story, tmp_path, monkeypatch, capsys):
    write(tmp_path, "x.txt", PLACES_TEXT)
    (tmp_path / "maps").mkdir()
    monkeypatch.chdir(tmp_path)
    code, _, err = run_main(["build", "x.txt", "-o", "maps/", "--geojson", "maps/"], capsys)
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "maps").iterdir()) == ["x.geojson", "x.html"]


def test_follow_writes_through_a_link_and_keeps_it(real_build_story, tmp_path, monkeypatch, capsys):
    write(tmp_path, "x.txt", PLACES_TEXT)
    target = write(tmp_path, "target.html", "old")
    os.symlink("target.html", tmp_path / "link.html")
    monkeypatch.chdir(tmp_path)
    code, _, err = run_main(["build", "x.txt", "-o", "link.html", "--follow"], capsys)
    assert code == 0, err
    assert (tmp_path / "link.html").is_symlink()
    assert target.read_text().rstrip().endswith("</html>")


def test_a_later_output_failing_leaves_every_output_as_it_was(
    real_build_story, tmp_path, monkeypatch, capsys
):
    from geostory import atomic

    write(tmp_path, "x.txt", PLACES_TEXT)
    write(tmp_path, "map.html", "<p>old map</p>")
    write(tmp_path, "map.geojson", '{"old": true}')
    monkeypatch.chdir(tmp_path)
    before = listing(tmp_path)
    real_fsync, calls = os.fsync, []

    def full_on_the_second_file(fd):
        calls.append(fd)
        if len(calls) == 2:  # the HTML went through; the disk fills up on the GeoJSON
            raise OSError(28, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(atomic.os, "fsync", full_on_the_second_file)
    code, _, err = run_main(["build", "x.txt", "-o", "map.html", "--geojson", "map.geojson"], capsys)
    assert_one_line_error(code, err, "OutputError", "map.geojson", "No space left")
    assert listing(tmp_path) == before


def test_group_commit_rolls_back_when_a_rename_fails(tmp_path, monkeypatch):
    from geostory import atomic

    first, second = write(tmp_path, "a.html", "old a"), write(tmp_path, "b.json", "old b")
    real_replace = os.replace
    calls = []

    def fail_second(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", fail_second)
    with pytest.raises(OutputError, match="no output was changed"):
        with atomic.together():
            atomic.write_text(first, "new a")
            atomic.write_text(second, "new b")
    monkeypatch.setattr(atomic.os, "replace", real_replace)
    assert (first.read_text(), second.read_text()) == ("old a", "old b")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "b.json"]


# --------------------------------------------------------------------------------------------
# Deadlines


@pytest.fixture
def hostile():
    with HostileServer(trickle_seconds=0.4) as server:
        yield server


def test_article_url_trickling_one_byte_at_a_time_fails_at_the_deadline(hostile):
    from geostory.read import read_article

    started = time.monotonic()
    with pytest.raises(InputError, match="timed out after 1 s"):
        read_article(hostile.url("/trickle-body"), timeout=1)
    assert time.monotonic() - started < 15  # the whole body would take 48 s


def test_article_url_trickling_headers_fails_at_the_deadline(hostile):
    from geostory.read import read_article

    started = time.monotonic()
    with pytest.raises(InputError, match="timed out"):
        read_article(hostile.url("/trickle-headers"), timeout=1)
    assert time.monotonic() - started < 15


def test_article_url_cut_short_of_its_content_length_is_an_error(hostile):
    from geostory.read import read_article

    with pytest.raises(InputError, match="cut short"):
        read_article(hostile.url("/truncated"))


@pytest.mark.parametrize("fault", ["trickle-body", "trickle-headers"])
def test_geocoder_call_trickling_fails_at_its_deadline(fault, hostile, tmp_path):
    from geostory.online import make_geocoder

    geocoder = make_geocoder(
        "nominatim",
        user_agent="test",
        domain=hostile.domain,
        scheme="http",
        cache_path=tmp_path / "c.sqlite",
        timeout=1,
        max_retries=0,
        min_delay_seconds=0,
    )
    started = time.monotonic()
    with pytest.raises(GeocoderError, match="timed out"):
        geocoder.lookup(fault)
    assert time.monotonic() - started < 15


def test_fifo_article_is_refused_not_waited_for(tmp_path):
    from geostory.read import read_article

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        read_article(fifo)


def test_fifo_overrides_file_is_refused(tmp_path):
    from geostory.overrides import load_overrides

    fifo = tmp_path / "places.csv"
    os.mkfifo(fifo)
    with pytest.raises(ConfigurationError, match="not a regular file"):
        load_overrides(fifo)


# --------------------------------------------------------------------------------------------
# Redirects, answers out of range, size caps


def test_article_url_follows_an_http_redirect(hostile):
    from geostory.read import read_article

    assert "Berlin" in read_article(hostile.url("/redirect-ok")).text


def test_article_url_refuses_a_redirect_to_ftp(hostile):
    from geostory.read import read_article

    with pytest.raises(InputError, match="refused a redirect to a ftp"):
        read_article(hostile.url("/redirect-ftp"))


@pytest.mark.parametrize(
    "fault, words",
    [
        ("redirect-host", "another host"),
        ("redirect-ftp", "ftp"),
        ("wrap", "out of range"),
    ],
)
def test_geocoder_answer_that_cannot_be_trusted_is_rejected_and_not_cached(fault, words, hostile, tmp_path):
    from geostory.online import GeocodeCache, make_geocoder

    cache = tmp_path / "c.sqlite"
    geocoder = make_geocoder(
        "nominatim",
        user_agent="test",
        domain=hostile.domain,
        scheme="http",
        cache_path=cache,
        timeout=5,
        max_retries=0,
        min_delay_seconds=0,
    )
    with pytest.raises(GeocoderError, match=words):
        geocoder.lookup(fault)
    geocoder.close()
    assert GeocodeCache(cache).get("nominatim", hostile.domain, fault) == (False, None)
    assert hostile.hits["search"] == 1  # the other host was never asked


def test_geocoder_answer_over_the_size_cap_is_an_error(hostile, tmp_path, monkeypatch):
    from geostory import online

    monkeypatch.setattr(online, "ANSWER_LIMIT", 100_000)
    geocoder = online.make_geocoder(
        "nominatim",
        user_agent="test",
        domain=hostile.domain,
        scheme="http",
        cache_path=tmp_path / "c.sqlite",
        max_retries=0,
        min_delay_seconds=0,
    )
    with pytest.raises(GeocoderError, match="larger than 100000 bytes"):
        geocoder.lookup("huge")


def test_overrides_file_over_the_size_cap_is_an_error(tmp_path, monkeypatch):
    from geostory import overrides

    monkeypatch.setattr(overrides, "MAX_BYTES", 1000)
    big = write(tmp_path, "places.csv", "name,latitude,longitude\n" + "Paris,48.85,2.35\n" * 100)
    with pytest.raises(ConfigurationError, match="larger than 1000 bytes"):
        overrides.load_overrides(big)


# --------------------------------------------------------------------------------------------
# Inputs that used to crash


def _alias_bomb(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "content, words",
    [
        (_alias_bomb(), "aliases are expanded"),
        ("a: &a [*a]\n", "refers to itself"),
        ("[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
        ("Kyiv: {lat: " + "9" * 5000 + ", lon: 30}\n", "cannot read"),
        ("Kyiv: {lat: " + "x" * 5000 + ", lon: 30}\n", "is not a number"),
        (
            "Kyiv: {lat: 50, lon: 30, exclude: [" + ", ".join(["long value " * 20] * 500) + "]}\n",
            "not true or false",
        ),
    ],
)
def test_hostile_yaml_overrides_give_a_short_error(content, words, tmp_path):
    from geostory.overrides import load_overrides

    path = write(tmp_path, "places.yaml", content)
    with pytest.raises(ConfigurationError, match=words) as info:
        load_overrides(path)
    assert len(str(info.value)) < len(str(path)) + 200  # the value is cut short, never repr()'d whole


def test_a_thousand_places_in_one_sentence_do_not_crash(real_build_story):
    cities = (
        "Paris Berlin Rome Madrid Vienna Prague Warsaw Budapest Lisbon Athens Dublin Oslo Stockholm "
        "Helsinki Copenhagen Brussels Amsterdam Bern Sofia Bucharest"
    ).split()
    names = [cities[i % len(cities)] for i in range(1000)]
    story = real_build_story(
        "The minister travelled to " + ", ".join(names[:-1]) + " and " + names[-1] + " last year.\n"
    )
    assert len(story.places) == len(cities)


def test_lone_surrogate_in_a_sidecar_title_becomes_a_replacement_character(tmp_path):
    from geostory.read import read_article

    article = write(tmp_path, "x.txt", PLACES_TEXT)
    write(tmp_path, "x.json", '{"title": "Trip \\ud800 to Berlin"}')
    assert read_article(article).title == "Trip \ufffd to Berlin"


def test_geoparse_skips_a_bad_document_and_writes_the_good_ones(
    real_build_story, tmp_path, monkeypatch, capsys
):
    lines = [
        json.dumps({"doc_id": "good", "text": "Talks were held in Paris."}),
        '{"doc_id": "bad", "text": "Talks in \\ud800 Berlin."}',
        "not json",
        json.dumps({"doc_id": "also-good", "text": "Then Berlin."}),
    ]
    write(tmp_path, "docs.jsonl", "\n".join(lines) + "\n")
    monkeypatch.chdir(tmp_path)
    code, _, err = run_main(["geoparse", "docs.jsonl", "-o", "out.jsonl"], capsys)
    assert code == InputError.exit_code
    assert "docs.jsonl:2: a lone surrogate" in err and "docs.jsonl:3:" in err and "Traceback" not in err
    written = [json.loads(line)["doc_id"] for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert written == ["good", "also-good"]


def test_batch_reports_a_bad_document_skips_it_and_exits_non_zero(
    real_build_story, tmp_path, monkeypatch, capsys
):
    lines = [
        json.dumps({"doc_id": "good", "text": PLACES_TEXT}),
        '{"doc_id": "bad", "text": "Talks in \\ud800 Berlin."}',
    ]
    write(tmp_path, "docs.jsonl", "\n".join(lines) + "\n")
    monkeypatch.chdir(tmp_path)
    code, _, err = run_main(["batch", "docs.jsonl", "-o", "maps"], capsys)
    assert code == InputError.exit_code
    assert "bad: docs.jsonl:2: a lone surrogate" in err
    assert (tmp_path / "maps" / "good.html").is_file() and not (tmp_path / "maps" / "bad.html").exists()


def test_batch_parses_the_overrides_file_once(real_build_story, tmp_path, monkeypatch):
    from geostory import overrides
    from geostory.batch import run_batch

    calls = []
    real_load = overrides.load_overrides
    monkeypatch.setattr(overrides, "load_overrides", lambda path: calls.append(path) or real_load(path))
    places = write(tmp_path, "places.csv", "name,latitude,longitude\nParis,48.0,2.0\n")
    docs = "".join(json.dumps({"doc_id": f"d{i}", "text": PLACES_TEXT}) + "\n" for i in range(3))
    summary = run_batch(
        write(tmp_path, "docs.jsonl", docs), tmp_path / "maps", places_file=places, progress=False
    )
    assert summary.ok == 3
    assert len(calls) <= 2  # validated once up front, parsed once for all articles


# --------------------------------------------------------------------------------------------
# Encodings


@pytest.mark.parametrize(
    "data, expected",
    [
        ("Talks in Kraków, then Łódź".encode()[:-1], "Talks in Kraków, then Łód\ufffd"),
        (
            "Talks in Kraków.\n".encode() + "Then Zürich.\n".encode("latin-1") + "Then Łódź.".encode(),
            "Talks in Kraków.\nThen Zürich.\nThen Łódź.",
        ),
    ],
)
def test_utf8_stays_utf8_when_damaged_or_mixed(data, expected):
    from geostory.read import decode_bytes

    assert decode_bytes(data) == expected


# --------------------------------------------------------------------------------------------
# Batch workers, the shared rate limit, one warning


@pytest.mark.parametrize("when", ["while they work", "before they start"])
def test_pool_workers_exit_when_their_parent_is_killed(tmp_path, when):
    # "before they start": the parent dies before a worker has run its initializer (a busy
    # machine), so the worker already belongs to init when it starts watching
    script = tmp_path / "parent.py"
    script.write_text(
        "import os, sys, time\n"
        "from concurrent.futures import ProcessPoolExecutor\n"
        "from geostory.batch import exit_with_parent\n"
        "def start(parent, gate):\n"
        "    while os.path.exists(gate):\n"
        "        time.sleep(0.05)\n"
        "    exit_with_parent(0.2, parent)\n"
        "if __name__ == '__main__':\n"
        "    gate = sys.argv[1]\n"
        "    pool = ProcessPoolExecutor(2, initializer=start, initargs=(os.getpid(), gate))\n"
        "    futures = [pool.submit(time.sleep, 3600) for _ in range(2)]\n"
        "    print('ready', flush=True)\n"
        "    time.sleep(3600)\n"
    )
    gate = tmp_path / "gate"  # the workers start once it is gone
    if when == "before they start":
        gate.touch()
    env = dict(os.environ, PYTHONPATH=str(REPO))
    parent = subprocess.Popen([sys.executable, str(script), str(gate)], stdout=subprocess.PIPE, env=env)
    workers: list[int] = []
    try:
        assert parent.stdout.readline().strip() == b"ready"
        assert _wait_for(lambda: len(_children(parent.pid)) >= 2), "the pool never started its workers"
        workers = _children(parent.pid)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        gate.unlink(missing_ok=True)
        assert _wait_for(lambda: not any(_alive(pid) for pid in workers)), "a worker outlived its parent"
    finally:
        if parent.poll() is None:
            parent.kill()
        for pid in workers:  # never leave a failed run's workers sleeping for an hour
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def _wait_for(condition, seconds: float = 120.0) -> bool:
    """Poll `condition` until it holds or a deadline generous enough for a loaded machine passes."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status  # a zombie has exited; its reaper may be slow


def test_rate_limit_is_booked_in_the_shared_cache(tmp_path):
    from fake_geocoder import FakeGeocoder

    from geostory.online import CachedGeocoder

    slept: list[float] = []
    clock = [1000.0]

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds + 0.25  # a sleeper may wake late; the next claim still waits its turn

    common = dict(
        service="fake",
        cache_path=tmp_path / "c.sqlite",
        min_delay_seconds=1.0,
        sleep=sleep,
        wall_clock=lambda: clock[0],
    )
    first, second = CachedGeocoder(FakeGeocoder(), **common), CachedGeocoder(FakeGeocoder(), **common)
    first.geocode("Lviv")  # claims 1000.0
    second.geocode("Odesa")  # another process would hold another CachedGeocoder on the same file
    first.geocode("Kharkiv")
    assert slept == [1.0, 1.0]  # Odesa went at 1001.25 (woken late), so Kharkiv waits until 1002.25


def test_rate_limit_holds_across_processes(tmp_path):
    from concurrent.futures import ProcessPoolExecutor

    from fake_servers import timed_requests

    cache = str(tmp_path / "c.sqlite")
    with ProcessPoolExecutor(3) as pool:
        futures = [pool.submit(timed_requests, cache, [f"q{n}-{i}" for i in range(2)], 0.3) for n in range(3)]
        sent = sorted(t for future in futures for t in future.result())
    assert len(sent) == 6
    assert min(b - a for a, b in pairwise(sent)) >= 0.3 - 1e-6  # each turn claimed a full delay apart


def test_geocoder_failure_warns_once_in_one_line(real_build_story, geostory_cli, tmp_path):
    write(tmp_path, "x.txt", "Talks were held in Paris and later in Zlorbograd and Qwexbury.\n")
    result = geostory_cli(
        "places",
        "x.txt",
        "--geocoder",
        "nominatim",
        "--user-agent",
        "test",
        "--geocoder-domain",
        "127.0.0.1:9",
        "--geocoder-scheme",
        "http",
        "--json",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    warning_lines = [line for line in result.stderr.splitlines() if "online geocoder unavailable" in line]
    assert len(warning_lines) == 1 and warning_lines[0].startswith("geostory: warning: ")
    assert "warnings.warn" not in result.stderr and "Warning:" not in result.stderr


# --------------------------------------------------------------------------------------------
# Resources


def test_parse_many_pulls_texts_as_it_goes():
    spacy = pytest.importorskip("spacy")
    from geostory.language import parse_many

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    pulled = []

    def texts():
        for number in range(200):
            pulled.append(number)
            yield f"Document {number} was filed in Kyiv."

    docs = parse_many(texts(), nlp, batch_size=4)
    first = next(docs)
    assert first.text == "Document 0 was filed in Kyiv."
    assert len(pulled) < 20  # not all 200 read (and kept) before the first Doc comes out
    assert sum(1 for _ in docs) == 199


def test_jsonl_lines_are_judged_one_by_one():
    """A line in another encoding, a non-object and a lone surrogate are reported; the rest read."""
    import io

    from geostory.bulk import read_records

    lines = io.BytesIO(
        b'{"doc_id": "a", "text": "Talks in Paris."}\n'
        b'{"doc_id": "b", "text": "Caf\xe9 in Krak\xf3w."}\n'  # Latin-1, not UTF-8
        b"[1, 2]\n"
        b'{"doc_id": "c", "text": "\\ud800"}\n'
        b'{"doc_id": "d", "text": "Talks in Kyiv."}\n'
    )
    records = list(read_records(lines, "in.jsonl"))
    assert [(r.doc_id, r.problem) for r in records] == [
        ("a", None),
        ("line-2", "in.jsonl:2: not UTF-8"),
        ("line-3", "in.jsonl:3: expected a JSON object with doc_id and text"),
        ("c", "in.jsonl:4: a lone surrogate (U+D800) is not text"),
        ("d", None),
    ]
