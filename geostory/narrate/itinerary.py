"""Itineraries: where each mover is, as told, and the legs and visits that come out of it.

    build_story(article, places, unresolved, reading) -> Story

The events of the whole article are read in told order. Each mover (a person, a group, a ship, a
cargo) has a `_Position`: where it last was told to be (an arrival, a stay, "in X", the dateline),
where its trip began, how it has gone, and whether it is still under way. Each movement event
goes through `EVENT_RULES` (the event alone: background, scope, routes), then, its mover located,
through `MOVE_RULES`: ordered tables of small named rules, each of which either rewrites what the
event says in the light of what came before, or consumes it (draws a leg, moves the mover, or
leaves it as a visit). The first rule that consumes the event ends its reading. Stays go through
`VISIT_RULES`, whose first verdict says whether the stay moves its actors; a stay told as the next
step of a movement ("arrive at X, then take part in a meeting in Y") is read as a journey to Y.
With `fired`, `build_story` records which rule acted on which event.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise

from geostory.model import Article, Leg, Mention, Mode, Place, Story, Visit
from geostory.narrate.events import Event, MotionEvent, Reading, VisitEvent
from geostory.narrate.lexicon import ARRIVAL_VERBS, LIGHT, MODE_WORDS, SCOPE_TYPES, SPEECH, STOPS, VEHICLES
from geostory.narrate.places import _apart, _contains, _in_country, _km

__all__ = ["build_story", "EVENT_RULES", "MOVE_RULES", "VISIT_RULES"]

# A leg told with a generic verb ("will then travel to X") goes on as the trip has gone; a plane
# is not taken for a short hop.
MIN_AIR_CARRY_KM = 300
# A land mode carried over ("returned", "continued") is not kept beyond this (geodesic km).
MAX_LAND_CARRY_KM = 1500
# No mode cue: a leg this long in news is almost always flown (or sailed, by a ship).
AIR_DEFAULT_KM = 800.0
# Two places this close are one place for a journey's start ("Vatican" / "Rome").
SAME_PLACE_KM = 50.0
# A stay this far from where the mover was moves it there.
STAY_MOVES_KM = 50.0
# A next stop ("arrive at X, then take part in Y") closer than this is a venue of the same place: no leg.
NEXT_STOP_KM = 10.0
STATUS_RANK = {"reported": 0, "planned": 1, "possible": 2}
DATELINE_ARRIVALS = frozenset({"arrive", "come", "travel", "journey", "land"})


Actor = tuple[str, ...]


@dataclass
class _Position:
    place: Place | None = None
    start: Place | None = None  # where the mover's trip began
    mode: Mode = "unknown"  # mode of a departure not yet matched with an arrival
    waypoints: list[Place] = field(default_factory=list)
    trip_mode: Mode = "unknown"  # how the trip has gone so far ("departed aboard a government plane")
    last_leg: int | None = None  # index of the leg that brought the mover here
    pending: Place | None = None  # reached by an arrival told without its origin ("arrived in X")
    pending_verb: bool = False  # that arrival was told by a verb ("flew into X"), at a city or a site
    course_from: Place | None = None  # told under way from here ("was heading from A to X"), not arrived
    pending_home: Place | None = None  # where the mover of the pending arrival is named as coming from
    pending_ev: MotionEvent | None = None  # the event that told the pending arrival


@dataclass
class _Trip:
    """The discourse state of the whole article: every mover's position, the legs drawn so far."""

    article: Article
    events: tuple[Event, ...]
    people: frozenset[str]
    dateline: Place | None
    setting: Place | None = None  # where the story is: the dateline, else the headline's one town
    legs: list[Leg] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    move_visits: list[tuple[Visit, Actor]] = field(default_factory=list)
    positions: dict[Actor, _Position] = field(default_factory=dict)
    updated: dict[Actor, int] = field(default_factory=dict)  # mover -> when its position last changed
    clock: int = 0
    origin_here: set[tuple[int, str]] = field(
        default_factory=set
    )  # (sentence start, place): a journey began there
    fired: list[tuple[int, str]] | None = None  # (event number, rule) when tracing
    scene: tuple[int, Place] | None = None  # (event number, place) of the last incident told

    def position_of(
        self, actor: Actor, has_origin: bool, introduced: bool = False, moving: bool = True
    ) -> _Position:
        """The mover's position; one not seen yet starts where a group it belongs to is ("A and
        his wife left X" ... "A flew to Y"), or, for a vehicle or group without a person's name
        ("the plane", "the convoy"), goes on with the story's last mover when it is told moving:
        a vehicle and its passengers are one itinerary (told at a stay, it starts from a copy)."""
        if actor in self.positions:
            return self.positions[actor]
        pos = _Position()
        if not has_origin:
            members = [k for k in self.updated if k and set(k) & set(actor)]
            if members:
                source = self.positions[max(members, key=self.updated.__getitem__)]
                pos = _Position(
                    place=source.place,
                    start=source.start,
                    mode=source.mode,
                    trip_mode=source.trip_mode,
                    course_from=source.course_from,
                )
            elif actor and not introduced and not (set(actor) & self.people) and self.updated:
                last = self.positions[max(self.updated, key=self.updated.__getitem__)]
                pos = (
                    last
                    if moving
                    else _Position(place=last.place, start=last.start, trip_mode=last.trip_mode)
                )
        self.positions[actor] = pos
        return pos

    def placed(self, actor: Actor, introduced: bool) -> bool:
        """The mover (or a group it was part of, or for "the team", the story) is somewhere already."""
        if actor in self.positions:
            return self.positions[actor].place is not None
        if any(set(k) & set(actor) and self.positions[k].place is not None for k in self.updated if k):
            return True
        return bool(actor) and not introduced and not (set(actor) & self.people) and bool(self.updated)

    def moved(self, actor: Actor, under_way: bool = False) -> None:
        """The mover's position changed; unless it is told under way, it has arrived where it is."""
        self.clock += 1
        self.updated[actor] = self.clock
        pos = self.positions[actor]
        if not under_way:
            pos.course_from = None
        if len(actor) > 1:  # "the two leaders rode from A to B": each of them is at B now
            for name in actor:
                start = self.positions.get((name,), pos).start or pos.start
                self.positions[(name,)] = _Position(
                    place=pos.place,
                    start=start,
                    trip_mode=pos.trip_mode,
                    pending=pos.pending,
                    pending_verb=pos.pending_verb,
                    course_from=pos.course_from,
                )
                self.updated[(name,)] = self.updated[actor]

    def leg(self, index: int | None) -> Leg | None:
        """The leg drawn at `index` (a position's `last_leg`), None for none."""
        return self.legs[index] if index is not None else None

    def add_leg(
        self, origin: Place, destination: Place, ev: MotionEvent, mode: Mode, waypoints: list[Place]
    ) -> bool:
        if (
            origin.key == destination.key
            or _in_country(origin, destination)
            or _in_country(destination, origin)
        ):  # a region and a town in it may be told as a journey (a misread town may be a region)
            return False
        kept = tuple(w for w in waypoints if w.key not in (origin.key, destination.key))
        self.legs.append(
            Leg(
                origin=origin,
                destination=destination,
                mode=mode,
                status=ev.modality,
                evidence=ev.evidence,
                waypoints=kept,
                actors=ev.mover,
                when=ev.when,
            )
        )
        return True

    def visit_of(self, ev: MotionEvent, place: Place) -> None:
        """A journey's destination kept as a visit, unless a leg to it is drawn in the end."""
        self.move_visits.append(
            (
                Visit(
                    place=place,
                    evidence=ev.evidence,
                    status=ev.modality,
                    actors=ev.mover,
                    when=ev.when,
                    event=ev.trigger.text,
                ),
                ev.mover,
            )
        )


@dataclass
class _Step:
    """One movement event being read, before its mover is located: the event, as rules rewrite it."""

    n: int
    ev: MotionEvent
    background: bool = False


@dataclass
class _Located:
    """The event with its mover located: where the mover is, how it travels, where the journey goes."""

    n: int
    ev: MotionEvent
    pos: _Position
    mode: Mode = "unknown"
    origin: Place | None = None
    destinations: list[Place] = field(default_factory=list)
    arriving: int | None = None  # the leg that brought the mover where it is


EventRule = Callable[[_Trip, _Step], bool]
Rule = Callable[[_Trip, _Located], bool]


def _trip_mode(pos: _Position, origin: Place, destination: Place, mode: Mode, ev: MotionEvent) -> Mode:
    """'continued to X', 'returned to X': as the trip went so far, within reason."""
    if (
        mode != "unknown"
        or pos.trip_mode == "unknown"
        or not (ev.trigger.continues or ev.returning or ev.home)
    ):
        return mode
    if pos.trip_mode == "air" and _km(origin, destination) < MIN_AIR_CARRY_KM:
        return mode
    if pos.trip_mode in ("rail", "road") and _km(origin, destination) > MAX_LAND_CARRY_KM:
        return mode  # "took the bullet train to X ... return to Y" across an ocean: not by train
    return pos.trip_mode


def _refine_last_leg(trip: _Trip, pos: _Position, destination: Place, mode: Mode) -> None:
    """The mover's last leg ends, more precisely, at `destination`; it keeps its mode if it had one."""
    kept = trip.leg(pos.last_leg)
    if kept is not None and pos.last_leg is not None:
        trip.legs[pos.last_leg] = replace(
            kept, destination=destination, mode=kept.mode if kept.mode != "unknown" else mode
        )
    pos.place = destination


# ---------------------------------------------------------------------------------------------
# Movement rules, in order. Each returns True when it has consumed the event.


def flashback_is_background(trip: _Trip, step: _Step) -> bool:
    """'Last month she flew to X', or 'had traveled to X' once the mover is placed: not where the story is."""
    ev = step.ev
    if not step.background and (ev.past_dated or (ev.pluperfect and trip.placed(ev.mover, ev.introduced))):
        step.background = True
    return False


def scope_is_a_visit(trip: _Trip, step: _Step) -> bool:
    """'a trip to Southeast Asia', 'a tour of A, B and C': the ground the trip covers, as visits."""
    if not step.ev.scope or step.background:
        return False
    for destination in step.ev.goal:
        trip.visit_of(step.ev, destination)
    return True


def route_stands_alone(trip: _Trip, step: _Step) -> bool:
    """'daily flights between A and B', 'a rail service connecting A, B and C': a route is drawn
    from its told ends alone; it moves no mover and nothing chains from it."""
    ev = step.ev
    if not ev.route or step.background:
        return False
    if ev.source and ev.goal:
        ends = (
            [(ev.source[0], goal) for goal in ev.goal] if ev.fan_out else pairwise((ev.source[0],) + ev.goal)
        )
        for a, b in ends:
            trip.add_leg(a, b, ev, ev.vehicle, list(ev.path))
    else:
        for destination in ev.goal[:1]:
            trip.visit_of(ev, destination)
    return True


def background_trip(trip: _Trip, step: _Step) -> bool:
    """A background journey is drawn when both ends are told; it never moves the mover, except to
    place a new mover at where it set out ("a ship that left X last month is expected in Y")."""
    ev = step.ev
    if not step.background:
        return False
    pending = trip.positions[ev.mover].pending if ev.mover in trip.positions else None
    if ev.source and ev.goal:
        for a, b in pairwise((ev.source[0],) + ev.goal):
            trip.add_leg(a, b, ev, ev.vehicle, list(ev.path))
    elif ev.source and pending is not None and ev.source[0].key != pending.key:
        # "arrived in X on Tuesday. It had set sail from Y two days earlier": the arrival's origin
        if trip.add_leg(ev.source[0], pending, ev, ev.vehicle, list(ev.path)):
            trip.positions[ev.mover].pending = None
    elif ev.source and ev.mover and ev.mover not in trip.positions:
        pos = trip.position_of(ev.mover, True, ev.introduced)
        pos.place = pos.start = ev.source[0]
        trip.moved(ev.mover)
    else:
        for destination in ev.goal[:1]:
            trip.visit_of(ev, destination)
    return True


def arrival_from_is_at_dateline(trip: _Trip, step: _Step) -> bool:
    """'X arrived from Y' in a story datelined Z (or, with no dateline, whose headline names the one
    town Z): the arrival is at Z."""
    ev, dateline = step.ev, trip.setting
    if (
        dateline is not None
        and ev.source
        and not ev.goal
        and ev.trigger.lemma in DATELINE_ARRIVALS
        and ev.source[0].key != dateline.key
        and not _contains(dateline, ev.source[0])
    ):
        step.ev = replace(ev, goal=(dateline,))
    return False


def arrival_from_is_where_the_mover_is_next(trip: _Trip, step: _Step) -> bool:
    """'Lee, who flew in from Seoul on Monday, met the president in Washington': an arrival told
    only by where it came from ends where the same sentence places its mover."""
    ev = step.ev
    if not (ev.source and not ev.goal and ev.trigger.arrives and ev.mover):
        return False
    there = next(
        (
            e.place
            for e in trip.events
            if isinstance(e, VisitEvent)
            and e.evidence == ev.evidence
            and set(ev.mover) & set(e.actors)
            and e.modality == ev.modality
            and e.place.key != ev.source[0].key
            and not _contains(e.place, ev.source[0])
        ),
        None,
    )
    if there is not None:
        step.ev = replace(ev, goal=(there,))
    return False


def joins_its_group(trip: _Trip, step: _Step) -> bool:
    """'A arrived in X' ... 'The couple flew from Y': a new mover takes the position of a group it
    shares people with."""
    ev = step.ev
    if ev.source and not ev.goal and ev.mover not in trip.positions:
        joint = [
            k for k in trip.updated if k and set(k) & set(ev.mover) and trip.positions[k].pending is not None
        ]
        if joint:
            trip.positions[ev.mover] = trip.positions[max(joint, key=trip.updated.__getitem__)]
    return False


def locate_the_mover(trip: _Trip, step: _Step) -> _Located:
    """Where the mover is now, what mode it travels in, and the leg that brought it here."""
    ev = step.ev
    # anyone of a kind ("people were traveling to X") is not the story's last mover
    pos = trip.position_of(ev.mover, bool(ev.source), ev.introduced or ev.generic)
    located = _Located(
        n=step.n,
        ev=ev,
        pos=pos,
        mode=ev.vehicle if ev.vehicle != "unknown" or pos.mode == "unknown" else pos.mode,
        origin=ev.source[0] if ev.source else None,
        destinations=list(ev.goal),
        arriving=pos.last_leg,
    )
    if (
        located.arriving is None
        and pos.place is not None
        and trip.legs
        and trip.legs[-1].destination.key == pos.place.key
    ):
        located.arriving = len(trip.legs) - 1  # "the squad", placed where the story's last flight was going
    return located


def _goes_on_to(later: Sequence[Event], ev: MotionEvent, destination: Place) -> bool:
    """A later event of the same sentence goes on to `destination` ("before continuing to X")."""
    return any(
        isinstance(r, MotionEvent)
        and r.evidence == ev.evidence
        and r.trigger.continues
        and not r.source
        and r.goal
        and r.goal[-1].key == destination.key
        for r in later
    )


def stop_before_going_on(trip: _Trip, step: _Located) -> bool:
    """'flying out of A bound for B ... will stop in X before continuing to B': A -> X, then X -> B."""
    pos, ev, legs = step.pos, step.ev, trip.legs
    if not (
        step.origin is None
        and len(step.destinations) == 1
        and ev.trigger.lemma in STOPS
        and step.arriving is not None
        and pos.place is not None
        and legs[step.arriving].destination.key == pos.place.key
        and legs[step.arriving].origin.key != step.destinations[0].key
        and _goes_on_to(trip.events[step.n + 1 :], ev, pos.place)
    ):
        return False
    legs[step.arriving] = replace(legs[step.arriving], destination=step.destinations[0])
    pos.last_leg = step.arriving
    pos.place = step.destinations[0]
    trip.moved(ev.mover)
    return True


def set_out_from_an_unplaced_stay(trip: _Trip, step: _Located) -> bool:
    """'married at X before heading to Y', X not on the map: the journey's origin is unknown (not
    where the mover was before X), so Y waits, as a pending arrival, for its origin."""
    if not (step.ev.left_unplaced and step.origin is None and step.destinations):
        return False
    step.pos.place = step.pos.last_leg = None
    return journey_to_destinations(trip, step)


def course_goes_on_from_its_start(trip: _Trip, step: _Located) -> bool:
    """'was headed to X but rerouted to Y', 'was headed for X ... continued on to Y', 'was due to
    fly to X but ended up in Y': the journey under way (or planned) never reached X, so it goes on
    from where it set out; a diversion leaves X as the plan it replaced."""
    pos, ev = step.pos, step.ev
    last = trip.leg(pos.last_leg)
    start = pos.course_from
    if start is None and ev.trigger.diverts and last is not None and last.evidence == ev.evidence:
        start = last.origin if last.status != "reported" else None  # "was due to fly to X but ended up in Y"
    if start is None and ev.trigger.diverts and _plan_reached_nowhere(trip, step):
        pos.place = pos.pending = None  # where the plan set out from is untold, and X was never reached
        return False
    if step.origin is not None or not step.destinations or start is None:
        return False
    # landing elsewhere while on the way ("a plane heading to X was forced to land in Y") replaces
    # the course as a diversion does
    lands_elsewhere = (
        ev.trigger.lemma in ARRIVAL_VERBS
        and last is not None
        and _apart(last.destination, step.destinations[-1])
    )
    if not (ev.trigger.diverts or ev.trigger.continues or lands_elsewhere):
        return False
    if (ev.trigger.diverts or lands_elsewhere) and last is not None and pos.last_leg is not None:
        trip.legs[pos.last_leg] = replace(last, status="planned")
        if step.mode == "unknown" and pos.course_from is not None:
            step.mode = last.mode  # the craft diverted on its way goes on as it went (not a plan)
    step.origin = start
    return False


def _plan_reached_nowhere(trip: _Trip, step: _Located) -> bool:
    """The mover is 'at' a place only because a plan of the same sentence, told without an origin,
    went there ("was due to fly to X but ended up in Y")."""
    pending = step.pos.pending
    return (
        step.origin is None
        and pending is not None
        and step.pos.place is pending
        and any(
            e is not step.ev
            and isinstance(e, MotionEvent)
            and e.evidence == step.ev.evidence
            and e.modality != "reported"
            and pending in e.goal
            for e in trip.events
        )
    )


def parallel_trip_starts_alike(trip: _Trip, step: _Located) -> bool:
    """'a trip to A and a trip to B': the second trip sets out where the first did, not from A."""
    last = trip.leg(step.pos.last_leg)
    if (
        step.ev.trigger.parallel
        and step.origin is None
        and step.destinations
        and last is not None
        and last.evidence == step.ev.evidence
    ):
        step.origin = last.origin
    return False


def _refines(trip: _Trip, step: _Located, first: Place) -> bool:
    """The leg that brought the mover here ends, more precisely, at `first`; True when that is all."""
    _refine_last_leg(trip, step.pos, first, step.mode)
    if len(step.destinations) == 1:
        trip.moved(step.ev.mover, under_way=step.ev.trigger.under_way)
        return True
    step.origin, step.destinations = first, step.destinations[1:]
    return False


def origin_is_where_the_mover_is(trip: _Trip, step: _Located) -> bool:
    """An origin left unsaid is where the mover was last told to be; 'to Russia' ... 'to
    Vladivostok' refines the last leg; an airport of the city just reached is the same arrival."""
    pos, ev = step.pos, step.ev
    if step.origin is not None or not step.destinations or pos.place is None:
        return False
    here, first = pos.place, step.destinations[0]
    last = trip.legs[pos.last_leg] if pos.last_leg is not None else None
    if _contains(here, first):
        if last is not None and last.destination.key == here.key:
            return _refines(trip, step, first)
        if pos.pending is not None and pos.pending.key == here.key and _km(here, first) < SAME_PLACE_KM:
            trip.visit_of(ev, first)  # a venue of the place it arrived at, origin untold: that arrival stands
            return True
        return False  # in a country, going to one of its cities: no origin known
    if (
        first.place_type == "airport"
        and ev.trigger.arrives
        and last is not None
        and last.destination.key == here.key
        and _km(here, first) < SAME_PLACE_KM
    ):
        return _refines(trip, step, first)
    if (
        pos.pending is not None
        and pos.pending.key == here.key
        and ev.trigger.arrives
        and len(step.destinations) == 1
        and not ev.returning
        and _km(here, first) < SAME_PLACE_KM
    ):
        return True  # "arrived in X ... the plane touched down at X's airport": the same arrival
    if _contains(first, here):
        return True  # going "to Russia" while in Vladivostok says nothing new
    if pos.pending is not None and pos.pending.key == here.key == first.key and not ev.returning:
        return True  # "brought a message to X ... came to X to bring it": that arrival again, origin untold
    step.origin = here
    return False


def first_trip_starts_at_dateline(trip: _Trip, step: _Located) -> bool:
    """'CITY (Agency) - X will travel to Y': the story's first trip sets out from the dateline."""
    dateline = trip.dateline
    if (
        step.origin is None
        and step.destinations
        and step.pos.place is None
        and not trip.updated
        and dateline is not None
        and _may_set_out_from(step, dateline)
    ):
        step.origin = dateline
    return False


def _may_set_out_from(step: _Located, place: Place) -> bool:
    """A movement told as under way from nowhere named may have set out from `place`: not a
    possibility, a return, an arrival or a passive, and going somewhere else than `place`."""
    ev = step.ev
    return (
        ev.modality != "possible"
        and not ev.returning
        and ev.trigger.lemma not in ARRIVAL_VERBS
        and not ev.trigger.passive
        and all(_apart(d, place, LOCAL_HOP_KM) for d in step.destinations)
    )


def anyone_sets_out_from_the_setting(trip: _Trip, step: _Located) -> bool:
    """'SALEM -- ... Residents will drive to X for the fair', '... volunteers get the chance to
    travel to Y': anyone of a kind, or a mover a verb does not name, placed nowhere,
    sets out from where the story is (its dateline, else the one town its headline names)."""
    ev, dateline = step.ev, trip.setting
    if (
        step.origin is None
        and step.destinations
        and step.pos.place is None
        and (ev.generic or (not ev.mover and ev.trigger.verbal))  # not "a visit to X": whose is untold
        and dateline is not None
        and _may_set_out_from(step, dateline)
    ):
        step.origin = dateline
    return False


# The scene of an incident is where its unnamed people set out from for this many events.
SCENE_EVENTS = 8


def going_on_from_the_stop(trip: _Trip, step: _Located) -> bool:
    """'After a refuelling stop in X, the plane continued to Y', 'travelled to Y via X', the mover
    placed nowhere before: the journey told goes on from its last stop, the part of it the text
    tells (where it began is left unsaid); a country or region passed through ("reached Y via
    the Balkans") is the way, not a stop."""
    ev = step.ev
    if (
        step.origin is None
        and step.destinations
        and ev.path
        and (ev.trigger.continues or ev.path[-1].place_type not in SCOPE_TYPES | {"country"})
        and all(_apart(d, ev.path[-1]) for d in step.destinations)
    ):
        step.origin = ev.path[-1]
    return False


ONE_SPOT_KM = 1.0  # pins closer than this are one spot on the map


def _one_spot(a: Place, b: Place) -> bool:
    """Two pins on one spot, one of them standing for the town that holds it ("X Hospital" pinned
    at X): the map cannot show a journey between them, so none is drawn."""
    return (a.container is not None or b.container is not None) and _km(a, b) < ONE_SPOT_KM


def return_tells_where_the_trip_began(trip: _Trip, step: _Located) -> bool:
    """'X flew to B on Monday ... she returned to A on Friday', where the trip set out never told: a
    return goes back to where the trip began, so the journey that brought the mover to B set out
    from A (the return itself is drawn by the rules after this one)."""
    pos, ev, first = step.pos, step.ev, step.pos.pending_ev
    if not (
        ev.returning
        and ev.mover
        and ev.modality != "possible"
        and len(step.destinations) == 1
        and first is not None
        and pos.place is not None
        and pos.pending is not None
        and pos.pending.key == pos.place.key
        and (pos.start is None or pos.start.key == pos.place.key)
        and _apart(step.destinations[0], pos.place)
        and not any(leg.actors == ev.mover for leg in trip.legs)  # its first journey
    ):
        return False
    start = step.destinations[0]
    if trip.add_leg(start, pos.place, first, first.vehicle, list(first.path)):
        pos.start, pos.pending, pos.pending_ev = start, None, None
    return False


def affected_leave_the_scene(trip: _Trip, step: _Located) -> bool:
    """'A bus crashed near X. The injured were flown to Y': people an incident happens to, placed
    nowhere else, set out from its scene (or, with no incident told, from where the story is: its
    dateline, else the one town its headline names); so does
    anyone carried off just after it ("A car hit a tree in X. He was flown to Y")."""
    ev = step.ev
    if step.origin is not None or not step.destinations or step.pos.place is not None:
        return False
    recent = trip.scene[1] if trip.scene is not None and step.n - trip.scene[0] <= SCENE_EVENTS else None
    if not ev.affected and not (ev.trigger.passive and recent is not None):
        return False
    scene = recent or trip.setting
    if scene is not None and all(
        d.key != scene.key and not _contains(d, scene) and not _contains(scene, d) for d in step.destinations
    ):
        step.origin = scene
    return False


def home_from_origin(trip: _Trip, step: _Located) -> bool:
    """'will fly home from X': from X to where the trip began, or, with no trip told, to where the
    mover is named as coming from ("Mary Brown of Akron returned home from Rome")."""
    pos, ev, origin = step.pos, step.ev, step.origin
    home = pos.start or ev.named_home
    if not (
        ev.home
        and not step.destinations
        and origin is not None
        and home is not None
        and home.key != origin.key
        and not _contains(home, origin)
    ):
        return False
    trip.add_leg(origin, home, ev, _trip_mode(pos, origin, home, step.mode, ev), list(ev.path))
    pos.place = home
    trip.moved(ev.mover)
    return True


def home_from_here(trip: _Trip, step: _Located) -> bool:
    """'flew home': from where the mover is to where its trip began."""
    pos, ev = step.pos, step.ev
    if not (ev.home and not step.destinations and step.origin is None):
        return False
    if pos.start is not None and pos.place is not None and pos.start.key != pos.place.key:
        trip.add_leg(pos.place, pos.start, ev, step.mode, list(ev.path))
        pos.place = pos.start
        trip.moved(ev.mover)
    return True


def _draw_journey(trip: _Trip, step: _Located) -> int | None:
    """The legs of a journey with destinations: chained (A, then B), or fanned out from one origin."""
    pos, ev, origin = step.pos, step.ev, step.origin
    chain = [origin] + step.destinations if origin is not None else list(step.destinations)
    if ev.fan_out:
        pairs = [(origin, d) for d in step.destinations] if origin is not None else []
    else:
        pairs = list(pairwise(chain))
    if origin is not None and ev.source and origin.key == ev.source[0].key and step.destinations:
        # fan-in: "flew from A and B to C" is a leg from each origin to C
        pairs[1:1] = [(other, step.destinations[0]) for other in ev.source[1:] if other.key != origin.key]
    if origin is None:
        pairs = [(a, b) for a, b in pairs if _apart(a, b, LOCAL_HOP_KM)]  # "to an address in X, near Y"
        for destination in step.destinations[:1]:
            trip.visit_of(ev, destination)
    last = None
    for a, b in pairs:
        if trip.add_leg(a, b, ev, _trip_mode(pos, a, b, step.mode, ev), pos.waypoints + list(ev.path)):
            last = len(trip.legs) - 1
            if step.mode != "unknown":
                pos.trip_mode = step.mode
    if pos.start is None:
        pos.start = chain[0]
    return last


def _ends_at_earlier_arrival(trip: _Trip, step: _Located) -> bool:
    """'flew into X on Wednesday ... The charter left A and stopped in B': then B -> X."""
    pos, ev, origin = step.pos, step.ev, step.origin
    earlier = pos.pending if pos.pending_verb else None
    chain = ([origin] if origin is not None else []) + step.destinations
    if not (
        earlier is not None
        and origin is not None
        and ev.modality == "reported"
        and not ev.returning
        and ev.trigger.past
        and all(p.key != earlier.key for p in chain)
        and not any(_contains(p, earlier) or _contains(earlier, p) for p in chain)
        and _km(step.destinations[-1], earlier) >= SAME_PLACE_KM  # not a venue of where it arrived
        and trip.add_leg(step.destinations[-1], earlier, ev, "unknown", [])
    ):
        return False
    pos.place, pos.pending, pos.last_leg = earlier, None, len(trip.legs) - 1
    trip.moved(ev.mover)
    return True


def journey_to_destinations(trip: _Trip, step: _Located) -> bool:
    """A journey that names where it goes: legs from the origin through each destination; the
    mover is at the last one. Without an origin it waits, as a pending arrival, for one."""
    pos, ev = step.pos, step.ev
    if not step.destinations:
        return False
    last = _draw_journey(trip, step)
    if _ends_at_earlier_arrival(trip, step):
        return True
    if ev.fan_out and step.origin is not None:
        pos.place, pos.last_leg = step.origin, None  # spread out: still based where it set out
        trip.moved(ev.mover)
        return True
    if ev.modality == "possible" and step.origin is not None:
        pos.place, pos.last_leg = step.origin, None  # "suspected of carrying X to Y": not known to be at Y
        trip.moved(ev.mover)
        return True
    pos.place = step.destinations[-1]
    pos.pending = pos.place if step.origin is None else None
    # an origin inferred from a name only for a journey the story tells by a verb, now ("arrived"),
    # not for one it refers to ("Shoigu's trip to X in July", "had visited X")
    told_now = ev.trigger.done and not (ev.background or ev.past_dated or ev.pluperfect)
    pos.pending_home, pos.pending_ev = (
        (ev.named_home, ev) if pos.pending is not None and told_now else (None, None)
    )
    pos.pending_verb = (
        pos.pending is not None
        and ev.trigger.verbal
        and len(step.destinations) == 1
        and (not ev.at or step.destinations[0] in ev.at)
        and ev.trigger.lemma not in LIGHT
        and pos.place.place_type in ("city", "airport", "landmark")
    )
    pos.mode = "unknown"
    pos.waypoints = []
    pos.last_leg = last
    if pos.start is not None and pos.place.key == pos.start.key:
        pos.trip_mode = "unknown"  # back where the trip began
    trip.moved(ev.mover, under_way=ev.trigger.under_way)
    if ev.trigger.under_way:
        pos.course_from = step.origin
    return True


def origin_completes_pending_arrival(trip: _Trip, step: _Located) -> bool:
    """'arrived in X on Tuesday. He flew in from Y': one journey, Y -> X."""
    pos, ev, origin = step.pos, step.ev, step.origin
    if not (
        origin is not None
        and pos.pending is not None
        and pos.place is not None
        and pos.pending.key == pos.place.key
        and not ev.returning
        and trip.add_leg(origin, pos.place, ev, step.mode, list(ev.path))
    ):
        return False
    pos.pending = None
    pos.last_leg = len(trip.legs) - 1
    if pos.start is None or pos.start.key == pos.place.key:
        pos.start = origin
    trip.moved(ev.mover)
    return True


def _last_leg_here(trip: _Trip, pos: _Position) -> int | None:
    """The index of the leg that brought the mover where it is, if it ends there."""
    if pos.last_leg is None or pos.place is None:
        return None
    return pos.last_leg if trip.legs[pos.last_leg].destination.key == pos.place.key else None


def same_journey_told_again(trip: _Trip, step: _Located) -> bool:
    """'will visit X ... will fly from Y' with Y where that journey began: how it goes, not a new leg."""
    pos, ev, origin = step.pos, step.ev, step.origin
    here = _last_leg_here(trip, pos)
    if origin is None or ev.returning or here is None or _km(trip.legs[here].origin, origin) >= SAME_PLACE_KM:
        return False
    kept = trip.legs[here]
    if kept.mode == "unknown" and step.mode != "unknown":
        trip.legs[here] = replace(kept, mode=step.mode)
        pos.trip_mode = step.mode
    return True


def arrival_tells_where_it_began(trip: _Trip, step: _Located) -> bool:
    """'traveled to X ... arrived by overnight train from Y': where that journey began, and how."""
    pos, ev, origin = step.pos, step.ev, step.origin
    here = _last_leg_here(trip, pos)
    if (
        origin is None
        or here is None
        or pos.place is None
        or not ev.trigger.arrives
        or not ev.mover  # movers nobody names share one itinerary: not the same journey
        or ev.returning
        or origin.key == pos.place.key
        or _contains(origin, pos.place)
    ):
        return False
    kept = trip.legs[here]
    trip.legs[here] = replace(kept, origin=origin, mode=step.mode if step.mode != "unknown" else kept.mode)
    trip.moved(ev.mover)
    return True


def return_from(trip: _Trip, step: _Located) -> bool:
    """'returned from X': from X to where the trip began; with no trip told, to where the mover is
    named as coming from, or, for someone the story introduces ("SEATTLE - A man who returned
    from X"), to where the story is."""
    pos, ev, origin = step.pos, step.ev, step.origin
    local = trip.setting if (ev.introduced or ev.generic) and not ev.mover[1:] else None
    home = pos.start or ev.named_home or local
    if origin is None or not ev.returning or home is None or not _apart(home, origin):
        return False
    trip.add_leg(origin, home, ev, step.mode, list(ev.path))
    pos.place = home
    trip.moved(ev.mover)
    return True


def joins_a_group_on_the_move(trip: _Trip, step: _Located) -> bool:
    """'X joined the convoy after ... in A': from A to where the group on the move (the last other
    mover told going somewhere) is going."""
    pos, ev, origin = step.pos, step.ev, step.origin
    if not ev.trigger.joins or origin is None or step.destinations:
        return False
    others = [k for k in trip.updated if k != ev.mover and trip.positions[k].place is not None]
    if not others:
        return False
    group = trip.positions[max(others, key=trip.updated.__getitem__)]
    if group.place is None or not trip.add_leg(origin, group.place, ev, step.mode, list(ev.path)):
        return False
    pos.start = pos.start or origin
    pos.place, pos.last_leg = group.place, len(trip.legs) - 1
    trip.moved(ev.mover)
    return True


def departure_places_the_mover(trip: _Trip, step: _Located) -> bool:
    """'left X': the mover is at X now; the arrival told later completes the leg."""
    pos, ev, origin = step.pos, step.ev, step.origin
    if origin is None:
        return False
    if pos.start is None:
        pos.start = origin
    pos.place = origin
    pos.mode = ev.vehicle if ev.vehicle_told else "unknown"
    pos.waypoints = list(ev.path)
    trip.moved(ev.mover)
    return True


def path_only(trip: _Trip, step: _Located) -> bool:
    """'crossed X': a waypoint of the journey under way; in a country, 'crossed near X' places the
    mover at X."""
    pos, ev = step.pos, step.ev
    pos.waypoints.extend(w for w in ev.path if w not in pos.waypoints)
    inside = [w for w in ev.path if pos.place is not None and _contains(pos.place, w)]
    if inside:
        pos.place = inside[0]
        pos.last_leg = None
        trip.moved(ev.mover)
    return True


# The event alone, before its mover is located: background, scope, rewrites of what it says.
EVENT_RULES: tuple[tuple[str, EventRule], ...] = tuple(
    (rule.__name__, rule)
    for rule in (
        flashback_is_background,
        scope_is_a_visit,
        route_stands_alone,
        background_trip,
        arrival_from_is_at_dateline,
        arrival_from_is_where_the_mover_is_next,
        joins_its_group,
    )
)
# Then `locate_the_mover`, and the event in the light of where its mover is.
MOVE_RULES: tuple[tuple[str, Rule], ...] = tuple(
    (rule.__name__, rule)
    for rule in (
        stop_before_going_on,
        set_out_from_an_unplaced_stay,
        course_goes_on_from_its_start,
        parallel_trip_starts_alike,
        origin_is_where_the_mover_is,
        first_trip_starts_at_dateline,
        anyone_sets_out_from_the_setting,
        going_on_from_the_stop,
        return_tells_where_the_trip_began,
        affected_leave_the_scene,
        home_from_origin,
        home_from_here,
        journey_to_destinations,
        origin_completes_pending_arrival,
        same_journey_told_again,
        arrival_tells_where_it_began,
        return_from,
        joins_a_group_on_the_move,
        departure_places_the_mover,
        path_only,
    )
)


# ---------------------------------------------------------------------------------------------
# Stay rules: does a stay ("In X, he met ...") move its actors to X? The first that answers says.

StayRule = Callable[[_Trip, VisitEvent, _Position], bool | None]


def stay_told_aside(trip: _Trip, ev: VisitEvent, pos: _Position) -> bool | None:
    """A stay in the past perfect, a flashback, a possibility or a saying places nobody; nor does
    'X is in Y', unless it is where they live ("their home was in Y")."""
    return (
        False
        if (
            ev.pluperfect
            or ev.past_dated
            or ev.modality == "possible"
            or ev.trigger.lemma in SPEECH | {"say"}
            or (ev.trigger.lemma == "be" and not ev.home)
        )
        else None
    )


def stay_in_a_country_or_region(trip: _Trip, ev: VisitEvent, pos: _Position) -> bool | None:
    """'in Vietnam', 'the largest in Southeast Asia': no more precise than where the mover is (a
    mover placed nowhere yet is placed there: "her cousin in Russia", "was arrested in Alabama")."""
    if ev.place.place_type in SCOPE_TYPES or ev.place.place_type == "country":
        return pos.place is None and ev.place.place_type in ("country", "region")
    return None


def stay_where_the_journey_began(trip: _Trip, ev: VisitEvent, pos: _Position) -> bool | None:
    """'flew in from X, where he watched ...': where the journey began, not where the mover is."""
    if any(leg.evidence == ev.evidence and leg.origin.key == ev.place.key for leg in trip.legs[-4:]):
        return False
    return False if (ev.evidence.start, ev.place.key) in trip.origin_here else None


def stay_recaps_the_trip(trip: _Trip, ev: VisitEvent, pos: _Position) -> bool | None:
    """'to A, then B ... will meet X in A': a recap, not a way back."""
    last = trip.legs[pos.last_leg] if pos.last_leg is not None else None
    if (
        last is not None
        and last.origin.key == ev.place.key
        and pos.place is not None
        and last.destination.key == pos.place.key
    ):
        return False
    return None


def stay_elsewhere_moves(trip: _Trip, ev: VisitEvent, pos: _Position) -> bool | None:
    """A stay somewhere the mover is not (and not inside where it is) puts it there."""
    here, place = pos.place, ev.place
    return here is None or (
        here.key != place.key
        and not _contains(place, here)
        and (_contains(here, place) or _km(here, place) > STAY_MOVES_KM)
    )


VISIT_RULES: tuple[tuple[str, StayRule], ...] = tuple(
    (rule.__name__, rule)
    for rule in (
        stay_told_aside,
        stay_in_a_country_or_region,
        stay_where_the_journey_began,
        stay_recaps_the_trip,
        stay_elsewhere_moves,
    )
)


def _read_stay(trip: _Trip, n: int, ev: VisitEvent) -> None:
    """The stay is a visit; the first stay rule with a verdict says whether it moves its actors."""
    trip.visits.append(
        Visit(
            place=ev.place,
            evidence=ev.evidence,
            status=ev.modality,
            actors=ev.actors,
            when=ev.when,
            event=ev.event,
        )
    )
    if ev.incident:
        trip.scene = (n, ev.place)
    if not ev.actors:
        return
    if ev.next_stop and _next_stop_is_a_journey(trip, n, ev):
        return
    pos = trip.positions.get(ev.actors) or _Position()
    for number, (name, rule) in enumerate(VISIT_RULES):
        if number == 1:
            pos = trip.position_of(ev.actors, False, moving=False)  # past the first rule, the actors have one
        verdict = rule(trip, ev, pos)
        if verdict is None:
            continue
        if trip.fired is not None:
            trip.fired.append((n, name))
        if verdict:
            pos.place = ev.place
            pos.last_leg = None
            pos.pending, pos.pending_verb = None, False  # it has been elsewhere since that arrival
            trip.moved(ev.actors)
        return


def _next_stop_is_a_journey(trip: _Trip, n: int, ev: VisitEvent) -> bool:
    """'will arrive at X, then take part in a meeting in Y': a journey from X to Y, read as any
    movement is; a venue of where the mover is (within NEXT_STOP_KM, or inside it) is no journey."""
    here = trip.positions[ev.actors].place if ev.actors in trip.positions else None
    if (
        here is None
        or _contains(here, ev.place)
        or _contains(ev.place, here)
        or _km(here, ev.place) < NEXT_STOP_KM
    ):
        return False
    if trip.fired is not None:
        trip.fired.append((n, "next_stop_is_a_journey"))
    journey = MotionEvent(
        trigger=ev.trigger,
        mover=ev.actors,
        source=(),
        goal=(ev.place,),
        path=(),
        vehicle="unknown",
        when=ev.when,
        modality=ev.modality,
        evidence=ev.evidence,
    )
    _read_move(trip, n, journey)
    return True


def _read_move(trip: _Trip, n: int, ev: MotionEvent) -> None:
    """The event through EVENT_RULES, then, its mover located, through MOVE_RULES; the first rule
    that consumes it ends its reading. When tracing, a rule that consumed or rewrote the event (or
    gave its mover a position, or drew a leg) is noted."""
    step = _Step(n=n, ev=ev, background=ev.background)
    for name, event_rule in EVENT_RULES:
        before = (step.ev, step.background, trip.positions.get(step.ev.mover))
        consumed = event_rule(trip, step)
        after = (step.ev, step.background, trip.positions.get(step.ev.mover))
        if trip.fired is not None and (consumed or before != after):
            trip.fired.append((n, name))
        if consumed:
            return
    located = locate_the_mover(trip, step)
    for name, rule in MOVE_RULES:
        seen = (located.ev, located.origin, len(located.destinations), len(trip.legs))
        consumed = rule(trip, located)
        if trip.fired is not None and (
            consumed or seen != (located.ev, located.origin, len(located.destinations), len(trip.legs))
        ):
            trip.fired.append((n, name))
        if consumed:
            return


# ---------------------------------------------------------------------------------------------
# From the itineraries to the story


# Closer than this, an origin the clause does not tell (a home inferred from a name, the first of
# several destinations) and the place reached are one town's hop, not a journey.
LOCAL_HOP_KM = 5.0


def _arrivals_from_named_homes(trip: _Trip, homes: Mapping[str, Place]) -> None:
    """'The Ukraine trade mission arrived in Lagos', 'Mary Brown of Akron flew to Denver': an arrival
    whose origin the whole article never tells set out from where its mover is named as coming
    from, in that clause or, for a named person who goes by themself, at any other mention
    ("Austria's Deputy Trade Minister, X, said ..." ... "X is on a visit to Y"). Decided at the
    end, so an origin told later ("she had left X") always wins."""
    seen: set[int] = set()
    for pos in trip.positions.values():
        if id(pos) in seen or pos.pending is None or pos.pending_ev is None:
            continue
        ev = pos.pending_ev
        home = pos.pending_home
        if home is None and len(ev.mover) == 1 and not ev.trigger.passive and not ev.affected:
            home = homes.get(ev.mover[0])  # someone carried off ("was taken to X") was not at home
        if home is None:
            continue
        seen.add(id(pos))
        there = pos.pending
        if _apart(home, there, LOCAL_HOP_KM):  # not a hop within the home town ("an Oxford taxi")
            trip.add_leg(home, there, pos.pending_ev, pos.pending_ev.vehicle, [])


def _default_modes(legs: list[Leg]) -> list[Leg]:
    """Mode by distance when the article gives no cue: a leg over AIR_DEFAULT_KM (geodesic, between
    the resolved places) is `air`, or `sea` when the same mover's other legs (or, for legs without
    a known mover, all the story's reported legs with a mode) went by sea: a ship does not fly; a
    mover named by its vehicle ("the convoy") goes by that vehicle, never by an inferred plane."""
    by_actor: dict[tuple[str, ...], set[Mode]] = {}
    reported: set[Mode] = set()
    for leg in legs:
        if leg.mode != "unknown":
            by_actor.setdefault(leg.actors, set()).add(leg.mode)
            if leg.status == "reported":
                reported.add(leg.mode)
    out = []
    for leg in legs:
        if leg.mode != "unknown" or _km(leg.origin, leg.destination) <= AIR_DEFAULT_KM:
            out.append(leg)
            continue
        vehicle = _vehicle_of(", ".join(leg.actors))
        if vehicle is not None:  # "the convoy", "the ferry": never flown
            out.append(replace(leg, mode=vehicle))
            continue
        known = by_actor.get(leg.actors) or reported
        mode: Mode = "sea" if known == {"sea"} else "air"
        out.append(replace(leg, mode=mode, mode_inferred=True))
    return out


def _vehicle_of(actor: str | None) -> Mode | None:
    """The mode of a vehicle that names the mover ("the convoy", "The MV Aurora's ferry")."""
    for word in (actor or "").lower().replace(",", " ").split():
        if word in ("carrier", "carriers"):
            continue  # an airline as often as a ship
        if word in VEHICLES:
            return MODE_WORDS[word]
        if word.endswith("s") and word[:-1] in VEHICLES:
            return MODE_WORDS[word[:-1]]  # "the buses"
    return None


def _dedupe_legs(legs: list[Leg]) -> list[Leg]:
    """The same mover's same journey told twice is one leg."""
    out: list[Leg] = []
    by_ends: dict[tuple[str, str], list[int]] = {}  # (origin, destination) -> indexes in out
    for leg in legs:
        ends = (leg.origin.key, leg.destination.key)
        same = next(
            (
                i
                for i in by_ends.get(ends, ())
                if out[i].actors == leg.actors or not out[i].actors or not leg.actors
            ),
            None,
        )
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
            actors=kept.actors or leg.actors,
            waypoints=kept.waypoints or leg.waypoints,
        )
    return out


def _dedupe_visits(visits: list[Visit]) -> list[Visit]:
    out: list[Visit] = []
    for visit in visits:
        same = next(
            (
                i
                for i, kept in enumerate(out)
                if kept.place.key == visit.place.key
                and set(kept.actors) == set(visit.actors)
                and (kept.event == visit.event or kept.when == visit.when or visit.when is None)
            ),
            None,
        )
        if same is None:
            out.append(visit)
            continue
        kept = out[same]
        out[same] = replace(
            kept,
            when=kept.when or visit.when,
            status=min(kept.status, visit.status, key=STATUS_RANK.__getitem__),
        )
    return out


def _uncovered_visits(trip: _Trip, legs: list[Leg]) -> list[Visit]:
    """A journey's destination stays a visit unless a leg of the same mover goes there; that leg
    takes its date."""
    out = []
    for visit, actor in trip.move_visits:
        covered = [
            leg
            for leg in legs
            if (leg.destination.key == visit.place.key or _contains(visit.place, leg.destination))
            and leg.actors == actor
        ]
        if not covered:
            out.append(visit)
            continue
        for i, leg in enumerate(legs):
            if leg is covered[0] and leg.when is None and visit.when is not None:
                legs[i] = replace(leg, when=visit.when)
    return out


def build_story(
    article: Article,
    places: Sequence[Place],
    unresolved: Sequence[Mention],
    reading: Reading,
    fired: list[tuple[int, str]] | None = None,
) -> Story:
    """The story the events tell: legs and visits in told order. `fired`, when given, collects
    (event number, rule name) for each event a rule consumed."""
    trip = _Trip(
        article=article,
        events=reading.events,
        people=reading.people,
        dateline=reading.dateline,
        setting=reading.setting,
        fired=fired,
    )
    trip.origin_here = {
        (ev.evidence.start, p.key) for ev in reading.events if isinstance(ev, MotionEvent) for p in ev.source
    }
    for n, ev in enumerate(reading.events):
        if isinstance(ev, VisitEvent):
            _read_stay(trip, n, ev)
        else:
            _read_move(trip, n, ev)
    _arrivals_from_named_homes(trip, reading.homes)
    shown = [leg for leg in trip.legs if not _one_spot(leg.origin, leg.destination)]
    legs = _default_modes(_dedupe_legs(shown))
    visits = _dedupe_visits(trip.visits + _uncovered_visits(trip, legs))
    legs.sort(key=lambda leg: leg.evidence.start)
    visits.sort(key=lambda v: v.evidence.start)
    return Story(
        article=article,
        places=tuple(places),
        legs=tuple(legs),
        visits=tuple(visits),
        unresolved=tuple(unresolved),
    )
