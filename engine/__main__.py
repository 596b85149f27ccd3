"""``python -m engine``: the workreg command line."""

from .cli import entry_point

entry_point()
