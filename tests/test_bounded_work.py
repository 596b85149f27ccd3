"""Bounded work: the shapes that made policy validation and ``check`` grow faster than the input.

Each shape of tests/bad_shapes.py runs here small.  Growth is measured without a clock: the
number of Python lines executed (``sys.settrace``) while one input is validated and checked,
at a size and at four times that size.  Linear work grows about 4x; the quadratic passes this
replaced grew 16x or more.  Times and peak memory at the probe's full sizes are benchmark rows
(``python bench/bad_inputs.py``), not tests.
"""

from __future__ import annotations

import difflib
import random
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workreg.errors import Suggestions
from workreg.policy.graph import _parallel_contradictions, integrity_findings
from workreg.policy.load import MAX_ERRORS, validate_policy_text

from . import bad_shapes
from .guards import deadline
from .test_bad_inputs import assert_workreg_error


def executed_lines(text: str, only_check: bool = False) -> int:
    """Python lines executed (everywhere: workreg, pydantic's Python parts, difflib) to validate
    and check one policy text (``only_check``: to run check's integrity passes over it)."""
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return tracer

    if not only_check:
        sys.settrace(tracer)
    try:
        policy, errors, _ = validate_policy_text(text, "shape.yaml")
        sys.settrace(tracer)
        if policy is not None:
            integrity_findings(policy)
    finally:
        sys.settrace(None)
    return count


# shape: (generator of the text at size n, n, whether to count check's integrity passes only).
# The work at 4n must be at most 6x the work at n.
SHAPES = {
    "many-unknown-fields": (bad_shapes.many_unknown_fields, 1500, False),
    "many-typos": (lambda n: bad_shapes.many_typos(3 * n, n), 100, False),
    "one-huge-group": (lambda n: bad_shapes.huge_parallel_group(n, every=1), 150, False),
    "many-steps": (bad_shapes.many_steps, 400, True),
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_work_grows_about_linearly(shape: str):
    make, n, only_check = SHAPES[shape]
    small, large = make(n), make(4 * n)
    executed_lines(small, only_check)  # first use: imports, compiled patterns and caches are not the input's work
    with deadline(120):
        ratio = executed_lines(large, only_check) / executed_lines(small, only_check)
    assert ratio <= 6, f"{shape}: 4x the input took {ratio:.1f}x the work"


@pytest.mark.parametrize("command", [["check", "{}"], ["approvals", "change", "--policy", "{}"]])
@pytest.mark.parametrize("shape", ["many-unknown-fields", "many-typos"])
def test_every_command_reports_a_shape_of_many_errors_briefly(tmp_path, shape: str, command: list[str]):
    make, n, _ = SHAPES[shape]
    path = tmp_path / "shape.yaml"
    path.write_text(make(4 * n if shape == "many-typos" else 2 * n), encoding="utf-8")
    with deadline(60):
        code, out, err = assert_workreg_error([part.replace("{}", str(path)) for part in command], codes=(1, 2))
    text = out + err
    errors = [line for line in text.splitlines() if line.startswith(str(path))]
    if shape == "many-unknown-fields":  # 3,000 errors: the first MAX_ERRORS, then a count of the rest
        assert len(errors) == MAX_ERRORS + 1
        assert errors[-1].endswith(f"too-many-errors: {3000 - MAX_ERRORS} more errors not shown "
                                   f"(the first {MAX_ERRORS} are)")
    else:
        assert len(errors) == 400 and text.count("did you mean") == 400


@pytest.mark.parametrize("every", [1, 10])
def test_a_huge_parallel_group_gets_a_finding_per_contradicted_member(tmp_path, every: int):
    path = tmp_path / "group.yaml"
    path.write_text(bad_shapes.huge_parallel_group(600, every=every), encoding="utf-8")
    with deadline(60):
        code, out, _ = assert_workreg_error(["check", str(path)], codes=(1,))
    findings = [line for line in out.splitlines() if "parallel-contradicts-precedence" in line]
    assert len(findings) == (599 if every == 1 else 60)
    if every == 1:  # the last step is preceded by all 599 others: one finding names the first and counts the rest
        assert "orders 'step_00000' (and 598 other members of the group) before 'step_00599'" in out


def test_a_policy_of_six_thousand_steps_can_be_written_and_checked(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text(bad_shapes.many_steps(6000), encoding="utf-8")
    assert path.stat().st_size > 2 * 1024 * 1024  # over the first wave's limit
    with deadline(120):
        code, out, err = assert_workreg_error(["check", str(path)], codes=(0, 1))
    assert "too-large" not in err


# -------------------------------------------------- parallel groups: the same answer as pair by pair


def _reference(policy) -> set[tuple[int, str, str]]:
    """(group, earlier, later) for every pair of a group the precedence orders: a search per pair."""
    after: dict[str, set[str]] = {}
    for edge in policy.precedence:
        after.setdefault(edge.before, set()).add(edge.after)

    def reaches(start: str, goal: str) -> bool:
        seen, frontier = {start}, [start]
        while frontier:
            for following in after.get(frontier.pop(), ()):
                if following == goal:
                    return True
                if following not in seen:
                    seen.add(following)
                    frontier.append(following)
        return False

    pairs = set()
    for index, group in enumerate(policy.parallel):
        members = list(dict.fromkeys(group.steps))
        pairs |= {(index, a, b) for a in members for b in members if a != b and reaches(a, b)}
    return pairs


@settings(max_examples=120, deadline=None, derandomize=True, database=None)
@given(st.integers(3, 14), st.integers(0, 2**32 - 1), st.integers(1, 4))
def test_parallel_findings_name_every_ordered_member_as_a_search_per_pair_would(steps: int, seed: int, groups: int):
    rng = random.Random(seed)
    ids = [f"s{index}" for index in range(steps)]
    edges = {(ids[a], ids[b]) for a, b in (sorted(rng.sample(range(steps), 2)) for _ in range(rng.randint(0, 2 * steps)))}
    text = bad_shapes.policy_yaml({
        **bad_shapes._base(0), "steps": [
            {"id": step, "title": step, "actor": "body", "kind": "approval", "phase": "work",
             "citation": bad_shapes._cite("2")} for step in ids],
        "precedence": [{"before": a, "after": b, "citation": bad_shapes._cite("4")} for a, b in sorted(edges)],
        "change_kinds": [{"id": "change", "title": "Change", "citation": bad_shapes._cite("3"),
                          "requires": [{"step": step, "citation": bad_shapes._cite("3")} for step in ids]}],
        "parallel": [{"steps": rng.sample(ids, rng.randint(2, steps)) + rng.sample(ids, 1), "citation": bad_shapes._cite("5")}
                     for _ in range(groups)],
    })
    policy, errors, _ = validate_policy_text(text, "p.yaml")
    assert not errors, errors
    expected = _reference(policy)
    found = _parallel_contradictions(policy)
    # One finding per (group, later member), naming the member of the group listed first that precedes it.
    later = {(index, b) for index, _, b in expected}
    assert len(found) == len(later)
    for finding in found:
        group = finding.path[1]
        first, second = finding.message.split("'")[1], finding.message.split("'")[3]
        assert (group, first, second) in expected
        members = list(dict.fromkeys(policy.parallel[group].steps))
        assert first == min((a for index, a, b in expected if index == group and b == second), key=members.index)


# -------------------------------------------------- did-you-mean: an index, the same answers on words


def _slip(word: str, rng: random.Random) -> str:
    return bad_shapes._misspell(word, rng)


@pytest.mark.parametrize("names", ["words", "numbers"])
def test_the_hint_index_finds_what_a_full_scan_finds(names: str):
    rng = random.Random(7)
    words = ["board", "committee", "ballot", "approval", "review", "draft", "final", "member", "vote", "notice"]
    options = ([f"{'_'.join(rng.sample(words, rng.randint(2, 3)))}_{index}" for index in range(1500)]
               if names == "words" else [f"step_{index:05d}" for index in range(1500)])
    index = Suggestions(options)
    for _ in range(60):
        typo = _slip(rng.choice(options), rng)
        if typo in options:
            continue
        full = difflib.get_close_matches(typo, sorted(options), n=1, cutoff=0.6)
        hint = index.hint(typo)
        assert (hint is None) == (not full), (typo, hint, full)
        if full and names == "words":
            assert hint == f"did you mean '{full[0]}'?"
        elif full:  # ids that differ only in digits tie often: an equally close name is as good
            ratio = difflib.SequenceMatcher(None, typo, hint.split("'")[1]).ratio()
            assert ratio == pytest.approx(difflib.SequenceMatcher(None, typo, full[0]).ratio()), (typo, hint, full)


def test_a_thousand_typos_cost_a_few_comparisons_each(monkeypatch):
    compared = []
    original = difflib.SequenceMatcher.ratio
    monkeypatch.setattr(difflib.SequenceMatcher, "ratio", lambda self: compared.append(1) or original(self))
    _, errors, _ = validate_policy_text(bad_shapes.many_typos(1500, 300), "typos.yaml")
    assert len(errors) == 300 and all(error.hint for error in errors)
    # difflib computes the ratio of a close name twice; a full scan compared each typo with ~1,500 ids
    assert len(compared) <= 300 * 2 * Suggestions.CANDIDATES


def test_small_name_lists_keep_the_full_scan_and_the_list():
    assert Suggestions(["board", "committee"]).hint("bord") == "did you mean 'board'?"
    assert Suggestions(["board", "committee"]).hint("zzz") == "expected one of: board, committee"
    assert Suggestions([f"n{i}" for i in range(100)]).hint("q") is None


def test_generators_are_seeded():
    assert bad_shapes.many_typos(300, 30) == bad_shapes.many_typos(300, 30)
    assert bad_shapes.many_steps(200) == bad_shapes.many_steps(200)

