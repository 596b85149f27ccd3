"""Generators of the input shapes that once made workreg's work grow faster than the input.

Each returns YAML text within the policy size limit; the size is a parameter, so the tests run
them small (tests/test_bounded_work.py) and ``bench/bad_inputs.py`` runs them at the sizes the
outside probe used.  Seeded: the same arguments give the same bytes.

- :func:`many_unknown_fields` — one step with ``count`` fields the schema does not know
  (20,000 in 201 KB took 105 s when every error was compared with every other);
- :func:`many_typos` — ``typos`` misspelt ``requires`` among ``steps`` steps (a did-you-mean
  hint that compared each typo with every step: 1,000 on 3,000 steps took 28 s);
- :func:`huge_parallel_group` — one parallel group of ``steps`` steps, some of them ordered by
  the precedence (checked pair by pair: 9,000 steps took 21-26 s);
- :func:`many_steps` — ``steps`` chained steps with a parallel group per 20 steps (a
  whole-graph search per parallel pair: ``check`` quadratic in the steps).
"""

from __future__ import annotations

import random

from tests.generated_policies import chained_policy, policy_yaml


def _cite(section: str) -> dict:
    return {"section": section, "quote": f"Clause {section} says so."}


def _base(steps: int) -> dict:
    """A valid policy of ``steps`` steps (every third a gate), one body, one phase, one kind requiring every gate."""
    return {
        "policy": "shape", "version": "1.0", "title": "Generated shape",
        "source": {"document": "SHAPE", "title": "Generated shape", "version": "1.0"},
        "roles": [{"id": "body", "name": "Body", "citation": _cite("1")}],
        "phases": [{"id": "work", "title": "Work", "citation": _cite("1")}],
        "steps": [{"id": f"step_{index:05d}", "title": f"Step {index}", "actor": "body",
                   "kind": "approval" if index % 3 == 0 else "action", "phase": "work", "citation": _cite("2")}
                  for index in range(steps)],
        "precedence": [],
        "change_kinds": [{"id": "change", "title": "Change", "citation": _cite("3"),
                          "requires": [{"step": f"step_{index:05d}", "citation": _cite("3")}
                                       for index in range(0, steps, 3)]}],
    }


def many_unknown_fields(count: int) -> str:
    """A valid policy whose first step carries ``count`` unknown fields (about 10 bytes each)."""
    text = policy_yaml(_base(3))
    extra = "".join(f"  x{index:06d}: 1\n" for index in range(count))
    marker = "- id: step_00000\n"
    head, tail = text.split(marker, 1)
    return head + marker + extra + tail


def _misspell(word: str, rng: random.Random) -> str:
    """One typing slip: two neighbouring characters swapped, one dropped, one doubled or one replaced."""
    position = rng.randrange(1, len(word) - 1)
    slip = rng.randrange(4)
    if slip == 0:
        return word[:position - 1] + word[position] + word[position - 1] + word[position + 1:]
    if slip == 1:
        return word[:position] + word[position + 1:]
    if slip == 2:
        return word[:position] + word[position] + word[position:]
    return word[:position] + rng.choice("abcdefghijklmnopqrstuvwxyz") + word[position + 1:]


def many_typos(steps: int, typos: int, seed: int = 0) -> str:
    """``typos`` requirements of step ids with a typing slip, among ``steps`` steps."""
    rng = random.Random(seed)
    policy = _base(steps)
    requires = policy["change_kinds"][0]["requires"]
    for _ in range(typos):
        wrong = _misspell(f"step_{rng.randrange(steps):05d}", rng)
        requires.append({"step": wrong if not wrong.startswith("step_") or len(wrong) != 10 else wrong + "x",
                         "citation": _cite("3")})
    return policy_yaml(policy)


def huge_parallel_group(steps: int, every: int = 10) -> str:
    """One parallel group of every step; the precedence orders each ``every``-th step before the
    next (``every=1``: one chain through the whole group, every pair contradicted)."""
    policy = _base(steps)
    ids = [step["id"] for step in policy["steps"]]
    policy["precedence"] = [{"before": ids[index], "after": ids[index + 1], "citation": _cite("4")}
                            for index in range(0, steps - 1, every)]
    policy["parallel"] = [{"steps": ids, "citation": _cite("5")}]
    return policy_yaml(policy)


def many_steps(steps: int, seed: int = 0) -> str:
    """``steps`` steps in one chain of precedence (each reaches every later one) with a
    three-step parallel group per 20 steps: a search of the graph per pair of a group made
    ``check`` quadratic (7, 58, 276 ms at 1,000, 3,000, 6,000 steps)."""
    rng = random.Random(seed)
    policy = chained_policy(steps, 8)
    ids = [step["id"] for step in policy["steps"]]
    policy["parallel"] = [{"steps": rng.sample(ids, 3), "citation": _cite("9.1")} for _ in range(steps // 20)]
    return policy_yaml(policy)
