"""Bounded work for the register pipeline (issue 18): the probe's shapes at sizes CI runs in a second.

Work is counted, not timed (timings and the full sizes are benchmark rows: bench/big_registers.py):
many milestone rows, one vocabulary on every line, a huge word.  The bounds that make the pairing
cheap past a budget (postings per item, exact-score work per diff, anchored alignment of long
sections) are checked to keep the result a complete account of the changes.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.big_registers import huge_word_text, many_milestones_texts, register_texts, shared_vocabulary_texts
from workreg.registers import diff
from workreg.registers.read import read_register
from workreg.registers.vocabulary import load_vocabulary, scope_texts


def _read_pair(tmp_path, texts: tuple[str, str], name: str = "r"):
    vocabulary = load_vocabulary()
    registers = []
    for suffix, text in zip(("old", "new"), texts):
        path = tmp_path / f"{name}-{suffix}.txt"
        path.write_text(text, encoding="utf-8")
        registers.append(read_register(path, vocabulary=vocabulary))
    return registers[0], registers[1], vocabulary


def _counted(monkeypatch, old, new, vocabulary) -> tuple[list, dict]:
    """The diff, and how many exact scores and postings it read."""
    counts = {"scores": 0, "postings": 0}
    similarity = diff._similarity

    def counted_similarity(*args, **kwargs):
        counts["scores"] += 1
        return similarity(*args, **kwargs)

    class CountingCounter(Counter):
        """Counts the postings the candidate search reads (lists of item indexes)."""

        def update(self, iterable=None, /, **kwargs):
            if isinstance(iterable, list) and iterable and isinstance(iterable[0], int):
                counts["postings"] += len(iterable)
            return super().update(iterable, **kwargs)

    monkeypatch.setattr(diff, "Counter", CountingCounter)
    monkeypatch.setattr(diff, "_similarity", counted_similarity)
    records = diff.diff_registers(old, new, vocabulary)
    monkeypatch.undo()
    return records, counts


def _accounted(records, section: str, old_items, new_items) -> bool:
    """Every old line is removed or modified or unchanged, every new one added or modified or unchanged."""
    lines_old = {record.line_old for record in records if record.section == section and record.line_old}
    lines_new = {record.line_new for record in records if record.section == section and record.line_new}
    old_keys = {diff._key(item.text) for item in new_items}
    new_keys = {diff._key(item.text) for item in old_items}
    return (all(item.line in lines_old or diff._key(item.text) in old_keys for item in old_items)
            and all(item.line in lines_new or diff._key(item.text) in new_keys for item in new_items))


@pytest.mark.parametrize("shape", ["many-milestones", "shared-vocabulary"])
def test_the_pairing_work_grows_linearly(tmp_path, monkeypatch, shape):
    make = many_milestones_texts if shape == "many-milestones" else shared_vocabulary_texts
    sizes = (2000, 8000) if shape == "many-milestones" else (300, 1200)
    work = {}
    for size in sizes:
        folder = tmp_path / str(size)
        folder.mkdir()
        old, new, vocabulary = _read_pair(folder, make(size))
        _, counts = _counted(monkeypatch, old, new, vocabulary)
        work[size] = counts["scores"] + counts["postings"]
    # Four times the lines: about four times the work (every pair would be sixteen times).
    assert work[sizes[1]] / work[sizes[0]] < 5.5, work


def test_one_vocabulary_on_every_line_still_reports_every_change(tmp_path, monkeypatch):
    """The shape that defeated the word index: 300 lines of the same 12 words, shuffled anew."""
    old, new, vocabulary = _read_pair(tmp_path, shared_vocabulary_texts(300))
    records, counts = _counted(monkeypatch, old, new, vocabulary)
    assert counts["scores"] <= 6 * 300
    assert _accounted(records, "activities", old.activities, new.activities)


def test_past_the_score_budget_items_are_removed_and_added_not_lost(tmp_path, monkeypatch):
    old, new, vocabulary = _read_pair(tmp_path, register_texts(400, 400))
    monkeypatch.setattr(diff, "SCORE_CELLS", 0)
    records = diff.diff_registers(old, new, vocabulary)
    activities = [record for record in records if record.section == "activities"]
    assert activities and all(record.change in ("removed", "added") for record in activities)
    assert _accounted(records, "activities", old.activities, new.activities)
    monkeypatch.setattr(diff, "SCORE_CELLS", 10**12)
    paired = diff.diff_registers(old, new, vocabulary)
    assert sum(record.change == "modified" for record in paired if record.section == "activities") >= 360


def test_milestone_rows_pair_by_deliverable(tmp_path):
    old, new, vocabulary = _read_pair(tmp_path, many_milestones_texts(3000))
    records = diff.diff_registers(old, new, vocabulary)
    milestones = [record for record in records if record.section == "milestones"]
    # A tenth of the rows had one word changed: each is one modified record, nothing else.
    assert len(milestones) == 300 and all(record.change == "modified" for record in milestones)
    assert all(record.line_old == record.line_new for record in milestones)


def test_a_huge_word_is_read_and_compared_by_its_words(tmp_path, monkeypatch):
    size = 200_000
    old_text, new_text = huge_word_text(size), huge_word_text(size).replace("x" * 10, "y" * 10, 1)
    old, new, vocabulary = _read_pair(tmp_path, (old_text, new_text))
    assert [len(item.text) for item in old.activities] == [size]
    monkeypatch.setattr(diff, "PAIR_CELLS", 1_000_000)  # a pair of 200,000-character texts is past it

    def no_character_matcher(*args, **kwargs):
        raise AssertionError("two huge texts compared character by character")

    original, characters = diff.SequenceMatcher, diff._matching_characters

    def matcher(junk, a, b, autojunk=True):
        if isinstance(a, str) and len(a) * len(b) > diff.PAIR_CELLS:
            no_character_matcher()
        return original(junk, a, b, autojunk=autojunk)

    def matching_characters(a, b):
        if len(a) * len(b) > diff.PAIR_CELLS:
            no_character_matcher()
        return characters(a, b)

    monkeypatch.setattr(diff, "SequenceMatcher", matcher)
    monkeypatch.setattr(diff, "_matching_characters", matching_characters)
    records = diff.diff_registers(old, new, vocabulary)
    changed = [record for record in records if record.section == "activities"]
    # One word each, different: not similar by words, so removed and added.
    assert sorted(record.change for record in changed) == ["added", "removed"]


@pytest.mark.parametrize("lines,modified", [(600, 150), (900, 900)])
def test_anchored_alignment_gives_the_records_difflib_gives(tmp_path, monkeypatch, lines, modified):
    """Past ALIGN_LINES a section is cut at unique lines first; on registers of distinct lines that
    gives the same records as aligning the whole section with difflib."""
    old, new, vocabulary = _read_pair(tmp_path, register_texts(lines, modified))
    monkeypatch.setattr(diff, "ALIGN_LINES", 10**9)
    whole = diff.diff_registers(old, new, vocabulary)
    monkeypatch.setattr(diff, "ALIGN_LINES", 20)
    assert diff.diff_registers(old, new, vocabulary) == whole


# Texts of few letters make long and repeated blocks (the ties difflib breaks by position); the
# generated registers' sentences with a few words replaced are the edits a register diff scores.
_LETTERS = st.text(alphabet="ab c", max_size=60)


def _edited_sentence(seed: int, edits: int) -> tuple[str, str]:
    from bench.big_registers import _edit, _sentence

    rng = random.Random(seed)
    text = _sentence(rng, seed).casefold()
    edited = text
    for _ in range(edits):
        edited = _edit(rng, edited)
    return text, edited


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.tuples(_LETTERS, _LETTERS), st.tuples(st.text(max_size=30), st.text(max_size=30)),
                 st.builds(_edited_sentence, st.integers(0, 10**6), st.integers(0, 3))))
def test_similarity_is_difflibs_ratio(texts):
    """The diff's character matcher gives exactly difflib's ratio (autojunk off), the score the
    pairing's decisions are defined by."""
    from difflib import SequenceMatcher

    a, b = texts
    blocks = SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    assert diff._matching_characters(a, b) == sum(block.size for block in blocks)
    ratio = SequenceMatcher(None, diff._key(a), diff._key(b), autojunk=False).ratio()
    assert diff._similarity(a, b) == ratio
    # Given a floor (the pairing's threshold), a ratio below it may stop early: it stays below.
    for floor in (0.5, 0.6, 0.9):
        floored = diff._similarity(a, b, floor)
        assert floored == ratio if ratio >= floor else floored < floor


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.tuples(_LETTERS, _LETTERS), st.tuples(st.text(max_size=30), st.text(max_size=30)),
                 st.builds(_edited_sentence, st.integers(0, 10**6), st.integers(0, 3))),
       st.sampled_from([0, 0.1]), st.sampled_from([None, 0, 50, 10**8]))
def test_reaches_is_the_score_against_the_threshold(texts, extra, budget):
    """The one-pair test that stops once decided answers what the score compared with the
    threshold answers, and takes the same work from the diff's budget."""
    a, b = texts
    answers, left = [], []
    for decide in (lambda: diff._reaches(a, b, diff._SIMILAR, extra),
                   lambda: diff._similarity(a, b, diff._SIMILAR - extra) + extra >= diff._SIMILAR):
        token = diff._budget.set(None if budget is None else [budget])
        try:
            answers.append(decide())
            left.append(diff._budget.get())
        finally:
            diff._budget.reset(token)
    assert answers[0] == answers[1]
    assert left[0] == left[1]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 30), max_size=80), st.lists(st.integers(0, 30), max_size=80), st.integers(1, 12))
def test_anchored_opcodes_describe_the_new_list(old, new, limit):
    """Whatever the lists, the opcodes cover both in order and equal blocks are equal."""
    old_keys, new_keys = [str(n) for n in old], [str(n) for n in new]
    saved = diff.ALIGN_LINES
    diff.ALIGN_LINES = limit
    try:
        codes = diff._opcodes(old_keys, new_keys)
    finally:
        diff.ALIGN_LINES = saved
    i = j = 0
    rebuilt: list[str] = []
    for tag, i1, i2, j1, j2 in codes:
        assert (i1, j1) == (i, j)
        if tag == "equal":
            assert old_keys[i1:i2] == new_keys[j1:j2]
        rebuilt += new_keys[j1:j2]
        i, j = i2, j2
    assert (i, j) == (len(old_keys), len(new_keys)) and rebuilt == new_keys


def test_scope_changes_are_those_of_the_first_mentions(tmp_path):
    """The scope diff searches only the groups that differing texts mention: the same records as
    comparing each version's groups (first mention of each, text by text)."""
    vocabulary = load_vocabulary()
    words = [word for entity in vocabulary.entities for word in entity.words] + ["plain words"] * 20
    rng = random.Random(4003)

    def text(count: int) -> str:
        lines = [f"- {rng.choice(words)} and {rng.choice(words)} item {n}" for n in range(count)]
        body = "\n".join(lines)
        return (f"ESA / DMTF Work Register\n\nAlliance Organizations\nESA and the DMTF\n\nActivities\n{body}\n\n"
                "Milestones\nKick-off\tQ1 2025\n\nAccess\n- public\n")

    for trial in range(6):
        old, new, _ = _read_pair(tmp_path, (text(40), text(40)), name=f"s{trial}")
        reference = []
        firsts = []
        for register in (old, new):
            first: dict[str, int | None] = {}
            for source, line in zip(scope_texts(register), diff._scope_lines(register)):
                for group in vocabulary.groups_in(source):
                    first.setdefault(group, line)
            firsts.append(first)
        reference += [("added", group, firsts[1][group]) for group in sorted(set(firsts[1]) - set(firsts[0]))]
        reference += [("removed", group, firsts[0][group]) for group in sorted(set(firsts[0]) - set(firsts[1]))]
        records = [record for record in diff.diff_registers(old, new, vocabulary) if record.section == "scope"]
        assert [(r.change, r.group, r.line_new if r.change == "added" else r.line_old) for r in records] == reference


def test_past_by_position_edited_rows_pair_in_place(tmp_path, monkeypatch):
    """A block too large for the word index pairs each row with its neighbours by position: rows
    edited in place pair as the index pairs them; a moved and edited row is removed and added."""
    old_text, new_text = many_milestones_texts(3000)
    rows = new_text.split("\n")
    first = next(index for index, row in enumerate(rows) if row.startswith("Deliverable 5 "))
    moved = rows.pop(first)
    rows.insert(first + 2000, moved.replace("Deliverable 5 ", "Deliverable five "))
    old, new, vocabulary = _read_pair(tmp_path, (old_text, "\n".join(rows)))
    by_words = diff.diff_registers(old, new, vocabulary)
    monkeypatch.setattr(diff, "BY_POSITION", 10)
    by_place = diff.diff_registers(old, new, vocabulary)
    moved_line = [record for record in by_words if record.section == "milestones" and "five" in (record.after or "")]
    assert [record.change for record in moved_line] == ["modified"]
    assert sorted(record.change for record in by_place
                  if "Deliverable 5 " in (record.before or "") or "five" in (record.after or "")) == ["added", "removed"]
    rest = [record for record in by_words if record not in moved_line]
    assert [record for record in by_place if record.section == "milestones" and record.change == "modified"] == [
        record for record in rest if record.section == "milestones"]
