"""Approval cases: an append-only event log per change, folded with the pinned policy into its progress."""
