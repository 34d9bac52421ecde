"""Fast iteration on recognition: parse the corpora once, then re-run only recognize (+ resolve).

    python bench/tune_recognition.py [--eval-dir ../shared/eval] [--corpus geowebnews lgl]
                                     [--show 25] [--no-resolve] [--reparse] [--cache /tmp/gs-tune]

The first run parses every article with the same pipeline `geostory geoparse` uses
(`load_pipeline(with_parser=False)` + `parse_many`) and caches the Docs as a `DocBin` under
`--cache`; later runs load them in a second or two, so one iteration of `recognize.py` costs
seconds, not minutes. Prints strict recognition P/R/F1 and end-to-end Acc@161 per corpus (the
definitions of the corpora's `score.py`, copied below), then the most frequent false positives,
misses and partial spans (a prediction that overlaps a gold span without matching it).

The corpora are read where they lie (`../shared/eval/`) and never copied; only parsed Docs are
cached, in a temporary directory outside the repository.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import math
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance as the corpora's score.py computes it."""
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))


def load_docs(corpus_path: Path, cache_dir: Path, reparse: bool):
    """The corpus records and their parsed Docs, parsed once and cached as a DocBin."""
    from spacy.tokens import DocBin

    from geostory.language import load_pipeline, parse_many

    records = [json.loads(line) for line in corpus_path.open(encoding="utf-8") if line.strip()]
    nlp = load_pipeline(with_parser=False)
    digest = hashlib.sha1(corpus_path.read_bytes()).hexdigest()[:12]
    cached = cache_dir / f"{corpus_path.stem}-{digest}.spacy"
    if cached.exists() and not reparse:
        docs = list(DocBin().from_disk(cached).get_docs(nlp.vocab))
    else:
        started = time.perf_counter()
        docs = list(parse_many((r["text"] for r in records), nlp))
        print(f"parsed {corpus_path.name} in {time.perf_counter() - started:.1f}s", file=sys.stderr)
        cache_dir.mkdir(parents=True, exist_ok=True)
        DocBin(attrs=["ORTH", "TAG", "POS", "MORPH", "ENT_IOB", "ENT_TYPE", "SENT_START"], docs=docs).to_disk(
            cached
        )
    if len(docs) != len(records) or any(d.text != r["text"] for d, r in zip(docs, records, strict=True)):
        raise SystemExit(f"cached Docs do not match {corpus_path}; run with --reparse")
    return records, docs


def predict(records, docs, gazetteer, with_resolve: bool):
    """doc_id -> list of (start, end, text, label, kind, lat, lon)."""
    from geostory.recognize import recognize
    from geostory.resolve import resolve

    out = {}
    recognize_s = resolve_s = 0.0
    for record, doc in zip(records, docs, strict=True):
        t0 = time.perf_counter()
        mentions = recognize(doc, gazetteer)
        t1 = time.perf_counter()
        coords = {}
        if with_resolve:
            resolution = resolve(mentions, doc.text, gazetteer=gazetteer)
            for place in resolution.places:
                for m in place.mentions:
                    coords[(m.start, m.end)] = (place.latitude, place.longitude)
        t2 = time.perf_counter()
        recognize_s += t1 - t0
        resolve_s += t2 - t1
        out[record["doc_id"]] = [
            (m.start, m.end, m.text, m.label, m.kind, *coords.get((m.start, m.end), (None, None)))
            for m in mentions
        ]
    return out, recognize_s, resolve_s


def score(records, pred, with_resolve: bool, show: int) -> dict:
    tp = n_gold = n_pred = 0
    ok = n_coords = 0
    false_pos, misses, partial = collections.Counter(), collections.Counter(), collections.Counter()
    fp_labels = collections.Counter()
    for record in records:
        gold = {(t["start"], t["end"]): t for t in record["toponyms"]}
        mine = {(p[0], p[1]): p for p in pred.get(record["doc_id"], [])}
        n_gold += len(gold)
        n_pred += len(mine)
        tp += len(gold.keys() & mine.keys())
        for (s, e), p in mine.items():
            if (s, e) in gold:
                continue
            over = [g for (gs, ge), g in gold.items() if gs < e and s < ge]
            if over:
                partial[f"{p[2]} -> {over[0]['name']}"] += 1
            else:
                false_pos[f"{p[2]} [{p[3]}/{p[4]}]"] += 1
                fp_labels[p[3]] += 1
        for (s, e), g in gold.items():
            if (s, e) not in mine and not any(ps < e and s < pe for (ps, pe) in mine):
                misses[g["name"]] += 1
            if g.get("lat") is None:
                continue
            n_coords += 1
            p = mine.get((s, e))
            if p is not None and p[5] is not None and haversine_km(g["lat"], g["lon"], p[5], p[6]) < 161:
                ok += 1
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "P": round(precision, 4),
        "R": round(recall, 4),
        "F1": round(f1, 4),
        "e2e_acc@161": round(ok / n_coords, 4) if with_resolve and n_coords else None,
        "n_gold": n_gold,
        "n_pred": n_pred,
        "tp": tp,
        "fp_by_label": dict(fp_labels.most_common()),
        "top_false_positives": false_pos.most_common(show),
        "top_misses": misses.most_common(show),
        "top_partial": partial.most_common(show),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--eval-dir", default=str(HERE.parent.parent / "shared" / "eval"))
    parser.add_argument("--corpus", nargs="+", default=["geowebnews", "lgl"])
    parser.add_argument(
        "--cache", default="/tmp/gs-tune", help="where parsed Docs are cached (outside the repo)"
    )
    parser.add_argument("--show", type=int, default=25, help="how many top errors of each kind to list")
    parser.add_argument("--no-resolve", action="store_true", help="recognition only (no end-to-end accuracy)")
    parser.add_argument("--reparse", action="store_true", help="parse again even when cached Docs exist")
    parser.add_argument(
        "--dump", metavar="FILE", help="also write the predictions as JSONL (outside the repo)"
    )
    args = parser.parse_args()
    eval_dir = Path(args.eval_dir)
    if not eval_dir.exists():
        print(f"skipped: no evaluation corpora at {eval_dir}")
        return 0
    from geostory.gazetteer import default_gazetteer

    gazetteer = default_gazetteer()
    dumped = {}
    for corpus in args.corpus:
        records, docs = load_docs(eval_dir / f"{corpus}.jsonl", Path(args.cache), args.reparse)
        pred, recognize_s, resolve_s = predict(records, docs, gazetteer, not args.no_resolve)
        result = score(records, pred, not args.no_resolve, args.show)
        head = {k: result[k] for k in ("P", "R", "F1", "e2e_acc@161", "n_gold", "n_pred", "tp")}
        print(
            json.dumps(
                {
                    "corpus": corpus,
                    **head,
                    "recognize_s": round(recognize_s, 2),
                    "resolve_s": round(resolve_s, 2),
                }
            )
        )
        if args.show:
            print("  false positives by label:", result["fp_by_label"])
            for key in ("top_false_positives", "top_misses", "top_partial"):
                print(f"  {key}: " + "; ".join(f"{name} x{n}" for name, n in result[key]))
        dumped[corpus] = pred
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as out:
            for corpus, pred in dumped.items():
                for doc_id, rows in pred.items():
                    out.write(
                        json.dumps({"corpus": corpus, "doc_id": doc_id, "mentions": rows}, ensure_ascii=False)
                        + "\n"
                    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
