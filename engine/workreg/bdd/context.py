"""The state a scenario builds up (policy, changes, committees) and how steps name things."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from workreg.errors import UsageError, did_you_mean

if TYPE_CHECKING:  # the step library reaches the engine through workreg.api; these are only types
    from workreg.policy.decide import CompiledPolicy
    from workreg.policy.decision import Decision, RequiredApproval

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
    scope_groups: list[str] = field(default_factory=list)
    covered: list[tuple[str, str]] = field(default_factory=list)  # (policy ref, section)
    registers: dict = field(default_factory=dict)
    outputs: dict = field(default_factory=dict)

    def require_policy(self) -> CompiledPolicy:
        if self.policy is None:
            from workreg.api import get_policy
            from workreg.resources import DEFAULT_POLICY

            self.policy = get_policy(DEFAULT_POLICY, [self.base_dir])
            self.policy_ref = self.policy.ref
        return self.policy

    def set_policy(self, ref: str) -> None:
        from workreg.api import get_policy

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
    #
    # Every phrase a step captures is checked: an approver, role or body that the policy and the
    # organization vocabulary do not know fails as unknown (with a did-you-mean), in every step;
    # names match exactly (id, name or a declared alias), never by a prefix or a stem.

    def vocabulary(self):
        """The organization vocabulary (DMTF's bodies), loaded on first use."""
        from workreg.api import load_vocabulary

        return load_vocabulary()

    def change_kind(self, phrase: str) -> str:
        """A change kind id from its id, its title, or one of its phrases (which the text may begin with)."""
        policy = self.require_policy()
        wanted = normal(phrase)
        for kind, title in policy.kind_titles.items():
            if wanted in (normal(kind), normal(title)):  # noqa: SIM102
                return kind
        phrases = {kind: policy.kind(kind).phrases for kind in policy.kinds if policy.kind(kind).phrases}
        for kind, said in phrases.items():
            for words in map(normal, said):
                if wanted == words or wanted.startswith(words + " "):
                    return kind
        known_phrases = [p for said in phrases.values() for p in said]
        hint = did_you_mean(phrase, [*policy.kinds, *known_phrases])
        if hint is None and known_phrases:
            hint = "name it by id or title, or by a phrase of the policy: " + "; ".join(f"'{p}'" for p in known_phrases)
        raise UsageError(f"no change kind '{phrase}' in {policy.ref}", code="unknown-change-kind",
                         hint=hint or "run 'workreg approvals --help' for the kinds")

    def _role_names(self) -> dict[str, str]:
        """Every way a role may be named (id, name, aliases), normalised, → its id."""
        names: dict[str, str] = {}
        for role, info in self.require_policy().roles.items():
            for name in (role, info.name, *info.aliases):
                names.setdefault(normal(name), role)
        return names

    def find_role(self, phrase: str) -> str | None:
        """A role id the phrase names exactly (id, name or alias, a trailing "ballot"/"approval" aside)."""
        names = self._role_names()
        wanted = normal(phrase)
        return names.get(wanted) or names.get(_GATE_SUFFIX.sub("", wanted))

    def role(self, phrase: str) -> str:
        """A role id from its id, its name or one of its aliases; UsageError (with a did-you-mean) otherwise."""
        role = self.find_role(phrase)
        if role is None:
            self._unknown(phrase, "role")
        return role

    def _unknown(self, phrase: str, what: str, extra: tuple[str, ...] = ()) -> NoReturn:
        policy = self.require_policy()
        roles = policy.roles
        known = [info.name for info in roles.values()] + [a for info in roles.values() for a in info.aliases]
        known += list(extra) + [entity.name for entity in self.vocabulary().entities]
        wanted = _GATE_SUFFIX.sub("", normal(phrase))
        by_normal = {normal(name): name for name in known}
        close = did_you_mean(wanted, by_normal)
        hint = (f"did you mean '{by_normal[close.split(chr(39))[1]]}'?" if close and close.startswith("did you mean")
                else "known: " + ", ".join(info.name for info in roles.values()))
        raise UsageError(f"unknown {what} '{phrase}': no role of {policy.ref} and no DMTF body has this name",
                         code=f"unknown-{what}", hint=hint)

    def originating_body(self, name: str) -> str:
        """The body named to fill a role designated per register: checked against the organization
        vocabulary when the policy names its bodies from one, else as given."""
        if not self.require_policy().vocabulary:
            return " ".join(name.split())
        return self.vocabulary().originating(name)

    def committee_of(self, name: str) -> str:
        """The committee a named body brings in (a working group's committee), by the organization
        vocabulary when the policy names its bodies from one, else the name as given."""
        if not self.require_policy().vocabulary:
            return " ".join(re.sub(r"^the\s+", "", name.strip(), flags=re.I).split())
        return self.vocabulary().committee(re.sub(r"^the\s+", "", name, flags=re.I)).committee

    def body(self, phrase: str) -> str | None:
        """The organization vocabulary's name for a DMTF body the phrase names, or None."""
        from workreg.errors import UsageError as Unknown

        try:
            return self.vocabulary().lookup(_GATE_SUFFIX.sub("", normal(phrase))).name
        except Unknown:
            return None

    def gates_of(self, phrase: str) -> list[RequiredApproval]:
        """The required gates a phrase names: a gate id or title, an approver role, or a body.

        A phrase that names none of these, and no DMTF body either, fails as unknown.
        """
        decision = self.decision()
        wanted = normal(phrase)
        stripped = _GATE_SUFFIX.sub("", wanted)
        matches = [
            item for item in decision.required
            if wanted in (normal(item.gate), normal(item.title)) or stripped == normal(item.name)
        ]
        if matches:
            return matches
        role = self.find_role(phrase)
        if role is not None:
            return [item for item in decision.required if item.approver == role]
        body = self.body(phrase)
        if body is not None:
            return [item for item in decision.required if normal(item.name) == normal(body)]
        self._unknown(phrase, "approver", tuple(item.name for item in decision.required))
        return []

    def staged_gates(self, phrase: str) -> list[RequiredApproval]:
        """The gates a phrase names that are still to pass in a stage (not satisfied, not unordered)."""
        stage_of = self.decision().stage_numbers()
        return [gate for gate in self.gates_of(phrase) if gate.gate in stage_of]

    def active_gates(self, phrase: str) -> list[RequiredApproval]:
        """The gates a phrase names that are still to pass (not satisfied by another gate)."""
        return [gate for gate in self.gates_of(phrase) if gate.satisfied_by is None]
