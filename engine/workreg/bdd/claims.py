"""Structured claims: who does what, to what, negated or not — what the Then steps compare.

A step such as "Then the role of the VP of Alliances is to approve the work register" is not a bag of
words: it claims that a role (who) does something (a verb) to something (an object), and it may be
negated.  This module parses such statements, and the policy's own structured statements (a role's
``duties``, its ``constraints``, the ``removal_triggers``), into :class:`Claim` values and compares
them.  A statement matches a fact when the verb is the same, the negation is the same, and every
content word of its subject and object is in the fact's subject and object, in the same order.  A
statement the parser cannot read (no verb it can find) is *undecidable*: the step fails and says so,
never passes.

The parser knows English function words (articles, auxiliaries, negations, prepositions), not any
process: the verbs it recognises are those the policy's facts use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

#: Words that carry no content of a claim.
_FUNCTION = frozenset(
    "a an the this that these those its their his her of to in on at by for with from into within through "
    "as and or any each every all some also only otherwise further its it they them there which who whom "
    "whose what when where whether while".split()
)
#: Prepositions: kept out of the content words; they attach objects ("through", "with") and are not matched.
_AUXILIARIES = frozenset(
    "is are was were be been being am do does did has have had must may might can could shall should will "
    "would".split()
)
_NEGATIONS = frozenset("not no never cannot n't neither nor".split())
#: Adverbs that modify a verb without changing who does what.
_ADVERB = re.compile(r"^(?:[a-z]+ly|otherwise|also|jointly|initially|then|only|still|yet)$")


def stem(word: str) -> str:
    """A word without its inflection (shepherding/shepherd, stagnates/stagnate, deliverables/deliverable)."""
    word = word.lower()
    if word in ("made", "make", "makes", "making"):
        return "make"
    for suffix in ("ing", "ied", "ies", "ed", "es", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            return base + "y" if suffix in ("ied", "ies") else base
    return word


def _tokens(text: str) -> list[str]:
    text = text.lower().replace("can't", "cannot").replace("n't", " not")
    return re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", text)


def content(words: Iterable[str]) -> tuple[str, ...]:
    """The content words' stems, in order (function words, auxiliaries and negations left out)."""
    return tuple(stem(w) for w in words if w not in _FUNCTION and w not in _AUXILIARIES and w not in _NEGATIONS
                 and not _ADVERB.match(w))


@dataclass(frozen=True)
class Claim:
    """One clause: its subject's content words, its verb (stemmed), negated or not, its object's content words."""

    subject: tuple[str, ...]
    verb: str
    negated: bool
    object: tuple[str, ...]
    text: str

    def describe(self) -> str:
        return self.text


class Undecidable(ValueError):
    """A statement the parser cannot read as a claim (no verb it knows)."""


def _is_subsequence(needle: Sequence[str], haystack: Sequence[str]) -> bool:
    position = 0
    for word in needle:
        try:
            position = haystack.index(word, position) + 1
        except ValueError:
            return False
    return True


def parse_clause(text: str, verbs: frozenset[str] = frozenset()) -> Claim:
    """A clause ``[subject] [aux] [not] verb [object]``.

    The verb is the first word after an auxiliary ("is made", "does not disband", "must be"; a copula
    followed by no verb is "be"), else the first of ``verbs`` (stems the caller knows to be verbs) after
    the subject, else the first word ending in -s that no article or "of" precedes (a third-person verb:
    "the partner organization disbands").  A negation anywhere in the clause ("no progress is made",
    "does not", "is never the author") negates it; negations are not content words.
    """
    words = _tokens(text)
    if not words:
        raise Undecidable(f"nothing to read in '{text}'")
    index = None
    for i, word in enumerate(words):
        if word in _AUXILIARIES and i > 0:
            rest = [j for j in range(i + 1, len(words))
                    if words[j] not in _NEGATIONS and words[j] not in _AUXILIARIES and not _ADVERB.match(words[j])]
            if rest and words[rest[0]] not in _FUNCTION:
                index = rest[0]
            else:  # a copula: "is never the author", "are the ..."
                subject = content(words[:i])
                obj = content(words[i + 1:])
                return Claim(subject, "be", any(w in _NEGATIONS for w in words), obj, text.strip())
            break
    if index is None and verbs:
        index = next((i for i, w in enumerate(words) if i > 0 and stem(w) in verbs
                      and words[i - 1] not in ("a", "an", "the", "no", "of")), None)
    if index is None:
        index = next((i for i, w in enumerate(words) if i > 0 and w.endswith("s") and not w.endswith("ss")
                      and words[i - 1] not in ("a", "an", "the", "no", "of") and w not in _FUNCTION), None)
    if index is None:
        raise Undecidable(f"no verb found in '{text}'")
    return Claim(content(words[:index]), stem(words[index]), any(w in _NEGATIONS for w in words),
                 content(words[index + 1:]), text.strip())


def split_clauses(text: str, verbs: frozenset[str] = frozenset()) -> list[Claim]:
    """A sentence of clauses joined by "and" or commas, each with its own verb; parts without a verb
    of their own belong to the clause before ("the partner and the owner", "milestones and dates")."""
    parts = [p for p in re.split(r",\s*(?:and\s+)?|\s+and\s+", text.strip().rstrip(".")) if p.strip()]
    clauses: list[str] = []
    for part in parts:
        try:
            parse_clause(part, verbs)
            has_verb = True
        except Undecidable:
            has_verb = False
        if has_verb or not clauses:
            clauses.append(part)
        else:
            clauses[-1] += " and " + part
    return [parse_clause(clause, verbs) for clause in clauses]


def matches(statement: Claim, fact: Claim, *, subject: bool = True) -> bool:
    """The fact says what the statement says: same verb and negation, subject and object words in order
    (``subject=False`` where the caller has matched who already, e.g. a role's own constraint)."""
    return (
        statement.verb == fact.verb
        and statement.negated == fact.negated
        and (not subject or _is_subsequence(statement.subject, fact.subject))
        and _is_subsequence(statement.object, fact.object)
    )


# -- duties: "to <verb> <object>" -----------------------------------------------------------------------


@dataclass(frozen=True)
class Duty:
    """A role's duty as a claim: its verb phrase (stems) and its object's content words."""

    does: tuple[str, ...]
    object: tuple[str, ...]
    negated: bool = False


def _verb_phrase(words: list[str]) -> tuple[str, ...]:
    return tuple(stem(w) for w in words if w != "to")


def duty(does: str, what: str) -> Duty:
    """A policy's duty (``does``, ``what``)."""
    return Duty(_verb_phrase(_tokens(does)), content(_tokens(what)))


def parse_duties(text: str, known: Iterable[tuple[str, ...]]) -> list[Duty]:
    """"write the RFC and answer the reviews", "number, publish and archive RFCs": the duties a statement
    claims.  Each part starts with a verb phrase: the longest of ``known`` (the policy's verb phrases) that
    it starts with, else its first word.  A part that is only a verb shares the object of the next part."""
    known = sorted(set(known), key=len, reverse=True)
    parts = [p for p in re.split(r",\s*(?:and\s+)?|\s+and\s+", text.strip().rstrip(".")) if p.strip()]
    parsed: list[tuple[tuple[str, ...], tuple[str, ...], bool]] = []
    for part in parts:
        words = _tokens(part)
        negated = False
        while words and words[0] in _NEGATIONS | {"to"}:
            negated = negated or words[0] in _NEGATIONS
            words = words[1:]
        if not words:
            continue
        phrase_words = [w for w in words if w != "to"]
        stems = tuple(stem(w) for w in phrase_words)
        verb = next((k for k in known if stems[: len(k)] == k), stems[:1])
        # the verb phrase ends after as many non-"to" words as it has
        taken, seen = 0, 0
        while seen < len(verb) and taken < len(words):
            if words[taken] != "to":
                seen += 1
            taken += 1
        parsed.append((verb, content(words[taken:]), negated))
    duties: list[Duty] = []
    pending: list[tuple[tuple[str, ...], bool]] = []
    for verb, obj, negated in parsed:
        if not obj:
            pending.append((verb, negated))
            continue
        duties += [Duty(v, obj, n) for v, n in pending] + [Duty(verb, obj, negated)]
        pending = []
    duties += [Duty(v, (), n) for v, n in pending]
    return duties


def duty_matches(statement: Duty, fact: Duty) -> bool:
    """The fact's duty is the statement's: the same verb phrase, the statement's object words in the fact's, in order."""
    return statement.does == fact.does and bool(statement.object) and _is_subsequence(statement.object, fact.object)
