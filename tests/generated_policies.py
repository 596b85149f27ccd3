"""Generated policies of any size: valid, cited, seeded (same seed, same bytes).

Used by the tests (made at test time, into a temporary directory) and by ``bench/run.py``:

- :func:`random_policy` — ``kinds`` change kinds, ``steps`` steps and ``edges`` precedence edges
  drawn at random over a hidden order (so the graph is acyclic), with per-committee roles, a
  role filled by default by another, overridden approval kinds, repeated requirements and
  edges, requirements ``none``, not-required approvers and open points;
- :func:`chained_policy` — ``steps`` steps in one chain (two gates, then an action), each by a
  body of its own, each kind requiring a share of them.

Each returns the policy as a dict; :func:`policy_yaml` writes it as YAML text.
"""

from __future__ import annotations

import random

GATE_KINDS = ("ballot", "approval", "acknowledgement")
ACTION_KINDS = ("action", "recommendation", "review")


def _cite(section: str, quote: str) -> dict:
    return {"section": section, "quote": quote}


def _roles(count: int) -> list[dict]:
    roles = []
    for index in range(count):
        role = {"id": f"role_{index}", "name": f"Body {index}", "citation": _cite(f"2.{index}", f"Body {index} acts.")}
        if index == 1:
            role["default"] = "role_2"  # role 1 is body 2 unless named otherwise
            role["default_citation"] = _cite("2.1", "Body 1 is most likely Body 2.")
        if index == 3:
            role["per_name"] = True  # one gate per named committee
        roles.append(role)
    return roles


def _header(name: str, version: str, title: str) -> dict:
    return {
        "policy": name, "version": version, "title": title,
        "source": {"document": name.upper(), "title": title, "version": version},
    }


def random_policy(kinds: int = 64, steps: int = 300, edges: int = 600, seed: int = 0, *, name: str = "generated",
                  version: str = "1.0", roles: int = 8, requires_per_kind: int = 6, scoped: bool = False) -> dict:
    """A random, valid policy of the given size (acyclic: edges follow a hidden order of the steps).

    With ``scoped``, some edges order only some change kinds (``applies_to``) or are the policy's
    reading (``interpretation``), some kinds have an order of their own, and there are parallel
    groups, scoped or not (drawn from a second generator, so the rest of the policy is the same).
    """
    rng = random.Random(seed)
    policy = _header(name, version, f"Generated process ({kinds} kinds, {steps} steps, {edges} edges, seed {seed})")
    policy["roles"] = _roles(roles)
    step_list = []
    for index in range(steps):
        gate = rng.random() < 0.5
        step_list.append({
            "id": f"step_{index}", "title": f"Step {index}", "actor": f"role_{rng.randrange(roles)}",
            "kind": rng.choice(GATE_KINDS if gate else ACTION_KINDS), "phase": "approval",
            "optional": rng.random() < 0.1, "citation": _cite(f"3.{index}", f"Step {index} happens."),
        })
    policy["steps"] = step_list
    hidden = list(range(steps))
    rng.shuffle(hidden)
    rank = {step: position for position, step in enumerate(hidden)}
    precedence = []
    ordered: set[tuple[int, int]] = set()  # an order listed twice is a finding of `check`
    possible = steps * (steps - 1) // 2
    while len(precedence) < min(edges, possible):
        a, b = rng.sample(range(steps), 2)
        if rank[a] > rank[b]:
            a, b = b, a
        if (a, b) in ordered:
            continue
        ordered.add((a, b))
        # A few sections are shared, so a chain of citations sometimes repeats one.
        section = f"4.{rng.randrange(max(1, edges // 3))}"
        precedence.append({"before": f"step_{a}", "after": f"step_{b}",
                           "citation": _cite(section, f"Clause {section} orders the steps.")})
    policy["precedence"] = precedence
    gates = [s["id"] for s in step_list if s["kind"] in GATE_KINDS]
    required_anywhere: set[str] = set()
    change_kinds = []
    for index in range(kinds):
        kind: dict = {"id": f"kind_{index}", "title": f"Kind {index}", "citation": _cite(f"5.{index}", f"Kind {index}.")}
        if rng.random() < 0.05:
            kind["requires"] = "none"
            kind["requires_none_citation"] = _cite(f"5.{index}", f"Kind {index} needs nothing.")
        else:
            chosen = rng.sample(range(steps), min(steps, rng.randint(1, requires_per_kind)))
            if gates and not any(step_list[c]["id"] in gates for c in chosen):
                chosen.append(int(rng.choice(gates).split("_")[1]))
            chosen = list(dict.fromkeys(chosen))  # a step required twice is a finding of `check`
            requires = []
            for c in chosen:
                requirement = {"step": f"step_{c}", "citation": _cite(f"5.{index}", f"Kind {index} requires step {c}.")}
                if rng.random() < 0.3:
                    own = GATE_KINDS if step_list[c]["kind"] in GATE_KINDS else ACTION_KINDS
                    requirement["kind"] = rng.choice(own)
                if rng.random() < 0.1:
                    requirement["interpretation"] = f"A reading of kind {index} for step {c}."
                requires.append(requirement)
                required_anywhere.add(f"step_{c}")
            kind["requires"] = requires
        # A kind never says a role it requires an approval of is not required (`check` refuses that);
        # another kind of the same combination may require it, which the decision must sort out.
        approving = {step_list[int(r["step"].split("_")[1])]["actor"] for r in kind.get("requires", [])
                     if isinstance(r, dict) and (r.get("kind") or step_list[int(r["step"].split("_")[1])]["kind"]) in GATE_KINDS}
        free_roles = [r for r in range(roles) if f"role_{r}" not in approving]
        if rng.random() < 0.4 and free_roles:
            kind["not_required"] = [
                {"approver": f"role_{r}", "citation": _cite(f"6.{index}", f"Kind {index} does not need body {r}.")}
                for r in rng.sample(free_roles, min(len(free_roles), rng.randint(1, 2)))
            ]
        if rng.random() < 0.3:
            topic = f"topic_{rng.randrange(5)}"
            kind["unspecified"] = [{"topic": topic, "text": f"Open point {topic}.",
                                    "citation": _cite(f"7.{index}", f"Kind {index} leaves {topic} open.")}]
        change_kinds.append(kind)
    # Every gate is required by some kind, so `workreg check` finds nothing.
    spare = [g for g in gates if g not in required_anywhere]
    for position, gate in enumerate(spare):
        kind = change_kinds[position % kinds]
        if kind.get("requires") == "none":
            kind.pop("requires_none_citation")
            kind["requires"] = []
        kind["requires"].append({"step": gate, "citation": _cite("5.x", f"A kind requires {gate}.")})
        actor = step_list[int(gate.split("_")[1])]["actor"]
        kind["not_required"] = [entry for entry in kind.get("not_required", []) if entry["approver"] != actor]
        if not kind["not_required"]:
            del kind["not_required"]
    policy["change_kinds"] = change_kinds
    if scoped:
        _scope(policy, rank, random.Random(seed + 7919))
    return policy


def _scope(policy: dict, rank: dict[int, int], rng: random.Random) -> None:
    """Scope some edges to kinds, mark some as readings, give kinds orders of their own, add parallel groups."""
    kinds = [kind["id"] for kind in policy["change_kinds"]]
    steps = len(policy["steps"])
    listed = {(edge["before"], edge["after"]) for edge in policy["precedence"]}
    for edge in policy["precedence"]:
        roll = rng.random()
        if roll < 0.3:
            edge["applies_to"] = rng.sample(kinds, rng.randint(1, min(2, len(kinds))))
        elif roll < 0.45:
            edge["interpretation"] = f"A reading of {edge['before']} before {edge['after']}."
    for kind in policy["change_kinds"]:
        required = [r["step"] for r in kind["requires"]] if isinstance(kind.get("requires"), list) else []
        if len(required) < 2 or rng.random() < 0.5:
            continue
        order = []
        for _ in range(rng.randint(1, 3)):
            a, b = (int(step.split("_")[1]) for step in rng.sample(required, 2))
            if rank[a] > rank[b]:  # the hidden order keeps every combination acyclic
                a, b = b, a
            pair = (f"step_{a}", f"step_{b}")
            if pair in listed or pair in {(o["before"], o["after"]) for o in order}:
                continue
            order.append({"before": pair[0], "after": pair[1], "citation": _cite("8.1", "A kind's own order."),
                          "interpretation": f"Kind {kind['id']} reads {pair[0]} before {pair[1]}."})
        if order:
            kind["order"] = order
    parallel = []
    gates = {step["id"] for step in policy["steps"] if step["kind"] in GATE_KINDS}
    for index in range(rng.randint(0, 3)):
        # Mostly gates one kind requires, which often share a stage; sometimes any steps.
        kind = rng.choice(policy["change_kinds"])
        pool = [r["step"] for r in kind["requires"] if r["step"] in gates] if isinstance(kind.get("requires"), list) else []
        if len(pool) < 2 or rng.random() < 0.3:
            pool = [f"step_{i}" for i in range(steps)]
        members = rng.sample(pool, min(len(pool), rng.randint(2, 3)))
        group = {"steps": members, "citation": _cite("9.1", "These may run together.")}
        if rng.random() < 0.5:
            group["condition"] = f"condition {index}"
        if rng.random() < 0.5:
            group["applies_to"] = rng.sample(kinds, 1)
        parallel.append(group)
    if parallel:
        policy["parallel"] = parallel


def chained_policy(steps: int = 2000, kinds: int = 8, *, name: str = "chain", version: str = "1.0") -> dict:
    """``steps`` steps in one chain (two gates, then an action); kind i requires every kinds-th step from i."""
    policy = _header(name, version, f"Chained process ({steps} steps, {kinds} kinds)")
    # One body per step: a body approving twice would give one approval (the later is satisfied).
    policy["roles"] = [{"id": f"role_{index}", "name": f"Body {index}", "citation": _cite(f"2.{index}", f"Body {index} acts.")}
                       for index in range(steps)]
    policy["steps"] = [
        {"id": f"step_{index}", "title": f"Step {index}", "actor": f"role_{index}",
         "kind": "approval" if index % 3 != 2 else "action", "phase": "approval",
         "citation": _cite(f"3.{index}", f"Step {index} happens.")}
        for index in range(steps)
    ]
    policy["precedence"] = [
        {"before": f"step_{index}", "after": f"step_{index + 1}",
         "citation": _cite(f"4.{index}", f"Step {index} comes before step {index + 1}.")}
        for index in range(steps - 1)
    ]
    policy["change_kinds"] = [
        {"id": f"kind_{k}", "title": f"Kind {k}", "citation": _cite(f"5.{k}", f"Kind {k}."),
         "requires": [{"step": f"step_{index}", "citation": _cite(f"5.{k}", f"Kind {k} requires its steps.")}
                      for index in range(k, steps, kinds)]}
        for k in range(kinds)
    ]
    return policy


def policy_yaml(policy: dict) -> str:
    """The policy as YAML text (flow style inside each item keeps large policies small)."""
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(policy, Dumper=dumper, sort_keys=False, width=200, default_flow_style=None, allow_unicode=True)
