"""Read journeys (Leg) and visits or events (Visit) from a parsed article.

    narrate(article, doc, places, unresolved=()) -> Story

The stage is a small pipeline; each step is a module:

    lexicon     the words journeys are told with (data/lexicon.tsv, data/modes.tsv), validated at load
    patterns    spaCy Matcher patterns as data (data/patterns.json): mode phrases ("by air", "on foot")
    reading     one clause: movement and visit triggers, the places in their roles (from/to/via/in-at,
                objects, compounds), the clauses that tell one journey together folded into one
    people      who moves: the article's people and groups, pronouns and titles, vehicles as movers
    modality    how sure (reported, planned, possible; negated or cancelled drops it), mode, date
    events      one frozen MotionEvent(trigger, mover, source, goal, path, vehicle, when, modality,
                evidence) per movement, one VisitEvent per stay, in told order
    itinerary   each mover's position across the whole article (an origin left unsaid is where the
                mover was last told to be: an arrival, a stay, the dateline), and the ordered tables
                of named rules (MOVE_RULES, VISIT_RULES) that turn events into Legs and Visits

Only the head of a preposition's object counts, so appositives and qualifiers ("Pyongyang, North
Korea's capital"; "a university in Vladivostok") are never endpoints, and names after "rather than",
"instead of", "not" are dropped. With no mode cue at all, a leg longer than
`itinerary.AIR_DEFAULT_KM` (geodesic) is `air` (or `sea` when its mover's other legs went by sea),
marked `mode_inferred`. A journey with no known origin is not drawn: its destination becomes a
Visit until the origin is told. The same mover's same journey told twice is one Leg.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc

from geostory.model import Article, Mention, Place, Story
from geostory.narrate.events import read_events
from geostory.narrate.itinerary import build_story

__all__ = ["narrate"]


def narrate(article: Article, doc: Doc, places: Sequence[Place], unresolved: Sequence[Mention] = ()) -> Story:
    """Read journeys (Leg) and visits/events (Visit) from the parsed article; geometry is left to route.

    `doc` is the article parsed by spaCy (`doc.text == article.text`); `places` are resolved
    places whose mentions carry character offsets into the text. Legs and visits come back in
    the order the article tells them.
    """
    return build_story(article, places, unresolved, read_events(article, doc, places))
