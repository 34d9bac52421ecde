"""spaCy Matcher patterns as data (data/patterns.json), validated once when first used.

mode_phrases(doc or sentence) -> list[PhraseMatch]   "by air", "on foot", "touched down", "Air Force One"
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from geostory.errors import ConfigurationError
from geostory.model import MODES, Mode

_KEY = "geostory.mode_phrases"


@dataclass(frozen=True)
class PhraseMatch:
    """A mode phrase found in a doc: which mode, where (characters), and its rank in the file."""

    mode: Mode
    start_char: int
    end_char: int
    rank: int


@dataclass(frozen=True)
class Pattern:
    mode: Mode
    source: str
    tokens: tuple[dict, ...]


@lru_cache(maxsize=1)
def mode_patterns() -> tuple[Pattern, ...]:
    """The mode patterns of data/patterns.json, in order."""
    raw = json.loads(resources.files("geostory.narrate").joinpath("data", "patterns.json").read_text("utf-8"))
    out = []
    for n, item in enumerate(raw.get("mode", ())):
        if item.get("id") not in MODES or not item.get("source") or not item.get("pattern"):
            raise ConfigurationError(
                f"narrate/data/patterns.json: mode pattern {n} needs an id (a mode), a source and a pattern"
            )
        out.append(Pattern(item["id"], item["source"], tuple(item["pattern"])))
    return tuple(out)


@lru_cache(maxsize=4)
def _matcher(vocab: Vocab) -> Matcher:
    matcher = Matcher(vocab, validate=True)
    for rank, pattern in enumerate(mode_patterns()):
        try:
            matcher.add(str(rank), [list(pattern.tokens)])
        except ValueError as err:  # spaCy's pattern validation
            raise ConfigurationError(f"narrate/data/patterns.json: mode pattern {rank}: {err}") from err
    return matcher


def mode_phrases(doclike: Doc | Span) -> list[PhraseMatch]:
    """Every mode phrase in a doc or a span of it (a sentence), best rank first; cached on the doc
    per span, as only the sentences that tell a movement are asked (a whole long article's
    matching cost ~1 s)."""
    doc = doclike if isinstance(doclike, Doc) else doclike.doc
    offset = 0 if isinstance(doclike, Doc) else doclike.start
    cache = doc.user_data.setdefault(_KEY, {})
    key = f"{offset}:{offset + len(doclike)}"  # a plain key: user_data is serialised with the Doc
    found = cache.get(key)
    if found is None:
        patterns = mode_patterns()
        found = []
        for match_id, start, end in _matcher(doc.vocab)(doclike):
            rank = int(doc.vocab.strings[match_id])
            span = doc[offset + start : offset + end]
            found.append(PhraseMatch(patterns[rank].mode, span.start_char, span.end_char, rank))
        found.sort(key=lambda m: (m.rank, m.start_char))
        cache[key] = found
    return found
