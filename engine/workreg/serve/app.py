"""The Starlette application of ``workreg serve``: the JSON API under ``/v1``, the page at ``/``.

Every response is JSON (or the page's HTML, or a diagram); every error is a JSON object with a
``code`` (see :func:`workreg.serve.decisions.error_body`) and never a traceback.  Request bodies
over ``Settings.max_body`` bytes are refused with 413 before they are read whole.  Decisions
(approvals, diff, case transitions) are answered only once they are in the decision log.
"""

from __future__ import annotations

import asyncio
import sys
import traceback
from contextlib import asynccontextmanager
from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from workreg import __version__
from workreg.cases.store import DEFAULT_POOL_SIZE, StorePool
from workreg.errors import RecordRefused, WorkregError
from workreg.policy.format import format_json
from workreg.serve.auth import ANONYMOUS, AccessDenied, Principal, TokenCache, bearer, find_token
from workreg.serve.catalog import Catalog
from workreg.serve.contracts import ErrorBody
from workreg.serve.decisions import Decider, Upload, error_body, error_json, status_for
from workreg.serve.http import (
    COOKIE, BodyTooLarge, case_id_of, form_text, form_upload, json_body, json_response, paged,
    query_bool, query_cursor, query_int, query_list, read_form,
)
from workreg.serve.log import PROCESS_ID, DecisionLog, insert, new_entry
from workreg.serve.schemas import (
    ApprovalsRequest, CompareRequest, InvalidRequest, MigrateRequest, OpenCaseRequest, RecordRequest, openapi,
    parse_body,
)

MAX_BODY = 10 * 1024 * 1024
#: Seconds a request body may pause between two pieces before the request is dropped (408).
BODY_IDLE_S = 30.0
#: Seconds a request body may take in all.
BODY_TOTAL_S = 300.0


@dataclass(frozen=True)
class Settings:
    """How a server runs: its database, policy directories, whether reads are open, the body limit."""

    db: str
    policy_dirs: tuple[str, ...] = ()
    public_read: bool = False
    max_body: int = MAX_BODY
    #: Answer only once the decision's log row is flushed to disk (else: committed, flushed at checkpoints).
    log_fsync: bool = False
    #: Database connections this process holds at most (requests and the log's writer together).
    pool_size: int = DEFAULT_POOL_SIZE
    #: Seconds a body may pause between two pieces, and take in all, before the request is dropped (408).
    body_idle: float = BODY_IDLE_S
    body_total: float = BODY_TOTAL_S
    #: Register documents whose review dates ``/v1/registers.ics`` publishes (``--register FILE``).
    registers: tuple[str, ...] = ()


class BodyTimeout(WorkregError):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"the request body stopped arriving (nothing for {seconds:g} s, or too slow in all)",
                         code="body-timeout", hint="send the whole body promptly")
        self.status = 408


class Service:
    """What the routes share: the catalog of policies, the decider, the decision log, the token cache."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.catalog = Catalog(settings.policy_dirs)
        self.decider = Decider(self.catalog)
        self.log = DecisionLog(settings.db, fsync=settings.log_fsync)
        self.tokens = TokenCache(self._find_token)
        self.pool: StorePool | None = None

    def start(self) -> None:
        """Open the pool (creating, migrating or refusing the database, once) and start the log's writer."""
        from workreg.serve.store import open_pool

        # A fresh pool and writer each time the application starts (a test client may run its lifespan again).
        # The writer holds one of the pool's connections while it runs; requests share the others.
        self.pool = pool = open_pool(self.settings.db, max(2, self.settings.pool_size))
        self.log = DecisionLog(self.settings.db, fsync=self.settings.log_fsync, pool=pool)
        try:
            self.log.start()
        except BaseException:
            pool.close()
            raise

    def close(self) -> None:
        self.log.close()
        if self.pool is not None:
            self.pool.close()

    def store(self):
        """A connection for one request's work, lent by the pool (a context manager)."""
        if self.pool is None:
            from workreg.serve.schemas import InvalidRequest

            raise InvalidRequest("the server is not started", code="db-unavailable", status=503)
        return self.pool.connection()

    def _find_token(self, token: str) -> Principal | None:
        with self.store() as store:
            return find_token(store, token)

    async def principal(self, request: Request, *, cookie: bool = False) -> Principal:
        """Who the request acts as: its bearer token (or, for the page, its cookie), else anonymous."""
        token = bearer(request.headers.get("authorization"))
        if token is None and cookie:
            token = request.cookies.get(COOKIE) or None
        if token is None:
            if request.headers.get("authorization"):
                raise AccessDenied("the Authorization header is not 'Bearer TOKEN'", status=401, code="unauthorized")
            return ANONYMOUS
        hit, principal = self.tokens.cached(token)
        if not hit:
            principal = await run_in_threadpool(self.tokens.lookup, token)
        if principal is None:
            raise AccessDenied("the token is unknown or revoked", status=401, code="unauthorized",
                               hint="workreg token create --role ROLE --name NAME makes one")
        return principal

    async def reader(self, request: Request, *, cookie: bool = False) -> Principal:
        """The principal of a read: anyone with ``--public-read``, else a token."""
        principal = await self.principal(request, cookie=cookie)
        if principal.anonymous and not self.settings.public_read:
            raise AccessDenied("reading needs a token (this server does not run with --public-read)", status=401,
                               code="unauthorized", hint="send Authorization: Bearer TOKEN")
        return principal

    async def writer(self, request: Request, *, token: str | None = None) -> Principal:
        """The principal of a write: a token acting for at least one role of the policy."""
        principal = await (self.principal(request) if token is None else self.token_principal(token))
        if principal.anonymous:
            raise AccessDenied("this needs a token acting for a role of the policy", status=401,
                               code="unauthorized", hint="send Authorization: Bearer TOKEN")
        if not principal.can_write:
            raise AccessDenied(f"the token '{principal.name}' only reads", status=403, code="forbidden")
        return principal

    async def token_principal(self, token: str) -> Principal:
        """The principal of a token given in a form (anonymous when empty); 401 when unknown or revoked."""
        token = token.strip()
        if not token:
            return ANONYMOUS
        hit, principal = self.tokens.cached(token)
        if not hit:
            principal = await run_in_threadpool(self.tokens.lookup, token)
        if principal is None:
            raise AccessDenied("the token is unknown or revoked", status=401, code="unauthorized")
        return principal

    # -- decisions that write (the page uses these too) --------------------------------------
    async def approvals(self, who: Principal, request: ApprovalsRequest):
        """Decide, log, and return (the log entry, the JSON text)."""
        served, text = self.decider.approvals(request.policy, request.on, request.changes, request.committees,
                                              request.originating)
        entry = new_entry("approvals", who, served.ref, served.digest, request.model_dump(), text)
        await self.log.record(entry, served.pinned)
        return entry

    async def diff(self, who: Principal, old: Upload, new: Upload, policy: str | None, on: str | None,
                   originating: str | None):
        served, text = await run_in_threadpool(self.decider.diff, policy, on, old, new, originating)
        asked = {"old": old.to_log(), "new": new.to_log(), "policy": policy, "on": on, "originating": originating}
        entry = new_entry("diff", who, served.ref, served.digest, asked, text)
        await self.log.record(entry, served.pinned)
        return entry

    async def open_case(self, who: Principal, request: OpenCaseRequest):
        """Open a case; the log entry (its result is the case's status) written in the case's transaction."""
        from workreg.api import open_case

        served, as_of = self.catalog.choose(request.policy, request.on)

        def work():
            logged = []

            def audit(tx, state, _refused):
                entry = new_entry("case.open", who, state.policy, state.policy_hash,
                                  {"case": state.id, "seq": state.events[-1].seq, "request": request.model_dump()},
                                  format_json(state.to_dict()), 201)
                insert(tx, entry, served.pinned)
                logged.append(entry)

            with self.store() as store:
                open_case(request.changes, policy=served.pinned, committees=request.committees,
                          originating=request.originating, title=request.title, subject={"from": "change"},
                          as_of=as_of, db=store, by=who.name, audit=audit, none_named=request.no_affected_committees)
            return logged[0]

        return await run_in_threadpool(work)

    async def record(self, who: Principal, case_id: int, request: RecordRequest):
        """Record a gate's outcome if ``who`` acts for the gate's role; the log entry (200, or 409 refused)."""
        from workreg.api import case_status, record_outcome
        from workreg.scalars import parse_day

        day = parse_day(request.date, "date").isoformat()

        def work():
            logged = []

            def audit(tx, state, refused):
                result = error_json(refused) if refused else format_json(state.to_dict())
                entry = new_entry("case.record", who, state.policy, state.policy_hash,
                                  {"case": case_id, "seq": state.events[-1].seq, "request": request.model_dump()},
                                  result, 409 if refused else 200)
                insert(tx, entry)
                logged.append(entry)

            with self.store() as store:
                gate = case_status(case_id, db=store).gate(request.gate)
                if gate is not None and gate.given_by is None and not who.may_record(gate.approver, gate.name):
                    raise AccessDenied(
                        f"recording '{gate.gate}' needs a token for the role '{gate.approver}' ({gate.name}); "
                        f"the token '{who.name}' acts for {', '.join(who.roles())}", status=403, code="wrong-role",
                    )
                try:
                    record_outcome(case_id, request.gate, request.outcome, day, ref=request.ref, note=request.note,
                                   again=request.again, db=store, by=who.name, audit=audit)
                except RecordRefused:
                    if not logged:
                        raise
            return logged[0]

        return await run_in_threadpool(work)

    async def migrate(self, who: Principal, case_id: int, request: MigrateRequest):
        from workreg.api import migrate_case

        served = self.catalog.get(request.policy)

        def work():
            logged = []

            def audit(tx, report, _refused):
                state = report.state
                entry = new_entry("case.migrate", who, state.policy, state.policy_hash,
                                  {"case": case_id, "seq": state.events[-1].seq, "request": request.model_dump()},
                                  format_json(report.to_dict()))
                insert(tx, entry, served.pinned)
                logged.append(entry)

            with self.store() as store:
                migrate_case(case_id, served.pinned, db=store, by=who.name, audit=audit)
            return logged[0]

        return await run_in_threadpool(work)

    def read(self, action):
        """Run ``action(store)`` on a connection of its own (in a worker thread)."""
        def work():
            with self.store() as store:
                return action(store)

        return run_in_threadpool(work)


# -- helpers ---------------------------------------------------------------------------------

def _service(request: Request) -> Service:
    return request.app.state.service


def _logged(entry) -> Response:
    return json_response(entry.result, entry.status, entry.decision_id)


# -- the JSON API ----------------------------------------------------------------------------

async def healthz(request: Request) -> Response:
    service = _service(request)
    body = {"status": "ok", "version": __version__, "policies": [s.ref for s in service.catalog.served()],
            "decisions_logged_since_start": service.log.written, "public_read": service.settings.public_read,
            "worker": PROCESS_ID}
    return json_response(format_json(body))


async def openapi_json(request: Request) -> Response:
    return json_response(format_json(openapi(_service(request).settings.public_read)))


async def policies(request: Request) -> Response:
    service = _service(request)
    await service.reader(request)
    return json_response(await run_in_threadpool(service.catalog.listing))


async def registers_ics(request: Request) -> Response:
    """The review dates of the registers the server was started with, as an iCalendar feed."""
    from workreg.api import register_portfolio, review_calendar
    from workreg.serve.schemas import InvalidRequest

    service = _service(request)
    await service.reader(request)
    files = service.settings.registers
    if not files:
        raise InvalidRequest("this server publishes no registers", code="no-registers", status=404,
                             hint="start it with --register FILE (repeatable)")

    def calendar() -> str:
        portfolio, _ = register_portfolio(files)  # unreadable files leave the feed, as in `workreg registers`
        return review_calendar(portfolio)

    text = await run_in_threadpool(calendar)
    return Response(text, media_type="text/calendar; charset=utf-8")


async def approvals(request: Request) -> Response:
    service = _service(request)
    who = await service.reader(request)
    return _logged(await service.approvals(who, parse_body(ApprovalsRequest, await json_body(request))))


async def diff(request: Request) -> Response:
    service = _service(request)
    who = await service.reader(request)
    form = await read_form(request, service.settings.max_body)
    try:
        old, new = await form_upload(form, "old"), await form_upload(form, "new")
        policy = form_text(form, "policy")
        on, originating = form_text(form, "on"), form_text(form, "originating")
    finally:
        await form.close()
    return _logged(await service.diff(who, old, new, policy, on, originating))


async def compare(request: Request) -> Response:
    service = _service(request)
    await service.reader(request)
    asked = parse_body(CompareRequest, await json_body(request))
    return json_response(await run_in_threadpool(service.decider.compare, asked.old, asked.new))


async def render(request: Request) -> Response:
    service = _service(request)
    await service.reader(request)
    policy = request.query_params.get("policy")
    if not policy:
        raise InvalidRequest("policy: required (NAME or NAME@VERSION)", code="invalid-request", field="policy")
    fmt = request.query_params.get("format", "svg")
    if fmt not in ("svg", "dot"):
        raise InvalidRequest("format must be svg or dot", code="invalid-request", field="format")
    text = await run_in_threadpool(service.decider.render, policy, query_list(request, "change"),
                                   query_list(request, "committee"), request.query_params.get("against") or None, fmt)
    media = "image/svg+xml" if fmt == "svg" else "text/vnd.graphviz; charset=utf-8"
    return Response(text.encode("utf-8"), media_type=media)


async def cases(request: Request) -> Response:
    from workreg.api import CASE_PAGE_SIZE, MAX_CASE_PAGE, list_cases_page
    from workreg.cases.format import list_row

    service = _service(request)
    if request.method == "POST":
        who = await service.writer(request)
        return _logged(await service.open_case(who, parse_body(OpenCaseRequest, await json_body(request))))
    await service.reader(request)
    open_only = query_bool(request, "open")
    after = query_cursor(request)
    limit = query_int(request, "limit", 1, MAX_CASE_PAGE) or CASE_PAGE_SIZE
    page = await service.read(lambda store: list_cases_page(after=after, limit=limit, open_only=open_only, db=store))
    return paged(request, format_json([list_row(state) for state in page.states]), page.next)


async def case_status(request: Request) -> Response:
    from workreg.api import case_status as status

    service = _service(request)
    case_id = case_id_of(request)
    await service.reader(request)
    return json_response(await service.read(lambda store: format_json(status(case_id, db=store).to_dict())))


async def case_log(request: Request) -> Response:
    from workreg.api import case_log

    service = _service(request)
    case_id = case_id_of(request)
    await service.reader(request)
    return json_response(await service.read(
        lambda store: format_json([event.to_dict() for event in case_log(case_id, db=store)])))


async def case_record(request: Request) -> Response:
    service = _service(request)
    case_id = case_id_of(request)
    who = await service.writer(request)
    return _logged(await service.record(who, case_id, parse_body(RecordRequest, await json_body(request))))


async def case_migrate(request: Request) -> Response:
    service = _service(request)
    case_id = case_id_of(request)
    who = await service.writer(request)
    return _logged(await service.migrate(who, case_id, parse_body(MigrateRequest, await json_body(request))))


async def decisions(request: Request) -> Response:
    from workreg.serve.log import KINDS, read_decisions

    service = _service(request)
    who = await service.principal(request)
    if who.anonymous:
        raise AccessDenied("the decision log needs a token (it shows who asked what)", status=401,
                           code="unauthorized", hint="send Authorization: Bearer TOKEN of an auditor")
    if not (who.auditor or who.can_write):
        raise AccessDenied(f"the token '{who.name}' only reads; the decision log needs an auditor token", status=403,
                           code="forbidden", hint="workreg token create --role auditor --name NAME makes one")
    since = request.query_params.get("since")
    if since is not None and len(since) > 40:
        raise InvalidRequest("since: at most 40 characters", code="invalid-request", field="since")
    kind = request.query_params.get("kind")
    if kind is not None and kind not in KINDS:
        raise InvalidRequest("kind must be one of " + ", ".join(KINDS), code="invalid-request", field="kind")
    after = query_int(request, "after", 0, 999_999_999_999)
    if request.query_params.get("next") is not None:
        after = query_cursor(request)
    limit = query_int(request, "limit", 1, 1000) or 100
    rows = await service.read(lambda store: read_decisions(store, since=since, after=after, kind=kind, limit=limit,
                                                           uploads=who.auditor))
    return paged(request, format_json(rows), rows[-1]["id"] if len(rows) == limit else None)


# -- errors, limits, the application ---------------------------------------------------------

# Starlette types every exception handler for any exception; each of these is registered for its own class.
async def workreg_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WorkregError)
    status = status_for(exc)
    response = json_response(error_json(exc), status)
    if status == 401:
        response.headers["www-authenticate"] = "Bearer"
    if status in (408, 413):  # the rest of the body will not be read: this connection cannot carry another request
        response.headers["connection"] = "close"
    return response


_HTTP_CODES = {400: "bad-request", 404: "not-found", 405: "method-not-allowed", 408: "body-timeout",
               413: "too-large", 415: "unsupported-media-type"}


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http-error")
    return json_response(format_json(ErrorBody.plain(code, str(exc.detail))), exc.status_code)


async def internal_error(request: Request, exc: Exception) -> Response:
    # The traceback goes to the server's log, never to the caller.
    traceback.print_exception(exc, file=sys.stderr)
    body = ErrorBody.plain("internal", "internal error; the server's log has the details")
    return json_response(format_json(body), 500)


_TIMEOUT = getattr(asyncio, "timeout", None)  # Python 3.11+


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes (413): by Content-Length up front, else while they stream in; drop
    bodies that stop arriving (408: nothing for ``idle`` seconds, or not complete after ``total``)."""

    def __init__(self, app, limit: int, idle: float = BODY_IDLE_S, total: float = BODY_TOTAL_S) -> None:
        self.app = app
        self.limit = limit
        self.idle = idle
        self.total = total

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                if not (value.isascii() and value.isdigit()) or int(value) > self.limit:
                    error = BodyTooLarge(self.limit) if value.isascii() and value.isdigit() else InvalidRequest(
                        "Content-Length is not a number", code="bad-request", status=400)
                    body = error_json(error).encode("utf-8")
                    await send({"type": "http.response.start", "status": status_for(error),
                                "headers": [(b"content-type", b"application/json"),
                                            (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
                    await send({"type": "http.response.body", "body": body})
                    return
        received = 0
        complete = False
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.total

        async def limited():
            nonlocal received, complete
            if complete:  # after the body, only a disconnect can come: no time limit on waiting for it
                return await receive()
            wait = max(min(self.idle, deadline - loop.time()), 0.001)
            try:
                if _TIMEOUT is not None:  # a timer on this task: no task of its own per piece of body
                    async with _TIMEOUT(wait):
                        message = await receive()
                else:
                    message = await asyncio.wait_for(receive(), timeout=wait)
            except asyncio.TimeoutError:
                raise BodyTimeout(self.idle) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                complete = not message.get("more_body", False)
                if received > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        await self.app(scope, limited, send)


#: Sent with every response.  The page runs only its own script and style (no inline script), cannot be framed,
#: and names no page of it to other sites.
SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                 b"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


class SecurityHeaders:
    """Add SECURITY_HEADERS to every response (JSON, page, diagram, error) that does not set them itself."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message):
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _value in message.get("headers", ())}
                message["headers"] = [*message.get("headers", ()),
                                      *(pair for pair in SECURITY_HEADERS if pair[0] not in present)]
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(settings: Settings) -> Starlette:
    """The ASGI application for ``settings`` (the database is opened when it starts)."""
    from workreg.serve import analysis, pages

    service = Service(settings)

    @asynccontextmanager
    async def lifespan(app):
        await run_in_threadpool(service.start)
        try:
            yield
        finally:
            await run_in_threadpool(service.close)

    routes = [  # the busiest first: routes are matched in order
        Route("/v1/approvals", approvals, methods=["POST"]),
        Route("/healthz", healthz),
        Route("/openapi.json", openapi_json),
        Route("/v1/policies", policies),
        Route("/v1/registers.ics", registers_ics),
        Route("/v1/diff", diff, methods=["POST"]),
        Route("/v1/compare", compare, methods=["POST"]),
        Route("/v1/render", render),
        Route("/v1/cases", cases, methods=["GET", "POST"]),
        Route("/v1/cases/{id}", case_status),
        Route("/v1/cases/{id}/log", case_log),
        Route("/v1/cases/{id}/record", case_record, methods=["POST"]),
        Route("/v1/cases/{id}/migrate", case_migrate, methods=["POST"]),
        Route("/v1/decisions", decisions),
        *pages.routes(),
        *analysis.routes(),
    ]
    app = Starlette(
        routes=routes, lifespan=lifespan,
        middleware=[Middleware(SecurityHeaders), Middleware(BodyLimit, limit=settings.max_body, idle=settings.body_idle, total=settings.body_total)],
        exception_handlers={WorkregError: workreg_error, HTTPException: http_error, Exception: internal_error},
    )
    app.state.service = service
    return app


__all__ = ["Settings", "create_app", "error_body"]
