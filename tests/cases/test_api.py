"""The public API of cases, the portfolio and answers as of a date (what ``import workreg`` offers)."""

from __future__ import annotations

import pytest

import workreg
from tests.conftest import FIXTURES


def test_a_case_through_the_api(tmp_path):
    db = str(tmp_path / "api.db")
    case = workreg.open_case(["scope_extension"], db=db, by="api")
    # §4 gives an update's approvals no order: any may be held first (OCP approved first, in 2023); the
    # policy's reading (the Board after the committee) is an interpretation, so it holds nothing back.
    assert [g.gate for g in case.next] == ["originating_committee_ballot", "board_approval", "partner_approval"]
    workreg.record_outcome(case.id, "originating_committee_ballot", "approved", "2026-01-05", db=db, by="api")
    state = workreg.case_status(case.id, db=db)
    assert [g.gate for g in state.next] == ["board_approval", "partner_approval"] and not state.complete
    # §3.2 orders a new register's approvals: the partner acknowledges after the Board.
    new = workreg.open_case(["new_register"], db=db, by="api", none_named=True)
    with pytest.raises(workreg.WorkregError) as refused:
        workreg.record_outcome(new.id, "partner_approval", "approved", "2026-01-06", db=db)
    assert refused.value.exit_code == 1 and refused.value.code == "out-of-order"


def test_portfolio_and_policy_in_force_through_the_api():
    from datetime import date

    result, failures = workreg.register_portfolio([FIXTURES / "registers" / "complete.md"], today=date(2026, 11, 21))
    assert failures == [] and [row.overdue for row in result.rows] == [True]
    policy, in_force = workreg.policy_in_force("dsp4003", "2006-06-01")
    assert policy.ref == "dsp4003@1.1" and in_force.reconstructed
