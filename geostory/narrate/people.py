"""Who moves: the article's people, and the mover a clause's subject names.

Index(article, doc, places)        tokens -> places, and the People of the article
actor(token, index, memory)        "he", "the pontiff", "Mr. Kim", "the delegation" -> names
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from geostory.language import doc_text
from geostory.model import NEAR_KEY, Article, Mention, Place
from geostory.narrate.lexicon import (
    CARRIERS,
    GROUP_NOUNS,
    HOME_NOUNS,
    LIGHT,
    MOVE_NOUNS,
    PERSON_NOUNS,
    PLURAL_PRONOUNS,
    SING_PRONOUNS,
    SPEECH,
    TITLES,
    VEHICLES,
)

# Look-back windows, so that a long article is read in linear time: a pronoun or title looks back
# at most this many distinct people and tokens (a news story names its protagonist far more often).
LOOKBACK_PEOPLE = 12
LOOKBACK_TOKENS = 3000


@dataclass
class Memory:
    """Who the article has last told of, for pronouns and definite descriptions ("the team")."""

    person: str | None = None  # the last person named as a mover or actor
    thing: str | None = None  # the last vehicle or thing that moved ("it")
    group: str | None = None  # the last group ("the delegation")
    pair: tuple[str, ...] | None = None  # the last people named together ("the couple", "they")
    someone: str | None = None  # the last mover introduced as "a soldier"
    mover: str | None = None  # the person who has been travelling
    heads: dict[str, str] = field(default_factory=dict)  # head noun -> mover ("a soldier" ... "the soldier")
    named: dict[str, str] = field(default_factory=dict)  # surname -> name of an untagged person


class _Index:
    """Maps tokens to places and people for one article."""

    def __init__(
        self,
        article: Article,
        doc: Doc,
        places: Sequence[Place],
        unresolved: Sequence[Mention] = (),
        nations: Sequence[Place] = (),
    ):
        self.article = article
        self.doc = doc
        # tokens of a demonym -> its country ("Canadian" -> Canada): where people are from, no pin
        self.nation_of: dict[int, Place] = {}
        for nation in (*nations, *places):
            for mention in nation.mentions:
                if mention.kind == "demonym" and nation.place_type == "country":
                    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
                    self.nation_of.update((t.i, nation) for t in span or ())
        # tokens of names the resolver could not place: somewhere, but not on the map
        self.unplaced: set[int] = set()
        for mention in unresolved:
            unplaced = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if unplaced is not None and mention.kind != "demonym":
                self.unplaced.update(t.i for t in unplaced)
        self.token_place: dict[int, Place] = {}
        self.token_mention: dict[int, Mention] = {}
        self.demonym_tokens: set[int] = set()
        by_key = {place.key: place for place in places}
        for pinned in places:
            place = _guessed_town(pinned, by_key)
            for mention in pinned.mentions:
                span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
                if span is None:
                    continue
                for token in span:
                    if mention.kind == "demonym":
                        self.demonym_tokens.add(token.i)
                        continue
                    if token.is_punct or token.lower_ in ("'s", "the"):
                        continue
                    # the longer mention wins ("Portland, Maine" over "Maine")
                    known = self.token_mention.get(token.i)
                    if known is None or (known.end - known.start) < (mention.end - mention.start):
                        self.token_place[token.i] = place
                        self.token_mention[token.i] = mention
        self.people = _People(doc, self.token_place)
        # event noun -> the place the article told it at ("the summit in X" ... "flew to the summit")
        self.event_places: dict[str, Place] = {}
        # site noun -> where the article last told one to be ("camped in X" ... "left the camp")
        self.site_places: dict[str, Place] = {}

    def place(self, token: Token) -> Place | None:
        return self.token_place.get(token.i)


def _guessed_town(place: Place, by_key: dict[str, Place]) -> Place:
    """A local name the map only guesses to be near a town ("drove down Elm Street"): journeys
    and stays there are told as the town's, whose point it has, so no leg runs from a street's
    guess to the same town and a trip from the street leaves from the town."""
    prefix, _, rest = place.key.partition(":")
    town = by_key.get(rest.rpartition("@")[2]) if prefix == NEAR_KEY else None
    return town or place


class _People:
    """PERSON entities of the article, with the titles they were introduced with."""

    def __init__(self, doc: Doc, token_place: dict[int, Place]):
        ents = [e for e in doc.ents if e.label_ == "PERSON" and not any(t.i in token_place for t in e)]
        self.names: list[tuple[int, str, set[str]]] = []  # (token index, canonical, titles)
        raw = [(ent, words, _person_name(ent)) for ent in ents if (words := _name_words(ent))]
        # canonical: the longest name holding all of a name's words ("Kim" -> "Kim Jong-un");
        # over distinct names, through a word index, so a long article stays linear
        distinct: dict[str, set[str]] = {}
        for _, words, name in raw:
            if name:
                distinct.setdefault(name, set()).update(words)
        holders: dict[str, set[str]] = {}
        for name, words in distinct.items():
            for word in words:
                holders.setdefault(word, set()).add(name)
        self.canonical: dict[str, str] = {}
        for name, words in distinct.items():
            common = set.intersection(*(holders[w] for w in words)) if words else {name}
            self.canonical[name] = max(common, key=lambda other: (len(other), other == name, other))
        self.ent_of: dict[int, str] = {}
        for ent, _, name in raw:
            canonical = self.canonical.get(name, name)
            self.names.append((ent.start, canonical, _titles_of(ent)))
            for token in ent:
                self.ent_of[token.i] = canonical
        self.subject_starts: set[int] = set()
        for ent in ents:
            root = ent.root
            while root.dep_ in ("compound", "appos", "conj") and root.head.i != root.i:
                root = root.head
            if root.dep_ in ("nsubj", "nsubjpass") and root.head.lemma_.lower() not in SPEECH:
                self.subject_starts.add(ent.start)  # "spokesman X told reporters" is not the protagonist
        self.titles: dict[str, set[str]] = {}
        for _, canonical, titles in self.names:
            self.titles.setdefault(canonical, set()).update(titles)
        self.names.sort(key=lambda n: n[0])
        self.starts = [n[0] for n in self.names]
        # surname -> people bearing it, most recently named first
        self.surnames: dict[str, list[str]] = {}
        for _, canonical, _ in reversed(self.names):
            for word in canonical.replace("-", " ").split():
                bucket = self.surnames.setdefault(word, [])
                if canonical not in bucket:
                    bucket.append(canonical)

    def before(self, index: int, subjects_first: bool = False) -> list[str]:
        """Distinct people named before token `index`, most recent first; with
        `subjects_first`, people named as a subject come before the others (a pronoun usually
        continues the subject: "Biden met Zelensky ... He returned")"""
        recent: list[tuple[int, str]] = []  # (start, name), most recent first, within a window
        seen: set[str] = set()
        position = bisect.bisect_left(self.starts, index) - 1
        while (
            position >= 0
            and len(recent) < LOOKBACK_PEOPLE
            and index - self.starts[position] <= LOOKBACK_TOKENS
        ):
            start, canonical, _ = self.names[position]
            if canonical not in seen:
                seen.add(canonical)
                recent.append((start, canonical))
            elif subjects_first and start in self.subject_starts:
                recent.append((start, canonical))
            position -= 1
        out: list[str] = []
        if subjects_first:
            for start, canonical in recent:
                if start in self.subject_starts and canonical not in out:
                    out.append(canonical)
        for _, canonical in recent:
            if canonical not in out:
                out.append(canonical)
        return out

    def by_surname(self, token: Token) -> str | None:
        """'Orban' when the parser did not tag it, after 'Viktor Orban' was named (also when it took
        the name for a capitalised noun: "Tynes accompanied ...")."""
        if token.pos_ != "PROPN" and not (token.pos_ in ("NOUN", "ADJ") and token.text[:1].isupper()):
            return None
        bucket = self.surnames.get(token.text)
        return bucket[0] if bucket else None

    def by_word(self, token: Token) -> str | None:
        """A capitalised word that is part of a person's name, whatever the tagger made of it
        ("Yoon and first lady Kim ..." with "Yoon" tagged as an adjective)."""
        if not token.text[:1].isupper():
            return None
        if token.i in self.ent_of:
            return self.ent_of[token.i]
        bucket = self.surnames.get(token.text)
        return bucket[0] if bucket else None

    def by_title(self, index: int, words: set[str]) -> str | None:
        for name in self.before(index):
            if self.titles.get(name, set()) & words:
                return name
        return None


def _person_name(ent: SpacySpan) -> str:
    """A PERSON entity's name without titles, punctuation or a possessive: "Kim Jong-un"."""
    words = " ".join(t.text for t in ent if t.lower_ not in TITLES and not t.is_punct or t.text == "-")
    name = re.sub(r"['’]s$", "", words.replace(" - ", "-").strip())
    return re.sub(r"\s*-\s*", "-", name).strip()


def _name_words(ent: SpacySpan) -> set[str]:
    return {
        t.lower_ for t in ent if t.lower_ not in TITLES and not t.is_punct and t.lower_ not in ("'s", "-")
    }


def _titles_of(ent: SpacySpan) -> set[str]:
    words = {t.lower_ for t in ent if t.lower_ in TITLES}
    root = ent.root
    for child in root.children:
        if child.dep_ in ("compound", "amod", "appos") and child.i not in range(ent.start, ent.end):
            for t in child.subtree:
                if t.pos_ in ("NOUN", "PROPN"):
                    words.add(t.lower_)
    if root.dep_ == "appos":
        words.add(root.head.lower_)
    for t in ent.doc[max(ent.sent.start, ent.start - 4) : ent.start]:
        if t.pos_ in ("NOUN", "PROPN") and t.dep_ == "compound":
            words.add(t.lower_)
        elif t.ent_type_ == "NORP" and t.dep_ in ("amod", "compound"):
            words.add(t.lower_)  # "Indian Prime Minister Narendra Modi": "the Indian leader"
    return words


def _vehicle_object(token: Token) -> Token | None:
    """The people a vehicle subject takes somewhere: "a jet that took them to X" -> them."""
    if token.lemma_.lower() not in ("take", "carry", "bring", "transport", "ferry", "fly"):
        return None
    subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
    if subject is not None and subject.lower_ in ("that", "which") and token.dep_ == "relcl":
        subject = token.head
    if subject is None or subject.lemma_.lower() not in VEHICLES | CARRIERS:
        return None
    if not any(c.dep_ == "prep" and c.lower_ in ("to", "into") for c in token.children):
        return None
    return next((c for c in token.children if c.dep_ == "dobj" and c.lemma_.lower() not in VEHICLES), None)


_DATELINE = re.compile(
    r"\s*[A-Z][A-Z .'-]{2,40}?(?:,[^()\n]{0,40}?)?\s*\([^)\n]{1,40}\)\s*(?:--|-|\u2014|\u2013)\s*"
)
_DATELINE_KEY = "geostory.dateline_end"


def _dateline_end(doc: Doc) -> int:
    """Where a wire dateline ("BERLIN, Feb 1 (dpa) -") ends, 0 without one (cached on the doc)."""
    end = doc.user_data.get(_DATELINE_KEY)
    if end is None:
        match = _DATELINE.match(doc_text(doc))
        end = match.end() if match else 0
        doc.user_data[_DATELINE_KEY] = end
    return end


def _subject_of(trigger: Token) -> Token | None:
    """The trigger's subject; a dateline the parser took for the subject ("NEW DELHI, March 9
    (Reuters) - Albanese arrived") gives way to the name after it."""
    subject = _raw_subject_of(trigger)
    if subject is None:
        return None
    if subject.tag_ in ("WP", "WDT") and subject.head.dep_ == "relcl":
        subject = subject.head.head  # "X, who is on a visit to Y,": X
    end = _dateline_end(trigger.doc)
    if end and subject.idx < end:
        for other in subject.head.children:
            if other.dep_ in ("nsubj", "nsubjpass") and other.idx >= end:
                return other
        tops = [t for t in subject.subtree if t.idx >= end and t.head.idx < end and t.head.i != t.i]
        if tops:
            return tops[0]
        return None
    return subject


def _raw_subject_of(trigger: Token) -> Token | None:
    t = trigger
    for _ in range(6):
        for child in t.children:
            if child.dep_ in ("nsubj", "nsubjpass", "csubj"):
                return child
        if t.dep_ == "conj" and t.head.lemma_.lower() in SPEECH and t.pos_ in ("VERB", "AUX"):
            # "the report said a delegation ... traveled": the parser made the subject an object
            for child in t.head.children:
                if child.dep_ == "dobj" and child.i < t.i:
                    return child
        if t.dep_ in ("xcomp", "conj", "advcl", "acomp", "pcomp") and t.pos_ in ("VERB", "AUX", "ADJ"):
            t = t.head
            continue
        if t.dep_ == "pcomp" or (t.dep_ == "pobj"):
            t = t.head
            continue
        if t.dep_ == "prep":
            t = t.head
            continue
        break
    return None


def _parallel_of(noun: Token) -> Token | None:
    """'a trip to A and a trip to B': the first trip noun a second one is joined to (the parser
    may hang it on the first one's place)."""
    if noun.pos_ != "NOUN" or noun.dep_ != "conj":
        return None
    t = noun
    for _ in range(3):
        t = t.head
        if t.pos_ == "NOUN" and t.lemma_.lower() in MOVE_NOUNS:
            return t
        if t.dep_ not in ("conj", "pobj", "prep"):
            return None
    return None


def _noun_actor_token(trigger: Token) -> Token | None:
    """Who travels on a trip noun: its possessor, 'by/of' a person or group, the subject of the
    verb it is taken with ("took a flight", "began a tour"), or of the verb it is joined to."""
    first = _parallel_of(trigger)
    if first is not None:
        return _noun_actor_token(first)  # "a trip to A and a trip to B": the same traveller
    for child in trigger.children:
        if child.dep_ == "poss":
            return child
    for child in trigger.children:
        if child.dep_ in ("prep", "agent") and child.lower_ in ("by", "for", "of"):
            for pobj in child.children:
                if pobj.dep_ == "pobj" and (
                    pobj.ent_type_ == "PERSON"
                    or pobj.lemma_.lower() in PERSON_NOUNS | GROUP_NOUNS
                    or pobj.lower_ in SING_PRONOUNS
                ):
                    return pobj
    head = trigger.head
    if trigger.dep_ in ("dobj", "pobj") and head.lemma_.lower() in LIGHT | {"on", "embark", "go"}:
        verb = head if head.pos_ in ("VERB", "AUX") else head.head
        return _subject_of(verb)
    if trigger.dep_ in ("dobj",) and head.pos_ == "VERB":
        return (
            _subject_of(head)
            if head.lemma_.lower() in {"begin", "start", "continue", "resume", "wrap", "finish", "conclude"}
            else None
        )
    if trigger.dep_ == "conj" and head.pos_ in ("VERB", "AUX"):
        return _subject_of(head)  # "moved to A ... and then finally a house in B": who moved
    return None


def _actor(token: Token | None, index: _Index, memory: Memory) -> tuple[str, ...]:
    """The people or group a subject names, resolved against the article's PERSON entities."""
    if token is None:
        return ()
    if index.place(token) is not None and token.ent_type_ != "PERSON":
        return ()  # metonymy: "Pyongyang says"
    names: list[str] = []
    members = [token] + [c for c in token.children if c.dep_ == "conj"]
    for member in members:
        names.extend(_one_actor(member, index, memory))
    first = _coordinated_before(token, index)
    if first is not None and first not in names:
        names.insert(0, first)  # "Yoon and first lady Kim Keon Hee departed": Yoon first
    seen: list[str] = []
    for name in names:
        if name not in seen:
            seen.append(name)
    return tuple(seen)


def _coordinated_before(token: Token, index: _Index) -> str | None:
    """A person named right before the subject and joined to it by "and", which the parser left
    out of the subject ("Yoon and first lady Kim Keon Hee departed ...")."""
    doc = token.doc
    start = token.sent.start
    j = token.left_edge.i - 1
    while j > start and (
        doc[j].lower_ in TITLES or doc[j].dep_ in ("amod", "compound") and doc[j].pos_ != "PROPN"
    ):
        j -= 1
    if (
        j <= start
        or doc[j].lower_ != "and"
        or doc[j].head.i in range(token.left_edge.i, token.right_edge.i + 1)
    ):
        return None
    k = j - 1
    while k > start and doc[k].lower_ in ("'s", "’s"):
        k -= 1
    return index.people.by_word(doc[k])


# Who one subject word names: an ordered table of named rules. Each answers the names (possibly none)
# when the word is of its kind, or None to leave the word to the next rule.
ActorRule = Callable[[Token, _Index, Memory], "list[str] | None"]
_OWNED = frozenset({"convoy", "motorcade", "delegation", "entourage", "flight", "charter"})
_CARRY = ("carry", "transport", "bring")
_DEFINITE = frozenset({"the", "this", "that", "these", "those"})
_PAIR_NOUNS = ("couple", "pair", "duo", "trio", "crew")
_NOBODY = frozenset({"report", "official", "source", "statement", "newspaper", "agency", "ministry"})


def _known(name: str, people: _People) -> bool:
    return name in people.titles or name in people.canonical.values()


def _determiners(token: Token) -> set[str]:
    return {c.lower_ for c in token.children if c.dep_ in ("det", "nummod", "predet")}


def named_person(token: Token, index: _Index, memory: Memory) -> list[str] | None:
    """A PERSON entity, or a noun it names ("President Biden", "Biden's team")."""
    people = index.people
    if token.i in people.ent_of:
        return [people.ent_of[token.i]]
    for child in token.children:
        if child.i in people.ent_of and child.dep_ in ("compound", "appos", "nmod"):
            return [people.ent_of[child.i]]
    return None


def relative_pronoun(token: Token, index: _Index, memory: Memory) -> list[str] | None:
    """'Zelenskiy, who traveled to ...': the antecedent."""
    if (
        token.lower_ in ("who", "that", "which")
        and token.head.dep_ in ("relcl", "acl")
        and token.head.head.i != token.i
    ):
        return _one_actor(token.head.head, index, memory)
    return None


def owner_of_vehicle_or_group(token: Token, index: _Index, memory: Memory) -> list[str] | None:
    """'Orban's convoy', 'the pope's plane': the owner travels; "The team's charter" is the team."""
    if token.lemma_.lower() not in VEHICLES | GROUP_NOUNS | _OWNED:
        return None
    for child in token.children:
        if child.dep_ != "poss" or child.lower_ in SING_PRONOUNS | PLURAL_PRONOUNS:
            continue
        if child.lemma_.lower() in GROUP_NOUNS and any(c.lower_ == "the" for c in child.children):
            known = memory.heads.get(child.lemma_.lower()) or memory.group
            if known:
                return [known]  # "Argentina's squad flew ... The team's charter flight left X"
        owner = _one_actor(child, index, memory)
        if owner and _known(owner[0], index.people):
            return owner
    return None


def _carried(vehicle: Token, index: _Index, memory: Memory) -> list[str] | None:
    """'the train carrying Kim', 'a plane carrying them', 'a cruise ship carrying 4,000 passengers'."""
    for child in vehicle.children:
        if child.dep_ != "acl" or child.lemma_ not in _CARRY:
            continue
        for obj in child.children:
            if obj.dep_ != "dobj":
                continue
            carried = _actor(obj, index, memory)
            if carried and any(_known(n, index.people) for n in carried):
                return list(carried)
            if obj.lower_ in ("them", "him", "her") and memory.mover:
                return [memory.mover]
            text = _phrase(vehicle)
            return [text] if text else []
    return None


def vehicle(token: Token, index: _Index, memory: Memory) -> list[str] | None:
    """A vehicle: whom it carries, or, unless it is a new one ("a second ship"), the last mover."""
    if not (token.lemma_.lower() in VEHICLES | CARRIERS or token.text.lower() in VEHICLES):
        return None
    carried = _carried(token, index, memory)
    if carried is not None:
        return carried
    fresh = any(
        (c.dep_ == "det" and c.lower_ in ("a", "an", "another"))
        or (c.dep_ == "amod" and c.lower_ in ("second", "third", "another", "other"))
        for c in token.children
    )
    if not fresh:
        for last in (memory.mover, memory.person, memory.thing):
            if last:
                return [last]
    text = _phrase(token)
    return [text] if text else []


def home_of_its_owner(token: Token, index: _Index, memory: Memory) -> list[str] | None:
    """'Their first home was in X', 'his house in X': whoever lives there."""
    if token.lemma_.lower() not in HOME_NOUNS:
        return None
    owner = next((c for c in token.children if c.dep_ == "poss"), None)
    return _one_actor(owner, index, memory) if owner is not None else None


def air_force_one(token: Token, index: _Index, memory: Memory) -> list[str] | None:
    """'Air Force One landed': the last person told of."""
    if token.text == "One" and token.doc[token.i - 1].lower_ == "force":
        return [memory.person] if memory.person else []
    return None


_SPOKESPEOPLE = frozenset({"spokesman", "spokeswoman", "spokesperson", "spokespeople", "aide", "press"})


def speaker_of(pronoun: Token, index: _Index) -> str | None:
    """'X has said she plans to travel to Y': the named person who says it, unless a spokesperson
    (who speaks of someone else)."""
    clause = pronoun.head
    if pronoun.dep_ not in ("nsubj", "nsubjpass") or clause.dep_ != "ccomp":
        return None
    verb = clause.head
    if verb.lemma_.lower() not in SPEECH:
        return None
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    named = named_person(subject, index, Memory()) if subject is not None else None
    if not named or index.people.titles.get(named[0], set()) & _SPOKESPEOPLE:
        return None
    return named[0]


def fronted_subject_of(pronoun: Token, index: _Index) -> str | None:
    """'During her visit to X, Clinton spoke', 'After he landed, Smith said', 'At the end of his
    visit to X, Y said': a pronoun in a phrase that opens the sentence, before its subject,
    stands for that subject when it is a named person."""
    phrase = pronoun
    while not (phrase.dep_ in ("prep", "advcl") and phrase.head.dep_ == "ROOT") and phrase.head.i != phrase.i:
        phrase = phrase.head  # the phrase on the main verb: "At the end of his visit to X, Y ..."
    if phrase.dep_ not in ("prep", "advcl") or phrase.head.dep_ != "ROOT":
        return None
    opening = pronoun.doc[pronoun.sent.start : phrase.left_edge.i]
    subject = next((c for c in phrase.head.children if c.dep_ == "nsubj"), None)
    if subject is None or any(not t.is_punct for t in opening) or phrase.right_edge.i > subject.i:
        return None
    named = named_person(subject, index, Memory())
    return named[0] if named else None


def singular_pronoun(token: Token, index: _Index, memory: Memory) -> list[str] | None:
    """'he', 'she': the person saying it ("X said she would travel"), the named subject a phrase
    opening the sentence leads to ("During her visit to X, Y spoke"), else the last person named,
    subjects first; else the last person or someone told of."""
    if token.lower_ not in SING_PRONOUNS:
        return None
    speaker = speaker_of(token, index) or fronted_subject_of(token, index)
    if speaker is not None:
        return [speaker]
    before = index.people.before(token.i, subjects_first=True)
    if before:
        return [before[0]]
    last = memory.person or memory.someone
    return [last] if last else []


def surname(token: Token, index: _Index, memory: Memory) -> list[str] | None:
    """'Orban' (untagged) after 'Viktor Orban'; 'Scholz' after 'Chancellor Olaf Scholz' (untagged)."""
    by_surname = index.people.by_surname(token)
    if by_surname is not None:
        return [by_surname]
    if token.pos_ == "PROPN" and token.text in memory.named and index.place(token) is None:
        return [memory.named[token.text]]
    return None


def definite_group(token: Token, index: _Index, memory: Memory) -> list[str] | None:
    """'the squad' after "X's squad"; 'the couple', 'the crew' (the people last named together);
    'the delegation' (the last group)."""
    lemma = token.lemma_.lower()
    if not _DEFINITE & _determiners(token):
        return None
    if lemma in GROUP_NOUNS and lemma in memory.heads:
        return [memory.heads[lemma]]
    if not (lemma in GROUP_NOUNS or token.lower_ in GROUP_NOUNS or lemma in ("visitor", "delegate", "guest")):
        return None
    if memory.pair and (lemma in _PAIR_NOUNS or not memory.group):
        return list(memory.pair)
    if lemma in ("couple", "pair", "duo") and not memory.group:
        before = index.people.before(token.i)
        if len(before) >= 2:
            return before[:2][::-1]  # "Naruhito and Masako arrived ... The couple flew"
        if before:
            return before[:1]  # only one of the two is tagged a person: the couple goes with them
    return [memory.group] if memory.group else None


def definite_head(token: Token, index: _Index, memory: Memory) -> list[str] | None:
    """'A North Korean soldier ...' -> 'The soldier ...'."""
    lemma = token.lemma_.lower()
    if _DEFINITE & _determiners(token) and lemma in memory.heads:
        return [memory.heads[lemma]]
    return None


def plural_pronoun(token: Token, index: _Index, memory: Memory) -> list[str] | None:
    """'they', 'both', 'the two leaders': the pair travelling, else the last two people named."""
    determiners = _determiners(token)
    lower = token.lower_
    if not (
        lower in ("they", "both") or (token.lemma_.lower() in PERSON_NOUNS and {"both", "two"} & determiners)
    ):
        return None
    pair = memory.pair
    if lower == "they" and pair and memory.mover in pair:
        return list(pair)  # "The king and queen will fly to X ... They will then return to Y"
    before = index.people.before(token.i)
    return before[:2] if len(before) >= 2 else []


def it_pronoun(token: Token, index: _Index, memory: Memory) -> list[str] | None:
    """'it': the last vehicle or thing that moved."""
    if token.lower_ != "it":
        return None
    return [memory.thing] if memory.thing else []


def titled_person(token: Token, index: _Index, memory: Memory) -> list[str] | None:
    """'the president' (the travelling one, else the last named with that title); 'a foreign
    minister' is nobody in particular."""
    people = index.people
    if token.lemma_.lower() not in PERSON_NOUNS or token.tag_ not in ("NN", "NNP"):
        return None
    if any(c.dep_ == "det" and c.lower_ in ("a", "an", "any", "no") for c in token.children):
        return []
    words = {t.lower_ for t in token.subtree if t.i <= token.i and t.pos_ in ("NOUN", "PROPN", "ADJ")} - {
        "the"
    }
    mover = memory.mover
    if mover and people.titles.get(mover, set()) & words and mover in people.before(token.i):
        name: str | None = mover  # "the president" while President Biden is travelling: Biden
    else:
        name = people.by_title(token.i, words)
    if name is None:
        before = people.before(token.i)
        if before and any(c.lower_ == "the" for c in token.children):
            name = before[0]
    return [name] if name else []


def named_thing(token: Token, index: _Index, memory: Memory) -> list[str] | None:
    """A group or a named thing in its own words: "a delegation of some 20 officials", "the Titanic"."""
    if token.pos_ not in ("NOUN", "PROPN") or token.ent_type_ in ("GPE", "LOC", "DATE", "TIME", "NORP"):
        return None
    if token.lemma_.lower() in _NOBODY:
        return []
    text = _phrase(token)
    if (
        text
        and token.pos_ == "PROPN"
        and token.tag_ == "NNP"
        and token.i > 0
        and token.doc[token.i - 1].pos_ == "PROPN"
    ):
        memory.named[token.text] = text  # "Chancellor Olaf Scholz" (untagged) ... "Scholz"
    return [text] if text else []


ACTOR_RULES: tuple[tuple[str, ActorRule], ...] = tuple(
    (rule.__name__, rule)
    for rule in (
        named_person,
        relative_pronoun,
        owner_of_vehicle_or_group,
        vehicle,
        home_of_its_owner,
        air_force_one,
        singular_pronoun,
        surname,
        definite_group,
        definite_head,
        plural_pronoun,
        it_pronoun,
        titled_person,
        named_thing,
    )
)


def _one_actor(token: Token, index: _Index, memory: Memory) -> list[str]:
    """The names one subject word stands for: the first rule of ACTOR_RULES that knows the word."""
    for _, rule in ACTOR_RULES:
        names = rule(token, index, memory)
        if names is not None:
            return names
    return []


def _phrase(token: Token) -> str:
    """A subject's words without relative clauses, appositions and what follows a comma."""
    words = {token.i}
    for child in token.children:
        if child.dep_ in ("relcl", "acl", "appos", "punct", "cc", "conj", "advmod") or child.is_punct:
            continue
        if child.dep_ == "prep" and child.lower_ != "of":
            continue
        words.update(t.i for t in child.subtree)
    ordered = sorted(words)
    # stop at the first punctuation right of the head
    out: list[Token] = []
    for i in ordered:
        t = token.doc[i]
        if t.tag_ == "HYPH" and i < token.i:
            out.append(t)  # "the Calgary-based company"
            continue
        if t.is_punct or t.is_space:
            if i > token.i:
                break
            out = []
            continue
        out.append(t)
    text = " ".join(t.text for t in out)
    return re.sub(r"\s+([,.'])", r"\1", text).replace(" - ", "-").strip()
