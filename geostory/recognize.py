"""Recognize: find the place names an article writes, as Mentions with offsets and sentences.

spaCy's small English model finds most toponyms but mislabels many (cities as PERSON or ORG,
facilities as ORG) and misses others (datelines in capitals, names it never saw). Its entities are
therefore only proposals, checked against the gazetteer:

- GPE/LOC/FAC spans are kept, trimmed of a leading "the" and a trailing possessive;
- PERSON/ORG spans that the gazetteer knows as a place are taken back, unless the article also uses
  the name as a person's (a surname of a longer PERSON span, a title such as "Mr." before it);
- ORG/FAC spans headed by a facility word (University, Cosmodrome, Airport, Square ...) are
  facilities; other ORG spans give up the place name nested in them ("Dublin City Council")
  as an `embedded` mention;
- NORP spans that name a nation's people ("North Korean") are demonyms looked up as the country;
- capitalised runs of tokens outside any entity that the gazetteer knows well (countries,
  regions, large cities, curated landmarks; any town in an ALL-CAPS dateline) are added.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .model import Candidate, Mention, MentionKind, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.tokens import Span as SpacySpan

    from .gazetteer import Gazetteer

FACILITY_HEADS = frozenset(
    """university college academy cosmodrome spaceport airport airfield airbase aerodrome base
    palace square stadium arena bridge crossing checkpoint station terminal port harbor harbour
    canal dam plant reactor mosque cathedral church temple shrine castle fort fortress prison
    embassy consulate kremlin parliament capitol hall tower park zoo museum hospital center centre
    institute laboratory complex shipyard dockyard pier strait""".split()
)
# Facility words that alone are too vague to make an ORG a place ("the Institute said").
WEAK_FACILITY_HEADS = frozenset("center centre institute hall complex tower park college".split())
PERSON_TITLES = frozenset(
    """mr mr. mrs mrs. ms ms. dr dr. sir lady lord president minister senator sen. rep. gov.
    governor mayor king queen prince princess pope general gen. col. capt. judge chancellor
    premier leader chairman secretary coach st saint""".split()
)
TITLE_OF = re.compile(
    r"\b(?:Prince|Princess|Duke|Duchess|Earl|Countess|Marquess|Baron|Baroness|Archduke)\s+of\s+(?:the\s+)?$")
SHIP_PREFIX = re.compile(r"\b(?:HMS|USS|HMCS|HMAS|HMNZS|RFA|INS|USNS|MV|SS|RV)\s+(?:[A-Z][\w.'’-]*\s+){0,3}$")
# Labels whose spans the gazetteer scan leaves alone; other spans are scanned for place names.
CLAIMING_LABELS = frozenset("GPE LOC FAC NORP ORG PERSON".split())
PRONOUNS = frozenset("i we you he she it they me us him her them".split())
DIRECTIONS = frozenset(
    """north south east west northeast northwest southeast southwest northern southern eastern
    western central northeastern northwestern southeastern southwestern upstate downstate""".split()
)
PLACE_PREPOSITIONS = frozenset(
    "in at to from near into toward towards via through across outside inside between".split())
# "the island of Lampedusa", "the city of Kherson"
PLACE_NOUNS = frozenset(
    """island islands city town village port province region state republic county capital outskirts
    suburbs suburb district municipality oblast prefecture peninsula""".split()
)
DETERMINERS = frozenset(("the",))
MAX_RUN_TOKENS = 4
# Capitalised words that name places somewhere but in news mostly mean something else.
VAGUE_WORDS = frozenset(
    """eastern western northern southern central east west north south northeast northwest southeast
    southwest capital union university city state county river island islands mount lake bay
    national federal republic democratic united independence liberty victory unity""".split()
)


def recognize(doc: Doc, gazetteer: Gazetteer) -> tuple[Mention, ...]:
    """Return the place mentions of a parsed article, sorted by offset, never overlapping."""
    person_words = _person_words(doc)
    found: list[Mention] = []
    taken = [False] * len(doc.text)
    for ent in doc.ents:
        for mention in _from_entity(ent, gazetteer, person_words):
            if _part_of_a_name(doc.text, mention):
                continue
            if not any(taken[mention.start:mention.end]):
                found.append(mention)
                taken[mention.start:mention.end] = [True] * (mention.end - mention.start)
    # Spans the model gave a non-place label ("Kecskemet and Szeged" as a WORK_OF_ART, "Sicily" as
    # a DATE) are scanned like untagged text.
    covered = {token.i for ent in doc.ents if ent.label_ in CLAIMING_LABELS for token in ent}
    for mention in _from_untagged_runs(doc, covered, gazetteer):
        if not _part_of_a_name(doc.text, mention) and not any(taken[mention.start:mention.end]):
            found.append(mention)
            taken[mention.start:mention.end] = [True] * (mention.end - mention.start)
    return tuple(sorted(found, key=lambda m: m.start))


def _from_entity(ent: SpacySpan, gazetteer: Gazetteer, person_words: frozenset[str]) -> Iterator[Mention]:
    label = ent.label_
    span = _trim(ent)
    if span is None:
        return
    text = span.text
    if label in ("GPE", "LOC"):
        if text in person_words and not gazetteer.is_place_name(text):
            return  # a surname the model took for a place ("Saakashvili")
        yield _mention(_undirected(span, gazetteer), label)
    elif label == "FAC":
        yield _mention(span, label, "facility" if _has_facility_head(span) else "toponym")
    elif label == "NORP":
        from .gazetteer import demonym_country

        country = demonym_country(text)
        if country:
            yield _mention(span, label, "demonym", lookup=country)
        elif (best := _best(gazetteer, text)) is not None and _is_salient(best, span, strict=True):
            yield _mention(span, "NORP>place")  # "Tunis" taken for a people
    elif label in ("ORG", "PERSON"):
        best = _best(gazetteer, text)
        if best is not None and _taken_back(best, span, label, person_words):
            kind: MentionKind = "facility" if best.place_type in ("landmark", "airport") else "toponym"
            yield _mention(span, f"{label}>place", kind)
        elif label == "ORG" and _has_facility_head(span, strong_only=True):
            yield _mention(span, "ORG>facility", "facility")
        elif label == "ORG":
            listed = _listed_places(span, gazetteer)
            yield from listed or _embedded(span, gazetteer)


def _from_untagged_runs(doc: Doc, covered: set[int], gazetteer: Gazetteer) -> Iterator[Mention]:
    """Capitalised token runs outside the model's entities that the gazetteer knows well."""
    i = 0
    n = len(doc)
    while i < n:
        token = doc[i]
        if i in covered or not _capitalised(token.text):
            i += 1
            continue
        for size in range(min(MAX_RUN_TOKENS, n - i), 0, -1):
            tokens = doc[i:i + size]
            if any(t.i in covered for t in tokens) or not _capitalised(tokens[-1].text):
                continue
            text = tokens.text
            best = _best(gazetteer, text)
            if best is None:
                continue
            dateline = text.isupper() and len(text) > 2 and _starts_line(tokens)
            proper = (all(t.pos_ == "PROPN" for t in tokens) and not text.isupper()
                      and not (len(tokens) == 1 and (tokens[0].is_stop or tokens[0].lower_ in PRONOUNS)))
            if dateline or (proper and _is_salient(best, tokens, strict=True)):
                yield _mention(tokens, "gazetteer", "facility" if best.place_type in ("landmark", "airport") else "toponym")
                i += size - 1
                break
        i += 1


def _listed_places(span: SpacySpan, gazetteer: Gazetteer) -> list[Mention]:
    """'Berdyansk and Vasylivka' tagged as one ORG: a list of places, each a toponym."""
    parts, current = [], []
    for token in span:
        if token.lower_ in ("and", ",", "or", "&"):
            parts.append(current)
            current = []
        else:
            current.append(token)
    parts.append(current)
    if len(parts) < 2 or any(not part for part in parts):
        return []
    mentions = []
    for part in parts:
        sub = span.doc[part[0].i:part[-1].i + 1]
        best = _best(gazetteer, sub.text)
        if best is None or not _capitalised(sub.text):
            return []
        mentions.append(_mention(sub, "ORG>list"))
    return mentions


def _embedded(span: SpacySpan, gazetteer: Gazetteer) -> Iterator[Mention]:
    """The longest well-known place name nested in an organisation's name."""
    tokens = list(span)
    for size in range(min(MAX_RUN_TOKENS, len(tokens) - 1), 0, -1):
        for start in range(0, len(tokens) - size + 1):
            sub = span.doc[tokens[start].i:tokens[start].i + size]
            if not _capitalised(sub[0].text):
                continue
            best = _best(gazetteer, sub.text)
            if best is not None and _is_salient(best, sub, strict=True):
                yield _mention(sub, "ORG>embedded", "embedded")
                return


def _best(gazetteer: Gazetteer, text: str) -> Candidate | None:
    if text.casefold() in VAGUE_WORDS:
        return None
    found = gazetteer.candidates(text, limit=1)
    return found[0] if found else None


def _is_salient(candidate: Candidate, span, *, strict: bool = False) -> bool:
    """Is the gazetteer's best reading of this name well known enough to trust over the model?"""
    if candidate.place_type in ("country", "continent", "region", "landmark", "water"):
        return True
    if candidate.place_type == "airport":
        return len(span) > 1
    if candidate.place_type == "county":
        return len(span) > 1  # "Boone County", never a bare "Boone"
    threshold = 50_000 if strict else 5_000
    if candidate.feature_code == "PPLC":
        return True
    return candidate.population >= threshold


def _part_of_a_name(text: str, mention: Mention) -> bool:
    """'Prince of Wales', 'Duke of York', 'USS Arizona': a title or a ship, not the place."""
    before = text[max(0, mention.start - 60):mention.start]
    return bool(TITLE_OF.search(before) or SHIP_PREFIX.search(before))


def _taken_back(best: Candidate, span: SpacySpan, label: str, person_words: frozenset[str]) -> bool:
    """Should a PERSON/ORG span the gazetteer knows be read as the place?

    Towns named like people and firms abound, so a plain town needs to sit where places sit
    ("in Gainesville", "Alexandria, La.") or be large; countries, regions and landmarks need not.
    """
    if _looks_personal(span, label, person_words):
        return False
    if best.place_type != "city" or best.feature_code == "PPLC":
        return _is_salient(best, span)
    doc = span.doc
    before = doc[span.start - 1].lower_ if span.start > 0 else ""
    after = doc[span.end].text if span.end < len(doc) else ""
    of_a_place = before == "of" and span.start > 1 and doc[span.start - 2].lower_ in PLACE_NOUNS
    placed = before in PLACE_PREPOSITIONS or after == "," or of_a_place
    threshold = 1_000 if placed else (100_000 if label == "PERSON" else 20_000)
    return best.population >= threshold


def _undirected(span: SpacySpan, gazetteer: Gazetteer) -> SpacySpan:
    """'East Texas' -> 'Texas' when only the latter is a known place: the place is what is pinned."""
    if len(span) > 1 and span[0].lower_ in DIRECTIONS and not gazetteer.is_place_name(span.text):
        rest = span[1:]
        if gazetteer.is_place_name(rest.text):
            return rest
    return span


def _looks_personal(span: SpacySpan, label: str, person_words: frozenset[str]) -> bool:
    """Is this name used for a person in the article?"""
    previous = span.doc[span.start - 1] if span.start > 0 else None
    if previous is not None and previous.lower_ in PERSON_TITLES:
        return True
    if label == "PERSON" and len(span) == 1 and span.text in person_words:
        return True
    return False


def _person_words(doc: Doc) -> frozenset[str]:
    """Surnames and given names from the article's multi-word PERSON entities."""
    return frozenset(
        token.text for ent in doc.ents if ent.label_ == "PERSON" and len(ent) > 1 for token in ent
    )


def _trim(ent: SpacySpan) -> SpacySpan | None:
    """Drop a leading 'the' and a trailing possessive or punctuation token."""
    start, end = ent.start, ent.end
    doc = ent.doc
    while start < end and (doc[start].lower_ in DETERMINERS or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].text in ("'s", "’s", "'", "’")):
        end -= 1
    return doc[start:end] if start < end else None


def _mention(span, label: str, kind: MentionKind = "toponym", lookup: str | None = None) -> Mention:
    sent = span.sent
    text, end = span.text, span.end_char
    if "." in text and span.doc.text[end:end + 1] == ".":
        text, end = text + ".", end + 1  # "W.Va" + "." split off as a full stop: "W.Va."
    return Mention(
        text=text,
        start=span.start_char,
        end=end,
        sentence=Span(sent.text, sent.start_char, sent.end_char),
        label=label,
        kind=kind,
        lookup=lookup,
    )


def _has_facility_head(span, *, strong_only: bool = False) -> bool:
    words = [t.lower_ for t in span if t.is_alpha]
    if not words:
        return False
    heads = {words[-1], words[0]} if len(words) > 1 else {words[-1]}
    hits = heads & FACILITY_HEADS
    if strong_only:
        hits -= WEAK_FACILITY_HEADS
    return bool(hits) and len(words) > 1


def _capitalised(text: str) -> bool:
    return bool(text) and text[0].isupper() and any(c.isalpha() for c in text)


def _starts_line(tokens) -> bool:
    first = tokens[0]
    return first.i == 0 or "\n" in first.doc[first.i - 1].whitespace_ + first.doc[first.i - 1].text
