"""run_batch: a story map per article of a folder or JSONL file, an index page, resumable runs,
bad articles reported and never fatal, on one process, a process pool or a local Dask cluster.

Most cases run in this process (the real model loads once per session); the pool and Dask cases
start real worker processes and are marked slow (they still run by default).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from geostory import batch
from geostory.batch import BatchResult, BatchSummary, _safe_stems, geoparse_many, run_batch
from geostory.errors import ConfigurationError, InputError

ARTICLES = Path(__file__).resolve().parent / "articles"
KYIV, PAPAL = "001_kyiv_rail_visit", "002_papal_trip"


@pytest.fixture
def folder(tmp_path: Path, real_build_story) -> Path:
    """Two test articles (with their sidecar metadata) and an empty one."""
    source = tmp_path / "in"
    source.mkdir()
    for stem in (KYIV, PAPAL):
        for suffix in (".txt", ".json"):
            if (ARTICLES / f"{stem}{suffix}").exists():
                shutil.copyfile(ARTICLES / f"{stem}{suffix}", source / f"{stem}{suffix}")
    (source / "empty.txt").write_text("", encoding="utf-8")
    return source


def by_id(summary: BatchSummary) -> dict[str, BatchResult]:
    return {r.article: r for r in summary.results}


def test_folder_gives_a_map_per_article_and_an_index(folder: Path, tmp_path: Path):
    out = tmp_path / "out"
    summary = run_batch(folder, out, progress=False)

    assert [r.article for r in summary.results] == [KYIV, PAPAL, "empty"]  # sidecars are not articles
    assert (summary.total, summary.ok, summary.failed, summary.skipped) == (3, 2, 1, 0)
    for stem in (KYIV, PAPAL):
        result = by_id(summary)[stem]
        assert result.html == out / f"{stem}.html" and result.geojson == out / f"{stem}.geojson"
        assert result.places > 0 and result.legs > 0 and result.error is None
        assert result.html.read_text(encoding="utf-8").rstrip().endswith("</html>")
        assert json.loads(result.geojson.read_text(encoding="utf-8"))["type"] == "FeatureCollection"
    empty = by_id(summary)["empty"]
    assert empty.html is None and empty.geojson is None and "empty" in empty.error
    assert "\n" not in empty.error
    page = summary.index.read_text(encoding="utf-8")
    assert summary.index == out / "index.html"
    assert f'href="{KYIV}.html"' in page and f'href="{PAPAL}.geojson"' in page
    assert "empty" in page and "1 failed" in page
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["index.html"] + [f"{s}.{e}" for s in (KYIV, PAPAL) for e in ("html", "geojson")]
    )


def test_rerun_skips_complete_articles_and_retries_failed_ones(folder: Path, tmp_path: Path):
    out = tmp_path / "out"
    first = run_batch(folder, out, progress=False)
    stamps = {p.name: p.stat().st_mtime_ns for p in out.glob("0*")}

    second = run_batch(folder, out, progress=False)

    assert [r.skipped for r in second.results] == [True, True, False]
    assert by_id(second)["empty"].error  # no outputs, so retried, and failing again
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("0*")} == stamps
    for stem in (KYIV, PAPAL):  # counts come back from the GeoJSON kept from the first run
        assert (by_id(second)[stem].places, by_id(second)[stem].legs) == (
            by_id(first)[stem].places,
            by_id(first)[stem].legs,
        )
    assert "kept" in second.index.read_text(encoding="utf-8")


def test_killed_run_leftovers_are_ignored_or_redone(folder: Path, tmp_path: Path):
    out = tmp_path / "out"
    run_batch(folder, out, progress=False)
    kyiv_html, papal_json = out / f"{KYIV}.html", out / f"{PAPAL}.geojson"
    # a run killed mid-write: a stale temporary file, a truncated map, a truncated GeoJSON
    stale = out / f".{KYIV}.html.x1y2z3.tmp"
    stale.write_text("<html><body>half", encoding="utf-8")
    kyiv_html.write_text(kyiv_html.read_text(encoding="utf-8")[:5000], encoding="utf-8")
    papal_json.write_text(papal_json.read_text(encoding="utf-8")[:300], encoding="utf-8")

    summary = run_batch(folder, out, progress=False)

    assert [r.skipped for r in summary.results[:2]] == [False, False]
    assert [r.error for r in summary.results[:2]] == [None, None]
    assert kyiv_html.read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert json.loads(papal_json.read_text(encoding="utf-8"))["type"] == "FeatureCollection"
    assert [r.article for r in summary.results] == [KYIV, PAPAL, "empty"]  # the .tmp is no article


def test_jsonl_input_with_bad_records_and_unsafe_ids(tmp_path: Path, real_build_story):
    source = tmp_path / "docs.jsonl"
    text = (ARTICLES / f"{KYIV}.txt").read_text(encoding="utf-8")
    lines = [
        json.dumps(
            {"doc_id": "gwn:1/../x", "text": text, "date": "2023-02-21", "title": "Kyiv <b>&amp; trains</b>"}
        ),
        "{not json",
        json.dumps({"doc_id": "no-text"}),
        json.dumps(
            {"doc_id": "quiet", "text": "The committee met for an hour and agreed to talk again soon."}
        ),
        "",
    ]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")

    summary = run_batch(source, tmp_path / "out", progress=False)

    assert [r.article for r in summary.results] == ["gwn:1/../x", "line-2", "no-text", "quiet"]
    first = summary.results[0]
    assert first.error is None and first.html == tmp_path / "out" / "gwn_1_.._x.html"
    assert first.title == "Kyiv <b>&amp; trains</b>"
    geo = json.loads(first.geojson.read_text(encoding="utf-8"))
    assert geo["geostory"]["date"] == "2023-02-21"
    assert "docs.jsonl:2" in summary.results[1].error and "no-text" == summary.results[2].article
    assert "no places" in summary.results[3].error
    page = summary.index.read_text(encoding="utf-8")
    assert "<b>&amp;" not in page and "Kyiv &lt;b&gt;&amp;amp; trains&lt;/b&gt;" in page


def test_unexpected_exception_is_reported_with_its_type(folder: Path, tmp_path: Path, monkeypatch):
    real = batch._build

    def flaky(task):
        if task.article == KYIV:
            raise KeyError("boom")
        return real(task)

    monkeypatch.setattr(batch, "_build", flaky)
    summary = run_batch(folder, tmp_path / "out", progress=False)

    assert by_id(summary)[KYIV].error == "KeyError: 'boom'"
    assert by_id(summary)[PAPAL].error is None


def test_progress_bar_only_when_asked_or_on_a_terminal(folder: Path, tmp_path: Path, capsys):
    out = tmp_path / "out"
    run_batch(folder, out, progress=False)
    assert capsys.readouterr().err == ""
    run_batch(folder, out)  # auto: pytest's stderr is no terminal
    assert capsys.readouterr().err == ""
    run_batch(folder, out, progress=True)
    assert "3/3" in capsys.readouterr().err


@pytest.mark.parametrize(
    "ids, stems",
    [
        (["a", "A", "a"], ["a", "A-2", "a-3"]),
        (["index", "x/y", "x:y"], ["index-2", "x_y", "x_y-2"]),
        (["", "...", "CON"], ["article", "article-2", "_CON"]),
        (["é" * 3 + "b"], ["b"]),
    ],
)
def test_safe_stems_are_unique_and_portable(ids, stems):
    assert _safe_stems(ids) == stems


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"jobs": 0}, ConfigurationError),
        ({"jobs": "2"}, ConfigurationError),
    ],
)
def test_bad_options_raise(tmp_path: Path, kwargs, error):
    with pytest.raises(error):
        run_batch(ARTICLES, tmp_path / "out", **kwargs)


def test_bad_source_raises(tmp_path: Path):
    with pytest.raises(InputError):
        run_batch(tmp_path / "missing", tmp_path / "out")
    with pytest.raises(ConfigurationError, match="another folder"):
        run_batch(tmp_path, tmp_path)


def test_missing_dask_names_the_extra(tmp_path: Path, monkeypatch):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Talks in Paris.", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if not installed
    with pytest.raises(ConfigurationError, match=r"pip install 'geostory\[dask\]'"):
        run_batch(tmp_path / "in", tmp_path / "out", scheduler="local")


# --------------------------------------------------------------------------------------------
# Several processes


@pytest.mark.slow
def test_process_pool_gives_the_same_maps_in_input_order(folder: Path, tmp_path: Path):
    serial = run_batch(folder, tmp_path / "one", progress=False)
    pooled = run_batch(folder, tmp_path / "two", jobs=2, progress=False)

    assert [(r.article, r.places, r.legs, r.error is None) for r in pooled.results] == [
        (r.article, r.places, r.legs, r.error is None) for r in serial.results
    ]
    for stem in (KYIV, PAPAL):
        assert (tmp_path / "two" / f"{stem}.geojson").read_bytes() == (
            tmp_path / "one" / f"{stem}.geojson"
        ).read_bytes()


@pytest.mark.slow
def test_geoparse_many_on_two_processes_matches_one(real_build_story):
    docs = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(ARTICLES.glob("*.txt"))[:6]]
    one = [(g.doc_id, g.mentions, g.places) for g in geoparse_many(docs, jobs=1)]
    two = [(g.doc_id, g.mentions, g.places) for g in geoparse_many(docs, jobs=2, chunk_size=2)]
    assert two == one and [d for d, _, _ in two] == [d for d, _ in docs]


@pytest.mark.slow
def test_local_dask_cluster_writes_the_maps(tmp_path: Path, real_build_story):
    pytest.importorskip("distributed")
    source = tmp_path / "in"
    source.mkdir()
    for stem in (KYIV, PAPAL):
        shutil.copyfile(ARTICLES / f"{stem}.txt", source / f"{stem}.txt")

    summary = run_batch(source, tmp_path / "out", scheduler="local", jobs=2, progress=False)

    assert [r.article for r in summary.results] == [KYIV, PAPAL]
    assert all(r.error is None and r.places > 0 and r.geojson.exists() for r in summary.results), (
        summary.results
    )
    assert "2 of 2 articles mapped" in summary.index.read_text(encoding="utf-8")
