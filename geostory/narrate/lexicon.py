"""The words narrate reads journeys by, loaded once from data files and validated at load.

    data/lexicon.tsv   list, entry, class, source   (which list, the word, its frame, where from)
    data/modes.tsv     word, mode, kind, source     (how a vehicle or cue word says a journey goes)

Each list in `LISTS` says how its entries are matched: by a token's lemma (`lemma`), its lower-cased
text (`lower`), either of the two (`either`: "troops" as written, "troop" as a lemma), a preposition
phrase (`phrase`: "out of") or a verb and its particle (`phrasal`: "call off"). A source is a
VerbNet class (`verbnet:run-51.3.2`), a WordNet 3.0 verb synset the word is a troponym of
(`wordnet:ride.v.02`), or `curated`. A row that names an unknown list, mode or kind,
a source of another shape, or repeats an entry raises `ConfigurationError` naming the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Literal

from geostory.errors import ConfigurationError
from geostory.model import MODES, Mode

Key = Literal["lemma", "lower", "either", "phrase", "phrasal"]


@dataclass(frozen=True)
class ListSpec:
    """How a word list is matched, and the parts of speech its lemmas are lemmas of."""

    key: Key
    pos: tuple[str, ...] = ()
    about: str = ""


V, N, VN = ("VERB",), ("NOUN",), ("VERB", "NOUN")
LISTS: dict[str, ListSpec] = {
    "move_verb": ListSpec("lemma", V, "a verb that tells a movement (frame in the class column)"),
    "move_noun": ListSpec("lemma", N, "a noun that tells a movement: trip, flight, crossing"),
    "directed_verb": ListSpec(
        "lemma", V, "moves something only when told from or to where: delivered aid to X (not a speech)"
    ),
    "origin_obj": ListSpec("lemma", V, "its object is where the movement starts: leave X"),
    "dest_obj": ListSpec("lemma", V, "its object is where it goes: visit X, reach X"),
    "waypoint_obj": ListSpec("lemma", V, "its object is passed through: cross X"),
    "arrive": ListSpec("lemma", VN, "'in/at X' is where it arrives or stops"),
    "for_dest": ListSpec("lemma", VN + ("ADJ",), "'for X' is where it goes: left for X"),
    "stops": ListSpec("lemma", VN, "a stop on the way"),
    "board_at": ListSpec("lemma", V, "'in/at X' is where the journey starts: boarded a boat in X"),
    "return": ListSpec("lemma", V, "a return"),
    "light": ListSpec("lemma", V, "counts only with a vehicle or trip noun as object: took a train"),
    "continue": ListSpec("lemma", V, "the journey goes on as it went"),
    "divert": ListSpec("lemma", V, "the journey under way goes elsewhere: rerouted to X"),
    "arrival_verbs": ListSpec("lemma", V, "tells an arrival"),
    "arrive_phrasal": ListSpec(
        "phrasal", V, "a verb and particle that tell where a journey ended: ended up in X"
    ),
    "of_dest": ListSpec("lemma", N, "'a tour of X': the places toured"),
    "trip_nouns": ListSpec("lemma", N, "a trip as a whole"),
    "site_noun": ListSpec("lemma", N, "a site 'the <noun>' points back at, once told where: the camp"),
    "withdraw": ListSpec("lemma", V, "a departure that goes home unless told otherwise: withdraw from X"),
    "withdraw_phrasal": ListSpec(
        "phrasal", V, "a verb and particle that tell a withdrawal or a departure: pulled out of X"
    ),
    "frame_trip": ListSpec("lemma", N, "a stay-like trip that frames another event: 'while on a trip to X'"),
    "visit_verb": ListSpec("lemma", V + ("AUX",), "something done at a place"),
    "visit_noun": ListSpec("either", N, "an event held at a place"),
    "visit_phrase": ListSpec("phrasal", V, "a verb and its object noun that tell an event: take part in X"),
    "visit_prep": ListSpec("lower", (), "a preposition of location"),
    "generic_place_noun": ListSpec("lemma", N, "a noun that introduces a place: the city of X"),
    "care_verb": ListSpec(
        "lemma", V, "care given at a place of care: was treated at X Hospital (the patient was brought there)"
    ),
    "care_phrasal": ListSpec("phrasal", V, "a verb and its complement that tell care: pronounced dead at X"),
    "care_place": ListSpec("lower", (), "a word in the name of a place of care: hospital, clinic"),
    "held_verb": ListSpec(
        "lemma", V, "someone is held where it happens: was arrested in X (the one arrested)"
    ),
    "contact_verb": ListSpec("lemma", V, "reaches someone where they are: phoned her cousin in X"),
    "local_force": ListSpec("lemma", N, "a body that holds people where it works: arrested by X police"),
    "home_noun": ListSpec("lemma", N, "where someone lives: their home was in X (a stay of the owner)"),
    "carrier": ListSpec("lemma", N, "a craft that carries people but gives no mode"),
    "path_block": ListSpec("lower", (), "opens a phrase about something else: after a win at X"),
    "compass": ListSpec("lower", (), "a compass direction"),
    "habitual": ListSpec("lower", (), "tells a thing done again and again: twice, regularly, numerous times"),
    "measure_noun": ListSpec("lemma", N, "a length or a travel time: five miles from X (where it lies)"),
    "speech": ListSpec("lemma", V, "a verb of saying"),
    "cancel": ListSpec("lemma", V, "cancels what it governs"),
    "cancel_phrasal": ListSpec("phrasal", V, "a verb and particle that cancel: called off"),
    "contrast": ListSpec("lower", (), "sets a place aside: rather than X"),
    "planned_aux": ListSpec("lower", (), "an auxiliary of a plan"),
    "possible_aux": ListSpec("lower", (), "an auxiliary of a possibility"),
    "planned_word": ListSpec("either", ("VERB", "NOUN", "ADJ", "ADV"), "a word of a plan"),
    "possible_word": ListSpec("either", ("VERB", "NOUN", "ADJ", "ADV", "SCONJ"), "a word of a possibility"),
    "title": ListSpec("lower", (), "a word of a person's title"),
    "not_person_noun": ListSpec("lower", (), "a title word that is no person by itself"),
    "person_noun": ListSpec("lemma", N, "a person, besides the titles"),
    "group_noun": ListSpec("either", N, "a group that travels together"),
    "generic_mover": ListSpec(
        "lower", (), "anyone of a kind, nobody the story follows: people, residents, you"
    ),
    "incident": ListSpec("either", VN, "something that happens at a place (a crash, an attack): the scene"),
    "affected_noun": ListSpec(
        "either", N + ("ADJ",), "people an incident happens to: the injured, passengers"
    ),
    "travel_group": ListSpec("lemma", N, "a group on the move that others join: the convoy, the caravan"),
    "join_verb": ListSpec("lemma", V, "joins a group on the move: joined the convoy"),
    "plural_pronoun": ListSpec("lower", (), "a plural pronoun"),
    "sing_pronoun": ListSpec("lower", (), "a singular personal pronoun"),
    "neuter_pronoun": ListSpec("lower", (), "a pronoun for a thing or a body of people: it"),
    "move_prep": ListSpec("phrase", (), "a preposition and the role its object has"),
    "route_noun": ListSpec(
        "lemma", N, "a route or service: a journey only with its ends told (between A and B)"
    ),
    "route_verb": ListSpec("lemma", V, "names a route's ends as its object: a line connecting A, B and C"),
    "trip_verb": ListSpec("lemma", V, "its trip-noun object takes its from/to: started flights to X from Y"),
    "contest_verb": ListSpec(
        "lemma", V, "a group competes or performs where it is (compete), or earns a place there (qualify)"
    ),
    "contest_noun": ListSpec("either", N, "an event groups compete at: the tournament, the district meet"),
    "contest_group": ListSpec("either", N, "a group an organisation sends to compete: the team, the band"),
    "pursuit_word": ListSpec(
        "lemma", VN, "tells a pursuit: a chase, pursued (chase), or fled a pursuer (flee; class column)"
    ),
    "pursuit_bound": ListSpec(
        "lemma", V, "where a pursuit began (start) or ended (end): began in A, was caught in B"
    ),
    "pursuer": ListSpec("either", N, "one a flight is from, making it a pursuit: fled police (or a stop)"),
    "pursuit_cue": ListSpec("lower", (), "names a pursuit and says its mode (class): a high speed chase"),
}
KINDS = ("vehicle", "cue")
_MODE_CLASSED = ("pursuit_cue",)  # lists whose class column is a mode
_SOURCE = re.compile(r"^(curated|verbnet:[a-z_]+-\d+(\.\d+)*(-\d+)*|wordnet:[a-z_]+\.v\.\d\d)$")


@dataclass(frozen=True)
class Entry:
    """One row of lexicon.tsv."""

    list: str
    entry: str
    word_class: str
    source: str


@dataclass(frozen=True)
class ModeEntry:
    """One row of modes.tsv."""

    word: str
    mode: Mode
    kind: str
    source: str


def _rows(name: str) -> list[tuple[int, list[str]]]:
    text = resources.files("geostory.narrate").joinpath("data", name).read_text(encoding="utf-8")
    return [
        (n, line.split("\t"))
        for n, line in enumerate(text.splitlines(), 1)
        if line.strip() and not line.startswith("#")
    ]


def _check(ok: bool, name: str, line: int, why: str) -> None:
    if not ok:
        raise ConfigurationError(f"narrate/data/{name}, line {line}: {why}")


def load_lexicon(name: str = "lexicon.tsv") -> tuple[Entry, ...]:
    """Every row of the lexicon, validated."""
    seen: set[tuple[str, str]] = set()
    out = []
    for line, cells in _rows(name):
        _check(len(cells) == 4, name, line, f"expected 4 tab-separated cells, got {len(cells)}")
        entry = Entry(*cells)
        _check(entry.list in LISTS, name, line, f"unknown list {entry.list!r}")
        _check(bool(entry.entry) and entry.entry == entry.entry.lower(), name, line, "entries are lower case")
        _check(
            bool(_SOURCE.match(entry.source)),
            name,
            line,
            f"source {entry.source!r} is not curated, verbnet:CLASS or wordnet:SYNSET",
        )
        _check(
            entry.list not in _MODE_CLASSED or entry.word_class in MODES,
            name,
            line,
            f"class {entry.word_class!r} of {entry.list} is not a mode",
        )
        _check((entry.list, entry.entry) not in seen, name, line, f"{entry.entry!r} twice in {entry.list}")
        seen.add((entry.list, entry.entry))
        out.append(entry)
    return tuple(out)


def load_modes(name: str = "modes.tsv") -> tuple[ModeEntry, ...]:
    """Every row of the vehicle and cue table, validated."""
    seen: set[str] = set()
    out = []
    for line, cells in _rows(name):
        _check(len(cells) == 4, name, line, f"expected 4 tab-separated cells, got {len(cells)}")
        word, mode, kind, source = cells
        _check(mode in MODES and mode != "unknown", name, line, f"unknown mode {mode!r}")
        _check(kind in KINDS, name, line, f"kind {kind!r} is not one of {KINDS}")
        _check(bool(_SOURCE.match(source)), name, line, f"source {source!r} is not curated or verbnet:CLASS")
        _check(word not in seen, name, line, f"{word!r} twice")
        seen.add(word)
        out.append(ModeEntry(word, mode, kind, source))  # type: ignore[arg-type]
    return tuple(out)


ENTRIES = load_lexicon()
MODE_ENTRIES = load_modes()


def words(list_name: str) -> frozenset[str]:
    """The entries of one list."""
    if list_name not in LISTS:
        raise KeyError(list_name)
    return frozenset(e.entry for e in ENTRIES if e.list == list_name)


def word_classes(list_name: str) -> dict[str, str]:
    """Entry -> class for one list ("from" -> "origin" for move_prep)."""
    return {e.entry: e.word_class for e in ENTRIES if e.list == list_name}


MOVE_VERBS = words("move_verb")
MOVE_NOUNS = words("move_noun")
# "sent troops to X": a verb whose subject makes someone or something go (VerbNet send, bring, carry)
SENDING_VERBS = frozenset(w for w, c in word_classes("move_verb").items() if c == "transport")
DIRECTED_VERBS = words("directed_verb")
ORIGIN_OBJ = words("origin_obj")
DEST_OBJ = words("dest_obj")
WAYPOINT_OBJ = words("waypoint_obj")
ARRIVE = words("arrive")
FOR_DEST = words("for_dest")
STOPS = words("stops")
BOARD_AT = words("board_at")
RETURN = words("return")
LIGHT = words("light")
CONTINUE = words("continue")
DIVERT = words("divert")
ARRIVAL_VERBS = words("arrival_verbs")
ARRIVE_PARTICLE = dict(e.split(" ", 1) for e in words("arrive_phrasal"))  # "end" -> "up"
OF_DEST = words("of_dest")
TRIP_NOUNS = words("trip_nouns")
FRAME_TRIPS = words("frame_trip")
WITHDRAW = words("withdraw")
WITHDRAW_PARTICLE = dict(e.split(" ", 1) for e in words("withdraw_phrasal"))  # "pull" -> "out"
SITE_NOUNS = words("site_noun")
VISIT_VERBS = words("visit_verb")
VISIT_NOUNS = words("visit_noun")
VISIT_PHRASES = dict(e.split(" ", 1) for e in words("visit_phrase"))  # "take" -> "part"
VISIT_PREPS = words("visit_prep")
GENERIC_PLACE_NOUNS = words("generic_place_noun")
HOME_NOUNS = words("home_noun")
CONTACT_VERBS = words("contact_verb")
HELD_VERBS = words("held_verb")
LOCAL_FORCES = words("local_force")
CARRIERS = words("carrier")
PATH_BLOCK = words("path_block")
COMPASS = words("compass")
SPEECH = words("speech")
CANCEL = words("cancel")
CARE_VERBS = words("care_verb")
CARE_COMPLEMENT = dict(e.split(" ", 1) for e in words("care_phrasal"))  # "pronounce" -> "dead"
CARE_PLACES = words("care_place")
CANCEL_PARTICLE = dict(e.split(" ", 1) for e in words("cancel_phrasal"))  # "call" -> "off"
CONTRAST = words("contrast")
PLANNED_AUX = words("planned_aux")
POSSIBLE_AUX = words("possible_aux")
PLANNED_LEMMAS = words("planned_word")
POSSIBLE_LEMMAS = words("possible_word")
TITLES = words("title")
PERSON_NOUNS = (TITLES - words("not_person_noun")) | words("person_noun")
GROUP_NOUNS = words("group_noun")
TRAVEL_GROUPS = words("travel_group")
INCIDENTS = words("incident")
AFFECTED = words("affected_noun")
GENERIC_MOVERS = words("generic_mover")
JOIN_VERBS = words("join_verb")
PLURAL_PRONOUNS = words("plural_pronoun")
SING_PRONOUNS = words("sing_pronoun")
NEUTER_PRONOUNS = words("neuter_pronoun")
MOVE_PREPS = word_classes("move_prep")
# "began his tour in X" (the trip sets out from X), "ended his visit in X" (it ends at X)
LIGHT_CLASSES = word_classes("light")  # light-verb, light-start, light-end
TRIP_BOUNDS = {w: c for w, c in LIGHT_CLASSES.items() if c in ("light-start", "light-end")}
MEASURE_NOUNS = words("measure_noun")
HABITUAL = words("habitual")
ROUTE_NOUNS = words("route_noun")
SERVICE_NOUNS = frozenset(w for w, c in word_classes("route_noun").items() if c == "service")
ROUTE_VERBS = words("route_verb")
TRIP_VERBS = words("trip_verb")
CONTEST_VERBS = word_classes("contest_verb")  # compete, qualify
CONTEST_NOUNS = words("contest_noun")
CONTEST_GROUPS = words("contest_group")
PURSUIT_WORDS = word_classes("pursuit_word")  # chase, flee
PURSUIT_BOUNDS = word_classes("pursuit_bound")  # start, end
PURSUERS = word_classes("pursuer")  # pursuer, stop
PURSUIT_CUES: dict[str, Mode] = word_classes("pursuit_cue")  # type: ignore[assignment]  # validated modes
MODE_WORDS: dict[str, Mode] = {e.word: e.mode for e in MODE_ENTRIES}
VEHICLES = frozenset(e.word for e in MODE_ENTRIES if e.kind == "vehicle")
# Place types of what a trip covers ("a trip to Asia"), not a stop on it.
SCOPE_TYPES = frozenset({"continent", "region", "water"})
