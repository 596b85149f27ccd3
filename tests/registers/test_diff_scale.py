"""``diff`` pairs items in about n log n: counted work, not timed (timings live in bench/run.py).

Two registers whose every line was edited used to be scored pair by pair (n² bounds, a heap of
n² entries).  The pairing now scores each item against a few candidates from an inverted index
of its words; these tests count the scoring calls and check that the candidates give the same
pairs as scoring every pair.
"""

from __future__ import annotations

import pytest

from bench.big_registers import register_texts
from workreg.registers import diff
from workreg.registers.read import read_register
from workreg.registers.vocabulary import load_vocabulary


def _registers(tmp_path, lines: int, modified: int, repeated: bool = False):
    old_text, new_text = register_texts(lines, modified, repeated=repeated)
    (tmp_path / "old.txt").write_text(old_text, encoding="utf-8")
    (tmp_path / "new.txt").write_text(new_text, encoding="utf-8")
    vocabulary = load_vocabulary()
    return (read_register(tmp_path / "old.txt", vocabulary=vocabulary),
            read_register(tmp_path / "new.txt", vocabulary=vocabulary), vocabulary)


def _scoring_calls(monkeypatch, old, new, vocabulary) -> int:
    calls = {"n": 0}
    for name in ("_similarity", "_similarity_bound"):
        original = getattr(diff, name)

        def counted(*args, _original=original, **kwargs):
            calls["n"] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(diff, name, counted)
    diff.diff_registers(old, new, vocabulary)
    monkeypatch.undo()
    return calls["n"]


@pytest.mark.parametrize("repeated", [False, True], ids=["distinct-lines", "repeated-lines"])
def test_scoring_work_grows_linearly(tmp_path, monkeypatch, repeated: bool):
    counts = {}
    for lines in (300, 1200):
        folder = tmp_path / str(lines)
        folder.mkdir()
        old, new, vocabulary = _registers(folder, lines, lines, repeated)
        counts[lines] = _scoring_calls(monkeypatch, old, new, vocabulary)
    # Every line edited: all pairs would be 1200² = 1.4 million scores; the index needs a few per line.
    assert counts[1200] <= 30 * 1200 * 1.2
    assert counts[1200] / max(counts[300], 1) < 6  # four times the lines: about four times the work


@pytest.mark.parametrize("lines,modified", [(200, 200), (400, 100), (600, 600)])
def test_candidates_give_the_pairs_all_pairs_give(tmp_path, monkeypatch, lines: int, modified: int):
    old, new, vocabulary = _registers(tmp_path, lines, modified)
    monkeypatch.setattr(diff, "ALL_PAIRS", 10**12)
    every_pair = diff.diff_registers(old, new, vocabulary)
    monkeypatch.setattr(diff, "ALL_PAIRS", 0)
    candidates = diff.diff_registers(old, new, vocabulary)
    assert candidates == every_pair
    assert sum(record.change == "modified" for record in candidates) >= modified * 0.9


def test_small_blocks_score_every_pair(monkeypatch):
    """Below ALL_PAIRS the pairing is the exact greedy one: no candidate index is built."""
    def refuse(*args, **kwargs):
        raise AssertionError("the candidate index was used for a small block")

    monkeypatch.setattr(diff, "_candidate_pairs", refuse)
    old = [f"activity number {n} of the register" for n in range(40)]
    new = [f"activity number {n} of the registers" for n in range(40)]
    pairs, removed, added = diff._pair(old, new, diff._key, diff._similarity, diff._similarity_bound,
                                       diff._tokens)
    assert len(pairs) == 40 and not removed and not added


def test_the_seed_registers_pair_the_same_through_the_index(seeds, monkeypatch):
    """Every ordered pair of the real registers: the index (forced on every block) pairs as scoring every pair does."""
    import itertools

    vocabulary = load_vocabulary()
    registers = [read_register(path, vocabulary=vocabulary) for path in sorted(seeds.glob("work-register-*.txt"))]
    for old, new in itertools.permutations(registers, 2):
        monkeypatch.setattr(diff, "ALL_PAIRS", 10**12)
        every_pair = diff.diff_registers(old, new, vocabulary)
        monkeypatch.setattr(diff, "ALL_PAIRS", 0)
        assert diff.diff_registers(old, new, vocabulary) == every_pair


def test_the_mentions_index_finds_what_searching_every_pattern_finds():
    """The vocabulary searches only the entities whose words' first runs a text has: the same answer
    as searching every pattern, including the letters case-insensitive matching folds (ı, İ, ſ, K)."""
    import random

    vocabulary = load_vocabulary()
    words = [word for entity in vocabulary.entities for word in entity.words]
    rng = random.Random(4003)
    noise = "aAbBkK\u0131\u0130\u017f\u212a-_ .,()1234éÉ\t\nß/"
    for _ in range(3000):
        parts = [rng.choice(words) if rng.random() < 0.5 else "".join(rng.choice(noise) for _ in range(rng.randint(0, 4)))
                 for _ in range(rng.randint(0, 5))]
        text = rng.choice(["", " "]).join(parts)
        text = rng.choice([text, text.upper(), text.lower(), text.swapcase()])
        every = frozenset(name for name, pattern in vocabulary._patterns.items() if pattern and pattern.search(text))
        assert vocabulary.mentioned_in(text) == every, text
        words_found = [(name, match.group(0)) for name, pattern in vocabulary._patterns.items()
                       if pattern and (match := pattern.search(text))]
        assert list(vocabulary.mentions(text).items()) == words_found, text


def test_small_pieces_align_as_sequence_matcher_does():
    """_opcodes' shortcuts (a side without lines, one line a side) give SequenceMatcher's opcodes."""
    from difflib import SequenceMatcher
    from itertools import product

    for old_size, new_size in product(range(3), repeat=2):
        for old in product("ab", repeat=old_size):
            for new in product("ab", repeat=new_size):
                expected = [(tag, i1 + 5, i2 + 5, j1 + 7, j2 + 7) for tag, i1, i2, j1, j2
                            in SequenceMatcher(None, list(old), list(new), autojunk=False).get_opcodes()]
                assert diff._opcodes(list(old), list(new), 5, 7) == (expected if old or new else [])
