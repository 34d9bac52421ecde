"""Error breakdown of a geoparsing run by the classes of issue 12.

    python bench/bench_geoparse.py --keep /tmp/run
    python bench/analyse_places.py /tmp/run [--eval-dir ../shared/eval] [--examples 8]

Reads the predictions `bench_geoparse.py --keep` left and the gold files where they lie (never
copied) and sorts every error into one class:

gold toponyms (with coordinates) that are not ok end to end
- namesake: the span is found, the pin is >161 km off, and the gazetteer holds the name within
  161 km of the gold point (resolution chose another place of that name);
- off-gazetteer: found but wrong, and no entry of that name lies near the gold point (coverage, or
  a region's centre far from GeoNames' point);
- fragment / overlong: a prediction overlaps the gold span but is shorter ("Marsden" for "Royal
  Marsden") or longer;
- missed, in gazetteer: no overlapping prediction though the gazetteer holds the exact name as a
  populated place, region or country (what item 3 could recover);
- missed, other: no overlapping prediction and no such entry (demonyms, rivers, streets ...);
- facility: any of the above whose gold name ends in a facility word (counted again here).

predictions that match no gold span (false positives)
- person: the article writes the name as a person's ("Mr. X", "X said", a capitalised given name
  before it elsewhere);
- generic: a one-word prediction that is a common English word in lower case elsewhere in the
  article, or a bare kind word (Air Force Base, Station, Valley);
- facility: ends in a facility word;
- other: everything else (mostly annotation convention: streets, demonyms, places in names).

duplicates (item 6): names for which the index holds a city and a region or county of the same
name within 30 km of each other.
"""

from __future__ import annotations

import argparse
import collections
import json
import math
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

FACILITY = re.compile(
    r"\b(airport|air ?base|air force base|station|hospital|university|college|hotel|port|"
    r"harbou?r|stadium|base|prison|school|museum|church|mosque|bridge|park|square)$",
    re.I,
)
KIND_WORDS = frozenset("air force base station valley city county state river lake port airport".split())
PERSON_CUES = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Col|Capt|Lt|Sgt|President|Judge|Coach)\.?\s+$")


def km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def looks_personal(text: str, start: int, end: int, name: str) -> bool:
    if PERSON_CUES.search(text[max(0, start - 12) : start]):
        return True
    after = text[end : end + 12]
    if re.match(r"\s*(?:,\s*\d{1,2}\s*,|said|says|told)", after):
        return True
    # the name after a capitalised given name anywhere in the article ("Tom Lincoln")
    return bool(re.search(rf"\b[A-Z][a-z]+ {re.escape(name)}\b(?!\s+(?:County|City|Street|Road))", text))


def classify_doc(doc: dict, pred: dict, gazetteer, gold_counts, fp_counts, examples):
    text = doc["text"]
    gold = [t for t in doc["toponyms"]]
    preds = pred.get("toponyms", [])
    by_span = {(p["start"], p["end"]): p for p in preds}
    gold_spans = {(t["start"], t["end"]) for t in gold}
    for t in gold:
        if t.get("lat") is None:
            continue
        name = t["name"]
        p = by_span.get((t["start"], t["end"]))
        cls = None
        if p is not None:
            if p["lat"] is not None and km(t["lat"], t["lon"], p["lat"], p["lon"]) < 161:
                cls = "ok"
            else:
                near = any(
                    km(t["lat"], t["lon"], c.latitude, c.longitude) < 161
                    for c in gazetteer.candidates(name, limit=200)
                )
                cls = "namesake" if near else "off-gazetteer"
        else:
            overlap = [q for q in preds if q["start"] < t["end"] and t["start"] < q["end"]]
            if overlap:
                q = overlap[0]
                cls = "fragment" if t["start"] <= q["start"] and q["end"] <= t["end"] else "overlong"
            else:
                found = gazetteer.candidates(name, limit=5)
                held = any(
                    c.place_type in ("city", "region", "country", "county")
                    and km(t["lat"], t["lon"], c.latitude, c.longitude) < 161
                    for c in found
                )
                cls = "missed, in gazetteer" if held else "missed, other"
        gold_counts[cls] += 1
        if cls != "ok":
            examples[cls].append(f"{name} [{doc['doc_id']}]" + (f" -> {p['lat']},{p['lon']}" if p else ""))
            if FACILITY.search(name):
                gold_counts["(facility, any class)"] += 1
    for p in preds:
        if (p["start"], p["end"]) in gold_spans:
            continue
        if any(p["start"] < e and s < p["end"] for s, e in gold_spans):
            fp_counts["boundary (see fragment/overlong)"] += 1
            continue
        name = p["name"]
        words = name.split()
        if looks_personal(text, p["start"], p["end"], name):
            cls = "person"
        elif (len(words) == 1 and re.search(rf"\b{re.escape(name.lower())}\b", text)) or all(
            w.lower() in KIND_WORDS for w in words
        ):
            cls = "generic"
        elif FACILITY.search(name):
            cls = "facility"
        else:
            cls = "other"
        fp_counts[cls] += 1
        examples["FP " + cls].append(f"{name} [{doc['doc_id']}]")


def duplicates(gazetteer) -> int:
    rows = gazetteer._query(
        "SELECT COUNT(DISTINCT a.key) FROM names a JOIN places pa ON pa.id = a.place_id "
        "JOIN names b ON b.key = a.key AND b.place_id != a.place_id JOIN places pb ON pb.id = b.place_id "
        "WHERE pa.place_type = 'city' AND pb.place_type IN ('region', 'county') AND pa.population >= 100000 "
        "AND pa.country_code = pb.country_code AND abs(pa.latitude - pb.latitude) < 0.27 "
        "AND abs(pa.longitude - pb.longitude) < 0.4"
    )
    return rows[0][0]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("run", help="the --keep folder of bench_geoparse.py")
    parser.add_argument("--eval-dir", default=str(HERE.parent.parent / "shared" / "eval"))
    parser.add_argument("--corpus", nargs="+", default=["geowebnews", "lgl"])
    parser.add_argument("--examples", type=int, default=0)
    args = parser.parse_args()
    from geostory.gazetteer import Gazetteer

    gazetteer = Gazetteer()
    for corpus in args.corpus:
        gold_path = Path(args.eval_dir) / f"{corpus}.jsonl"
        pred_path = Path(args.run) / f"{corpus}.pred.jsonl"
        if not gold_path.exists() or not pred_path.exists():
            print(f"skipped {corpus}: missing {gold_path if not gold_path.exists() else pred_path}")
            continue
        preds = {d["doc_id"]: d for d in map(json.loads, pred_path.open(encoding="utf-8"))}
        gold_counts, fp_counts = collections.Counter(), collections.Counter()
        examples = collections.defaultdict(list)
        for doc in map(json.loads, gold_path.open(encoding="utf-8")):
            classify_doc(doc, preds.get(doc["doc_id"], {}), gazetteer, gold_counts, fp_counts, examples)
        out = {
            "corpus": corpus,
            "gold": dict(gold_counts.most_common()),
            "false_positives": dict(fp_counts.most_common()),
        }
        print(json.dumps(out, ensure_ascii=False))
        if args.examples:
            for cls, items in sorted(examples.items()):
                common = collections.Counter(i.split(" [")[0] for i in items).most_common(args.examples)
                print(f"  {cls}: " + "; ".join(f"{n} x{c}" for n, c in common))
    print(json.dumps({"duplicate_city_region_names": duplicates(gazetteer)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
