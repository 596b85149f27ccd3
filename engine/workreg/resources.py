"""Where the data shipped with workreg lives: policies, the organization vocabulary, the schema.

An installed wheel or sdist carries the repository's ``policies/`` folder inside the package
(``workreg/policies``), found beside the package's ``__init__`` (or through
:mod:`importlib.resources` when the package is not a folder on disk) whatever the working directory.
In a clone (an editable install, or ``PYTHONPATH=engine``) the package is ``engine/workreg/`` and
the policies are the repository's ``policies/``, two folders up: that layout is the fallback.  Imports nothing heavy.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from workreg.errors import WorkregError

#: The shipped policy used when none is named (``--policy``, the Python API, Gherkin features).
DEFAULT_POLICY = "dsp4003"


@lru_cache(maxsize=1)
def shipped_policies() -> Path:
    """The folder of the policies shipped with workreg (``NAME/VERSION.yaml``, ``vocabulary/``, ``schema.json``)."""
    import workreg

    # The package's own folder when it is one on disk (importlib.resources costs more to import
    # than a cached query takes); otherwise ask importlib.resources where it is.
    location = Path(workreg.__file__).parent if getattr(workreg, "__file__", None) else None
    if location is None or not location.is_dir():
        from importlib import resources

        package = resources.files("workreg")
        if not isinstance(package, Path):  # a zip import: policies must be real files to be read
            raise WorkregError("workreg's policies are not on the file system (zip import)", code="no-policies")
        location = package
    inside = location / "policies"
    if inside.is_dir():
        return inside
    in_clone = location.resolve().parents[1] / "policies"
    if in_clone.is_dir():
        return in_clone
    raise WorkregError(
        "workreg's shipped policies are missing from this installation", code="no-policies",
        hint="reinstall workreg (pip install workreg) or pass --policy-dir",
    )


def shipped_vocabulary() -> Path:
    """The organization vocabulary shipped with workreg (DMTF's committees and working groups)."""
    return shipped_policies() / "vocabulary" / "dmtf.yaml"


def shipped_template() -> Path:
    """The register template shipped with workreg: its sections, headings and host organization."""
    return shipped_policies() / "vocabulary" / "dmtf-template.yaml"
