"""Words workreg gives a meaning of its own, declared in this one place.

A classification rule's ``kind: editorial`` means "no approval needed", and reports call a
change no rule matched "unclassified".  A policy whose change kind had either id (or title)
would make ``diff`` report a change that needs approvals as one that needs none, so loading a
policy refuses them (``reserved-id``).
"""

from __future__ import annotations

#: The classification outcome of a change that needs no approval (``kind: editorial`` in a rule).
EDITORIAL = "editorial"
#: What reports call a change that no classification rule matched.
UNCLASSIFIED = "unclassified"

#: Change-kind ids (and titles) a policy may not use, each with the meaning workreg gives it.
RESERVED_CHANGE_KINDS: dict[str, str] = {
    EDITORIAL: "the classification outcome of a change that needs no approval",
    UNCLASSIFIED: "what reports call a change that no classification rule matched",
}

#: What a classification rule's ``kind`` may name besides the policy's change kinds.
CLASSIFICATION_OUTCOMES: frozenset[str] = frozenset({EDITORIAL})


def reserved_meaning(word: str) -> str | None:
    """What workreg means by ``word`` (an id or a title, in any case or spacing); None if not reserved."""
    return RESERVED_CHANGE_KINDS.get(" ".join(word.replace("_", " ").replace("-", " ").split()).casefold())
