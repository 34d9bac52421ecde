"""A long text is parsed in chunks and joined back into one Doc: the join must give exactly the
Doc that spaCy's own `Doc.from_docs` gives for the same chunks, token attribute by attribute.

Small texts are forced into several chunks by shrinking the chunk size."""

from __future__ import annotations

import functools

import pytest

spacy = pytest.importorskip("spacy")

from spacy.attrs import (  # noqa: E402
    DEP,
    ENT_ID,
    ENT_IOB,
    ENT_KB_ID,
    ENT_TYPE,
    HEAD,
    IDX,
    LEMMA,
    MORPH,
    NORM,
    ORTH,
    POS,
    SENT_START,
    SPACY,
    TAG,
)
from spacy.tokens import Doc  # noqa: E402

from geostory import language  # noqa: E402

chunk_bounds = language.chunk_bounds  # the real one, before a test shrinks the chunks

ATTRS = [ORTH, LEMMA, POS, TAG, DEP, HEAD, ENT_IOB, ENT_TYPE, MORPH, SENT_START, NORM, SPACY, IDX]
ATTRS += [ENT_KB_ID, ENT_ID]

# Made-up news-like sentences: a dateline, a journey, names, a number, a line break and a
# paragraph break, so chunks end on each kind of cut and some entities sit near a cut.
TEXT = (
    "BERLIN, May 3 (Wire) - The minister flew from Berlin to Lisbon on Tuesday.\n"
    "She met Ana Sousa, the mayor, and 42 delegates at the port.  Then she left by train.\n\n"
    "Later the delegation drove north to Porto, where talks went on until late. "
    "Officials said the ship would sail for Rotterdam!\n"
    "Nobody asked why? The talks ended.   "
) * 3


@functools.cache
def model():
    try:
        return language.load_pipeline()
    except Exception as err:  # the model is an install, not part of the package
        pytest.skip(f"the default spaCy pipeline is not installed: {err}")


def blank_with_sentences():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def spacy_join(text: str, nlp, size: int) -> Doc:
    """The reference: the same chunks parsed by spaCy and joined by `Doc.from_docs`."""
    pieces = [text[start:end] for start, end in chunk_bounds(text, size)]
    docs = list(nlp.pipe(pieces))
    return Doc.from_docs(docs, ensure_whitespace=False, exclude=["tensor"])


def geostory_parse(text: str, nlp, size: int, monkeypatch) -> Doc:
    monkeypatch.setattr(language, "chunk_bounds", functools.partial(chunk_bounds, size=size))
    return language.parse(text, nlp)


def assert_same_doc(ours: Doc, theirs: Doc) -> None:
    assert ours.text == theirs.text
    assert len(ours) == len(theirs)
    assert (ours.to_array(ATTRS) == theirs.to_array(ATTRS)).all()
    assert [(s.start, s.end) for s in ours.sents] == [(s.start, s.end) for s in theirs.sents]
    assert [(e.start, e.end, e.label_) for e in ours.ents] == [
        (e.start, e.end, e.label_) for e in theirs.ents
    ]
    assert [(t.left_edge.i, t.right_edge.i, t.n_lefts, t.n_rights) for t in ours] == [
        (t.left_edge.i, t.right_edge.i, t.n_lefts, t.n_rights) for t in theirs
    ]
    assert ours.has_unknown_spaces == theirs.has_unknown_spaces
    assert [str(t.morph) for t in ours] == [str(t.morph) for t in theirs]


@pytest.mark.parametrize("size", [90, 160, 400])
def test_join_of_parsed_chunks_equals_spacy_from_docs(size, monkeypatch):
    nlp = model()
    assert len(chunk_bounds(TEXT, size)) >= 3  # really several chunks
    ours = geostory_parse(TEXT, nlp, size, monkeypatch)
    theirs = spacy_join(TEXT, nlp, size)
    assert_same_doc(ours, theirs)
    assert ours.text == TEXT
    assert any(t.dep_ for t in ours) and any(t.lemma_ != t.text for t in ours) and ours.ents


def test_join_without_a_parser_keeps_the_sentencizer_sentences(monkeypatch):
    nlp = blank_with_sentences()
    ours = geostory_parse(TEXT, nlp, 120, monkeypatch)
    assert_same_doc(ours, spacy_join(TEXT, nlp, 120))
    assert len(list(ours.sents)) > 10


def test_chunks_with_spans_are_joined_by_spacy(monkeypatch):
    """A pipeline that writes `doc.spans` or user data keeps its chunks whole: spaCy joins those."""
    from spacy.language import Language

    @Language.component("geostory_test_spans")
    def add_spans(doc):
        doc.spans["first"] = [doc[0:1]]
        return doc

    nlp = blank_with_sentences()
    nlp.add_pipe("geostory_test_spans")
    ours = geostory_parse(TEXT, nlp, 150, monkeypatch)
    theirs = spacy_join(TEXT, nlp, 150)
    assert_same_doc(ours, theirs)
    assert [s.text for s in ours.spans["first"]] == [s.text for s in theirs.spans["first"]]
    assert len(ours.spans["first"]) == len(chunk_bounds(TEXT, 150))


def test_a_short_text_keeps_the_pipeline_doc():
    """One chunk: the Doc as spaCy made it (with its categories), not a rebuilt copy."""
    from spacy.language import Language

    @Language.component("geostory_test_cats")
    def add_cats(doc):
        doc.cats = {"news": 1.0}
        return doc

    nlp = blank_with_sentences()
    nlp.add_pipe("geostory_test_cats")
    doc = language.parse("Talks were held in Paris.", nlp)
    assert doc.text == "Talks were held in Paris." and len(doc) == 6
    assert doc.cats == {"news": 1.0}


def test_the_packed_chunk_gives_back_every_column():
    nlp = model()
    doc = nlp(TEXT)
    packed = language._Packed(doc)
    table = doc.to_array(list(language._PACKED_ATTRS))
    for j in range(len(language._PACKED_ATTRS)):
        assert (packed.column(j) == table[:, j]).all()
    assert_same_doc(language._unpack([packed], nlp.vocab), Doc.from_docs([doc], exclude=["tensor"]))


@pytest.mark.parametrize("words", [300, 70_000])
def test_a_chunk_with_many_distinct_words_packs_without_loss(words):
    """More than 256 (or 65,536) distinct values in a column need wider codes."""
    nlp = blank_with_sentences()
    doc = nlp(" ".join(f"w{number}" for number in range(words)))
    packed = language._Packed(doc)
    assert (packed.column(0) == doc.to_array([ORTH])).all()
    assert (packed.column(1) == doc.to_array([SPACY])).all()


@pytest.mark.parametrize("make", [model, blank_with_sentences])
def test_doc_text_is_spacy_doc_text(make):
    nlp = make()
    for text in (TEXT, "", " ", "a\n\n  b  ", "Caf\u00e9 \u2014 na\u00efve\t\tend"):
        doc = nlp(text)
        assert language.doc_text(doc) == doc.text == text
        assert language._joined_words(doc) == doc.text


def test_parse_keeps_the_article_string_for_doc_text(monkeypatch):
    nlp = blank_with_sentences()
    doc = geostory_parse(TEXT, nlp, 150, monkeypatch)
    assert language.doc_text(doc) is doc.user_data[language.TEXT_KEY]
    assert language.doc_text(doc) == doc.text


def test_a_sentence_text_is_its_slice_of_the_article():
    """recognize quotes a mention's sentence as the article's slice: the same as spaCy's text."""
    doc = model()(TEXT)
    text = language.doc_text(doc)
    assert [s.text for s in doc.sents] == [text[s.start_char : s.end_char] for s in doc.sents]


def test_recognize_word_columns_are_the_token_attributes():
    """recognize reads words and lexical flags as columns: each one equals the Token's own."""
    from geostory.recognize import _Words

    doc = model()(TEXT + " THE END, 26, Mr. Bell's")
    words = _Words.of(doc)
    assert words.text == [t.text for t in doc]
    assert words.lower == [t.lower_ for t in doc]
    for column, attribute in (
        (words.alpha, "is_alpha"),
        (words.is_lower, "is_lower"),
        (words.title, "is_title"),
        (words.stop, "is_stop"),
    ):
        assert [bool(flag) for flag in column] == [getattr(t, attribute) for t in doc], attribute
        assert any(column) and not all(column)
    assert [bool(flag) for flag in words.outside] == [t.ent_iob_ == "O" for t in doc]
    assert any(words.outside) and not all(words.outside)


# Words the attribute ruler's word-sequence rules read ("gon na", "let 's", "there is"), and spaces.
CONTRACTIONS = (
    "I ain't gonna go, let's see. We gotta leave.\n\n  Yes!! Y'all cannot come. C'mon, there is "
    "a man who's got ta go; there were two. \n"
)


@pytest.mark.parametrize("with_parser", [True, False])
def test_the_pipeline_annotates_as_the_stock_pipeline(with_parser):
    """The attribute ruler and lemmatizer run by distinct word type (`_rule_attributes_by_type`,
    `_lemmatize_by_type`) and give every token what spaCy's own components give it."""
    from pathlib import Path

    ours = model() if with_parser else language.load_pipeline(with_parser=False)
    assert type(ours.get_pipe("attribute_ruler")).__name__.startswith("ByType")
    stock = spacy.load(language.DEFAULT_MODEL, exclude=[] if with_parser else ["parser", "lemmatizer"])
    if not with_parser:
        stock.add_pipe("sentencizer", first=True)
    articles = sorted(Path(__file__).parent.joinpath("articles").glob("*.txt"))[:40]
    texts = [CONTRACTIONS, TEXT, "", "\n"] + [path.read_text(encoding="utf-8") for path in articles]
    attrs = [ORTH, LEMMA, POS, TAG, DEP, HEAD, MORPH, ENT_IOB, ENT_TYPE, SENT_START]
    for mine, theirs in zip(ours.pipe(texts), stock.pipe(texts), strict=True):
        assert (mine.to_array(attrs) == theirs.to_array(attrs)).all()
        assert [str(t.morph) for t in mine] == [str(t.morph) for t in theirs]
