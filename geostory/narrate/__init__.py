"""Read journeys (Leg) and visits or events (Visit) from a parsed article.

    narrate(article, doc, places, unresolved=(), nations=()) -> Story

The stage is a small pipeline; each step is a module:

    lexicon     the words journeys are told with (data/lexicon.tsv, data/modes.tsv), validated at load
    patterns    spaCy Matcher patterns as data (data/patterns.json): mode phrases ("by air", "on foot")
    reading     one clause: movement and visit triggers, the places in their roles (from/to/via/in-at,
                "between A and B", objects, compounds; PREP_GUARDS drop the prepositions that say
                nothing of the journey), the clauses that tell one journey together folded into one
    contests    a town's group (a team, a band, a school) that competes, performs or earns its place
                at an event in another place went there from its town (data: contest_verb,
                contest_noun, contest_group)
    pursuits    a chase told by where it began and where it ended ("a car chase that began in A ...
                the driver was caught in B") is one leg of the chased (data: pursuit_word,
                pursuit_bound, pursuer, pursuit_cue)
    people      who moves: the article's people and groups, pronouns and titles, vehicles as movers
                (ACTOR_RULES, an ordered table of named rules)
    modality    how sure (STATUS_RULES: reported, planned, possible; negated or cancelled drops it),
                mode, date
    events      one frozen MotionEvent(trigger, mover, source, goal, path, vehicle, when, modality,
                evidence) per movement, one VisitEvent per stay or incident, in told order
    itinerary   each mover's position across the whole article (an origin left unsaid is where the
                mover was last told to be: an arrival, a stay, "in X", the dateline), and the ordered
                tables of named rules (EVENT_RULES, MOVE_RULES, VISIT_RULES) that turn events into
                Legs and Visits

What the itinerary holds to:
- An origin left unsaid comes only from where the mover was told to be: an earlier arrival or stay
  ("her cousin X in Russia", "X, of Lyon", "their home was in X", "was arrested in X"), a stay told
  before the movement ("after ten years in X", "X, who had been in A, was driven to B"), the scene
  of an incident for the people it happened to ("A bus crashed near X. The injured were flown to
  Y"), the dateline. Only when the whole article never tells it, a journey told as happening
  ("flew to X", "made a visit to X") sets out from where its one mover is named as coming from:
  a nation ("Austrian Minister X"), a town ("X, of Salem,", "the Salem-based firm", "X, pastor of a
  church in Salem,"), or, for a named person travelling alone and not carried, the one home any
  other mention of them names ("Austria's Deputy Trade Minister, X, said ..." ... "X is on a visit
  to Rome"; "the Chancellor of Austria"). A stay at a name the map cannot show leaves the origin unknown.
- Where the story is: its dateline (also right after the headline a text opens with), else the one
  town that headline names. Anyone of a kind ("people", "residents", "you") or a mover a verb leaves
  unnamed, placed nowhere, sets out from there; "came from X", told no further, comes there; and
  anyone of a kind is never the story's last mover.
- A vehicle and its passengers are one itinerary ("the family was flying ... the plane was headed
  ..."); a group that fans out ("members are heading to A and B") stays at its base; "a trip to A
  and a trip to B" both leave from there; joining a group on the move goes where it goes.
- A return goes back to where the trip began: "flew to B ... returned to A", the start never told,
  makes A -> B the first leg. An origin the clause does not tell (where the story is, a home
  inferred from a name) within `itinerary.LOCAL_HOP_KM` of the place reached is a hop within one
  town, not a journey; nor is a leg drawn between two pins on one spot.
- A country, state or town that sends ("Egypt dispatched its envoy to X") is where what it sends
  sets out from; a journey told only by its last stop or the town it passes ("after a stopover
  in A, flew to B", "travelled to B via A") goes on from there, unless the mover is placed.
- A journey told under way ("was headed for X", "bound for X", "crashed en route from A to B",
  "pulled out of A bound for B") has not reached X: a diversion
  ("rerouted to Y", "was due to fly to X but ended up in Y") or "continued on to Y" leaves from
  where it set out, and the replaced plan stays planned. A possible journey ("suspected of
  carrying X to Y") does not move its mover.
- A route ("flights between A and B", "a rail service connecting A, B and C", "the A-B route") is
  drawn from its told ends; it moves nobody and nothing chains from it.
- A first-level region holds the towns of its admin1 and a country its towns: "to Montana ... to
  Bozeman" refines the last leg instead of adding one.

A site told by a common noun ("left the camp", "flown to the hospital") is where the article last
told such a site to be ("camped out in X", "a hospital in Y").

Only the head of a preposition's object counts, so appositives and qualifiers ("Pyongyang, North
Korea's capital"; "a university in Vladivostok") are never endpoints, and names after "rather than",
"instead of", "not" are dropped. With no mode cue at all, a leg longer than
`itinerary.AIR_DEFAULT_KM` (geodesic) is `air` (or `sea` when its mover's other legs went by sea),
marked `mode_inferred`; a mover named by its vehicle ("the convoy") goes by that vehicle. A journey
with no known origin is not drawn: its destination becomes a Visit until the origin is told. The
same mover's same journey told twice is one Leg.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc

from geostory.model import Article, Mention, Place, Story
from geostory.narrate.events import read_events
from geostory.narrate.itinerary import build_story

__all__ = ["narrate"]


def narrate(
    article: Article,
    doc: Doc,
    places: Sequence[Place],
    unresolved: Sequence[Mention] = (),
    nations: Sequence[Place] = (),
) -> Story:
    """Read journeys (Leg) and visits/events (Visit) from the parsed article; geometry is left to route.

    `doc` is the article parsed by spaCy (`doc.text == article.text`); `places` are resolved
    places whose mentions carry character offsets into the text; `unresolved` are the mentions
    the resolver could not place (a mover told to be at one is not where it was before); `nations`
    are countries the article names only by their people ("Canadian Foreign Minister X"): no pins,
    but where a mover comes from when the article never says. Legs and
    visits come back in the order the article tells them.
    """
    return build_story(article, places, unresolved, read_events(article, doc, places, unresolved, nations))
