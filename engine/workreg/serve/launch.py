"""Starting ``workreg serve``: check the database and bind the port first, then hand the socket to uvicorn.

Everything that can stop a server from starting is checked here, in the command's own process,
before uvicorn runs: the database (unreachable, not a database, written by a newer workreg), the
host (not an address of this machine, not resolvable) and the port (in use, not permitted).  Each
is a WorkregError with a code, printed in one line, exit 2.

With ``--workers N`` uvicorn's process manager runs N processes on the one bound socket; each
builds the application from the settings the command put in its environment
(:func:`app_from_environment`), with its own connection pool, decision-log writer and caches.
The decision log stays correct across them: each process group-commits its own rows into the one
table (decision ids carry a per-process prefix), and a token revoked in the database is refused by
every process within the token cache's interval.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import socket

from workreg.errors import UsageError

#: The environment variable a worker process reads its settings from (JSON of Settings).
SETTINGS_ENV = "WORKREG_SERVE_SETTINGS"
#: Seconds an idle keep-alive connection stays open.
KEEP_ALIVE_S = 5
#: Seconds a server waits for requests under way when it is stopped.
GRACEFUL_S = 10


def check_database(url: str) -> None:
    """Open, create or migrate the database once (CaseError: unreachable, not a database, too new)."""
    from workreg.serve.store import open_serve_store

    with open_serve_store(url, create=True):
        pass


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port``; UsageError ``bad-host``, ``port-in-use`` or ``port-denied``."""
    if not 1 <= port <= 65535:
        raise UsageError(f"a port is a number from 1 to 65535, not {port}", code="bad-port")
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError, ValueError) as exc:
        raise UsageError(f"--host '{host[:80]}' is not an address or a name this machine can resolve",
                         code="bad-host", hint="e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)") from exc
    family, kind, proto, _name, address = found[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(f"port {port} on {host} is in use by another program", code="port-in-use",
                             hint="choose another --port, or stop the other server") from exc
        if exc.errno == errno.EACCES:
            raise UsageError(f"port {port} needs privileges this user lacks", code="port-denied",
                             hint="use a port above 1023") from exc
        if exc.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT):
            raise UsageError(f"--host '{host[:80]}' is not an address of this machine", code="bad-host",
                             hint="e.g. 127.0.0.1 or 0.0.0.0") from exc
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}", code="bind-failed") from exc
    sock.set_inheritable(True)
    return sock


def _config(app, *, workers: int, access_log: bool, factory: bool = False):
    import uvicorn

    return uvicorn.Config(app, workers=workers, access_log=access_log, log_level="warning", factory=factory,
                          http="workreg.serve.protocol:JsonErrorsProtocol",
                          timeout_keep_alive=KEEP_ALIVE_S, timeout_graceful_shutdown=GRACEFUL_S,
                          server_header=False, proxy_headers=False)


def run_one(app, sock: socket.socket, *, access_log: bool) -> None:
    """Serve ``app`` on ``sock`` in this process until interrupted."""
    import uvicorn

    uvicorn.Server(_config(app, workers=1, access_log=access_log)).run(sockets=[sock])


def run_workers(sock: socket.socket, workers: int, *, access_log: bool) -> None:
    """Serve on ``sock`` from ``workers`` processes (uvicorn's process manager) until interrupted."""
    from uvicorn.supervisors import Multiprocess

    config = _config("workreg.serve.launch:app_from_environment", workers=workers, access_log=access_log,
                     factory=True)
    Multiprocess(config, sockets=[sock]).run()


def settings_to_environment(settings) -> None:
    """Put ``settings`` where the worker processes find them."""
    os.environ[SETTINGS_ENV] = json.dumps(dataclasses.asdict(settings))


def app_from_environment():
    """The application of one worker process, from the settings the command left in the environment."""
    from workreg.serve.app import Settings, create_app

    values = json.loads(os.environ[SETTINGS_ENV])
    values["policy_dirs"] = tuple(values.get("policy_dirs") or ())
    values["registers"] = tuple(values.get("registers") or ())
    app = create_app(Settings(**values))
    tune_interpreter()
    return app


def tune_interpreter() -> None:
    """Answers are quick and the decision log's writer is a thread: hand the interpreter lock over sooner than the
    default 5 ms, and keep the long-lived start-up objects (compiled policies) out of garbage collections."""
    import gc
    import sys

    sys.setswitchinterval(0.001)
    gc.collect()
    gc.freeze()

