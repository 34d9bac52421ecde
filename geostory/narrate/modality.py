"""How sure, how and when: a clause's status (reported, planned, possible, cancelled), mode and date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Literal

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from geostory.model import Mode, Status, TimeSpan
from geostory.narrate.lexicon import (
    CANCEL,
    CANCEL_PARTICLE,
    MODE_WORDS,
    PLANNED_AUX,
    PLANNED_LEMMAS,
    POSSIBLE_AUX,
    POSSIBLE_LEMMAS,
    SPEECH,
    VEHICLES,
)
from geostory.narrate.patterns import mode_phrases
from geostory.narrate.reading import _verbal
from geostory.when import parse_when

_SCOPE_DEPS = frozenset(
    {"xcomp", "conj", "dobj", "pobj", "prep", "nsubj", "nsubjpass", "attr", "pcomp", "acomp", "auxpass"}
)


def _modal_scope(trigger: Token) -> list[Token]:
    """The trigger and the words that govern it up to its clause ("is expected to travel", "a
    planned visit", "..., before returning to X" shares its governor's modality)."""
    scope = [trigger]
    t = trigger
    for _ in range(6):
        if t.dep_ == "conj" and any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children):
            break  # "..., and the ship will be towed to X": its own clause
        if t.dep_ == "conj" and t.tag_ == "VBD":
            break  # "was due to fly to X but ended up in Y": what happened, told in its own tense
        if t.dep_ in _SCOPE_DEPS and t.head.i != t.i:
            t = t.head
            scope.append(t)
            if t.dep_ in ("ccomp", "relcl", "ROOT", "parataxis"):
                break
            continue
        if (
            t.dep_ == "advcl"
            and t.tag_ in ("VBG", "VB", "VBN")
            and not any(
                c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass") and c.lower_ != "to" for c in t.children
            )
        ):
            t = t.head  # a non-finite clause ("..., before returning to X")
            scope.append(t)
            continue
        break
    return scope


# What one word of the scope says of the journey: an ordered table of named rules, each giving a
# verdict or None. `below` is the scope word it governs, None for the trigger itself (a trigger
# that is itself a plan word, "the planned trip", is read by its modifiers).
Verdict = Literal["cancelled", "planned", "possible"]
StatusRule = Callable[[Token, "Token | None"], "Verdict | None"]
_DELAY = ("postpone", "delay")
_PLAN_VERBS = ("plan", "intend", "schedule", "hope", "expect", "want", "due", "set")


def cancelled_by_a_verb(token: Token, below: Token | None) -> Verdict | None:
    """'cancelled his trip to X', 'scrapped plans to fly to X'."""
    lemma = token.lemma_.lower()
    return (
        "cancelled"
        if below is not None and lemma in CANCEL and token.pos_ == "VERB" and lemma not in _DELAY
        else None
    )


def dropped(token: Token, below: Token | None) -> Verdict | None:
    """'a planned stop in X had been dropped' (not 'dropped off')."""
    if (
        below is not None
        and token.lemma_.lower() == "drop"
        and token.pos_ == "VERB"
        and not any(c.dep_ == "prt" for c in token.children)
        and below.dep_ in ("nsubjpass", "dobj")
    ):
        return "cancelled"
    return None


def called_off(token: Token, below: Token | None) -> Verdict | None:
    """'called off', 'put off' (a verb and its particle)."""
    lemma = token.lemma_.lower()
    particle = CANCEL_PARTICLE.get(lemma)
    if (
        below is not None
        and particle
        and any(c.dep_ == "prt" and c.lower_ == particle for c in token.children)
    ):
        return "cancelled"
    return None


def postponed(token: Token, below: Token | None) -> Verdict | None:
    """'postponed his visit to X': still a plan."""
    return "planned" if below is not None and token.lemma_.lower() in _DELAY else None


def plan_word(token: Token, below: Token | None) -> Verdict | None:
    """'plans to', 'is expected to', 'is due to'; a plan told as abandoned ('had planned to ...,
    but') cancels; 'set off / set sail' is no plan."""
    lemma = token.lemma_.lower()
    if below is None or lemma not in PLANNED_LEMMAS:
        return None
    if lemma == "set" and any(
        c.dep_ in ("prt", "dobj") and c.lower_ in ("off", "out", "sail") for c in token.children
    ):
        return None
    return "cancelled" if lemma in _PLAN_VERBS and _plan_abandoned(token) else "planned"


def possible_word(token: Token, below: Token | None) -> Verdict | None:
    """'may travel', 'is considering a trip', 'a possible visit'."""
    return "possible" if below is not None and token.lemma_.lower() in POSSIBLE_LEMMAS else None


def negated(token: Token, below: Token | None) -> Verdict | None:
    """'did not travel', 'no flights to X', 'never reached X'."""
    for child in token.children:
        if child.dep_ == "neg" or (
            child.lower_ in ("no", "never") and child.dep_ in ("det", "advmod", "neg")
        ):
            return "cancelled"
    return None


def set_aside(token: Token, below: Token | None) -> Verdict | None:
    """'Instead of driving to X, ...', 'Rather than fly to X, ...': the journey not taken."""
    if below is not None or token.dep_ not in ("pcomp", "advcl"):
        return None
    if token.dep_ == "pcomp":
        of = token.head
        return "cancelled" if of.lower_ == "of" and any(c.lower_ == "instead" for c in of.children) else None
    marks = {c.lower_ for c in token.children if c.dep_ in ("mark", "advmod")}
    return "cancelled" if {"rather", "than"} <= marks else None


def modal_auxiliary(token: Token, below: Token | None) -> Verdict | None:
    """'will travel' (a plan), 'could travel' (a possibility)."""
    found: Verdict | None = None
    for child in token.children:
        if child.dep_ in ("aux", "auxpass"):
            if child.lower_ in POSSIBLE_AUX:
                return "possible"
            if child.lower_ in PLANNED_AUX:
                found = "planned"
    return found


def possible_modifier(token: Token, below: Token | None) -> Verdict | None:
    """'a possible trip', 'perhaps to X', 'if he travels'."""
    for child in token.children:
        if child.dep_ in ("amod", "advmod", "acomp", "compound", "nmod", "prep", "mark") and (
            child.lemma_.lower() in POSSIBLE_LEMMAS or child.lower_ in POSSIBLE_LEMMAS
        ):
            if child.dep_ != "prep" or child.lower_ == "if":
                return "possible"
    return None


def planned_modifier(token: Token, below: Token | None) -> Verdict | None:
    """'a planned visit', 'the scheduled flight'."""
    for child in token.children:
        if child.dep_ in ("amod", "compound", "advmod", "acomp") and (
            child.lemma_.lower() in PLANNED_LEMMAS or child.lower_ in PLANNED_LEMMAS
        ):
            return "planned"
    return None


STATUS_RULES: tuple[tuple[str, StatusRule], ...] = tuple(
    (rule.__name__, rule)
    for rule in (
        cancelled_by_a_verb,
        dropped,
        called_off,
        postponed,
        plan_word,
        possible_word,
        negated,
        set_aside,
        modal_auxiliary,
        possible_modifier,
        planned_modifier,
    )
)


def _status(trigger: Token) -> Status | None:
    """reported / planned / possible, or None when negated or cancelled: every rule of STATUS_RULES
    on every word of the trigger's modal scope; a cancellation anywhere wins, then a possibility,
    then a plan."""
    scope = _modal_scope(trigger)
    verdicts = {
        verdict
        for below, token in zip([None, *scope], scope, strict=False)
        for _, rule in STATUS_RULES
        if (verdict := rule(token, below)) is not None
    }
    if "cancelled" in verdicts:
        return None
    if "possible" in verdicts:
        return "possible"
    return "planned" if "planned" in verdicts else "reported"


def _plan_abandoned(token: Token) -> bool:
    """'had (originally) planned to ...', '... planned to ..., but X called off the meeting'."""
    children = list(token.children)
    if any(c.dep_ == "advmod" and c.lower_ in ("originally", "initially", "once") for c in children):
        return True
    if (
        token.dep_ in ("acomp", "xcomp", "oprd")
        and token.head.lemma_ == "be"
        and any(c.dep_ == "aux" and c.lower_ in ("had", "'d") for c in token.head.children)
    ):
        return True  # "had been due / set / scheduled to dock in X"
    if any(c.dep_ == "aux" and c.lower_ in ("had", "'d") for c in children) and token.tag_ == "VBN":
        return True
    for c in children:
        if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX"):
            clemma = c.lemma_.lower()
            if clemma in CANCEL or (
                clemma in CANCEL_PARTICLE
                and any(g.dep_ == "prt" and g.lower_ == CANCEL_PARTICLE[clemma] for g in c.children)
            ):
                return True
    return False


def _mode(trigger: Token, clause: list[Token], article_text: str) -> tuple[Mode, bool]:
    """The mode cue nearest the trigger: an explicit 'by/aboard X' first, then the trigger's own
    verb ('flew', 'drove', 'sailed'), then any vehicle word in the clause."""
    for token in clause:
        if token.dep_ == "prep" and token.lower_ in ("by", "aboard", "on", "in", "via"):
            for pobj in token.children:
                if pobj.dep_ == "pobj" and not _names_place(pobj):
                    if token.lower_ != "by" and pobj.lemma_.lower() not in VEHICLES:
                        continue  # "on the Red Sea", "in the car park" say where, not how
                    mode = _mode_word(pobj)
                    if mode:
                        return mode, True
    # "boarded a train to X", "rode the train", "took a helicopter": the vehicle taken;
    # "a train journey", "a ferry crossing": the vehicle that names the journey
    for child in trigger.children:
        deps = ("dobj", "pobj", "compound") if trigger.pos_ == "NOUN" else ("dobj", "pobj")
        if child.dep_ in deps and child.lemma_.lower() in VEHICLES and not _names_place(child):
            mode = _mode_word(child)
            if mode:
                return mode, True
    own = _mode_word(trigger)
    marched = trigger.lemma_.lower() == "march" and trigger.pos_ == "VERB"  # not the month, not a rally
    if own and (trigger.lemma_.lower() not in ("train", "leg", "route", "march") or marched):
        if not (trigger.lemma_.lower() == "land" and trigger.pos_ != "VERB"):
            return own, True
    start = min(t.idx for t in clause)
    end = max(t.idx + len(t.text) for t in clause)
    for phrase in mode_phrases(trigger.sent):  # "by air", "on foot", "touched down" (patterns.json)
        if phrase.start_char >= start and phrase.end_char <= end:
            return phrase.mode, True
    if trigger.lemma_.lower() == "land" and _verbal(trigger):
        return "air", True
    best: tuple[int, Mode] | None = None
    for token in clause:
        mode = _mode_word(token)
        if mode and token.i != trigger.i and not _names_place(token):
            distance = abs(token.i - trigger.i)
            if best is None or distance < best[0]:
                best = (distance, mode)
    if best:
        return best[1], True
    return "unknown", False


def _names_place(token: Token) -> bool:
    """Part of a place's name ("the Red Sea", "Port of Dover"): a toponym, not a vehicle."""
    return token.ent_type_ in ("GPE", "LOC", "FAC") or (
        token.pos_ == "PROPN"
        and token.lemma_.lower()
        in ("sea", "road", "highway", "motorway", "rail", "railway", "bay", "port", "harbour", "harbor")
    )


def _mode_word(token: Token) -> Mode | None:
    lemma = token.lemma_.lower()
    if token.ent_type_ in ("DATE", "TIME", "PERSON", "CARDINAL", "ORDINAL", "QUANTITY"):
        return None  # "in March 2023", "coach Carlo Ancelotti"
    if lemma == "land" and token.pos_ != "VERB":
        return None
    if lemma in ("drive", "ride") and token.pos_ == "NOUN":
        return "road"
    if lemma == "carrier":  # a ship in a story of aircraft carriers; else an airline, no mode
        return "sea" if "aircraft carrier" in token.doc.text.lower() else None
    if lemma in ("train",) and token.pos_ == "VERB":
        return None
    if lemma == "coach" and token.ent_type_ == "PERSON":
        return None
    return MODE_WORDS.get(lemma) or MODE_WORDS.get(token.lower_)


def _when(
    trigger: Token,
    clause: list[Token],
    dates: list[SpacySpan],
    anchor: dt.date | None,
    future: bool,
    whole_subtree: bool = False,
) -> TimeSpan | None:
    """The DATE entity of the trigger's clause nearest the trigger, else the nearest one of the
    sentence that is not about something else (a 'report said Monday')."""
    # `dates` are the DATE entities of the trigger's own sentence (indexed once by narrate)
    clause_ids = {t.i for t in clause}
    inside = [e for e in dates if e.root.i in clause_ids]
    if not inside and whole_subtree:
        subtree = {t.i for t in trigger.subtree}
        inside = [e for e in dates if e.root.i in subtree]
    if not inside:
        inside = []
        for ent in dates:
            if _governed_by_other(ent.root, trigger):
                continue
            inside.append(ent)
    best = None
    for ent in sorted(inside, key=lambda e: min(abs(e.start - trigger.i), abs(e.end - 1 - trigger.i))):
        span = parse_when(ent.text, anchor, future=future)
        if span is not None:
            best = span
            break
    return best


def _governed_by_other(token: Token, trigger: Token) -> bool:
    """The date hangs from a verb other than the trigger or its governors (a speech verb...)."""
    trigger_line = {trigger.i} | {a.i for a in trigger.ancestors}
    t = token
    while t.head.i != t.i:
        t = t.head
        if t.i in trigger_line:
            return t.lemma_.lower() in SPEECH or (
                t.pos_ in ("VERB", "AUX")
                and t.i != trigger.i
                and t.lemma_.lower() not in PLANNED_LEMMAS | {"be"}
            )
        if t.pos_ in ("VERB", "AUX"):
            return True
    return True


# ---------------------------------------------------------------------------------------------
# The story
