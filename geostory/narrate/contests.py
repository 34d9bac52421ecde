"""Contests away: a town's group that competes or performs at an event in another place went there.

    away_contests(sent, index, setting, stop) -> list[_Reading]    one journey per such clause

Local news tells a trip by what a team, a band or a school did at the event, not by a verb of
motion: "the Elm Grove High School marching band won first prize at the regional festival in
Carver", "the Elm Grove choir will compete at the state contest in Halden", "Ridgefield played the
away match in Norland". The group is named by its organisation (a word of `contest_group` under the subject:
team, band, school, club), or by its town alone ("Ridgefield lost at ..."), and a contest word is
told in the sentence (`contest_noun`: tournament, meet, competition, leg). Its origin is the town
named inside or before the group's name ("the Elm Grove High School band", "the team from Elm
Grove"), else, for a group named by nothing but its kind ("the team"), where the story is. The
goal is a place an "in/at" of the clause names by itself: a place inside another organisation's
name ("at Halden High School", "the team of Halden"), what the group beat ("a win over Halden")
and the group's own town are no goal. A `contest_verb` of the `qualify` class ("advanced to",
"earned a spot at") tells a trip still to come: planned.
"""

from __future__ import annotations

import bisect
import weakref
from collections.abc import Iterable

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from geostory.model import Place
from geostory.narrate.lexicon import CONTEST_GROUPS, CONTEST_NOUNS, CONTEST_VERBS, SCOPE_TYPES
from geostory.narrate.people import _Index
from geostory.narrate.places import _apart
from geostory.narrate.reading import _clause, _Reading

__all__ = ["away_contests"]

# An event this close to the group's town is held at home ("at the high school in its own town").
HOME_EVENT_KM = 10.0
_SUBJECT_DEPS = ("nsubj", "nsubjpass")
# Where the subject of a participle or a clause that has none of its own is found: "X won the
# cup in A, finishing ahead at B" (finishing: X's), "X lost the match played in A" (the match X played).
_UP_DEPS = ("advcl", "xcomp", "conj", "acl", "dobj", "pobj", "prep", "relcl")
# Inside the group's name and what qualifies it, not a clause about someone else.
_NAME_DEPS = ("compound", "nmod", "poss", "amod", "det", "case", "punct", "npadvmod", "appos")
_FROM_PREPS = ("from", "of")
_AT_PREPS = ("in", "at")


def _is(token: Token, words: Iterable[str]) -> bool:
    return token.lemma_.lower() in words or token.lower_ in words


def _town(token: Token, index: _Index) -> Place | None:
    place = index.place(token)
    if place is None or place.place_type in ("country", *SCOPE_TYPES) or token.i in index.demonym_tokens:
        return None
    return place


def _competitor(verb: Token) -> list[Token]:
    """The subject tokens of the clause the contest verb is in: its own, or (a participle, a clause
    with no subject) the one of the verb it hangs from; a noun-phrase piece the parser split off
    before the verb (a band's name ending in a numeral, "... Band I won") counts with it."""
    token = verb
    for _ in range(5):
        if token.pos_ in ("VERB", "AUX"):
            found = [
                c
                for c in token.children
                if c.dep_ in _SUBJECT_DEPS
                or (c.dep_ == "npadvmod" and c.i < token.i and c.pos_ in ("PROPN", "NOUN"))
            ]
            if found:
                return found
        if token.dep_ not in _UP_DEPS or token.head.i == token.i:
            return []
        token = token.head
    return []


def _name_tokens(subjects: list[Token]) -> list[Token]:
    """The tokens of the group's name: the subject and what names it ("the Elm Grove High School
    band", "Elm Grove's team", "the team from Elm Grove"), not a clause about it."""
    out: list[Token] = []
    stack = list(subjects)
    while stack:
        token = stack.pop()
        out.append(token)
        for child in token.children:
            if child.dep_ in _NAME_DEPS or (child.dep_ == "prep" and child.lower_ in _FROM_PREPS):
                stack.append(child)
            elif child.dep_ == "pobj" and token.lower_ in _FROM_PREPS:
                stack.append(child)
    return sorted(out, key=lambda t: t.i)


def _named_towns(name: list[Token], index: _Index) -> list[Place]:
    """The towns the name holds: a token the map places, or proper names that spell a town the map
    holds at another mention (an organisation's name often hides its town from the recognizer:
    "the Elm Grove High School band" ... "in Elm Grove")."""
    towns = [p for p in (_town(t, index) for t in name) if p is not None]
    if towns:
        return towns
    spelled = _spelled_towns(index)
    doc = index.doc
    words = {t.i for t in name if t.pos_ == "PROPN"}
    for start in sorted(words):
        end = start
        while end + 1 in words and end + 1 - start < 4:
            end += 1
            place = spelled.get(doc[start : end + 1].text.lower())
            if place is not None:
                return [place]
        place = spelled.get(doc[start].text.lower())
        if place is not None:
            return [place]
    return []


# An article's contest-noun positions, kept while its index lives (asked once per sentence).
_NOUNS_AT: weakref.WeakKeyDictionary[_Index, list[int]] = weakref.WeakKeyDictionary()


def _contest_noun_positions(index: _Index) -> list[int]:
    """Where the article may name an event (a contest noun as lemma or as written), found once
    from the columns."""
    if index not in _NOUNS_AT:
        import numpy
        from spacy.attrs import LEMMA, LOWER

        strings = index.doc.vocab.strings
        ids = numpy.array(
            [strings.add(f) for w in CONTEST_NOUNS for f in (w, w.capitalize())], dtype="uint64"
        )
        table = index.doc.to_array([LEMMA, LOWER]).reshape(-1, 2)
        hit = numpy.isin(table[:, 0], ids) | numpy.isin(table[:, 1], ids)
        _NOUNS_AT[index] = [int(i) for i in numpy.flatnonzero(hit)]
    return _NOUNS_AT[index]


# An article's spelled towns, kept while its index lives (asked once per contest verb).
_SPELLED: weakref.WeakKeyDictionary[_Index, dict[str, Place]] = weakref.WeakKeyDictionary()


def _spelled_towns(index: _Index) -> dict[str, Place]:
    """The towns the map holds, by how the article spells them."""
    if index in _SPELLED:
        return _SPELLED[index]
    spelled = _SPELLED[index] = {}
    for i, mention in index.token_mention.items():
        place = _town(index.doc[i], index)
        if place is not None and mention.kind != "demonym":
            spelled.setdefault(mention.text.lower(), place)
    return spelled


def _group_and_town(name: list[Token], index: _Index, setting: Place | None) -> tuple[bool, Place | None]:
    """Whether the subject names a town's group, and that town: one named in the name, else the
    town alone used as the group's name ("Ridgefield lost"), else, for a group named only by its
    kind ("the team", no other proper name), where the story is."""
    towns = _named_towns(name, index)
    group = any(t.pos_ in ("NOUN", "PROPN") and _is(t, CONTEST_GROUPS) for t in name)
    if towns:
        return True, towns[0]
    if group and setting is not None and not any(t.pos_ == "PROPN" for t in name):
        return True, setting
    return group, None


def _goals(verb: Token, stop: set[int], index: _Index) -> list[Place]:
    """Places an 'in/at' of the verb's clause names by itself ("at the district meet in Carver",
    "played in Norland"); a place inside an organisation's name is not one ("at Carver High")."""
    found: list[Place] = []
    for token in _clause(verb, stop):
        if token.dep_ != "prep" or token.lower_ not in _AT_PREPS:
            continue
        for pobj in token.children:
            place = index.place(pobj) if pobj.dep_ == "pobj" else None
            if place is not None and place.place_type not in ("continent", "water"):
                if all(p.key != place.key for p in found):
                    found.append(place)
    return found


def _away(goal: Place, home: Place) -> bool:
    return _apart(goal, home, HOME_EVENT_KM)


def away_contests(
    sent: SpacySpan, index: _Index, setting: Place | None, stop: set[int], told: list[_Reading]
) -> list[_Reading]:
    """One journey from the group's town to where it competed (or earned its place), for each
    contest verb of the sentence whose subject names a town's group; `told` are the sentence's
    movements already read (a goal one of them reaches is not told twice)."""
    positions = _contest_noun_positions(index)  # a sentence with none is passed by unread
    at = bisect.bisect_left(positions, sent.start)
    if not (at < len(positions) and positions[at] < sent.end):
        return []
    if not any(t.pos_ in ("NOUN", "PROPN") and _is(t, CONTEST_NOUNS) for t in sent):
        return []
    reached = {d.key for r in told if r.kind == "move" for d in r.destinations}
    out: list[_Reading] = []
    for verb in sent:
        kind = CONTEST_VERBS.get(verb.lemma_.lower()) if verb.pos_ in ("VERB", "AUX") else None
        if kind is None:
            continue
        name = _name_tokens(_competitor(verb))
        group, home = _group_and_town(name, index, setting)
        if not group or home is None:
            continue
        goals = [g for g in _goals(verb, stop - {verb.i}, index) if _away(g, home) and g.key not in reached]
        if not goals:
            continue
        mover = verb.doc[name[0].i : name[-1].i + 1].text
        reading = _Reading(
            trigger=verb, kind="move", actor=(mover,), origins=[home], destinations=goals[:1], at=goals[:1]
        )
        reading.group = (mover,)
        reading.qualifies = kind == "qualify"
        out.append(reading)
    return out
