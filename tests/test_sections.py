"""A long article is read in sections (issue 16): offsets are moved back into the article and
the sections' places merge by key; an article of at most a section is read as it is."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from geostory import sections
from geostory.model import Article, Leg, Mention, Place, Span, Story, Visit
from geostory.sections import in_sections

# A made-up article: one journey a paragraph, and a name the fake resolver cannot place.
PARAGRAPHS = [
    "The envoy flew from Alpha to Beta on Monday. Talks in Beta went on late.",
    "A week later she drove from Beta to Gamma via Delta.",
    "Reporters waited in Gamma. Nobody had heard of Omega before.",
    "The envoy flew home from Gamma to Alpha, a Kappan official said.",
]
TEXT = "\n\n".join(PARAGRAPHS)
TOWNS = ("Alpha", "Beta", "Gamma", "Delta")


def _sentences(text: str) -> Iterator[Span]:
    for match in re.finditer(r"[^.\n]+\.", text):
        start = match.start() + len(match.group()) - len(match.group().lstrip())
        yield Span(text[start : match.end()], start, match.end())


def _mention(text: str, match: re.Match, kind: str = "toponym") -> Mention:
    sentence = next(s for s in _sentences(text) if s.start <= match.start() < s.end)
    return Mention(match.group(), match.start(), match.end(), sentence, "GPE", kind)  # type: ignore[arg-type]


def _place(key: str, name: str, mentions: tuple[Mention, ...]) -> Place:
    kind = "country" if key == "fake:kappa" else "city"
    return Place(key, name, 1.0, 2.0, kind, "XX", mentions, "fake", 0.5)  # type: ignore[arg-type]


def fake_read(article: Article) -> Story:
    """A story read with rules as plain as the test needs: towns by name, "from A to B (via C)"
    a leg, "in A" a visit, the demonym a nation that is a leg's origin but not pinned."""
    text = article.text
    places = {
        name: _place(f"fake:{name.lower()}", name, tuple(_mention(text, m) for m in re.finditer(name, text)))
        for name in TOWNS
        if name in text
    }
    nation = _place(
        "fake:kappa", "Kappa", tuple(_mention(text, m, "demonym") for m in re.finditer("Kappan", text))
    )
    legs, visits = [], []
    for sentence in _sentences(text):
        if move := re.search(r"from (\w+) to (\w+)(?: via (\w+))?", sentence.text):
            origin = nation if "Kappan" in sentence.text else places[move.group(1)]
            via = (places[move.group(3)],) if move.group(3) else ()
            legs.append(Leg(origin, places[move.group(2)], "air", "reported", sentence, waypoints=via))
        elif stay := re.search(r"in (\w+)", sentence.text):
            if stay.group(1) in places:
                visits.append(Visit(places[stay.group(1)], sentence))
    unresolved = tuple(_mention(text, m) for m in re.finditer("Omega", text))
    ordered = tuple(sorted(places.values(), key=lambda p: p.first_start))
    return Story(article, ordered, tuple(legs), tuple(visits), unresolved)


def _assert_indexes(span: Span | Mention, text: str) -> None:
    assert text[span.start : span.end] == span.text


@pytest.fixture
def small_sections(monkeypatch) -> None:
    monkeypatch.setattr(sections, "SECTION_CHARS", 80)  # one section a paragraph


def test_sections_move_every_offset_back_into_the_article(small_sections):
    article = Article(TEXT, title="Talks", source="test")
    seen: list[Article] = []
    story = in_sections(article, lambda a: seen.append(a) or fake_read(a))
    assert [s.text.strip() for s in seen] == PARAGRAPHS
    assert all(s.title == "Talks" and s.source == "test" and s.text.strip() for s in seen)
    assert story.article is article
    mentions = [m for p in story.places for m in p.mentions] + list(story.unresolved)
    mentions += [m for leg in story.legs for m in leg.origin.mentions]
    for mention in mentions:
        _assert_indexes(mention, TEXT)
        _assert_indexes(mention.sentence, TEXT)
    for event in (*story.legs, *story.visits):
        _assert_indexes(event.evidence, TEXT)
    assert [u.text for u in story.unresolved] == ["Omega"]
    assert [(leg.origin.name, leg.destination.name) for leg in story.legs] == [
        ("Alpha", "Beta"),
        ("Beta", "Gamma"),
        ("Kappa", "Alpha"),
    ]
    assert [v.place.name for v in story.visits] == ["Beta", "Gamma"]


def test_sections_merge_places_by_key_and_events_point_at_them(small_sections):
    story = in_sections(Article(TEXT), fake_read)
    keys = [p.key for p in story.places]
    assert keys == ["fake:alpha", "fake:beta", "fake:gamma", "fake:delta"]  # first mention order
    by_key = {p.key: p for p in story.places}
    for place in story.places:
        assert [m.start for m in place.mentions] == [m.start() for m in re.finditer(place.name, TEXT)]
    for leg in story.legs:
        for place in (leg.origin, leg.destination, *leg.waypoints):
            assert place is by_key.get(place.key, place)
    assert all(v.place is by_key[v.place.key] for v in story.visits)
    assert story.legs[-1].origin.key == "fake:kappa"  # not pinned: moved on its own
    assert story.role_of(by_key["fake:alpha"]) == "destination"
    assert story.role_of(by_key["fake:delta"]) == "waypoint"
    assert [e.evidence.start for e in story.events()] == sorted(e.evidence.start for e in story.events())


def test_an_article_of_at_most_a_section_is_read_as_it_is(monkeypatch):
    monkeypatch.setattr(sections, "SECTION_CHARS", len(TEXT))
    article = Article(TEXT)
    calls: list[Article] = []
    made = fake_read(article)
    story = in_sections(article, lambda a: calls.append(a) or made)
    assert calls == [article] and calls[0] is article
    assert story is made


@pytest.mark.slow
def test_a_long_article_built_in_sections_keeps_offsets_and_one_place_a_key(real_build_story, monkeypatch):
    paragraphs = [
        "The minister flew from Paris to Berlin on Monday for talks with the chancellor.",
        "In Berlin she met business leaders at a hotel near the station.",
        "On Wednesday she travelled by train from Berlin to Warsaw.",
        "She later flew from Warsaw back to Paris, officials in Berlin said.",
    ]
    text = "\n\n".join(paragraphs)
    monkeypatch.setattr(sections, "SECTION_CHARS", 90)
    story = real_build_story(Article(text, title="Talks"))
    assert story.article.text == text
    keys = [p.key for p in story.places]
    assert len(keys) == len(set(keys))
    berlin = next(p for p in story.places if p.name == "Berlin")
    assert [m.start for m in berlin.mentions] == [m.start() for m in re.finditer("Berlin", text)]
    for mention in [m for p in story.places for m in p.mentions] + list(story.unresolved):
        _assert_indexes(mention, text)
        _assert_indexes(mention.sentence, text)
    for event in story.events():
        _assert_indexes(event.evidence, text)
    assert ("Paris", "Berlin") in [(leg.origin.name, leg.destination.name) for leg in story.legs]
    assert any(leg.evidence.start > len(paragraphs[0]) for leg in story.legs)  # a later section's


@pytest.mark.slow
def test_geoparse_reads_a_long_text_in_sections_and_short_ones_as_before(monkeypatch):
    pytest.importorskip("spacy")
    from geostory.errors import ModelError
    from geostory.pipeline import geoparse

    short = [("a", "Talks were held in Paris."), ("c", "The ship sailed from Lisbon.")]
    long = "\n\n".join(
        [
            "Officials met in Madrid on Monday.",
            "They then flew to Rome.",
            "Later the team returned to Madrid.",
        ]
    )
    try:
        before = [(g.doc_id, g.mentions, g.places) for g in geoparse(short)]
    except ModelError as err:
        pytest.skip(f"the default spaCy pipeline is not installed: {err}")
    monkeypatch.setattr(sections, "SECTION_CHARS", 40)
    results = list(geoparse([short[0], ("b", long), short[1]]))
    assert [g.doc_id for g in results] == ["a", "b", "c"]
    assert [(g.doc_id, g.mentions, g.places) for g in (results[0], results[2])] == before
    parsed = results[1]
    for mention in parsed.mentions:
        _assert_indexes(mention, long)
        _assert_indexes(mention.sentence, long)
        assert parsed.place_of(mention) is not None or mention.text not in ("Madrid", "Rome")
    madrid = [p for p in parsed.places if p.name == "Madrid"]
    assert len(madrid) == 1 and len(madrid[0].mentions) == 2
