"""Text and Markdown for a comparison of two policy versions (JSON is its ``to_dict()``)."""

from __future__ import annotations

from typing import Sequence

from workreg.outputs import UNLIMITED, fill, text_width, wrap
from workreg.versions.comparison import ApprovalChange, Comparison, DecisionDifference, Scalar, StructureChange
from workreg.versions.grounds import _PROSE_FIELDS, _ROLE_FIELDS

#: How the "Rests on" column shows each mark (an unmarked difference: ``-``).
_GROUNDS = {"history": "history", "reading": "reading", "text": "text"}


def _names(result: Comparison) -> dict[str, str]:
    """Role and change-kind names of both versions (the newer wins where both name one)."""
    names: dict[str, str] = {}
    for side in (result.old, result.new):
        for group in (side.roles, side.steps, side.change_kinds):
            names.update(group)
    return names


def _footnotes(result: Comparison) -> dict[str, str]:
    """A short mark per change-history line: ``A1``, ``A2``, ... in history order."""
    marks: dict[str, str] = {}
    for basis in [result.history, *(entry.basis for entry in result.structure)]:
        for line in basis:
            marks.setdefault(line.quote, f"A{len(marks) + 1}")
    return marks


def describe(entry: StructureChange, names: dict[str, str]) -> str:
    """What happened to one structural element, in a sentence a committee chair can read."""
    label = entry.label
    if entry.element == "constraint":
        role, _, text = label.partition(": ")
        if entry.change == "added":
            return f"{role} must now satisfy: {text}"
        if entry.change == "removed":
            return f"{role} no longer needs to satisfy: {text}"
    if entry.change != "changed":
        return label
    parts = []
    values, items = entry.values, entry.items
    reworded = [f for f in entry.fields if f in _PROSE_FIELDS or f.endswith("citation")]
    for field in entry.fields:
        if field in _PROSE_FIELDS:
            continue
        if field in items and (items[field].added or items[field].removed):
            changes = [f"+ {names.get(i, i)}" for i in items[field].added]
            changes += [f"− {names.get(i, i)}" for i in items[field].removed]
            parts.append(f"{field.replace('_', ' ')}: " + ", ".join(changes))
            continue
        if field in items:
            reworded.append(field)
            continue
        if field in values:
            old, new = values[field]
            if field in _ROLE_FIELDS:
                old, new = _name(names, old), _name(names, new)
            if field == "default":
                parts.append(f"now {new} by default (before: {old or 'no default'})" if new
                             else f"no default any more (before: {old})")
            elif field == "actor":
                parts.append(f"now by {new} (before: {old})")
            else:
                parts.append(f"{field.replace('_', ' ')}: {_value(old)} → {_value(new)}")
        elif not field.endswith("citation"):
            parts.append(f"{field.replace('_', ' ')} changed")
    if reworded:
        parts.append("reworded: " + ", ".join(f.replace("_", " ") for f in reworded))
    return f"{label.rstrip('.')}: " + "; ".join(parts)


def _name(names: dict[str, str], value: Scalar) -> Scalar:
    """A role's name for a role id (a value of a role field), else the value itself."""
    return names.get(value, value) if isinstance(value, str) else value


def _value(value: Scalar) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _approval(item: ApprovalChange) -> str:
    return f"{item.name} ({item.kind}, §{item.citation.section})"


def _stages(stages: Sequence[Sequence[str]], names: dict[str, str]) -> str:
    return " → ".join(
        f"{index}. " + " + ".join(names.get(a, a) for a in stage) for index, stage in enumerate(stages, 1)
    ) or "(no approvals)"


def _wrapped_table(headers: Sequence[str], rows: Sequence[Sequence[str]], column: int, width: int) -> str:
    """An aligned text table whose ``column`` is wrapped to ``width`` characters on a terminal
    (piped, each row is one line)."""
    width = width if text_width() < UNLIMITED else UNLIMITED
    cells = [[wrap(str(c), width) if i == column else [str(c)] for i, c in enumerate(row)]
             for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        widths = [max(w, *(len(line) for line in cell)) for w, cell in zip(widths, row)]
    lines = ["  " + "  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip(),
             "  " + "  ".join("-" * w for w in widths)]
    for row in cells:
        for index in range(max(len(cell) for cell in row)):
            line = "  ".join((cell[index] if index < len(cell) else "").ljust(w) for cell, w in zip(row, widths))
            lines.append("  " + line.rstrip())
    return "\n".join(lines)


def _history_sections(result: Comparison) -> str:
    """`` (Appendix A)``: where the documents keep their change history, unless its name says so."""
    sections = [s for s in dict.fromkeys(line.section for line in result.history) if "history" not in s.lower()]
    return f" ({', '.join(s if not s[:1].isdigit() else f'§{s}' for s in sections)})" if sections else ""


def _not_exhaustive(result: Comparison) -> str:
    """Which combinations a non-exhaustive comparison covered."""
    common = len(result.new.change_kinds) - len(result.change_kinds.added)
    return (f"every combination of up to {result.largest_combination} of the {common} common change kinds, "
            f"not all 2^{common} - 1")


def _differing(result: Comparison) -> str:
    """How many combinations differ, of how many, and how many are listed."""
    scope = "of all" if result.exhaustive else "of"
    text = (f"{scope} {result.combinations_compared:,} combinations of change kinds, "
            f"{result.differing_combinations:,} differ")
    if result.decisions_more:
        text += f"; the {len(result.decisions):,} smallest listed, {result.decisions_more:,} more"
    return text


def _verdicts(result: Comparison) -> str:
    """The verdict per change kind, as Cedar's analysis gives them: equivalent, stricter, looser, incomparable."""
    groups: dict[str, list[str]] = {}
    for kind, verdict in result.verdicts.items():
        groups.setdefault(verdict, []).append(kind)
    parts = [f"{verdict}: {', '.join(kinds)}" for verdict, kinds in groups.items()]
    verdict = (f"Verdict: {result.new.ref} is {result.verdict} than {result.old.ref}"
               if result.verdict in ("stricter", "looser") else f"Verdict: {result.verdict}")
    per_kind = "per change kind, over every combination that includes it: " + "; ".join(parts)
    return (fill(verdict, text_width(), initial_indent="  ") + "\n"
            + fill(per_kind, text_width(), initial_indent="  ", subsequent_indent="    "))


def _split_decisions(result: Comparison) -> tuple[list[DecisionDifference], list[DecisionDifference], int]:
    from workreg.versions.compare import unexplained_combinations

    decisions = result.decisions
    singles = [d for d in decisions if len(d.changes) == 1]
    unexplained = unexplained_combinations(decisions)
    combined = sum(1 for d in decisions if len(d.changes) > 1)
    return singles, unexplained, combined


def _clause(entry: StructureChange) -> str:
    return f"§{entry.citation.section}" if entry.citation is not None else ""


def _grounds(entry: StructureChange) -> str:
    return _GROUNDS.get(entry.rests_on or "", "-")


def format_compare_text(result: Comparison) -> str:
    """The comparison as text: verdict, change history, approvals by change kind, structure."""
    names = _names(result)
    marks = _footnotes(result)
    out = [f"{result.old.ref} → {result.new.ref}: " + ("equivalent" if result.equivalent else "different")]
    width = max(len(result.old.ref), len(result.new.ref))
    for side, about in (("from", result.old), ("to", result.new)):
        date = f" ({about.date})" if about.date else ""
        out.append(f"  {side:4}  {about.ref:{width}}  {about.document} {about.document_version}{date}, "
                   f"{about.provenance}")
    if result.history:
        out += ["", f"Change history between them{_history_sections(result)}:"]
        for line in result.history:
            out.append(fill(f"[{marks[line.quote]}] {line.quote}", text_width() - 4,
                                     initial_indent="  ", subsequent_indent="       "))
    if result.equivalent:
        out += ["", f"Same approvals, in the same order, for all {result.combinations_compared:,} "
                    "combinations of change kinds compared; same roles, steps, order and rules."]
        if not result.exhaustive:
            out.append(f"  ({_not_exhaustive(result)}; with the same structure, the rest decide alike too.)")
        return "\n".join(out) + "\n"

    singles, unexplained, combined = _split_decisions(result)
    out += ["", f"Approvals ({_differing(result)}):", _verdicts(result)]
    if not result.exhaustive:
        out.append(f"  Not exhaustive: {_not_exhaustive(result)}; the structure below lists every other difference.")
    rows = [(" + ".join(d.changes), "; ".join(_approval(a) for a in d.added) or "-",
             "; ".join(_approval(a) for a in d.removed) or "-",
             "changed" if d.order_changed else "same")
            for d in singles + unexplained]
    if rows:
        out.append(_wrapped_table(["Change kind", "Added approvals", "Dropped approvals", "Order"], rows, 1, 44))
        for d in singles + unexplained:
            if d.stages_from is not None and d.stages_to is not None:
                out.append(f"  {' + '.join(d.changes)}, in stages:")
                for side, stages in ((result.old.ref, d.stages_from), (result.new.ref, d.stages_to)):
                    out.append(fill(f"{side}: {_stages(stages, names)}", text_width() - 4,
                                             initial_indent="    ", subsequent_indent="      "))
            for approval in d.added + d.removed:
                for role in approval.default_of:
                    out.append(fill(
                        f"note: the {names.get(role, role)} is the {approval.name} by default, so by "
                        f"default one {approval.name} vote gives both approvals.", text_width() - 4,
                        initial_indent="    ", subsequent_indent="      "))
    else:
        out.append("  No single change kind needs different approvals.")
    explained = combined - len(unexplained)
    if explained:
        out.append(f"  {explained} combination(s) of several kinds differ only as the union of their kinds above.")
    kinds = result.change_kinds
    if kinds.added or kinds.removed:
        out += ["", "Change kinds:"]
        out += [f"  added    {k.id} ({k.title})" for k in kinds.added]
        out += [f"  removed  {k.id} ({k.title})" for k in kinds.removed]

    if result.structure:
        out += ["", "What the policy says (structure):"]
        table_rows = [(e.change, e.element.replace("_", " "), describe(e, names), _clause(e),
                       ",".join(marks[line.quote] for line in e.basis) or "-", _grounds(e))
                      for e in result.structure]
        out.append(_wrapped_table(["Change", "Element", "What", "Clause", "Basis", "Rests on"], table_rows, 2, 64))
        out.append("  Basis: the change-history lines above; a clause is the newer version's where both have one.")
        if any(e.rests_on == "reading" for e in result.structure):
            out.append("  Rests on: \"history\" where the change-history line names the body the difference is "
                       "about; \"reading\" where the reconstruction reads more into the line than it says.")
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def format_compare_markdown(result: Comparison) -> str:
    """The comparison as a Markdown section with tables, for issues and minutes."""
    names = _names(result)
    marks = _footnotes(result)
    verdict = "equivalent" if result.equivalent else "different"
    out = [f"### {result.old.ref} → {result.new.ref}: {verdict}", ""]
    for side, about in (("from", result.old), ("to", result.new)):
        out.append(f"- **{side}** `{about.ref}`: {about.document} {about.document_version}"
                   f"{' (' + about.date + ')' if about.date else ''}, {about.provenance}")
    if result.history:
        out += ["", f"**Change history between them{_history_sections(result)}**", ""]
        out += [f"- [{marks[line.quote]}] {_md(line.quote)}" for line in result.history]
    if result.equivalent:
        out += ["", f"Same approvals and order for all {result.combinations_compared:,} combinations compared; "
                    "same structure."]
        if not result.exhaustive:
            out += ["", f"({_not_exhaustive(result)}; with the same structure, the rest decide alike too.)"]
        return "\n".join(out) + "\n"
    singles, unexplained, combined = _split_decisions(result)
    out += ["", f"**Approvals** ({_differing(result)})", "", _verdicts(result).strip(), ""]
    if not result.exhaustive:
        out += [f"Not exhaustive: {_not_exhaustive(result)}; the structure below lists every other difference.", ""]
    out += ["| Change kind | Added | Dropped | Order | Stages before | Stages after |", "|---|---|---|---|---|---|"]
    for d in singles + unexplained:
        out.append(
            f"| {_md(' + '.join(d.changes))} | {_md('; '.join(_approval(a) for a in d.added) or '-')} | "
            f"{_md('; '.join(_approval(a) for a in d.removed) or '-')} | "
            f"{'changed' if d.order_changed else 'same'} | "
            f"{_md(_stages(d.stages_from, names)) if d.stages_from is not None else ''} | "
            f"{_md(_stages(d.stages_to, names)) if d.stages_to is not None else ''} |"
        )
    explained = combined - len(unexplained)
    if explained:
        out += ["", f"{explained} combination(s) of several kinds differ only as the union of their kinds above."]
    kinds = result.change_kinds
    if kinds.added or kinds.removed:
        out += ["", "**Change kinds**", ""]
        out += [f"- added `{k.id}` ({_md(k.title)})" for k in kinds.added]
        out += [f"- removed `{k.id}` ({_md(k.title)})" for k in kinds.removed]
    if result.structure:
        out += ["", "**Structure**", "", "| Change | Element | What | Clause | Basis | Rests on |",
                "|---|---|---|---|---|---|"]
        for e in result.structure:
            basis = ", ".join(marks[line.quote] for line in e.basis) or "-"
            out.append(f"| {e.change} | {e.element} | {_md(describe(e, names))} | {_clause(e)} | {basis} | "
                       f"{_grounds(e)} |")
    return "\n".join(out) + "\n"
