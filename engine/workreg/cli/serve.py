"""``workreg serve`` (the HTTP decision API and its page), ``workreg token`` and ``workreg log``.

Nothing here imports Starlette or uvicorn until ``serve`` runs, so the CLI starts as fast as
before; without the ``serve`` extra, ``workreg serve`` says so in one line (exit 2).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Callable

from workreg.cli.args import Parser, add_command, add_db, add_policy_dir, number_type
from workreg.outputs import emit, emit_error

if TYPE_CHECKING:
    from workreg.cli.args import Subcommands
    from workreg.serve.log import Replay
    from workreg.serve.store import Store

#: Connections per worker unless --pool-size says (kept in step with workreg.cases.store.DEFAULT_POOL_SIZE).
DEFAULT_POOL_SIZE = 8


def _port(value: str) -> int:
    """A TCP port from the command line: ASCII digits, 1 to 65535."""
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(f"a port is a number from 1 to 65535, not '{value[:20]}'")
    return int(value)


def _count(option: str, high: int, low: int = 1) -> Callable[[str], int]:
    def parse(value: str) -> int:
        if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
            raise argparse.ArgumentTypeError(f"{option} is a number from {low} to {high}, not '{value[:20]}'")
        return int(value)

    return parse


def register_commands(subparsers: Subcommands) -> None:
    """Add ``serve``, ``token`` and ``log`` to the main CLI."""
    serve = add_command(
        subparsers, "serve", "Serve decisions over HTTP: the CLI's JSON under /v1, a decision log, tokens per role, "
        "and a web page at /.",
        details="uvicorn on the embedded SQLite database (or --db postgresql://...), --workers processes sharing the "
        "port, each with at most --pool-size database connections; replicas on one PostgreSQL database scale out "
        "(docs/deployment.md). Reads need a token unless --public-read; writes always do, and recording a gate needs "
        "a token for that gate's role; the decision log needs an auditor token. Every decision served is in the "
        "decision log before it is answered (workreg log). Database, host and port problems stop it before it "
        "listens (exit 2).",
        example=["workreg serve --public-read",
                 "curl -s localhost:8080/v1/approvals -H 'content-type: application/json' "
                 "-d '{\"changes\": [\"scope_extension\"]}'"],
    )
    add_db(serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8080, help="port, 1 to 65535 (default 8080)")
    serve.add_argument("--workers", type=_count("--workers", 64), default=1, metavar="N",
                       help="server processes sharing the port (default 1; e.g. one per core); each keeps its own "
                            "pool, writer and caches, and the decision log stays one table")
    serve.add_argument("--pool-size", type=_count("--pool-size", 1000, low=2), default=DEFAULT_POOL_SIZE, metavar="N",
                       help=f"database connections per worker at most, the log's writer included "
                            f"(2 to 1000, default {DEFAULT_POOL_SIZE}); PostgreSQL sees at most N x workers x replicas")
    add_policy_dir(serve)
    serve.add_argument("--register", action="append", default=[], metavar="FILE", dest="registers",
                       help="a register document whose next review GET /v1/registers.ics publishes; repeatable")
    serve.add_argument("--public-read", action="store_true",
                       help="let anyone read (policies, approvals, diff, compare, render, cases) without a token")
    serve.add_argument("--log-fsync", action="store_true",
                       help="answer a decision only once its log row is flushed to disk (survives power loss; "
                            "slower); by default it is committed (survives a crash of the server) and flushed later")
    serve.add_argument("--access-log", action="store_true", help="print one line per request")
    serve.set_defaults(handler=run_serve)

    token = add_command(
        subparsers, "token", "Access tokens for workreg serve: create one for roles of the policy (printed once), "
        "list them, revoke one.",
        details="Only a token's SHA-256 is stored. A token acts for policy roles (board, alliance_partner, "
        "originating_committee, ...), for one body of a role (affected_committee:NAME), only reads (reader), or "
        "reads and audits the decision log, uploads included (auditor).",
        example=['workreg token create --role board --name "Board secretary"',
                 "workreg token list", "workreg token revoke 6c5b69e1"],
    )
    actions = token.add_subparsers(dest="token_command", metavar="ACTION", parser_class=Parser)
    actions.required = True
    created = add_command(actions, "create", "Make a token for roles of the policy; prints it once.",
                          example=['workreg token create --role board --name "Board secretary"',
                                   'workreg token create --role reader --name "Member portal"',
                                   'workreg token create --role auditor --name "Process auditor"'])
    created.add_argument("--role", action="append", required=True, metavar="ROLE",
                         help="a policy role id (board, alliance_partner, originating_committee, ...), "
                              "ROLE:BODY for one body of it, 'reader' or 'auditor'; repeatable")
    created.add_argument("--name", required=True, metavar="NAME", help="who holds it, e.g. 'Board secretary'")
    add_db(created)
    add_policy_dir(created)
    created.add_argument("--format", choices=("text", "json"), default="text")
    created.set_defaults(handler=run_token_create)
    listed = add_command(actions, "list", "Every token's id, name, roles and state (never the token).",
                         example="workreg token list --format json")
    add_db(listed)
    listed.add_argument("--format", choices=("text", "json"), default="text")
    listed.set_defaults(handler=run_token_list)
    revoked = add_command(actions, "revoke", "Revoke a token (a running server stops accepting it within 5 s).",
                          example="workreg token revoke 6c5b69e1")
    revoked.add_argument("id", metavar="ID")
    add_db(revoked)
    revoked.set_defaults(handler=run_token_revoke)

    log = add_command(
        subparsers, "log", "The decision log of workreg serve; --replay decides a logged decision again.",
        details="Every decision the server served (approvals, diff, case transitions): when, who, the policy and "
        "its content hash, the input and the result. --replay decides one again under the logged policy text and "
        "exits 1 when the result differs.",
        example=["workreg log --since 2026-01-01", "workreg log --kind case.record --format json",
                 "workreg log --replay 12"],
    )
    add_db(log)
    log.add_argument("--since", metavar="WHEN", help="YYYY-MM-DD or an ISO 8601 time (UTC unless it says)")
    log.add_argument("--after", "--next", dest="after", type=number_type("a row id"), metavar="ID",
                     help="only decisions with a larger row id (the cursor a previous page printed)")
    log.add_argument("--kind", choices=("approvals", "diff", "case.open", "case.record", "case.migrate"))
    log.add_argument("--limit", type=number_type("the limit", low=1, high=1000), default=100, metavar="N",
                     help="at most N rows (default 100, max 1000); the next page's cursor is printed on stderr")
    log.add_argument("--replay", metavar="ID", help="replay the decision with this row id or decision id")
    log.add_argument("--format", choices=("text", "json"), default="text")
    log.set_defaults(handler=run_log)


def run_serve(args: argparse.Namespace) -> int:
    """Serve until interrupted; 0.  Database, port and host problems are reported before anything listens (exit 2)."""
    from workreg.serve import require

    require()
    from workreg.api import database_url, redacted
    from workreg.serve.app import Settings, create_app
    from workreg.serve.launch import bind, check_database, run_workers, settings_to_environment, tune_interpreter

    settings = Settings(db=database_url(args.db), policy_dirs=tuple(args.policy_dir), public_read=args.public_read,
                        registers=tuple(args.registers),
                        log_fsync=args.log_fsync, pool_size=args.pool_size)
    check_database(settings.db)  # a dead server, a directory, a newer schema: one line, exit 2
    app = create_app(settings)  # the policies load (or fail) here, before anything listens
    sock = bind(args.host, args.port)  # a bad host, a port in use or not ours: one line, exit 2
    tune_interpreter()
    reads = "public" if args.public_read else "token needed"
    shown_host = f"[{args.host}]" if ":" in args.host else args.host
    workers = f"{args.workers} workers" if args.workers > 1 else "1 worker"
    emit_error(f"workreg serve: http://{shown_host}:{args.port}/ ({workers}; decision log: {redacted(settings.db)}; "
               f"reads: {reads}); Ctrl-C stops")
    if args.workers > 1:
        settings_to_environment(settings)
        run_workers(sock, args.workers, access_log=args.access_log)
    else:
        from workreg.serve.launch import run_one

        run_one(app, sock, access_log=args.access_log)
    return 0


def _open(args: argparse.Namespace, create: bool) -> Store:
    from workreg.serve.store import open_serve_store

    return open_serve_store(args.db, create=create)


def run_token_create(args: argparse.Namespace) -> int:
    """Create a token and print it (only now); 0."""
    from workreg.policy.format import format_json
    from workreg.serve.auth import create_token, parse_grants
    from workreg.serve.catalog import Catalog

    grants = parse_grants(args.role, Catalog(args.policy_dir).roles())
    with _open(args, create=True) as store:
        token_id, token = create_token(store, args.name, grants)
    if args.format == "json":
        emit(format_json({"id": token_id, "name": args.name.strip(), "roles": [str(g) for g in grants],
                          "token": token}), json=True)
    else:
        emit(token + "\n")
        emit_error(f"token {token_id} for {args.name.strip()} ({', '.join(str(g) for g in grants)}); shown only now, "
                   "only its hash is kept")
    return 0


def run_token_list(args: argparse.Namespace) -> int:
    from workreg.policy.format import format_json, table
    from workreg.serve.auth import list_tokens

    with _open(args, create=False) as store:
        rows = list_tokens(store)
    if args.format == "json":
        emit(format_json(rows), json=True)
    elif not rows:
        emit("no tokens\n")
    else:
        emit(table(["Id", "Name", "Roles", "Created", "Revoked"],
                   [[r["id"], r["name"], ", ".join(r["roles"]), r["created_at"], r["revoked_at"] or ""] for r in rows])
             + "\n")
    return 0


def run_token_revoke(args: argparse.Namespace) -> int:
    from workreg.serve.auth import revoke_token

    with _open(args, create=False) as store:
        revoke_token(store, args.id)
    emit_error(f"token {args.id} revoked")
    return 0


def run_log(args: argparse.Namespace) -> int:
    """Print the decision log, or replay one decision (exit 1 when its result differs now)."""
    from workreg.policy.format import format_json
    from workreg.serve.log import format_log_text, read_decisions, replay

    with _open(args, create=False) as store:
        if args.replay:
            result = replay(store, args.replay)
            return _report_replay(result, args.format)
        entries = read_decisions(store, since=args.since, after=args.after, kind=args.kind, limit=args.limit)
    if len(entries) == args.limit:
        emit_error(f"more decisions may follow: --next {entries[-1]['id']}")
    if args.format == "json":
        emit(format_json(entries), json=True)
    else:
        emit(format_log_text(entries), wrap=True)
    return 0


def _report_replay(result: Replay, fmt: str) -> int:
    import difflib

    from workreg.policy.format import format_json

    entry = result.entry
    if fmt == "json":
        emit(format_json({"id": entry["id"], "decision_id": entry["decision_id"], "kind": entry["kind"],
                          "policy": entry["policy"], "policy_hash": entry["policy_hash"],
                          "compared": result.scope, "same": result.same}), json=True)
    else:
        head = (f"decision #{entry['id']} ({entry['kind']}, {entry['policy']} sha256 {entry['policy_hash'][:12]}, "
                f"{entry['at']}, {entry['caller']})")
        if result.same:
            emit(f"{head}: replayed under the logged policy text; {result.scope} is the same\n")
        else:
            emit(f"{head}: replayed under the logged policy text; {result.scope} DIFFERS:\n")
            emit("".join(difflib.unified_diff(result.logged.splitlines(True), result.replayed.splitlines(True),
                                              "logged", "replayed")))
    return 0 if result.same else 1
