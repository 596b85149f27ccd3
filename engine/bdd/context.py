"""The state a scenario builds up (policy, changes, committees) and how steps name things."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from workreg.policy.decide import CompiledPolicy
from workreg.policy.decision import Decision, RequiredApproval
from workreg.errors import UsageError, did_you_mean

_ARTICLE = re.compile(r"^(the|a|an|each|every)\s+", re.I)
_GATE_SUFFIX = re.compile(r"\s+(ballot|approval|acceptance|acknowledgement|vote)$", re.I)


def normal(text: str) -> str:
    """Lower-case, single-spaced, without a leading article or underscores."""
    text = re.sub(r"\s+", " ", text.replace("_", " ")).strip().casefold()
    return _ARTICLE.sub("", text)


@dataclass
class ScenarioContext:
    """What the Given and When steps of one scenario have said."""

    base_dir: Path
    policy_ref: str | None = None
    policy: CompiledPolicy | None = None
    changes: list[str] = field(default_factory=list)
    committees: list[str] = field(default_factory=list)
    originating: str | None = None
    partner: str | None = None
    covered: list[tuple[str, str]] = field(default_factory=list)  # (policy ref, section)
    registers: dict = field(default_factory=dict)
    outputs: dict = field(default_factory=dict)

    def require_policy(self) -> CompiledPolicy:
        if self.policy is None:
            from workreg.policy.registry import DEFAULT_POLICY, get_policy

            self.policy = get_policy(DEFAULT_POLICY, [self.base_dir])
            self.policy_ref = self.policy.ref
        return self.policy

    def set_policy(self, ref: str) -> None:
        from workreg.policy.registry import get_policy

        candidate = self.base_dir / ref
        if ref.endswith((".yaml", ".yml")) and candidate.is_file():
            ref = str(candidate)
        self.policy = get_policy(ref, [self.base_dir])
        self.policy_ref = self.policy.ref

    def add_change(self, kind: str) -> None:
        self.changes.append(kind)

    def decision(self) -> Decision:
        """The decision for everything said so far (the compiled policy memoises it)."""
        if not self.changes:
            raise AssertionError("no change was described: add a 'When ...' step naming the change")
        return self.require_policy().decide(self.changes, self.committees, self.originating)

    def cover(self, *sections: str) -> None:
        """Record that a Then step checked what these clauses say (for ``workreg coverage``)."""
        ref = self.require_policy().ref
        self.covered.extend((ref, section) for section in sections)

    # -- naming ---------------------------------------------------------------------------

    def change_kind(self, phrase: str) -> str:
        """A change kind id from its id, its title, or one of its phrases (which the text may begin with)."""
        policy = self.require_policy()
        wanted = normal(phrase)
        for kind, title in policy.table["kinds"].items():
            if wanted in (normal(kind), normal(title)):  # noqa: SIM102
                return kind
        phrases = policy.table.get("phrases", {})
        for kind, said in phrases.items():
            for words in map(normal, said):
                if wanted == words or wanted.startswith(words + " "):
                    return kind
        known_phrases = [p for said in phrases.values() for p in said]
        hint = did_you_mean(phrase, [*policy.table["kinds"], *known_phrases])
        if hint is None and known_phrases:
            hint = "name it by id or title, or by a phrase of the policy: " + "; ".join(f"'{p}'" for p in known_phrases)
        raise UsageError(f"no change kind '{phrase}' in {policy.ref}", code="unknown-change-kind", hint=hint)

    def role(self, phrase: str) -> str:
        """A role id from its id, its name, or the start of its name ("DMTF Board")."""
        policy = self.require_policy()
        wanted = _GATE_SUFFIX.sub("", normal(phrase))
        roles = policy.table["roles"]
        for role, info in roles.items():
            if wanted in (normal(role), normal(info["name"])):
                return role
        for role, info in roles.items():
            if normal(info["name"]).startswith(wanted) or normal(info["name"]).endswith(wanted):
                return role
        raise UsageError(
            f"no role '{phrase}' in {policy.ref}", code="unknown-role",
            hint=did_you_mean(phrase, [info["name"] for info in roles.values()]),
        )

    def gates_of(self, phrase: str) -> list[RequiredApproval]:
        """The required gates a phrase names: a gate id, a gate title, an approver or a body."""
        decision = self.decision()
        wanted = normal(phrase)
        stripped = _GATE_SUFFIX.sub("", wanted)
        matches = [
            item for item in decision.required
            if wanted in (normal(item.gate), normal(item.title)) or stripped == normal(item.name)
        ]
        if not matches:
            try:
                role = self.role(phrase)
            except UsageError:
                return []
            matches = [item for item in decision.required if item.approver == role]
        return matches

    def staged_gates(self, phrase: str) -> list[RequiredApproval]:
        """The gates a phrase names that are still to pass (in a stage, not satisfied by another)."""
        stage_of = self.decision().stage_numbers()
        return [gate for gate in self.gates_of(phrase) if gate.gate in stage_of]
