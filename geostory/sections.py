"""Long articles read in sections, so a build's memory follows a section, not the article.

    in_sections(article, read) -> Story

An article longer than `SECTION_CHARS` is cut at paragraph (else line, else sentence) breaks
into sections; `read` makes each section's Story from an `Article` whose text is the section
(same title, date, source), and the Doc it parsed goes before the next section is parsed. The
sections' stories become one: offsets are moved back into the article (mentions, their
sentences, each leg's and visit's evidence, the places inside legs and visits), places of the
same key become one Place (mentions in told order, the first section's name and fields, the
highest confidence), and legs, visits and unresolved names follow one another in told order.

The trade-off: what is read from context is read within a section, never across a boundary.
The resolver's article-wide votes (a country named often pulls its towns' readings) count the
section's names only, so one name can resolve to different places in two sections; a mover's
position (an origin left unsaid is where the mover was last told to be, the dateline) starts
afresh in each section, so a journey whose origin was told in the section before is a visit,
and a section that opens with a dateline-shaped line reads it as a dateline; the same journey
told in two sections is two legs; a country pinned in one section and named only by its people
in another keeps only its pinned mentions. Carrying that state would mean handing `narrate`
each mover's last position and the resolver the previous sections' votes; neither is done.

An article of at most `SECTION_CHARS` is one section: `read(article)` as it is, nothing moved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from .language import chunk_bounds
from .model import Article, Leg, Mention, Place, Span, Story, Visit

__all__ = ["in_sections", "SECTION_CHARS"]

# A 1 MB article is read whole (the 1 MB build peaks at ~290 MiB, bench/RESULTS-speed.md), so
# the speed benchmark's articles are read as before; longer ones peak at about that plus the
# story read so far.
SECTION_CHARS = 1_000_000

_Part = tuple[int, Story]  # a section's story and where the section starts in the article


def in_sections(article: Article, read: Callable[[Article], Story]) -> Story:
    """`read(article)`, one section at a time when the article is longer than `SECTION_CHARS`.

    >>> from geostory.model import Article, Story
    >>> story = in_sections(Article(text="Short."), lambda a: Story(a, ()))
    >>> story.article.text
    'Short.'
    """
    bounds = chunk_bounds(article.text, SECTION_CHARS)
    if len(bounds) == 1:
        return read(article)
    parts = [(start, _read_one(article, start, end, read)) for start, end in bounds]
    return _joined(article, parts)


def _read_one(article: Article, start: int, end: int, read: Callable[[Article], Story]) -> Story:
    story = read(replace(article, text=article.text[start:end]))
    return replace(story, article=article)  # the section's copy of its text goes with its Doc


def _joined(article: Article, parts: Sequence[_Part]) -> Story:
    places = _merged_places(parts)
    return Story(
        article=article,
        places=tuple(places.values()),
        legs=tuple(_leg_at(leg, start, places) for start, story in parts for leg in story.legs),
        visits=tuple(_visit_at(visit, start, places) for start, story in parts for visit in story.visits),
        unresolved=tuple(_mention_at(m, start) for start, story in parts for m in story.unresolved),
    )


def _merged_places(parts: Sequence[_Part]) -> dict[str, Place]:
    """The sections' places by key, in order of first mention (sections come in told order and
    each section's places are in that order, so a key new in a later section sorts after)."""
    merged: dict[str, Place] = {}
    for start, story in parts:
        for place in story.places:
            moved = _place_at(place, start)
            known = merged.get(place.key)
            merged[place.key] = (
                moved
                if known is None
                else replace(
                    known,
                    mentions=known.mentions + moved.mentions,
                    confidence=max(known.confidence, moved.confidence),
                )
            )
    return merged


def _leg_at(leg: Leg, start: int, places: dict[str, Place]) -> Leg:
    return replace(
        leg,
        origin=_one_of(leg.origin, start, places),
        destination=_one_of(leg.destination, start, places),
        waypoints=tuple(_one_of(w, start, places) for w in leg.waypoints),
        evidence=_span_at(leg.evidence, start),
    )


def _visit_at(visit: Visit, start: int, places: dict[str, Place]) -> Visit:
    return replace(visit, place=_one_of(visit.place, start, places), evidence=_span_at(visit.evidence, start))


def _one_of(place: Place, start: int, places: dict[str, Place]) -> Place:
    """The story's merged Place of that key; a place the story does not pin (a country named
    only by its people, where a mover comes from) is moved on its own."""
    return places.get(place.key) or _place_at(place, start)


def _place_at(place: Place, start: int) -> Place:
    if not start:
        return place
    return replace(place, mentions=tuple(_mention_at(m, start) for m in place.mentions))


def _mention_at(mention: Mention, start: int) -> Mention:
    if not start:
        return mention
    return replace(
        mention,
        start=mention.start + start,
        end=mention.end + start,
        sentence=_span_at(mention.sentence, start),
    )


def _span_at(span: Span, start: int) -> Span:
    return replace(span, start=span.start + start, end=span.end + start) if start else span
