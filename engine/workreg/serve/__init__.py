"""``workreg serve``: the decision API over HTTP, its decision log, access tokens and a web page.

- :mod:`workreg.serve.catalog` — the policies a server answers from (by ref only, never a path)
- :mod:`workreg.serve.auth` — tokens per role (only hashes stored), who may read, write, record a gate
- :mod:`workreg.serve.log` — the decision log: group-committed rows, read back, replayed
- :mod:`workreg.serve.schemas` — the pydantic models at the edges and the OpenAPI document
- :mod:`workreg.serve.decisions` — what each endpoint decides (the CLI's functions, logged)
- :mod:`workreg.serve.app` — the Starlette application (routes, limits, JSON errors)
- :mod:`workreg.serve.pages` — the server-rendered page at ``/``

Starlette, uvicorn and python-multipart are the optional extra ``serve``; nothing here is imported
when the CLI starts, and :func:`require` turns their absence into one clear line.
"""

from __future__ import annotations

from importlib.util import find_spec

#: Import name → the distribution that provides it (the extra ``serve``).
DEPENDENCIES = {"starlette": "starlette", "uvicorn": "uvicorn", "multipart": "python-multipart"}


def missing_dependencies() -> list[str]:
    """The distributions of the ``serve`` extra that are not installed."""
    return [dist for module, dist in DEPENDENCIES.items() if find_spec(module) is None]


def require() -> None:
    """Raise UsageError (one line, exit 2) when the ``serve`` extra is not installed."""
    missing = missing_dependencies()
    if missing:
        from workreg.errors import UsageError

        raise UsageError(
            f"workreg serve needs {', '.join(missing)}, which {'is' if len(missing) == 1 else 'are'} not installed",
            code="missing-serve", hint="pip install 'workreg[serve]' (scripts/setup.sh installs it)",
        )
