#!/usr/bin/env python3
"""Journeys on real news: the real pipeline on GeoWebNews/LGL articles with hand-made story gold.

The gold files in bench/stories/real/ were written from the articles before geostory was run on
them; they hold names, coordinates and legs only, and point at their article by `doc_id`. The
article texts are read from ../shared/eval/ (never copied into the repo). Each article belongs to
a batch (bench/stories/real/MANIFEST-*.csv); the first run of a batch is its honest number.

For comparison, the naive peer connects the pipeline's own places in order of first mention
(one leg per consecutive pair, no mode), scored with the same points.

    python bench/bench_story_real.py [--batch gwn-1] [--only 'gwn-1[0-9]$'] [-v] [--json OUT]

Prints one row per article and, per batch and overall: leg recall, right mode, leg precision,
legs drawn on articles that report no journey, place recall and mean place precision.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
GOLD_DIR = ROOT / "bench" / "stories" / "real"
CORPORA = {"gwn": "geowebnews.jsonl", "lgl": "lgl.jsonl"}


@dataclass
class Tally:
    """Micro-averaged counts over a set of articles."""

    articles: int = 0
    legs: int = 0
    hit: int = 0
    mode: int = 0
    drawn: int = 0
    good: int = 0
    places: int = 0
    found: int = 0
    precision_sum: float = 0.0
    quiet_articles: int = 0  # articles whose gold reports no journey
    quiet_legs: int = 0  # legs drawn on those
    missed: list[str] = field(default_factory=list)
    why: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, gold: dict, result: dict, name: str) -> None:
        n, n_places = len(gold["legs"]), len(gold["places"])
        self.articles += 1
        self.legs += n
        self.hit += round(result["leg_recall"] * n)
        self.mode += round(result["leg_mode_ok"] * n)
        self.drawn += result["n_legs_out"]
        self.good += round(result["leg_precision"] * result["n_legs_out"])
        self.places += n_places
        self.found += round(result["place_recall"] * n_places)
        self.precision_sum += result["place_precision"]
        if not n:
            self.quiet_articles += 1
            self.quiet_legs += result["n_legs_out"]
        self.missed.extend(f"{name}: {leg}" for leg in result["missed_legs"])

    def row(self) -> dict[str, float | int]:
        return {
            "articles": self.articles,
            "gold_legs": self.legs,
            "drawn": self.drawn,
            "leg_recall": round(self.hit / self.legs, 3) if self.legs else 1.0,
            "right_mode": round(self.mode / self.legs, 3) if self.legs else 1.0,
            "leg_precision": round(self.good / self.drawn, 3) if self.drawn else 1.0,
            "legs_on_quiet": f"{self.quiet_legs} on {self.quiet_articles}",
            "place_recall": round(self.found / self.places, 3) if self.places else 1.0,
            "place_precision": round(self.precision_sum / self.articles, 3) if self.articles else 1.0,
        }


def missed_leg_causes(storyscore, gold: dict, collection: dict) -> list[str]:
    """Why each required leg was missed: an end was never pinned, or both were and no leg joined them."""
    names: set[str] = set()
    drawn: set[tuple[str, str]] = set()
    for feature in collection["features"]:
        props = feature["properties"]
        if feature["geometry"]["type"] == "Point":
            names |= storyscore.names_of(props)
        else:
            drawn.add((storyscore.norm(props.get("from", "")), storyscore.norm(props.get("to", ""))))
    causes = []
    for leg in gold["legs"]:
        ends = [{storyscore.norm(x) for x in leg[key]} for key in ("from", "to")]
        if any(a in ends[0] and b in ends[1] for a, b in drawn):
            continue
        if not (ends[0] & names and ends[1] & names):
            causes.append("an end not pinned")
        elif any(b in ends[0] and a in ends[1] for a, b in drawn):
            causes.append("drawn the wrong way")
        elif any(a in ends[0] for a, _ in drawn) or any(b in ends[1] for _, b in drawn):
            causes.append("one end joined elsewhere")
        else:
            causes.append("both ends pinned, no leg")
    return causes


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _documents() -> dict[str, dict]:
    docs = {}
    for file in CORPORA.values():
        with open(EVAL / file, encoding="utf-8") as handle:
            for line in handle:
                doc = json.loads(line)
                docs[doc["doc_id"]] = doc
    return docs


def _batches() -> dict[str, str]:
    """gold file stem -> batch name, from the manifests."""
    batches = {}
    for manifest in sorted(GOLD_DIR.glob("MANIFEST-*.csv")):
        with open(manifest, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                batches[row["doc_id"].replace(":", "-")] = row["batch"]
    return batches


def naive_collection(story) -> dict:
    """The pipeline's points, and legs joining consecutive places in order of first mention."""
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [p.longitude, p.latitude]},
            "properties": {"name": p.name, "mentions": [m.text for m in p.mentions]},
        }
        for p in story.places
    ]
    ordered = sorted(story.places, key=lambda p: min(m.start for m in p.mentions))
    for a, b in pairwise(ordered):
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "LineString",
                    "coordinates": [[a.longitude, a.latitude], [b.longitude, b.latitude]],
                },
                "properties": {"from": a.name, "to": b.name, "mode": None},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _print_story(story) -> None:
    for leg in story.legs:
        print(f"    LEG {leg.origin.name} -> {leg.destination.name} {leg.mode} {leg.status} {leg.actors}")
    for visit in story.visits:
        print(f"    VISIT {visit.place.name} {visit.status} {visit.actors}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", help="only this batch (e.g. gwn-1)")
    parser.add_argument("--only", help="only gold stems matching this regular expression")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--json", help="write the summary rows to this file")
    args = parser.parse_args()
    if not (EVAL / "storyscore.py").exists():
        print(f"skipped: {EVAL} not found")
        return 0
    from geostory.export import to_geojson
    from geostory.model import Article
    from geostory.pipeline import build_story

    storyscore = _load("storyscore", EVAL / "storyscore.py")
    docs, batches = _documents(), _batches()
    tallies: dict[str, Tally] = defaultdict(Tally)
    for gold_path in sorted(
        GOLD_DIR.glob("*.gold.json"),
        key=lambda p: (p.name.split("-")[0], int(re.sub(r"\D", "", p.name) or 0)),
    ):
        stem = gold_path.name[: -len(".gold.json")]
        batch = batches.get(stem, "unbatched")
        if (args.batch and batch != args.batch) or (args.only and not re.search(args.only, stem)):
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        doc = docs[gold["doc_id"]]
        story = build_story(Article(text=doc["text"], title=doc.get("title"), url=doc.get("url")))
        result = storyscore.score(gold, json.loads(json.dumps(to_geojson(story))))
        naive = storyscore.score(gold, naive_collection(story))
        causes = missed_leg_causes(storyscore, gold, json.loads(json.dumps(to_geojson(story))))
        for key in (batch, "all"):
            tallies[key].add(gold, result, stem)
            tallies[f"{key} (naive)"].add(gold, naive, stem)
            for cause in causes:
                tallies[key].why[cause] += 1
        print(
            f"{stem:10} {batch:8} legs {len(gold['legs'])} drawn {result['n_legs_out']:2} "
            f"R {result['leg_recall']:.2f} M {result['leg_mode_ok']:.2f} P {result['leg_precision']:.2f} "
            f"| places R {result['place_recall']:.2f} P {result['place_precision']:.2f}"
        )
        if args.verbose:
            print(f"    missed legs {result['missed_legs']}  missed places {result['missed']}")
            _print_story(story)
    if not tallies:
        print("no gold files matched")
        return 1
    summary = {name: tally.row() for name, tally in sorted(tallies.items())}
    columns = list(next(iter(summary.values())))
    print("\n| set | " + " | ".join(columns) + " |")
    print("|---" * (len(columns) + 1) + "|")
    for name, row in summary.items():
        print(f"| {name} | " + " | ".join(str(row[c]) for c in columns) + " |")
    print("\nmissed required legs by cause:")
    for name, tally in sorted(tallies.items()):
        if tally.why:
            print(f"  {name}: " + ", ".join(f"{k} {v}" for k, v in sorted(tally.why.items())))
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
