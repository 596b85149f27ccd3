"""Text for an analysis (JSON is :meth:`workreg.analysis.Analysis.to_dict`)."""

from __future__ import annotations

from workreg.analysis import Analysis


def format_analysis_text(analysis: Analysis) -> str:
    combos = (1 << analysis.kinds) - 1
    lines = [f"{analysis.policy}: {analysis.kinds} change kinds, {combos:,} combinations, each decided by reasoning",
             ""]
    if analysis.properties:
        held = sum(p.holds for p in analysis.properties)
        lines.append(f"Properties ({held} of {len(analysis.properties)} hold):")
        for result in analysis.properties:
            mark = "holds " if result.holds else "FAILS "
            lines.append(f"  {mark} {result.property.id}: {result.property.describe()}")
            if result.property.citation:
                lines.append(f"         cites §{result.property.citation['section']} "
                             f"\"{result.property.citation['quote']}\"")
            lines.append(f"         why: {result.why}")
            if result.counterexample is not None:
                lines.append(f"         counterexample: {' + '.join(result.counterexample)}")
                decision = result.decision or {}
                for stage_number, stage in enumerate(decision.get("stages", []), 1):
                    lines.append(f"           stage {stage_number}: {', '.join(stage)}")
                if decision.get("unordered"):
                    lines.append(f"           any stage: {', '.join(decision['unordered'])}")
                for clause in result.clauses:
                    lines.append(f"           §{clause['section']} \"{clause['quote']}\"")
        lines.append("")
    lines.append("Checks:")
    for check in analysis.checks:
        if check.holds:
            lines.append(f"  ok       {check.id}: {check.title.lower()}: none ({check.why})")
            continue
        label = "WARNING " if check.severity == "warning" else "note    "
        count = len(check.findings) + check.more
        lines.append(f"  {label} {check.id}: {check.title.lower()}: {count}")
        for finding in check.findings:
            lines.append(f"           - {finding['message']}")
        if check.more:
            lines.append(f"           ... and {check.more} more")
    verdict = "everything holds" if analysis.holds else "counterexamples found"
    lines += ["", f"Result: {verdict}."]
    return "\n".join(lines) + "\n"
