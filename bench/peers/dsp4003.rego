# DSP4003 1.2.0 approvals, encoded by hand in Rego: a peer of workreg for bench/run.py.
#
# Question answered: for a request whose input is {"kinds": [change kind ids]}, which approver
# roles must give an approval of their own?  That is the union, over the request's change kinds,
# of the approval gates each kind requires (DSP4003 §2.3, §3.2, §4, §4.1), minus the gates a
# body has already given by an earlier gate of the same request (workreg's `satisfied_by`).
#
# Only the approval gates (ballot, approval, acknowledgement) are encoded: the other steps
# (drafting, scheduling, publishing, ...) name no approver.  The per-kind data below transcribes
# the `requires` lists of policies/dsp4003/1.2.0.yaml; the union is computed at query time.

package dsp4003

import rego.v1

# The approval gates each change kind requires, with the clause that requires them.
gates_of_kind := {
	# §3.2 Originating Committee ballot, Board ballot, partner acknowledgement; §2.3 every
	# committee with milestone work ballots, and adoption needs Alliance Committee approval.
	"new_register": {
		"originating_committee_ballot",
		"affected_committee_ballot",
		"alliance_committee_approval",
		"board_approval",
		"partner_approval",
	},
	# §4 "Work Register updates that adjust deliverables require the approval of the
	# Originating Committee, any affected committees, and the Alliance Partner organization."
	"deliverable_adjustment": {
		"originating_committee_ballot",
		"affected_committee_ballot",
		"partner_approval",
	},
	# §4 "requires the approval of the Originating Committee, the DMTF board, and the
	# Alliance Partner organization"
	"scope_extension": {
		"originating_committee_ballot",
		"board_approval",
		"partner_approval",
	},
	# §3.2 a change by the partner is balloted again through the Originating Committee.
	"partner_revision": {"originating_committee_ballot"},
	# §3.2 significant changes require the Board's approval.
	"significant_change": {"board_approval"},
	# §3.2 a change of representatives does not require the Board; no approver is named.
	"contact_change": set(),
	# §4 the review itself requires no approval; its changes do.
	"periodic_review": set(),
	# §4.1 removal is approved by the Board.
	"removal": {"board_approval"},
}

# Who performs each gate (the `actor` of the step).
actor := {
	"originating_committee_ballot": "originating_committee",
	"affected_committee_ballot": "affected_committee",
	"alliance_committee_approval": "alliance_committee",
	"board_approval": "board",
	"partner_approval": "alliance_partner",
}

# One body approves once (workreg's `satisfied_by`).  §2.3: the Originating Committee is by
# default the Alliance Committee, so when a request needs both the Originating Committee's ballot
# and the Alliance Committee's approval, that body's ballot (the earlier gate: same stage,
# declared first) gives both.  Each entry reads "gate: the earlier gate of the same body".
# (Spelled out per gate rather than derived from role bodies and gate ranks at query time: the
# derived form is correct too, but rego-cpp re-evaluates it on every query, 3x slower.)
satisfied_by := {"alliance_committee_approval": "originating_committee_ballot"}

# The union over the request's change kinds.
required_gates := {gate | some kind in input.kinds; some gate in gates_of_kind[kind]}

# The answer: approvers whose gates are required and not given by an earlier gate of their body.
approvers := {actor[gate] | some gate in required_gates; not satisfied_by[gate] in required_gates}
