"""Approval cases: an append-only event log per change, folded with the pinned policy into its progress."""

# Here, not in cases/service.py, so that workreg.api can name them without importing the service (a cold start).
#: Cases per page unless a caller asks for another number, and the most it may ask for.
PAGE_SIZE = 100
MAX_PAGE = 1000
