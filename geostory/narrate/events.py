"""Events: one typed record per movement (MotionEvent) or stay (VisitEvent), read clause by clause.

    read_events(article, doc, places) -> Reading   the events in told order, the people, the dateline

A clause is read in four steps: its triggers and their places (`reading`), then who moves
(`people`), how sure the article is, how and when (`modality`). What comes out is frozen: the
itinerary only reads it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from geostory.model import Article, Mention, Mode, Place, Span, Status, TimeSpan
from geostory.narrate.contests import away_contests
from geostory.narrate.lexicon import (
    AFFECTED,
    ARRIVAL_VERBS,
    CARRIERS,
    CONTINUE,
    DIVERT,
    FRAME_TRIPS,
    GENERIC_MOVERS,
    GROUP_NOUNS,
    HELD_VERBS,
    HOME_NOUNS,
    LIGHT_CLASSES,
    NEUTER_PRONOUNS,
    PERSON_NOUNS,
    SCOPE_TYPES,
    SING_PRONOUNS,
    TITLES,
    VEHICLES,
)
from geostory.narrate.modality import _mode, _mode_word, _names_place, _status, _when
from geostory.narrate.people import (
    Memory,
    _actor,
    _Index,
    _noun_actor_token,
    _parallel_of,
    _subject_of,
    _vehicle_object,
    speaker_of,
)
from geostory.narrate.places import _contains
from geostory.narrate.pursuits import Pursuits
from geostory.narrate.reading import (
    _after_visit,
    _carried,
    _clause,
    _dateline_place,
    _definite_or_ordinal,
    _due_in,
    _elided_goals,
    _ends_up,
    _fold_origins,
    _fold_purpose_trips,
    _fold_stops,
    _governor_subject,
    _headline_town,
    _is_background,
    _is_incident,
    _is_trigger,
    _is_visit_trigger,
    _joins_a_group,
    _located_people,
    _past_tense,
    _pluperfect,
    _read_incident,
    _read_move,
    _read_visit,
    _Reading,
    _remember_event_place,
    _sentence_span,
    _under_way,
    _verbal,
    mend_verb_lemmas,
    remember_sites,
)

__all__ = ["MotionEvent", "VisitEvent", "Trigger", "Reading", "read_events"]

# A reported journey dated before what the story has reached is a flashback ("last week", "in
# 2018"); a single day needs this gap, since "On Tuesday" in a story dated Monday may be either week.
FLASHBACK_GAP = dt.timedelta(days=6)
# A journey dated this long before the article, told before anything dated, is background.
PAST_BACKGROUND = dt.timedelta(days=30)


@dataclass(frozen=True)
class Trigger:
    """The word that tells the event, and what the itinerary needs to know of its grammar."""

    i: int  # token index in the doc
    text: str
    lemma: str
    verbal: bool  # a verb ("flew"), not a noun ("the flight")
    passive: bool  # "were taken to X"
    continues: bool  # "continued to X", "flew on to X"
    arrives: bool  # "arrived", "flew in from X"
    past: bool  # told in the past tense
    under_way: bool = False  # "was heading to X", "bound for X": on its way, not arrived
    diverts: bool = False  # "rerouted to X", "was diverted to X": the journey under way goes elsewhere
    parallel: bool = False  # "a trip to A and a trip to B": each sets out from the same place
    joins: bool = False  # "joined the convoy": goes where the group on the move goes
    done: bool = False  # told as done now: a verb, or a trip noun a light verb does ("made a visit to X")


@dataclass(frozen=True)
class MotionEvent:
    """One movement told by one clause: who goes from where to where, along what, how, when, how sure."""

    trigger: Trigger
    mover: tuple[str, ...]
    source: tuple[Place, ...]
    goal: tuple[Place, ...]
    path: tuple[Place, ...]
    vehicle: Mode
    when: TimeSpan | None
    modality: Status
    evidence: Span
    at: tuple[Place, ...] = ()  # where it arrives or stops ("in/at X")
    vehicle_told: bool = False  # the mode is in the text, not carried over
    returning: bool = False  # "returned", "flew back"
    home: bool = False  # "returned home": back to where the mover's trip began
    background: bool = False  # told as background ("after he had traveled to X"): not chained
    pluperfect: bool = False  # "had traveled to X"
    past_dated: bool = False  # dated before what the story has reached: a flashback
    scope: bool = False  # "a trip to Asia": what the trip covers, not a stop
    fan_out: bool = False  # "to hospitals in A and B": one journey to each
    route: bool = False  # "flights between A and B": a route, which moves nobody and is not chained
    left_unplaced: bool = False  # set out from a place not on the map ("married at X before heading to Y")
    introduced: bool = False  # the mover is new here ("a delegation of 20 officials")
    affected: bool = False  # people an incident happens to: "the injured", "passengers"
    generic: bool = False  # anyone of a kind, nobody the story follows: "people", "residents", "you"
    named_home: Place | None = None  # "the Ukraine trade mission": where the group comes from, if untold


@dataclass(frozen=True)
class VisitEvent:
    """Something that happens at a place, and who is there."""

    trigger: Trigger
    actors: tuple[str, ...]
    place: Place
    event: str | None
    when: TimeSpan | None
    modality: Status
    evidence: Span
    pluperfect: bool = False
    past_dated: bool = False
    home: bool = False  # "their home was in X": where the actors live
    incident: bool = False  # "a bus crashed near X": where something happened, the scene of what follows
    next_stop: bool = False  # "will arrive at X, then take part in a meeting in Y": a journey on to Y


Event = MotionEvent | VisitEvent


@dataclass(frozen=True)
class Reading:
    """What the article tells, in told order, with the people it names and its dateline place."""

    events: tuple[Event, ...]
    people: frozenset[str]
    dateline: Place | None
    # person -> where the article names them as coming from, at any mention ("Austria's Deputy
    # Trade Minister, X, said ..." ... "X flew to Y"); only people named with one such place
    homes: Mapping[str, Place] = field(default_factory=dict)
    # where the story is: the dateline, else the one town its headline names
    setting: Place | None = None


def _continues(trigger: Token) -> bool:
    """The article says the journey goes on as it went: "continued to X", "flew on to X"."""
    return trigger.lemma_.lower() in CONTINUE or any(
        c.lower_ in ("on", "onward", "onwards") and c.dep_ in ("prt", "advmod") for c in trigger.children
    )


def _arrives(trigger: Token) -> bool:
    """An arrival: "arrived (from X)", "flew in from X", "came in from X"."""
    return trigger.lemma_.lower() in ARRIVAL_VERBS or any(
        c.lower_ == "in" and (c.dep_ == "prt" or (c.dep_ in ("advmod", "prep") and not list(c.children)))
        for c in trigger.children
    )  # the particle is tagged as an adverb, or a preposition with no object, often enough


def _done_by_light_verb(noun: Token) -> bool:
    """'made an official visit to X', 'began a tour of X', 'is on a visit to X': the trip noun is
    what the light verb does, so the journey is told as happening, as a verb would tell it (not
    when the trip ends: "wrapped up his visit to X" says where the mover was)."""
    head = noun.head
    if noun.dep_ == "pobj" and head.lower_ == "on" and head.head.lemma_ == "be":
        return True  # "who is on a visit to X"
    return (
        noun.dep_ == "dobj"
        and head.pos_ in ("VERB", "AUX")
        and LIGHT_CLASSES.get(head.lemma_.lower()) in ("light-verb", "light-start")
    )


def _trigger(token: Token) -> Trigger:
    return Trigger(
        i=token.i,
        text=token.text,
        lemma=token.lemma_.lower(),
        verbal=token.pos_ in ("VERB", "AUX"),
        done=token.pos_ in ("VERB", "AUX") or _done_by_light_verb(token),
        passive=any(c.dep_ in ("auxpass", "nsubjpass") for c in token.children),
        continues=_continues(token),
        arrives=_arrives(token),
        past=_past_tense(token),
        under_way=_under_way(token),
        diverts=token.lemma_.lower() in DIVERT or _ends_up(token),
        parallel=_parallel_of(token) is not None,
        joins=_joins_a_group(token),
    )


def _frozen(reading: _Reading, evidence: Span) -> Event:
    trigger = _trigger(reading.trigger)
    if reading.kind == "visit":
        return VisitEvent(
            trigger=trigger,
            actors=reading.actor,
            place=reading.at[0],
            event=reading.event,
            when=reading.when,
            modality=reading.status,
            evidence=evidence,
            pluperfect=reading.pluperfect,
            past_dated=reading.past_dated,
            home=reading.home,
            incident=reading.incident,
        )
    return MotionEvent(
        trigger=trigger,
        mover=reading.actor,
        source=tuple(reading.origins),
        goal=tuple(reading.destinations),
        path=tuple(reading.waypoints),
        vehicle=reading.mode,
        when=reading.when,
        modality=reading.status,
        evidence=evidence,
        at=tuple(reading.at),
        vehicle_told=reading.mode_explicit,
        returning=reading.returning,
        home=reading.home,
        background=reading.background,
        pluperfect=reading.pluperfect,
        past_dated=reading.past_dated,
        scope=reading.scope,
        fan_out=reading.fan_out,
        route=reading.route,
        left_unplaced=reading.left_unplaced,
        introduced=reading.introduced,
        affected=reading.affected,
        generic=reading.generic,
        named_home=reading.named_home,
    )


# ---------------------------------------------------------------------------------------------
# One sentence: triggers and their places


def _triggers(sent: SpacySpan) -> tuple[list[Token], list[Token]]:
    tokens = list(sent)  # one Token per word, made once for both passes
    movers = [t for t in tokens if _is_trigger(t)]
    mover_ids = {m.i for m in movers}
    visitors = [t for t in tokens if _is_visit_trigger(t) and t.i not in mover_ids]
    # "held talks at X": the verb reads the place, not its object noun as well
    visitors = [
        t for t in visitors if not (t.pos_ in ("NOUN", "PROPN") and t.dep_ == "dobj" and t.head in visitors)
    ]
    return movers, visitors


def _sentence_readings(
    sent: SpacySpan, index: _Index, setting: Place | None = None, pursuits: Pursuits | None = None
) -> tuple[list[_Reading], set[int]]:
    """The movements and visits one sentence tells, in token order, and its trigger tokens."""
    movers, visitors = _triggers(sent)
    stop = {t.i for t in movers} | {t.i for t in visitors}
    legs_here = [r for r in (_read_move(t, index, stop - {t.i}) for t in movers) if r is not None]
    legs_here = _fold_origins(_fold_purpose_trips(_fold_stops(legs_here))) + _elided_goals(legs_here, index)
    contests = away_contests(sent, index, setting, {t.i for t in movers}, legs_here)
    legs_here += contests
    chases = pursuits.read(sent, legs_here) if pursuits is not None else []
    chased = {r.trigger.i for r in chases}  # "fled police in A": the pursuit, not a departure
    legs_here = [r for r in legs_here if r.trigger.i not in chased] + chases
    visitors = [t for t in visitors if t.i not in {r.trigger.i for r in contests} | chased]
    visits_here: list[_Reading] = []
    for trigger in visitors:
        reading = _read_visit(trigger, index, stop - {trigger.i}, legs_here)
        if reading is not None and reading.at and _due_in(trigger):
            # "X is due in Kigali on Thursday": an arrival there, not a stay
            legs_here.append(
                _Reading(
                    trigger=trigger,
                    kind="move",
                    actor=(),
                    destinations=list(reading.at[:1]),
                    at=list(reading.at[:1]),
                )
            )
        elif reading is not None:
            visits_here.append(reading)
    visits_here.extend(_located_people(sent, index, stop))
    legs_here.extend(_visitors(sent, visits_here, {r.trigger.i for r in legs_here + visits_here}))
    taken = stop | {r.trigger.i for r in legs_here + visits_here}
    for token in sent:
        if token.i not in taken and _is_incident(token):
            incident = _read_incident(token, index)
            if incident is not None:
                visits_here.append(incident)
    for reading in legs_here:
        if not reading.origins and reading.destinations and reading.trigger.pos_ in ("VERB", "AUX"):
            before = _after_visit(reading.trigger, visits_here + legs_here)
            if before is not None and all(
                before.key != d.key and not _contains(d, before) and not _contains(before, d)
                for d in reading.destinations
            ):
                reading.origins = [before]  # "arrived back in X after talks in Y"
    moves = [r for r in legs_here if r.kind == "move"]
    readings = sorted(
        legs_here + visits_here, key=lambda r: (not (len(moves) > 1 and _frames_the_clause(r)), r.trigger.i)
    )
    return readings, stop | {r.trigger.i for r in readings}


def _visitors(sent: SpacySpan, visits: list[_Reading], read: set[int]) -> list[_Reading]:
    """'The visiting delegation met the mayor in Rome': the visitor has come to where the
    sentence's visit is (from where it was, or where it is named as coming from)."""
    at = next((r.at[0] for r in visits if r.at and not r.incident), None)
    if at is None:
        return []
    return [
        _Reading(trigger=token, kind="move", actor=(), destinations=[at], at=[at])
        for token in sent
        if token.lower_ == "visiting"
        and token.dep_ in ("amod", "compound")
        and token.head.pos_ in ("NOUN", "PROPN")
        and token.i not in read
    ]


def _frames_the_clause(reading: _Reading) -> bool:
    """'flew to X while on a trip to Y', 'During her visit to Y, she flew to X': the trip is where
    the mover is when the clause's journey starts, so it is told first (a flight or a voyage under
    way is not: "during the flight to Y" has not reached Y)."""
    trigger = reading.trigger
    return (
        reading.kind == "move"
        and bool(reading.destinations)
        and trigger.lemma_.lower() in FRAME_TRIPS
        and trigger.dep_ == "pobj"
        and trigger.head.lower_ in ("on", "during")
    )


# ---------------------------------------------------------------------------------------------
# Who moves


@dataclass
class _Told:
    """What the reader remembers across sentences."""

    memory: Memory = field(default_factory=Memory)
    last_mover: tuple[str, ...] = ()
    clock: dt.date | None = None  # the latest day the story has reached, in told order
    homes: dict[str, set[str]] = field(default_factory=dict)  # person -> keys of the homes named
    home_places: dict[str, Place] = field(default_factory=dict)  # place key -> place

    def remember_home(self, person: str, home: Place) -> None:
        self.homes.setdefault(person, set()).add(home.key)
        self.home_places[home.key] = home

    def one_home_each(self) -> dict[str, Place]:
        """Each person named with exactly one home (two different ones say nothing sure)."""
        return {p: self.home_places[next(iter(k))] for p, k in self.homes.items() if len(k) == 1}


def _actor_token(reading: _Reading) -> Token | None:
    trigger = reading.trigger
    if reading.located:
        return trigger  # "her cousin X in Russia": X
    if trigger.lower_ == "visiting" and trigger.dep_ in ("amod", "compound"):
        return trigger.head  # "visiting Minister X": X
    if reading.incident and trigger.pos_ == "NOUN":
        return None  # "passengers who died in a crash in X": the scene, nobody's stay
    if reading.kind == "visit" and trigger.lemma_.lower() in HELD_VERBS:
        held = next((c for c in trigger.children if c.dep_ in ("dobj", "nsubjpass")), None)
        if held is not None:
            return held  # "police arrested X in Y", "X was arrested in Y": X is in Y
    if trigger.pos_ in ("NOUN", "PROPN") and not _verbal(trigger):
        token = _noun_actor_token(trigger)
        if token is None and reading.kind == "visit":
            token = _governor_subject(trigger)  # "visited X before a rally in Y"
        return token
    if (
        reading.kind == "move"
        and trigger.dep_ == "acl"
        and trigger.tag_ in ("VBG", "VBN")
        and trigger.head.pos_ in ("NOUN", "PROPN")
    ):
        return trigger.head  # "a plane heading from A to B", "migrants rescued off A": the noun
    return _vehicle_object(trigger) or _subject_of(trigger)


def _named_home(reading: _Reading, token: Token | None, index: _Index) -> None:
    """Where a mover is said to come from by how it is named: the country a group is named by
    ("the Ukraine trade mission") or the town a person is 'of' ("Mary Brown of Akron", "the Jones
    family, of Peoria,"). It is the origin when the article places the mover nowhere else and the
    journey leaves that place."""
    if token is None or (reading.origins and not reading.home) or not (reading.destinations or reading.home):
        return
    if len(reading.actor) > 1:
        return  # "Chinese President X and Indian Prime Minister Y arrived": no one home for both
    # a person 'of <town>' who "was taken to hospital" was where it happened, not at home
    home = _named_country(token, index) or (None if _carried(token) else _home_town(token, index))
    if home is not None and all(
        d.key != home.key and not _contains(home, d) and not _contains(d, home) for d in reading.destinations
    ):
        reading.named_home = home


def _named_country(token: Token, index: _Index) -> Place | None:
    """The country a group or a titled person is named by: "the Ukraine trade mission", "Turkish
    forces", "Canadian Foreign Minister X", "X, a Canadian diplomat," (a country or its people among
    the modifiers of the name or of its apposition)."""
    if token.dep_ == "appos" and token.head.i in index.people.ent_of:
        token = token.head  # "X, a Canadian diplomat who flew to Y,": X
    group = token.lemma_.lower() in GROUP_NOUNS or token.lower_ in GROUP_NOUNS
    if not (group or token.i in index.people.ent_of or token.lower_ in TITLES):
        return None
    heads = [token] + [c for c in token.children if c.dep_ == "appos" and c.pos_ == "NOUN"]
    if token.lower_ in TITLES:  # "the Chancellor of Austria", "the Prime Minister of Peru"
        for prep in (c for c in token.children if c.dep_ == "prep" and c.lower_ == "of"):
            home = next((index.place(g) for g in prep.children if g.dep_ == "pobj" and index.place(g)), None)
            if home is not None and home.place_type == "country":
                return home
    stack = [c for h in heads for c in h.children if c.dep_ in ("compound", "nmod", "amod") and c.i < h.i]
    while stack:  # the modifiers before the head or its apposition ("X, a Canadian diplomat,"), and theirs
        child = stack.pop()
        home = index.place(child) or index.nation_of.get(child.i)
        if home is not None and home.place_type == "country":
            return home
        stack.extend(c for c in child.children if c.dep_ in ("compound", "nmod", "amod") and c.i < child.i)
    return None


def _home_town(token: Token, index: _Index) -> Place | None:
    """Where a mover is named as coming from: 'X, of <town>,' (set off by commas), a named person
    'of <town>', a '<town>-based' or 'based in <town>' mover, a person whose role names its town
    ("X, pastor of a church in <town>,", "<town> pastor X", "a <town> woman")."""
    named = token.pos_ == "PROPN" and token.ent_type_ == "PERSON"
    for prep in token.children:
        if prep.dep_ != "prep" or prep.lower_ != "of" or not (named or token.doc[prep.i - 1].lower_ == ","):
            continue
        home = _town_of(prep, index)
        if home is not None:
            return home
    home = _based_in(token, index)
    if home is None and (named or token.lemma_.lower() in PERSON_NOUNS | GROUP_NOUNS):
        home = _role_town(token, index)  # "<town> pastor X", "a <town> woman", "the <town> family"
    return home


def _town(token: Token, index: _Index) -> Place | None:
    home = index.place(token)
    return home if home is not None and home.place_type not in ("country",) + tuple(SCOPE_TYPES) else None


def _town_of(prep: Token, index: _Index) -> Place | None:
    """The town a preposition names: 'of <town>', or 'of <an organisation> in <town>'."""
    for pobj in prep.children:
        if pobj.dep_ != "pobj":
            continue
        home = _town(pobj, index)
        if home is None and pobj.pos_ == "PROPN":  # "pastor of Wedgewood Baptist Church in Fort Worth"
            inner = next((c for c in pobj.children if c.dep_ == "prep" and c.lower_ == "in"), None)
            home = _town_of(inner, index) if inner is not None else None
        if home is not None:
            return home
    return None


def _based_in(token: Token, index: _Index) -> Place | None:
    """'the Calgary-based company', 'a firm based in Calgary', 'the Calgary-based company X'."""
    heads = [token] + [c for c in token.children if c.dep_ == "compound" and c.i < token.i]
    for child in (c for head in heads for c in head.children):
        if child.lemma_.lower() != "base" or child.dep_ not in ("amod", "acl"):
            continue
        for mod in child.children:
            home = _town(mod, index) if mod.dep_ in ("npadvmod", "compound", "nmod") else None
            if home is None and mod.dep_ == "prep" and mod.lower_ == "in":
                home = _town_of(mod, index)
            if home is not None:
                return home
    return None


def _role_town(person: Token, index: _Index) -> Place | None:
    """A person's role that names its town: an apposition ("X, pastor of a church in <town>,",
    "X, mayor of <town>,") or the words before the name or noun ("<town> pastor X", "a <town>
    woman", "the <town> family")."""
    for appos in person.children:
        if appos.dep_ == "appos" and appos.pos_ == "NOUN":
            for prep in appos.children:
                if prep.dep_ == "prep" and prep.lower_ in ("of", "in"):
                    home = _town_of(prep, index)
                    if home is not None:
                        return home
    stack = [c for c in person.children if c.dep_ in ("compound", "nmod") and c.i < person.i]
    while stack:
        child = stack.pop()
        if child.ent_type_ != "PERSON":
            home = _town(child, index)
            if home is not None:
                return home
        stack.extend(c for c in child.children if c.dep_ in ("compound", "nmod") and c.i < child.i)
    return None


# Words a title run before a name may hold besides its nouns: "the former Austria Deputy Trade
# Minister, X", "Peru's Foreign Minister X"
_TITLE_RUN_WORDS = frozenset({"of", "the", "'s", "’s", "current", "former", "then", "acting", "deputy"})
# A preposition in a title that names where the holder serves, not where they come from:
# "the Austria envoy to Peru, X", "the head of the Austria mission in Rome, X"
_TITLE_HOST_PREPS = frozenset({"to", "in", "at", "for"})


def _title_run_country(ent: SpacySpan, index: _Index) -> Place | None:
    """The country a title right before a name names: "Austria Deputy Trade Minister, X",
    "Austrian Defence Minister X", "the Austria envoy to Peru, X" (Austria: what follows 'to' is
    the host). None for two different countries."""
    doc, start = ent.doc, ent.sent.start
    i = ent.start - 1
    if i >= start and doc[i].text == ",":
        i -= 1  # "Trade Minister, X"
    found: set[str] = set()
    homes: dict[str, Place] = {}
    while i >= start and ent.start - i <= 12:
        t = doc[i]
        if t.lower_ in _TITLE_HOST_PREPS:
            found.clear()
        elif not (t.pos_ in ("PROPN", "NOUN") or t.lower_ in _TITLE_RUN_WORDS or i in index.nation_of):
            break
        home = index.place(t) or index.nation_of.get(i)
        if home is not None and home.place_type == "country":
            found.add(home.key)
            homes[home.key] = home
        i -= 1
    return homes[next(iter(found))] if len(found) == 1 else None


def _homes_of_named_people(doc: Doc, index: _Index, told: _Told) -> None:
    """Where each named person is said to come from, at any mention: a title before the name,
    the country or town of the name's modifiers, 'X, of <town>,'."""
    for ent in doc.ents:
        person = index.people.ent_of.get(ent.start)
        if ent.label_ != "PERSON" or person is None:
            continue
        root = ent.root
        home = _title_run_country(ent, index) or _named_country(root, index) or _home_town(root, index)
        if home is not None:
            told.remember_home(person, home)


def _remember_home(reading: _Reading, token: Token | None, index: _Index, told: _Told) -> None:
    """A person a title noun names, with its country ("The Chancellor of Austria then flew to X")."""
    if token is None or len(reading.actor) != 1 or reading.actor[0] not in index.people.titles:
        return
    if token.i in index.people.ent_of:
        return  # read with the entities
    home = _named_country(token, index)
    if home is not None:
        told.remember_home(reading.actor[0], home)


def _introduced(token: Token | None) -> bool:
    return token is not None and any(
        (c.dep_ == "det" and c.lower_ in ("a", "an", "some", "another"))
        or c.dep_ == "nummod"
        or (c.dep_ in ("amod", "det") and c.lower_ in ("several", "other", "many", "various", "few"))
        for c in token.children
    )


def _affected(token: Token | None) -> bool:
    """People an incident happens to: "the injured", "wounded passengers", "hundreds of families"."""
    if token is None:
        return False
    if token.lemma_.lower() in AFFECTED or token.lower_ in AFFECTED:
        return True
    for child in token.children:
        if child.dep_ == "amod" and child.lower_ in AFFECTED:
            return True
        if child.dep_ == "prep" and child.lower_ == "of":
            if any(
                g.dep_ == "pobj" and (g.lemma_.lower() in AFFECTED or g.lower_ in AFFECTED)
                for g in child.children
            ):
                return True
    return False


def _plural_reference(token: Token | None, kind: str) -> bool:
    """A subject that points back at the movers told last: "they", "about 300 of them" (for a
    movement), "their home" (for a stay: where they live)."""
    if token is None:
        return False
    if kind == "visit":
        owner = next((c for c in token.children if c.dep_ == "poss"), None)
        return token.lemma_.lower() in HOME_NOUNS and owner is not None and owner.lower_ == "their"
    return token.pos_ == "NUM" or token.lower_ in ("them", "they", "their", "those", "some", "many")


def _who(reading: _Reading, token: Token | None, index: _Index, told: _Told, people: set[str]) -> None:
    """The mover or actors of the reading, from its subject and what was told before."""
    trigger, memory = reading.trigger, told.memory
    reading.actor = _actor(token, index, memory)
    mover = memory.mover
    if (
        reading.kind == "move"
        and token is not None
        and token.lower_ in SING_PRONOUNS
        and mover
        and reading.actor
        and mover not in reading.actor
        and mover in index.people.before(trigger.i)
        and speaker_of(token, index) is None
    ):
        reading.actor = (mover,)  # "He will then travel to X": the one who has been travelling
    reading.introduced = _introduced(token)
    reading.affected = _affected(token)
    reading.generic = token is not None and token.lower_ in GENERIC_MOVERS
    if (
        not reading.actor
        and reading.kind == "move"
        and token is not None
        and token.lower_ in NEUTER_PRONOUNS
        and told.last_mover
        and not any(name in people for name in told.last_mover)
    ):
        reading.actor = told.last_mover  # "The delegation arrived in X. It will travel to Y"
    if not reading.actor and told.last_mover and _plural_reference(token, reading.kind):
        reading.actor = told.last_mover  # "about 300 of them would be transferred to X"
    if (
        not reading.actor
        and reading.kind == "move"
        and trigger.pos_ in ("NOUN", "PROPN")
        and told.last_mover
        and _definite_or_ordinal(trigger)
    ):
        reading.actor = told.last_mover  # "The final stop is X": the trip told so far
    if reading.kind == "move":
        reading.background = _is_background(trigger)
    reading.pluperfect = _pluperfect(trigger)  # "He had held talks in X": not where he is now
    if reading.kind == "move" and reading.actor:
        told.last_mover = reading.actor
        if reading.actor[0] in people:
            memory.mover = reading.actor[0]
    if len(reading.actor) >= 2 and all(n in people for n in reading.actor):
        memory.pair = reading.actor
    _remember_heads(reading, token, memory, people)


def _remember_heads(reading: _Reading, token: Token | None, memory: Memory, people: set[str]) -> None:
    if token is None or len(reading.actor) != 1 or reading.actor[0] in people:
        return
    head = token.lemma_.lower()
    if head in GROUP_NOUNS and reading.kind == "move" and any(c.dep_ == "poss" for c in token.children):
        memory.heads.setdefault(head, reading.actor[0])  # "X's squad" ... "the squad"
    if any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in token.children):
        memory.heads[head] = reading.actor[0]  # "a soldier" ... "the soldier"
        if head not in VEHICLES | CARRIERS:
            memory.someone = reading.actor[0]


def _remember_actors(reading: _Reading, token: Token | None, index: _Index, memory: Memory) -> None:
    for name in reading.actor:
        if name in index.people.titles or name in index.people.canonical.values():
            memory.person = name
        elif token is not None and (token.lemma_.lower() in GROUP_NOUNS or token.lower_ in GROUP_NOUNS):
            memory.group = name
        else:
            memory.thing = name


# ---------------------------------------------------------------------------------------------
# How and when


def _how(reading: _Reading, token: Token | None, clause: list[Token], article: Article) -> None:
    if reading.mode_explicit:
        return  # told by the step that read the journey ("a car chase")
    reading.mode, reading.mode_explicit = _mode(
        reading.trigger, sorted(set(clause) | set(reading.extra), key=lambda t: t.i), article.text
    )
    if (
        reading.mode == "unknown"
        and token is not None
        and not _names_place(token)
        and token.lemma_.lower() in VEHICLES
    ):
        reading.mode = _mode_word(token) or "unknown"  # "the bus then headed to X"
        reading.mode_explicit = reading.mode != "unknown"


def _date(
    reading: _Reading, clause: list[Token], dates: list[SpacySpan], article: Article, told: _Told
) -> None:
    trigger = reading.trigger
    reading.when = _when(
        trigger,
        clause,
        dates,
        article.date,
        future=reading.status != "reported",
        whole_subtree=reading.kind == "visit",
    )
    if (
        reading.status == "reported"
        and reading.when is not None
        and article.date is not None
        and reading.when.start > article.date
    ):
        reading.status = "planned"
    if reading.when is None or reading.status != "reported":
        return
    gap = FLASHBACK_GAP if reading.when.start == reading.when.end else dt.timedelta(days=1)
    if told.clock is not None and reading.when.end < told.clock - gap and _past_tense(trigger):
        reading.past_dated = True  # "Last month, she traveled to X" told after this week's trip
    elif (
        told.clock is None
        and article.date is not None
        and _past_tense(trigger)
        and reading.when.end < article.date - PAST_BACKGROUND
    ):
        reading.past_dated = True  # "X last visited Y in March 2023" in a story about a coming trip
    elif not reading.background and not reading.pluperfect:
        told.clock = max(told.clock or reading.when.start, reading.when.start)


def _own_clause(reading: _Reading, stop: set[int]) -> list[Token]:
    trigger = reading.trigger
    clause = _clause(trigger, stop - {trigger.i})
    if trigger.pos_ in ("NOUN", "PROPN") and trigger.head.pos_ in ("VERB", "AUX") and trigger.dep_ == "dobj":
        clause = sorted(set(clause) | {trigger.head}, key=lambda t: t.i)
    return clause


def read_events(
    article: Article,
    doc: Doc,
    places: Sequence[Place],
    unresolved: Sequence[Mention] = (),
    nations: Sequence[Place] = (),
) -> Reading:
    """Every movement and visit the article tells, as frozen events in told order; `unresolved`
    are the names the resolver could not place (a mover told to be at one is not where it was)."""
    mend_verb_lemmas(doc)
    index = _Index(article, doc, places, unresolved, nations)
    dates_by_sent: dict[int, list[SpacySpan]] = {}  # sentence start -> its DATE entities
    for ent in doc.ents:
        if ent.label_ == "DATE":
            dates_by_sent.setdefault(ent.sent.start, []).append(ent)
    people = set(index.people.canonical.values()) | set(index.people.titles)
    dateline = _dateline_place(article.text, places, article.title)
    setting = dateline or _headline_town(article.text, places, article.title)
    told = _Told()
    _homes_of_named_people(doc, index, told)
    events: list[Event] = []
    pursuits = Pursuits(index)
    for sent in doc.sents:
        readings, stop = _sentence_readings(sent, index, setting, pursuits)
        remember_sites(sent, index)
        for reading in readings:
            if reading.kind == "visit":
                _remember_event_place(reading, index)
        for reading in readings:
            status = _status(reading.trigger)
            if status is None:
                continue  # negated or cancelled: nothing happens
            token = _actor_token(reading)
            _who(reading, token, index, told, people)
            if reading.group:
                reading.actor = reading.group  # the group its organisation names, not the verb's subject word
                told.last_mover = reading.group
            clause = _own_clause(reading, stop)
            reading.status = "planned" if reading.qualifies and status == "reported" else status
            if reading.kind == "move":
                _how(reading, token, clause, article)
                _named_home(reading, token, index)
            _date(reading, clause, dates_by_sent.get(sent.start, []), article, told)
            events.append(_frozen(reading, _sentence_span(article, reading.trigger)))
            _remember_actors(reading, token, index, told.memory)
            _remember_home(reading, token, index, told)
    return Reading(
        events=_next_stops(events, doc),
        people=frozenset(people),
        dateline=dateline,
        homes=told.one_home_each(),
        setting=setting,
    )


_UNSURE = {"reported": 0, "planned": 1, "possible": 2}


def _then_between(doc: Doc, first: int, last: int) -> bool:
    """'then' between two triggers of one sentence: "will arrive at X, then take part in Y"."""
    return doc[first].sent.start == doc[last].sent.start and any(
        t.lower_ == "then" and t.dep_ == "advmod" for t in doc[first + 1 : last]
    )


def _next_stops(events: list[Event], doc: Doc) -> tuple[Event, ...]:
    """A stay told with 'then' right after a movement in the same sentence ("is scheduled to arrive
    at X, then take part in a meeting in Y") is the mover's next stop: it goes with that mover and
    that plan."""
    out: list[Event] = []
    for ev in events:
        previous = out[-1] if out else None
        if (
            isinstance(ev, VisitEvent)
            and isinstance(previous, MotionEvent)
            and _then_between(doc, previous.trigger.i, ev.trigger.i)
            and previous.goal
            and (not ev.actors or ev.actors == previous.mover)
        ):
            modality = max(ev.modality, previous.modality, key=_UNSURE.__getitem__)
            ev = replace(ev, next_stop=True, actors=ev.actors or previous.mover, modality=modality)
        out.append(ev)
    return tuple(out)
