"""Where the data shipped with workreg lives: policies, the organization vocabulary, the schema.

An installed wheel or sdist carries the repository's ``policies/`` folder inside the package
(``workreg/policies``), found through :mod:`importlib.resources` whatever the working directory.
An editable install of a clone maps ``workreg`` onto ``engine/`` and leaves ``policies/`` beside
it, so that layout is the fallback.  Imports nothing heavy.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from workreg.errors import WorkregError


@lru_cache(maxsize=1)
def shipped_policies() -> Path:
    """The folder of the policies shipped with workreg (``NAME/VERSION.yaml``, ``vocabulary/``, ``schema.json``)."""
    package = resources.files("workreg")
    inside = package / "policies"
    if inside.is_dir():
        if not isinstance(inside, Path):  # a zip import: policies must be real files to be read
            raise WorkregError("workreg's policies are not on the file system (zip import)", code="no-policies")
        return inside
    beside = Path(str(package)).resolve().parent / "policies"
    if beside.is_dir():
        return beside
    raise WorkregError(
        "workreg's shipped policies are missing from this installation", code="no-policies",
        hint="reinstall workreg (pip install workreg) or pass --policy-dir",
    )


def shipped_vocabulary() -> Path:
    """The organization vocabulary shipped with workreg (DMTF's committees and working groups)."""
    return shipped_policies() / "vocabulary" / "dmtf.yaml"


def shipped_schema() -> Path:
    """The JSON Schema of policy files, as committed beside the policies."""
    return shipped_policies() / "schema.json"
