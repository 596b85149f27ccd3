"""What each difference between two policy versions rests on: the change history's words, a reading, or the text.

:func:`mark_grounds` adds ``rests_on`` to a comparison's structural entries; compare calls it, the
formatters only read the mark.
"""

from __future__ import annotations

_ROLE_FIELDS = ("actor", "default", "performed_by", "coordinated_by", "approver")
#: Fields of prose: reported as reworded, not quoted in full.
_PROSE_FIELDS = ("description", "interpretation", "note", "text", "condition")


def _bodies_named_by(history: list[dict], result: dict) -> set[str]:
    """Role ids whose name a change-history line says in so many words ("Alliance Committee")."""
    roles: dict[str, str] = {}
    for side in ("from", "to"):
        roles.update(result["policies"][side]["roles"])
    lines = " ".join(c["quote"] for c in history).lower()
    return {role for role, name in roles.items() if name.lower() in lines}


def _roles_touched(entry: dict, result: dict) -> set[str]:
    """The roles one structural difference is about: the element itself, its actors, the values and
    items it changes, and the role names its label says."""
    actors: dict[str, str] = {}
    roles: dict[str, str] = {}
    for side in ("from", "to"):
        actors.update(result["policies"][side].get("actors", {}))
        roles.update(result["policies"][side]["roles"])
    ids = {entry["id"], *entry["id"].split("->"), entry.get("role") or ""}
    for value in entry.get("values", {}).values():
        ids.update(str(v) for v in (value.get("from"), value.get("to")) if v is not None)
    for item in entry.get("items", {}).values():
        ids.update(str(i) for i in item.get("added", ()) + item.get("removed", ()))
    touched = {i for i in ids if i in roles} | {actors[i] for i in ids if i in actors}
    label = entry.get("label", "").lower()
    touched |= {role for role, name in roles.items() if name.lower() in label}
    return touched


def mark_grounds(result: dict) -> dict:
    """Say, for each structural difference, whether it rests on the change history's words or on a reading.

    ``rests_on`` is ``"history"`` when the difference is about a body the change-history line between
    the versions names in so many words (1.2.0's "Added Alliance Committee explicitly": the Alliance
    Committee's role, gate, order and the constraint naming it), and ``"reading"`` otherwise: which
    sentences a line such as "clarify decisions made by the Board" changed, or what an unnamed list
    held, is the reconstruction's reading.  Between two published versions every difference is the
    texts' own (``"text"``).
    """
    sides = result["policies"]
    reconstructed = any(sides[side]["provenance"] == "reconstructed" for side in ("from", "to"))
    for entry in result["structure"]:
        if not reconstructed:
            entry["rests_on"] = "text"
            continue
        named = _bodies_named_by(entry["basis"] or result["history"], result)
        entry["rests_on"] = "history" if _roles_touched(entry, result) & named else "reading"
    return result
