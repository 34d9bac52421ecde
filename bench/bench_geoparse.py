"""Geoparsing benchmark: `geostory geoparse` on the public GeoWebNews and LGL corpora.

    python bench/bench_geoparse.py [--eval-dir ../shared/eval] [--corpus geowebnews lgl]
                                   [--errors N] [--keep DIR]

Runs the same command a user runs, scores it with the corpora's own `score.py`, and prints
recognition P/R/F1, end-to-end Acc@161, throughput, and a breakdown of the misses by gold type
(GeoWebNews `type`, LGL GeoNames `feature_code`). The corpora are read where they lie and never
copied; the benchmark skips with a message when they are absent.
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def haversine_km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def breakdown(gold_path: Path, pred_path: Path, show: int) -> dict:
    gold = {d["doc_id"]: d for d in map(json.loads, gold_path.open(encoding="utf-8"))}
    pred = {d["doc_id"]: d for d in map(json.loads, pred_path.open(encoding="utf-8"))}
    by_type = collections.defaultdict(collections.Counter)
    missed, wrong = collections.Counter(), collections.Counter()
    for doc_id, doc in gold.items():
        spans = {(t["start"], t["end"]): t for t in pred.get(doc_id, {}).get("toponyms", [])}
        for t in doc["toponyms"]:
            if t.get("lat") is None:
                continue
            kind = t.get("type") or t.get("feature_code") or "?"
            p = spans.get((t["start"], t["end"]))
            if p is None:
                by_type[kind]["missed"] += 1
                missed[t["name"]] += 1
            elif p["lat"] is None or haversine_km(t["lat"], t["lon"], p["lat"], p["lon"]) >= 161:
                by_type[kind]["wrong"] += 1
                wrong[t["name"]] += 1
            else:
                by_type[kind]["ok"] += 1
    table = {k: dict(v) for k, v in sorted(by_type.items(), key=lambda kv: -sum(kv[1].values()))}
    return {"by_type": table, "top_missed": missed.most_common(show), "top_wrong": wrong.most_common(show)}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--eval-dir", default=str(HERE.parent.parent / "shared" / "eval"))
    parser.add_argument("--corpus", nargs="+", default=["geowebnews", "lgl"])
    parser.add_argument(
        "--errors", type=int, default=0, metavar="N", help="also list the N most missed/wrong names"
    )
    parser.add_argument("--model", default=None)
    parser.add_argument(
        "--keep",
        default=None,
        metavar="DIR",
        help="keep the predictions as DIR/CORPUS.pred.jsonl (for bench/analyse_places.py)",
    )
    args = parser.parse_args()
    eval_dir = Path(args.eval_dir)
    if not (eval_dir / "score.py").exists():
        print(f"skipped: no evaluation corpora at {eval_dir}")
        return 0
    spec = importlib.util.spec_from_file_location("score", eval_dir / "score.py")
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    with tempfile.TemporaryDirectory() as tmp:
        for corpus in args.corpus:
            gold = eval_dir / f"{corpus}.jsonl"
            source = Path(tmp) / f"{corpus}.in.jsonl"
            with source.open("w", encoding="utf-8") as out:
                docs = [json.loads(line) for line in gold.open(encoding="utf-8")]
                for d in docs:
                    out.write(json.dumps({"doc_id": d["doc_id"], "text": d["text"]}) + "\n")
            pred = Path(args.keep or tmp) / f"{corpus}.pred.jsonl"
            pred.parent.mkdir(parents=True, exist_ok=True)
            command = [sys.executable, "-m", "geostory", "geoparse", str(source), "-o", str(pred)]
            if args.model:
                command += ["--model", args.model]
            started = time.perf_counter()
            subprocess.run(command, check=True)
            elapsed = time.perf_counter() - started
            result = score.score_jsonl(str(gold), str(pred))
            print(
                json.dumps(
                    {
                        "corpus": corpus,
                        "docs": len(docs),
                        "seconds": round(elapsed, 1),
                        "docs_per_s": round(len(docs) / elapsed, 1),
                        **result,
                    },
                    ensure_ascii=False,
                )
            )
            print(json.dumps(breakdown(gold, pred, args.errors), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
