"""Case databases for the tests: a fresh SQLite file, or a fresh schema on a throwaway PostgreSQL cluster.

The cluster is started once per session in a temporary directory (as the ``postgres`` user when
the tests run as root: PostgreSQL refuses to run as root), listening on a Unix socket only, and
removed at the end — by a watchdog process too, when the test session is killed before its
teardown runs, so no server outlives the tests.  Tests on PostgreSQL skip, saying why, only where PostgreSQL or psycopg is not
installed.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

_schemas = itertools.count(1)


def _postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@pytest.fixture(scope="session")
def postgres_server():
    """The URL of a throwaway PostgreSQL cluster for this test session (skip where none is installed)."""
    bindir = _postgres_bin()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (no initdb); scripts/setup.sh installs Debian's postgresql")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed: pip install -e '.[postgres]' (scripts/setup.sh does)")
    if os.geteuid() == 0:
        try:
            server_user = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to run the server as")
    base = Path(tempfile.mkdtemp(prefix="workreg-pg-"))
    if os.geteuid() == 0:
        os.chown(base, server_user.pw_uid, server_user.pw_gid)
    data, port = base / "data", 5432 + os.getpid() % 20000 + 1
    try:
        subprocess.run(_as_server_user([str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                                        "--no-sync", "-E", "UTF8"]), check=True, capture_output=True)
        subprocess.run(_as_server_user([
            str(bindir / "pg_ctl"), "-D", str(data), "-l", str(base / "server.log"), "-w", "-t", "60",
            "-o", f"-k {base} -p {port} -c listen_addresses='' -c fsync=off -c max_connections=50", "start",
        ]), check=True, capture_output=True)
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"could not start PostgreSQL: {exc.stderr.decode(errors='replace')[-500:]}")
    stop = _as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"])
    watchdog = subprocess.Popen(
        ["sh", "-c", f"while kill -0 {os.getpid()} 2>/dev/null; do sleep 1; done; "
                     f"{shlex.join(stop)}; rm -rf {shlex.quote(str(base))}"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        yield f"postgresql://postgres@/postgres?host={base}&port={port}"
    finally:
        subprocess.run(stop, capture_output=True)
        shutil.rmtree(base, ignore_errors=True)
        watchdog.terminate()
        watchdog.wait(timeout=10)


def fresh_schema(server_url: str) -> str:
    """A new, empty schema on the test cluster, as a URL whose search_path is that schema."""
    import psycopg

    name = f"t{os.getpid()}_{next(_schemas)}"
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {name}")
    return f"{server_url}&options=-csearch_path%3D{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty case database on each backend."""
    if request.param == "sqlite":
        return str(tmp_path / "cases.db")
    return fresh_schema(request.getfixturevalue("postgres_server"))


@pytest.fixture
def sqlite_url(tmp_path):
    return str(tmp_path / "cases.db")
