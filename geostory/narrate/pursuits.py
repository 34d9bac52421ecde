"""Pursuits: a chase told by where it began and where it ended is one journey of the one chased.

    Pursuits(index).read(sent, told) -> list[_Reading]    one journey per pursuit with both ends told

Local news tells a police chase by its ends, not by a verb of motion with "from" and "to": "a
10-minute car chase that began in Ashby ... The driver was caught near a park in Corley", "led
deputies on a chase from Ashby into Corley County", "fled from police in Ashby and was stopped on
Route 9 near Corley", "the ensuing pursuit ended in Corley". A pursuit is a `pursuit_word` of the
`chase` class (a chase, a pursuit, pursued), or of the `flee` class (fled, eluded) when what is fled
is a `pursuer` (police, a deputy) or a stop ("fled a traffic stop in Ashby").

Its start: a "from" of the pursuit; where a `pursuit_bound` of the `start` class hanging from it
says it began ("a chase that began in A", "the chase started in A"); where the one fleeing was when
it fled ("fled police in A"); where the chased was stopped before it ("after he had been stopped
inside the A city limits", "fled a traffic stop in A"). Its end: an "into/to" of the pursuit
("a chase into B"), or where a `pursuit_bound` of the `end` class of the same sentence says the
chase or the chased was stopped ("ended in B", "was caught near B", "crashed on B"); a chase whose
start only is told may end in the next sentence ("... began in A. The driver was caught in B").
No journey when either end is untold or both are one place. The mode is what the chase is told
with: a vehicle or a `pursuit_cue` word that names it ("a car chase", "a high-speed chase": speed), else a
vehicle its sentence names ("dragged by the suspect's vehicle").
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass

import numpy
from spacy.attrs import LEMMA
from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from geostory.model import Mode, Place
from geostory.narrate.lexicon import PURSUERS, PURSUIT_BOUNDS, PURSUIT_CUES, PURSUIT_WORDS, VEHICLES
from geostory.narrate.modality import _mode_word, _names_place
from geostory.narrate.people import _Index
from geostory.narrate.places import _apart
from geostory.narrate.reading import _places_under, _Reading

__all__ = ["Pursuits"]

# Where a chase began, was stopped or ended: "began in A", "stopped inside the A city limits".
_AT_PREPS = ("in", "at", "on", "near", "inside", "outside", "along")
_INTO_PREPS = ("into", "to", "onto")
_FROM_PREPS = ("from",)
_NEAR_PREPS = ("in", "near", "outside")
# Chase ends closer than this are one place ("began on Main Street in A and ended in A"); not
# geo.SAME_PLACE_KM, which is for the ends of a journey between towns.
CHASE_ENDS_APART_KM = 1.0
_NO_END_TYPES = ("continent", "water")
_STOPS = frozenset(w for w, c in PURSUERS.items() if c == "stop")
_CUE_DEPS = ("compound", "amod", "nmod")


@dataclass
class _Chase:
    """A pursuit whose start is told and whose end may come in the next sentence."""

    start: Place
    mode: Mode


def _is(token: Token, words: Iterable[str]) -> bool:
    return token.lemma_.lower() in words or token.lower_ in words


def _places(prep: Token, index: _Index) -> list[Place]:
    """The places a preposition's object names, else those its own 'in/near' names ("stopped on
    the highway near B", "ended on a farm road in the B area")."""
    found: list[Place] = []
    for pobj in prep.children:
        if pobj.dep_ != "pobj":
            continue
        here = _places_under(pobj, index)
        if not here:
            here = _prep_places(pobj, _NEAR_PREPS, index)
        found.extend(p for p in here if p.place_type not in _NO_END_TYPES)
    return found


def _prep_places(token: Token, preps: tuple[str, ...], index: _Index) -> list[Place]:
    """Places the token's own prepositions of `preps` name, in told order."""
    preps_here = [c for c in token.children if c.dep_ == "prep" and c.lower_ in preps]
    return [p for prep in preps_here for p in _places(prep, index)]


def _told_before(verb: Token) -> bool:
    """'after he had been stopped in A': something told as coming before the clause it hangs from."""
    return any(c.dep_ == "mark" and c.lower_ in ("after", "since") for c in verb.children) or any(
        c.dep_ == "aux" and c.lower_ in ("had", "'d") for c in verb.children
    )


def _fled_from(verb: Token) -> list[Token]:
    """What a flight is from: its object or the object of its 'from' ("fled police", "fled from a stop")."""
    out = [c for c in verb.children if c.dep_ == "dobj"]
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ in _FROM_PREPS:
            out.extend(c for c in prep.children if c.dep_ == "pobj")
    return out


def _pursuer(token: Token) -> bool:
    """A pursuer or a stop, or a phrase headed by one ("a sheriff's deputy", "a traffic stop")."""
    return token.pos_ in ("NOUN", "PROPN") and _is(token, PURSUERS)


def _is_pursuit(token: Token) -> bool:
    """A chase noun or verb, or a flight from a pursuer or a stop."""
    kind = PURSUIT_WORDS.get(token.lemma_.lower())
    if kind == "chase":
        return token.pos_ in ("NOUN", "VERB")
    if kind == "flee":
        return token.pos_ == "VERB" and any(_pursuer(t) for t in _fled_from(token))
    return False


def _governor(word: Token) -> Token | None:
    """The verb a chase noun is told with: "led deputies on a chase", "gave chase"."""
    head = word.head
    if word.dep_ == "pobj" and head.dep_ == "prep" and head.lower_ == "on" and head.head.pos_ == "VERB":
        return head.head
    if word.dep_ == "dobj" and head.pos_ == "VERB":
        return head
    return None


def _bound_verbs(word: Token, sent: SpacySpan, kind: str) -> list[Token]:
    return [
        t for t in sent if t.pos_ == "VERB" and t.i != word.i and PURSUIT_BOUNDS.get(t.lemma_.lower()) == kind
    ]


def _start(word: Token, sent: SpacySpan, index: _Index) -> list[Place]:
    """Where the pursuit began, was fled from, or where the chased was stopped before it."""
    governor = _governor(word)
    found = _prep_places(word, _FROM_PREPS, index)
    if governor is not None:
        found += _prep_places(governor, _FROM_PREPS, index)
    for verb in _bound_verbs(word, sent, "start"):
        # "a chase that began in A", "the chase started in A"
        if (verb.head.i == word.i and verb.dep_ in ("relcl", "acl")) or any(
            c.i == word.i and c.dep_ == "nsubj" for c in verb.children
        ):
            found += _prep_places(verb, _AT_PREPS, index)
    if PURSUIT_WORDS.get(word.lemma_.lower()) == "flee":
        found += _prep_places(word, _AT_PREPS, index)  # "fled police in A"
        for fled in _fled_from(word):
            found += _prep_places(fled, _AT_PREPS, index)  # "fled a traffic stop in A"
    for token in sent:
        # "after he had been stopped inside the A city limits", "after a traffic stop in A"
        if _is(token, _STOPS) and (
            (token.pos_ == "VERB" and _told_before(token))
            or (token.pos_ == "NOUN" and token.head.lower_ in ("after", "from") and token.dep_ == "pobj")
        ):
            found += _prep_places(token, _AT_PREPS, index)
    return found


def _end_verb(verb: Token) -> bool:
    return verb.pos_ == "VERB" and PURSUIT_BOUNDS.get(verb.lemma_.lower()) == "end" and not _told_before(verb)


def _end(word: Token, sent: SpacySpan, index: _Index) -> list[Place]:
    """Where the pursuit went into, or where it (or the chased) was stopped, caught or ended."""
    found = _prep_places(word, _INTO_PREPS, index)
    governor = _governor(word)
    if governor is not None:
        found += _prep_places(governor, _INTO_PREPS, index)
    for verb in sent:
        if verb.i != word.i and _end_verb(verb):
            found += _prep_places(verb, _AT_PREPS + _INTO_PREPS, index)
    return found


def _mode(word: Token, sentences: list[SpacySpan]) -> Mode:
    """A vehicle or cue the chase is named by ("a car chase", "a high-speed chase": speed), else the first
    vehicle its sentences name ("dragged by his vehicle")."""
    for child in word.children:
        if child.dep_ in _CUE_DEPS:
            cue = PURSUIT_CUES.get(child.lower_) or _mode_word(child)
            if cue is not None:
                return cue
    for sent in sentences:
        for token in sent:
            if token.lemma_.lower() in VEHICLES and not _names_place(token):
                mode = _mode_word(token)
                if mode is not None:
                    return mode
    return "unknown"


def _ends_apart(start: Place, end: Place) -> bool:
    return _apart(start, end, CHASE_ENDS_APART_KM)


def _journey(trigger: Token, start: Place, end: Place, mode: Mode) -> _Reading:
    reading = _Reading(trigger=trigger, kind="move", actor=(), origins=[start], destinations=[end], at=[end])
    reading.mode, reading.mode_explicit = mode, mode != "unknown"
    return reading


class Pursuits:
    """The pursuits of one article, read sentence by sentence (a chase's end may be told in the
    sentence after its start)."""

    def __init__(self, index: _Index) -> None:
        self.index = index
        self.pending: _Chase | None = None
        # Where the article's pursuit words and end verbs are, found once by lemma (a sentence
        # with none is passed by without looking at its tokens).
        self._words = _lemma_positions(index, PURSUIT_WORDS)
        self._ends = _lemma_positions(index, [w for w, c in PURSUIT_BOUNDS.items() if c == "end"])

    def read(self, sent: SpacySpan, told: list[_Reading]) -> list[_Reading]:
        """One journey for each pursuit of the sentence with both ends told (or for the pursuit of
        the sentence before, ended here); `told` are the sentence's movements already read (a
        journey one of them tells is not told twice)."""
        pending, self.pending = self.pending, None
        if not _any_in(self._words, sent):
            if pending is None or not _any_in(self._ends, sent):
                return []
            return self._ended_here(sent, pending, told)
        words = [t for t in sent if t.lemma_.lower() in PURSUIT_WORDS and _is_pursuit(t)]
        if not words:
            return self._ended_here(sent, pending, told) if pending is not None else []
        out: list[_Reading] = []
        for word in words:
            starts, ends = _start(word, sent, self.index), _end(word, sent, self.index)
            if not starts:
                continue
            mode = _mode(word, [sent])
            end = next((e for e in ends if _ends_apart(starts[0], e)), None)
            if end is None:
                if not ends:
                    self.pending = _Chase(starts[0], mode)
                continue
            if not _told(told, starts[0], end):
                out.append(_journey(word, starts[0], end, mode))
            break  # one chase a sentence: the other words tell the same one
        return out

    def _ended_here(self, sent: SpacySpan, chase: _Chase, told: list[_Reading]) -> list[_Reading]:
        """'... a chase that began in A. The driver was caught near B.'"""
        for verb in sent:
            if not _end_verb(verb):
                continue
            ends = _prep_places(verb, _AT_PREPS + _INTO_PREPS, self.index)
            if not ends:
                continue
            if _ends_apart(chase.start, ends[0]) and not _told(told, chase.start, ends[0]):
                mode = chase.mode if chase.mode != "unknown" else _mode(verb, [sent])
                return [_journey(verb, chase.start, ends[0], mode)]
            return []
        return []


def _lemma_positions(index: _Index, lemmas: Iterable[str]) -> list[int]:
    """The sorted token positions of the article whose lemma is one of `lemmas` (as written or
    capitalised)."""
    strings = index.doc.vocab.strings
    ids = [strings.add(form) for w in lemmas for form in (w, w.capitalize())]
    found = numpy.flatnonzero(
        numpy.isin(index.doc.to_array([LEMMA]).reshape(-1), numpy.array(ids, dtype="uint64"))
    )
    return [int(i) for i in found]


def _any_in(positions: list[int], sent: SpacySpan) -> bool:
    at = bisect_left(positions, sent.start)
    return at < len(positions) and positions[at] < sent.end


def _told(told: list[_Reading], start: Place, end: Place) -> bool:
    """A movement of the sentence already goes from `start` to `end`."""
    return any(
        r.kind == "move"
        and any(d.key == end.key for d in r.destinations)
        and any(o.key == start.key for o in r.origins)
        for r in told
    )
