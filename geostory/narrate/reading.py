"""One clause read: which tokens trigger a movement or a visit, and the places in their roles.

read_move(trigger, index, stop) -> _Reading | None     from/to/via/in-at, objects, compounds
read_visit(trigger, index, stop, legs) -> _Reading | None
fold_stops / fold_origins                              several clauses telling one journey
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from geostory.geo import SAME_PLACE_KM, distance_km
from geostory.model import Article, Mode, Place, Span, Status, TimeSpan
from geostory.narrate.lexicon import (
    ARRIVAL_VERBS,
    ARRIVE,
    ARRIVE_PARTICLE,
    BOARD_AT,
    CARE_COMPLEMENT,
    CARE_PLACES,
    CARE_VERBS,
    COMPASS,
    CONTACT_VERBS,
    CONTRAST,
    DEST_OBJ,
    DIRECTED_VERBS,
    DIVERT,
    FOR_DEST,
    FRAME_TRIPS,
    GENERIC_PLACE_NOUNS,
    HABITUAL,
    HELD_VERBS,
    HOME_NOUNS,
    INCIDENTS,
    JOIN_VERBS,
    LIGHT,
    LOCAL_FORCES,
    MEASURE_NOUNS,
    MOVE_NOUNS,
    MOVE_PREPS,
    MOVE_VERBS,
    OF_DEST,
    ORIGIN_OBJ,
    PATH_BLOCK,
    RETURN,
    ROUTE_NOUNS,
    ROUTE_VERBS,
    SCOPE_TYPES,
    SENDING_VERBS,
    SERVICE_NOUNS,
    SITE_NOUNS,
    STOPS,
    TRAVEL_GROUPS,
    TRIP_BOUNDS,
    TRIP_NOUNS,
    TRIP_VERBS,
    VEHICLES,
    VISIT_NOUNS,
    VISIT_PHRASES,
    VISIT_PREPS,
    VISIT_VERBS,
    WAYPOINT_OBJ,
    WITHDRAW,
    WITHDRAW_PARTICLE,
)
from geostory.narrate.people import _Index, _subject_of, _vehicle_object
from geostory.narrate.places import _apart, _contains, _unique


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
    event: str | None = None
    returning: bool = False
    home: bool = False  # "return home": back to where the trip began; of a stay: "their home was in X"
    background: bool = False  # told as background ("after he had traveled to X"): not chained
    introduced: bool = False  # the actor is new here ("a delegation of 20 officials"), not "the group"
    affected: bool = False  # the movers are people an incident happens to ("the injured")
    generic: bool = False  # the movers are anyone of a kind ("people", "residents", "you")
    pluperfect: bool = False  # "had traveled to X": background once the actor is placed
    past_dated: bool = False  # dated before what the story has told so far ("last month"): a flashback
    scope: bool = False  # "a trip to Asia", "a tour of A, B and C": what the trip covers, not a stop
    fan_out: bool = False  # "flew the injured to hospitals in A and B": one journey to each
    route: bool = False  # "flights between A and B": a route, not one mover's trip
    left_unplaced: bool = False  # set out from a stay at a place not on the map: the origin is unknown
    located: bool = False  # "her cousin X in Russia": where a person is (the trigger is the person)
    incident: bool = False  # "a bus crashed near X": where something happened, the scene
    named_home: Place | None = None  # "the Ukraine trade mission": the country the group is named by
    group: tuple[str, ...] = ()  # a town's group told at a contest away ("the X band placed first at Y")
    qualifies: bool = False  # that group earned its place at the contest ("advanced to"): still to go


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
    return (
        token.pos_ == "NOUN"
        and token.lemma_.lower() in MOVE_VERBS
        and token.i > 0
        and token.doc[token.i - 1].lower_ == "to"
        and token.dep_ in ("pobj", "pcomp")
        and token.lemma_.lower() not in MOVE_NOUNS
    )


def _ends_up(token: Token) -> bool:
    """'ended up in X', 'wound up in X': where a journey ended, told by a verb and its particle."""
    particle = ARRIVE_PARTICLE.get(token.lemma_.lower())
    return (
        token.pos_ == "VERB"
        and particle is not None
        and any(c.dep_ == "prt" and c.lower_ == particle for c in token.children)
    )


def _pulls_out(token: Token) -> bool:
    """'pulled out of X', 'will pull out of X': a withdrawal or a departure told by a verb and its
    particle (which the parser makes a particle or a preposition)."""
    particle = WITHDRAW_PARTICLE.get(token.lemma_.lower())
    return (
        token.pos_ == "VERB"
        and particle is not None
        and any(c.dep_ in ("prt", "prep") and c.lower_ == particle for c in token.children)
    )


def _joins_a_group(token: Token) -> bool:
    """'joined the convoy', 'joined the caravan': the joiner goes where that group is going."""
    return (
        token.pos_ == "VERB"
        and token.lemma_.lower() in JOIN_VERBS
        and any(c.dep_ == "dobj" and c.lemma_.lower() in TRAVEL_GROUPS for c in token.children)
    )


def _on_the_way(token: Token) -> bool:
    """'en route to X', 'on its way to X': the way of the verb's journey, not a route of its own;
    'through the X crossing', 'via the X route': a place passed on the way, not a journey."""
    if token.dep_ != "pobj":
        return _way_of_a_journey(token)
    return MOVE_PREPS.get(token.head.lower_) == "waypoint" or _way_of_a_journey(token)


def _way_of_a_journey(token: Token) -> bool:
    """'route' in 'en route' (its parse: the object of 'en' or, 'en' a particle, of the verb),
    'way' in 'on its way'."""
    if token.dep_ == "dobj":
        return token.lower_ == "route" and token.i > 0 and token.doc[token.i - 1].lower_ == "en"
    return (
        token.dep_ == "pobj"
        and token.lemma_.lower() in ("route", "way")
        and token.head.lower_ in ("en", "on")
    )


_TRIGGER_KEY = "geostory.movement_triggers"


def mend_verb_lemmas(doc: Doc) -> None:
    """Give a movement verb back the lemma a small model gets wrong for some inflected forms
    ("riding" -> "rid"): when a verb's lemma is no verb narrate knows and one spelling-rule stem of
    its form is a movement verb, that stem is the lemma. Run once, before anything reads lemmas."""
    import numpy
    from spacy.attrs import POS
    from spacy.symbols import VERB

    known = MOVE_VERBS | RETURN | ARRIVAL_VERBS
    for i in numpy.flatnonzero(doc.to_array([POS]).reshape(-1) == VERB).tolist():  # verbs only
        token = doc[i]
        if token.lemma_.lower() in known:
            continue
        stem = next((c for c in _stems(token.lower_, token.tag_) if c in MOVE_VERBS | RETURN), None)
        if stem is not None:
            token.lemma_ = stem


def _stems(form: str, tag: str) -> list[str]:
    """Candidate base forms of an English verb form by the regular spelling rules."""
    suffix = {"VBG": "ing", "VBD": "ed", "VBN": "ed", "VBZ": "s"}.get(tag)
    if suffix is None or not form.endswith(suffix) or len(form) <= len(suffix) + 1:
        return []
    base = form[: -len(suffix)]
    stems = [base, base + "e"]
    if len(base) > 2 and base[-1] == base[-2]:
        stems.append(base[:-1])  # "travelled" -> "travel", "shipping" -> "ship"
    if suffix == "ed" and base.endswith("i"):
        stems.append(base[:-1] + "y")  # "ferried" -> "ferry"
    if suffix == "s" and base.endswith("e"):
        stems.append(base[:-1])  # "pushes" -> "push"
    return stems


def _is_trigger(token: Token) -> str | None:
    """'move' when the token tells a movement (a verb, a trip noun, "bound for", "ended up", "joined
    the convoy", a route with its ends), else None; cached on the doc, as every reader asks (one
    byte a token: 0 not asked yet, 1 no, 2 yes; a dict of a long article's tokens cost ~85 MB)."""
    doc = token.doc
    cache = doc.user_data.get(_TRIGGER_KEY)
    if cache is None:
        cache = doc.user_data[_TRIGGER_KEY] = bytearray(len(doc))
    if not cache[token.i]:
        cache[token.i] = 2 if _tells_a_movement(token) else 1
    return "move" if cache[token.i] == 2 else None


def _tells_a_movement(token: Token) -> bool:
    if token.pos_ not in ("VERB", "AUX", "NOUN", "ADJ") or _on_the_way(token):
        return False
    if _ends_up(token) or _joins_a_group(token) or _pulls_out(token):
        return True
    if token.pos_ == "NOUN":
        return _verbal(token) or _noun_tells_a_movement(token)
    if token.pos_ == "ADJ":
        return token.lemma_.lower() == "bound"
    return _verb_tells_a_movement(token)


def _verb_tells_a_movement(token: Token) -> bool:
    lemma = token.lemma_.lower()
    if (lemma == "be" and _en_route(token)) or _verb_on_the_way(token):
        return True  # "the coach was en route from A to B", "the jet crashed en route to X"
    if lemma == "bound" or (
        token.lower_ == "bound"
        and any(c.dep_ == "prep" and c.lower_ in ("for", "to") for c in token.children)
    ):
        return True  # "set sail from X bound for Y" (tagged as the verb "bind")
    if lemma in ROUTE_VERBS:
        subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
        return (
            subject is not None and subject.lemma_.lower() in ROUTE_NOUNS | MOVE_NOUNS
        )  # "the line links A and B"
    if lemma in DIRECTED_VERBS:  # "delivered aid from X to Y"; not "delivered a speech in X"
        return any(
            c.dep_ == "prep" and MOVE_PREPS.get(c.lower_) in ("origin", "destination") for c in token.children
        )
    if _gives_care(token):
        return _cared_for_at_a_place_of_care(token)
    if lemma not in MOVE_VERBS:
        return False
    if lemma == "stop" and any(c.dep_ == "dobj" for c in token.children):
        return False  # "police stopped her in X": halting someone, not a stop on the subject's way
    if lemma == "take" and (
        any((c.dep_ == "prt" and c.lower_ == "off") or c.dep_ == "auxpass" for c in token.children)
        or _passive_conjunct(token)
    ):
        return True  # "took off from X", "were taken (by bus) to X", "were rescued and taken to X"
    if lemma in LIGHT and lemma != "embark":
        return (
            any(c.dep_ == "dobj" and c.lemma_.lower() in VEHICLES | MOVE_NOUNS for c in token.children)
            or _vehicle_object(token) is not None
        )  # "took a train", "a jet that took them to X"
    return True


def _gives_care(verb: Token) -> bool:
    """'treated', 'hospitalized', 'pronounced dead' (care_verb, care_phrasal)."""
    lemma = verb.lemma_.lower()
    complement = CARE_COMPLEMENT.get(lemma)
    return verb.pos_ == "VERB" and (
        lemma in CARE_VERBS or (complement is not None and any(c.lower_ == complement for c in verb.children))
    )


def _cared_for_at_a_place_of_care(verb: Token) -> bool:
    """'was treated at Mercy Hospital in X', 'were admitted to a clinic in X': the patient was
    brought there, an arrival; said of the one cared for (a passive), not of who gave the care."""
    passive = any(c.dep_ == "auxpass" for c in verb.children) or _passive_conjunct(verb)
    return passive and any(
        c.dep_ == "prep" and c.lower_ in ("at", "in", "to") and _names_a_place_of_care(c)
        for c in verb.children
    )


def _names_a_place_of_care(prep: Token) -> bool:
    return any(t.lower_ in CARE_PLACES for t in prep.subtree)


def _passive_conjunct(verb: Token) -> bool:
    """A participle joined to a passive verb shares its auxiliary: "were rescued and taken to X"."""
    return verb.dep_ == "conj" and verb.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in verb.head.children)


def _en_route(verb: Token) -> bool:
    """'was en route / on its way (from A) to B': the copula tells a journey under way; so does any
    verb the way hangs from ("crashed en route from A to B", "died on the way to X")."""
    return any(
        (c.dep_ == "prep" and any(_way_of_a_journey(g) for g in c.children)) or _way_of_a_journey(c)
        for c in verb.children
    )


def _verb_on_the_way(verb: Token) -> bool:
    """'crashed en route from A to B', 'vanished en route to X': a verb that is no movement tells a
    journey under way when the way it hangs from names an end."""
    if verb.pos_ != "VERB" or not _en_route(verb):
        return False
    ways = [t for c in verb.children for t in (c, *c.children) if t.lower_ in ("route", "way")]
    return any(
        c.dep_ == "prep" and MOVE_PREPS.get(c.lower_) in ("origin", "destination")
        for head in (verb, *ways)
        for c in head.children
    )


def _noun_tells_a_movement(noun: Token) -> bool:
    lemma = noun.lemma_.lower()
    if lemma in ROUTE_NOUNS and _route_ends_told(noun):
        return True  # "service between A and B", "a rail line connecting A, B and C"
    return lemma in MOVE_NOUNS


def _route_ends_told(noun: Token) -> bool:
    """A route noun with its ends: a service 'between A and B' or 'the A-B route'; a service or a
    line 'connecting A, B and C' (a line named alone, "the A-B railway", is no journey)."""
    service = noun.lemma_.lower() in SERVICE_NOUNS
    for child in noun.children:
        if child.dep_ == "acl" and child.lemma_.lower() in ROUTE_VERBS:
            return True
        if service and child.dep_ == "prep" and child.lower_ == "between":
            return True
        if service and child.dep_ == "compound" and _hyphenated_end(child) is not None:
            return True
    return False


def _hyphenated_end(token: Token) -> Token | None:
    """'Washington-Moscow' in 'the Washington-Moscow route': the first end, joined by a hyphen."""
    if not any(c.dep_ == "punct" and c.tag_ == "HYPH" for c in token.children):
        return None
    return next((c for c in token.children if c.dep_ == "compound" and c.pos_ == "PROPN"), None)


def _is_visit_trigger(token: Token) -> bool:
    lemma = token.lemma_.lower()
    if token.pos_ in ("VERB", "AUX"):
        phrase = VISIT_PHRASES.get(lemma)
        if phrase and any(c.dep_ == "dobj" and c.lower_ == phrase for c in token.children):
            return True  # "take part in X"
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
    if (
        word == "of"
        and prep.i > 1
        and prep.doc[prep.i - 1].lower_ == "way"
        and prep.doc[prep.i - 2].lower_ == "by"
    ):
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
        conjuncts = [
            c for c in token.children if c.dep_ == "conj" and not _contrasted(c) and not alternatives
        ]
        stack.extend((child, level + 1) for child in reversed(conjuncts))  # "to Genoa or La Spezia": not both
    return _unique(found)


def _places_named_by(pobj: Token, index: _Index, depth: int) -> list[Place]:
    """`_places_under` for one token, its conjuncts left out: the token's place; for a generic noun,
    the place it introduces ("the city of Lviv", "two U.S. cities, A and B"); else a place naming it
    ("the Kyiv hospital")."""
    place = index.place(pobj)
    if place is not None:
        return [place]
    if depth < 3 and pobj.lemma_.lower() in GENERIC_PLACE_NOUNS:
        introduced = _introduced_places(pobj, index, depth)
        if introduced:
            return introduced
    generic = pobj.lemma_.lower() in GENERIC_PLACE_NOUNS
    for child in pobj.children:
        # "the Kyiv hospital"; "Kabul's airport" (a possessor only for a generic place noun)
        named = (
            index.place(child)
            if child.dep_ in ("compound", "nmod") or (generic and child.dep_ == "poss")
            else None
        )
        if named is None:
            continue
        if pobj.lemma_.lower() in MOVE_NOUNS and named.place_type in SCOPE_TYPES:
            continue  # "a Mediterranean cruise": where the cruise goes about, not a port
        return [named]
    site = index.site_places.get(pobj.lemma_.lower()) if pobj.pos_ == "NOUN" and _definite(pobj) else None
    return [site] if site is not None else []  # "the camp": where the article said the camp was


def _definite(noun: Token) -> bool:
    """'the summit', 'this weekend's show', 'their camp': one the article has told of."""
    return any(
        (c.dep_ == "det" and c.lower_ in ("the", "this", "that")) or c.dep_ == "poss" for c in noun.children
    )


def remember_sites(sent: SpacySpan, index: _Index) -> None:
    """Note where the sentence tells a site to be ("a camp in X", "the X hospital", "camped out in
    X", "troops based at X"), so a later "the camp" or "the base" is that place."""
    for token in sent:
        lemma = token.lemma_.lower()
        if lemma not in SITE_NOUNS:
            continue
        places: list[Place] = []
        if token.pos_ == "NOUN":
            places = _places_named_by(token, index, 0)
        elif token.pos_ == "VERB":
            places = [
                place
                for prep in token.children
                if prep.dep_ == "prep" and prep.lower_ in ("in", "at")
                for pobj in prep.children
                if pobj.dep_ == "pobj" and (place := index.place(pobj)) is not None
            ]
        if places:
            index.site_places[lemma] = places[0]


def _introduced_places(noun: Token, index: _Index, depth: int) -> list[Place]:
    """The places a generic noun introduces: its appositive or its of/in/at/near object."""
    found: list[Place] = []
    for child in noun.children:  # bounded: depth < 3
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
    left = doc[max(token.head.i + 1, token.i - 4) : token.i]
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


@dataclass
class _Roles:
    """One movement clause being read: the trigger, its reading so far, and places told 'near'."""

    trigger: Token
    lemma: str
    is_noun: bool
    index: _Index
    stop: set[int]
    reading: _Reading
    near: list[Place] = field(default_factory=list)

    def add(self, role: str, places: Sequence[Place]) -> None:
        target = {
            "origin": self.reading.origins,
            "destination": self.reading.destinations,
            "waypoint": self.reading.waypoints,
            "at": self.reading.at,
        }[role]
        for place in places:
            if place not in target:
                target.append(place)


_TRIP_STOP_NOUNS = frozenset({"visit", "trip", "tour", "stop", "stopover", "layover"})


def _subject_asides(trigger: Token) -> set[int]:
    """Prepositions set off by commas in the subject ("The migrants, mostly from Guinea, were
    taken to X"): who the movers are, not where they set out."""
    out: set[int] = set()
    for child in trigger.children:
        if child.dep_ not in ("nsubj", "nsubjpass"):
            continue
        for t in child.subtree:
            if t.dep_ == "prep" and t.i != child.i:
                j = t.i - 1
                while j > child.left_edge.i and t.doc[j].dep_ == "advmod":
                    j -= 1
                if t.doc[j].text == ",":
                    out.add(t.i)
    return out


# Prepositions: which role a preposition's object has, then guards that drop it, in order. A guard
# answers True when the preposition says nothing about this journey.
PrepGuard = Callable[[Token, str, str, _Roles], bool]


def diverted_from_is_avoided(prep: Token, word: str, role: str, roles: _Roles) -> bool:
    """'diverted from the Red Sea': the route avoided, not where it set out."""
    return role == "origin" and word == "from" and roles.lemma in DIVERT


def after_is_no_origin(prep: Token, word: str, role: str, roles: _Roles) -> bool:
    """'after X' is an origin only for a stop or a trip noun ("a stop in A after B")."""
    return role == "origin" and word == "after" and roles.lemma not in STOPS | {"visit", "trip", "leg"}


def distance_from_is_no_origin(prep: Token, word: str, role: str, roles: _Roles) -> bool:
    """'a village 20 km from X', 'at X, about five miles from Y': where something lies, not where a
    journey set out; 'drove 850 km from A to B' is the journey's length."""
    if word != "from":
        return False
    trigger, head = roles.trigger, prep.head
    if _measure(head) and head.head.i != trigger.i:
        return True  # the measure hangs from something other than the movement
    goes_on = any(c.dep_ == "prep" and MOVE_PREPS.get(c.lower_) == "destination" for c in trigger.children)
    measured = [c for c in prep.children if c.dep_ == "npadvmod"]
    if head.lower_ == "away":
        measured.extend(head.children)  # "a few kilometres away from X"; not "drove away from X"
    return not goes_on and any(_measure(t) for t in measured)


def _measure(token: Token) -> bool:
    return token.lemma_.lower() in MEASURE_NOUNS


def for_needs_a_leaving_verb(prep: Token, word: str, role: str, roles: _Roles) -> bool:
    """'left for X' is a destination; 'flew for talks' is not."""
    return word == "for" and roles.lemma not in FOR_DEST


def near_needs_an_arrival(prep: Token, word: str, role: str, roles: _Roles) -> bool:
    """'landed near X', 'docked off X'; not 'travelled on the Red Sea'."""
    return word in ("on", "near", "outside") and roles.lemma not in ARRIVE


def at_needs_a_stop(prep: Token, word: str, role: str, roles: _Roles) -> bool:
    """'in/at X' is where an arrival ends or a stop is made; 'flew in a jet' is not."""
    return (
        role == "at"
        and roles.lemma not in ARRIVE
        and roles.lemma not in WAYPOINT_OBJ
        and not (roles.is_noun and roles.lemma in _TRIP_STOP_NOUNS)
    )


def prep_off_the_path(prep: Token, word: str, role: str, roles: _Roles) -> bool:
    """Something other than nouns and prepositions lies between the trigger and the preposition."""
    qualifier_ok = role in ("origin", "destination", "waypoint", "ends") and word not in (
        "over",
        "across",
        "past",
    )
    return not _path_ok(prep, roles.trigger, roles.index, qualifier_ok)


def ends_hang_from_the_trigger(prep: Token, word: str, role: str, roles: _Roles) -> bool:
    """'flights between A and B'; not 'trade between A and B reached ...'."""
    return role == "ends" and prep.head.i != roles.trigger.i


def at_qualifies_a_place(prep: Token, word: str, role: str, roles: _Roles) -> bool:
    """'arrived at the airport in X': only what hangs from the trigger or a generic noun under it."""
    return role == "at" and prep.head.i != roles.trigger.i and roles.index.place(prep.head) is not None


PREP_GUARDS: tuple[tuple[str, PrepGuard], ...] = tuple(
    (guard.__name__, guard)
    for guard in (
        diverted_from_is_avoided,
        after_is_no_origin,
        distance_from_is_no_origin,
        for_needs_a_leaving_verb,
        near_needs_an_arrival,
        at_needs_a_stop,
        prep_off_the_path,
        ends_hang_from_the_trigger,
        at_qualifies_a_place,
    )
)


def _compass_of(prep: Token, word: str, roles: _Roles) -> bool:
    """'landed 150 km southeast of X': near X, kept if nothing closer is told."""
    if not (
        word == "of"
        and prep.head.lower_ in COMPASS
        and prep.head.head.i == roles.trigger.i
        and roles.lemma in ARRIVE
    ):
        return False
    for pobj in prep.children:
        if pobj.dep_ == "pobj":
            roles.near.extend(_places_under(pobj, roles.index))
    return True


def _prep_role(prep: Token, word: str, roles: _Roles) -> str | None:
    """The role the preposition's object has for this trigger, None when none or a guard drops it."""
    role = MOVE_PREPS.get(word)
    if word == "of" and roles.is_noun and roles.lemma in OF_DEST and prep.head.i == roles.trigger.i:
        role = "destination"  # "a tour of Lima, Santiago and Buenos Aires"
    if word == "in" and prep.head.i == roles.trigger.i and _goes_to_someone(roles):
        role = "destination"  # "transporting arms to militants in X" (the parser hung 'in X' on the verb)
    head = prep.head
    boarded = head.i == roles.trigger.i or (head.dep_ == "dobj" and head.head.i == roles.trigger.i)
    if role == "at" and roles.lemma in BOARD_AT and not roles.is_noun and boarded:
        role = "origin"  # "boarded a boat in X", "boarded a train at X": where the journey starts
    if role is None:
        return None
    if any(guard(prep, word, role, roles) for _, guard in PREP_GUARDS):
        return None
    return role


def _read_prep(prep: Token, roles: _Roles) -> None:
    """The places a movement preposition's object names, in their role."""
    word = _prep_text(prep)
    if _compass_of(prep, word, roles):
        return
    role = _prep_role(prep, word, roles)
    if role is None:
        return
    for pobj in prep.children:
        if pobj.dep_ not in ("pobj", "pcomp") or _under_contrast(pobj, roles.trigger):
            continue
        if role == "ends":
            _read_ends(_between_places(pobj, roles.index), roles, fan_out=True)
            continue
        places = _places_under(pobj, roles.index)
        if not places and role == "destination":
            places = _where_they_are(pobj, roles.index) or _where_it_is_held(pobj, roles.index)
        if (
            role == "destination"
            and len(places) > 1
            and pobj.tag_ == "NNS"
            and pobj.lemma_.lower() in GENERIC_PLACE_NOUNS
        ):
            roles.reading.fan_out = True  # "to hospitals in A and B"
        if role == "at" and roles.lemma in WAYPOINT_OBJ and word != "at":
            roles.add("waypoint", places)  # "crossed in X"
        else:
            roles.add(role, places)


def _between_places(pobj: Token, index: _Index) -> list[Place]:
    """The ends 'between' names: its object and conjuncts, or, when the parser hung them on one
    another ("between New York's JFK and St. Petersburg's Pulkovo airport"), every place in the
    phrase, a possessor of a place ("New York's") left out."""
    places = _places_under(pobj, index)
    if len(places) >= 2:
        return places
    found: list[Place] = []
    for token in pobj.subtree:
        place = index.place(token)
        if place is None or _under_contrast(token, pobj):
            continue
        owner = token
        while owner.dep_ in ("compound", "case") and owner.head.i != owner.i:
            owner = owner.head
        if owner.dep_ == "poss" and index.place(owner.head) is not None:
            continue  # "New York's JFK": the airport is the end
        found.append(place)
    return _unique(found)


def _where_it_is_held(goal: Token, index: _Index) -> list[Place]:
    """'traveled to this weekend's show', 'flew to the summit': where the article told that event
    to be (the show held at X, the X summit)."""
    place = index.event_places.get(goal.lower_) or index.event_places.get(goal.lemma_.lower())
    # "this weekend's show", "the summit"; not "from dog show to dog show"
    return [place] if place is not None and _definite(goal) and goal.pos_ in ("NOUN", "PROPN") else []


def _remember_event_place(reading: _Reading, index: _Index) -> None:
    """Note where an event is told to be held: "the Lyon summit", "the show, held at X"."""
    trigger = reading.trigger
    if not reading.at:
        return
    if trigger.pos_ in ("NOUN", "PROPN") and (
        trigger.lower_ in VISIT_NOUNS or trigger.lemma_.lower() in VISIT_NOUNS
    ):
        index.event_places[trigger.lower_] = reading.at[0]
    elif trigger.dep_ == "acl" and trigger.head.lower_ in VISIT_NOUNS:
        index.event_places[trigger.head.lower_] = reading.at[0]  # "the show, held at X"


def _goes_to_someone(roles: _Roles) -> bool:
    """The trigger goes 'to' a common noun that names no place ("to militants", "to relatives")."""
    return any(
        prep.dep_ == "prep"
        and prep.lower_ == "to"
        and any(
            pobj.dep_ == "pobj" and pobj.pos_ == "NOUN" and not _places_under(pobj, roles.index)
            for pobj in prep.children
        )
        for prep in roles.trigger.children
    )


def _where_they_are(goal: Token, index: _Index) -> list[Place]:
    """'shipped to customers in X', 'flew to her family in X': a journey to someone goes where
    they are (a common noun with its place 'in/at'; not a name, a time or an amount)."""
    if goal.pos_ != "NOUN" or goal.ent_type_ in ("DATE", "TIME", "MONEY", "QUANTITY", "PERCENT"):
        return []
    for prep in goal.children:
        if prep.dep_ == "prep" and prep.lower_ in ("in", "at"):
            for pobj in prep.children:
                if pobj.dep_ == "pobj":
                    return _places_under(pobj, index)
    return []


def _read_ends(places: Sequence[Place], roles: _Roles, fan_out: bool) -> None:
    """A route's ends: from the first to the others, one journey to each ('between A and B, C and
    D') or, told as a line through them, in order ('connecting A, B and C')."""
    if len(places) < 2 or roles.reading.origins:
        return
    if roles.lemma in ROUTE_NOUNS - MOVE_NOUNS and all(p.place_type == "country" for p in places):
        return  # "the line between North and South Korea": a border, not a route
    roles.add("origin", places[:1])
    roles.add("destination", places[1:])
    roles.reading.fan_out = fan_out and len(places) > 2
    roles.reading.route = True


def _read_route_verb(roles: _Roles) -> None:
    """'a rail service connecting A, B, C and D': the route runs through its objects in order."""
    for child in roles.trigger.children:
        if child.dep_ == "acl" and child.lemma_.lower() in ROUTE_VERBS:
            for obj in child.children:
                if obj.dep_ == "dobj":
                    _read_ends(_places_under(obj, roles.index), roles, fan_out=False)


def _read_governor_preps(roles: _Roles) -> None:
    """'started flights to X from its base in Y': a trip noun object of an operating verb takes
    that verb's from/to/via (the verb is no journey of its own); of any other verb, only a whole
    path the parser hung there ("tells her journey, against all odds, from A to B")."""
    trigger = roles.trigger
    governor = trigger.head
    if trigger.dep_ != "dobj" or _is_trigger(governor) or not roles.is_noun:
        return
    preps = [p for p in governor.children if p.dep_ == "prep" and p.i not in roles.stop and p.i > trigger.i]
    bound = TRIP_BOUNDS.get(governor.lemma_.lower())
    if bound is not None:  # "began his tour in X" (set out from X); "wrapped up the visit in X" (ended there)
        end = "origin" if bound == "light-start" else "destination"
        for prep in (p for p in preps if p.lower_ in ("in", "at")):
            for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                roles.add(end, _places_under(pobj, roles.index))
    if governor.lemma_.lower() not in TRIP_VERBS:
        preps = [p for p in preps if p.lower_ == "from" and _path_goes_on(p)]
    for prep in preps:
        role = MOVE_PREPS.get(_prep_text(prep))
        if role not in ("origin", "destination", "waypoint") or prep.lower_ in ("after", "for"):
            continue
        for pobj in prep.children:
            if pobj.dep_ == "pobj" and not _under_contrast(pobj, trigger):
                roles.add(role, _places_under(pobj, roles.index))
        for onward in _onward(prep):  # "from A to B" with "to B" hung on "from" or on A
            for goal in onward.children:
                if goal.dep_ == "pobj":
                    roles.add("destination", _places_under(goal, roles.index))


def _onward(prep: Token) -> list[Token]:
    """The 'to' a 'from' carries on with, hung on the 'from' or on its object."""
    heads = [prep] + [p for p in prep.children if p.dep_ == "pobj"]
    return [
        onward
        for head in heads
        for onward in head.children
        if onward.dep_ == "prep" and MOVE_PREPS.get(_prep_text(onward)) == "destination"
    ]


def _path_goes_on(prep: Token) -> bool:
    """'from A to B': a 'from' that carries on to somewhere."""
    return bool(_onward(prep))


def _read_object(token: Token, roles: _Roles) -> None:
    """A place as the trigger's object: 'left X' (origin), 'crossed X' (path), 'reached X' (goal)."""
    places = _places_under(token, roles.index)
    if not places or _under_contrast(token, roles.trigger):
        return
    lemma = roles.lemma
    if lemma in ROUTE_VERBS:
        _read_ends(places, roles, fan_out=False)  # "the line links A and B"
    elif lemma in ORIGIN_OBJ:
        roles.add("origin", places)
    elif lemma in WAYPOINT_OBJ:
        roles.add("waypoint", places)
    elif lemma in DEST_OBJ or lemma in ARRIVE or lemma == "tour":
        roles.add("destination", places)


def _read_compound(token: Token, roles: _Roles) -> None:
    """A place naming a trip noun: 'the Kyiv visit', 'his Moscow departure', 'the London-Harare
    route' (from the first end to the second)."""
    first = _hyphenated_end(token) if roles.lemma in SERVICE_NOUNS | MOVE_NOUNS else None
    ends = [roles.index.place(first), roles.index.place(token)] if first is not None else []
    if len(ends) == 2 and ends[0] is not None and ends[1] is not None:
        _read_ends([ends[0], ends[1]], roles, fan_out=False)
        return
    places = [p for p in _places_under(token, roles.index) if p.place_type not in SCOPE_TYPES]
    if places and token.i not in roles.index.demonym_tokens:
        roles.add("origin" if roles.lemma == "departure" else "destination", places)


def _read_copula(roles: _Roles) -> None:
    """'one potential stop for X after Y is Z': the trip noun's complement is where it goes."""
    trigger = roles.trigger
    if not (roles.is_noun and trigger.dep_ in ("nsubj", "attr") and trigger.head.lemma_ == "be"):
        return
    for sibling in trigger.head.children:
        if sibling.i != trigger.i and sibling.dep_ in ("attr", "nsubj", "acomp"):
            places = _places_under(sibling, roles.index)
            if places:
                roles.add("destination", places)


def _goes_home(trigger: Token, reading: _Reading) -> bool:
    """'returned home', 'flew home': back to where the mover's trip began; a withdrawal from a
    place with nowhere else to go ("troops will withdraw from X") goes home too."""
    withdraws = trigger.lemma_.lower() in WITHDRAW or _pulls_out(trigger)
    if withdraws and reading.origins and not reading.destinations:
        return True
    if not (
        reading.returning
        or trigger.lemma_.lower() in ("fly", "head", "go", "come", "travel", "sail", "drive")
    ):
        return False
    return any(
        c.lower_ == "home" and c.dep_ in ("advmod", "npadvmod", "dobj", "prt") for c in trigger.children
    )


def _read_move(trigger: Token, index: _Index, stop: set[int]) -> _Reading | None:
    """The movement a trigger tells: its places in their roles, read from its own clause."""
    lemma = "bound" if trigger.lower_ == "bound" else trigger.lemma_.lower()
    if _ends_up(trigger) or _gives_care(trigger):
        lemma = "arrive"  # "ended up in X", "was treated at X Hospital": read as an arrival
    is_noun = trigger.pos_ in ("NOUN", "PROPN")
    reading = _Reading(trigger=trigger, kind="move", actor=())
    reading.returning = lemma in RETURN or any(
        c.lower_ == "back" and c.dep_ in ("advmod", "prt") for c in trigger.children
    )
    roles = _Roles(trigger, lemma, is_noun, index, stop, reading)
    asides = _subject_asides(trigger)
    for token in _clause(trigger, stop):
        if token.i == trigger.i:
            continue
        if token.dep_ in ("prep", "dative", "agent") or (token.pos_ == "ADP" and token.dep_ == "prt"):
            if token.i not in asides:
                _read_prep(token, roles)
        elif token.head.i == trigger.i and token.dep_ in ("dobj", "attr", "npadvmod", "advmod", "oprd"):
            _read_object(token, roles)
        elif is_noun and token.head.i == trigger.i and token.dep_ in ("compound", "nmod", "amod"):
            _read_compound(token, roles)
    _read_copula(roles)
    if is_noun:
        _read_route_verb(roles)
        _read_governor_preps(roles)
    if roles.near and not (reading.destinations or reading.at or reading.origins):
        roles.add("at", roles.near)
    reading.home = _goes_home(trigger, reading)
    if _joins_a_group(trigger) and not reading.origins:
        reading.origins = _stay_before(trigger, index, stop, [])  # "joined the convoy after ... in X"
    if not (
        reading.origins
        or reading.destinations
        or reading.at
        or reading.waypoints
        or reading.home
        or _carried_by_trip_noun(trigger)
    ):
        return None
    _settle_roles(roles)
    return reading


def _settle_roles(roles: _Roles) -> None:
    """Where the journey ends ('arrive in X' with no 'to'), no place in two roles, an origin told
    by a stay before it, and whether its destinations are stops, a fan-out or the ground covered."""
    reading, lemma, trigger = roles.reading, roles.lemma, roles.trigger
    reading.at = _venues_for_their_towns(reading.at)
    if reading.at:
        if reading.destinations and lemma in STOPS | {"land", "touch", "refuel", "stopover", "layover"}:
            roles.add("waypoint", [p for p in reading.at if p not in reading.destinations])
        elif not reading.destinations:
            roles.add("destination", reading.at)
    goals = reading.destinations
    round_trip = len(goals) >= 2 and goals[-1] in reading.origins  # "from A to B and back to A"
    reading.destinations = [p for p in goals if p not in reading.origins] + (goals[-1:] if round_trip else [])
    reading.waypoints = [
        p for p in reading.waypoints if p not in reading.origins and p not in reading.destinations
    ]
    if not reading.origins and reading.destinations and not roles.is_noun:
        reading.origins = _stay_before(trigger, roles.index, roles.stop, reading.destinations) or _sender(
            trigger, roles.index, reading.destinations
        )
        reading.left_unplaced = not reading.origins and _stay_before_unplaced(
            trigger, roles.index, roles.stop
        )
    reading.route = reading.route or _is_route(trigger)
    if _many_journeys(trigger, reading.destinations):
        reading.fan_out = True
    else:
        reading.scope = _is_scope(trigger, lemma, roles.is_noun, reading)


def _venues_for_their_towns(places: list[Place]) -> list[Place]:
    """'was pronounced dead at X Hospital in nearby Y', 'landed at X Airport in Y': a venue and
    the town it stands in are one place, the venue; not a stop in Y after X."""
    venues = [p for p in places if p.place_type in ("landmark", "airport")]
    return [
        p
        for p in places
        if p in venues
        or p.place_type != "city"
        or not any(distance_km(p, venue) < SAME_PLACE_KM for venue in venues)
    ]


def _is_scope(trigger: Token, lemma: str, is_noun: bool, reading: _Reading) -> bool:
    """The destinations are the ground a trip covers, not its stops: "visit Southeast Asia", "will
    travel to Australia and Samoa in October", "a five-day trip to A, B and C" (countries)."""
    goals = reading.destinations
    if not goals or reading.origins and is_noun:
        return False
    if (
        not is_noun
        and lemma in ("visit", "tour")
        and all(_ground(p) and p.place_type != "water" for p in goals)
    ):
        return True
    if (
        not is_noun
        and not reading.origins
        and len(goals) >= 2
        and lemma in ("travel", "visit", "tour", "go")
        and all(p.place_type in ("country", "continent", "region") for p in goals)
    ):
        return True
    if is_noun and lemma in (
        "trip",
        "tour",
        "visit",
        "visits",
        "journey",
        "voyage",
        "cruise",
        "pilgrimage",
        "expedition",
    ):
        return (
            all(_ground(p) for p in goals)
            or (len(goals) >= 2 and all(p.place_type in ("country", "continent", "region") for p in goals))
            or (all(p.place_type in ("country", "region") for p in goals) and _frames_a_journey(trigger))
        )
    return False


def _frames_a_journey(noun: Token) -> bool:
    """'Making his first visit to X, he is due to arrive at Y', 'On his trip to X, she landed in Y':
    a trip noun in a phrase set before the clause of another journey is the trip that journey is part of."""
    head = noun.head
    framed = (noun.dep_ == "dobj" and head.tag_ == "VBG" and head.dep_ == "advcl") or (
        noun.dep_ == "pobj" and head.lower_ in ("on", "during") and head.dep_ == "prep"
    )
    if not framed or head.i > noun.i:
        return False
    return any(
        t.i not in range(noun.left_edge.i, noun.right_edge.i + 1) and t.pos_ == "VERB" and _is_trigger(t)
        for t in noun.sent
    )


def _ground(place: Place) -> bool:
    """Ground a trip covers rather than a stop: a continent, a sea, a region that is no first-level
    division ("Southeast Asia"; a state or province, "a trip to Hawaii", is a destination)."""
    return place.place_type in ("continent", "water") or (
        place.place_type == "region" and place.admin1 is None
    )


_SERVICE_TRIPS = frozenset({"flight", "sailing", "crossing", "route"})


def _is_route(trigger: Token) -> bool:
    """A route or a timetable, not one mover's trip: a route or service noun ("the route to X"), or
    a plural of a scheduled trip ("daily flights to X", "sailings from X")."""
    lemma = trigger.lemma_.lower()
    return trigger.pos_ == "NOUN" and (
        lemma in ROUTE_NOUNS or (trigger.tag_ == "NNS" and lemma in _SERVICE_TRIPS)
    )


def _many_journeys(trigger: Token, goals: Sequence[Place]) -> bool:
    """Several destinations joined by 'and' are one journey to each (fan-out), not a chain, when
    the trigger is a plural noun ("flights to A, B and C", "trips to A and B") or the movers are
    a plural common noun ("members are heading to A and B", "the buses left for A and B"); a
    'then' chains them again."""
    if len(goals) < 2 or any(t.lower_ in ("then", "later", "next") for t in trigger.subtree):
        return False
    if trigger.pos_ == "NOUN" and trigger.tag_ == "NNS" and trigger.lemma_.lower() in MOVE_NOUNS:
        return True
    if trigger.pos_ not in ("VERB", "AUX"):
        return False
    subject = _subject_of(trigger)
    return (
        subject is not None
        and subject.tag_ == "NNS"
        and subject.pos_ == "NOUN"
        and not any(c.dep_ == "conj" for c in subject.children)
    )


def _stay_before(trigger: Token, index: _Index, stop: set[int], goals: Sequence[Place]) -> list[Place]:
    """An origin told by a stay in the same sentence, before the movement: "After ten years in X,
    they moved to Y" (a place 'in/at' an 'after' phrase of the movement), "They married at X
    before heading to Y" (a place 'in/at' the verb the movement comes 'before'), or "Xi, who had
    been in X, was driven to Y" (a past-perfect stay told of the mover)."""
    found: list[Place] = []
    for child in trigger.children:
        after = (child.dep_ == "prep" and child.lower_ in ("after", "following")) or (
            child.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "after" for m in child.children)
        )
        if after:
            found = _stay_places(child, index, stop)
            break
    if not found:
        governor = _before_governor(trigger)
        if governor is not None:
            found = _stay_places(governor, index, stop, direct=True)
    if not found:
        found = _subject_had_been(trigger, index, stop)
    found = [
        p for p in found if all(p.key != g.key and not _contains(p, g) and not _contains(g, p) for g in goals)
    ]
    return found[-1:]  # the last stay told is where the mover set out from


def _sender(trigger: Token, index: _Index, goals: Sequence[Place]) -> list[Place]:
    """'Egypt dispatched its foreign minister to Khartoum', 'Texas sent troops to the border': a
    country, state or town that sends, named for its government, is where what it sends sets out
    from (not a place the goal lies in or that lies in the goal)."""
    if trigger.lemma_.lower() not in SENDING_VERBS or any(c.dep_ == "auxpass" for c in trigger.children):
        return []
    subject = next((c for c in trigger.children if c.dep_ == "nsubj"), None)
    place = index.place(subject) if subject is not None else None
    if (
        place is None
        or place.place_type not in ("country", "region", "city")
        or not all(_apart(place, g) for g in goals)
    ):
        return []
    return [place]


def _subject_had_been(trigger: Token, index: _Index, stop: set[int]) -> list[Place]:
    """'Xi, who had been in X on Monday, was driven to Y': the stay a relative clause in the past
    perfect tells of the movement's subject."""
    subject = next((c for c in trigger.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None:
        return []
    for clause in subject.children:
        if clause.dep_ == "relcl" and any(
            c.dep_ == "aux" and c.lower_ in ("had", "'d") for c in clause.children
        ):
            return _stay_places(clause, index, stop, direct=True)
    return []


def _stay_before_unplaced(trigger: Token, index: _Index, stop: set[int]) -> bool:
    """The stay told before the movement is at a name the map cannot show ("They married at St
    Mary's Church before heading to Y", the church unresolved): the mover was not where it last was."""
    governor = _before_governor(trigger)
    if governor is None:
        return False
    return any(
        t.i in index.unplaced
        for prep in governor.children
        if prep.dep_ == "prep" and prep.lower_ in ("in", "at") and prep.i not in stop
        for t in prep.subtree
    )


def _before_governor(trigger: Token) -> Token | None:
    """The verb a movement is told 'before': "married at X before heading to Y" -> married."""
    if trigger.dep_ == "pcomp" and trigger.head.dep_ == "prep" and trigger.head.lower_ == "before":
        governor = trigger.head.head
    elif trigger.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "before" for m in trigger.children):
        governor = trigger.head
    else:
        return None
    if governor.pos_ not in ("VERB", "AUX") or _is_trigger(governor) or _is_visit_trigger(governor):
        return None  # "flew to A / met X in A before heading to B": the itinerary's events chain those
    return governor


def _stay_places(root: Token, index: _Index, stop: set[int], direct: bool = False) -> list[Place]:
    """Places 'in/at' under `root` (only its own prepositions when `direct`), not under another
    movement trigger and not a country or larger (no more precise than what the mover left)."""
    found: list[Place] = []
    todo = [root]
    while todo:
        token = todo.pop()
        for child in token.children:
            if child.i in stop or (child is not root and _is_trigger(child)):
                continue
            if child.dep_ == "prep" and child.lower_ in ("in", "at"):
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        found.extend(
                            p
                            for p in _places_under(pobj, index)
                            if p.place_type not in SCOPE_TYPES and p.place_type != "continent"
                        )
            elif not direct:
                todo.append(child)
    return found


def _carried_by_trip_noun(trigger: Token) -> bool:
    """'flew in on a British Airways flight from London', 'landed after a flight from X': a verb
    whose path is told by a trip noun under on/aboard/after; _fold_manner moves it up."""
    if trigger.pos_ not in ("VERB", "AUX"):
        return False
    for prep in trigger.children:
        if prep.dep_ == "prep" and prep.lower_ in ("on", "aboard", "after", "following", "by"):
            for pobj in prep.children:
                if (
                    pobj.dep_ == "pobj"
                    and pobj.lemma_.lower() in MOVE_NOUNS
                    and any(c.dep_ == "prep" and c.lower_ == "from" for c in pobj.children)
                ):
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
        if (
            parent is not None
            and parent is not reading
            and trigger.tag_ == "VBG"
            and trigger.dep_ in ("advcl", "xcomp", "conj", "acl")
            and not reading.origins
            and (
                trigger.lemma_.lower() in STOPS | WAYPOINT_OBJ | {"pass", "cross"} or not reading.destinations
            )
        ):
            for place in reading.at + reading.destinations + reading.waypoints:
                if (
                    place not in parent.waypoints
                    and place not in parent.destinations
                    and place not in parent.origins
                ):
                    parent.waypoints.append(place)
            continue
        out.append(reading)
    return _fold_manner(out)


def _fold_manner(readings: list[_Reading]) -> list[_Reading]:
    """'arrived in B after/on an overnight flight from A via C': the noun tells where the
    journey of its governing verb began, how and through where."""
    by_trigger = {r.trigger.i: r for r in readings}
    out = []
    for reading in readings:
        trigger = reading.trigger
        prep = trigger.head
        parent = by_trigger.get(prep.head.i) if trigger.dep_ == "pobj" else None
        if (
            parent is not None
            and parent is not reading
            and trigger.pos_ == "NOUN"
            and prep.lower_ == "from"
            and not parent.origins
            and not reading.origins
            and reading.destinations
            and trigger.lemma_.lower() in TRIP_NOUNS
        ):
            # "returned to X from a state visit to Y": the journey began at Y (the last stop)
            parent.origins.append(reading.destinations[-1])
            parent.destinations[:] = [p for p in parent.destinations if p is not reading.destinations[-1]]
            parent.extra.extend(trigger.subtree)
            continue
        if (
            parent is not None
            and parent is not reading
            and trigger.pos_ == "NOUN"
            and prep.lower_ in ("after", "on", "aboard", "by", "following")
            and not parent.origins
            and reading.origins
        ):
            parent.origins.extend(p for p in reading.origins if p not in parent.destinations)
            parent.waypoints.extend(p for p in reading.waypoints if p not in parent.waypoints)
            parent.extra.extend(trigger.subtree)
            continue
        if (
            parent is not None
            and parent is not reading
            and trigger.pos_ == "NOUN"
            and trigger.lemma_.lower() in STOPS
            and prep.lower_ in ("after", "following", "with", "via", "including")
            and not reading.origins
        ):
            # "flew from A to B after a refuelling stop in C": C is a stop on the way
            stops = [
                p for p in reading.destinations + reading.at if p not in parent.origins + parent.destinations
            ]
            parent.waypoints.extend(p for p in stops if p not in parent.waypoints)
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
    named = _places_under(head, index) if head.lemma_.lower() in HOME_NOUNS else []
    if named:
        return named[0]  # "their bungalow in X, where they have lived since"
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
        elif (
            trigger.pos_ in ("NOUN", "PROPN")
            and token.head.i == trigger.i
            and token.dep_ in ("compound", "nmod")
        ):
            if token.i not in index.demonym_tokens:
                found.extend(_places_under(token, index))
    if not found and lemma in HELD_VERBS:
        found.extend(_held_by_local_force(trigger, index))
    if not found and lemma != "be":
        place = _where_place(trigger, index, legs_here)
        if place is not None:
            found.append(place)
    if not found:
        return None
    reading = _Reading(trigger=trigger, kind="visit", actor=())
    reading.at = _unique(found)[:1]
    reading.home = lemma == "be" and any(
        c.dep_ == "nsubj" and c.lemma_.lower() in HOME_NOUNS for c in trigger.children
    )  # "their first home was a cottage in X"
    reading.event = _event_text(trigger)
    return reading


def _held_by_local_force(verb: Token, index: _Index) -> list[Place]:
    """'was arrested by Danbury police': held where that force works (the place naming it)."""
    for agent in verb.children:
        if agent.dep_ != "agent":
            continue
        for force in agent.children:
            if force.dep_ == "pobj" and force.lemma_.lower() in LOCAL_FORCES:
                named = [index.place(c) for c in force.children if c.dep_ in ("compound", "nmod", "amod")]
                return [p for p in named if p is not None][:1]
    return []


def _is_incident(token: Token) -> bool:
    """'crashed', 'the explosion', 'fighting': something that happens at a place."""
    return token.pos_ in ("NOUN", "VERB") and (token.lemma_.lower() in INCIDENTS or token.lower_ in INCIDENTS)


_SCENE_PREPS = ("in", "at", "near", "outside", "off", "on")


def _read_incident(trigger: Token, index: _Index) -> _Reading | None:
    """Where an incident happened: 'crashed near X', 'the explosion in X', 'the X crash'."""
    found: list[Place] = []
    told = list(trigger.children)
    if trigger.pos_ == "NOUN" and trigger.dep_ == "nsubj":
        told += list(trigger.head.children)  # "fighting raged in X", "the crash happened near X"
    for child in told:
        if child.dep_ == "prep" and child.lower_ in _SCENE_PREPS:
            found.extend(
                p for pobj in child.children if pobj.dep_ == "pobj" for p in _places_under(pobj, index)
            )
        elif (
            trigger.pos_ == "NOUN"
            and child.dep_ in ("compound", "nmod")
            and child.i not in index.demonym_tokens
        ):
            found.extend(_places_under(child, index))
    found = [p for p in found if p.place_type not in ("continent", "water")]
    if not found:
        return None
    reading = _Reading(trigger=trigger, kind="visit", actor=(), at=found[:1], incident=True)
    reading.event = _event_text(trigger)
    return reading


def _located_people(sent: SpacySpan, index: _Index, stop: set[int]) -> list[_Reading]:
    """'her cousin Viktoria Skripal in Russia', 'Nadia Moayyad of Southlake', 'phoned her cousin X in
    Russia': a named person told with where they are (or, for 'of', the town they live in) is a
    stay of that person."""
    out = []
    for token in sent:
        if token.i in stop or token.i not in index.people.ent_of or token.dep_ in ("compound", "poss"):
            continue
        for prep in list(token.children) + _contact_preps(token):
            if prep.dep_ != "prep" or prep.lower_ not in ("in", "at", "of"):
                continue
            places = [p for pobj in prep.children if pobj.dep_ == "pobj" for p in _places_under(pobj, index)]
            if prep.lower_ == "of":
                places = [p for p in places if p.place_type == "city" and not _carried(token)]
            if places:
                reading = _Reading(trigger=token, kind="visit", actor=(), at=places[:1], located=True)
                out.append(reading)
                break
    return out


def _carried(person: Token) -> bool:
    """The person is what a passive verb acts on ("the driver, X of Y, was taken to hospital"): where
    they live says nothing of where they were."""
    head = person.head if person.dep_ == "appos" else person
    return head.dep_ == "nsubjpass"


def _contact_preps(person: Token) -> list[Token]:
    """'phoned her cousin X in Russia': the in/at of a verb that reaches its object where it is."""
    head = person.head if person.dep_ == "appos" else person
    verb = head.head
    if head.dep_ != "dobj" or verb.lemma_.lower() not in CONTACT_VERBS:
        return []
    return [c for c in verb.children if c.dep_ == "prep" and c.lower_ in ("in", "at")]


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


def _due_in(trigger: Token) -> bool:
    """'X is due in Y': the copula with the adjective 'due' and no 'to'-verb (that one is a plan)."""
    return trigger.lemma_.lower() == "be" and any(
        c.dep_ == "acomp" and c.lower_ == "due" and not any(g.dep_ == "xcomp" for g in c.children)
        for c in trigger.children
    )


def _after_visit(trigger: Token, earlier: list[_Reading]) -> Place | None:
    """The place of an event or a trip told in an 'after'/'following' phrase of a movement
    ("arrived back in X after talks in Y", "headed for X after a summit in Y", "After wrapping up
    talks in Y, she flew to X", "After a state visit to Y, he flew to X"): where the journey began.
    A stay in a country or wider region is too coarse to start from; a trip to a country is not."""
    for reading in earlier:
        t = reading.trigger
        if t.i == trigger.i or t.pos_ not in ("NOUN", "PROPN") or not _under_after(t, trigger):
            continue
        if reading.kind == "visit" and reading.at:
            place, coarse = reading.at[0], ("country",) + tuple(SCOPE_TYPES)
        elif reading.kind == "move" and t.lemma_.lower() in TRIP_NOUNS and reading.destinations:
            place, coarse = reading.destinations[-1], tuple(SCOPE_TYPES)
        else:
            continue
        if place.place_type not in coarse:
            return place
    return None


def _under_after(event: Token, trigger: Token) -> bool:
    """An event noun under an 'after'/'following' phrase of the trigger: "after talks",
    "after wrapping up talks", "after she wrapped up talks"."""
    if event.dep_ == "pobj":
        return _after_phrase(event.head, trigger)
    verb = event.head
    if event.dep_ != "dobj" or verb.pos_ != "VERB":
        return False
    if verb.dep_ == "pcomp":
        return _after_phrase(verb.head, trigger)
    return (
        verb.dep_ == "advcl"
        and verb.head.i == trigger.i
        and any(m.dep_ == "mark" and m.lower_ == "after" for m in verb.children)
    )


def _after_phrase(prep: Token, trigger: Token) -> bool:
    return prep.lower_ in ("after", "following") and prep.head.i == trigger.i


def _dateline_place(text: str, places: Sequence[Place], title: str | None = None) -> Place | None:
    """The place of a wire-service dateline ("JEDDAH, Saudi Arabia (AP) -", "SEOUL, Oct. 5
    (Yonhap) --"): where the story is told from, so where "arrived from X" arrives. A text that
    opens with its own headline has its dateline right after it ("Fair opens. SALEM --")."""
    match = re.match(
        r"\s*([A-Z][A-Z .'-]{2,40}?)\s*(?:,|\(|--|\u2014|-\s)", text[_after_headline(text, title) :]
    )
    if match is None:
        return None
    name = match.group(1).strip().casefold()
    for place in places:
        if place.name.casefold() == name or any(m.text.casefold() == name for m in place.mentions):
            return place
    return None


def _headline_town(text: str, places: Sequence[Place], title: str | None) -> Place | None:
    """The one town the headline a text opens with names ("Salem to host state fair"):
    in local news, the place the story is about, where its unnamed people are."""
    end = _after_headline(text, title)
    towns = {p.key: p for p in places if p.place_type == "city" and any(m.start < end for m in p.mentions)}
    return next(iter(towns.values())) if len(towns) == 1 else None


def _after_headline(text: str, title: str | None) -> int:
    """Where the text goes on after the headline it opens with (0 when it does not open with one)."""
    headline = (title or "").strip()
    opening = text.lstrip()
    if not headline or not opening.startswith(headline):
        return 0
    end = len(text) - len(opening) + len(headline)
    return re.match(r"[\s.]*", text[end:]).end() + end  # type: ignore[union-attr]


def _governor_subject(noun: Token) -> Token | None:
    """The subject of the verb a noun hangs from through a preposition ("visited a care home
    before an evening rally in X": the one who visited)."""
    if noun.dep_ == "pobj" and noun.head.dep_ == "prep" and noun.head.head.pos_ in ("VERB", "AUX"):
        return _subject_of(noun.head.head)
    return None


def _under_way(trigger: Token) -> bool:
    """Told under way, not arrived: 'was heading / was headed / were flying to X', 'bound for X'."""
    if trigger.lower_ == "bound" or _en_route(trigger):
        return True
    if (
        trigger.dep_ == "pobj"
        and trigger.head.lower_ == "during"
        and trigger.lemma_.lower() not in FRAME_TRIPS
    ):
        return True  # "during the flight to X, the plane was diverted": on its way to X
    diverted = trigger.dep_ in ("nsubj", "nsubjpass") and trigger.head.lemma_.lower() in DIVERT
    if trigger.pos_ == "NOUN" and diverted:
        return True  # "the flight from A to X was diverted to Y": on its way when diverted
    if trigger.pos_ not in ("VERB", "AUX") or trigger.lemma_.lower() in ARRIVAL_VERBS:
        return False
    if trigger.dep_ == "acl" and trigger.tag_ == "VBG":
        return True  # "a plane heading from A to B was forced to land": on its way when told
    past_aux = any(c.dep_ in ("aux", "auxpass") and c.lower_ in ("was", "were") for c in trigger.children)
    return past_aux and (
        trigger.tag_ == "VBG" or (trigger.tag_ == "VBN" and trigger.lemma_.lower() == "head")
    )


def _past_tense(trigger: Token) -> bool:
    """Told in the past ("traveled", "had flown", "his trip ... was"), not the present of a
    timetable ("On Friday the pope flies on to X")."""
    t = trigger
    if t.pos_ in ("NOUN", "PROPN") and not _verbal(t):
        t = t.head
    return t.tag_ in ("VBD", "VBN") or any(
        c.dep_ in ("aux", "auxpass") and c.tag_ == "VBD" for c in t.children
    )


def _pluperfect(trigger: Token) -> bool:
    """Told in the past perfect: "had traveled to X", "had left X and called at Y"."""
    t = trigger
    for _ in range(3):
        if t.tag_ == "VBN" and any(c.dep_ == "aux" and c.lower_ in ("had", "'d") for c in t.children):
            return True
        if (
            t.dep_ in ("conj", "xcomp")
            and t.head.i != t.i
            and not any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children)
        ):
            t = t.head
            continue
        return False
    return False


def _definite_or_ordinal(noun: Token) -> bool:
    """'the final stop', 'the next leg': a part of the trip told so far (not 'the arrival of NATO
    troops', whose 'of' names its own movers)."""
    if any(c.dep_ == "prep" and c.lower_ == "of" for c in noun.children):
        return False
    return any(
        (c.dep_ == "det" and c.lower_ in ("the", "this", "that"))
        or (c.dep_ == "amod" and c.lower_ in ("final", "last", "next", "first", "second", "third"))
        for c in noun.children
    )


def _is_background(trigger: Token) -> bool:
    """Told as background, not as the next step of the story: a relative clause in the past
    perfect ("Kishida, who had been on a visit to India, ...") or a clause under 'after'/'since'
    that hangs from something other than a journey ("The trip comes months after he traveled to X")."""
    if _habitual(trigger):
        return True
    t = trigger
    for _ in range(6):
        if (
            t.pos_ in ("VERB", "AUX")
            and t.dep_ == "relcl"
            and any(c.dep_ == "aux" and c.lower_ in ("had", "'d") for c in t.children)
        ):
            return True
        if t.pos_ in ("VERB", "AUX") and any(
            c.dep_ == "mark" and c.lower_ in ("after", "since") for c in t.children
        ):
            governor = t.head
            return governor.i != t.i and (not _is_trigger(governor) or _about_a_trip(governor))
        if t.dep_ in ("pcomp", "pobj") and t.head.lower_ in ("after", "since") and t.head.dep_ == "prep":
            governor = t.head.head
            return governor.pos_ in ("VERB", "AUX") and (not _is_trigger(governor) or _about_a_trip(governor))
        if t.head.i == t.i or t.dep_ in ("ROOT", "ccomp", "parataxis"):
            return False
        t = t.head
    return False


def _habitual(trigger: Token) -> bool:
    """Told as something done again and again, not one journey: "deployed numerous times to X",
    "had visited X twice before", "travels regularly to X"."""
    for child in trigger.children:
        if child.lower_ in HABITUAL or (
            child.lemma_.lower() == "time"
            and any(c.lower_ in HABITUAL or c.dep_ == "nummod" for c in child.children)
        ):
            return True
        if child.dep_ == "advmod" and any(g.lower_ in HABITUAL for g in child.children):
            return True  # "twice before"
    return False


def _about_a_trip(verb: Token) -> bool:
    """'The trip comes / follows ...': a verb whose subject is the journey itself moves nobody."""
    return any(c.dep_ in ("nsubj", "nsubjpass") and c.lemma_.lower() in MOVE_NOUNS for c in verb.children)


_NEXT = ("then", "later", "finally", "eventually")


def _elided_goals(readings: list[_Reading], index: _Index) -> list[_Reading]:
    """'They moved to A, before switching to B, and then finally their bungalow in C': a noun
    joined to a movement verb by 'and then' is the next goal of that movement, told after what
    comes between (a journey of its own, in told order)."""
    out = []
    for reading in readings:
        if reading.trigger.pos_ not in ("VERB", "AUX"):
            continue
        for child in reading.trigger.children:
            if (
                child.dep_ == "conj"
                and child.pos_ == "NOUN"
                and any(c.dep_ == "advmod" and c.lower_ in _NEXT for c in child.children)
            ):
                goals = [p for p in _places_under(child, index) if p not in reading.destinations]
                if goals:
                    out.append(_Reading(trigger=child, kind="move", actor=(), destinations=goals))
    return out


def _qualifies_the_origin(participle: Token, trigger: Token) -> bool:
    """'pulled out of X bound for Y', 'left X heading for Y': a participle hanging from the place
    left (only nouns and prepositions between it and the movement) goes on with that journey."""
    if participle.dep_ != "acl":
        return False
    t = participle.head
    while t.i != trigger.i:
        if t.pos_ not in ("NOUN", "PROPN", "ADP") or t.head.i == t.i:
            return False
        t = t.head
    return True


def _purpose_trip(noun: Token, verb: Token) -> bool:
    """'left A on Sunday for a state visit to B': the trip the departure is for goes on with it."""
    return (
        noun.pos_ == "NOUN"
        and noun.dep_ == "pobj"
        and noun.head.lower_ == "for"
        and noun.head.head.i == verb.i
        and verb.pos_ == "VERB"
    )


def _fold_purpose_ok(trip: _Reading) -> bool:
    """A trip told with its departure is one journey only to the towns it goes to: "left A for an
    expedition to Antarctica" or "for a tour of B and C" (countries) names the ground it covers,
    and its stops may come later."""
    return all(p.place_type in ("city", "county", "landmark", "airport") for p in trip.destinations)


def _fold_purpose_trips(readings: list[_Reading]) -> list[_Reading]:
    """'left A on Sunday for a visit to B': the departure goes where the trip it is for goes."""
    out = list(readings)
    for reading in readings:
        if reading.destinations or not reading.origins:
            continue
        trip = next(
            (
                o
                for o in out
                if _purpose_trip(o.trigger, reading.trigger)
                and o.destinations
                and not o.origins
                and _fold_purpose_ok(o)
            ),
            None,
        )
        if trip is not None:
            reading.destinations, reading.fan_out = list(trip.destinations), trip.fan_out
            reading.extra.extend(trip.trigger.subtree)
            out.remove(trip)
    return out


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
            linked = (
                (a.head.i == b.i and a.dep_ in ("advcl", "conj", "xcomp", "pcomp"))
                or (b.head.i == a.i and b.dep_ in ("advcl", "conj", "xcomp", "pcomp"))
                or _qualifies_the_origin(b, a)
            )
            if not linked:
                continue
            other.origins.extend(reading.origins)
            other.waypoints.extend(p for p in reading.waypoints if p not in other.waypoints)
            other.extra.extend(reading.trigger.subtree)
            out.remove(reading)
            break
    return out
