"""Clause coverage: which clauses a policy cites are exercised by the Gherkin scenarios.

Like ``opa test --coverage`` for lines: the scenarios run under pytest with the workreg plugin
recording, in each Then step, the clauses of what it checked; a clause the policy cites that no
Then step checked is uncovered.  Provenance and source citations (the history a reconstruction
rests on, the date a version took effect) are metadata, not rules, and are not counted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from workreg.errors import UsageError


@dataclass(frozen=True)
class ClauseCoverage:
    """Coverage of one policy by one folder of features."""

    policy: str
    clauses: dict[str, int]  # section -> number of citations of it in the policy
    covered: frozenset[str]
    scenarios_failed: bool
    pytest_output: str

    @property
    def uncovered(self) -> list[str]:
        return [section for section in self.clauses if section not in self.covered]

    @property
    def percent(self) -> float:
        return 100.0 * (len(self.clauses) - len(self.uncovered)) / len(self.clauses) if self.clauses else 100.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "percent": round(self.percent, 1),
            "clauses": [
                {"section": s, "citations": n, "covered": s in self.covered} for s, n in self.clauses.items()
            ],
            "uncovered": self.uncovered,
            "scenarios_failed": self.scenarios_failed,
        }


def _section_key(section: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in section.replace(" ", ".").split("."))


def cited_clauses(policy_file: str | Path) -> dict[str, int]:
    """Sections a policy cites (outside its provenance and source), with how often, in document order."""
    from workreg.api import policy_citations

    counts: dict[str, int] = {}
    for path, citation in policy_citations(policy_file):
        if path.startswith(("policy.provenance", "policy.source")):
            continue
        counts[citation.section] = counts.get(citation.section, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: _section_key(item[0])))


def _plugin_autoloaded() -> bool:
    from importlib.metadata import entry_points

    return any(ep.value == "workreg.bdd.optin" for ep in entry_points(group="pytest11"))


def measure(policy_ref: str, features: str | Path, extra_dirs: Iterable[str | Path] = (), *,
            conftest: bool = True) -> ClauseCoverage:
    """Run the features under pytest and report which of the policy's clauses they exercised.

    Like ``pytest FEATURES``, this runs the ``conftest.py`` files of the features and the folders
    above them; ``conftest=False`` passes pytest's ``--noconftest``.
    """
    from workreg.api import get_policy

    features = Path(features)
    if not features.exists():
        raise UsageError("no such features folder or file", code="not-found", file=str(features))
    policy = get_policy(policy_ref, extra_dirs)
    if policy.file is None:
        raise UsageError(f"{policy.ref} was not loaded from a file: its clauses cannot be counted", code="not-found")
    clauses = cited_clauses(policy.file)
    with tempfile.TemporaryDirectory(prefix="workreg-coverage-") as scratch:
        record = Path(scratch) / "covered.json"
        command = [sys.executable, "-m", "pytest", str(features), "-q", "--no-header", "-p", "no:cacheprovider",
                   "--workreg-coverage", str(record)]
        if not _plugin_autoloaded():
            command[3:3] = ["-p", "workreg.bdd.optin"]
        if not conftest:
            command.append("--noconftest")
        result = subprocess.run(command, capture_output=True, text=True, env=dict(os.environ))
        if result.returncode not in (0, 1) or not record.exists():
            output = (result.stdout + result.stderr).strip().splitlines()
            raise UsageError(
                f"the features could not be run (pytest exit {result.returncode})", code="features-error",
                file=str(features), hint=output[-1] if output else None,
            )
        covered = _covered_sections(record, policy.ref, features)
    return ClauseCoverage(
        policy=policy.ref, clauses=clauses, covered=frozenset(covered),
        scenarios_failed=result.returncode == 1, pytest_output=result.stdout,
    )


def _covered_sections(record: Path, ref: str, features: Path) -> set[str]:
    """The sections the plugin recorded for ``ref``; a record that is not the plugin's is an error."""
    from workreg.inputs import parse_json, read_text

    entries = parse_json(read_text(record, error=UsageError, what="JSON"), str(record), error=UsageError)
    if not isinstance(entries, list) or not all(
        isinstance(entry, dict) and isinstance(entry.get("section"), str) and isinstance(entry.get("policy"), str)
        for entry in entries
    ):
        raise UsageError("the coverage record the scenarios left is not workreg's", code="features-error",
                         file=str(features), hint="a conftest.py of the features may have replaced it")
    return {entry["section"] for entry in entries if entry["policy"] == ref}


def format_text(report: ClauseCoverage, features: str) -> str:
    """A table of clauses with covered or not, then the total."""
    from workreg.outputs import table

    rows = [[f"§{s}", str(n), "yes" if s in report.covered else "NO"] for s, n in report.clauses.items()]
    covered = len(report.clauses) - len(report.uncovered)
    lines = [
        f"Clause coverage of {report.policy} by {features}",
        table(["Clause", "Citations", "Covered"], rows),
        f"{covered}/{len(report.clauses)} clauses covered ({report.percent:.1f} %)",
    ]
    if report.uncovered:
        lines.append("Uncovered: " + ", ".join(f"§{s}" for s in report.uncovered))
    if report.scenarios_failed:
        lines.append("Some scenarios failed; run pytest on the features to see them.")
    return "\n".join(lines) + "\n"
