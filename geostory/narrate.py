"""Read journeys (Leg) and visits or events (Visit) from a parsed article.

    narrate(article, doc, places, unresolved=()) -> Story

How it reads, clause by clause, from spaCy's dependency parse (never from word distance):

1. Triggers are movement verbs (travel, fly, drive, sail, arrive, leave, depart, head, return,
   cross, pass, board, land, touch down, call at, visit ...) and nouns (trip, visit, journey,
   voyage, flight, tour, stop ...). Each trigger collects the places in its own clause that are
   governed by a preposition (from -> origin; to/into/toward/for -> destination; via/through/
   across -> waypoint; in/at -> where it arrives or stops), by its object (leave X -> origin,
   visit X -> destination, cross X -> waypoint) or, for a noun, by a compound ("his Moscow trip")
   or a copula ("one stop ... is X"). Only the head of the argument counts, so appositives and
   qualifiers ("Pyongyang, North Korea's capital"; "a university in Vladivostok") are never
   endpoints, and names after "rather than", "instead of", "not" are dropped.
2. The actor is the subject (or possessor, or "by"/"for" object of a noun trigger), resolved to
   the article's PERSON entities: pronouns and titles ("he", "the pontiff", "the North Korean
   leader") go to the last matching person, "Mr. Kim" to "Kim Jong-un". A vehicle subject ("the
   plane landed") stands for the current protagonist.
3. Status: reported unless negated (dropped), planned (will, would, is expected/scheduled/set/due
   to, plans to, proposed, upcoming) or possible (may, might, could, potential, possible, likely).
   Mode from cues in the clause (by train, aboard Air Force One, flew, motorcade, ship ...).
   With no cue at all, a leg longer than AIR_DEFAULT_KM (800 km, geodesic between the resolved
   places) is `air`, or `sea` when its mover's other legs went by sea (`_default_modes`); a leg
   told with "continued/returned" goes as the trip went so far.
   Time from the DATE entity of the clause nearest the trigger (see `geostory.when`).
   A wire dateline the parser took for the subject ("BERLIN, Feb 1 (dpa) - Scholz will ...")
   gives way to the name after it.
4. Each actor keeps a position in told order: a trigger without an origin starts where the actor
   last was ("returned to X" goes back from there; "returned from X" goes to where the trip began);
   "left X" only moves the actor. A journey with no known origin is not drawn: its destination
   becomes a Visit, until the origin is told ("arrived in X on Tuesday. He flew in from Y": Y -> X;
   "traveled to X ... arrived by train from Y" corrects the leg's start and mode). The same
   actor's same journey told twice is one Leg.
5. Visits are places where something happens: meet/attend/hold/host/speak at or in X, a summit,
   forum, parade or mass in X, "on the campus of X", "X, where he would meet ...".
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from geopy.distance import geodesic
from spacy.tokens import Doc, Span as SpacySpan, Token

from geostory.model import Article, Leg, Mention, Mode, Place, Span, Status, Story, TimeSpan, Visit
from geostory.when import parse_when

__all__ = ["narrate"]

# ---------------------------------------------------------------------------------------------
# Lexicon

MOVE_VERBS = {
    "travel", "fly", "drive", "sail", "arrive", "leave", "depart", "head", "return", "cross",
    "pass", "board", "land", "touch", "call", "visit", "go", "come", "journey", "move", "reach",
    "tour", "stop", "ride", "jet", "cruise", "steam", "motor", "transit", "enter", "embark",
    "disembark", "dock", "continue", "proceed", "set", "fly back", "relocate", "refuel", "take",
    "walk", "hop", "rush", "race", "speed", "make", "get", "trek", "ferry", "airlift", "evacuate",
    "flee", "escape", "berth", "anchor", "voyage", "commute", "shuttle", "detour", "divert",
    "exit", "carry", "transport", "bring", "tow", "steer", "deport", "repatriate",
    "transfer", "escort", "dispatch", "deploy", "redeploy", "send",
}
MOVE_NOUNS = {
    "trip", "visit", "journey", "voyage", "flight", "tour", "stop", "stopover", "layover",
    "crossing", "departure", "arrival", "return", "passage", "cruise", "drive", "ride", "transit",
    "foray", "pilgrimage", "odyssey", "expedition", "sailing", "train", "route", "leg", "visits",
    "trek", "march", "road trip", "hop",
}
ORIGIN_OBJ = {"leave", "depart", "exit", "flee", "quit", "evacuate", "escape"}
DEST_OBJ = {"visit", "reach", "enter", "tour", "make", "hit"}
WAYPOINT_OBJ = {"cross", "pass", "transit", "traverse"}
ARRIVE = {"arrive", "land", "touch", "dock", "stop", "call", "reach", "disembark", "berth",
          "anchor", "refuel", "visit", "tour", "stopover", "layover", "arrival", "stay", "hop",
          "get"}
FOR_DEST = {"leave", "depart", "head", "set", "sail", "embark", "board", "bound", "take", "fly",
            "departure", "steam", "race", "rush"}
STOPS = {"stop", "stopover", "layover", "refuel", "call"}
RETURN = {"return"}
# Verbs that must be verbs to count (these words are also nouns with other senses).
VERB_ONLY = {"head", "pass", "call", "set", "take", "make", "get", "land", "go", "come", "move",
             "board", "cross", "enter", "exit", "hop", "race", "speed", "continue", "proceed",
             "march", "drive", "ride"}
# "take"/"make"/"get" count only with a vehicle or a trip word as object.
LIGHT = {"take", "make", "get", "pay", "undertake", "begin", "start", "embark", "conduct",
         "complete", "end", "plan", "launch", "kick"}

VISIT_VERBS = {
    "meet", "attend", "hold", "host", "speak", "address", "sign", "celebrate", "stay", "remain",
    "join", "inaugurate", "pray", "preside", "deliver", "participate", "watch", "review",
    "inspect", "greet", "welcome", "receive", "lead", "open", "gather", "convene", "discuss",
    "negotiate", "talk", "rally", "lay", "honor", "honour", "say", "celebrate", "be", "appear",
    "take place", "unveil", "launch", "tour", "perform", "compete", "play", "sit", "spend",
}
VISIT_NOUNS = {
    "meeting", "summit", "forum", "talks", "talk", "parade", "ceremony", "conference", "rally",
    "speech", "address", "mass", "celebration", "festival", "funeral", "event", "session",
    "gathering", "congress", "assembly", "signing", "service", "vigil", "reception", "dinner",
    "banquet", "concert", "games", "exhibition", "show", "commemoration", "memorial",
    "negotiations", "audience", "liturgy", "exercise", "drills", "drill", "tournament",
    "championship", "race", "match", "convention", "g20", "g7",
}
VISIT_PREPS = {"in", "at", "on", "inside", "within", "aboard"}
GENERIC_PLACE_NOUNS = {
    "capital", "city", "town", "village", "port", "base", "airport", "airbase", "border",
    "region", "province", "state", "country", "island", "campus", "station", "harbor", "harbour",
    "resort", "area", "grounds", "site", "headquarters", "palace", "compound", "complex", "center",
    "centre", "facility", "cosmodrome", "spaceport", "hub", "seaport", "enclave", "territory",
    "outskirts", "suburb", "suburbs", "district", "republic", "kingdom", "crossing", "checkpoint",
    "embassy", "consulate", "hotel", "cathedral", "basilica", "stadium", "square", "shrine",
    "coast", "peninsula", "county", "municipality", "oblast", "prefecture", "building", "hall",
    "hospital", "clinic", "warehouse", "depot", "camp", "school", "terminal", "prison", "jail",
    "barracks", "office", "residence", "mosque", "church", "temple", "steppe", "steppes",
}
# Non-place vehicles: they carry actors ("the capsule carrying X") but give no mode of their own.
CARRIERS = {"capsule", "spacecraft", "spaceship", "rocket", "craft", "pod", "lorry", "lorries"}
# Prepositions that open a phrase about something else ("after a win at X", "during talks in X"):
# a movement preposition below them does not belong to the trigger.
PATH_BLOCK = {"after", "before", "during", "following", "despite", "with", "without", "since",
              "until", "against", "ahead", "like", "unlike", "amid"}
COMPASS = {"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest",
           "north-east", "north-west", "south-east", "south-west", "northward", "southward"}
# Trip nouns: their compound or prepositional continents, regions and seas are a scope, not a stop.
SCOPE_TYPES = {"continent", "region", "water"}

SPEECH = {"say", "report", "tell", "announce", "add", "confirm", "state", "write", "note",
          "claim", "warn", "quote", "insist", "explain", "reveal", "disclose", "indicate"}
NEG_WORDS = {"not", "n't", "never", "no", "neither", "nor", "without"}
CANCEL = {"cancel", "scrap", "deny", "abandon", "postpone", "delay", "shelve", "refuse", "decline",
          "avoid", "skip", "forgo", "reject", "bar", "ban", "prevent"}
CANCEL_PARTICLE = {"call": "off", "rule": "out", "drop": "out"}  # "called off the trip"
CONTRAST = {"than", "instead", "rather", "not", "except", "excluding", "unlike"}

PLANNED_AUX = {"will", "'ll", "wo", "shall", "would", "'d", "should", "must"}
POSSIBLE_AUX = {"may", "might", "could", "can"}
PLANNED_LEMMAS = {"plan", "expect", "schedule", "set", "due", "intend", "prepare", "propose",
                  "aim", "hope", "arrange", "slate", "agree", "decide", "promise", "vow", "going",
                  "upcoming", "planned", "proposed", "expected", "scheduled", "future", "invite",
                  "pledge", "announce", "confirm", "want", "wish", "seek", "try", "attempt",
                  "next", "forthcoming", "impending", "eventual"}
POSSIBLE_LEMMAS = {"potential", "possible", "possibly", "probably", "likely", "perhaps", "maybe",
                   "consider", "mull", "weigh", "rumor", "rumour", "speculate", "could",
                   "potentially", "reportedly_planned", "tentative", "tentatively", "might",
                   "may", "explore", "contemplate", "eye", "if", "unless"}

MODE_WORDS: dict[str, Mode] = {
    "train": "rail", "rail": "rail", "railway": "rail", "railroad": "rail", "locomotive": "rail",
    "sleeper": "rail", "railcar": "rail", "carriage": "rail", "metro": "rail", "subway": "rail",
    "tram": "rail",
    "fly": "air", "flight": "air", "plane": "air", "airplane": "air", "aeroplane": "air",
    "jet": "air", "aircraft": "air", "airliner": "air", "helicopter": "air", "chopper": "air",
    "airlift": "air", "airline": "air", "jetliner": "air", "airbus": "air", "boeing": "air",
    "charter": "air", "airship": "air", "seaplane": "air",
    "drive": "road", "car": "road", "motorcade": "road", "convoy": "road", "bus": "road",
    "road": "road", "highway": "road", "motorway": "road", "vehicle": "road", "suv": "road",
    "limousine": "road", "limo": "road", "truck": "road", "taxi": "road", "motorbike": "road",
    "motorcycle": "road", "bicycle": "road", "bike": "road", "coach": "road", "van": "road",
    "jeep": "road", "popemobile": "road", "minibus": "road", "cab": "road", "foot": "road",
    "walk": "road", "march": "road", "hike": "road", "motor": "road",
    "sail": "sea", "ship": "sea", "vessel": "sea", "liner": "sea", "voyage": "sea",
    "ferry": "sea", "boat": "sea", "yacht": "sea", "cruise": "sea", "warship": "sea",
    "frigate": "sea", "steamer": "sea", "steamship": "sea", "destroyer": "sea", "submarine": "sea",
    "carrier": "sea", "tanker": "sea", "freighter": "sea", "dock": "sea", "steam": "sea",
    "schooner": "sea", "catamaran": "sea", "hovercraft": "sea", "barge": "sea", "dinghy": "sea",
    "sea": "sea", "icebreaker": "sea", "cruiser": "sea", "berth": "sea", "sailing": "sea",
}
MODE_PHRASES: tuple[tuple[str, Mode], ...] = (
    (r"\bair force one\b", "air"), (r"\bmarine one\b", "air"), (r"\bby air\b", "air"),
    (r"\bby road\b", "road"), (r"\bby land\b", "road"), (r"\bby sea\b", "sea"),
    (r"\bon foot\b", "road"), (r"\btouch(?:ed|es|ing)? down\b", "air"),
    (r"\btook off\b", "air"), (r"\btake off\b", "air"),
)
VEHICLES = {w for w, m in MODE_WORDS.items() if w not in {
    "fly", "flight", "drive", "road", "highway", "motorway", "sail", "voyage", "cruise", "dock",
    "steam", "walk", "march", "hike", "motor", "foot", "rail", "railway", "railroad", "sea",
    "berth", "sailing", "airlift", "airline", "charter"}} | {"air force one", "marine one"}

TITLES = {
    "mr", "mrs", "ms", "miss", "dr", "president", "leader", "minister", "pope", "pontiff",
    "premier", "chancellor", "king", "queen", "prince", "princess", "secretary", "envoy",
    "ambassador", "general", "gen", "commander", "chairman", "chairwoman", "chair", "emperor",
    "monarch", "governor", "mayor", "senator", "sen", "rep", "representative", "speaker",
    "director", "chief", "head", "official", "spokesman", "spokeswoman", "ceo", "founder",
    "captain", "admiral", "cardinal", "bishop", "archbishop", "patriarch", "sheikh", "emir",
    "sultan", "crown", "vice", "deputy", "foreign", "defense", "defence", "prime", "first",
    "lady", "duke", "duchess", "his", "her", "holiness", "majesty", "saint", "st", "father",
    "rev", "reverend", "lord", "sir", "dame", "coach", "star", "singer", "actor", "chef",
    "colonel", "col", "lt", "sgt", "major", "justice", "judge", "candidate", "nominee", "heir",
}
PERSON_NOUNS = TITLES - {"mr", "mrs", "ms", "miss", "dr", "his", "her", "crown", "vice",
                         "deputy", "foreign", "defense", "defence", "prime", "first", "st", "sen",
                         "rep", "gen", "col", "lt", "sgt"} | {"man", "woman", "leader", "head"}
GROUP_NOUNS = {"delegation", "team", "troupe", "crew", "group", "party", "entourage", "mission", "pair", "duo", "trio",
               "contingent", "squad", "band", "orchestra", "choir", "officials", "diplomats",
               "troops", "soldiers", "tourists", "pilgrims", "refugees", "migrants", "fans",
               "athletes", "players", "ministers", "leaders", "lawmakers", "family", "couple"}
PLURAL_PRONOUNS = {"they", "them", "their", "both", "two"}
SING_PRONOUNS = {"he", "she", "him", "her", "his", "hers", "himself", "herself"}

STATUS_RANK = {"reported": 0, "planned": 1, "possible": 2}

# Look-back windows, so that a long article is read in linear time: a pronoun or title looks back
# at most this many distinct people and tokens (a news story names its protagonist far more often).
LOOKBACK_PEOPLE = 12
LOOKBACK_TOKENS = 3000
# A reported journey dated before what the story has reached is a flashback ("last week", "in
# 2018"); a single day needs this gap, since "On Tuesday" in a story dated Monday may be either week.
FLASHBACK_GAP = dt.timedelta(days=6)
# A journey dated this long before the article, told before anything dated, is background.
PAST_BACKGROUND = dt.timedelta(days=30)


# ---------------------------------------------------------------------------------------------
# Reading helpers


@dataclass
class _Reading:
    """What a trigger says: who goes where, how, when and how sure the article is."""

    trigger: Token
    kind: str  # "move" or "visit"
    actor: tuple[str, ...]
    origins: list[Place] = field(default_factory=list)
    destinations: list[Place] = field(default_factory=list)
    waypoints: list[Place] = field(default_factory=list)
    at: list[Place] = field(default_factory=list)  # where it arrives or stops (in/at)
    status: Status = "reported"
    mode: Mode = "unknown"
    mode_explicit: bool = False
    extra: list[Token] = field(default_factory=list)  # tokens of folded readings, for mode cues
    when: TimeSpan | None = None
    evidence: Span | None = None
    event: str | None = None
    returning: bool = False
    home: bool = False  # "return home": back to where the actor's trip began
    background: bool = False  # told as background ("after he had traveled to X"): not chained
    introduced: bool = False  # the actor is new here ("a delegation of 20 officials"), not "the group"
    pluperfect: bool = False  # told in the past perfect ("had traveled to X"): background once the actor is placed
    past_dated: bool = False  # dated before what the story has told so far ("last month"): a flashback
    scope: bool = False  # "a trip to Asia", "a tour of A, B and C": what the trip covers, not a stop
    fan_out: bool = False  # "flew the injured to hospitals in A and B": one journey to each, not A then B


class _Index:
    """Maps tokens to places and people for one article."""

    def __init__(self, article: Article, doc: Doc, places: Sequence[Place]):
        self.article = article
        self.doc = doc
        self.token_place: dict[int, Place] = {}
        self.token_mention: dict[int, Mention] = {}
        self.demonym_tokens: set[int] = set()
        for place in places:
            for mention in place.mentions:
                span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
                if span is None:
                    continue
                for token in span:
                    if mention.kind == "demonym":
                        self.demonym_tokens.add(token.i)
                        continue
                    if token.is_punct or token.lower_ in ("'s", "the"):
                        continue
                    # the longer mention wins ("Portland, Maine" over "Maine")
                    known = self.token_mention.get(token.i)
                    if known is None or (known.end - known.start) < (mention.end - mention.start):
                        self.token_place[token.i] = place
                        self.token_mention[token.i] = mention
        self.people = _People(doc, self.token_place)

    def place(self, token: Token) -> Place | None:
        return self.token_place.get(token.i)


class _People:
    """PERSON entities of the article, with the titles they were introduced with."""

    def __init__(self, doc: Doc, token_place: dict[int, Place]):
        ents = [e for e in doc.ents if e.label_ == "PERSON"
                and not any(t.i in token_place for t in e)]
        self.names: list[tuple[int, str, set[str]]] = []  # (token index, canonical, titles)
        raw = []
        for ent in ents:
            words = _name_words(ent)
            if words:
                raw.append((ent, words))
        full: list[tuple[str, set[str]]] = []
        for ent, words in raw:
            name = " ".join(t.text for t in ent if t.lower_ not in TITLES and not t.is_punct
                            or t.text == "-").replace(" - ", "-").strip()
            name = re.sub(r"\s*-\s*", "-", re.sub(r"['’]s$", "", name)).strip()
            if name:
                full.append((name, words))
        # canonical: the longest name holding all of a name's words ("Kim" -> "Kim Jong-un");
        # over distinct names, through a word index, so a long article stays linear
        distinct: dict[str, set[str]] = {}
        for name, words in full:
            distinct.setdefault(name, set()).update(words)
        holders: dict[str, set[str]] = {}
        for name, words in distinct.items():
            for word in words:
                holders.setdefault(word, set()).add(name)
        self.canonical: dict[str, str] = {}
        for name, words in distinct.items():
            common = set.intersection(*(holders[w] for w in words)) if words else {name}
            self.canonical[name] = max(common, key=lambda other: (len(other), other == name, other))
        for ent, words in raw:
            name = re.sub(r"\s*-\s*", "-", " ".join(
                t.text for t in ent if t.lower_ not in TITLES and not t.is_punct or t.text == "-"
            ).replace(" - ", "-")).strip()
            name = re.sub(r"['’]s$", "", name).strip()
            titles = _titles_of(ent)
            self.names.append((ent.start, self.canonical.get(name, name), titles))
        self.ent_of: dict[int, str] = {}
        for ent, (_, canonical, _) in zip([e for e, _ in raw], self.names):
            for token in ent:
                self.ent_of[token.i] = canonical
        self.subject_starts: set[int] = set()
        for ent in ents:
            root = ent.root
            while root.dep_ in ("compound", "appos", "conj") and root.head.i != root.i:
                root = root.head
            if root.dep_ in ("nsubj", "nsubjpass") and root.head.lemma_.lower() not in SPEECH:
                self.subject_starts.add(ent.start)  # "spokesman X told reporters" is not the protagonist
        self.titles: dict[str, set[str]] = {}
        for _, canonical, titles in self.names:
            self.titles.setdefault(canonical, set()).update(titles)
        self.names.sort(key=lambda n: n[0])
        self.starts = [n[0] for n in self.names]
        # surname -> people bearing it, most recently named first
        self.surnames: dict[str, list[str]] = {}
        for _, canonical, _ in reversed(self.names):
            for word in canonical.replace("-", " ").split():
                bucket = self.surnames.setdefault(word, [])
                if canonical not in bucket:
                    bucket.append(canonical)

    def before(self, index: int, subjects_first: bool = False) -> list[str]:
        """Distinct people named before token `index`, most recent first; with
        `subjects_first`, people named as a subject come before the others (a pronoun usually
        continues the subject: "Biden met Zelensky ... He returned")"""
        recent: list[tuple[int, str]] = []  # (start, name), most recent first, within a window
        seen: set[str] = set()
        position = bisect.bisect_left(self.starts, index) - 1
        while position >= 0 and len(recent) < LOOKBACK_PEOPLE and index - self.starts[position] <= LOOKBACK_TOKENS:
            start, canonical, _ = self.names[position]
            if canonical not in seen:
                seen.add(canonical)
                recent.append((start, canonical))
            elif subjects_first and start in self.subject_starts:
                recent.append((start, canonical))
            position -= 1
        out: list[str] = []
        if subjects_first:
            for start, canonical in recent:
                if start in self.subject_starts and canonical not in out:
                    out.append(canonical)
        for _, canonical in recent:
            if canonical not in out:
                out.append(canonical)
        return out

    def by_surname(self, token: Token) -> str | None:
        """'Orban' when the parser did not tag it, after 'Viktor Orban' was named."""
        if token.pos_ != "PROPN":
            return None
        bucket = self.surnames.get(token.text)
        return bucket[0] if bucket else None

    def by_word(self, token: Token) -> str | None:
        """A capitalised word that is part of a person's name, whatever the tagger made of it
        ("Yoon and first lady Kim ..." with "Yoon" tagged as an adjective)."""
        if not token.text[:1].isupper():
            return None
        if token.i in self.ent_of:
            return self.ent_of[token.i]
        bucket = self.surnames.get(token.text)
        return bucket[0] if bucket else None

    def by_title(self, index: int, words: set[str]) -> str | None:
        for name in self.before(index):
            if self.titles.get(name, set()) & words:
                return name
        return None


def _name_words(ent: SpacySpan) -> set[str]:
    return {t.lower_ for t in ent if t.lower_ not in TITLES and not t.is_punct
            and t.lower_ not in ("'s", "-")}


def _titles_of(ent: SpacySpan) -> set[str]:
    words = {t.lower_ for t in ent if t.lower_ in TITLES}
    root = ent.root
    for child in root.children:
        if child.dep_ in ("compound", "amod", "appos") and child.i not in range(ent.start, ent.end):
            for t in child.subtree:
                if t.pos_ in ("NOUN", "PROPN"):
                    words.add(t.lower_)
    if root.dep_ == "appos":
        words.add(root.head.lower_)
    for t in ent.doc[max(ent.sent.start, ent.start - 4):ent.start]:
        if t.pos_ in ("NOUN", "PROPN") and t.dep_ == "compound":
            words.add(t.lower_)
        elif t.ent_type_ == "NORP" and t.dep_ in ("amod", "compound"):
            words.add(t.lower_)  # "Indian Prime Minister Narendra Modi": "the Indian leader"
    return words


def _sentence_span(article: Article, token: Token) -> Span:
    """The sentence (one line of it) holding `token`, as evidence."""
    sent = token.sent
    start, end = sent.start_char, sent.end_char
    text = article.text
    line_start = text.rfind("\n", start, token.idx) + 1
    start = max(start, line_start)
    line_end = text.find("\n", token.idx, end)
    if line_end != -1:
        end = line_end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(text=text[start:end], start=start, end=end)


def _verbal(token: Token) -> bool:
    """A verb, or a movement verb the tagger took for a noun after 'to' ("is due to land in X")."""
    if token.pos_ in ("VERB", "AUX"):
        return True
    return (token.pos_ == "NOUN" and token.lemma_.lower() in MOVE_VERBS and token.i > 0
            and token.doc[token.i - 1].lower_ == "to" and token.dep_ in ("pobj", "pcomp")
            and token.lemma_.lower() not in MOVE_NOUNS)


def _vehicle_object(token: Token) -> Token | None:
    """The people a vehicle subject takes somewhere: "a jet that took them to X" -> them."""
    if token.lemma_.lower() not in ("take", "carry", "bring", "transport", "ferry", "fly"):
        return None
    subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
    if subject is not None and subject.lower_ in ("that", "which") and token.dep_ == "relcl":
        subject = token.head
    if subject is None or subject.lemma_.lower() not in VEHICLES | CARRIERS:
        return None
    if not any(c.dep_ == "prep" and c.lower_ in ("to", "into") for c in token.children):
        return None
    return next((c for c in token.children if c.dep_ == "dobj" and c.lemma_.lower() not in VEHICLES), None)


def _is_trigger(token: Token) -> str | None:
    lemma = token.lemma_.lower()
    if not (token.pos_ in ("VERB", "AUX")) and _verbal(token):
        return "move"
    if token.pos_ in ("VERB", "AUX") or (token.pos_ == "ADJ" and lemma == "bound"):
        if lemma == "bound" or (token.lower_ == "bound" and any(
                c.dep_ == "prep" and c.lower_ in ("for", "to") for c in token.children)):
            return "move"  # "set sail from X bound for Y" (tagged as the verb "bind")
        if lemma in MOVE_VERBS:
            if lemma == "take" and (any(c.dep_ == "prt" and c.lower_ == "off" for c in token.children)
                                    or any(c.dep_ == "auxpass" for c in token.children)):
                return "move"  # "took off from X", "were taken (by bus) to X"
            if lemma in LIGHT and lemma not in ("embark",):
                if not any(c.dep_ == "dobj" and (c.lemma_.lower() in VEHICLES | MOVE_NOUNS)
                           for c in token.children) and _vehicle_object(token) is None:
                    return None
            return "move"
        return None
    if token.pos_ in ("NOUN", "PROPN") and token.lemma_.lower() in MOVE_NOUNS and token.pos_ != "PROPN":
        if lemma in VERB_ONLY and lemma not in MOVE_NOUNS:
            return None
        return "move"
    return None


def _is_visit_trigger(token: Token) -> bool:
    lemma = token.lemma_.lower()
    if token.pos_ in ("VERB", "AUX"):
        return lemma in VISIT_VERBS
    if token.pos_ in ("NOUN", "PROPN"):
        return lemma in VISIT_NOUNS or token.lower_ in VISIT_NOUNS
    return False


_CLAUSE_DEPS = {"relcl", "ccomp", "advcl", "parataxis", "csubj", "acl"}


def _clause(trigger: Token, stop: set[int]) -> list[Token]:
    """The trigger's own clause: its subtree without sub-clauses and without other triggers."""
    out = []
    todo = [trigger]
    while todo:
        token = todo.pop()
        out.append(token)
        for child in token.children:
            if child.i in stop:
                continue
            if child.dep_ in _CLAUSE_DEPS and child.pos_ in ("VERB", "AUX"):
                continue
            if child.dep_ == "conj" and child.pos_ in ("VERB", "AUX"):
                continue
            todo.append(child)
    return sorted(out, key=lambda t: t.i)


def _prep_text(prep: Token) -> str:
    """The preposition, with its multiword partner: 'out of', 'back to', 'by way of'."""
    word = prep.lower_
    if word == "of" and prep.i > 0 and prep.doc[prep.i - 1].lower_ == "out":
        return "out of"
    if word == "of" and prep.i > 1 and prep.doc[prep.i - 1].lower_ == "way" and prep.doc[prep.i - 2].lower_ == "by":
        return "via"
    if word == "for" and prep.head.lower_ == "bound":
        return "for"
    return word


def _places_under(pobj: Token, index: _Index, depth: int = 0) -> list[Place]:
    """The place(s) a preposition's object names: the head itself, its conjuncts, or, for a
    generic noun ("the city of Lviv", "the Ukrainian capital, Kyiv", "the campus of X"), the
    place it introduces. Appositives and qualifiers of a named place are not followed.
    Conjuncts are walked with a stack, not recursion: a list of 1,000 places is one long chain."""
    found: list[Place] = []
    stack = [(pobj, depth)]
    while stack:
        token, level = stack.pop()
        found.extend(_places_named_by(token, index, level))
        alternatives = any(c.dep_ == "cc" and c.lower_ == "or" for c in token.children)
        conjuncts = [c for c in token.children if c.dep_ == "conj" and not _contrasted(c) and not alternatives]
        stack.extend((child, level + 1) for child in reversed(conjuncts))  # "to Genoa or La Spezia": not both
    return _unique(found)


def _places_named_by(pobj: Token, index: _Index, depth: int) -> list[Place]:
    """`_places_under` for one token, its conjuncts left out."""
    found: list[Place] = []
    place = index.place(pobj)
    if place is None:
        for child in pobj.children:
            if child.dep_ in ("compound", "nmod") and index.place(child) is not None:
                if pobj.lemma_.lower() in MOVE_NOUNS and index.place(child).place_type in SCOPE_TYPES:
                    continue  # "a Mediterranean cruise": where the cruise goes about, not a port
                place = index.place(child)
                break
    if place is not None:
        found.append(place)
    elif depth < 3 and pobj.lemma_.lower() in GENERIC_PLACE_NOUNS:
        for child in pobj.children:  # bounded: depth < 3
            if child.dep_ == "appos":
                found.extend(_places_under(child, index, depth + 1))
            elif child.dep_ == "prep" and child.lower_ in ("of", "in", "at", "near", "outside"):
                for grandchild in child.children:
                    if grandchild.dep_ == "pobj":
                        found.extend(_places_under(grandchild, index, depth + 1))
            if found:
                break
    return found


def _contrasted(token: Token) -> bool:
    """A conjunct introduced by 'rather than', 'instead of', 'not', 'but not'."""
    for child in token.children:
        if child.dep_ in ("cc", "preconj", "neg", "advmod") and child.lower_ in CONTRAST:
            return True
    doc = token.doc
    left = doc[max(token.head.i + 1, token.i - 4):token.i]
    words = [t.lower_ for t in left]
    return "than" in words or "instead" in words or "not" in words


def _under_contrast(token: Token, trigger: Token) -> bool:
    """The place sits under 'rather than', 'instead of', 'not' between itself and the trigger."""
    t = token
    while t.i != trigger.i and t.head.i != t.i:
        if t.lower_ in CONTRAST or any(c.dep_ == "neg" for c in t.children if t.pos_ in ("ADP",)):
            return True
        if t.dep_ == "prep" and t.lower_ == "of" and t.i > 0 and t.doc[t.i - 1].lower_ == "instead":
            return True
        if t.dep_ == "prep" and t.lower_ in ("than", "unlike", "except"):
            return True
        t = t.head
    return False


def _path_ok(prep: Token, trigger: Token, index: _Index, place_qualifier_ok: bool) -> bool:
    """A preposition belongs to the trigger when nothing but nouns and prepositions lie between
    them; one hanging from a named place is a qualifier ("X, on the coast"), except for the
    movement prepositions a parser may hang there ("from X to Y")."""
    t = prep.head
    while t.i != trigger.i:
        if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("amod", "dobj"):
            return False  # (a participle as object is a noun: "flew the injured from X")
        if t.dep_ == "prep" and t.lower_ in PATH_BLOCK:
            return False  # "arrive ... after a win at X": X is where the win was
        if _is_trigger(t) and t.i != trigger.i:
            return False
        if index.place(t) is not None and not place_qualifier_ok:
            return False
        if t.head.i == t.i:
            return False
        t = t.head
    return True


_MOVE_PREPS = {
    "from": "origin", "out of": "origin", "after": "origin",
    "to": "destination", "into": "destination", "toward": "destination",
    "towards": "destination", "onto": "destination", "for": "destination",
    "via": "waypoint", "through": "waypoint", "across": "waypoint", "over": "waypoint",
    "past": "waypoint", "by way of": "waypoint", "thru": "waypoint",
    "in": "at", "at": "at", "on": "at", "near": "at", "outside": "at",
}


def _read_move(trigger: Token, index: _Index, stop: set[int]) -> _Reading | None:
    lemma = "bound" if trigger.lower_ == "bound" else trigger.lemma_.lower()
    is_noun = trigger.pos_ in ("NOUN", "PROPN")
    clause = _clause(trigger, stop)
    reading = _Reading(trigger=trigger, kind="move", actor=())
    reading.returning = lemma in RETURN or any(
        c.lower_ == "back" and c.dep_ in ("advmod", "prt") for c in trigger.children)

    def add(role: str, places: list[Place]) -> None:
        target = {"origin": reading.origins, "destination": reading.destinations,
                  "waypoint": reading.waypoints, "at": reading.at}[role]
        for place in places:
            if place not in target:
                target.append(place)

    near: list[Place] = []
    subject_words: set[int] = set()  # "from X" set off by commas in the subject: who they are
    for child in trigger.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            for t in child.subtree:
                if t.dep_ == "prep" and t.i != child.i:
                    j = t.i - 1
                    while j > child.left_edge.i and t.doc[j].dep_ == "advmod":
                        j -= 1
                    if t.doc[j].text == ",":
                        subject_words.add(t.i)
    for token in clause:
        if token.i == trigger.i:
            continue
        if token.dep_ in ("prep", "dative", "agent") or (token.pos_ == "ADP" and token.dep_ == "prt"):
            if token.i in subject_words:
                continue  # "The migrants, mostly from Guinea, were taken to X": who, not where from
            word = _prep_text(token)
            role = _MOVE_PREPS.get(word)
            if word == "of" and token.head.lower_ in COMPASS and token.head.head.i == trigger.i and lemma in ARRIVE:
                for pobj in token.children:  # "landed 150 km southeast of X": near X, if nothing closer
                    if pobj.dep_ == "pobj":
                        near.extend(_places_under(pobj, index))
                continue
            if word == "of" and is_noun and lemma in OF_DEST and token.head.i == trigger.i:
                role = "destination"  # "a tour of Lima, Santiago and Buenos Aires", "a visit of two days to X" has none
            if role is None:
                continue
            if role == "origin" and lemma in ("divert", "reroute", "redirect") and word == "from":
                continue  # "diverted from the Red Sea": the route avoided, not where it set out
            if role == "origin" and word == "after" and lemma not in STOPS | {"visit", "trip", "leg"}:
                continue
            if word == "for" and lemma not in FOR_DEST:
                continue
            if word in ("on", "near", "outside") and lemma not in ARRIVE:
                continue
            if role == "at" and lemma not in ARRIVE and lemma not in WAYPOINT_OBJ and not (
                    is_noun and lemma in {"visit", "trip", "tour", "stop", "stopover", "layover"}):
                continue
            qualifier_ok = role in ("origin", "destination", "waypoint") and word not in ("over", "across", "past")
            if not _path_ok(token, trigger, index, qualifier_ok):
                continue
            if token.head.i != trigger.i and role == "at":
                # "arrived at the airport in X": keep only what hangs from the trigger or a
                # generic noun under it
                if index.place(token.head) is not None:
                    continue
            for pobj in token.children:
                if pobj.dep_ in ("pobj", "pcomp") and not _under_contrast(pobj, trigger):
                    places = _places_under(pobj, index)
                    if (role == "destination" and len(places) > 1 and pobj.tag_ == "NNS"
                            and pobj.lemma_.lower() in GENERIC_PLACE_NOUNS):
                        reading.fan_out = True
                    if role == "at" and lemma in WAYPOINT_OBJ and word != "at":
                        add("waypoint", places)
                    else:
                        add(role, places)
        elif token.head.i == trigger.i and token.dep_ in ("dobj", "attr", "npadvmod", "advmod", "oprd"):
            places = _places_under(token, index)
            if not places or _under_contrast(token, trigger):
                continue
            if lemma in ORIGIN_OBJ:
                add("origin", places)
            elif lemma in WAYPOINT_OBJ:
                add("waypoint", places)
            elif lemma in DEST_OBJ or lemma in ARRIVE or lemma == "tour":
                add("destination", places)
        elif is_noun and token.head.i == trigger.i and token.dep_ in ("compound", "nmod", "amod"):
            places = _places_under(token, index)
            places = [p for p in places if p.place_type not in SCOPE_TYPES]
            if places and token.i not in index.demonym_tokens:
                if lemma in ("departure",):
                    add("origin", places)
                else:
                    add("destination", places)
    # copula: "one potential stop for X after Y is Z"
    if is_noun and trigger.dep_ in ("nsubj", "attr") and trigger.head.lemma_ == "be":
        for sibling in trigger.head.children:
            if sibling.i != trigger.i and sibling.dep_ in ("attr", "nsubj", "acomp"):
                places = _places_under(sibling, index)
                if places:
                    add("destination", places)
    if near and not (reading.destinations or reading.at or reading.origins):
        add("at", near)
    reading.home = reading.returning or lemma in ("fly", "head", "go", "come", "travel", "sail", "drive")
    reading.home = reading.home and any(c.lower_ == "home" and c.dep_ in ("advmod", "npadvmod", "dobj", "prt")
                                        for c in trigger.children)
    if not (reading.origins or reading.destinations or reading.at or reading.waypoints or reading.home
            or _carried_by_trip_noun(trigger)):
        return None
    # arrive in X / land at X / visit X: where it ends up; a stop on the way is a waypoint
    if reading.at:
        if reading.destinations and lemma in STOPS | {"land", "touch", "refuel", "stopover", "layover"}:
            add("waypoint", [p for p in reading.at if p not in reading.destinations])
        elif not reading.destinations:
            add("destination", reading.at)
    reading.destinations = [p for p in reading.destinations if p not in reading.origins]
    reading.waypoints = [p for p in reading.waypoints
                         if p not in reading.origins and p not in reading.destinations]
    if (not is_noun and lemma in ("visit", "tour") and reading.destinations
            and all(p.place_type in ("continent", "region") for p in reading.destinations)):
        reading.scope = True
    if (not is_noun and not reading.origins and len(reading.destinations) >= 2 and lemma in ("travel", "visit", "tour", "go")
            and all(p.place_type in ("country", "continent", "region") for p in reading.destinations)):
        reading.scope = True  # "will travel to Australia and Samoa in October": where the trip goes  # "visit the Istiqlal Mosque, the largest in Southeast Asia": not a stop
    if is_noun and not reading.origins and reading.destinations and lemma in ("trip", "tour", "visit", "visits", "journey", "voyage", "cruise", "pilgrimage", "expedition"):
        # "a trip to Southeast Asia", "a five-day trip to A, B and C": the ground the trip covers
        reading.scope = (all(p.place_type in SCOPE_TYPES for p in reading.destinations)
                         or (len(reading.destinations) >= 2
                             and all(p.place_type in ("country", "continent", "region") for p in reading.destinations)))
    return reading


def _carried_by_trip_noun(trigger: Token) -> bool:
    """'flew in on a British Airways flight from London', 'landed after a flight from X': a verb
    whose path is told by a trip noun under on/aboard/after; _fold_manner moves it up."""
    if trigger.pos_ not in ("VERB", "AUX"):
        return False
    for prep in trigger.children:
        if prep.dep_ == "prep" and prep.lower_ in ("on", "aboard", "after", "following", "by"):
            for pobj in prep.children:
                if pobj.dep_ == "pobj" and pobj.lemma_.lower() in MOVE_NOUNS and any(
                        c.dep_ == "prep" and c.lower_ == "from" for c in pobj.children):
                    return True
    return False


def _fold_stops(readings: list[_Reading]) -> list[_Reading]:
    """'flew from A to B, stopping in C' / 'drove to B, crossing the border at C': a participle
    that only names where the journey stops or passes makes C a waypoint of the journey."""
    by_trigger = {r.trigger.i: r for r in readings}
    out = []
    for reading in readings:
        trigger = reading.trigger
        parent = by_trigger.get(trigger.head.i)
        if (parent is not None and parent is not reading and trigger.tag_ == "VBG"
                and trigger.dep_ in ("advcl", "xcomp", "conj", "acl")
                and not reading.origins
                and (trigger.lemma_.lower() in STOPS | WAYPOINT_OBJ | {"pass", "cross"} or not reading.destinations)):
            for place in reading.at + reading.destinations + reading.waypoints:
                if place not in parent.waypoints and place not in parent.destinations and place not in parent.origins:
                    parent.waypoints.append(place)
            continue
        out.append(reading)
    return _fold_manner(out)


OF_DEST = {"tour", "visit", "visits"}  # "a tour of X": the places toured
TRIP_NOUNS = {"trip", "visit", "visits", "tour", "journey", "voyage", "pilgrimage", "expedition", "cruise",
              "mission"}


def _fold_manner(readings: list[_Reading]) -> list[_Reading]:
    """'arrived in B after/on an overnight flight from A via C': the noun tells where the
    journey of its governing verb began, how and through where."""
    by_trigger = {r.trigger.i: r for r in readings}
    out = []
    for reading in readings:
        trigger = reading.trigger
        prep = trigger.head
        parent = by_trigger.get(prep.head.i) if trigger.dep_ == "pobj" else None
        if (parent is not None and parent is not reading and trigger.pos_ == "NOUN"
                and prep.lower_ == "from" and not parent.origins and not reading.origins
                and reading.destinations and trigger.lemma_.lower() in TRIP_NOUNS):
            # "returned to X from a state visit to Y": the journey began at Y (the last stop)
            parent.origins.append(reading.destinations[-1])
            parent.destinations[:] = [p for p in parent.destinations if p is not reading.destinations[-1]]
            parent.extra.extend(trigger.subtree)
            continue
        if (parent is not None and parent is not reading and trigger.pos_ == "NOUN"
                and prep.lower_ in ("after", "on", "aboard", "by", "following")
                and not parent.origins and reading.origins):
            parent.origins.extend(p for p in reading.origins if p not in parent.destinations)
            parent.waypoints.extend(p for p in reading.waypoints if p not in parent.waypoints)
            parent.extra.extend(trigger.subtree)
            continue
        out.append(reading)
    return [r for r in out if r.origins or r.destinations or r.at or r.waypoints or r.home]


def _where_place(trigger: Token, index: _Index, legs_here: list[_Reading]) -> Place | None:
    """For a clause 'X, where he would meet ...': the place the where-clause hangs from."""
    t = trigger
    while t.dep_ not in ("relcl", "advcl") and t.head.i != t.i and t.pos_ in ("VERB", "AUX"):
        if t.dep_ in ("conj", "xcomp"):
            t = t.head
            continue
        break
    if t.dep_ not in ("relcl", "advcl"):
        return None
    if not any(c.lower_ == "where" for c in t.children):
        return None
    head = t.head
    place = index.place(head)
    if place is not None:
        return place
    for reading in legs_here:
        anc = {a.i for a in t.ancestors}
        if reading.trigger.i in anc and reading.destinations:
            return reading.destinations[-1]
    places = _places_under(head, index)
    return places[0] if places else None


def _read_visit(trigger: Token, index: _Index, stop: set[int], legs_here: list[_Reading]) -> _Reading | None:
    lemma = trigger.lemma_.lower()
    clause = _clause(trigger, stop)
    found: list[Place] = []
    if lemma == "be" and not any(c.dep_ in ("nsubj",) for c in trigger.children):
        return None
    for token in clause:
        if token.i == trigger.i:
            continue
        if token.dep_ == "prep" and token.lower_ in VISIT_PREPS:
            if not _path_ok(token, trigger, index, place_qualifier_ok=False):
                continue
            if token.head.i != trigger.i and token.head.pos_ in ("VERB", "AUX"):
                continue
            for pobj in token.children:
                if pobj.dep_ == "pobj" and not _under_contrast(pobj, trigger):
                    found.extend(_places_under(pobj, index))
        elif trigger.pos_ in ("NOUN", "PROPN") and token.head.i == trigger.i and token.dep_ in ("compound", "nmod"):
            if token.i not in index.demonym_tokens:
                found.extend(_places_under(token, index))
    if not found and lemma != "be":
        place = _where_place(trigger, index, legs_here)
        if place is not None:
            found.append(place)
    if not found:
        return None
    reading = _Reading(trigger=trigger, kind="visit", actor=())
    reading.at = _unique(found)[:1]
    reading.event = _event_text(trigger)
    return reading


def _event_text(trigger: Token) -> str:
    """What happens, in the article's words: 'meet with Mr. Putin', 'attend the ... Forum'."""
    if trigger.lemma_ == "be":
        for child in trigger.children:
            if child.dep_ in ("advcl", "xcomp") and child.pos_ == "VERB":
                return _event_text(child)
        return "stay"
    if trigger.pos_ in ("NOUN", "PROPN"):
        words = [t for t in trigger.subtree if t.i <= trigger.i and t.dep_ not in ("det", "poss", "case")]
        return " ".join(t.text for t in words) or trigger.text
    parts = [trigger]
    for child in trigger.children:
        if child.dep_ in ("dobj", "prt") or (child.dep_ == "prep" and child.lower_ == "with"):
            sub = list(child.subtree)
            cut = []
            for t in sub:
                if t.is_punct or t.dep_ in ("relcl", "acl"):
                    break
                cut.append(t)
            if len(cut) <= 8:
                parts.extend(cut)
            break
    parts.sort(key=lambda t: t.i)
    return " ".join(t.text for t in parts)


def _unique(places: Iterable[Place]) -> list[Place]:
    out: list[Place] = []
    for place in places:
        if all(p.key != place.key for p in out):
            out.append(place)
    return out


# ---------------------------------------------------------------------------------------------
# Actor, status, mode, time


_DATELINE = re.compile(
    r"\s*[A-Z][A-Z .'-]{2,40}?(?:,[^()\n]{0,40}?)?\s*\([^)\n]{1,40}\)\s*(?:--|-|\u2014|\u2013)\s*")
_DATELINE_KEY = "geostory.dateline_end"


def _dateline_end(doc: Doc) -> int:
    """Where a wire dateline ("BERLIN, Feb 1 (dpa) -") ends, 0 without one (cached on the doc)."""
    end = doc.user_data.get(_DATELINE_KEY)
    if end is None:
        match = _DATELINE.match(doc.text)
        end = match.end() if match else 0
        doc.user_data[_DATELINE_KEY] = end
    return end


def _subject_of(trigger: Token) -> Token | None:
    """The trigger's subject; a dateline the parser took for the subject ("NEW DELHI, March 9
    (Reuters) - Albanese arrived") gives way to the name after it."""
    subject = _raw_subject_of(trigger)
    if subject is None:
        return None
    end = _dateline_end(trigger.doc)
    if end and subject.idx < end:
        for other in subject.head.children:
            if other.dep_ in ("nsubj", "nsubjpass") and other.idx >= end:
                return other
        tops = [t for t in subject.subtree if t.idx >= end and t.head.idx < end and t.head.i != t.i]
        if tops:
            return tops[0]
        return None
    return subject


def _raw_subject_of(trigger: Token) -> Token | None:
    t = trigger
    for _ in range(6):
        for child in t.children:
            if child.dep_ in ("nsubj", "nsubjpass", "csubj"):
                return child
        if t.dep_ == "conj" and t.head.lemma_.lower() in SPEECH and t.pos_ in ("VERB", "AUX"):
            # "the report said a delegation ... traveled": the parser made the subject an object
            for child in t.head.children:
                if child.dep_ == "dobj" and child.i < t.i:
                    return child
        if t.dep_ in ("xcomp", "conj", "advcl", "acomp", "pcomp") and t.pos_ in ("VERB", "AUX", "ADJ"):
            t = t.head
            continue
        if t.dep_ == "pcomp" or (t.dep_ == "pobj"):
            t = t.head
            continue
        if t.dep_ == "prep":
            t = t.head
            continue
        break
    return None


def _noun_actor_token(trigger: Token) -> Token | None:
    for child in trigger.children:
        if child.dep_ == "poss":
            return child
    for child in trigger.children:
        if child.dep_ in ("prep", "agent") and child.lower_ in ("by", "for", "of"):
            for pobj in child.children:
                if pobj.dep_ == "pobj" and (pobj.ent_type_ == "PERSON" or pobj.lemma_.lower() in
                                            PERSON_NOUNS | GROUP_NOUNS or pobj.lower_ in SING_PRONOUNS):
                    return pobj
    head = trigger.head
    if trigger.dep_ in ("dobj", "pobj") and head.lemma_.lower() in LIGHT | {"on", "embark", "go"}:
        verb = head if head.pos_ in ("VERB", "AUX") else head.head
        return _subject_of(verb)
    if trigger.dep_ in ("dobj",) and head.pos_ == "VERB":
        return _subject_of(head) if head.lemma_.lower() in {"begin", "start", "continue", "resume",
                                                             "wrap", "finish", "conclude"} else None
    return None


def _actor(token: Token | None, index: _Index, memory: dict[str, str | None]) -> tuple[str, ...]:
    """The people or group a subject names, resolved against the article's PERSON entities."""
    if token is None:
        return ()
    if index.place(token) is not None and token.ent_type_ != "PERSON":
        return ()  # metonymy: "Pyongyang says"
    names: list[str] = []
    members = [token] + [c for c in token.children if c.dep_ == "conj"]
    for member in members:
        names.extend(_one_actor(member, index, memory))
    first = _coordinated_before(token, index)
    if first is not None and first not in names:
        names.insert(0, first)  # "Yoon and first lady Kim Keon Hee departed": Yoon first
    seen: list[str] = []
    for name in names:
        if name not in seen:
            seen.append(name)
    return tuple(seen)


def _coordinated_before(token: Token, index: _Index) -> str | None:
    """A person named right before the subject and joined to it by "and", which the parser left
    out of the subject ("Yoon and first lady Kim Keon Hee departed ...")."""
    doc = token.doc
    start = token.sent.start
    j = token.left_edge.i - 1
    while j > start and (doc[j].lower_ in TITLES or doc[j].dep_ in ("amod", "compound") and doc[j].pos_ != "PROPN"):
        j -= 1
    if j <= start or doc[j].lower_ != "and" or doc[j].head.i in range(token.left_edge.i, token.right_edge.i + 1):
        return None
    k = j - 1
    while k > start and doc[k].lower_ in ("'s", "’s"):
        k -= 1
    return index.people.by_word(doc[k])


def _one_actor(token: Token, index: _Index, memory: dict[str, str | None]) -> list[str]:
    people = index.people
    lower = token.lower_
    lemma = token.lemma_.lower()
    if token.i in people.ent_of:
        return [people.ent_of[token.i]]
    for child in token.children:
        if child.i in people.ent_of and child.dep_ in ("compound", "appos", "nmod"):
            return [people.ent_of[child.i]]
    if lower in ("who", "that", "which") and token.head.dep_ in ("relcl", "acl") and token.head.head.i != token.i:
        return _one_actor(token.head.head, index, memory)  # "Zelenskiy, who traveled to ..."
    if lemma in VEHICLES | GROUP_NOUNS | {"convoy", "motorcade", "delegation", "entourage", "flight", "charter"}:
        for child in token.children:  # "Orban's convoy", "the pope's plane"
            if child.dep_ == "poss" and child.lower_ not in SING_PRONOUNS | PLURAL_PRONOUNS:
                if child.lemma_.lower() in GROUP_NOUNS and any(c.lower_ == "the" for c in child.children):
                    known = memory.get("heads", {}).get(child.lemma_.lower()) or memory.get("group")
                    if known:
                        return [known]  # "Argentina's squad flew ... The team's charter flight left X"
                owner = _one_actor(child, index, memory)
                if owner and (owner[0] in people.canonical.values() or owner[0] in people.titles):
                    return owner
    # a vehicle carrying someone: "the train carrying Kim"
    if lemma in VEHICLES | CARRIERS or token.text.lower() in VEHICLES:
        for child in token.children:
            if child.dep_ == "acl" and child.lemma_ in ("carry", "transport", "bring"):
                for obj in child.children:
                    if obj.dep_ == "dobj":
                        carried = _actor(obj, index, memory)
                        if carried and any(n in people.titles or n in people.canonical.values() for n in carried):
                            return list(carried)
                        if obj.lower_ in ("them", "him", "her") and memory.get("mover"):
                            return [memory["mover"]]  # "a plane carrying them landed at X"
                        text = _phrase(token)  # "a cruise ship carrying 4,000 passengers"
                        return [text] if text else []
        fresh = any((c.dep_ == "det" and c.lower_ in ("a", "an", "another"))
                    or (c.dep_ == "amod" and c.lower_ in ("second", "third", "another", "other"))
                    for c in token.children)
        if not fresh:
            for key in ("mover", "person", "thing"):
                if memory.get(key):
                    return [memory[key]]
        text = _phrase(token)
        return [text] if text else []
    if token.text in ("One",) and token.doc[token.i - 1].lower_ == "force":
        last = memory.get("person")
        return [last] if last else []
    if lower in SING_PRONOUNS:
        before = people.before(token.i, subjects_first=True)
        if before:
            return [before[0]]
        last = memory.get("person") or memory.get("someone")
        return [last] if last else []
    by_surname = people.by_surname(token)
    if by_surname is not None:
        return [by_surname]
    if token.pos_ == "PROPN" and token.text in memory.get("named", {}) and index.place(token) is None:
        return [memory["named"][token.text]]  # "Chancellor Olaf Scholz" (not tagged a person) ... "Scholz"
    determiners = {c.lower_ for c in token.children if c.dep_ in ("det", "nummod", "predet")}
    definite = bool({"the", "this", "that", "these", "those"} & determiners)
    if definite and lemma in GROUP_NOUNS and lemma in memory.get("heads", {}):
        return [memory["heads"][lemma]]  # "Argentina's World Cup squad ..." -> "The squad ..."
    if definite and (lemma in GROUP_NOUNS or lower in GROUP_NOUNS or lemma in ("visitor", "delegate", "guest")):
        pair = memory.get("pair")
        if pair and (lemma in ("couple", "pair", "duo", "trio", "crew") or not memory.get("group")):
            return list(pair)  # "the royal couple", "the crew": the people last named together
        if lemma in ("couple", "pair", "duo") and not memory.get("group"):
            before = people.before(token.i)
            if len(before) >= 2:
                return before[:2][::-1]  # "Naruhito and Masako arrived ... The couple flew"
            if before:
                return before[:1]  # only one of the two is tagged a person: the couple goes with them
        if memory.get("group"):
            return [memory["group"]]
    if definite and lemma in memory.get("heads", {}):
        return [memory["heads"][lemma]]  # "A North Korean soldier ..." -> "The soldier ..."
    if lower in ("they", "both") or (lemma in PERSON_NOUNS and ({"both", "two"} & determiners)):
        pair = memory.get("pair")
        if lower == "they" and pair and memory.get("mover") in pair:
            return list(pair)  # "The king and queen will fly to X ... They will then return to Y"
        before = people.before(token.i)
        if len(before) >= 2:
            return before[:2]
        return []
    if lower in ("it",):
        last = memory.get("thing")
        return [last] if last else []
    if lemma in PERSON_NOUNS and token.tag_ in ("NN", "NNP") and any(
            c.dep_ == "det" and c.lower_ in ("a", "an", "any", "no") for c in token.children):
        return []  # "a Japanese foreign minister", "an Australian prime minister": nobody in particular
    if lemma in PERSON_NOUNS and token.tag_ in ("NN", "NNP"):
        words = {t.lower_ for t in token.subtree if t.i <= token.i and t.pos_ in ("NOUN", "PROPN", "ADJ")}
        mover = memory.get("mover")
        if mover and people.titles.get(mover, set()) & (words - {"the"}) and mover in people.before(token.i):
            name = mover  # "the president" while President Biden is travelling: Biden
        else:
            name = people.by_title(token.i, words - {"the"})
        if name is None:
            before = people.before(token.i)
            if before and any(c.lower_ == "the" for c in token.children):
                name = before[0]
        return [name] if name else []
    if token.pos_ in ("NOUN", "PROPN") and token.ent_type_ not in ("GPE", "LOC", "DATE", "TIME", "NORP"):
        # a group or a named thing: "a delegation of some 20 officials", "the Titanic"
        if lemma in ("report", "official", "source", "statement", "newspaper", "agency", "ministry"):
            return []
        named = memory.setdefault("named", {})
        text = _phrase(token)
        if text and token.pos_ == "PROPN" and token.tag_ == "NNP" and token.i > 0 and token.doc[token.i - 1].pos_ == "PROPN":
            named[token.text] = text
        return [text] if text else []
    return []


def _phrase(token: Token) -> str:
    """A subject's words without relative clauses, appositions and what follows a comma."""
    words = {token.i}
    for child in token.children:
        if child.dep_ in ("relcl", "acl", "appos", "punct", "cc", "conj", "advmod") or child.is_punct:
            continue
        if child.dep_ == "prep" and child.lower_ != "of":
            continue
        words.update(t.i for t in child.subtree)
    ordered = sorted(words)
    # stop at the first punctuation right of the head
    out = []
    for i in ordered:
        t = token.doc[i]
        if t.is_punct or t.is_space:
            if i > token.i:
                break
            out = []
            continue
        out.append(t)
    text = " ".join(t.text for t in out)
    return re.sub(r"\s+([,.'])", r"\1", text).replace(" - ", "-").strip()


def _status(trigger: Token) -> Status | None:
    """reported / planned / possible, or None when negated or cancelled."""
    scope = [trigger]
    t = trigger
    for _ in range(6):
        if t.dep_ == "conj" and any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children):
            break  # "..., and the ship will be towed to X": its own clause
        if t.dep_ in ("xcomp", "conj", "dobj", "pobj", "prep", "nsubj", "nsubjpass", "attr", "pcomp", "acomp", "auxpass") and t.head.i != t.i:
            t = t.head
            scope.append(t)
            if t.dep_ in ("ccomp", "relcl", "ROOT", "parataxis"):
                break
            continue
        if t.dep_ == "advcl" and t.tag_ in ("VBG", "VB", "VBN") and not any(
                c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass") and c.lower_ != "to" for c in t.children):
            # a non-finite clause ("..., before returning to X") shares its governor's modality
            t = t.head
            scope.append(t)
            continue
        break
    planned = possible = False
    for i, token in enumerate(scope):
        lemma = token.lemma_.lower()
        if i > 0 and lemma in CANCEL and token.pos_ == "VERB" and lemma not in ("postpone", "delay"):
            return None
        if (i > 0 and lemma == "drop" and token.pos_ == "VERB" and scope[i - 1].dep_ in ("nsubjpass", "dobj")
                and not any(c.dep_ == "prt" for c in token.children)):
            return None  # "a planned stop in X had been dropped"
        if i > 0 and lemma in CANCEL_PARTICLE and any(
                c.dep_ == "prt" and c.lower_ == CANCEL_PARTICLE[lemma] for c in token.children):
            return None
        if i > 0 and lemma in ("postpone", "delay"):
            planned = True
        if i > 0 and lemma in PLANNED_LEMMAS and not (
                lemma == "set" and any(c.dep_ in ("prt", "dobj") and c.lower_ in ("off", "out", "sail") for c in token.children)):
            planned = True
            if lemma in ("plan", "intend", "schedule", "hope", "expect", "want", "due", "set") and _plan_abandoned(token):
                return None
        if i > 0 and lemma in POSSIBLE_LEMMAS:
            possible = True
        for child in token.children:
            clemma = child.lemma_.lower()
            cl = child.lower_
            if child.dep_ == "neg" or (cl in ("no", "never") and child.dep_ in ("det", "advmod", "neg")):
                return None
            if child.dep_ in ("aux", "auxpass"):
                if cl in PLANNED_AUX:
                    planned = True
                elif cl in POSSIBLE_AUX:
                    possible = True
                elif cl == "to" and token.dep_ == "xcomp":
                    pass
            if child.dep_ in ("amod", "advmod", "acomp", "compound", "nmod", "prep", "mark") and (
                    clemma in POSSIBLE_LEMMAS or cl in POSSIBLE_LEMMAS):
                if child.dep_ != "prep" or cl == "if":
                    possible = True
            if child.dep_ in ("amod", "compound", "advmod", "acomp") and (
                    clemma in PLANNED_LEMMAS or cl in PLANNED_LEMMAS):
                planned = True
    if possible:
        return "possible"
    if planned:
        return "planned"
    return "reported"


def _plan_abandoned(token: Token) -> bool:
    """'had (originally) planned to ...', '... planned to ..., but X called off the meeting'."""
    children = list(token.children)
    if any(c.dep_ == "advmod" and c.lower_ in ("originally", "initially", "once") for c in children):
        return True
    if token.dep_ in ("acomp", "xcomp", "oprd") and token.head.lemma_ == "be" and any(
            c.dep_ == "aux" and c.lower_ in ("had", "'d") for c in token.head.children):
        return True  # "had been due / set / scheduled to dock in X"
    if any(c.dep_ == "aux" and c.lower_ in ("had", "'d") for c in children) and token.tag_ == "VBN":
        return True
    for c in children:
        if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX"):
            clemma = c.lemma_.lower()
            if clemma in CANCEL or (clemma in CANCEL_PARTICLE and any(
                    g.dep_ == "prt" and g.lower_ == CANCEL_PARTICLE[clemma] for g in c.children)):
                return True
    return False


def _mode(trigger: Token, clause: list[Token], article_text: str) -> tuple[Mode, bool]:
    """The mode cue nearest the trigger: an explicit 'by/aboard X' first, then the trigger's own
    verb ('flew', 'drove', 'sailed'), then any vehicle word in the clause."""
    for token in clause:
        if token.dep_ == "prep" and token.lower_ in ("by", "aboard", "on", "in", "via") :
            for pobj in token.children:
                if pobj.dep_ == "pobj" and not _names_place(pobj):
                    if token.lower_ != "by" and pobj.lemma_.lower() not in VEHICLES:
                        continue  # "on the Red Sea", "in the car park" say where, not how
                    mode = _mode_word(pobj)
                    if mode:
                        return mode, True
    # "boarded a train to X", "rode the train", "took a helicopter": the vehicle taken
    for child in trigger.children:
        if child.dep_ in ("dobj", "pobj") and child.lemma_.lower() in VEHICLES and not _names_place(child):
            mode = _mode_word(child)
            if mode:
                return mode, True
    own = _mode_word(trigger)
    if own and trigger.lemma_.lower() not in ("train", "leg", "route", "march"):
        if not (trigger.lemma_.lower() == "land" and trigger.pos_ != "VERB"):
            return own, True
    start = min(t.idx for t in clause)
    end = max(t.idx + len(t.text) for t in clause)
    text = article_text[start:end].lower()
    for pattern, mode in MODE_PHRASES:
        if re.search(pattern, text):
            return mode, True
    if trigger.lemma_.lower() == "land" and _verbal(trigger):
        return "air", True
    best: tuple[int, Mode] | None = None
    for token in clause:
        mode = _mode_word(token)
        if mode and token.i != trigger.i and not _names_place(token):
            distance = abs(token.i - trigger.i)
            if best is None or distance < best[0]:
                best = (distance, mode)
    if best:
        return best[1], True
    return "unknown", False


def _names_place(token: Token) -> bool:
    """Part of a place's name ("the Red Sea", "Port of Dover"): a toponym, not a vehicle."""
    return token.ent_type_ in ("GPE", "LOC", "FAC") or (
        token.pos_ == "PROPN" and token.lemma_.lower() in ("sea", "road", "highway", "motorway", "rail",
                                                          "railway", "bay", "port", "harbour", "harbor"))


def _mode_word(token: Token) -> Mode | None:
    lemma = token.lemma_.lower()
    if token.ent_type_ in ("DATE", "TIME", "PERSON", "CARDINAL", "ORDINAL", "QUANTITY"):
        return None  # "in March 2023", "coach Carlo Ancelotti"
    if lemma == "land" and token.pos_ != "VERB":
        return None
    if lemma in ("drive", "ride") and token.pos_ == "NOUN":
        return "road"
    if lemma == "carrier" and token.doc[max(0, token.i - 1)].lower_ in ("aircraft",):
        return "sea"
    if lemma in ("train",) and token.pos_ == "VERB":
        return None
    if lemma == "coach" and token.ent_type_ == "PERSON":
        return None
    return MODE_WORDS.get(lemma) or MODE_WORDS.get(token.lower_)


def _when(trigger: Token, clause: list[Token], dates: list[SpacySpan], anchor: dt.date | None,
          future: bool, whole_subtree: bool = False) -> TimeSpan | None:
    """The DATE entity of the trigger's clause nearest the trigger, else the nearest one of the
    sentence that is not about something else (a 'report said Monday')."""
    # `dates` are the DATE entities of the trigger's own sentence (indexed once by narrate)
    clause_ids = {t.i for t in clause}
    inside = [e for e in dates if e.root.i in clause_ids]
    if not inside and whole_subtree:
        subtree = {t.i for t in trigger.subtree}
        inside = [e for e in dates if e.root.i in subtree]
    if not inside:
        inside = []
        for ent in dates:
            if _governed_by_other(ent.root, trigger):
                continue
            inside.append(ent)
    best = None
    for ent in sorted(inside, key=lambda e: min(abs(e.start - trigger.i), abs(e.end - 1 - trigger.i))):
        span = parse_when(ent.text, anchor, future=future)
        if span is not None:
            best = span
            break
    return best


def _governed_by_other(token: Token, trigger: Token) -> bool:
    """The date hangs from a verb other than the trigger or its governors (a speech verb...)."""
    trigger_line = {trigger.i} | {a.i for a in trigger.ancestors}
    t = token
    while t.head.i != t.i:
        t = t.head
        if t.i in trigger_line:
            return t.lemma_.lower() in SPEECH or (t.pos_ in ("VERB", "AUX") and t.i != trigger.i
                                                   and t.lemma_.lower() not in PLANNED_LEMMAS | {"be"})
        if t.pos_ in ("VERB", "AUX"):
            return True
    return True


# ---------------------------------------------------------------------------------------------
# The story


def _contains(outer: Place, inner: Place) -> bool:
    """A country/region that holds a place (by country code; we have no polygons here)."""
    return (outer.place_type in ("country", "continent")
            and outer.key != inner.key
            and outer.country_code is not None
            and outer.country_code == inner.country_code
            and inner.place_type not in ("country", "continent"))


def narrate(article: Article, doc: Doc, places: Sequence[Place], unresolved: Sequence[Mention] = ()) -> Story:
    """Read journeys (Leg) and visits/events (Visit) from the parsed article; geometry is left to route.

    `doc` is the article parsed by spaCy (`doc.text == article.text`); `places` are resolved
    places whose mentions carry character offsets into the text. Legs and visits come back in
    the order the article tells them.
    """
    index = _Index(article, doc, places)
    dates_by_sent: dict[int, list[SpacySpan]] = {}  # sentence start -> its DATE entities
    for ent in doc.ents:
        if ent.label_ == "DATE":
            dates_by_sent.setdefault(ent.sent.start, []).append(ent)
    readings: list[_Reading] = []
    memory: dict = {"person": None, "thing": None, "group": None, "pair": None, "someone": None,
                    "mover": None, "heads": {}}
    last_mover: tuple[str, ...] = ()
    people_names = set(index.people.canonical.values()) | set(index.people.titles)
    clock: dt.date | None = None  # the latest day the story has reached, in told order
    for sent in doc.sents:
        dates = dates_by_sent.get(sent.start, [])
        movers = [t for t in sent if _is_trigger(t)]
        visitors = [t for t in sent if _is_visit_trigger(t) and t.i not in {m.i for m in movers}]
        # "held talks at X": the verb reads the place, not its object noun as well
        visitors = [t for t in visitors if not (t.pos_ in ("NOUN", "PROPN") and t.dep_ == "dobj"
                                                and t.head in visitors)]
        stop = {t.i for t in movers} | {t.i for t in visitors}
        legs_here: list[_Reading] = []
        for trigger in movers:
            reading = _read_move(trigger, index, stop - {trigger.i})
            if reading is not None:
                legs_here.append(reading)
        legs_here = _fold_origins(_fold_stops(legs_here))
        visits_here: list[_Reading] = []
        for trigger in visitors:
            reading = _read_visit(trigger, index, stop - {trigger.i}, legs_here)
            if reading is not None and reading.at and _due_in(trigger):
                # "Ruto is due in Kigali on Thursday": an arrival there, not a stay
                reading = _Reading(trigger=trigger, kind="move", actor=(), destinations=list(reading.at[:1]),
                                   at=list(reading.at[:1]))
                legs_here.append(reading)
            elif reading is not None:
                visits_here.append(reading)
        for reading in legs_here:
            if not reading.origins and reading.destinations and reading.trigger.pos_ in ("VERB", "AUX"):
                before = _after_visit(reading.trigger, visits_here)
                if before is not None and all(before.key != d.key and not _contains(d, before) and not _contains(before, d)
                                              for d in reading.destinations):
                    reading.origins = [before]  # "arrived back in Seoul after talks in Washington"
        for reading in sorted(legs_here + visits_here, key=lambda r: r.trigger.i):
            status = _status(reading.trigger)
            if status is None:
                continue
            trigger = reading.trigger
            if trigger.pos_ in ("NOUN", "PROPN") and not _verbal(trigger):
                actor_token = _noun_actor_token(trigger)
                if actor_token is None and reading.kind == "visit":
                    actor_token = _governor_subject(trigger)  # "visited X before a rally in Y"
            else:
                actor_token = _vehicle_object(trigger) or _subject_of(trigger)
            reading.actor = _actor(actor_token, index, memory)
            mover = memory.get("mover")
            if (reading.kind == "move" and actor_token is not None and actor_token.lower_ in SING_PRONOUNS
                    and mover and reading.actor and mover not in reading.actor
                    and mover in index.people.before(trigger.i)):
                reading.actor = (mover,)  # "He will then travel to X": the one who has been travelling
            reading.introduced = actor_token is not None and any(
                (c.dep_ == "det" and c.lower_ in ("a", "an", "some", "another")) or c.dep_ == "nummod"
                or (c.dep_ in ("amod", "det") and c.lower_ in ("several", "other", "many", "various", "few"))
                for c in actor_token.children)
            if (not reading.actor and reading.kind == "move" and last_mover and actor_token is not None
                    and (actor_token.pos_ == "NUM" or actor_token.lower_ in ("them", "they", "those", "some", "many"))):
                reading.actor = last_mover  # "about 300 of them would be transferred to X"
            if (not reading.actor and reading.kind == "move" and trigger.pos_ in ("NOUN", "PROPN")
                    and last_mover and _definite_or_ordinal(trigger)):
                reading.actor = last_mover  # "The final stop is X": the trip told so far
            if reading.kind == "visit":
                reading.pluperfect = _pluperfect(trigger)  # "He had held talks in X": not where he is now
            if reading.kind == "move":
                reading.background = _is_background(trigger)
                reading.pluperfect = _pluperfect(trigger)
                if reading.actor:
                    last_mover = reading.actor
                    if reading.actor[0] in people_names:
                        memory["mover"] = reading.actor[0]
            if len(reading.actor) >= 2 and all(n in people_names for n in reading.actor):
                memory["pair"] = reading.actor
            if actor_token is not None and len(reading.actor) == 1 and reading.actor[0] not in people_names:
                if actor_token.lemma_.lower() in GROUP_NOUNS and reading.kind == "move" and any(
                        c.dep_ == "poss" for c in actor_token.children):
                    memory["heads"].setdefault(actor_token.lemma_.lower(), reading.actor[0])  # "X's squad"
                if any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in actor_token.children):
                    memory["heads"][actor_token.lemma_.lower()] = reading.actor[0]  # "a soldier" ... "the soldier"
                    if actor_token.lemma_.lower() not in VEHICLES | CARRIERS:
                        memory["someone"] = reading.actor[0]
            clause = _clause(trigger, stop - {trigger.i})
            if trigger.pos_ in ("NOUN", "PROPN") and trigger.head.pos_ in ("VERB", "AUX") and trigger.dep_ == "dobj":
                clause = sorted(set(clause) | {trigger.head}, key=lambda t: t.i)
            reading.status = status
            if reading.kind == "move":
                reading.mode, reading.mode_explicit = _mode(
                    trigger, sorted(set(clause) | set(reading.extra), key=lambda t: t.i), article.text)
                if (reading.mode == "unknown" and actor_token is not None and not _names_place(actor_token)
                        and actor_token.lemma_.lower() in VEHICLES):
                    reading.mode = _mode_word(actor_token) or "unknown"  # "the bus then headed to X"
                    reading.mode_explicit = reading.mode != "unknown"
            reading.when = _when(trigger, clause, dates, article.date, future=status != "reported",
                                 whole_subtree=reading.kind == "visit")
            if (reading.status == "reported" and reading.when is not None and article.date is not None
                    and reading.when.start > article.date):
                reading.status = "planned"
            if reading.when is not None and reading.status == "reported":
                gap = FLASHBACK_GAP if reading.when.start == reading.when.end else dt.timedelta(days=1)
                if clock is not None and reading.when.end < clock - gap and _past_tense(trigger):
                    reading.past_dated = True  # "Last month, she traveled to X" told after this week's trip
                elif (clock is None and article.date is not None and _past_tense(trigger)
                      and reading.when.end < article.date - PAST_BACKGROUND):
                    reading.past_dated = True  # "X last visited Y in March 2023" in a story about a coming trip
                elif not reading.background and not reading.pluperfect:
                    clock = max(clock or reading.when.start, reading.when.start)
            reading.evidence = _sentence_span(article, trigger)
            readings.append(reading)
            for name in reading.actor:
                if name in index.people.titles or name in index.people.canonical.values():
                    memory["person"] = name
                elif actor_token is not None and (actor_token.lemma_.lower() in GROUP_NOUNS
                                                  or actor_token.lower_ in GROUP_NOUNS):
                    memory["group"] = name
                else:
                    memory["thing"] = name
        # people named in the sentence also become "the last person" for pronouns
    return _assemble(article, places, unresolved, readings, people_names, _dateline_place(article.text, places))


def _on_to(later: list[_Reading], stop: _Reading, destination: Place) -> bool:
    """A reading after `stop`, in the same sentence, that goes on to `destination` ("before continuing to X")."""
    return any(r.kind == "move" and r.evidence == stop.evidence and _continues(r.trigger) and not r.origins
               and r.destinations and r.destinations[-1].key == destination.key for r in later)


def _due_in(trigger: Token) -> bool:
    """'X is due in Y': the copula with the adjective 'due' and no 'to'-verb (that one is a plan)."""
    return trigger.lemma_.lower() == "be" and any(
        c.dep_ == "acomp" and c.lower_ == "due" and not any(g.dep_ == "xcomp" for g in c.children)
        for c in trigger.children)


def _after_visit(trigger: Token, visits: list[_Reading]) -> Place | None:
    """The place of an event in an 'after'/'following' phrase of an arrival or return verb ("arrived
    back in X after talks in Y"): where the journey began."""
    lemma = trigger.lemma_.lower()
    if lemma not in ARRIVAL_VERBS and lemma not in RETURN and not any(
            c.lower_ == "back" and c.dep_ in ("advmod", "prt") for c in trigger.children):
        return None
    for visit in visits:
        t = visit.trigger
        if (t.pos_ in ("NOUN", "PROPN") and t.dep_ == "pobj" and t.head.lower_ in ("after", "following")
                and t.head.head.i == trigger.i and visit.at and visit.at[0].place_type not in ("country",) + tuple(SCOPE_TYPES)):
            return visit.at[0]
    return None


def _dateline_place(text: str, places: Sequence[Place]) -> Place | None:
    """The place of a wire-service dateline ("JEDDAH, Saudi Arabia (AP) -", "SEOUL, Oct. 5
    (Yonhap) --"): where the story is told from, so where "arrived from X" arrives."""
    match = re.match(r"\s*([A-Z][A-Z .'-]{2,40}?)\s*(?:,|\(|--|\u2014|-\s)", text)
    if match is None:
        return None
    name = match.group(1).strip().casefold()
    for place in places:
        if place.name.casefold() == name or any(m.text.casefold() == name for m in place.mentions):
            return place
    return None


def _governor_subject(noun: Token) -> Token | None:
    """The subject of the verb a noun hangs from through a preposition ("visited a care home
    before an evening rally in X": the one who visited)."""
    if noun.dep_ == "pobj" and noun.head.dep_ == "prep" and noun.head.head.pos_ in ("VERB", "AUX"):
        return _subject_of(noun.head.head)
    return None


def _past_tense(trigger: Token) -> bool:
    """Told in the past ("traveled", "had flown", "his trip ... was"), not the present of a
    timetable ("On Friday the pope flies on to X")."""
    t = trigger
    if t.pos_ in ("NOUN", "PROPN") and not _verbal(t):
        t = t.head
    return t.tag_ in ("VBD", "VBN") or any(c.dep_ in ("aux", "auxpass") and c.tag_ == "VBD" for c in t.children)


def _pluperfect(trigger: Token) -> bool:
    """Told in the past perfect: "had traveled to X", "had left X and called at Y"."""
    t = trigger
    for _ in range(3):
        if t.tag_ == "VBN" and any(c.dep_ == "aux" and c.lower_ in ("had", "'d") for c in t.children):
            return True
        if t.dep_ in ("conj", "xcomp") and t.head.i != t.i and not any(
                c.dep_ in ("nsubj", "nsubjpass") for c in t.children):
            t = t.head
            continue
        return False
    return False


def _definite_or_ordinal(noun: Token) -> bool:
    return any((c.dep_ == "det" and c.lower_ in ("the", "this", "that"))
               or (c.dep_ == "amod" and c.lower_ in ("final", "last", "next", "first", "second", "third"))
               for c in noun.children)


def _is_background(trigger: Token) -> bool:
    """Told as background, not as the next step of the story: a relative clause in the past
    perfect ("Kishida, who had been on a visit to India, ...") or a clause under 'after'/'since'
    that hangs from something other than a journey ("The trip comes months after he traveled to X")."""
    t = trigger
    for _ in range(6):
        if t.pos_ in ("VERB", "AUX") and t.dep_ == "relcl" and any(
                c.dep_ == "aux" and c.lower_ in ("had", "'d") for c in t.children):
            return True
        if t.pos_ in ("VERB", "AUX") and any(c.dep_ == "mark" and c.lower_ in ("after", "since") for c in t.children):
            governor = t.head
            return governor.i != t.i and (not _is_trigger(governor) or _about_a_trip(governor))
        if t.dep_ in ("pcomp", "pobj") and t.head.lower_ in ("after", "since") and t.head.dep_ == "prep":
            governor = t.head.head
            return governor.pos_ in ("VERB", "AUX") and (not _is_trigger(governor) or _about_a_trip(governor))
        if t.head.i == t.i or t.dep_ in ("ROOT", "ccomp", "parataxis"):
            return False
        t = t.head
    return False


def _about_a_trip(verb: Token) -> bool:
    """'The trip comes / follows ...': a verb whose subject is the journey itself moves nobody."""
    return any(c.dep_ in ("nsubj", "nsubjpass") and c.lemma_.lower() in MOVE_NOUNS for c in verb.children)


def _fold_origins(readings: list[_Reading]) -> list[_Reading]:
    """'arrived in B on Saturday, flying in from A': a journey told in two clauses, one naming
    only where it ended and one, hanging from it, only where it began, is one journey."""
    out = list(readings)
    for reading in readings:
        if reading not in out or reading.destinations or reading.at or not reading.origins:
            continue
        for other in out:
            if other is reading or other.origins or not (other.destinations or other.at):
                continue
            a, b = reading.trigger, other.trigger
            linked = (a.head.i == b.i and a.dep_ in ("advcl", "conj", "xcomp", "pcomp")) or (
                b.head.i == a.i and b.dep_ in ("advcl", "conj", "xcomp", "pcomp"))
            if not linked:
                continue
            other.origins.extend(reading.origins)
            other.waypoints.extend(p for p in reading.waypoints if p not in other.waypoints)
            other.extra.extend(reading.trigger.subtree)
            out.remove(reading)
            break
    return out


@dataclass
class _Position:
    place: Place | None = None
    start: Place | None = None  # where the actor's trip began
    mode: Mode = "unknown"  # mode of a departure not yet matched with an arrival
    waypoints: list[Place] = field(default_factory=list)
    trip_mode: Mode = "unknown"  # how the trip has gone so far ("departed aboard a government plane")
    last_leg: int | None = None  # index of the leg that brought the actor here
    pending: Place | None = None  # reached by an arrival told without its origin ("arrived in X")
    pending_verb: bool = False  # that arrival was told by a verb ("flew into X"), at a city or a site


# A leg told with a generic verb ("will then travel to X") goes on as the trip has gone; a plane
# is not taken for a short hop.
MIN_AIR_CARRY_KM = 300
# A land mode carried over ("returned", "continued") is not kept beyond this (geodesic km).
MAX_LAND_CARRY_KM = 1500


CONTINUE = {"continue", "proceed", "resume", "press", "push"}


def _continues(trigger: Token) -> bool:
    """The article says the journey goes on as it went: "continued to X", "flew on to X",
    "headed onward to X", "went on to X"."""
    return trigger.lemma_.lower() in CONTINUE or any(
        c.lower_ in ("on", "onward", "onwards") and c.dep_ in ("prt", "advmod") for c in trigger.children)


def _km(a: Place, b: Place) -> float:
    """Geodesic distance in km between two places (geopy, as everywhere in geostory)."""
    return geodesic((a.latitude, a.longitude), (b.latitude, b.longitude)).km


# Verbs that tell an arrival: "arrived in X ... flying in from Y" is one journey Y -> X.
ARRIVAL_VERBS = {"arrive", "land", "touch", "dock", "reach", "disembark", "berth", "anchor", "come", "get"}
# No mode cue: a leg this long in news is almost always flown (or sailed, by a ship).
AIR_DEFAULT_KM = 800.0
# Two places this close are one place for a journey's start ("Vatican" / "Rome").
SAME_PLACE_KM = 50.0


def _arrives(trigger: Token) -> bool:
    """An arrival: "arrived (from X)", "flew in from X", "came in from X"."""
    return trigger.lemma_.lower() in ARRIVAL_VERBS or any(
        c.lower_ == "in" and c.dep_ == "prt" for c in trigger.children)


def _default_modes(legs: list[Leg]) -> list[Leg]:
    """Mode by distance when the article gives no cue: a leg over AIR_DEFAULT_KM (geodesic, between
    the resolved places) is `air`, or `sea` when the same mover's other legs (or, for legs without
    a known mover, all the story's reported legs with a mode) went by sea: a ship does not fly."""
    by_actor: dict[str | None, set[Mode]] = {}
    reported: set[Mode] = set()
    for leg in legs:
        if leg.mode != "unknown":
            by_actor.setdefault(leg.actor, set()).add(leg.mode)
            if leg.status == "reported":
                reported.add(leg.mode)
    out = []
    for leg in legs:
        if leg.mode != "unknown" or _km(leg.origin, leg.destination) <= AIR_DEFAULT_KM:
            out.append(leg)
            continue
        known = by_actor.get(leg.actor) or reported
        mode: Mode = "sea" if known == {"sea"} else "air"
        out.append(replace(leg, mode=mode, mode_inferred=True))
    return out


def _refine_last_leg(legs: list[Leg], pos: _Position, destination: Place, mode: Mode) -> None:
    """The actor's last leg ends, more precisely, at `destination`; it keeps its mode if it had one."""
    kept = legs[pos.last_leg]
    legs[pos.last_leg] = replace(kept, destination=destination, mode=kept.mode if kept.mode != "unknown" else mode)
    pos.place = destination


def _assemble(article: Article, places: Sequence[Place], unresolved: Sequence[Mention],
              readings: list[_Reading], people: set[str] = frozenset(), dateline: Place | None = None) -> Story:
    legs: list[Leg] = []
    visits: list[Visit] = []
    move_visits: list[tuple[Visit, tuple[str, ...]]] = []
    positions: dict[tuple[str, ...], _Position] = {}
    updated: dict[tuple[str, ...], int] = {}  # actor -> when its position last changed
    clock = [0]
    # "arrived from X, where he attended ...": X is where the journey began, not where the actor is
    origin_here = {(r.evidence.start, p.key) for r in readings if r.kind == "move" and r.evidence is not None
                   for p in r.origins}

    def position_of(actor: tuple[str, ...], has_origin: bool, introduced: bool = False) -> _Position:
        """The actor's position; one not seen yet starts where a group it belongs to is ("Yoon and
        his wife left X" ... "Yoon flew to Y"), or, for a vehicle or group without a person's name
        ("the strike group", "the carrier"), where the story's last journey ended."""
        if actor in positions:
            return positions[actor]
        pos = _Position()
        if not has_origin:
            shared = [k for k in updated if k and set(k) & set(actor)]
            if not shared and actor and not introduced and not (set(actor) & people):
                shared = list(updated)
            if shared:
                source = positions[max(shared, key=updated.__getitem__)]
                pos = _Position(place=source.place, start=source.start, mode=source.mode,
                                trip_mode=source.trip_mode)
        positions[actor] = pos
        return pos

    def placed(actor: tuple[str, ...], introduced: bool) -> bool:
        """The actor (or a group it was part of, or for "the team", the story) is somewhere already."""
        if actor in positions:
            return positions[actor].place is not None
        if any(set(k) & set(actor) and positions[k].place is not None for k in updated if k):
            return True
        return bool(actor) and not introduced and not (set(actor) & people) and bool(updated)

    def moved(actor: tuple[str, ...]) -> None:
        clock[0] += 1
        updated[actor] = clock[0]
        pos = positions[actor]
        if len(actor) > 1:  # "the two leaders rode from A to B": each of them is at B now
            for name in actor:
                positions[(name,)] = _Position(place=pos.place, start=positions.get((name,), pos).start or pos.start,
                                               trip_mode=pos.trip_mode, pending=pos.pending,
                                               pending_verb=pos.pending_verb)
                updated[(name,)] = updated[actor]

    def add_leg(origin: Place, destination: Place, reading: _Reading, mode: Mode, waypoints: list[Place]) -> bool:
        if origin.key == destination.key or _contains(origin, destination) or _contains(destination, origin):
            return False
        legs.append(Leg(origin=origin, destination=destination, mode=mode, status=reading.status,
                        evidence=reading.evidence, waypoints=tuple(w for w in waypoints
                                                                   if w.key not in (origin.key, destination.key)),
                        actor=", ".join(reading.actor) or None, when=reading.when))
        return True

    def trip_mode(pos: _Position, origin: Place, destination: Place, mode: Mode, reading: _Reading) -> Mode:
        if mode != "unknown" or pos.trip_mode == "unknown" or not (
                _continues(reading.trigger) or reading.returning or reading.home):
            return mode  # "continued to X", "returned to X": as the trip went so far
        if pos.trip_mode == "air" and _km(origin, destination) < MIN_AIR_CARRY_KM:
            return mode
        if pos.trip_mode in ("rail", "road") and _km(origin, destination) > MAX_LAND_CARRY_KM:
            return mode  # "took the bullet train to Osaka ... return to Jakarta": not by train
        return pos.trip_mode

    for n, reading in enumerate(readings):
        if reading.kind == "visit":
            visits.append(Visit(place=reading.at[0], evidence=reading.evidence, status=reading.status,
                                actors=reading.actor, when=reading.when, event=reading.event))
            if (reading.actor and not (reading.background or reading.pluperfect or reading.past_dated)
                    and reading.status != "possible"
                    and reading.trigger.lemma_.lower() not in SPEECH | {"be", "say"}):
                # "In Warsaw, he met ...": the actor is in Warsaw now
                place = reading.at[0]
                pos = position_of(reading.actor, False)
                here = pos.place
                if place.place_type in SCOPE_TYPES or place.place_type == "country":
                    pass  # "the largest in Southeast Asia", "in Vietnam": no more precise than before
                elif any(leg.evidence == reading.evidence and leg.origin.key == place.key for leg in legs[-4:]):
                    pass  # "flew in from X, where he watched ...": where the journey began, not where he is
                elif reading.evidence is not None and (reading.evidence.start, place.key) in origin_here:
                    pass  # the same, when that journey was told as background ("had arrived ... from X, where")
                elif (pos.last_leg is not None and legs[pos.last_leg].origin.key == place.key
                      and here is not None and legs[pos.last_leg].destination.key == here.key):
                    pass  # "to Baghdad, then Erbil ... will meet X in Baghdad": a recap, not a way back
                elif here is None or (here.key != place.key and not _contains(place, here)
                                    and (_contains(here, place) or _km(here, place) > 50)):
                    pos.place = place
                    pos.last_leg = None
                    moved(reading.actor)
            continue
        if not reading.background and (reading.past_dated or (reading.pluperfect and placed(reading.actor, reading.introduced))):
            reading.background = True  # a flashback does not start from where the story is now
        if reading.scope and not reading.background:
            for destination in reading.destinations:
                move_visits.append((Visit(place=destination, evidence=reading.evidence, status=reading.status,
                                          actors=reading.actor, when=reading.when, event=reading.trigger.text),
                                    reading.actor))
            continue
        if reading.background:
            # told as background: a journey with both ends is drawn, nothing moves the actor
            if reading.origins and reading.destinations:
                for a, b in zip([reading.origins[0]] + reading.destinations, reading.destinations):
                    add_leg(a, b, reading, reading.mode, reading.waypoints)
            elif reading.origins and reading.actor and reading.actor not in positions:
                # "a ship that left X last month is expected in Y": a new mover starts at X
                pos = position_of(reading.actor, True, reading.introduced)
                pos.place = pos.start = reading.origins[0]
                moved(reading.actor)
            else:
                for destination in reading.destinations[:1]:
                    move_visits.append((Visit(place=destination, evidence=reading.evidence,
                                              status=reading.status, actors=reading.actor,
                                              when=reading.when, event=reading.trigger.text), reading.actor))
            continue
        if (dateline is not None and reading.origins and not reading.destinations
                and reading.trigger.lemma_.lower() in ("arrive", "come", "travel", "journey", "land")
                and reading.origins[0].key != dateline.key and not _contains(dateline, reading.origins[0])):
            reading.destinations = [dateline]  # "Urawa arrived from Tokyo" in a story datelined X
        if reading.origins and not reading.destinations and reading.actor not in positions:
            joint = [k for k in updated if k and set(k) & set(reading.actor) and positions[k].pending is not None]
            if joint:  # "Naruhito arrived in X" ... "The couple flew from Y"
                positions[reading.actor] = positions[max(joint, key=updated.__getitem__)]
        if (reading.returning and reading.origins and reading.destinations
                and reading.origins[0].key == reading.destinations[-1].key):
            reading.origins = []  # "will fly from Rome ... and return to Rome": Rome is where it ends
        pos = position_of(reading.actor, bool(reading.origins), reading.introduced)
        mode = reading.mode
        if mode == "unknown" and pos.mode != "unknown":
            mode = pos.mode
        origin = reading.origins[0] if reading.origins else None
        destinations = list(reading.destinations)
        arriving = pos.last_leg
        if arriving is None and pos.place is not None and legs and legs[-1].destination.key == pos.place.key:
            arriving = len(legs) - 1  # "the squad", placed where the cricketers' flight was going
        if (origin is None and len(destinations) == 1 and reading.trigger.lemma_.lower() in STOPS
                and arriving is not None and pos.place is not None
                and legs[arriving].destination.key == pos.place.key
                and legs[arriving].origin.key != destinations[0].key
                and _on_to(readings[n + 1:], reading, pos.place)):
            # "flying out of A bound for B ... will stop in X before continuing to B": A -> X, then X -> B
            legs[arriving] = replace(legs[arriving], destination=destinations[0])
            pos.last_leg = arriving
            pos.place = destinations[0]
            moved(reading.actor)
            continue
        if origin is None and destinations and pos.place is not None:
            candidate = pos.place
            first = destinations[0]
            if _contains(candidate, first):
                candidate = None  # "to Russia" ... "to Vladivostok": a refinement, not a leg
                if pos.last_leg is not None and legs[pos.last_leg].destination.key == pos.place.key:
                    # the leg that took the actor to the country ends, more precisely, here
                    _refine_last_leg(legs, pos, first, mode)
                    if len(destinations) == 1:
                        moved(reading.actor)
                        continue
                    candidate, destinations = first, destinations[1:]
            elif (first.place_type == "airport" and _arrives(reading.trigger) and pos.last_leg is not None
                  and legs[pos.last_leg].destination.key == candidate.key
                  and _km(candidate, first) < SAME_PLACE_KM):
                # "arrived in Hiroshima ... the plane landed at Hiroshima Airport": the same arrival, told precisely
                _refine_last_leg(legs, pos, first, mode)
                if len(destinations) == 1:
                    moved(reading.actor)
                    continue
                candidate, destinations = first, destinations[1:]
            elif (pos.pending is not None and pos.pending.key == candidate.key and _arrives(reading.trigger)
                  and len(destinations) == 1 and not reading.returning and _km(candidate, first) < SAME_PLACE_KM):
                continue  # "arrived in Tokyo ... the plane touched down at Haneda airport": the same arrival
            elif _contains(first, candidate):
                continue  # going "to Russia" while in Vladivostok says nothing new
            origin = candidate
        if (origin is None and destinations and pos.place is None and not updated and dateline is not None
                and reading.status != "possible" and not reading.returning
                and reading.trigger.lemma_.lower() not in ARRIVAL_VERBS  # "SEOUL - Putin arrived in Pyongyang"
                and not any(c.dep_ in ("auxpass", "nsubjpass") for c in reading.trigger.children)
                and all(d.key != dateline.key and not _contains(d, dateline) and not _contains(dateline, d)
                        for d in destinations)):
            origin = dateline  # "NEW DELHI (Reuters) - Modi will travel to ...": the story's first trip
        reading.destinations = destinations
        if origin is None and reading.destinations and reading.returning and pos.start is not None:
            origin = pos.place
        if reading.home and not reading.destinations and origin is not None and pos.start is not None \
                and pos.start.key != origin.key and not _contains(pos.start, origin):
            # "He will fly home from Osaka on Saturday": from there to where the trip began
            add_leg(origin, pos.start, reading, trip_mode(pos, origin, pos.start, mode, reading), reading.waypoints)
            pos.place = pos.start
            moved(reading.actor)
            continue
        if reading.home and not reading.destinations and origin is None:
            if pos.start is not None and pos.place is not None and pos.start.key != pos.place.key:
                add_leg(pos.place, pos.start, reading, mode, reading.waypoints)
                pos.place = pos.start
                moved(reading.actor)
            continue
        if reading.destinations:
            chain = [origin] + reading.destinations if origin is not None else list(reading.destinations)
            if reading.fan_out:
                pairs = [(origin, d) for d in reading.destinations] if origin is not None else []
            else:
                pairs = list(zip(chain, chain[1:]))
            if origin is None:
                for destination in reading.destinations[:1]:
                    move_visits.append((Visit(place=destination, evidence=reading.evidence,
                                              status=reading.status, actors=reading.actor,
                                              when=reading.when, event=reading.trigger.text),
                                        reading.actor))
            last = None
            for a, b in pairs:
                leg_mode = trip_mode(pos, a, b, mode, reading)
                if add_leg(a, b, reading, leg_mode, pos.waypoints + reading.waypoints):
                    last = len(legs) - 1
                    if mode != "unknown":
                        pos.trip_mode = mode
            if pos.start is None:
                pos.start = chain[0]
            earlier = pos.pending if pos.pending_verb else None
            if (earlier is not None and origin is not None and reading.status == "reported" and not reading.returning
                    and _past_tense(reading.trigger) and all(p.key != earlier.key for p in chain)
                    and not any(_contains(p, earlier) or _contains(earlier, p) for p in chain)
                    and add_leg(reading.destinations[-1], earlier, reading, "unknown", [])):
                # "flew into X on Wednesday ... The charter left A and stopped in B": then B -> X
                pos.place, pos.pending, pos.last_leg = earlier, None, len(legs) - 1
                moved(reading.actor)
                continue
            pos.place = reading.destinations[-1]
            pos.pending = pos.place if origin is None else None
            pos.pending_verb = (pos.pending is not None and reading.trigger.pos_ in ("VERB", "AUX")
                                and len(reading.destinations) == 1
                                and (not reading.at or reading.destinations[0] in reading.at)
                                and reading.trigger.lemma_.lower() not in LIGHT
                                and pos.place.place_type in ("city", "airport", "landmark"))
            pos.mode = "unknown"
            pos.waypoints = []
            pos.last_leg = last
            if pos.start is not None and pos.place.key == pos.start.key:
                pos.trip_mode = "unknown"  # back where the trip began
            moved(reading.actor)
        elif origin is not None:
            if (pos.pending is not None and pos.place is not None and pos.pending.key == pos.place.key
                    and not reading.returning and add_leg(origin, pos.place, reading, mode, reading.waypoints)):
                # "arrived in X on Tuesday. He flew in from Y": one journey, Y -> X
                pos.pending = None
                pos.last_leg = len(legs) - 1
                if pos.start is None or pos.start.key == pos.place.key:
                    pos.start = origin
                moved(reading.actor)
                continue
            if (pos.last_leg is not None and pos.place is not None and not reading.returning
                    and legs[pos.last_leg].destination.key == pos.place.key
                    and _km(legs[pos.last_leg].origin, origin) < SAME_PLACE_KM):
                # "will visit X ... will fly from Rome": the same journey told again, and how it goes
                kept = legs[pos.last_leg]
                if kept.mode == "unknown" and mode != "unknown":
                    legs[pos.last_leg] = replace(kept, mode=mode)
                    pos.trip_mode = mode
                continue
            if (pos.last_leg is not None and pos.place is not None and _arrives(reading.trigger)
                    and not reading.returning and legs[pos.last_leg].destination.key == pos.place.key
                    and origin.key != pos.place.key and not _contains(origin, pos.place)):
                # "traveled to X ... arrived by overnight train from Y": where that journey began, and how
                kept = legs[pos.last_leg]
                legs[pos.last_leg] = replace(kept, origin=origin, mode=mode if mode != "unknown" else kept.mode)
                moved(reading.actor)
                continue
            if reading.returning and pos.start is not None and pos.start.key != origin.key:
                add_leg(origin, pos.start, reading, mode, reading.waypoints)
                pos.place = pos.start
                moved(reading.actor)
                continue
            # "left X": the actor is at X now; the arrival told later completes the leg
            if pos.start is None:
                pos.start = origin
            pos.place = origin
            pos.mode = reading.mode if reading.mode_explicit else "unknown"
            pos.waypoints = list(reading.waypoints)
            moved(reading.actor)
        else:
            pos.waypoints.extend(w for w in reading.waypoints if w not in pos.waypoints)
            inside = [w for w in reading.waypoints if pos.place is not None and _contains(pos.place, w)]
            if inside:  # in a country, "crossed the line near X": the actor is at X
                pos.place = inside[0]
                pos.last_leg = None
                moved(reading.actor)
    legs = _default_modes(_dedupe_legs(legs))
    for visit, actor in move_visits:
        covered = [leg for leg in legs if (leg.destination.key == visit.place.key or _contains(visit.place, leg.destination))
                   and leg.actor == (", ".join(actor) or None)]
        if covered:
            for i, leg in enumerate(legs):
                if leg is covered[0] and leg.when is None and visit.when is not None:
                    legs[i] = replace(leg, when=visit.when)
            continue
        visits.append(visit)
    visits = _dedupe_visits(visits)
    legs.sort(key=lambda leg: leg.evidence.start)
    visits.sort(key=lambda v: v.evidence.start)
    return Story(article=article, places=tuple(places), legs=tuple(legs), visits=tuple(visits),
                 unresolved=tuple(unresolved))


def _dedupe_legs(legs: list[Leg]) -> list[Leg]:
    out: list[Leg] = []
    by_ends: dict[tuple[str, str], list[int]] = {}  # (origin, destination) -> indexes in out
    for leg in legs:
        ends = (leg.origin.key, leg.destination.key)
        same = next((i for i in by_ends.get(ends, ())
                     if out[i].actor == leg.actor or out[i].actor is None or leg.actor is None), None)
        if same is None:
            by_ends.setdefault(ends, []).append(len(out))
            out.append(leg)
            continue
        kept = out[same]
        out[same] = replace(
            kept,
            mode=kept.mode if kept.mode != "unknown" else leg.mode,
            status=min(kept.status, leg.status, key=STATUS_RANK.__getitem__),
            when=kept.when or leg.when,
            actor=kept.actor or leg.actor,
            waypoints=kept.waypoints or leg.waypoints,
        )
    return out


def _dedupe_visits(visits: list[Visit]) -> list[Visit]:
    out: list[Visit] = []
    for visit in visits:
        same = next((i for i, kept in enumerate(out)
                     if kept.place.key == visit.place.key and set(kept.actors) == set(visit.actors)
                     and (kept.event == visit.event or kept.when == visit.when or visit.when is None)), None)
        if same is None:
            out.append(visit)
            continue
        kept = out[same]
        out[same] = replace(kept, when=kept.when or visit.when,
                            status=min(kept.status, visit.status, key=STATUS_RANK.__getitem__))
    return out
