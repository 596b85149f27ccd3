"""``workreg check``: schema, cross-references and graph integrity of policy files."""

from __future__ import annotations

from pathlib import Path

from workreg.errors import PolicyError, WorkregError
from workreg.policy.graph import integrity_findings
from workreg.inputs import read_policy_text
from workreg.policy.load import field_text, line_for, validate_policy_text


def check_policy_file(path: str | Path) -> list[WorkregError]:
    """Every problem of one policy file, each with file and line; [] when it is sound.

    A missing or unreadable file raises instead: that is an input error, not a finding.
    """
    file = str(path)
    policy, problems, lines = validate_policy_text(read_policy_text(path), file)
    if policy is None:
        return list(problems)
    problems = []
    for finding in integrity_findings(policy):
        line, _ = line_for(finding.path, lines)
        problems.append(PolicyError(
            finding.message, code=finding.code, file=file, line=line,
            field=field_text(finding.path), hint=finding.hint,
        ))
    return problems
