"""``workreg check``: schema, cross-references and graph integrity of policy files."""

from __future__ import annotations

import re
from pathlib import Path

from workreg.errors import PolicyError, WorkregError
from workreg.policy.graph import finding_error, integrity_findings
from workreg.inputs import DocPath, read_policy_text
from workreg.policy.load import validate_policy_text
from workreg.policy.model import Policy


def check_policy_file(path: str | Path) -> list[WorkregError]:
    """Every problem of one policy file, each with file and line; [] when it is sound.

    A missing or unreadable file raises instead: that is an input error, not a finding.
    """
    file = str(path)
    policy, problems, lines = validate_policy_text(read_policy_text(path), file)
    if policy is None:
        return list(problems)
    findings: list[WorkregError] = [finding_error(finding, file, lines) for finding in integrity_findings(policy)]
    return findings + _layout_findings(Path(path), policy, lines, file)


def _layout_findings(path: Path, policy: Policy, lines: dict[DocPath, int], file: str) -> list[WorkregError]:
    """A file laid out as ``NAME/VERSION.yaml`` (its folder is the policy's name, or its stem a
    version) must say that name and version: the registry lists and resolves it by its path."""
    folder, stem = path.parent.name, path.stem
    if folder != policy.policy and not re.match(r"^[0-9]", stem):
        return []  # not in the NAME/VERSION.yaml layout (my-policy.yaml): the content alone names it
    if (folder, stem) == (policy.policy, policy.version):
        return []
    field = "version" if folder == policy.policy else "policy"
    return [PolicyError(
        f"the file is {folder}/{stem}.yaml but says policy '{policy.policy}' version '{policy.version}'; "
        f"the registry would list it as {folder}@{stem}", code="path-mismatch", file=file,
        line=lines.get((field,)), field=field,
        hint=f"move it to {policy.policy}/{policy.version}.yaml, or correct its policy and version fields",
    )]
