"""Then steps that assert a property over every combination of change kinds (``workreg analyze``).

``Then every change that includes scope_extension needs the DMTF Board`` holds when every
combination of change kinds that includes the named kinds requires a gate of that approver —
all 2^n - 1 of them, decided by :mod:`workreg.analysis.reasoning`, not by the scenario's own
changes.  It fails with a smallest counterexample, its decision and the clauses that break it.
Kept apart from :mod:`workreg.bdd.steps` and registered by the plugin.
"""

from __future__ import annotations

import re

from pytest_bdd import parsers, then

from workreg.bdd.context import ScenarioContext
from workreg.bdd.steps import StepDoc

#: These steps' entries for the step vocabulary (``workreg steps`` lists :data:`workreg.bdd.steps.VOCABULARY`,
#: which the README's generated block mirrors; docs/analysis.md lists these).
ANALYSIS_VOCABULARY: list[StepDoc] = []


def _then(pattern: str, *, example: str, meaning: str):
    ANALYSIS_VOCABULARY.append(StepDoc("Then", pattern, example, meaning))
    return then(parsers.re(f"^{pattern}$"), stacklevel=1)  # the decorator is applied at module level


_KINDS = r"(?P<kinds>.+?)(?: but not (?P<excluded>.+?))?"


def _kind_list(workreg: ScenarioContext, text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    parts = [p.strip() for p in re.split(r",\s*|\s+and\s+|\s+or\s+", text) if p.strip()]
    return tuple(dict.fromkeys(workreg.change_kind(part) for part in parts))


def _decide(workreg: ScenarioContext, kinds: str, excluded: str | None, expect: str, *names: str) -> None:
    from workreg.api import check_claim

    claim = check_claim(workreg.require_policy(), _kind_list(workreg, kinds), _kind_list(workreg, excluded), expect,
                        names)
    result, prop = claim.result, claim.result.property
    if not result.holds:
        lines = [f"not every change that {prop.describe().removeprefix('every combination that ')}: {result.why}",
                 f"counterexample: {' + '.join(result.counterexample or ())}"]
        decision = result.decision or {}
        for number, stage in enumerate(decision.get("stages", []), 1):
            lines.append(f"  stage {number}: {', '.join(stage)}")
        if decision.get("unordered"):
            lines.append(f"  any stage: {', '.join(decision['unordered'])}")
        lines += [f"  §{c['section']} \"{c['quote']}\"" for c in result.clauses]
        raise AssertionError("\n".join(lines))
    workreg.cover(*claim.covered)


@_then(rf"every change that includes {_KINDS} needs (?:the )?(?P<approver>.+?)",
       example="Then every change that includes scope_extension needs the DMTF Board",
       meaning="over every combination of change kinds that includes these (ids, titles or phrases; 'but not' excludes): "
       "a gate of this approver (or this step) is required; fails with a smallest counterexample")
def then_every_change_needs(workreg: ScenarioContext, kinds: str, excluded: str | None, approver: str) -> None:
    _decide(workreg, kinds, excluded, "requires", approver)


@_then(rf"every change that includes {_KINDS} does not need (?:the )?(?P<approver>.+?)",
       example="Then every change that includes contact_change but not new_register, scope_extension, "
               "significant_change or removal does not need the DMTF Board",
       meaning="over every combination that includes these kinds (and none after 'but not'): no gate of this approver")
def then_no_change_needs(workreg: ScenarioContext, kinds: str, excluded: str | None, approver: str) -> None:
    _decide(workreg, kinds, excluded, "not_requires", approver)


@_then(rf"in every change that includes {_KINDS}, (?:the )?(?P<after>.+?) follows (?:the )?(?P<before>.+?)",
       example="Then in every change that includes new_register, the DMTF Board follows the Originating Committee",
       meaning="over every combination that includes these kinds: both are required and the second completes first")
def then_every_change_orders(workreg: ScenarioContext, kinds: str, excluded: str | None, after: str, before: str) -> None:
    _decide(workreg, kinds, excluded, "order", before, after)
