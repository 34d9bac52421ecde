"""Resolve: pin each mentioned name where it really is, using the whole article as context.

A name's candidates come from the offline gazetteer. Each is scored by

- its prior: countries and first-level regions before cities, larger places before smaller;
- the article's geography: the countries and regions it names (a "Gainesville" in an article
  that names Florida), "X, Y" qualifiers ("Paris, Texas"), and closeness to the places the
  article names unambiguously (spatial coherence);
- the mention's wording: "... Airport" wants an airport, "... County" a county;
- names joined by "and"/"or" are of one kind ("Kent and Essex"), and a longer name in the
  article ("Mexico City") is no evidence for a shorter one ("Mexico").

A town that only its country's vote carries yields to a namesake city twenty times its size.

Two passes: unambiguous names first, then every name again with their context. A facility the
gazetteer lacks is placed at its container ("a palace in Kyiv", "Colorado State University") and
marked approximate; what still has no candidate may go to an optional online geocoder; the rest
is reported unresolved, never dropped silently (a name "X City" the gazetteer lacks, "Stoke City",
is first pinned approximately at the town X). User overrides pin or exclude names first.
"""

from __future__ import annotations

import bisect
import functools
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol

from .gazetteer import country_neighbours, currency_countries, normalize_name
from .geo import EARTH_RADIUS_KM, SAME_PLACE_KM, distance_km
from .geo import great_circle_km as _km  # ranking distance: called a lot, plain maths
from .model import NEAR_KEY, Candidate, Mention, Place, PlaceType, Resolution

if TYPE_CHECKING:
    from geopy.location import Location

    from .overrides import Override


class Gazetteer(Protocol):
    """The parts of the offline gazetteer resolution uses (`geostory.gazetteer.Gazetteer`)."""

    def candidates(self, name: str, *, limit: int = 25) -> list[Candidate]: ...

    def country(self, code: str) -> Candidate | None: ...

    def admin1_name(self, country_code: str, admin1: str) -> str | None: ...


class Geocoder(Protocol):
    """geopy's contract; the offline gazetteer and any geopy geocoder satisfy it."""

    def geocode(self, query: str, *, exactly_one: bool = True) -> Location | None: ...


# Priors in units of log10(population): a region counts like a city of a million, and so on.
TYPE_PRIOR: dict[str, float] = {
    "country": 12.0,
    "continent": 10.0,
    "water": 7.5,
    "landmark": 7.5,
    "region": 6.0,
    "county": 4.0,
    "airport": 3.0,
    "other": 2.0,
}
CAPITAL_BONUS = 0.6
# A first-level region counts like a city of a million, but never more than ten times its own
# people: Jamaica's Portland parish (22,000) is not the Portland a story means.
SMALL_REGION = 1.0
WORDING_TYPES: dict[str, PlaceType] = {
    "airport": "airport",
    "airfield": "airport",
    "base": "airport",
    "county": "county",
    "parish": "county",
    "province": "region",
    "state": "region",
    "oblast": "region",
    "region": "region",
    "river": "water",
    "sea": "water",
    "ocean": "water",
    "lake": "water",
}
COUNTRY_WEIGHT = 3.0  # for a candidate in the country all the other names are in
REGION_WEIGHT = 3.0  # for one in the region all the other sub-national names are in
COHERENCE_WEIGHT = 2.0  # for one next to another named place, fading over COHERENCE_KM
COHERENCE_KM = 150.0
CONTEXT_ROUNDS = 3
# Names joined by "and"/"or" are of a kind: a reading that is a country or a first-level region
# like its partner's gets COORDINATION_BONUS ("Kent and Essex" are two counties, not a county and
# a village in it; "Oregon or Idaho" two states).
COORDINATING_LINKS = frozenset(("and", "or", "&", ", and", ", or"))
COORDINATED_TYPES: frozenset[PlaceType] = frozenset(("region", "country"))
COORDINATION_BONUS = 2.0
CITY_WORD = "city"  # "Stoke City": a name the gazetteer lacks is named after the town
NEIGHBOUR_SHARE = 0.5  # a vote for a bordering country counts this much towards a candidate's country
ALTERNATIVE_MARGIN = 3.0  # runner-ups scoring within this of the winner are offered as alternatives
_LATITUDE_KM = EARTH_RADIUS_KM * math.pi / 180  # km per degree of latitude on the ranking sphere
PRIOR_SCALE = 0.5  # log10(population) units -> score units
EXACT_NAME_BONUS = 1.0
QUALIFIER_BONUS = 4.0  # "Paris, Texas": for the qualified state or country, times the qualified share
SMALL_LIFT = 0.3  # the share of context a place of population ~1 gets ...
FULL_LIFT_LOG_POP = 5.0  # ... rising to all of it at 10**5 inhabitants
PLACE_TYPES: tuple[PlaceType, ...] = (
    "continent",
    "country",
    "region",
    "county",
    "city",
    "landmark",
    "airport",
    "water",
    "other",
)
FACILITY_CONTAINER_KM = 2 * SAME_PLACE_KM  # a facility the geocoder finds is this near its container
OVERRIDE_CONFIRMS_KM = 2 * SAME_PLACE_KM  # a user's pin this near the gazetteer's reading confirms it
STATION_NAME_WORDS = frozenset(("station", "railway", "train", "bus"))  # "Waterloo train station"
CONTAINER_LINKS = (" in ", " at ", ", ", " near ", " outside ", " of ")
# A town and a county that have readings next to each other ("Huntsville" and "Walker County",
# "Paris" and "Henry County") support those readings: each other name gives PAIR_WEIGHT, shared
# among this name's readings it sits next to, up to PAIR_CAP in all.
PAIR_KM = 60.0
PAIR_WEIGHT = 1.5
PAIR_CAP = 3.0
# A country the article names and no other reading lies in is explained by the name's first
# reading (the gazetteer's prior) if that is a city there: "a flight from the US to France ...
# Paris" is the French capital, whatever the US towns say. It only ever backs the prior.
EXPLAINS_COUNTRY_BONUS = 3.5
# A town with no support in the article but its country's vote does not outrank a namesake city
# this many times its size (`_country_vote_alone`); the city then leads by YIELD_MARGIN (in doubt).
NAMESAKE_RATIO = 20
NAMESAKE_TOWN = 100_000  # ... if it is a town: a city of its own (Alexandria, Virginia) keeps its votes
YIELD_MARGIN = 0.1


@dataclass(frozen=True)
class _Group:
    """Mentions that write the same name, resolved together."""

    query: str
    mentions: tuple[Mention, ...]


def resolve(
    mentions: Sequence[Mention],
    text: str,
    *,
    gazetteer: Gazetteer,
    geocoder: Geocoder | None = None,
    overrides: Mapping[str, Override] | None = None,
) -> Resolution:
    """Resolve mentions of one article (its `text`) to places; see the module docstring."""
    overrides = overrides or {}
    groups = _group(mentions)
    options = {g.query: _candidates(gazetteer, g) for g in groups}
    qualifiers = _qualifier_names(_qualifiers(mentions, text), options)
    pairs = _pair_support(groups, options)

    # Each name votes for its current best reading; every name is then ranked again against the
    # others' votes (never its own), so clear names steer ambiguous ones. The article's currency
    # votes for its country like one more name ("a £1,700 repair bill": Oxford is in England).
    money = _currency_votes(text, gazetteer)
    longer = _longer_forms(groups)
    context = _Context(
        [
            _Vote(g.query, found[0], 1.0)
            for g in groups
            if (found := options[g.query])
            and (len(found) == 1 or found[0].place_type in ("country", "continent"))
        ]
        + money,
        longer,
    )
    partners = _coordinated(groups, text)
    ranking: dict[str, list[tuple[float, Candidate]]] = {}
    for _ in range(CONTEXT_ROUNDS):
        readings = {q: ranked[0][1] for q, ranked in ranking.items()} or {
            q: found[0] for q, found in options.items() if found
        }
        kinds = {
            q: frozenset(readings[p].place_type for p in ps if p in readings) for q, ps in partners.items()
        }
        ranking = {
            g.query: _rank(options[g.query], g, context, qualifiers, gazetteer, pairs, kinds.get(g.query))
            for g in groups
            if options[g.query]
        }
        context = _Context(
            [
                _Vote(q, ranked[0][1], _confidence(ranked) * len(g.mentions) ** 0.5)
                for g in groups
                if (ranked := ranking.get(q := g.query))
            ]
            + money,
            longer,
        )

    places: dict[str, Place] = {}
    unresolved: list[Mention] = []
    pending_facilities: list[_Group] = []
    for group in groups:
        override = _override_for(group.query, overrides)
        if override is not None and override.exclude:
            continue
        if override is not None and override.has_coordinates:
            reading = ranking[group.query][0][1] if group.query in ranking else None
            _merge(places, _override_place(group, override, reading))
            continue
        if not options[group.query]:
            pending_facilities.append(group)
            continue
        place = _place(group, ranking[group.query])
        if override is not None:  # a new label or type for the gazetteer's reading
            place = replace(
                place,
                name=override.display_name or place.name,
                place_type=_place_type(override.place_type, place.place_type),
            )
        _merge(places, place)

    for group in pending_facilities:
        opening = _at_the_town_it_opens_with(group, context, gazetteer)
        facility = (
            _facility(group, places, text, geocoder, loosely=opening is None)
            or _at_its_town(group, places, gazetteer)
            or opening
            or _near_named_town(group, places, gazetteer)
            or _town_with_city(group, places, gazetteer)
        )
        if facility is None:
            unresolved.extend(group.mentions)
        else:
            _merge(places, facility)
    ordered = sorted(places.values(), key=lambda p: p.first_start)
    return Resolution(tuple(ordered), tuple(sorted(unresolved, key=lambda m: m.start)))


def _currency_votes(text: str, gazetteer: Gazetteer) -> list[_Vote]:
    """One vote for each country whose own currency the article writes."""
    votes = []
    for code in sorted(currency_countries(text)):
        country = gazetteer.country(code)
        if country is not None:
            votes.append(_Vote(f"currency:{code}", country, 1.0))
    return votes


# -- grouping and candidates ---------------------------------------------------------------------


def _group(mentions: Sequence[Mention]) -> list[_Group]:
    """Mentions of one name, however cased or punctuated ("MANSFIELD —" and "Mansfield"): one
    name, one vote, so a dateline cannot back its own reading as if it were another place."""
    by_key: dict[str, list[Mention]] = {}
    for mention in mentions:
        by_key.setdefault(normalize_name(mention.query) or mention.query, []).append(mention)
    return [_Group(_group_query(ms), tuple(ms)) for ms in by_key.values()]


def _group_query(mentions: Sequence[Mention]) -> str:
    """The spelling to look the group up by: the first not in capitals, else the first."""
    return next((m.query for m in mentions if not m.query.isupper()), mentions[0].query)


def _candidates(gazetteer: Gazetteer, group: _Group) -> list[Candidate]:
    found = list(gazetteer.candidates(group.query))
    wanted = _wording_type(group.query)
    if wanted and not any(c.place_type == wanted for c in found):
        # "Boone County" may be indexed as "Boone"; "Dulles Airport" as "Dulles".
        stem = group.query.rsplit(" ", 1)[0]
        if stem != group.query:
            found += [c for c in gazetteer.candidates(stem) if c.place_type == wanted]
    return found


def _wording_type(name: str) -> PlaceType | None:
    words = name.lower().split()
    if len(words) < 2:
        return None
    return WORDING_TYPES.get(words[-1]) or WORDING_TYPES.get(words[0])


def _coordinated(groups: Sequence[_Group], text: str) -> dict[str, frozenset[str]]:
    """For each name, the other names joined to it by "and" or "or" ("Kent and Essex",
    "Oregon or Idaho", "Kent, Essex and Surrey"): names listed together are names of a kind. A
    name qualified after it ("Ohio and Paris, Texas") is of its qualifier's kind."""
    spans = sorted((m.start, m.end, g.query) for g in groups for m in g.mentions)
    out: dict[str, set[str]] = {}
    for index in range(len(spans) - 1):
        (_, end, query), (start, after, other) = spans[index], spans[index + 1]
        link = " ".join(text[end:start].split()).lower()
        qualified = index + 2 < len(spans) and text[after : spans[index + 2][0]].strip() == ","
        if query != other and link in COORDINATING_LINKS and not qualified:
            out.setdefault(query, set()).add(other)
            out.setdefault(other, set()).add(query)
    return {q: frozenset(ps) for q, ps in out.items()}


def _qualifiers(mentions: Sequence[Mention], text: str) -> dict[int, Mention]:
    """'Paris, Texas': map a mention's start to the mention that qualifies it."""
    out: dict[int, Mention] = {}
    for first, second in zip(mentions, mentions[1:], strict=False):
        if text[first.end : second.start].strip() == "," and first.kind != "demonym":
            out[first.start] = second
    return out


def _qualifier_names(
    qualifiers: Mapping[int, Mention], options: Mapping[str, list[Candidate]]
) -> dict[int, frozenset[str]]:
    """The names a qualifier stands for: as written, and, for a state or country the gazetteer
    knows it as ("Monroeville, Ala.", "Athens, Ga."), that region's or country's own name."""
    out: dict[int, frozenset[str]] = {}
    for start, qualifier in qualifiers.items():
        names = {qualifier.query.casefold()}
        for candidate in options.get(qualifier.query, [])[:1]:
            if candidate.place_type == "region" and candidate.admin1:
                names.update(
                    (candidate.name.casefold(), f"{candidate.country_code}-{candidate.admin1}".casefold())
                )
            elif candidate.place_type == "country" and candidate.country_code:
                names.update((candidate.name.casefold(), candidate.country_code.casefold()))
        out[start] = frozenset(names)
    return out


# -- scoring ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Vote:
    query: str
    candidate: Candidate
    weight: float


def _longer_forms(groups: Sequence[_Group]) -> dict[str, frozenset[str]]:
    """For each name, the article's other names that open with it and go on ("Mexico" and
    "Mexico City", "York" and "York County")."""
    keys = {g.query: normalize_name(g.query) or g.query for g in groups}
    out: dict[str, frozenset[str]] = {}
    for query, key in keys.items():
        forms = frozenset(other for other, k in keys.items() if k.startswith(key + " "))
        if forms:
            out[query] = forms
    return out


@dataclass(frozen=True)
class _Context:
    """The article's geography: each name's current reading, weighted by confidence.

    Every name asks it once per reading and round, so the votes are indexed (by country, by
    region, by latitude) on first use: a long article's hundreds of names stay near-linear. The
    sums add the same weights in the same order as a plain loop over the votes would."""

    votes: list[_Vote]
    longer: Mapping[str, frozenset[str]] = field(default_factory=dict)  # `_longer_forms`

    def _counts(self, vote: _Vote, query: str, candidate: Candidate) -> bool:
        """Whether a vote is context for this reading of this name: not its own, nor that of a
        longer name opening with it for the very same place ("Mexico City" is no evidence that
        "Mexico" is Mexico City)."""
        return vote.query != query and not (
            vote.candidate.key == candidate.key and vote.query in self.longer.get(query, ())
        )

    def shares(self, query: str, candidate: Candidate) -> tuple[float, float]:
        """The share of the other names' weight in this candidate's country (a neighbouring
        country counts a fraction), and in its region."""
        total, region_total = self._totals(query)
        country = region = 0.0
        longer = self.longer.get(query)
        if longer:
            for vote, term in self._country_terms(candidate.country_code):
                if self._counts(vote, query, candidate):
                    country += term
            for vote in self._by_region.get((candidate.country_code, candidate.admin1), ()):
                if self._counts(vote, query, candidate):
                    region += vote.weight
        else:  # the same sums in the same order, without a call per vote (the loop of a long article)
            for vote, term in self._country_terms(candidate.country_code):
                if vote.query != query:
                    country += term
            for vote in self._by_region.get((candidate.country_code, candidate.admin1), ()):
                if vote.query != query:
                    region += vote.weight
        return (country / total if total else 0.0, region / region_total if region_total else 0.0)

    def _totals(self, query: str) -> tuple[float, float]:
        """The other names' weight, and that of those with a sub-national reading."""
        cached = self._cache.get(("totals", query))
        if cached is None:
            total = region_total = 0.0
            for vote in self.votes:
                if vote.query == query:
                    continue
                total += vote.weight
                if _regional(vote.candidate):
                    region_total += vote.weight
            cached = self._cache[("totals", query)] = (total, region_total)
        return cached

    def _country_terms(self, code: str | None) -> list[tuple[_Vote, float]]:
        """The votes in country `code` (their weight) or next to it (a share), in vote order."""
        cached = self._cache.get(("country", code))
        if cached is None:
            neighbours = country_neighbours(code)
            cached = []
            for vote in self.votes:
                if vote.candidate.country_code == code:
                    cached.append((vote, vote.weight))
                elif vote.candidate.country_code in neighbours:
                    cached.append((vote, NEIGHBOUR_SHARE * vote.weight))
            self._cache[("country", code)] = cached
        return cached

    @functools.cached_property
    def _cache(self) -> dict[tuple[str, str | None], Any]:
        return {}

    @functools.cached_property
    def _by_region(self) -> dict[tuple[str | None, str | None], list[_Vote]]:
        out: dict[tuple[str | None, str | None], list[_Vote]] = {}
        for vote in self.votes:
            if _regional(vote.candidate):
                out.setdefault((vote.candidate.country_code, vote.candidate.admin1), []).append(vote)
        return out

    def unexplained_countries(self, query: str) -> frozenset[str]:
        """Countries the other names name as countries (or by their people) while no other
        name's reading lies inside them."""
        mine = [
            (v.candidate.country_code, v.candidate.place_type == "country")
            for v in self._by_query.get(query, ())
        ]
        named, inside = self._country_uses
        unexplained = {c for c in named if not inside[c]}
        for code in {c for c, _ in mine if c}:  # only the countries this name's own vote touches change
            unexplained.discard(code)
            if named[code] > mine.count((code, True)) and inside[code] == mine.count((code, False)):
                unexplained.add(code)
        return frozenset(unexplained)

    @functools.cached_property
    def _country_uses(self) -> tuple[Counter[str], Counter[str]]:
        """How many votes name each country as a country, and how many lie inside it."""
        named: Counter[str] = Counter()
        inside: Counter[str] = Counter()
        for vote in self.votes:
            if vote.candidate.country_code:
                (named if vote.candidate.place_type == "country" else inside)[
                    vote.candidate.country_code
                ] += 1
        return named, inside

    @functools.cached_property
    def _by_query(self) -> dict[str, list[_Vote]]:
        out: dict[str, list[_Vote]] = {}
        for vote in self.votes:
            out.setdefault(vote.query, []).append(vote)
        return out

    def nearest_km(self, query: str, candidate: Candidate) -> float | None:
        """Distance to the closest point-like place the other names resolve to.

        The points are sorted by latitude and searched outwards from the candidate's: a point
        further in latitude alone than the best distance so far cannot be closer."""
        latitudes, points = self._points
        best: float | None = None
        below = bisect.bisect_left(latitudes, candidate.latitude) - 1
        above = below + 1
        while below >= 0 or above < len(points):
            gap_below = candidate.latitude - latitudes[below] if below >= 0 else math.inf
            gap_above = latitudes[above] - candidate.latitude if above < len(points) else math.inf
            if gap_below <= gap_above:
                gap, vote, below = gap_below, points[below], below - 1
            else:
                gap, vote, above = gap_above, points[above], above + 1
            if best is not None and _LATITUDE_KM * gap * (1 - 1e-9) - 1e-6 > best:
                break  # every remaining point is at least this far in latitude
            if self._counts(vote, query, candidate):
                km = _km(candidate, vote.candidate)
                best = km if best is None else min(best, km)
        return best

    @functools.cached_property
    def _points(self) -> tuple[list[float], list[_Vote]]:
        points = sorted(
            (
                v
                for v in self.votes
                if v.candidate.place_type not in ("country", "continent", "region", "water")
            ),
            key=lambda v: v.candidate.latitude,
        )
        return [v.candidate.latitude for v in points], points


def _regional(candidate: Candidate) -> bool:
    """A reading below the country that names its first-level region."""
    return candidate.place_type not in ("country", "continent", "water") and bool(candidate.admin1)


def _pair_support(
    groups: Sequence[_Group], options: Mapping[str, list[Candidate]]
) -> dict[str, dict[str, float]]:
    """For each name, the support each of its readings gets from the other names' readings within
    PAIR_KM of it, where one of the two is a county (towns are too often neighbours by chance:
    there is a Boston, a Houston and a Washington within 60 km in Pennsylvania) (any reading,
    not only the current best one: two ambiguous names settle each other). One other name's
    PAIR_WEIGHT is shared among the readings it sits next to, so names that are neighbours in
    several places ("Kew" and "Richmond") settle nothing."""
    points = {
        g.query: [c for c in options[g.query] if c.place_type in ("city", "county")]
        for g in groups
        # a place inside an organisation's name counts: "the Clarke County police" is in Georgia
        if options[g.query] and any(m.kind in ("toponym", "embedded") for m in g.mentions)
    }
    neighbours = _pair_neighbours(points)
    support: dict[str, dict[str, float]] = {}
    for query, mine in points.items():
        if len(options[query]) < 2 or options[query][0].place_type in ("country", "region", "continent"):
            continue  # nothing to settle; or a state, not its namesake town ("Florida" by Morris County)
        near_by_other = neighbours.get(query)
        if not near_by_other:
            continue
        totals: dict[str, float] = {}
        for other in points:  # the other names in the same order as ever: the sums add alike
            if other == query or other not in near_by_other:
                continue
            near = [c.key for index, c in enumerate(mine) if index in near_by_other[other]]
            for key in near:
                totals[key] = totals.get(key, 0.0) + PAIR_WEIGHT / len(near)
        if totals:
            support[query] = {key: min(PAIR_CAP, value) for key, value in totals.items()}
    return support


def _pair_neighbours(points: Mapping[str, list[Candidate]]) -> dict[str, dict[str, set[int]]]:
    """For each name, the other names with a reading next to one of its readings (one of the two a
    county), and which of its readings those are: found through the readings sorted by latitude,
    never by trying every pair."""
    flat = sorted(
        ((c.latitude, query, index, c) for query, mine in points.items() for index, c in enumerate(mine)),
        key=lambda item: item[0],
    )
    latitudes = [item[0] for item in flat]
    band = PAIR_KM / 111.0 * (1 + 1e-9) + 1e-9  # a hair wider than `_close`'s box, which decides
    out: dict[str, dict[str, set[int]]] = {}
    for latitude, query, index, c in flat:
        start = bisect.bisect_left(latitudes, latitude - band)
        stop = bisect.bisect_right(latitudes, latitude + band)
        for _, other, _, t in flat[start:stop]:
            if other != query and "county" in (c.place_type, t.place_type) and _close(c, t):
                out.setdefault(query, {}).setdefault(other, set()).add(index)
    return out


def _close(a: Candidate, b: Candidate) -> bool:
    """Within PAIR_KM (a cheap box test first: this runs for every pair of readings)."""
    if abs(a.latitude - b.latitude) > PAIR_KM / 111.0 or a.key == b.key:
        return False
    return _km(a, b) <= PAIR_KM


def _rank(
    found: list[Candidate],
    group: _Group,
    context: _Context,
    qualifiers: Mapping[int, frozenset[str]],
    gazetteer: Gazetteer,
    pairs: Mapping[str, Mapping[str, float]] | None = None,
    partner_kinds: frozenset[PlaceType] | None = None,
) -> list[tuple[float, Candidate]]:
    qualifier_names = {name for m in group.mentions for name in qualifiers.get(m.start, ())}
    # a name once "Washington, D.C." and else the state: the qualifier speaks for its own mentions
    qualified_share = sum(m.start in qualifiers for m in group.mentions) / len(group.mentions)
    query_key = normalize_name(group.query)
    wanted = _wording_type(group.query)
    scored = []
    # A region named like the big city inside it ("Pyongyang", "Beijing") yields to the city.
    city_regions = {
        (c.country_code, c.admin1) for c in found if c.place_type == "city" and c.population >= 100_000
    }
    paired = (pairs or {}).get(group.query, {})
    unexplained = context.unexplained_countries(group.query)
    famous = found[0] if found[0].place_type == "city" else None  # the gazetteer's prior order
    besides_country: dict[str, tuple[float, bool]] = {}
    for candidate in found:
        if candidate.place_type == "city":
            prior = math.log10(max(candidate.population, 1)) + (
                CAPITAL_BONUS if candidate.feature_code == "PPLC" else 0.0
            )
        else:
            prior = TYPE_PRIOR.get(candidate.place_type, 2.0)
            if candidate.source == "curated" and candidate.place_type == "region":
                prior = TYPE_PRIOR["landmark"]  # hand-picked for news: the Gaza Strip, Crimea, Donbas
            elif candidate.place_type == "region" and candidate.population > 0:
                prior = min(prior, math.log10(candidate.population) + SMALL_REGION)
            if (
                candidate.place_type == "region"
                and (candidate.country_code, candidate.admin1) in city_regions
            ):
                prior -= 2.0
        score = prior * PRIOR_SCALE
        # "Mexico" the country, not "Mexico City" by an alternate name; curated aliases were chosen
        # by hand ("Gaza" for the Gaza Strip) and count as names.
        if normalize_name(candidate.name) == query_key or candidate.source == "curated":
            score += EXACT_NAME_BONUS
        # Context lifts a hamlet less than a town: many hamlets share a name with a famous place.
        lift = (
            1.0
            if candidate.place_type != "city"
            else min(1.0, max(SMALL_LIFT, math.log10(max(candidate.population, 1)) / FULL_LIFT_LOG_POP))
        )
        country_share, region_share = context.shares(group.query, candidate)
        by_country = COUNTRY_WEIGHT * country_share * lift
        score += by_country
        if candidate.place_type != "country":
            score += REGION_WEIGHT * region_share * lift
        qualified = bool(qualifier_names) and _matches_qualifier(candidate, qualifier_names, gazetteer)
        if qualified:
            score += QUALIFIER_BONUS * qualified_share
        if wanted and candidate.place_type == wanted:
            score += 2.0
        if partner_kinds and candidate.place_type in COORDINATED_TYPES & partner_kinds:
            score += COORDINATION_BONUS  # "Kent and Essex", "Oregon or Idaho"
        score += paired.get(candidate.key, 0.0) * lift
        if candidate is famous and candidate.country_code in unexplained:
            score += EXPLAINS_COUNTRY_BONUS * lift
        nearest = context.nearest_km(group.query, candidate)
        if nearest is not None and candidate.place_type not in ("country", "continent"):
            score += COHERENCE_WEIGHT * math.exp(-nearest / COHERENCE_KM) * lift
        scored.append((score, candidate))
        # what the article says of this reading beyond its country: a qualifier, a county next to
        # it, its region named, another named place near it
        besides_country[candidate.key] = (
            score - by_country,
            qualified
            or bool(paired.get(candidate.key))
            or (candidate.place_type != "country" and region_share > 0)
            or (nearest is not None and nearest <= COHERENCE_KM),
        )
    scored.sort(key=lambda item: (-item[0], item[1].key))
    scored = _country_vote_alone(scored, besides_country)
    if len(scored) == 1:
        scored.append((-math.inf, scored[0][1]))
    return scored


def _country_vote_alone(
    scored: list[tuple[float, Candidate]], besides_country: Mapping[str, tuple[float, bool]]
) -> list[tuple[float, Candidate]]:
    """A town (under NAMESAKE_TOWN people) that wins only by its country's vote yields to a
    namesake city NAMESAKE_RATIO times its size that would win without the country votes: "Paris"
    in a story that names only American places otherwise is still the capital, not a small Paris
    in one of the states, unless the article names that state, a place near it or qualifies it
    ("Paris, Ky.")."""
    best_score, best = scored[0]
    if best.place_type != "city" or best.population >= NAMESAKE_TOWN or best_score == -math.inf:
        return scored
    own, specific = besides_country[best.key]
    if specific:
        return scored
    rivals = [
        (besides_country[c.key][0], index)
        for index, (score, c) in enumerate(scored[1:], 1)
        if score != -math.inf
        and c.place_type == "city"
        and c.population >= NAMESAKE_RATIO * max(best.population, 1)
        and besides_country[c.key][0] > own
    ]
    if not rivals:
        return scored
    _, index = max(rivals)
    rival = scored[index][1]
    return [(best_score + YIELD_MARGIN, rival)] + [item for i, item in enumerate(scored) if i != index]


def _matches_qualifier(candidate: Candidate, names: set[str], gazetteer: Gazetteer) -> bool:
    labels = set()
    if candidate.country_code:
        country = gazetteer.country(candidate.country_code)
        labels.add(candidate.country_code.casefold())
        if country is not None:
            labels.add(country.name.casefold())
        if candidate.admin1:
            admin = gazetteer.admin1_name(candidate.country_code, candidate.admin1)
            if admin:
                labels.add(admin.casefold())
            labels.add(candidate.admin1.casefold())
            labels.add(f"{candidate.country_code}-{candidate.admin1}".casefold())
    return bool(labels & names)


def _confidence(ranked: list[tuple[float, Candidate]]) -> float:
    best, runner = ranked[0][0], ranked[1][0]
    if runner == -math.inf:
        return 0.95
    margin = best - runner
    # Runner-ups close to the winner (a city and its airport) are not real doubt.
    if _km(ranked[0][1], ranked[1][1]) < SAME_PLACE_KM:
        margin = max(margin, 2.0)
    return round(1 / (1 + math.exp(-1.5 * margin)), 3)


# -- building places ----------------------------------------------------------------------------


def _place(group: _Group, ranked: list[tuple[float, Candidate]]) -> Place:
    best_score, best = ranked[0]
    alternatives: list[Candidate] = []
    for score, other in ranked[1:]:
        if len(alternatives) >= 3 or score < best_score - ALTERNATIVE_MARGIN:
            break  # "Did you mean ...?" only for readings that came close
        if (
            other.key != best.key
            and _km(best, other) > SAME_PLACE_KM
            and all(_km(a, other) > SAME_PLACE_KM for a in alternatives)
        ):
            alternatives.append(other)
    return Place(
        key=best.key,
        name=_display_name(group.mentions, best.name),
        latitude=best.latitude,
        longitude=best.longitude,
        place_type=best.place_type,
        country_code=best.country_code,
        mentions=group.mentions,
        source=best.source,
        confidence=_confidence(ranked),
        alternatives=tuple(alternatives),
        admin1=best.admin1,
    )


def _display_name(mentions: Sequence[Mention], canonical: str) -> str:
    """Call a place what the article calls it ("New Delhi", "Kiev"), so that readers and the story
    agree; the gazetteer's name serves for demonyms, descriptions ("the Vietnamese capital"),
    abbreviations ("U.S.") and ALL-CAPS datelines."""
    written = [
        m.text
        for m in mentions
        if m.kind in ("toponym", "facility", "venue")
        and m.lookup is None
        and "." not in m.text
        and not m.text.isupper()
    ]
    if not written:
        return canonical
    return max(sorted(set(written)), key=lambda t: (written.count(t), len(t)))


def _merge(places: dict[str, Place], place: Place) -> None:
    """Two spellings of one place ("US", "United States") become one Place with all mentions."""
    existing = places.get(place.key)
    if existing is None:
        places[place.key] = place
        return
    mentions = tuple(sorted({*existing.mentions, *place.mentions}, key=lambda m: m.start))
    canonical = existing.name if existing.source == "override" else None
    places[place.key] = replace(
        existing,
        mentions=mentions,
        confidence=max(existing.confidence, place.confidence),
        name=canonical or _display_name(mentions, existing.name),
    )


def _override_for(name: str, overrides: Mapping[str, Override]) -> Override | None:
    if not overrides:
        return None
    from .overrides import normalize_name

    return overrides.get(normalize_name(name))


def _override_place(group: _Group, override: Override, reading: Candidate | None) -> Place:
    """The user's pin. Where it confirms the gazetteer's reading (within OVERRIDE_CONFIRMS_KM), the
    place keeps that reading's type and country, which the story needs ("to Russia ... to
    Vladivostok")."""
    latitude, longitude = float(override.latitude or 0.0), float(override.longitude or 0.0)
    pinned = Candidate(override.name, latitude, longitude, "other", None, 0, "override", override.name)
    same = reading if reading is not None and _km(reading, pinned) <= OVERRIDE_CONFIRMS_KM else None
    return Place(
        # keyed by where it is pinned, so two spellings given the same spot stay one place
        key=f"override:{latitude:.5f},{longitude:.5f}",
        name=override.display_name or _display_name(group.mentions, same.name if same else override.name),
        latitude=latitude,
        longitude=longitude,
        place_type=_place_type(override.place_type, same.place_type if same else "other"),
        country_code=same.country_code if same else None,
        mentions=group.mentions,
        source="override",
        confidence=1.0,
        admin1=same.admin1 if same else None,
    )


def _place_type(value: str | None, default: PlaceType) -> PlaceType:
    """An override's place type where it is one geostory knows, else the default."""
    for known in PLACE_TYPES:
        if value == known:
            return known
    return default


def _contained(
    group: _Group, places: Mapping[str, Place], text: str, *, loosely: bool = True
) -> Place | None:
    """Place a facility the gazetteer lacks at its container, marked approximate."""
    if all(m.kind not in FACILITY_KINDS for m in group.mentions):
        return None
    container = _container(group, places, text, loosely=loosely)
    if container is None:
        return None
    return _approximately_at(group, container, round(min(container.confidence, 0.6), 3))


def _approximately_at(
    group: _Group, at: Place | Candidate, confidence: float, prefix: str = "approx"
) -> Place:
    """A facility the gazetteer lacks, pinned at the place that holds it and marked approximate."""
    return Place(
        key=f"{prefix}:{group.query}@{at.key}",
        name=group.query,
        latitude=at.latitude,
        longitude=at.longitude,
        place_type="landmark",
        country_code=at.country_code,
        mentions=group.mentions,
        source=at.source,
        confidence=confidence,
        approximate=True,
        container=at.name,
        admin1=at.admin1,
    )


def _container(
    group: _Group, places: Mapping[str, Place], text: str, *, loosely: bool = True
) -> Place | None:
    """Where the article says a facility is: a place inside its name, after it ("in Kyiv"), or
    earlier in its sentence, else the town the story is about; only the first two when not
    `loosely` (a facility's name that opens with its own town says more than its sentence)."""
    by_start = {m.start: p for p in places.values() for m in p.mentions if p.place_type != "continent"}
    starts = sorted(by_start)  # searched by bisection: a long article has thousands of mentions
    told = {start: n for n, start in enumerate(by_start)}
    venue = any(m.kind == "venue" for m in group.mentions)
    broad: Place | None = None  # a venue's state or country in its name says less than its town
    for mention in group.mentions:
        # A place named inside the facility's own name: "Colorado State University".
        inside = starts[bisect.bisect_left(starts, mention.start) : bisect.bisect_left(starts, mention.end)]
        if inside:
            first = by_start[min(inside, key=told.__getitem__)]  # the first told, as ever
            if not (venue and first.place_type in ("country", "region")):
                return first
            broad = broad or first
    opening = [p for p in places.values() if p.place_type == "city" and group.query.startswith(p.name + " ")]
    if opening:  # "Copenhagen Airport" in an article that names Copenhagen
        return max(opening, key=lambda p: len(p.name))
    for mention in group.mentions:
        # "X in Kyiv", "X at Vladivostok", "X, Vladivostok", "X of Lviv".
        after = bisect.bisect_left(starts, mention.end)
        if after < len(starts):
            start = starts[after]
            link = text[mention.end : start]
            if len(link) <= 12 and any(link.startswith(w.rstrip()) or link == w for w in CONTAINER_LINKS):
                return by_start[start]
    if not loosely:
        return broad
    for mention in group.mentions:
        # Else the closest place named earlier in the same sentence.
        earlier = starts[
            bisect.bisect_left(starts, mention.sentence.start) : bisect.bisect_left(starts, mention.start)
        ]
        # not a country, nor another facility ("left X Airport ... landed at Y Airport")
        before = [
            s
            for s in earlier
            if by_start[s].place_type not in ("country", "continent", "region", "landmark", "airport")
        ]
        if before:
            return by_start[before[-1]]
    return _story_town(group, places) or broad


# Local facilities a story names without their town ("was taken to Sparrow Hospital").
LOCAL_FACILITY_WORDS = ("hospital", "medical center", "medical centre", "jail", "courthouse", "court")
FACILITY_KINDS = ("facility", "venue")


def _story_town(group: _Group, places: Mapping[str, Place]) -> Place | None:
    """A local facility told with no container is in the town the story is about: the city named
    most often (at least twice, and more often than any other)."""
    venue = any(m.kind == "venue" for m in group.mentions)
    if not venue and not group.query.lower().endswith(LOCAL_FACILITY_WORDS):
        return None
    towns = sorted(
        (p for p in places.values() if p.place_type == "city"), key=lambda p: len(p.mentions), reverse=True
    )
    if (
        not towns
        or len(towns[0].mentions) < 2
        or (len(towns) > 1 and len(towns[1].mentions) == len(towns[0].mentions))
    ):
        return None
    return towns[0]


def _facility(
    group: _Group,
    places: Mapping[str, Place],
    text: str,
    geocoder: Geocoder | None,
    *,
    loosely: bool = True,
) -> Place | None:
    """A name the gazetteer lacks. A facility with a container named in the article is asked of
    the geocoder with it ("Royal Marsden Hospital, London") and kept when the answer lies near
    the container; else it is pinned at the container, marked approximate. A name with no
    container is asked of the geocoder alone."""
    approximate = _contained(group, places, text, loosely=loosely)
    if approximate is None:
        return _online(group, geocoder)
    if geocoder is None or approximate.container is None:
        return approximate
    found = _online(group, geocoder, query=f"{group.query}, {approximate.container}")
    if found is None or distance_km(found, approximate) > FACILITY_CONTAINER_KM:
        return approximate  # the service found a namesake elsewhere, or nothing
    return replace(
        found,
        country_code=approximate.country_code,
        admin1=approximate.admin1,
        container=approximate.container,
    )


def _at_its_town(group: _Group, places: Mapping[str, Place], gazetteer: Gazetteer) -> Place | None:
    """A station the gazetteer lacks, with no container in the article ("Waterloo station"), is
    pinned at the town that names it, marked approximate: in the country most of the article's
    places are in, else the gazetteer's first reading."""
    words = group.query.split()
    if len(words) < 2 or words[-1].lower() != "station" or all(m.kind != "facility" for m in group.mentions):
        return None
    found = gazetteer.candidates(" ".join(w for w in words if w.lower() not in STATION_NAME_WORDS))
    if not found:
        return None
    countries = [p.country_code for p in places.values()]
    town = max(found, key=lambda c: countries.count(c.country_code))  # ties keep the prior order
    return _approximately_at(group, town, 0.5)


TOWN_NAME_WORDS = 3  # a town opening a facility's name is at most this many words ("St. Paul")
TOWN_OPENING_COUNTRY_SHARE = 0.5  # the article's places in the town's country, at least
TOWN_OPENING_CONFIDENCE = 0.4


def _at_the_town_it_opens_with(group: _Group, context: _Context, gazetteer: Gazetteer) -> Place | None:
    """A local facility the gazetteer lacks whose name opens with its town or county ("Southport
    High School", "Butler County Jail": TOWN_FACILITY_TAILS end such names) is pinned at that
    town, approximately, when the article's own geography picks one reading: of the towns so
    named in the country most of its places are in, the one in the region they are in, or the
    only one there. With no clear reading (a namesake across the ocean, two towns of that name in
    the country and no region between them) the facility stays unpinned."""
    from .recognize import TOWN_FACILITY_TAILS

    words = group.query.split()
    if len(words) < 2 or words[-1].lower() not in TOWN_FACILITY_TAILS:
        return None
    for size in range(min(TOWN_NAME_WORDS, len(words) - 1), 0, -1):
        opening = " ".join(words[:size])
        towns = _towns_named(opening, gazetteer)
        if not towns:
            continue
        town = _the_one_the_article_means(group.query, towns, context)
        return None if town is None else _approximately_at(group, town, TOWN_OPENING_CONFIDENCE)
    return None


def _towns_named(name: str, gazetteer: Gazetteer) -> list[Candidate]:
    """The towns the gazetteer holds by this very name ("St. Paul" is "Saint Paul"), not by an
    alternate one; or the counties, for a name that says it is one ("Butler County", which may be
    held as "Butler")."""

    def key(text: str) -> str:
        folded = normalize_name(text)
        folded = "st " + folded[6:] if folded.startswith("saint ") else folded
        return folded.removesuffix(" county")

    wanted = key(name)
    if not wanted or not name[0].isupper():
        return []
    kind = "county" if normalize_name(name).endswith(" county") else "city"
    return [
        c for c in _candidates(gazetteer, _Group(name, ())) if c.place_type == kind and key(c.name) == wanted
    ]


def _the_one_the_article_means(query: str, towns: Sequence[Candidate], context: _Context) -> Candidate | None:
    """The reading the article's country and region votes pick out clearly, else None."""
    shares = {t.key: context.shares(query, t) for t in towns}
    local = [t for t in towns if shares[t.key][0] >= TOWN_OPENING_COUNTRY_SHARE]
    if len(local) == 1:
        return local[0]
    regional = sorted((t for t in local if shares[t.key][1] > 0), key=lambda t: -shares[t.key][1])
    if regional and (len(regional) == 1 or shares[regional[0].key][1] > shares[regional[1].key][1]):
        return regional[0]
    return None


# Words that make a name a state or a bloc rather than a local place ("the Soviet Union", "the
# Islamic Republic"): such a name the gazetteer lacks is not pinned at a town.
POLITY_WORDS = frozenset(("union", "republic", "empire", "kingdom", "federation", "caliphate", "emirate"))
# A name of compass words alone is a broad region ("the Far East", "the Deep South", "Midwest").
COMPASS_WORDS = frozenset(
    "north south east west northern southern eastern western northeast northwest southeast southwest "
    "midwest far deep middle mid near upper lower".split()
)


def _near_named_town(group: _Group, places: Mapping[str, Place], gazetteer: Gazetteer) -> Place | None:
    """A local name the gazetteer lacks, one that says it is local by its last word (a street, a
    stream, a township, a park: "shops on Desire Street"), lies in or near the town the article is
    telling about there: the last town named before it, else the first one after, pinned
    approximately. A bare name is not pinned so: it is as often a person or a firm. A name holding
    a country's or a continent's name ("North Africa", "Nazi Germany"), a polity's word or only
    compass words ("the Far East") is no local place. A facility has its own rules above (its
    container, or the story town for a hospital)."""
    from .recognize import LOCAL_FEATURE_TAILS

    words = group.query.replace("-", " ").split()
    if any(m.kind in FACILITY_KINDS for m in group.mentions) or any(w.lower() in POLITY_WORDS for w in words):
        return None
    if len(words) < 2 or words[-1].lower() not in LOCAL_FEATURE_TAILS:
        return None  # only a name that says it is a local place: a bare name may be anyone's
    if all(w.lower() in COMPASS_WORDS for w in words):
        return None
    if any(c.place_type in ("country", "continent") for w in words for c in gazetteer.candidates(w, limit=3)):
        return None
    first = min(m.start for m in group.mentions)
    towns = sorted(
        ((m.start, p) for p in places.values() if p.place_type in ("city", "county") for m in p.mentions),
        key=lambda item: item[0],
    )
    before = [p for s, p in towns if s < first]
    after = [p for s, p in towns if s > first]
    town = before[-1] if before else after[0] if after else None
    return (
        None
        if town is None
        else _approximately_at(group, town, round(min(town.confidence, 0.4), 3), NEAR_KEY)
    )


def _town_with_city(group: _Group, places: Mapping[str, Place], gazetteer: Gazetteer) -> Place | None:
    """A town's name with "City" that the gazetteer does not hold as such is named after the town,
    as a club or a body is ("Stoke City won", "the Hull City council"; a town whose own name ends
    so, "Iowa City", is held and never comes here): pinned approximately at the town, its own
    place, not the town (a club that flies somewhere is no place the story visits). The town is
    the one the article names, else the gazetteer's first reading."""
    words = group.query.split()
    if len(words) < 2 or words[-1].lower() != CITY_WORD:
        return None
    stem = normalize_name(" ".join(words[:-1]))
    named = [p for p in places.values() if p.place_type == "city" and normalize_name(p.name) == stem]
    found = named or [c for c in gazetteer.candidates(" ".join(words[:-1])) if c.place_type == "city"][:1]
    if not found:
        return None
    return _approximately_at(group, found[0], 0.5)


def _online(group: _Group, geocoder: Geocoder | None, query: str | None = None) -> Place | None:
    if geocoder is None:
        return None
    location = geocoder.geocode(query or group.query, exactly_one=True)
    if location is None:
        return None
    service = getattr(geocoder, "service_name", type(geocoder).__name__.lower())
    return Place(
        key=f"{service}:{location.latitude:.5f},{location.longitude:.5f}",
        name=group.query,
        latitude=location.latitude,
        longitude=location.longitude,
        place_type="other",
        country_code=None,
        mentions=group.mentions,
        source=service,
        confidence=0.6,
    )
