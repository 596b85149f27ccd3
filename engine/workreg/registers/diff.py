"""Section-aware differences between two versions of a work register, as records a rules engine can match.

Text is compared after normalisation (whitespace, bullets, Markdown emphasis, quotes/dashes, "- done"
markers), so re-formatting is not a change. Milestones are paired by deliverable (a milestone that only
gained "- done" is one ``modified`` record with ``done_only``), contacts by email then name, and the
register's scope (DMTF working groups/forums, see ``vocabulary.scope_of``) is compared as a set.

Every pass is linear or n log n in the items, or capped by a constant below (ALIGN_LINES,
ALL_PAIRS, POSTINGS, BY_POSITION, SCORE_CELLS, PAIR_CELLS); past a cap the records stay a complete
account of the changes (docs/registers-performance.md says what changes).
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import accumulate, compress, count, repeat
from operator import add, attrgetter, is_, itemgetter, lt, ne, sub
from typing import Callable, Iterable, Literal, Protocol, Sequence, TypeVar, cast

from workreg.errors import RegisterError
from workreg.registers.inline import comparable, line_starts, odd_lines
from workreg.registers.model import Contact, Item, Milestone, Text, WorkRegister
from workreg.registers.template import Template, default_template
from workreg.registers.vocabulary import SEPARATOR, Vocabulary, scope_texts

Change = Literal["added", "removed", "modified"]



def change_sections(template: Template | None = None) -> tuple[str, ...]:
    """Every section id a ChangeRecord can carry, in the order a diff reports them; the host's
    approval is reported under the template's approval section id."""
    approval = (template or default_template()).approval
    return (
        "title", "version", "date", "introduction", "process", "organizations", "background", "benefits",
        "activities", "limitations", "milestones", "access", "documentation", "review_date", "points_of_contact",
        "corresponding_document", approval, "additional_considerations", "scope", "unread",
    )

# Two texts this similar (difflib ratio) are one edited item rather than a removal and an addition.
_SIMILAR = 0.6

T = TypeVar("T")


@dataclass(frozen=True)
class ChangeRecord:
    """One change between two register versions."""

    section: str
    change: Change
    before: str | None
    after: str | None
    line_old: int | None = None
    line_new: int | None = None
    #: DMTF bodies owning the changed milestone (or the added/removed scope group) and the committees they report to.
    committees: frozenset[str] = field(default_factory=frozenset)
    #: The party id (of the template) when the changed item belongs to one organization.
    organization: str | None = None
    #: Sub-fields that changed: milestones deliverable/timeframe/done; contacts name/role/email.
    fields: tuple[str, ...] = ()
    #: The milestone only gained its done marker.
    done_only: bool = False
    #: For scope records: the working group/forum added to or removed from the scope.
    group: str | None = None


def as_fact(record: ChangeRecord) -> dict[str, str | bool | int]:
    """The record as a flat dict of plain scalars (every key always present) for a rules engine."""
    return {
        "section": record.section,
        "change": record.change,
        "before": record.before or "",
        "after": record.after or "",
        "line_old": record.line_old or 0,
        "line_new": record.line_new or 0,
        "committees": ", ".join(sorted(record.committees)),
        "committee_count": len(record.committees),
        "organization": record.organization or "",
        "group": record.group or "",
        "fields": ",".join(record.fields),
        "done_only": record.done_only,
        "deliverable_changed": "deliverable" in record.fields,
        "timeframe_changed": "timeframe" in record.fields,
        "done_changed": "done" in record.fields,
        "scope_extended": record.section == "scope" and record.change == "added",
    }


def diff_registers(old: WorkRegister, new: WorkRegister, vocabulary: Vocabulary,
                   template: Template | None = None) -> list[ChangeRecord]:
    """Changes from ``old`` to ``new``, section by section in template order (``template``, default
    the shipped one, names the parties and the approval section)."""
    template = template or default_template()
    if not isinstance(old, WorkRegister) or not isinstance(new, WorkRegister):
        raise RegisterError("diff_registers needs two WorkRegister models", code="bad-input")
    token = _budget.set([SCORE_CELLS])
    try:
        return _diff(old, new, vocabulary, template)
    finally:
        _budget.reset(token)
        # The normalised texts of this diff: enough for two registers of the size limit, and
        # not kept once it is done (a server diffs many registers; a process needs no history).
        if len(_KEYS) > _KEEP_TEXTS:
            forget_texts()


def forget_texts() -> None:
    """Empty the normalised texts, token sets and letter counts remembered across diffs."""
    _KEYS.clear()
    _tokens.cache_clear()
    _letters.cache_clear()


def _diff(old: WorkRegister, new: WorkRegister, vocabulary: Vocabulary, template: Template) -> list[ChangeRecord]:
    records: list[ChangeRecord] = []
    records += _scalar("title", old.title, new.title)
    records += _scalar("version", old.version, new.version)
    records += _scalar("date", old.date_initiated, new.date_initiated)
    records += _scalar("introduction", old.introduction, new.introduction)
    records += _process(old, new)
    records += _organizations(old, new, template)
    for section in ("background", "benefits", "activities", "limitations"):
        records += _items(section, getattr(old, section), getattr(new, section))
    records += _milestones(old.milestones, new.milestones, vocabulary)
    for section in ("access", "documentation"):
        records += _items(section, getattr(old, section), getattr(new, section))
    records += _scalar("review_date", old.review_date, new.review_date)
    records += _contacts(old.points_of_contact, new.points_of_contact)
    records += _scalar("corresponding_document", old.corresponding_document, new.corresponding_document)
    records += _scalar(template.approval, old.approval, new.approval)
    records += _items("additional_considerations", old.additional_considerations, new.additional_considerations)
    records += _scope(old, new, vocabulary)
    # Lines the reader did not understand still change: reported, never dropped (unclassified).
    records += _items("unread", [Item(text=t.text, line=t.line) for t in old.unread],
                      [Item(text=t.text, line=t.line) for t in new.unread])
    return records


def _process(old: WorkRegister, new: WorkRegister) -> list[ChangeRecord]:
    """The process document and version the register names (``DSP4003 1.6.0``), compared by meaning."""
    def named(register: WorkRegister) -> Text | None:
        process = register.process
        if process is None:
            return None
        return Text(text=f"{process.document} {process.version or '(no version)'}", line=process.line)

    return _scalar("process", named(old), named(new))


#: Texts whose normalised form is remembered within a diff: two registers of the 10 MB limit
#: (300,000 table rows each); past _KEEP_TEXTS the caches are emptied when the diff ends.
_TEXTS = 1 << 20
_KEEP_TEXTS = 1 << 14
#: Texts whose token sets are remembered (a short text's trigrams take a few KB: a bounded cache
#: keeps a diff's memory a small multiple of its input; the candidate search asks for them in runs).
_TOKEN_SETS = 1 << 13


#: Normalised texts of this diff, by text (see _key); emptied past _TEXTS entries.
_KEYS: dict[str, str] = {}


def _key(text: str) -> str:
    """``text`` as the diff compares it: normalised (:func:`comparable`) and case-folded."""
    # Remembered: pairing compares every old item with every new one, and normalising is the
    # costly part (a dozen regular expressions per text).
    try:
        return _KEYS[text]
    except KeyError:
        pass
    if len(_KEYS) >= _TEXTS:
        _KEYS.clear()
    key = _KEYS[text] = comparable(text).casefold()
    return key


# A plain text (see odd_lines) that starts with one of these is a list item still: comparable
# removes the marker.  (The other markers are not ASCII or are odd characters.)
# (A lookahead: the next text's line break is not taken by this one's match.)
_ASCII_BULLET = re.compile(r"\n(?=(?:[-+]|\d{1,2}[.)]|\(?[a-z][.)])\s)")


# Each text's line break followed by a space or a done marker's ending (PLAIN_DONE_TAILS), read
# backwards: a key's last characters, found in the reversed joined keys from its line break.
_REVERSED_TAILS = re.compile(r"\n(?: |(?:\. ?)?(?:[)\]]?(?:enod|etelpmoc|detelpmoc)|\]x))")
# A line break followed by a space: a text that starts with one.
_LEADING_SPACE = re.compile(r"\n ")


def _keys(texts: Sequence[str]) -> list[str]:
    """``[_key(text) for text in texts]``, most of them made by whole-list C calls.

    Of a plain text (ASCII, no markup, single spaces; :func:`inline.odd_lines`) that starts with no
    list marker or space and ends in no done marker or space, the normalised form is the text
    itself: its key is its lower case, and one ``lower`` of all of them joined makes every such
    key at once.  Only the others are normalised one by one (most of a register's items are plain);
    they are found by searches of the joined texts (and of the joined keys reversed, for their
    ends), not by a Python step per text."""
    joined = "\n".join(texts)
    odd = odd_lines(texts, joined)
    folded = joined.lower()
    keys = folded.split("\n")
    if odd is None or len(keys) != len(texts):
        return [_key(text) for text in texts]
    places = [match.start() for match in _ASCII_BULLET.finditer("\n" + joined)]  # a text's first character
    places += [match.start() + 1 for match in _LEADING_SPACE.finditer(joined)]
    end = len(folded)
    places += [end - match.start() for match in _REVERSED_TAILS.finditer((folded + "\n")[::-1])]  # its line break
    if places:
        starts = line_starts(texts)
        odd.update(bisect_right(starts, place) - 1 for place in places)
    if texts[0][:1] == " ":
        odd.add(0)
    for index in odd:
        keys[index] = _key(texts[index])
    return keys


def _remember_keys(texts: Sequence[str]) -> None:
    """Make the keys of ``texts`` a list at a time (:func:`_keys`) and remember them for :func:`_key`."""
    if len(texts) > _TEXTS:
        return  # more than the memory holds: made one at a time, as asked
    if len(_KEYS) + len(texts) > _TEXTS:
        _KEYS.clear()
    _KEYS.update(zip(texts, _keys(texts)))


#: Work allowed to exact scores in one diff, counted in character pairs (``len(a) × len(b)`` of
#: each pair scored; difflib's ratio costs about that at worst): 100 million is some 10,000 scores of
#: two 100-character lines, a few seconds.  Past it, the remaining items are not paired: they are
#: reported as removed and added (still every change, less neatly).  See docs/registers-performance.md.
SCORE_CELLS = 100_000_000
#: One pair larger than this (two 4,000-character paragraphs) is scored by its words, not its characters.
PAIR_CELLS = 16_000_000
_budget: ContextVar[list[int] | None] = ContextVar("workreg_diff_score_budget", default=None)


def _similarity(a: str, b: str, floor: float = 0.0) -> float:
    """difflib's ratio of the normalised texts (``SequenceMatcher(None, a, b, autojunk=False).ratio()``,
    computed by :func:`_matching_characters`) when it is at least ``floor``; else some number below
    ``floor`` (the pairing takes no pair below its threshold, so it needs no more than that).

    Bounded: within a diff (:func:`diff_registers`) the scores share SCORE_CELLS of work, after
    which a pair scores 0 (not similar); a pair of very long texts is compared word by word."""
    key_a, key_b = _key(a), _key(b)
    cells = len(key_a) * len(key_b)
    budget = _budget.get()
    if budget is not None:
        if budget[0] < cells:
            budget[0] = 0
            return 0.0
        budget[0] -= cells
    if cells > PAIR_CELLS:
        words_a, words_b = key_a.split(), key_b.split()
        if len(words_a) * len(words_b) > PAIR_CELLS:
            return 0.0
        # Capped by the character bound, which the pairing's order relies on.
        return min(SequenceMatcher(None, words_a, words_b, autojunk=False).ratio(), _similarity_bound(a, b))
    total = len(key_a) + len(key_b)
    if not total:
        return 1.0
    # Stop once the ratio cannot reach the floor (a margin keeps rounding from crossing it).
    enough = (floor - 1e-9) * total / 2 if floor > 0 else 0.0
    return 2.0 * _matching_characters(key_a, key_b, enough) / total


def _reaches(a: str, b: str, threshold: float, extra: float = 0) -> bool:
    """``_similarity(a, b, threshold - extra) + extra >= threshold``, the same test (the same work
    from the budget, the same arithmetic), but stopped once the characters matched so far decide
    it: the number can only grow, and where only whether it reaches the threshold matters (a
    block of one line for one line), the rest of difflib's recursion is not needed."""
    key_a, key_b = _key(a), _key(b)
    cells = len(key_a) * len(key_b)
    total = len(key_a) + len(key_b)
    if cells > PAIR_CELLS or not total:
        return _similarity(a, b, threshold - extra) + extra >= threshold
    budget = _budget.get()
    if budget is not None:
        if budget[0] < cells:
            budget[0] = 0
            return 0.0 + extra >= threshold
        budget[0] -= cells
    floor = threshold - extra
    enough = (floor - 1e-9) * total / 2 if floor > 0 else 0.0
    # The fewest matching characters that pass the test as _similarity's caller writes it.
    most = min(len(key_a), len(key_b))
    needed = min(max(0, int(floor * total / 2)), most + 1)
    while needed > 0 and 2.0 * (needed - 1) / total + extra >= threshold:
        needed -= 1
    while needed <= most and not 2.0 * needed / total + extra >= threshold:
        needed += 1
    return 2.0 * _matching_characters(key_a, key_b, enough, needed) / total + extra >= threshold


def _matching_characters(a: str, b: str, enough: float = 0.0, sufficient: int | None = None) -> int:
    """How many characters difflib's matching blocks of ``a`` and ``b`` cover (no junk, autojunk off):
    the numerator of its ratio, the same number by the same recursion, found faster.  Once even
    matching every character of the ranges left could not reach ``enough``, that bound (below
    ``enough``) is returned instead; once the characters matched reach ``sufficient``, they are.

    difflib takes the longest common block of the two ranges (the earliest in ``a``, then in
    ``b``, among equally long ones), then recurses left and right of it.  Its search walks a dict
    of positions per character of ``a`` in Python; here each position of ``a`` asks only whether
    one block longer than the best so far starts there (``str.__contains__``, in C), and a block
    that does is extended by doubling and halving its length (a prefix of a block is a block)."""
    matched = 0
    possible = min(len(a), len(b))  # the most the ranges still to search can add
    ranges = [(0, len(a), 0, len(b))]
    while ranges:
        a_low, a_high, b_low, b_high = ranges.pop()
        if a_low >= a_high or b_low >= b_high:
            continue
        possible -= min(a_high - a_low, b_high - b_low)
        region = b[b_low:b_high]
        best, best_at = 0, a_low
        i = a_low
        while i < a_high - best:
            if a[i:i + best + 1] in region:
                found, beyond, step = best + 1, a_high - i + 1, 1  # a[i:i + found] occurs; a[i:i + beyond] cannot
                while found + step < beyond and a[i:i + found + step] in region:
                    found += step
                    step *= 2
                beyond = min(beyond, found + step)
                while beyond - found > 1:
                    middle = (found + beyond) // 2
                    if a[i:i + middle] in region:
                        found = middle
                    else:
                        beyond = middle
                best, best_at = found, i
            i += 1
        if best:
            j = b_low + region.find(a[best_at:best_at + best])
            matched += best
            if sufficient is not None and matched >= sufficient:
                return matched  # the rest can only add to it: enough to decide (see _reaches)
            possible += min(best_at - a_low, j - b_low) + min(a_high - best_at - best, b_high - j - best)
            ranges.append((a_low, best_at, b_low, j))
            ranges.append((best_at + best, a_high, j + best, b_high))
        if matched + possible < enough:
            return matched + possible
    return matched


# Slots of the letter counts: a-z, 0-9, space; every other character shares the last slot.
_SLOT = {character: index for index, character in enumerate("abcdefghijklmnopqrstuvwxyz0123456789 ")}
_OTHER = len(_SLOT)


@lru_cache(maxsize=1 << 16)
def _letters(key: str) -> tuple[int, ...]:
    """How often each letter, digit and space occurs in ``key`` (a normalised, case-folded text),
    every other character counted in one shared slot."""
    counts = [0] * (_OTHER + 1)
    for character, count in Counter(key).items():
        counts[_SLOT.get(character, _OTHER)] += count
    return tuple(counts)


def _similarity_bound(a: str, b: str) -> float:
    """A cheap upper bound of :func:`_similarity`: difflib's ``real_quick_ratio`` (lengths), then
    its ``quick_ratio`` (characters in common) with all characters but letters, digits and spaces
    counted as one, which can only make it larger.  Any upper bound gives the same pairs (see
    :func:`_pair`); a tight one spares exact scores."""
    key_a, key_b = _key(a), _key(b)
    total = len(key_a) + len(key_b)
    if not total:
        return 1.0
    bound = 2.0 * min(len(key_a), len(key_b)) / total
    if bound < _SIMILAR:
        return bound
    return 2.0 * sum(map(min, _letters(key_a), _letters(key_b))) / total


class _Statement(Protocol):
    """What a single-statement section holds: its text and line (Text, CorrespondingDocument, Approval)."""

    @property
    def text(self) -> str: ...

    @property
    def line(self) -> int | None: ...


def _scalar(section: str, old: _Statement | None, new: _Statement | None) -> list[ChangeRecord]:
    """A single-statement section (version, date, review date, approvals); objects with text and line."""
    if old is None:
        return [] if new is None else [ChangeRecord(section, "added", None, new.text, None, new.line)]
    if new is None:
        return [ChangeRecord(section, "removed", old.text, None, old.line, None)]
    if _key(old.text) == _key(new.text):
        return []
    return [ChangeRecord(section, "modified", old.text, new.text, old.line, new.line)]


#: Up to this many (old × new) pairs in one block, every pair is a candidate (the exact greedy
#: pairing); a larger block takes each item's best CANDIDATES by the words they share.
ALL_PAIRS = 2_500
#: Candidates per item in a large block (found through an inverted index of its words), each scored.
CANDIDATES = 2
#: Postings read per item when choosing its candidates (its rarest words first).
POSTINGS = 128
#: The share of their tokens (Jaccard) a candidate pair must have in common.
SHARED = 0.3
_WORD = re.compile(r"\w+")


@lru_cache(maxsize=_TOKEN_SETS)
def _tokens(text: str) -> frozenset[str]:
    """What a similar text shares with this one: its words, and for a text of few words (where a
    one-letter edit changes a word) its character trigrams too."""
    key = _key(text)
    words = frozenset(_WORD.findall(key))
    if len(words) >= 4:
        return words
    return words | frozenset(key[index:index + 3] for index in range(len(key) - 2)) | {key}


def _candidate_pairs(
    old: Sequence[T], new: Sequence[T], free_old: list[int], free_new: list[int], tokens: Callable[[T], Iterable],
) -> set[tuple[int, int]]:
    """For each free item of either side, the free items of the other side that share the most tokens.

    Tokens are read rarest first and at most POSTINGS postings per item in all (of a token more
    items share, the postings nearest the item's position), so common words ("the", the host's
    name) cost nothing, even when every line has the same words: the work is linear in the
    number of items.  A candidate must share
    at least SHARED of the two items' tokens (Jaccard): an edited line keeps most of its words,
    while two unrelated lines of one register share a few common ones, and scoring those exactly
    is what made large diffs slow.
    """
    pairs: set[tuple[int, int]] = set()
    for sources, targets, source_items, target_items, flip in (
        (free_old, free_new, old, new, False), (free_new, free_old, new, old, True),
    ):
        postings: dict = defaultdict(list)
        for index in targets:
            for token in tokens(target_items[index]):
                postings[token].append(index)
        for index in sources:
            mine = frozenset(tokens(source_items[index]))
            read: list[int] = []  # the postings read, counted once at the end (the same Counter)
            budget = POSTINGS
            # Rarest first (ties in the set's order): the sort of (postings, place, token), in C.
            lengths = map(len, map(postings.get, mine, repeat(())))
            for _, _, token in sorted(zip(lengths, count(), mine)):
                found = postings.get(token)
                if not found:
                    continue
                if len(found) > budget:
                    # A token most items share (one vocabulary on every line): read only the
                    # postings nearest the item's own position, so no token costs more than
                    # the budget, however many lines share it.
                    middle = bisect_left(found, index)
                    start = max(0, min(middle - budget // 2, len(found) - budget))
                    found = found[start:start + budget]
                read += found
                budget -= len(found)
                if budget <= 0:
                    break
            shared = Counter(read)
            ranked = []
            # most_common's answer (heapq.nlargest, which is this sort's first items), by C's sort
            # instead of nlargest's Python loop over every item.
            for other, _ in sorted(shared.items(), key=itemgetter(1), reverse=True)[:2 * CANDIDATES]:
                theirs = frozenset(tokens(target_items[other]))
                overlap = len(mine & theirs) / len(mine | theirs)
                if overlap >= SHARED:
                    ranked.append((-overlap, other))
            for _, other in sorted(ranked)[:CANDIDATES]:
                pairs.add((other, index) if flip else (index, other))
    return pairs


#: Past this many unpaired items on both sides of one block (a table of hundreds of thousands of
#: rows, a tenth of them edited), candidates are found by position instead of by shared words:
#: each item's NEIGHBOURS nearest the place the equal items around it predict.  An item edited in
#: place still pairs; one that also moved is reported as removed and added.
BY_POSITION = 8_000
NEIGHBOURS = 2


def _positional_pairs(free_old: list[int], free_new: list[int], equal: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """For each free item of either side, the free items of the other side nearest the position the
    closest preceding pair of equal items predicts (``j - i`` of that pair carried over)."""
    candidates: set[tuple[int, int]] = set()
    for sources, targets, anchors, flip in (
        (free_old, free_new, sorted(equal), False),
        (free_new, free_old, sorted((j, i) for i, j in equal), True),
    ):
        starts = [anchor[0] for anchor in anchors]
        for index in sources:
            before = bisect_right(starts, index) - 1
            predicted = index + (anchors[before][1] - anchors[before][0] if before >= 0 else 0)
            middle = bisect_left(targets, predicted)
            for other in targets[max(0, middle - NEIGHBOURS):middle + NEIGHBOURS]:
                candidates.add((other, index) if flip else (index, other))
    return candidates


def _pair(
    old: Sequence[T],
    new: Sequence[T],
    key: Callable[[T], str],
    score: Callable[[T, T], float],
    bound: Callable[[T, T], float] | None = None,
    tokens: Callable[[T], Iterable] | None = None,
    reaches: Callable[[T, T], bool] | None = None,
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """``(pairs, unpaired old indexes, unpaired new indexes)``: equal keys first, then best-scoring similar ones.

    Equal keys pair in order (each old item with the first free new item of its key).  Similar
    pairs are then taken greedily, best score first (ties: nearer positions, then later indexes),
    while the score reaches ``_SIMILAR``.  ``bound`` (an upper bound of ``score``) lets the exact
    score, the costly part of a diff, be computed only for pairs that can still win: a heap holds
    each pair under its bound until it reaches the top, then under its exact score.  A pair whose
    exact score reaches the top is the best remaining one, so the result is the same as scoring
    every pair and sorting.

    Small blocks consider every pair.  Past ALL_PAIRS pairs, only pairs sharing ``tokens`` are
    considered (each item's best CANDIDATES, found through an inverted index), so two large
    registers diff in about n log n time and linear memory instead of n², with at most a few
    exact scores per item; past BY_POSITION unpaired items a side, candidates are each item's
    neighbours by position.  All exact scores of one diff share SCORE_CELLS of work.
    """
    if len(old) == 1 and len(new) == 1:
        # Most edited blocks: one line for one line.  The steps below, for their one candidate.
        return _one_for_one(key(old[0]) == key(new[0]), old[0], new[0], reaches or _reaching(score), bound)
    # Each key's new indexes, last first (popping from the end gives them in order; a list of one
    # int is a tenth of a deque, and most keys have one).
    by_key: dict[str, list[int]] = {}
    for j in range(len(new) - 1, -1, -1):
        by_key.setdefault(key(new[j]), []).append(j)
    pairs: list[tuple[int, int]] = []
    free_old: list[int] = []
    taken: set[int] = set()
    for i, item in enumerate(old):
        waiting = by_key.get(key(item))
        if waiting:
            j = waiting.pop()
            pairs.append((i, j))
            taken.add(j)
        else:
            free_old.append(i)
    free_new = [j for j in range(len(new)) if j not in taken]
    candidates: Iterable[tuple[int, int]]
    if len(free_old) * len(free_new) <= ALL_PAIRS or tokens is None:
        candidates = ((i, j) for i in free_old for j in free_new)
    elif min(len(free_old), len(free_new)) > BY_POSITION:
        candidates = _positional_pairs(free_old, free_new, pairs)
    else:
        candidates = _candidate_pairs(old, new, free_old, free_new, tokens)
    estimate = bound or score
    # Min-heap entries: (-score, distance, -i, -j, exact); popping gives the highest score, then
    # the nearest positions, then the highest i and j, as a descending sort of (score, -distance, i, j).
    heap = [(-estimate(old[i], new[j]), abs(i - j), -i, -j, bound is None) for i, j in candidates]
    heapq.heapify(heap)
    open_old, open_new = set(free_old), set(free_new)
    while heap:
        negative_score, distance, negative_i, negative_j, exact = heapq.heappop(heap)
        if -negative_score < _SIMILAR:
            break  # every pair left scores (at most) this much
        i, j = -negative_i, -negative_j
        if i not in open_old or j not in open_new:
            continue  # taken by a better pair; its exact score would come no earlier
        if not exact:
            budget = _budget.get()
            if budget is not None and budget[0] <= 0:
                continue  # no exact scores left in this diff: this pair can no longer be scored
            heapq.heappush(heap, (-score(old[i], new[j]), distance, negative_i, negative_j, True))
            continue
        pairs.append((i, j))
        open_old.discard(i)
        open_new.discard(j)
    return (sorted(pairs, key=lambda pair: pair[1]), [i for i in free_old if i in open_old],
            [j for j in free_new if j in open_new])


def _one_for_one(
    same_key: bool, a: T, b: T, reaches: Callable[[T, T], bool], bound: Callable[[T, T], float] | None,
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """:func:`_pair`'s answer for a block of one line ``a`` for one line ``b`` (``same_key``: their keys are equal)."""
    if same_key or _similar(a, b, reaches, bound):
        return [(0, 0)], [], []
    return [], [0], [0]


def _reaching(score: Callable[[T, T], float]) -> Callable[[T, T], bool]:
    """Whether a pair's score reaches ``_SIMILAR``."""
    return lambda a, b: score(a, b) >= _SIMILAR


def _similar(a: T, b: T, reaches: Callable[[T, T], bool], bound: Callable[[T, T], float] | None) -> bool:
    """Whether :func:`_pair` pairs ``a`` and ``b`` when they are a block's only candidate: the
    bound first, then (while the diff has exact scores left) whether the score reaches ``_SIMILAR``."""
    if bound is None:
        return reaches(a, b)
    if bound(a, b) < _SIMILAR:
        return False
    budget = _budget.get()
    if budget is not None and budget[0] <= 0:
        return False
    return reaches(a, b)


#: Up to this many lines on both sides, a block of a list section is aligned by difflib's
#: SequenceMatcher (a longest-common-subsequence alignment, quadratic at worst).  A larger block
#: is first cut at the lines that occur once in each version and in the same order (the anchors of
#: a "patience" diff, found in n log n), and each piece between anchors aligned the same way; a
#: larger piece without such a line is one block aligned by position (equal texts pair first).
ALIGN_LINES = 2_000
Opcode = tuple[str, int, int, int, int]


def _opcodes(old: Sequence[str], new: Sequence[str], old_at: int = 0, new_at: int = 0) -> list[Opcode]:
    """difflib-style opcodes (equal, replace, delete, insert) aligning two lists of keys."""
    if not old and not new:
        return []
    # What SequenceMatcher answers for a side without lines and for one line a side, without
    # building one: most pieces between a large section's anchors are an edited or added line.
    if not old or not new:
        return [("delete" if old else "insert", old_at, old_at + len(old), new_at, new_at + len(new))]
    if len(old) == 1 and len(new) == 1:
        return [("equal" if old[0] == new[0] else "replace", old_at, old_at + 1, new_at, new_at + 1)]
    if len(old) <= ALIGN_LINES and len(new) <= ALIGN_LINES:
        return [(tag, i1 + old_at, i2 + old_at, j1 + new_at, j2 + new_at)
                for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes()]
    anchors = _anchors(old, new)
    if not anchors:
        tag = "replace" if old and new else "delete" if old else "insert"
        return [(tag, old_at, old_at + len(old), new_at, new_at + len(new))]
    codes: list[Opcode] = []
    i0 = j0 = 0
    # Each run of anchors one after the other in both lists (i and j each one more than the last:
    # as both only grow, i + j two more) is one equal block; the pieces between runs are aligned.
    sums = list(map(add, *zip(*anchors)))
    breaks = list(compress(count(1), map(ne, map(sub, sums[1:], sums), repeat(2))))
    for first, end in zip([0, *breaks], [*breaks, len(anchors)]):
        i, j = anchors[first]
        if i > i0 or j > j0:
            codes += _opcodes(old[i0:i], new[j0:j], old_at + i0, new_at + j0)
        length = end - first
        if codes and codes[-1][0] == "equal" and codes[-1][2] == old_at + i and codes[-1][4] == new_at + j:
            codes[-1] = ("equal", codes[-1][1], old_at + i + length, codes[-1][3], new_at + j + length)
        else:
            codes.append(("equal", old_at + i, old_at + i + length, new_at + j, new_at + j + length))
        i0, j0 = i + length, j + length
    if i0 < len(old) or j0 < len(new):
        codes += _opcodes(old[i0:], new[j0:], old_at + i0, new_at + j0)
    return codes


def _anchors(old: Sequence[str], new: Sequence[str]) -> list[tuple[int, int]]:
    """``(i, j)`` of the keys that occur exactly once in each list, the longest run of them that is
    in the same order in both (a longest increasing subsequence, n log n)."""
    new_keys, old_keys = set(new), set(old)
    if len(new_keys) == len(new) and len(old_keys) == len(old):
        # No key repeats (the usual list: one text per line): every key both have is an anchor,
        # found by C-level set and dict operations, in the old list's order.
        where = dict(zip(new, range(len(new))))
        shared = list(map(where.__contains__, old))
        later = list(map(where.__getitem__, compress(old, shared)))
        pairs = list(zip(compress(count(), shared), later))
    else:
        once_new = {key for key, count in Counter(new).items() if count == 1}
        once_old = {key for key, count in Counter(old).items() if count == 1 and key in once_new}
        position = {key: i for i, key in enumerate(old) if key in once_old}
        pairs = sorted((position[key], j) for j, key in enumerate(new) if key in position)
        later = [j for _, j in pairs]
    if all(map(lt, later, later[1:])):
        return pairs  # no line moved (the usual revision): the whole run is the longest, and the only one
    # Longest increasing subsequence of the j's (patience sorting with back-links).
    tails: list[int] = []
    tail_at: list[int] = []
    back: list[int] = [-1] * len(pairs)
    for index, (_, j) in enumerate(pairs):
        place = bisect_left(tails, j)
        if place == len(tails):
            tails.append(j)
            tail_at.append(index)
        else:
            tails[place] = j
            tail_at[place] = index
        back[index] = tail_at[place - 1] if place else -1
    chain: list[tuple[int, int]] = []
    index = tail_at[-1] if tail_at else -1
    while index >= 0:
        chain.append(pairs[index])
        index = back[index]
    return chain[::-1]


def _items(section: str, old: Sequence[Item], new: Sequence[Item]) -> list[ChangeRecord]:
    """Items of a list section, aligned in order; a replaced block pairs similar items as modifications."""
    records: list[ChangeRecord] = []
    old_texts, new_texts = list(map(_TEXT, old)), list(map(_TEXT, new))
    old_keys = _keys(old_texts)
    # The new version's texts the old one has (most) take their keys from it.
    known = dict(zip(old_texts, old_keys))
    found = list(map(known.get, new_texts))
    unknown = list(compress(count(), map(is_, found, repeat(None))))
    for index, made in zip(unknown, _keys([new_texts[index] for index in unknown])):
        found[index] = made
    new_keys = cast(list[str], found)  # (no None left)

    def key(item: Item) -> str:
        return _key(item.text)

    def score(a: Item, b: Item) -> float:
        return _similarity(a.text, b.text, _SIMILAR)

    def bound(a: Item, b: Item) -> float:
        return _similarity_bound(a.text, b.text)

    def tokens(item: Item) -> frozenset[str]:
        return _tokens(item.text)

    def reaches(a: Item, b: Item) -> bool:
        return _reaches(a.text, b.text, _SIMILAR)

    for tag, i1, i2, j1, j2 in _opcodes(old_keys, new_keys):
        if tag == "equal":
            continue
        if i2 - i1 == 1 and j2 - j1 == 1:
            # One line for one line (most edits): _pair's answer with the keys already made.
            pairs, removed, added = _one_for_one(old_keys[i1] == new_keys[j1], old[i1], new[j1], reaches, bound)
        else:
            pairs, removed, added = _pair(old[i1:i2], new[j1:j2], key, score, bound, tokens, reaches)
        for i, j in pairs:
            if old_keys[i1 + i] == new_keys[j1 + j]:
                continue  # the same text at its place in a block aligned by position (see _opcodes)
            before, after = old[i1 + i], new[j1 + j]
            records.append(ChangeRecord(section, "modified", before.text, after.text, before.line, after.line,
                                        organization=after.organization or before.organization))
        for i in removed:
            item = old[i1 + i]
            records.append(ChangeRecord(section, "removed", item.text, None, item.line, None,
                                        organization=item.organization))
        for j in added:
            item = new[j1 + j]
            records.append(ChangeRecord(section, "added", None, item.text, None, item.line,
                                        organization=item.organization))
    return records


_TEXT = attrgetter("text")


def _organizations(old: WorkRegister, new: WorkRegister, template: Template) -> list[ChangeRecord]:
    if old.organizations is None or new.organizations is None:
        return _scalar(
            "organizations",
            Text(text=old.organizations.text, line=old.organizations.line) if old.organizations else None,
            Text(text=new.organizations.text, line=new.organizations.line) if new.organizations else None,
        )
    records: list[ChangeRecord] = []
    if _key(old.organizations.text) != _key(new.organizations.text):
        # The "X and the DMTF" statement itself, however the partner's identity reads from it.
        records.append(ChangeRecord(
            "organizations", "modified", old.organizations.text, new.organizations.text,
            old.organizations.line, new.organizations.line, fields=("statement",),
        ))
    for role, before, after in (
        (template.parties.partner, old.organizations.partner, new.organizations.partner),
        (template.parties.host, old.organizations.host, new.organizations.host),
    ):
        # The partner's identity: the same name and abbreviation, however the sentence is worded.
        # (The host is the host whether spelled out or not.)
        # An abbreviation that one version does not spell out is not a change.
        identity_changed = _key(before.name) != _key(after.name) or (
            before.abbreviation is not None and after.abbreviation is not None
            and before.abbreviation != after.abbreviation
        )
        if role == template.parties.partner and identity_changed:
            records.append(ChangeRecord(
                "organizations", "modified", _org_text(before), _org_text(after), before.line, after.line,
                organization=role,
            ))
        for record in _items("organizations", before.description, after.description):
            records.append(replace(record, organization=role))
    return records


def _org_text(organization) -> str:
    if organization.abbreviation and organization.abbreviation != organization.name:
        return f"{organization.name} ({organization.abbreviation})"
    return organization.name


def _milestone_text(milestone: Milestone) -> str:
    text = milestone.deliverable
    if milestone.timeframe:
        text += f" | {milestone.timeframe}"
    return text + (" | done" if milestone.done else "")


def _milestones(old: Sequence[Milestone], new: Sequence[Milestone], vocabulary: Vocabulary) -> list[ChangeRecord]:
    def bonus(a: Milestone, b: Milestone) -> float:
        # Same timeframe breaks ties between equally similar deliverables ("... v1.0" vs "... v1.2").
        return 0.1 if _key(a.timeframe) == _key(b.timeframe) else 0

    def score(a: Milestone, b: Milestone) -> float:
        extra = bonus(a, b)
        return _similarity(a.deliverable, b.deliverable, _SIMILAR - extra) + extra

    def bound(a: Milestone, b: Milestone) -> float:
        return _similarity_bound(a.deliverable, b.deliverable) + bonus(a, b)

    _remember_keys([milestone.deliverable for milestone in (*old, *new)])

    def reaches(a: Milestone, b: Milestone) -> bool:
        return _reaches(a.deliverable, b.deliverable, _SIMILAR, bonus(a, b))

    pairs, removed, added = _pair(old, new, lambda m: _key(m.deliverable), score, bound,
                                  lambda m: _tokens(m.deliverable), reaches)
    records: list[ChangeRecord] = []
    for i, j in pairs:
        before, after = old[i], new[j]
        if before.deliverable == after.deliverable and before.timeframe == after.timeframe and before.done == after.done:
            continue  # the same texts have the same keys: nothing changed (most pairs)
        changed = tuple(
            name for name, differs in (
                ("deliverable", _key(before.deliverable) != _key(after.deliverable)),
                ("timeframe", _key(before.timeframe) != _key(after.timeframe)),
                ("done", before.done != after.done),
            ) if differs
        )
        if not changed:
            continue
        committees = frozenset(vocabulary.involved_in(before.deliverable)) | frozenset(
            vocabulary.involved_in(after.deliverable)
        )
        records.append(ChangeRecord(
            "milestones", "modified", _milestone_text(before), _milestone_text(after), before.line, after.line,
            committees=committees, fields=changed, done_only=changed == ("done",) and after.done,
        ))
    for i in removed:
        milestone = old[i]
        records.append(ChangeRecord(
            "milestones", "removed", _milestone_text(milestone), None, milestone.line, None,
            committees=frozenset(vocabulary.involved_in(milestone.deliverable)),
        ))
    for j in added:
        milestone = new[j]
        records.append(ChangeRecord(
            "milestones", "added", None, _milestone_text(milestone), None, milestone.line,
            committees=frozenset(vocabulary.involved_in(milestone.deliverable)),
        ))
    return records


def _contacts(old: Sequence[Contact], new: Sequence[Contact]) -> list[ChangeRecord]:
    def identity(contact: Contact) -> str:
        return (contact.email or "").casefold() or _key(contact.name or contact.text)

    def same_person(a: Contact, b: Contact) -> float:
        return 1.0 if a.name and b.name and _key(a.name) == _key(b.name) and a.organization == b.organization else 0.0

    def name(contact: Contact) -> tuple[str, ...]:
        return (_key(contact.name),) if contact.name else ()  # only the same name can score

    pairs, removed, added = _pair(old, new, identity, same_person, tokens=name)
    records: list[ChangeRecord] = []
    for i, j in pairs:
        before, after = old[i], new[j]
        if (before.text == after.text and before.name == after.name and before.role == after.role
                and before.email == after.email):
            continue  # the same texts have the same keys: nothing changed (most pairs)
        changed = tuple(
            name for name in ("name", "role", "email")
            if _key(getattr(before, name) or "") != _key(getattr(after, name) or "")
        )
        if changed or _key(before.text) != _key(after.text):
            records.append(ChangeRecord(
                "points_of_contact", "modified", before.text, after.text, before.line, after.line,
                organization=after.organization or before.organization, fields=changed,
            ))
    for i in removed:
        records.append(ChangeRecord("points_of_contact", "removed", old[i].text, None, old[i].line, None,
                                    organization=old[i].organization))
    for j in added:
        records.append(ChangeRecord("points_of_contact", "added", None, new[j].text, None, new[j].line,
                                    organization=new[j].organization))
    return records


def _scope_lines(register: WorkRegister) -> list[int | None]:
    """The line of each text :func:`scope_texts` reads, in its order."""
    lines = [item.line for item in (*register.benefits, *register.activities, *register.documentation)]
    lines += [milestone.line for milestone in register.milestones]
    lines += [contact.line for contact in register.points_of_contact]
    return lines


def _first_mention(register: WorkRegister, texts: list[str], joined: str,
                   pattern: re.Pattern[str]) -> tuple[bool, int | None]:
    """``(mentioned, line of the first text that mentions it)`` for a group's pattern, ``joined`` being
    ``texts`` (the register's :func:`scope_texts`) joined by SEPARATOR."""
    match = pattern.search(joined)
    if match is None:
        return False, None
    starts = list(accumulate((len(text) + 1 for text in texts), initial=0))
    return True, _scope_lines(register)[bisect_right(starts, match.start()) - 1]


def _scope(old: WorkRegister, new: WorkRegister, vocabulary: Vocabulary) -> list[ChangeRecord]:
    """The groups added to or removed from the register's scope (:func:`scope_of`), each with the
    line of the first text that mentions it.

    Only a group that the texts of one version alone mention, and the texts of the other version
    alone do not, can be in one scope and not the other (one search of each side's own texts finds
    them); it is, unless a text both versions have mentions it (one search of the other version's
    texts, see below).  Linear in the texts, not in texts × groups."""
    old_texts, new_texts = scope_texts(old), scope_texts(new)
    old_set, new_set = set(old_texts), set(new_texts)
    in_old_only = vocabulary.groups_in_any(old_set - new_set)
    in_new_only = vocabulary.groups_in_any(new_set - old_set)
    one_side = in_old_only ^ in_new_only
    if not one_side:
        return []
    old_joined, new_joined = SEPARATOR.join(old_texts), SEPARATOR.join(new_texts)
    # A group one version's own texts mention and the other's do not is in both scopes when a text
    # both have mentions it: when any text of that other version does (its own texts do not), one
    # search of its texts joined.  (Unless a text holds the separator: then of the shared texts.)
    apart = old_joined.count(SEPARATOR) == len(old_texts) - 1 and new_joined.count(SEPARATOR) == len(new_texts) - 1
    both = None if apart else SEPARATOR.join(text for text in old_texts if text in new_set)
    records: list[ChangeRecord] = []
    removed: list[ChangeRecord] = []
    for group in sorted(one_side):
        pattern = vocabulary.pattern(group)
        if pattern.search(both if both is not None else old_joined if group in in_new_only else new_joined):
            continue  # in both scopes
        committees = frozenset(vocabulary.involved_in(group))
        if group in in_new_only:
            _, line = _first_mention(new, new_texts, new_joined, pattern)
            records.append(ChangeRecord("scope", "added", None, group, None, line, committees=committees,
                                        group=group))
        else:
            _, line = _first_mention(old, old_texts, old_joined, pattern)
            removed.append(ChangeRecord("scope", "removed", group, None, line, None, committees=committees,
                                        group=group))
    return records + removed


__all__ = ["ChangeRecord", "as_fact", "change_sections", "diff_registers", "scope_texts"]
