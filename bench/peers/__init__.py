"""Peer encodings of DSP4003 1.2.0 approvals, for comparing workreg with OPA (Rego) and Cedar.

Every peer answers one question the same way: for a set of change kinds, which approver roles
must give an approval of their own (``{i.approver for i in decision.required if i.satisfied_by
is None}`` in workreg).  Each peer loads its policy once and then evaluates one request per call.

Only ``bench/`` imports regopy and cedarpy (the optional extra ``workreg[bench]``); the engine
never does.
"""
