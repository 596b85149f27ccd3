"""The events a case is made of: frozen values, appended to a log and never changed.

A case's log starts with one ``opened`` event; ``recorded`` events add a gate's outcome and
``migrated`` events move the case to another policy version.  Every event keeps who wrote it,
when, and the content hash of the policy it was written under.  An event is stored as its
envelope (case, sequence number, kind, time, author, policy hash) plus a JSON payload; reading
one back validates the payload, so a row edited by hand is an error, not a wrong answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

from workreg.errors import CaseError

#: The outcomes a gate can be recorded with.
OUTCOMES = ("approved", "rejected", "withdrawn")


@dataclass(frozen=True, slots=True)
class Opened:
    """The case was opened: what changes, under which policy, for which committees."""

    kind: ClassVar[str] = "opened"
    policy: str
    title: str
    changes: tuple[str, ...]
    committees: tuple[str, ...] = ()
    originating: str | None = None
    #: How the changes were found: {"from": "change"|"diff"|"register", ...the files}.
    subject: dict[str, Any] = field(default_factory=dict)
    #: The ``--on`` choice of policy version, when it made one (InForce.to_dict()).
    as_of: dict[str, Any] | None = None
    #: The opener said no body has work for the policy's per-name gates (``--no-affected-committees``):
    #: those gates are not waited on (the clause says "any", which may be none).
    none_named: bool = False


@dataclass(frozen=True, slots=True)
class Recorded:
    """A gate's outcome: a ballot or approval held on ``date``."""

    kind: ClassVar[str] = "recorded"
    gate: str
    outcome: str
    date: str
    ref: str | None = None
    note: str | None = None
    #: The gate had ended in rejection or withdrawal and the user says it was held again.
    again: bool = False


@dataclass(frozen=True, slots=True)
class Migrated:
    """The case moved to another policy version; what the move added and dropped."""

    kind: ClassVar[str] = "migrated"
    from_policy: str
    from_hash: str
    policy: str
    added: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()


PAYLOADS: dict[str, type] = {cls.kind: cls for cls in (Opened, Recorded, Migrated)}
Payload = Opened | Recorded | Migrated


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of a case's append-only log."""

    case_id: int
    seq: int
    at: str
    by: str | None
    policy_hash: str
    payload: Payload

    @property
    def kind(self) -> str:
        return self.payload.kind

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of an event (``workreg case log --format json``)."""
        return {
            "case": self.case_id, "seq": self.seq, "kind": self.kind, "at": self.at, "by": self.by,
            "policy_hash": self.policy_hash, **payload_data(self.payload),
        }


def payload_data(payload: Payload) -> dict[str, Any]:
    """The payload as a JSON-ready dict (tuples as lists)."""
    return {f.name: list(v) if isinstance(v := getattr(payload, f.name), tuple) else v for f in fields(payload)}


def encode(payload: Payload) -> str:
    """The payload as the JSON text the store keeps."""
    return json.dumps(payload_data(payload), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


_TYPES: dict[str, dict[str, tuple[type, ...]]] = {
    "opened": {"policy": (str,), "title": (str,), "changes": (list,), "committees": (list,),
               "originating": (str, type(None)), "subject": (dict,), "as_of": (dict, type(None)),
               "none_named": (bool,)},
    "recorded": {"gate": (str,), "outcome": (str,), "date": (str,), "ref": (str, type(None)),
                 "note": (str, type(None)), "again": (bool,)},
    "migrated": {"from_policy": (str,), "from_hash": (str,), "policy": (str,), "added": (list,), "dropped": (list,)},
}
_REQUIRED = {"opened": {"policy", "title", "changes"}, "recorded": {"gate", "outcome", "date"},
             "migrated": {"from_policy", "from_hash", "policy"}}


def decode(kind: str, text: str, *, case_id: int, seq: int) -> Payload:
    """The payload of a stored event; CaseError code ``bad-event`` when it is not one workreg wrote."""
    where = f"case {case_id} event {seq}"
    try:
        data: Any = json.loads(text)
    except ValueError as exc:
        raise CaseError(f"{where} is not JSON", code="bad-event") from exc
    types = _TYPES.get(kind)
    if types is None or not isinstance(data, dict):
        raise CaseError(f"{where} has an unknown kind '{kind}' or shape", code="bad-event")
    unknown = set(data) - set(types)
    missing = _REQUIRED[kind] - set(data)
    if unknown or missing:
        raise CaseError(f"{where}: unexpected {sorted(unknown)} or missing {sorted(missing)} fields", code="bad-event")
    for name, value in data.items():
        if not isinstance(value, types[name]) or (
            isinstance(value, list) and not all(isinstance(item, str) for item in value)
        ):
            raise CaseError(f"{where}: field '{name}' has the wrong type", code="bad-event")
    if kind == "recorded" and data["outcome"] not in OUTCOMES:
        raise CaseError(f"{where}: unknown outcome '{data['outcome']}'", code="bad-event")
    values = {name: tuple(value) if isinstance(value, list) else value for name, value in data.items()}
    payload: Payload = PAYLOADS[kind](**values)
    return payload
