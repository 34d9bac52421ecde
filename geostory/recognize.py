"""Recognize: find the place names an article writes, as Mentions with offsets and sentences.

spaCy's small English model finds most toponyms but mislabels many (cities as PERSON or ORG,
facilities as ORG) and misses others (datelines in capitals, names it never saw). Its entities are
therefore only proposals, checked against the gazetteer:

- GPE/LOC/FAC spans are kept, trimmed of a leading "the" and a trailing possessive;
- PERSON/ORG spans that the gazetteer knows as a place are taken back, unless the article also uses
  the name as a person's (a surname of a longer PERSON span, a title such as "Mr." before it);
- ORG/PERSON spans ending in a venue tail ("Huntsville Memorial Hospital", "Madison County
  Detention Center", "Cook Children's" + "Medical Center") are venues: pinned on the map, not
  geoparsed; the town in an ORG venue's name is geoparsed as embedded (as the corpora mark it),
  and an ORG venue with no place in its name and a strong facility head is a facility;
- ORG/FAC spans headed by a facility word (University, Cosmodrome, Airport, Square ...) are
  facilities, unless an ORG one names its place ("University of Cincinnati": the mention is
  Cincinnati, as news geoparsing corpora mark it); other ORG spans give up the place name nested
  in them ("Dublin City Council") as an `embedded` mention;
- a span the model cut short is finished by a lower-case facility word ("Beirut airport", "Gemelli
  hospital") or by a capitalised run ending in Airport/Station/Stadium/University... ("O.R." +
  "Tambo International Airport") when the gazetteer knows the joined name; an ORG the curated
  landmarks list by its facility name ("Qatar University") is that facility;
- NORP spans that name a nation's people ("North Korean") are demonyms looked up as the country;
- capitalised runs of tokens outside any entity that the gazetteer knows well (countries,
  regions, large cities, curated landmarks; any town in an ALL-CAPS dateline, "ATLANTA -",
  "COLUMBUS, Ohio (AP) --", "BEIRUT:", "March 15, 2009 NEWARK --") are added;
- spans are cut to the place they name: an institution's tail ("Edgar County Sheriff's
  Office", "Greer City Hall"), a kind before "of" ("City of Norfolk"), lower-case words the model
  swept in ("Kermanshah province"), an American university's "State" ("Mississippi State"), a
  direction before a state or town ("North Georgia", while "North Africa" stays whole); and
  grown to the whole name the gazetteer holds ("Gun" + "Barrel City", "Trinidad and Tobago",
  "ST. LOUIS");
- forms of writing name places the model misses: names listed before a plural kind ("Walton
  and Oconee counties": each a county, looked up as "Oconee County"), a legislator's home after
  the party letter ("Rep. X, R-Elbow Lake,", "(D-S.C.)"), and a town before a word for its
  people ("a Lovejoy man", "Roselle police"); these claim their spans before the model's
  entities do;
- a name the gazetteer lacks that English gives to a day or a body ("St. Patrick's Day", "the
  Easter Vigil", "United Way", "United Russia") is not a place;
- a people opening an organisation's name is a demonym ("the Georgian Interior Ministry"); a town
  after "in" inside one is a place ("a school in Lombard"); one word the model calls a place that
  no gazetteer entry holds by that name, nowhere written where places are, is not a place.

One name keeps one sense through an article (`_Discourse`): a word used as a person's (the surname
of a multi-word PERSON, read before a possessive or a suffix, "George Bush Jr."; the name after a
title, "Lt. Brent Wheat"; a given name the model also labels a person alone; a speaker of "said" the
gazetteer knows only as a village; "his wife, Julia,", "son Bryan", "Perry, an anesthesiologist,"; a
name listed with full names, "Dorothy Malcom and George and Mae Dorsey"; a name with an age,
"Flores, 26,", or a middle initial, "Tyrise M. Bell") is no place anywhere unless the article also
writes it where places are written and people's names are not ("in Ripley", "Ripley, W.Va.", not "in
Fairfield hearing" nor "McKinney, Holstein and ..."); a GPE/LOC the context confirms makes the
name's PERSON/ORG/untagged occurrences places. A capitalised word the article also writes in lower
case ("Man" in a headline) is a common noun. Outside a GPE/LOC label, a gazetteer match by alternate
name only ("Hamas" for Hamm, "BA" for Bath) counts only where places are written or for countries,
regions by abbreviation and large cities; an acronym ("UN"), a make after a year ("a 1992 Toyota"),
a name heading its phrase after an article ("the Honda's driver", "the Bush administration"; "a
Rochester man" stays a place), a known name ending a longer untagged name ("Hugo Ernesto Lopez"), a
landmark opening a longer untagged name ("Wall Street Journal", kept only as `embedded`) and an
ORG-labelled landmark not sitting where places sit ("the Kremlin said") are the organisation, not
the place.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .errors import ConfigurationError
from .language import doc_text
from .model import Candidate, Mention, MentionKind, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

    from .gazetteer import Gazetteer

# The word lists, read from data/recognize_words.tsv (one entry a row, with its source) and checked
# when this module is imported: each list is named here with what it is for.
WORD_LISTS: dict[str, str] = {
    "facility_head": "a head noun that makes an organisation's name a facility: university, hospital",
    "weak_facility_head": "facility words too vague alone to make an ORG a place ('the Institute said')",
    "person_title": "a title before a person's name: mr, minister, sheriff",
    "name_suffix": "a generational suffix after a surname: 'George Bush Jr.', 'Marion Parker III'",
    "kin": "a relative or pet: a name in apposition to one is a person's ('his wife, Julia,')",
    "person_noun": "a noun only a person is: a name in apposition to one is a person's ('Perry, an "
    "anesthesiologist,')",
    "station_word": "lower-case words that make a station even when the gazetteer lacks it",
    "facility_word": "lower-case words after a name that make it a facility's: 'Haneda airport', stations",
    "facility_run_end": "last words of a capitalised run that end a facility's name: 'O.R. Tambo Airport'",
    "pronoun": "personal pronouns, never a place",
    "direction": "compass words that may open a region's name: 'North Georgia'",
    "area_qualifier": "words that qualify a place's extent: 'Greater Butler County'",
    "town_word": "a civic name ending in these is the town only if the gazetteer has it so: 'Boulder City'",
    "movement_preposition": "prepositions of a movement whose capitalised object may be a town",
    "movement_word": "words of a movement: 'drove from Goma to Rutshuru'",
    "place_object_verb": "forms of a movement verb whose object is where it starts or ends: "
    "'left Calais for Dover', 'reached Bukoba'",
    "generic_place_word": "words that name a kind of place: a mention of only these is never a pin",
    "place_preposition": "prepositions that place names follow",
    "place_noun": "nouns that introduce a place: 'the island of Lampedusa'",
    "strong_place_preposition": "prepositions people's names rarely follow: enough to overrule a surname",
    "saint": "the ways a saint's name opens: St, St., Saint",
    "speech_verb": "verbs of saying whose subject is a person",
    "personal_pronoun": "pronouns only a person takes (a place says 'it')",
    "local_feature_tail": "last words of a local place's name (a street, a stream, a village) that "
    "the resolver may pin near the town told with it when the gazetteer lacks it: 'Elm Street'",
    "place_suffix": "last words that make a PERSON span a place: 'Anderson County', 'Kelley Lane'",
    "article": "words before a name that make it a modifier or a thing: 'the Toyota', 'his Honda'",
    "kind_of_word": "kinds of place in 'the city of X'",
    "vague_word": "capitalised words that name places somewhere but in news mostly mean other things",
    "town_people": "lower-case words for a town's people after its name: 'a Lovejoy man'",
    "event_tail": "last words of a day's or a service's name: 'St. Patrick's Day', 'the Easter Vigil'",
    "body_opening": "first words of a body's name: 'United Way', 'United Russia'",
    "town_facility_tail": "last words of a local facility often named after its town, which the "
    "resolver may pin at that town when the gazetteer lacks it: 'Southport High School'",
    "venue_tail": "last words of a local facility's name that stories send people to (patients, the "
    "arrested, pupils): the model tags it an organisation; a pin on the map, not a toponym: "
    "'Huntsville Memorial Hospital', 'Madison County Detention Center'",
    "civic_tail": "words after a town that make the name its civic body, however small the town: "
    "'Torrington Fire Department' (schools are left out: named after people as often as after towns)",
}


def _load_word_lists(name: str = "recognize_words.tsv") -> dict[str, frozenset[str]]:
    """Every list of WORD_LISTS from the data file; a malformed row or an unknown list fails loudly."""
    from importlib import resources

    text = resources.files("geostory").joinpath("data", name).read_text(encoding="utf-8")
    found: dict[str, set[str]] = {key: set() for key in WORD_LISTS}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3 or fields[0] not in WORD_LISTS or not fields[1] or not fields[2]:
            raise ConfigurationError(
                f"data/{name}, line {number}: expected a known list, an entry and a source"
            )
        if fields[1] != fields[1].lower() or fields[1] != fields[1].strip():
            raise ConfigurationError(
                f"data/{name}, line {number}: entries are lower case, without spaces around"
            )
        found[fields[0]].add(fields[1])
    empty = sorted(key for key, words in found.items() if not words)
    if empty:
        raise ConfigurationError(f"data/{name}: no entries for {', '.join(empty)}")
    return {key: frozenset(words) for key, words in found.items()}


_WORDS = _load_word_lists()

FACILITY_HEADS = _WORDS["facility_head"]
WEAK_FACILITY_HEADS = _WORDS["weak_facility_head"]
PERSON_TITLES = _WORDS["person_title"]
NAME_SUFFIXES = _WORDS["name_suffix"]
KIN = _WORDS["kin"]
PERSON_NOUNS = _WORDS["person_noun"]
STATION_WORDS = _WORDS["station_word"]
FACILITY_WORDS = _WORDS["facility_word"]
FACILITY_RUN_ENDS = _WORDS["facility_run_end"]
PRONOUNS = _WORDS["pronoun"]
DIRECTIONS = _WORDS["direction"]
AREA_QUALIFIERS = _WORDS["area_qualifier"]
TOWN_WORDS = _WORDS["town_word"]
MOVEMENT_PREPOSITIONS = _WORDS["movement_preposition"]
MOVEMENT_WORDS = _WORDS["movement_word"]
PLACE_OBJECT_VERBS = _WORDS["place_object_verb"]
GENERIC_PLACE_WORDS = _WORDS["generic_place_word"]
PLACE_PREPOSITIONS = _WORDS["place_preposition"]
PLACE_NOUNS = _WORDS["place_noun"]
STRONG_PLACE_PREPOSITIONS = _WORDS["strong_place_preposition"]
SAINTS = _WORDS["saint"]
SPEECH_VERBS = _WORDS["speech_verb"]
PERSONAL_PRONOUNS = _WORDS["personal_pronoun"]
PLACE_SUFFIXES = _WORDS["place_suffix"]
LOCAL_FEATURE_TAILS = _WORDS["local_feature_tail"]
TOWN_FACILITY_TAILS = _WORDS["town_facility_tail"]
VENUE_TAILS = _WORDS["venue_tail"]
ARTICLES = _WORDS["article"]
KIND_OF_WORDS = _WORDS["kind_of_word"]
VAGUE_WORDS = _WORDS["vague_word"]
CIVIC_TAILS = tuple(tuple(tail.split()) for tail in sorted(_WORDS["civic_tail"]))
TITLE_OF = re.compile(
    r"\b(?:Prince|Princess|Duke|Duchess|Earl|Countess|Marquess|Baron|Baroness|Archduke)\s+of\s+(?:the\s+)?$"
)
SHIP_PREFIX = re.compile(r"\b(?:HMS|USS|HMCS|HMAS|HMNZS|RFA|INS|USNS|MV|SS|RV)\s+(?:[A-Z][\w.'’-]*\s+){0,3}$")
# Labels whose spans the gazetteer scan leaves alone; other spans are scanned for place names.
CLAIMING_LABELS = frozenset("GPE LOC FAC NORP ORG PERSON".split())
UNTAGGED_PLACED_POPULATION = 10_000  # "headed on to Winchester": a town where places are written
CIVIC_PLACE_POPULATION = 1_000
PERSON_REGION_POPULATION = 1_000  # a PERSON-labelled region needs people to be taken back
MOVEMENT_PLACE_POPULATION = 1_000
STATE_ABBREVIATION = re.compile(
    r"(?:[A-Z][a-z]{0,4}\.){1,2}|[A-Z]\.?[A-Z]\.?|[A-Z][a-z]+"
)  # "W.Va.", "Ala.", "NY", "Ohio"
MIDDLE_INITIAL = re.compile(r"[A-Z]\.")
YEAR = re.compile(r"(?:19|20)\d\d")
DASH = re.compile(r"[-–—]{1,3}")
DETERMINERS = frozenset(("the",))
MAX_RUN_TOKENS = 4
# Words added before and after a name to find the whole town name ("Gun" + "Barrel City").
WHOLE_NAME_STEPS = tuple((before, after) for before in range(3) for after in range(3) if before or after)


def recognize(doc: Doc, gazetteer: Gazetteer) -> tuple[Mention, ...]:
    """Return the place mentions of a parsed article, sorted by offset, never overlapping (but for
    the town inside a venue's name, which is geoparsed and never pinned)."""
    discourse = _Discourse.of(doc, gazetteer)
    found: list[Mention] = []
    article = doc_text(doc)  # spaCy makes a Token per word for each `doc.text`: read it once
    taken = [False] * len(article)
    for mention in _written_forms(doc, gazetteer, discourse):
        found.append(mention)
        taken[mention.start : mention.end] = [True] * (mention.end - mention.start)
    ents = doc.ents  # each `doc.ents` makes a Span per entity (22,000 on a 1 MB article)
    for ent in ents:
        venue: Mention | None = None
        for mention in _from_entity(ent, gazetteer, discourse):
            if venue is not None and mention.kind == "embedded":
                found.append(mention)  # the town inside a venue's name: geoparsed, never a pin
                continue
            if (
                _part_of_a_name(article, mention)
                or _generic(mention)
                or _named_event_or_body(mention, gazetteer)
            ):
                continue
            mention = _whole_name(doc, mention, gazetteer)
            if not any(taken[mention.start : mention.end]):
                venue = mention if mention.kind == "venue" else None
                found.append(mention)
                taken[mention.start : mention.end] = [True] * (mention.end - mention.start)
    # Spans the model gave a non-place label ("Kecskemet and Szeged" as a WORK_OF_ART, "Sicily" as
    # a DATE) are scanned like untagged text.
    covered = {token.i for ent in ents if ent.label_ in CLAIMING_LABELS for token in ent}
    for mention in _from_untagged_runs(doc, covered, gazetteer, discourse):
        if _generic(mention):
            continue
        mention = _whole_name(doc, mention, gazetteer)
        if not _part_of_a_name(article, mention) and not any(taken[mention.start : mention.end]):
            found.append(mention)
            taken[mention.start : mention.end] = [True] * (mention.end - mention.start)
    return tuple(sorted(found, key=lambda m: m.start))


# "Becker, Clay and Otter Tail counties", "between Walton and Oconee counties": each name listed
# before a plural kind is one of that kind, looked up with it ("Oconee County").
LISTED_KIND = re.compile(
    r"((?:[A-Z][a-z]+(?: [A-Z][a-z]+)?(?:, and |, | and | & ))+[A-Z][a-z]+(?: [A-Z][a-z]+)?) "
    r"(counties|parishes)\b"
)
LISTED_KIND_SINGULAR = {"counties": "County", "parishes": "Parish"}
LISTED_NAME = re.compile(r"[A-Z][a-z]+(?: [A-Z][a-z]+)?")
# An American legislator's party and home: "Rep. Torrey Westrom, R-Elbow Lake, said", "(D-S.C.)",
# "Sen. Tom Bakk, DFL-Cook,": the home after the party letter is a town or a state.
PARTY_HOME = re.compile(
    r"(?:\(|, )(?:R|D|I|DFL|GOP)-((?:[A-Z]\.){2,3}|[A-Z][A-Za-z]*\.?(?: [A-Z][A-Za-z]*\.?){0,2})(?=\)|,|;)"
)


def _written_forms(doc: Doc, gazetteer: Gazetteer, discourse: _Discourse) -> Iterator[Mention]:
    """Places named by a form of writing rather than by the model: listed before a plural kind
    ("Walton and Oconee counties") or after a legislator's party letter ("R-Elbow Lake")."""
    text = doc_text(doc)
    for match in LISTED_KIND.finditer(text):
        kind = LISTED_KIND_SINGULAR[match.group(2)]
        names = [
            (match.start(1) + m.start(), match.start(1) + m.end(), m.group(0))
            for m in LISTED_NAME.finditer(match.group(1))
        ]
        # the names next to the kind word that the gazetteer holds as such: "Camden and Charlton
        # counties in Georgia and Nassau and Baker counties" lists Nassau and Baker, not Georgia
        for start, end, name in reversed(names):
            span = doc.char_span(start, end)
            if span is None or not _held_as(gazetteer, f"{name} {kind}", "county"):
                break
            yield discourse.mention(span, "list>county", "toponym", lookup=f"{name} {kind}")
    yield from _towns_before_people(doc, gazetteer, discourse)
    for match in PARTY_HOME.finditer(text):
        span = doc.char_span(match.start(1), match.end(1), alignment_mode="expand")
        if span is None or span.text != match.group(1) or not gazetteer.is_place_name(span.text):
            continue
        yield Mention(
            match.group(1), match.start(1), match.end(1), _sentence_of(span), "party>home", "toponym"
        )


# Local news names people by their town: "a Lovejoy senior", "A Goose Creek man", "Roselle
# police", "an Independence teenager". ("family" is left out: "the Lincoln family" is people.)
TOWN_PEOPLE = _WORDS["town_people"]
TOWN_PEOPLE_POPULATION = 1_000


def _towns_before_people(doc: Doc, gazetteer: Gazetteer, discourse: _Discourse) -> Iterator[Mention]:
    """A capitalised name right before a lower-case word for a town's people, after an article
    or opening the sentence, where the gazetteer holds a town of that very name."""
    from .gazetteer import demonym_country, normalize_name

    words = discourse.words or _Words.of(doc)
    for i, word in enumerate(words.text):  # the columns: a Token only where a people word is
        if i == 0 or word not in TOWN_PEOPLE or not words.is_lower[i]:
            continue
        token = doc[i]
        start = token.i
        while start > 0 and token.i - start < 3 and _proper_word(doc[start - 1]):
            start -= 1
        if start == token.i:
            continue
        opening = start == 0 or doc[start].is_sent_start or doc[start - 1].lower_ in ("a", "an", "the")
        span = doc[start : token.i]
        if not opening or span.text.isupper() or span.text in discourse.persons or discourse.is_common(span):
            continue
        if demonym_country(span.text) is not None:
            continue  # "an Arab man": a people
        best = next(iter(gazetteer.candidates(span.text, limit=1)), None)
        if (
            best is None
            or best.place_type != "city"
            or best.population < TOWN_PEOPLE_POPULATION
            or normalize_name(best.name) != normalize_name(span.text)
        ):
            continue
        yield discourse.mention(span, "town>people", "toponym")


def _proper_word(token: Token) -> bool:
    """A capitalised proper noun, not a word that opens a sentence ("The", "Police", "Many")."""
    return (
        token.pos_ == "PROPN"
        and token.is_alpha
        and _capitalised(token.text)
        and not token.is_stop
        and token.lower_ not in TOWN_PEOPLE
    )


def _held_as(gazetteer: Gazetteer, name: str, place_type: str) -> bool:
    return any(c.place_type == place_type for c in gazetteer.candidates(name, limit=5))


def _from_entity(ent: SpacySpan, gazetteer: Gazetteer, discourse: _Discourse) -> Iterator[Mention]:
    label = ent.label_
    span = _trim(ent)
    if span is None:
        return
    span = _without_state_word(_without_kind_of(span), gazetteer)
    text = span.text
    extended = _with_facility_word(span, gazetteer, discourse.words)
    if extended is not span:
        yield discourse.mention(extended, f"{label}+facility", "facility")  # "Haneda airport"
        return
    placed_label = label in ("GPE", "LOC", "FAC")
    civic = _civic_town(span, gazetteer, discourse) if placed_label and len(span) > 1 else None
    if civic is not None:
        yield civic  # "the Edgar County Sheriff's Office", "Greer City Hall": the place
    elif label in ("GPE", "LOC") and (people := _people_named(span, label, gazetteer, discourse)) is not None:
        yield people  # "Sri Lankan troops" labelled a place: the demonym, looked up as its country
    elif label in ("GPE", "LOC"):
        if not _capitalised(text):
            return  # "the meth was located": a proper name is capitalised
        if text in discourse.persons and not gazetteer.is_place_name(text):
            return  # a surname the model took for a place ("Saakashvili")
        if _looks_personal(span, label, discourse) and not _is_major(_best(gazetteer, text)):
            return  # a person the model took for a place ("coach Ripley", "President Saakashvili")
        if _unknown_word(span, gazetteer, discourse):
            return  # "Pawlenty's proposal", "after Petrojet beat Ismaili": no place anyone knows
        yield discourse.mention(_undirected(span, gazetteer), label)
    elif label == "FAC":
        yield discourse.mention(span, label, "facility" if _has_facility_head(span) else "toponym")
    elif label == "NORP":
        from .gazetteer import country_capital, demonym_country

        following = _token_after(span)
        if _title_before([t.lower_ for t in span.doc[max(0, span.start - 2) : span.start]]) or (
            text in discourse.persons and following is not None and following.lower_ in SPEECH_VERBS
        ):
            return  # "Monica French ... French said": a surname, not a people ("Ontarians would")
        country = demonym_country(text)
        doc = span.doc
        capital_of = country and span.end + 1 <= len(doc) and doc[span.end].lower_ == "capital"
        if country and capital_of and (capital := country_capital(country)):
            # "the Vietnamese capital": the city, named by its country's people
            yield discourse.mention(doc[span.start : span.end + 1], "NORP+capital", "toponym", lookup=capital)
        elif country:
            yield discourse.mention(span, label, "demonym", lookup=country)
        elif (best := _named(gazetteer, text, placed=text in discourse.places)) is not None and (
            _is_salient(best, span, strict=True) or text in discourse.places
        ):
            yield discourse.mention(span, "NORP>place")  # "Tunis" taken for a people
    elif label in ("ORG", "PERSON") and (venue := _venue_span(span)) is not None:
        # "Huntsville Memorial Hospital": the venue is the pin; the town in its name is geoparsed,
        # as the corpora mark it. One with no place in its name and a strong facility head
        # ("Central Mental Hospital") is geoparsed as the facility itself, as GeoWebNews marks it.
        civic = _civic_town(venue, gazetteer, discourse)  # "Kanawha County Jail": as the corpora cut it
        inside = [civic] if civic is not None else _embedded(venue, gazetteer, discourse)
        # a venue named after a person ("Pattie A. Clay Regional Medical Center") holds no town
        inner = [replace(m, kind="embedded") for m in inside] if label == "ORG" else []
        if not inner and label == "ORG" and _has_facility_head(venue, strong_only=True):
            yield discourse.mention(venue, f"{label}>facility", "facility")
        else:
            yield discourse.mention(venue, f"{label}>venue", "venue")
            yield from inner
    elif label in ("ORG", "PERSON"):
        best = _named(gazetteer, text, placed=_placed(span, strong=True) or text in discourse.places)
        civic = _civic_town(span, gazetteer, discourse)
        if civic is not None:
            yield civic  # "the Torrington Fire Department": the town
        elif best is not None and not _looks_personal(span, label, discourse) and _in_place_slot(span, best):
            yield discourse.mention(span, f"{label}>place")  # "flew from Mwanza to Bukoba"
        elif best is not None and _taken_back(best, span, label, discourse):
            kind: MentionKind = "facility" if best.place_type in ("landmark", "airport") else "toponym"
            yield discourse.mention(span, f"{label}>place", kind)
        elif (
            label == "ORG" and best is not None and best.place_type == "landmark" and _has_facility_head(span)
        ):
            # a curated institution ("Qatar University", "Kumsusan Palace"): the place itself
            yield discourse.mention(span, "ORG>facility", "facility")
        elif label == "ORG" and _has_facility_head(span, strong_only=True):
            # "University of Cincinnati", "Ohio State University": news geoparsing corpora mark the
            # place inside an unlisted institution's name, and the map pins that place.
            inner = [
                replace(m, label="ORG>facility>place", kind="toponym")
                for m in _embedded(span, gazetteer, discourse)
            ]
            yield from inner or [discourse.mention(span, "ORG>facility", "facility")]
        elif label == "ORG" and (located := _located_in(span, gazetteer, discourse)) is not None:
            yield located  # "St. John's Lutheran School in Lombard": the town
        elif (demonym := _people_opening(span, label, discourse)) is not None:
            yield demonym  # "the Georgian Interior Ministry", "Canadian Press": the country's people
        elif label == "ORG":
            listed = _listed_places(span, gazetteer, discourse)
            yield from listed or _embedded(span, gazetteer, discourse)


def _from_untagged_runs(
    doc: Doc, covered: set[int], gazetteer: Gazetteer, discourse: _Discourse
) -> Iterator[Mention]:
    """Capitalised token runs outside the model's entities that the gazetteer knows well."""
    i = 0
    n = len(doc)
    words = (discourse.words or _Words.of(doc)).text  # a word's text without a spaCy Token per word
    while i < n:
        if i in covered or not _capitalised(words[i]):
            i += 1
            continue
        for size in range(min(MAX_RUN_TOKENS, n - i), 0, -1):
            if any(j in covered for j in range(i, i + size)) or not _capitalised(words[i + size - 1]):
                continue
            tokens = doc[i : i + size]
            text = tokens.text
            best = _named(gazetteer, text, placed=text in discourse.places)
            if best is None:
                continue
            dateline = text.isupper() and len(text) > 2 and _is_dateline(tokens)
            proper = (
                all(t.pos_ == "PROPN" for t in tokens)
                and not text.isupper()
                and not (len(tokens) == 1 and (tokens[0].is_stop or tokens[0].lower_ in PRONOUNS))
            )
            if proper and (
                _looks_personal(tokens, "", discourse)
                or discourse.is_common(tokens)
                or (_inside_longer_name(tokens) and best.place_type not in ("country", "continent"))
            ):
                continue
            known = proper and (
                _is_salient(best, tokens, strict=True)
                or text in discourse.places
                or (_placed(tokens) and _is_salient(best, tokens, threshold=UNTAGGED_PLACED_POPULATION))
                or _in_place_slot(tokens, best)
            )
            # "43.8 billion US dollars", "the UAE": a country written by its capital letters
            country_letters = (
                text.isupper()
                and best.place_type == "country"
                and tokens[0].pos_ == "PROPN"
                and not _in_capitals(tokens)  # "BY CHAD KLIMACK": a byline, not Chad
            )
            if dateline or known or country_letters:
                if best.place_type in ("landmark", "airport") and _name_goes_on(tokens):
                    # "Wall Street Journal": a landmark opening another name is that name's part
                    yield discourse.mention(tokens, "gazetteer>embedded", "embedded")
                else:
                    yield discourse.mention(
                        tokens,
                        "gazetteer",
                        "facility" if best.place_type in ("landmark", "airport") else "toponym",
                    )
                i += size - 1
                break
        i += 1


def _unknown_word(span: SpacySpan, gazetteer: Gazetteer, discourse: _Discourse) -> bool:
    """A single word the model calls a place that the gazetteer does not hold by that name and
    the article never writes where places are written ("in X", "X, Y"): a person, team or firm
    far more often than a place."""
    text = span.text
    doc = span.doc
    if len(span) != 1 or _placed(span) or text.lower() in SAINTS:
        return False
    acronym = len(text) <= 4 and sum(c.isupper() for c in text) >= 2
    if acronym and _named(gazetteer, text) is not None or not acronym and gazetteer.is_place_name(text):
        return False  # held by that name; an acronym not only by an alias ("MoD" for Maud)
    before = [t.lower_ for t in doc[max(0, span.start - 2) : span.start]]
    if len(before) == 2 and before[1] in (",", "-") and _capitalised(doc[span.start - 2].text):
        return False  # "Rockingham, Northamptonshire", "Athens-Clarke"
    if len(before) == 2 and before[1] == "of" and before[0] in DIRECTIONS:
        return False  # "east of Whitlock"
    return text.casefold() not in {name.casefold() for name in discourse.placed}  # "HARWINTON -"


def _whole_name(doc: Doc, mention: Mention, gazetteer: Gazetteer) -> Mention:
    """A town's name is written whole: "New" + "Concord", "South" + "Charleston", "Avondale" +
    "Estates", "ST." + "PARIS", when the gazetteer holds the longer name as a town or county by
    that very name (the model or a longer organisation's name cut it)."""
    if mention.kind not in ("toponym", "embedded") or mention.lookup is not None:
        return mention
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is None:
        return mention
    longest = None
    for before, after in WHOLE_NAME_STEPS:
        start, end = span.start - before, span.end + after
        if start < 0 or end > len(doc):
            continue
        longer = doc[start:end]
        added = [*doc[start : span.start], *doc[span.end : end]]
        if not all(_name_word(t, inside=start < t.i < end - 1) for t in added):
            continue
        if longer[1].lower_ == "of" and longer[0].lower_ in PLACE_NOUNS:
            continue  # "City of Richmond" is Richmond
        if any(t.is_sent_start and not _after_saint(t) for t in longer[1:]) or any(
            "\n" in t.whitespace_ for t in longer[:-1]
        ):
            continue
        if longest is not None and len(longer) <= len(longest):
            continue
        found = _exact_place(gazetteer, longer.text, countries=True)
        if found is not None and found.place_type != "region":
            longest = longer
    if longest is None:
        return mention
    return replace(
        mention,
        text=longest.text,
        start=longest.start_char,
        end=longest.end_char,
        sentence=_sentence_of(longest),
    )


def _after_saint(token: Token) -> bool:
    """'LOUIS' in 'ST. LOUIS': the full stop of a saint's abbreviation ends no sentence."""
    doc = token.doc
    i = token.i - 1 if doc[token.i - 1].text != "." else token.i - 2
    return i >= 0 and doc[i].lower_ in SAINTS | {"ste", "ste."}


def _name_word(token: Token, *, inside: bool) -> bool:
    """A word that can go on a town's name: capitalised ("Barrel", "ST."), or "of" inside it
    ("ISLE OF PALMS"), never "The"."""
    if token.lower_ in ("of", "and"):
        return inside  # "ISLE OF PALMS", "Trinidad and Tobago"
    if token.text == ".":
        return inside and token.doc[token.i - 1].lower_ in SAINTS  # "ST" + "." + "LOUIS"
    capitalised = token.is_title or token.is_upper
    return capitalised and not token.is_stop and (token.is_alpha or token.lower_ in SAINTS)


def _civic_town(span: SpacySpan, gazetteer: Gazetteer, discourse: _Discourse) -> Mention | None:
    """The town opening its own civic body's name ("Torrington Fire Department", "DeKalb City
    Council"), whether the model put the body's words in the span or not."""
    doc = span.doc
    for size in range(min(3, len(span)), 0, -1):
        name = doc[span.start : span.start + size]
        if (
            not all(_capitalised(t.text) and t.is_alpha for t in name)
            or _looks_personal(name, "", discourse)
            or all(t.lower_ in GENERIC_PLACE_WORDS for t in name)
        ):
            continue
        following = [t.lower_ for t in doc[name.end : name.end + 3]] if name.end < len(doc) else []
        if not any(tuple(following[: len(tail)]) == tail for tail in CIVIC_TAILS):
            continue
        if _exact_place(gazetteer, doc[name.start : name.end + 1].text) is not None:
            continue  # "Iowa City", "Boulder City Council": the town's name goes on
        best = _named(gazetteer, name.text, placed=True)
        if name[-1].lower_ in TOWN_WORDS and _exact_place(gazetteer, name.text) is None:
            continue
        if (
            best is not None
            and best.place_type in ("city", "county")
            and (best.place_type == "county" or best.population >= CIVIC_PLACE_POPULATION)
        ):
            return discourse.mention(name, "civic>place")
    return None


def _exact_place(gazetteer: Gazetteer, text: str, *, countries: bool = False) -> Candidate | None:
    """A town, county or region (or country) the gazetteer holds by this very name (not an
    alternate one)."""
    from .gazetteer import normalize_name

    def key(name: str) -> str:  # "St. Paris" is "Saint Paris"
        folded = normalize_name(name)
        return "st " + folded[6:] if folded.startswith("saint ") else folded

    wanted = key(text)
    kinds = ("city", "county", "region", "country") if countries else ("city", "county", "region")
    for candidate in gazetteer.candidates(text, limit=5):
        if candidate.place_type in kinds and key(candidate.name) == wanted:
            return candidate
    return None


def _in_place_slot(span, best: Candidate) -> bool:
    """Is this name the source or goal of a movement ("drove from Goma to Rutshuru", "flew from
    Mwanza to Bukoba", "left Calais for Dover"), and a town of MOVEMENT_PLACE_POPULATION or more?"""
    if best.place_type != "city" or best.population < MOVEMENT_PLACE_POPULATION or len(span) > 3:
        return False
    doc = span.doc
    root = span.root
    if root.dep_ == "dobj" and root.head.lower_ in PLACE_OBJECT_VERBS:
        return True  # "the ferry left Calais for Dover"
    if span.start == 0:
        return False
    preposition = doc[span.start - 1]
    if preposition.lower_ == "for" and preposition.head.lower_ in PLACE_OBJECT_VERBS:
        return True  # "left Calais for Dover": where the departure is bound
    if preposition.lower_ not in MOVEMENT_PREPOSITIONS:
        return False
    if span.end < len(doc) and doc[span.end].text in ("'s", "’s"):
        return False
    window = list(doc[max(0, span.start - 9) : span.start - 1])
    starts = [k for k, t in enumerate(window) if t.is_sent_start]
    window = window[starts[-1] :] if starts else window  # this sentence only
    if any(t.lower_ in MOVEMENT_WORDS for t in window):
        return True
    # "from Goma to Rutshuru": both ends written
    if preposition.lower_ == "to":
        before = [t for t in window if t.lower_ == "from"]
        return bool(before) and before[-1].i + 1 < len(doc) and _capitalised(doc[before[-1].i + 1].text)
    return False


def _listed_places(span: SpacySpan, gazetteer: Gazetteer, discourse: _Discourse) -> list[Mention]:
    """'Berdyansk and Vasylivka' tagged as one ORG: a list of places, each a toponym.

    An ampersand joins partners' names ("Stevens & Wilkinson"), not places, and every part must be
    a place the article could mean: well known, written as a place elsewhere, or the list placed.
    """
    parts: list[list[Token]] = []
    current: list[Token] = []
    for token in span:
        if token.text == "&":
            return []
        if token.lower_ in ("and", ",", "or"):
            parts.append(current)
            current = []
        else:
            current.append(token)
    parts.append(current)
    if len(parts) < 2 or any(not part for part in parts):
        return []
    placed = _placed(span)
    mentions = []
    for part in parts:
        sub = span.doc[part[0].i : part[-1].i + 1]
        best = _named(gazetteer, sub.text, placed=placed)
        if best is None or not _capitalised(sub.text) or _looks_personal(sub, "", discourse):
            return []
        if not (placed or sub.text in discourse.places or _is_salient(best, sub, strict=True)):
            return []
        mentions.append(discourse.mention(sub, "ORG>list"))
    return mentions


def _people_named(span: SpacySpan, label: str, gazetteer: Gazetteer, discourse: _Discourse) -> Mention | None:
    """A demonym the model labelled a place ("Sri Lankan"), when no place has that name."""
    from .gazetteer import demonym_country

    country = demonym_country(span.text)
    if country is None or gazetteer.is_place_name(span.text):
        return None
    return discourse.mention(span, f"{label}>demonym", "demonym", lookup=country)


def _people_opening(span: SpacySpan, label: str, discourse: _Discourse) -> Mention | None:
    """A nation's people opening an organisation's name ("the Georgian Interior Ministry",
    "American Electric Power"), or a PERSON that is only a people's name ("Azerbaijani"): the
    demonym, looked up as its country. Not in a hyphenated pair ("African-American") and not a
    person's surname ("Philip English")."""
    from .gazetteer import demonym_country

    first = span[0]
    if label == "PERSON" and len(span) > 1:
        return None
    if not first.is_title or (first.i + 1 < len(span.doc) and span.doc[first.i + 1].text in ("-", "–")):
        return None
    if first.i > 0 and span.doc[first.i - 1].text in ("-", "–"):
        return None
    country = demonym_country(first.text)
    if country is None:
        return None
    return discourse.mention(span[:1], f"{label}>demonym", "demonym", lookup=country)


def _located_in(span: SpacySpan, gazetteer: Gazetteer, discourse: _Discourse) -> Mention | None:
    """An organisation's name the model ran on into where it is ("Lutheran School in Lombard",
    "Sheldon Peck Homestead in Lombard"): the town after "in" or "at" is a place, however small."""
    doc = span.doc
    links = [t.i for t in span[1:-1] if t.lower_ in ("in", "at")]
    if not links:
        return None
    town = doc[links[-1] + 1 : span.end]
    if not all(_capitalised(t.text) for t in town) or _looks_personal(town, "", discourse):
        return None
    best = _named(gazetteer, town.text, placed=True)
    if best is None or best.place_type not in ("city", "county", "region", "country"):
        return None
    if best.place_type == "city" and best.population < CIVIC_PLACE_POPULATION:
        return None
    return discourse.mention(town, "ORG>in>place")


def _embedded(span: SpacySpan, gazetteer: Gazetteer, discourse: _Discourse) -> Iterator[Mention]:
    """The longest well-known place name nested in an organisation's name."""
    tokens = list(span)
    for size in range(min(MAX_RUN_TOKENS, len(tokens) - 1), 0, -1):
        for start in range(len(tokens) - size + 1):
            sub = span.doc[tokens[start].i : tokens[start].i + size]
            if (
                not _capitalised(sub[0].text)
                or _looks_personal(sub, "", discourse)
                or discourse.is_common(sub)
                or all(t.lower_ in GENERIC_PLACE_WORDS for t in sub)  # "Air Force Base"
            ):
                continue
            best = _named(gazetteer, sub.text)
            if best is not None and _is_salient(best, sub, strict=True):
                yield discourse.mention(sub, "ORG>embedded", "embedded")
                return


def _best(gazetteer: Gazetteer, text: str) -> Candidate | None:
    if text.casefold() in VAGUE_WORDS:
        return None
    found = gazetteer.candidates(text, limit=1)
    return found[0] if found else None


def _named(gazetteer: Gazetteer, text: str, *, placed: bool = False) -> Candidate | None:
    """The best entry that this very name can stand for, for names the model did not call places.

    The gazetteer also matches alternate names ("Hamas" is an old name of Hamm, "Human" of Uman,
    "BA" of Bath). Outside a GPE/LOC label such a match is trusted only where the text writes the
    name as a place (`placed`: "in Echmiadzin", or a place label elsewhere in the article), or for
    what news writes by alias or abbreviation: countries, continents, landmarks, capitals and very
    large cities, a spelling that differs only at the end ("Misrata"), and regions written as an
    abbreviation ("W.Va.", "N.Y.", "BC") or with their kind ("Mayo County", "Enugu State").
    """
    from .gazetteer import normalize_name

    if text.casefold() in VAGUE_WORDS:
        return None
    found = gazetteer.candidates(text, limit=5)
    if placed:
        return found[0] if found else None
    key = normalize_name(text)
    for candidate in found:
        name = normalize_name(candidate.name)
        if (
            name == key
            or name.startswith(key + " ")
            or key.startswith(name + " ")
            or (len(key) >= 6 and name[:5] == key[:5])
            or (len(key) >= 4 and not text.isupper() and _final_h(name, key))
        ):
            # the name, its first words ("Barrow" in Furness), a near spelling ("Hama" for
            # Ḩamāh, "Misrata" for Mişrātah: accents are folded)
            return candidate
        if candidate.place_type in ("country", "continent", "landmark", "airport"):
            return candidate
        if candidate.place_type == "region" and ("." in text or text.isupper()):
            return candidate
        if (
            candidate.place_type == "city"
            and not text.isupper()
            and (candidate.feature_code == "PPLC" or candidate.population >= 500_000)
        ):
            return candidate
    return None


def _final_h(a: str, b: str) -> bool:
    """Does one name only add a transliteration's final "h" to the other ("hamah" and "hama",
    "misratah" and "misrata")?"""
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return len(longer) == len(shorter) + 1 and longer.startswith(shorter) and longer[-1] == "h"


def _is_major(candidate: Candidate | None) -> bool:
    """A country, continent or first-level region: never read as a surname on a document's evidence."""
    return candidate is not None and candidate.place_type in ("country", "continent", "region")


def _is_salient(candidate: Candidate, span, *, strict: bool = False, threshold: int | None = None) -> bool:
    """Is the gazetteer's best reading of this name well known enough to trust over the model?"""
    if candidate.place_type in ("country", "continent", "region", "landmark", "water"):
        return True
    if candidate.place_type == "airport":
        return len(span) > 1
    if candidate.place_type == "county":
        return len(span) > 1  # "Boone County", never a bare "Boone"
    if threshold is None:
        threshold = 50_000 if strict else 5_000
    if candidate.feature_code == "PPLC":
        return True
    return candidate.population >= threshold


def _generic(mention: Mention) -> bool:
    """A mention made only of words for a kind of place ("County Road", "Air Force Base",
    "Valley"): a fragment of a longer name, never a pin on its own."""
    words = re.findall(r"[\w'’]+", mention.text.lower())
    return bool(words) and all(w in GENERIC_PLACE_WORDS for w in words)


# Names the model calls places that English gives to days and to bodies: "St. Patrick's Day",
# "the Easter Vigil", "United Way", "United Russia". Only where no gazetteer entry has the name
# (the United States, Independence Day in no gazetteer but Independence, Missouri, is a town).
EVENT_TAILS = _WORDS["event_tail"]
BODY_OPENINGS = _WORDS["body_opening"]


def _named_event_or_body(mention: Mention, gazetteer: Gazetteer) -> bool:
    words = mention.text.split()
    if len(words) < 2 or mention.kind == "demonym":
        return False
    if words[-1].lower() not in EVENT_TAILS and words[0].lower() not in BODY_OPENINGS:
        return False
    return not gazetteer.is_place_name(mention.query)


def _part_of_a_name(text: str, mention: Mention) -> bool:
    """'Prince of Wales', 'Duke of York', 'USS Arizona': a title or a ship, not the place."""
    before = text[max(0, mention.start - 60) : mention.start]
    return bool(TITLE_OF.search(before) or SHIP_PREFIX.search(before))


def _taken_back(best: Candidate, span: SpacySpan, label: str, discourse: _Discourse) -> bool:
    """Should a PERSON/ORG span the gazetteer knows be read as the place?

    Towns named like people and firms abound, so a plain town needs to sit where places sit
    ("in Gainesville", "Alexandria, La."), be large, or be written as a place elsewhere in the
    article (one sense per discourse); countries, regions and landmarks need not. Never when the
    article uses the name for a person, for a make ("a 1992 Toyota"), or as an acronym ("the UN",
    "BA") that abbreviates no country or region. A landmark the model calls an organisation
    ("the White House said", "the Kremlin") is the institution unless it sits where places sit.
    """
    if _looks_personal(span, label, discourse):
        return False
    doc = span.doc
    previous = doc[span.start - 1] if span.start > 0 else None
    if previous is not None and YEAR.fullmatch(previous.text):
        return False
    if _article_before(span) and best.place_type in ("city", "county"):
        return False  # "the Toyota failed to yield", "the Bush administration": towns take no article
    text = span.text
    if text.isupper() and len(text.replace(".", "")) <= 4 and not _is_major(best) and not _is_dateline(span):
        return False
    if best.place_type == "landmark" and label == "ORG":
        return _placed(span)
    if text in discourse.places:
        return True
    if (
        label == "PERSON"
        and best.place_type == "region"
        and best.source != "curated"  # curated rows (Berkshire) hold no population
        and best.population < PERSON_REGION_POPULATION
    ):
        return False  # "Patrick worked with": a parish of the Isle of Man GeoNames counts no one in
    if best.place_type != "city" or best.feature_code == "PPLC":
        return _is_salient(best, span)
    threshold = 1_000 if _placed(span) else (100_000 if label == "PERSON" else 20_000)
    return best.population >= threshold


def _article_before(span) -> bool:
    """A single name after an article or possessive pronoun that heads its noun phrase ("the
    Honda's driver", "the Toyota failed to yield"): towns take no article. A name that modifies
    a noun ("a Rochester man", "the Gainesville sewer system") is a place and not caught here."""
    doc = span.doc
    if len(span) != 1 or span.start == 0 or doc[span.start - 1].lower_ not in ARTICLES:
        return False
    after = doc[span.end] if span.end < len(doc) else None
    return after is None or after.pos_ not in ("NOUN", "PROPN", "ADJ", "NUM", "PUNCT", "CCONJ")


def _placed(span, *, strong: bool = False) -> bool:
    """Is the span written where places are written: "in Gainesville", "in eastern Aleppo",
    "Alexandria, La.", "the city of Kherson"? `strong` asks for a preposition that people rarely
    follow ("in", not "to")."""
    doc = span.doc
    after = doc[span.end] if span.end < len(doc) else None
    if strong and after is not None and after.text in ("'s", "’s", "'", "’"):
        return False  # "in Modi's cabinet", "in Flores' honor"
    if _after_place_word(span, strong=strong):
        return True
    if after is None or after.text != ",":
        return False
    if not strong:
        return True
    state = doc[span.end + 1] if span.end + 1 < len(doc) else None
    if state is None or STATE_ABBREVIATION.fullmatch(state.text) is None:
        return False
    # "Bell, Eggers fired": a capitalised word that opens a clause is its subject, not a state
    following = doc[state.i + 1] if state.i + 1 < len(doc) else None
    return following is None or following.pos_ not in ("VERB", "AUX")


def _after_place_word(span, *, strong: bool) -> bool:
    """Does the span follow a place preposition ("in Gainesville", "in eastern Aleppo") or a
    place noun's "of" ("the city of Kherson")?"""
    doc = span.doc
    i = span.start - 1
    if i >= 0 and doc[i].is_lower and doc[i].lower_ in DIRECTIONS:
        i -= 1  # "in eastern Aleppo", "in northern Idlib": a compass word keeps the slot
    if i >= 0 and doc[i].lower_ in DETERMINERS:
        i -= 1
    before = doc[i].lower_ if i >= 0 else ""
    if before in (STRONG_PLACE_PREPOSITIONS if strong else PLACE_PREPOSITIONS):
        return True
    return before == "of" and i > 0 and doc[i - 1].lower_ in PLACE_NOUNS


def _undirected(span: SpacySpan, gazetteer: Gazetteer) -> SpacySpan:
    """'East Texas' -> 'Texas' when only the latter is a known place and it can be a state, a
    county or a city: the place is what is pinned. A part of a continent, a sea or a country that
    is nothing else keeps its direction: "North Africa", "the North Atlantic", "Western US"."""
    if len(span) > 1 and span[0].lower_ in DIRECTIONS and not gazetteer.is_place_name(span.text):
        rest = span[1:]
        readings = gazetteer.candidates(rest.text, limit=5)
        if (
            readings
            and readings[0].place_type not in ("continent", "water")
            and any(c.place_type in ("region", "county") or c.population >= 100_000 for c in readings)
        ):
            return rest  # a part of a state, a county, a city ("North Georgia" is in Georgia, US)
    return span


def _looks_personal(span, label: str, discourse: _Discourse) -> bool:
    """Is this name used for a person here ("Mr. Bell", "coach Ripley") or, one sense per
    discourse, anywhere in the article ("Michael Bell ... Bell said") and never written as a place?"""
    doc = span.doc
    previous = doc[span.start - 1] if span.start > 0 else None
    if previous is not None and _title_before([t.lower_ for t in doc[max(0, span.start - 2) : span.start]]):
        return True
    if previous is not None and previous.text == "," and span.start > 1 and doc[span.start - 2].lower_ in KIN:
        return True
    if previous is not None and previous.lower_ in KIN:
        return True  # "his wife Nancy", "son Bryan"
    return len(span) == 1 and span.text in discourse.persons and span.text not in discourse.firmly_placed


def _token_after(span) -> Token | None:
    """The token after a span, if any."""
    doc = span.doc
    return doc[span.end] if span.end < len(doc) else None


def _title_before(before: list[str], titles: frozenset[str] = PERSON_TITLES) -> bool:
    """Do these words (lower case, the last one or two before a name) end in a title: "Mr.",
    "Lt" + "." where the tokenizer split the full stop off ("LPD Lt. Brent Wheat")?"""
    if not before:
        return False
    if before[-1] in titles:
        return True
    return len(before) == 2 and before[-1] == "." and before[0] + "." in titles


def _listed_with_people(doc: Doc, ents, gazetteer: Gazetteer) -> set[str]:
    """Single words listed next to a person's full name ("Roger and Dorothy Malcom and George and
    Mae Murray Dorsey", "Gipson and Miller, Brian Fogle"): people too. The word must be an item
    of the list, with a separator on its other side too ("Malcom and George and"): not a
    clause's opening ("In Dublin, John Smith said") nor a home after a name ("Ann Eze, Owerri.")."""
    found: set[str] = set()
    separators = (",", "and", "&")
    count = len(doc)

    def item(j: int, step: int) -> Token | None:
        if not 0 <= j < count:
            return None
        token = doc[j]
        beyond = j + step
        if not (token.is_alpha and token.is_title and token.pos_ == "PROPN"):
            return None
        # a list goes on beyond it ("Malcom and George and Mae"); not "Stanley Uzoaru, Owerri.",
        # where a town follows the name
        return token if 0 <= beyond < count and doc[beyond].lower_ in separators else None

    for ent in ents:
        name = _surname_span(ent) if ent.label_ == "PERSON" else None
        if name is None or len(name) < 2 or _named_like_a_place(name, gazetteer):
            continue
        if not all(t.is_alpha or t.text == "." for t in name):
            continue  # "Mundy’s Mill": a possessive makes a place's or a firm's name
        for k, step in ((ent.end, 1), (ent.start - 1, -1)):
            if (
                0 <= k < count
                and doc[k].lower_ in separators
                and (listed := item(k + step, step)) is not None
            ):
                found.add(listed.text)
    return found


def _named_as_people(ents) -> set[str]:
    """Single words the model labels a person's name alone and also as the first word of a
    longer one ("Elizabeth Izevbekhai ... said that Elizabeth would"): a given name, read as the
    person's wherever the article does not write it where places are. (A given name alone is no
    evidence: "Paris Hilton" leaves Paris a city; nor is the model's PERSON label alone, which it
    gives to many towns: both are needed.)"""
    alone: set[str] = set()
    given: set[str] = set()
    for ent in ents:
        if ent.label_ != "PERSON":
            continue
        words = [t for t in ent if t.is_alpha]
        if len(ent) == 1 and words:
            alone.add(ent.text)
        elif len(words) > 1:
            given.add(words[0].text)
    return {word for word in alone & given if _capitalised(word)}


def _surname_span(ent: SpacySpan) -> SpacySpan | None:
    """A PERSON span without a trailing possessive, punctuation or generational suffix ("Roy
    Jones'", "George Bush Jr.", "Marion Lawson Parker III"), if a surname is left to read: a name
    of two words or more, or one word before a suffix ("Bush Jr")."""
    doc = ent.doc
    end = ent.end
    while end > ent.start and (doc[end - 1].is_punct or doc[end - 1].text in ("'s", "’s", "'", "’")):
        end -= 1
    suffixed = end > ent.start + 1 and doc[end - 1].lower_ in NAME_SUFFIXES
    if suffixed:
        end -= 1
    if end - ent.start > 1 or (suffixed and end > ent.start):
        return doc[ent.start : end]
    return None


def _firmly_placed(span, gazetteer: Gazetteer) -> bool:
    """Written where a place is and a person's name is not (`_placed(strong=True)` first): not a
    noun's modifier after the preposition ("in the Fairfield hearing", "in Ravenel cocaine case":
    a surname does that as well as a town) and, before a comma, followed by a state, a country, a
    county or a large city ("McKinney, Holstein and Pct. 3 Commissioner Lawrence" lists people)."""
    if not _placed(span, strong=True):
        return False
    doc = span.doc
    after = doc[span.end] if span.end < len(doc) else None
    if _after_place_word(span, strong=True):
        # a lower-case noun after the name makes it that noun's modifier
        return after is None or not (after.is_lower and after.is_alpha and after.pos_ == "NOUN")
    for size in (1, 2, 3):  # "Brooklyn, New York": the state may be more than one word
        qualifier = doc[span.end + 1 : span.end + 1 + size]
        if len(qualifier) < size or not all(_capitalised(t.text) for t in qualifier):
            break
        if any(
            c.place_type in ("region", "country", "county") or c.population >= 100_000
            for c in gazetteer.candidates(qualifier.text, limit=3)
        ):
            return True
    return False


@dataclass(frozen=True)
class _Words:
    """A Doc's words as columns, one entry a token, read once per article: the passes over a long
    article ask every word for its text and a few lexical flags, and through spaCy each ask made
    a Token object (6 million on a 1 MB article). The flags are the lexeme's, so they are read
    once per distinct word; each flag is one byte a token (0 or 1), the words are shared strings."""

    text: list[str]
    lower: list[str]  # `token.lower_`
    alpha: bytes  # `token.is_alpha`
    is_lower: bytes
    title: bytes  # `token.is_title`
    stop: bytes  # `token.is_stop`
    outside: bytes  # `token.ent_iob_ == "O"`: outside any entity

    @classmethod
    def of(cls, doc: Doc) -> _Words:
        import numpy
        from spacy.attrs import ENT_IOB, ORTH
        from spacy.tokens import Token

        table: Any = doc.to_array([ORTH, ENT_IOB])
        ids, which = numpy.unique(table[:, 0], return_inverse=True)
        which = which.reshape(-1)
        lexemes = [doc.vocab[orth] for orth in ids.tolist()]

        def words(values: list[str]) -> list[str]:
            return numpy.array(values, dtype=object)[which].tolist()

        def flags(values: list[bool]) -> bytes:
            return numpy.array(values, dtype=numpy.uint8)[which].tobytes()

        return cls(
            text=words([lexeme.orth_ for lexeme in lexemes]),
            lower=words([lexeme.lower_ for lexeme in lexemes]),
            alpha=flags([lexeme.is_alpha for lexeme in lexemes]),
            is_lower=flags([lexeme.is_lower for lexeme in lexemes]),
            title=flags([lexeme.is_title for lexeme in lexemes]),
            stop=flags([lexeme.is_stop for lexeme in lexemes]),
            outside=(table[:, 1] == Token.iob_strings().index("O")).astype(numpy.uint8).tobytes(),
        )


@dataclass(frozen=True)
class _Discourse:
    """What the whole article says about its names, so one name keeps one sense throughout."""

    persons: frozenset[str]  # words of people's names: in multi-word PERSON spans, after a title
    placed: frozenset[str]  # names written at least once where places are ("in Ripley", "Ripley, W.Va.")
    # names written at least once where a person's name is not: not a noun's modifier ("in the
    # Fairfield hearing") and not before a comma and a name that is no state ("McKinney, Holstein")
    firmly_placed: frozenset[str]
    places: frozenset[str]  # names the model labels GPE/LOC somewhere and the article never uses for a person
    lowercase: frozenset[str]  # words the article also writes in lower case ("spring", "man")
    words: _Words | None = field(default=None, repr=False, compare=False)  # the Doc's word columns

    @classmethod
    def of(cls, doc: Doc, gazetteer: Gazetteer) -> _Discourse:
        persons: set[str] = set()
        ents = doc.ents  # made once: each `doc.ents` makes a Span per entity
        for ent in ents:
            # the surname: given names ("Paris", "Austin") and firms' place words ("Seattle Seahawks",
            # "Logan Elementary") come first, so only a multi-word name's last word counts, before
            # a possessive or a generational suffix ("Roy Jones'", "George Bush Jr.")
            name = _surname_span(ent) if ent.label_ == "PERSON" else None
            if name is not None and not _named_like_a_place(name, gazetteer):
                last = name[-1]
                if _capitalised(last.text) and last.is_alpha and last.lower_ not in DIRECTIONS:
                    persons.add(last.text)
        persons.update(_named_as_people(ents))
        persons.update(_listed_with_people(doc, ents, gazetteer))
        lowercase = set()
        placed: set[str] = set()
        words = _Words.of(doc)
        text, lower, alpha, title = words.text, words.lower, words.alpha, words.title
        count = len(text)
        titles = PERSON_TITLES - SAINTS
        for i, word in enumerate(text):
            if words.is_lower[i] and alpha[i]:
                lowercase.add(word)
            elif (
                i > 0 and _capitalised(word) and alpha[i] and _title_before(lower[max(0, i - 2) : i], titles)
            ):
                # "Lt. Brent Wheat", "Dr Tia MacGregor": the whole name after a title
                for j in range(i, min(i + 3, count)):
                    if not (alpha[j] and _capitalised(text[j]) and not words.stop[j]):
                        break
                    persons.add(text[j])
        for i in range(2, count):
            # "Tyrise M. Bell", whatever label the model gave it: a middle initial marks a person's
            # name, unless the name goes on into an institution's ("Stephen F. Austin University")
            if (
                MIDDLE_INITIAL.fullmatch(text[i - 1])
                and alpha[i - 2]
                and title[i - 2]
                and alpha[i]
                and title[i]
                and not (i + 1 < count and _capitalised(text[i + 1]))
            ):
                persons.add(text[i])
        for i in range(count - 3):
            # "Flores, 26, had just left the Army": a name with an age in apposition is a person's
            if (
                _capitalised(text[i])
                and alpha[i]
                and not words.stop[i]
                and text[i + 1] == ","
                and text[i + 3] == ","
                and _is_age(text[i + 2])
            ):
                persons.add(text[i])
        for i in range(count):
            # "Petrova said", "said Noma": a speaker, when the gazetteer knows no large place so named
            if lower[i] in SPEECH_VERBS:
                for near in (
                    doc[i - 1] if i > 0 else None,
                    doc[i + 1] if i + 1 < count else None,
                ):
                    if (
                        near is not None
                        and near.pos_ == "PROPN"
                        and near.is_title
                        and near.text not in persons
                        and (
                            (best := _best(gazetteer, near.text)) is None
                            or not _is_salient(best, near, strict=True)
                        )
                    ):
                        persons.add(near.text)
        persons.update(_speakers_and_kin(doc, gazetteer, words))
        confirmed = [
            (ent.label_, span)
            for ent in ents
            if (span := _trim(ent)) is not None and _placed(span, strong=True)
        ]
        placed.update(span.text for _, span in confirmed)
        firmly = {span.text for _, span in confirmed if _firmly_placed(span, gazetteer)}
        for i in range(count):
            if words.outside[i] and _capitalised(text[i]) and _placed(doc[i : i + 1], strong=True):
                placed.add(text[i])
                if _firmly_placed(doc[i : i + 1], gazetteer):
                    firmly.add(text[i])
        places = set()
        for label, span in confirmed:
            # a place label the context confirms ("in Laconia", "Laconia, N.H.")
            if label in ("GPE", "LOC"):
                if span.text in firmly or not (len(span) == 1 and span.text in persons):
                    places.add(span.text)
        return cls(
            frozenset(persons),
            frozenset(placed),
            frozenset(firmly),
            frozenset(places),
            frozenset(lowercase),
            words,
        )

    def mention(self, span, label: str, kind: MentionKind = "toponym", lookup: str | None = None) -> Mention:
        """The Mention of a span, with its sentence."""
        text, end = span.text, span.end_char
        following = span.doc[span.end] if span.end < len(span.doc) else None
        if (
            "." in span[-1].text  # "W.Va", not the full stop after "St. Petersburg"
            and following is not None
            and not span[-1].whitespace_
            and following.text.startswith(".")
        ):
            text, end = text + ".", end + 1  # "W.Va" + "." split off as a full stop: "W.Va."
        stripped = text.rstrip("-–—/ ")
        if stripped and stripped != text:  # "Nebraska-", "Grant/": a dash or slash the token kept
            text, end = stripped, end - (len(text) - len(stripped))
        return Mention(
            text=text,
            start=span.start_char,
            end=end,
            sentence=_sentence_of(span),
            label=label,
            kind=kind,
            lookup=lookup,
        )

    def is_common(self, span) -> bool:
        """A single capitalised word the article elsewhere writes in lower case: a common noun."""
        return len(span) == 1 and span[0].is_title and span[0].text.lower() in self.lowercase


def _speakers_and_kin(doc: Doc, gazetteer: Gazetteer, words: _Words | None = None) -> set[str]:
    """Single names the article uses for a person whatever the gazetteer knows: the speaker of a
    "said" whose clause goes on with a personal pronoun ("Lincoln said he would stay", "said
    Lincoln, who"), a name owning a relative ("Chester's brother") and a name in apposition to a
    person ("Perry, an anesthesiologist,", "Marshall, his friend Andrew"). Countries, regions and
    continents are kept: "Britain said it", "America's sons"."""
    found: set[str] = set()

    def add(token: Token) -> None:
        best = _best(gazetteer, token.text)
        if best is None or best.place_type not in ("country", "region", "continent"):
            found.add(token.text)

    def name_at(i: int) -> Token | None:
        token = doc[i] if 0 <= i < len(doc) else None
        if token is not None and token.is_alpha and token.is_title and token.pos_ == "PROPN":
            return token
        return None

    possessives = ("'s", "’s")
    lower = (words or _Words.of(doc)).lower
    count = len(lower)
    for i in range(count):
        speech = lower[i] in SPEECH_VERBS
        if i + 2 < count and lower[i + 1] == "," and lower[i + 2] in APPOSITION_OPENINGS:
            if (
                (name := name_at(i)) is not None
                and not (i > 0 and lower[i - 1] in PLACE_PREPOSITIONS | {"of"})  # "of Framingham, a member"
                and _person_in_apposition(lower, i + 2)
            ):
                add(name)  # "Perry, an anesthesiologist,", "Marshall, his friend"
            continue
        if not speech and not (i + 1 < count and lower[i + 1] in possessives):
            continue  # most words: no need to read the three that follow
        following = lower[i + 1 : i + 4]
        if speech:
            before, after = name_at(i - 1), name_at(i + 1)
            if before is not None and following[:1] and following[0] in PERSONAL_PRONOUNS:
                add(before)  # "Lincoln said he"
            if after is not None and following[1:3] == [",", "who"]:
                add(after)  # "said Lincoln, who"
        elif following[:2] and following[0] in possessives and following[1] in KIN:
            if (name := name_at(i)) is not None:
                add(name)  # "Chester's brother"
    return found


# "Perry, an anesthesiologist", "Danielle, an 11th-grade homeschooled student", "Marshall, his
# friend": what opens an apposition, and how many words may stand before its noun.
APPOSITION_OPENINGS = frozenset(("a", "an", "his", "her", "their"))
APPOSITION_WORDS = 5


def _person_in_apposition(lower: list[str], i: int) -> bool:
    """Does the apposition opening at word i ("a", "an", "his", "her") name a person: a person
    noun or a relative within a few words, before any other punctuation than a hyphen?"""
    for word in lower[i + 1 : i + 1 + APPOSITION_WORDS]:
        if word in PERSON_NOUNS or word in KIN:
            return True
        if word != "-" and not any(c.isalnum() for c in word):
            return False
    return False


def _with_facility_word(span, gazetteer: Gazetteer, columns: _Words | None = None):
    """'Haneda' + 'airport', 'Munich' + 'airport': the facility when the gazetteer knows it by
    that name (the model leaves a lower-case facility word out of the entity)."""
    doc = span.doc
    if span.end >= len(doc):
        return span  # nothing follows (and a span starting past the end costs a whole `doc.text`)
    columns = columns or _Words.of(doc)
    for size in range(MAX_RUN_TOKENS, 0, -1):
        # "O.R." + "Tambo International Airport": the model cut the name at the initials
        if span.end + size > len(doc) or columns.lower[span.end + size - 1] not in FACILITY_RUN_ENDS:
            continue  # read from the columns first: most names are followed by no facility word
        words = doc[span.end : span.end + size]
        if (
            len(words) == size
            and words[-1].lower_ in FACILITY_RUN_ENDS
            and all(_capitalised(t.text) and not t.is_sent_start for t in words)
        ):
            extended = doc[span.start : span.end + size]
            if gazetteer.is_place_name(extended.text):
                return extended
    for size in (2, 1) if columns.is_lower[span.end] else ():
        words = doc[span.end : span.end + size]
        if len(words) == size and all(t.is_lower for t in words) and words.text in FACILITY_WORDS:
            extended = doc[span.start : span.end + size]
            if gazetteer.is_place_name(extended.text):
                return extended
            if words.text in STATION_WORDS and gazetteer.is_place_name(span.text):
                return extended  # "Waterloo station": a station, placed at its city, not a town
    return span


def _named_like_a_place(ent: SpacySpan, gazetteer: Gazetteer) -> bool:
    """A PERSON span that is really a place ("Greer Station", "Anderson County", "Kelley Lane")."""
    return ent[-1].lower_ in PLACE_SUFFIXES or gazetteer.is_place_name(ent.text)


def _is_dateline(tokens) -> bool:
    """An ALL-CAPS place opening a story: at a line start, or before a dash ("ATLANTA - A former ...",
    "COLUMBIA, S.C. (AP) --")."""
    if _starts_line(tokens):
        return True
    doc = tokens.doc
    first = tokens[0]
    previous = doc[first.i - 1] if first.i > 0 else None
    if previous is not None and not (
        previous.is_punct or first.is_sent_start or YEAR.fullmatch(previous.text)
    ):
        return False  # "March 15, 2009 NEWARK --": a byline's date may come first
    joined = previous is not None and previous.text in ("-", "/")
    if tokens.end < len(doc) and doc[tokens.end].text == ":" and tokens.text.isupper() and not joined:
        return True  # "BEIRUT: Israel ...", not "TIP-INS:"
    # (a slice that starts at the doc's end would rebuild the whole text: skip it)
    for token in doc[tokens.end : tokens.end + 5] if tokens.end < len(doc) else ():
        if DASH.fullmatch(token.text):
            return True
        if token.text == "(" or not (
            token.text == "," or token.is_title or token.is_upper or "." in token.text
        ):
            return token.text == "("
    return False


def _trim(ent: SpacySpan) -> SpacySpan | None:
    """Drop a leading 'the' and trailing possessives, punctuation and lower-case words the model
    swept in ("the Pacific equatorial", "Kermanshah province", "Grand and")."""
    start, end = ent.start, ent.end
    doc = ent.doc
    # a leading "the", punctuation or lower-case word the model swept in ("later Far Eastern ...")
    while start < end and (
        doc[start].lower_ in DETERMINERS
        or doc[start].is_punct
        or (
            doc[start].is_lower
            and doc[start].is_alpha
            and doc[start].pos_ in ("ADV", "ADJ", "DET", "CCONJ", "SCONJ", "PRON")
        )
    ):
        start += 1
    while end > start and (
        doc[end - 1].is_punct
        or doc[end - 1].text in ("'s", "’s", "'", "’")
        or (end - start > 1 and doc[end - 1].is_lower and doc[end - 1].is_alpha)  # "Pacific equatorial"
    ):
        end -= 1
    if start >= end or not any(t.text[:1].isupper() for t in doc[start:end]):
        return None  # nothing capitalised is left: no proper name ("alisin na para")
    return doc[start:end]


def _without_state_word(span: SpacySpan, gazetteer: Gazetteer) -> SpacySpan:
    """'Mississippi State', 'San Diego State': in American usage a university or its team, and the
    place is the name before "State"; elsewhere "Oaxaca State", "Sokoto State" are the states."""
    if len(span) > 1 and span[-1].text == "State" and not gazetteer.is_place_name(span.text):
        rest = span[:-1]
        readings = gazetteer.candidates(rest.text, limit=1)
        if readings and readings[0].country_code == "US" and readings[0].place_type in ("region", "city"):
            return rest
    return span


def _without_kind_of(span: SpacySpan) -> SpacySpan:
    """'City of Norfolk', 'Province of Ontario', 'State of Illinois': the place is the name after
    its kind ("Republic of Korea" is a country's own name and stays whole)."""
    if len(span) > 2 and span[0].lower_ in KIND_OF_WORDS and span[1].lower_ == "of" and span[2].is_title:
        return span[2:]
    return span


def _sentence_of(span) -> Span:
    """The sentence holding `span`, by bisection: spaCy's `Span.sent` rescans the whole doc on
    every call, which made long articles quadratic."""
    doc = span.doc
    bounds = doc.user_data.get("geostory.sentences")
    if bounds is None:
        text = doc_text(doc)  # a sentence's text is its slice (spaCy's `Span.text` joins its tokens)
        bounds = doc.user_data["geostory.sentences"] = [
            (s.start_char, s.end_char, text[s.start_char : s.end_char]) for s in doc.sents
        ]
    if not bounds:
        return Span(doc_text(doc), 0, len(doc_text(doc)))
    index = max(0, bisect.bisect_right(bounds, (span.start_char, float("inf"))) - 1)
    start, end, text = bounds[index]
    return Span(text, start, end)


def _venue_span(span):
    """The span, or the span grown by the capitalised words the model left out ("Cook Children's"
    + "Medical Center"), when it names a venue; else None."""
    doc = span.doc
    for grow in range(4):
        end = span.end + grow
        if end > len(doc):
            return None
        if grow and not (_capitalised(doc[end - 1].text) or doc[end - 1].text in ("'s", "’s")):
            return None
        if _is_venue(doc[span.start : end]):
            return doc[span.start : end]
    return None


def _is_venue(span) -> bool:
    """A name of two words or more, capitalised, that ends in a venue tail ("Regional Medical
    Center", "County Jail", "High School")."""
    words = [t.lower_ for t in span if not t.is_punct]
    if len(words) < 2 or not span[0].text[:1].isupper():
        return False
    return any(" ".join(words[-n:]) in VENUE_TAILS for n in (1, 2, 3) if n < len(words))


def _has_facility_head(span, *, strong_only: bool = False) -> bool:
    words = [t.lower_ for t in span if t.is_alpha]
    if not words:
        return False
    heads = {words[-1], words[0]} if len(words) > 1 else {words[-1]}
    hits = heads & FACILITY_HEADS
    if strong_only:
        hits -= WEAK_FACILITY_HEADS
    return bool(hits) and len(words) > 1


def _inside_longer_name(tokens) -> bool:
    """A known name ending a longer run of capitalised words ("Hugo Ernesto Lopez", "Dodge
    Durango", "The Fish Man", "Hot Springs Drive"): part of another name the model did not tag.
    A place opens the names it gives ("Walker County Fair", "Dublin Mayor"), so only a capitalised
    word before the match counts, and not a direction ("Western Pennsylvania")."""
    if tokens.start == 0 or tokens[0].is_sent_start:
        return False
    before = tokens.doc[tokens.start - 1]
    return (
        before.is_alpha
        and _capitalised(before.text)
        and before.pos_ == "PROPN"
        and not before.is_stop
        and before.lower_ not in DIRECTIONS | AREA_QUALIFIERS
        and before.ent_type_ not in ("GPE", "LOC")
    )  # "Maiduguri Borno State"


def _name_goes_on(tokens) -> bool:
    """Is a run followed, in the same sentence, by another capitalised proper noun ("Wall Street"
    + "Journal")?"""
    doc = tokens.doc
    if tokens.end >= len(doc):
        return False
    after = doc[tokens.end]
    return after.is_alpha and after.is_title and after.pos_ == "PROPN" and not after.is_sent_start


def _in_capitals(tokens) -> bool:
    """Is this run part of a line in capitals (a byline, a headline)?"""
    doc = tokens.doc
    near = [doc[i] for i in (tokens.start - 1, tokens.end) if 0 <= i < len(doc)]
    return any(t.is_alpha and t.is_upper and len(t) > 1 for t in near)


def _is_age(text: str) -> bool:
    return text.isdigit() and 0 < int(text) < 120 and len(text) <= 3


def _capitalised(text: str) -> bool:
    return bool(text) and text[0].isupper() and any(c.isalpha() for c in text)


def _starts_line(tokens) -> bool:
    first = tokens[0]
    return first.i == 0 or "\n" in first.doc[first.i - 1].whitespace_ + first.doc[first.i - 1].text
