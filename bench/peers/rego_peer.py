"""OPA's Rego, run by regopy (rego-cpp): the hand-written encoding in ``dsp4003.rego``.

Fastest correct use of regopy, measured: compile the module once into a bundle with the answer
as an entrypoint, then per request ``set_input`` (a Python dict; ``set_input_term`` parses JSON
text and is slower) and ``query_bundle_entrypoint``.  ``Interpreter.query`` re-plans the query
every call and is about 5x slower.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

REGO_FILE = Path(__file__).with_name("dsp4003.rego")
ENTRYPOINT = "dsp4003/approvers"


class RegoPeer:
    """Required approvers from the Rego encoding, compiled once."""

    name = "opa"

    def __init__(self, rego_file: Path = REGO_FILE) -> None:
        import regopy  # only the benchmark needs it (optional extra 'bench')

        builder = regopy.Interpreter()
        builder.add_module(rego_file.name, rego_file.read_text(encoding="utf-8"))
        self._bundle = builder.build(None, [ENTRYPOINT])
        self._interpreter = regopy.Interpreter()

    def evaluate(self, kinds: list[str]):
        """One evaluation (the timed part): set the input, run the entrypoint; the raw output."""
        self._interpreter.set_input({"kinds": kinds})
        return self._interpreter.query_bundle_entrypoint(self._bundle, ENTRYPOINT)

    @staticmethod
    def decode(output) -> frozenset[str]:
        """The approver set in a regopy output; RuntimeError when the query failed."""
        if not output.ok():
            raise RuntimeError(f"Rego evaluation failed: {output}")
        return frozenset(json.loads(str(output))["expressions"][0])

    def approvers(self, kinds: Iterable[str]) -> frozenset[str]:
        return self.decode(self.evaluate(list(kinds)))
