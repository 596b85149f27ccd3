"""What each difference between two policy versions rests on: the change history's words, a reading, or the text.

:func:`mark_grounds` sets ``rests_on`` on a comparison's structural differences; compare calls it, the
formatters only read the mark.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from workreg.versions.comparison import Clause, PolicySide, StructureChange

_ROLE_FIELDS = ("actor", "default", "performed_by", "coordinated_by", "approver")
#: Fields of prose: reported as reworded, not quoted in full.
_PROSE_FIELDS = ("description", "interpretation", "note", "text", "condition")


def _bodies_named_by(history: Iterable[Clause], roles: dict[str, str]) -> set[str]:
    """Role ids whose name a change-history line says in so many words ("Alliance Committee")."""
    lines = " ".join(line.quote for line in history).lower()
    return {role for role, name in roles.items() if name.lower() in lines}


def _roles_touched(entry: StructureChange, roles: dict[str, str], actors: dict[str, str]) -> set[str]:
    """The roles one structural difference is about: the element itself, its actors, the values and
    items it changes, and the role names its label says."""
    ids = {entry.id, *entry.id.split("->"), entry.role or ""}
    for value in entry.values.values():
        ids.update(str(v) for v in (value.old, value.new) if v is not None)
    for item in entry.items.values():
        ids.update(str(i) for i in item.added + item.removed)
    touched = {i for i in ids if i in roles} | {actors[i] for i in ids if i in actors}
    label = entry.label.lower()
    touched |= {role for role, name in roles.items() if name.lower() in label}
    return touched


def mark_grounds(structure: Iterable[StructureChange], sides: Sequence[PolicySide],
                 history: Sequence[Clause]) -> tuple[StructureChange, ...]:
    """Say, for each structural difference, whether it rests on the change history's words or on a reading.

    ``rests_on`` is ``"history"`` when the difference is about a body the change-history line between
    the versions names in so many words (1.2.0's "Added Alliance Committee explicitly": the Alliance
    Committee's role, gate, order and the constraint naming it), and ``"reading"`` otherwise: which
    sentences a line such as "clarify decisions made by the Board" changed, or what an unnamed list
    held, is the reconstruction's reading.  Between two published versions every difference is the
    texts' own (``"text"``).
    """
    if not any(side.reconstructed for side in sides):
        return tuple(entry._replace(rests_on="text") for entry in structure)
    roles: dict[str, str] = {}
    actors: dict[str, str] = {}
    for side in sides:
        roles.update(side.roles)
        actors.update(side.actors)
    marked = []
    for entry in structure:
        named = _bodies_named_by(entry.basis or history, roles)
        marked.append(entry._replace(rests_on="history" if _roles_touched(entry, roles, actors) & named else "reading"))
    return tuple(marked)
