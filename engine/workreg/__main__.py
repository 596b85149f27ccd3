"""``python -m workreg``: the workreg command line."""

from workreg.cli import entry_point

entry_point()
