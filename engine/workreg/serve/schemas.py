"""The edges of the HTTP API: pydantic models of every request body, and the OpenAPI document built from them
and from the answers' models (:mod:`workreg.serve.contracts`).

Bodies are validated by the models (unknown fields refused, lengths bounded, no control characters
in names) before anything is decided; a body that does not fit is a 422 ``invalid-request`` naming
the field, a body that is not JSON a 400 ``bad-json``.  Policy refs match
:data:`workreg.serve.catalog.REF_PATTERN`, so no file path ever reaches the registry.
"""

from __future__ import annotations

from typing import Annotated, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from workreg import __version__
from workreg.errors import UsageError
from workreg.resources import DEFAULT_POLICY
from workreg.serve.catalog import REF_PATTERN

_PRINTABLE = r"^[^\x00-\x1f\x7f]+$"
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=_PRINTABLE)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=2000, pattern=_PRINTABLE)]
Ref = Annotated[str, StringConstraints(pattern=REF_PATTERN)]
Day = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ApprovalsRequest(_Body):
    """What ``workreg approvals KIND... [--committee NAME]... [--originating NAME] [--policy REF] [--on DAY]`` asks."""

    changes: list[Name] = Field(min_length=1, max_length=64, description="change kind ids (or titles)")
    committees: list[Name] = Field(default_factory=list, max_length=64,
                                   description="bodies with work in the change, for the per-body gates (one gate each)")
    originating: Optional[Name] = Field(None, description="the body filling the policy's role designated per "
                                        "register (e.g. the Originating Committee), when not its default")
    policy: Ref = Field(DEFAULT_POLICY, description="NAME or NAME@VERSION (GET /v1/policies)")
    on: Optional[Day] = Field(None, description="the version of the policy NAME in force on this day")


class CompareRequest(_Body):
    """What ``workreg compare OLD NEW`` asks."""

    old: Ref
    new: Ref


class OpenCaseRequest(_Body):
    """What ``workreg case open --change KIND... [--committee NAME]... [--policy REF] [--on DAY] [--title T]`` asks."""

    changes: list[Name] = Field(min_length=1, max_length=64)
    committees: list[Name] = Field(default_factory=list, max_length=64)
    originating: Optional[Name] = None
    #: ``--no-affected-committees``: no body has work for the policy's per-name gates.
    no_affected_committees: bool = False
    policy: Ref = DEFAULT_POLICY
    on: Optional[Day] = None
    title: Optional[Text] = None


class RecordRequest(_Body):
    """What ``workreg case record ID GATE --outcome O --date DAY [--ref T] [--note T] [--again]`` asks."""

    gate: Name
    outcome: Literal["approved", "rejected", "withdrawn"]
    date: Day
    ref: Optional[Text] = None
    note: Optional[Text] = None
    again: bool = False


class MigrateRequest(_Body):
    """What ``workreg case migrate ID --policy NAME@VERSION`` asks."""

    policy: Ref


class InvalidRequest(UsageError):
    """A request body or parameter that does not fit the API (422, or 400 when it is not JSON at all)."""

    def __init__(self, message: str, *, code: str, field: str | None = None, status: int = 422,
                 hint: str | None = None) -> None:
        super().__init__(message, code=code, field=field, hint=hint)
        self.status = status


def parse_body(model: type[BaseModel], body: bytes):
    """``body`` (JSON) as ``model``; InvalidRequest naming the first field that does not fit."""
    try:
        return model.model_validate_json(body or b"")
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        if first["type"] == "json_invalid":
            raise InvalidRequest(f"the body is not JSON: {first['msg']}", code="bad-json", status=400) from exc
        field = ".".join(str(part) for part in first["loc"]) or None
        message = first["msg"] if field else f"the body must be a JSON object: {first['msg']}"
        raise InvalidRequest(f"{field + ': ' if field else ''}{message}", code="invalid-request",
                             field=field) from exc


# -- the OpenAPI document --------------------------------------------------------------------

#: Every request body model (the answers, errors included, are :data:`workreg.serve.contracts.ANSWERS`).
REQUESTS: tuple[type[BaseModel], ...] = (ApprovalsRequest, CompareRequest, OpenCaseRequest, RecordRequest,
                                         MigrateRequest)


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _list_of(name: str) -> dict:
    return {"type": "array", "items": _ref(name)}


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}


def _errors(*statuses: int) -> dict:
    text = {400: "bad input (code says what)", 401: "no valid token (code unauthorized)",
            403: "the token may not do this (code forbidden or wrong-role)", 404: "no such policy, case or decision",
            408: "the request body stopped arriving (code body-timeout)",
            409: "the policy does not allow this now (the clause is in the message)",
            413: "request body over 10 MB (code too-large)",
            415: "a JSON body not sent as Content-Type: application/json (code unsupported-media-type)",
            422: "a body or parameter does not fit the schema (field names which)",
            503: "the decision log, database or Graphviz is unavailable"}
    return {str(status): _error(text[status]) for status in statuses}


def _json(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_PAGE_HEADERS = {
    "workreg-next": {"description": "the cursor of the next page (absent on the last page)",
                     "schema": {"type": "string", "pattern": "^[0-9]+$"}},
    "link": {"description": 'the next page\'s address: <...>; rel="next" (absent on the last page)',
             "schema": {"type": "string"}},
}


def _page(description: str, name: str) -> dict:
    return {**_json(description, _list_of(name)), "headers": _PAGE_HEADERS}


def _paging(maximum: int) -> list[dict]:
    return [{"name": "limit", "in": "query", "description": "at most this many (default 100)",
             "schema": {"type": "integer", "minimum": 1, "maximum": maximum}},
            {"name": "next", "in": "query", "description": "the cursor a previous page named (workreg-next)",
             "schema": {"type": "string", "pattern": "^[0-9]{1,12}$"}}]


def _body(model: type[BaseModel]) -> dict:
    return {"required": True, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}}


def _case_id() -> dict:
    return {"name": "id", "in": "path", "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": 999_999_999_999}}


def openapi(public_read: bool) -> dict:
    """The OpenAPI 3.1 document of the API (what ``GET /openapi.json`` serves)."""
    from workreg.serve.contracts import ANSWERS, ErrorBody

    schemas: dict = {}
    models: tuple[type[BaseModel], ...] = (*REQUESTS, ErrorBody, *ANSWERS)
    for model in models:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}", by_alias=True)
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    read: list[dict[str, list[str]]] = [] if public_read else [{"bearer": []}]
    write: list[dict[str, list[str]]] = [{"bearer": []}]
    reads = (400, 401, 408, 413, 503) if not public_read else (400, 408, 413, 503)
    posts = (*reads, 415)
    paths = {
        "/healthz": {"get": {"summary": "liveness: the server and its database answer", "security": [],
                             "responses": {"200": _json("ok", _ref("Health")), **_errors(503)}}},
        "/v1/registers.ics": {"get": {
            "summary": "the next review of each register the server was started with (--register FILE), as an "
                       "iCalendar feed (the text of workreg registers --format ics)",
            "security": read, "responses": {"200": {"description": "an iCalendar (RFC 5545) feed", "content": {
                "text/calendar": {"schema": {"type": "string"}}}}, **_errors(*reads, 404)}}},
        "/v1/policies": {"get": {"summary": "the policies served (the JSON of workreg policies --format json)",
                                 "security": read, "responses": {"200": _json("policy rows", _list_of("PolicyRow")),
                                                                 **_errors(*reads)}}},
        "/v1/approvals": {"post": {
            "summary": "the approvals a change needs (the JSON of workreg approvals --format json), logged",
            "security": read, "requestBody": _body(ApprovalsRequest),
            "responses": {"200": _json("the decision", _ref("Decision")), **_errors(*posts, 404, 422)}}},
        "/v1/diff": {"post": {
            "summary": "classify the changes between two register documents and decide (workreg diff --format json), "
                       "logged",
            "security": read,
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["old", "new"],
                "properties": {
                    "old": {"type": "string", "format": "binary", "description": "the approved version (.txt, .md, .docx)"},
                    "new": {"type": "string", "format": "binary", "description": "the proposed version"},
                    "policy": {"type": "string", "pattern": REF_PATTERN},
                    "on": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
                    "originating": {"type": "string", "maxLength": 200},
                }}}}},
            "responses": {"200": _json("the classified changes and the decision", _ref("DiffReport")),
                          **_errors(*reads, 404, 422)}}},
        "/v1/compare": {"post": {
            "summary": "what changed between two policy versions (workreg compare --format json)",
            "security": read, "requestBody": _body(CompareRequest),
            "responses": {"200": _json("the comparison", _ref("Comparison")), **_errors(*posts, 404, 422)}}},
        "/v1/render": {"get": {
            "summary": "a policy's diagram, one decision's highlighted path, or two versions' difference",
            "security": read,
            "parameters": [
                {"name": "policy", "in": "query", "required": True, "schema": {"type": "string", "pattern": REF_PATTERN}},
                {"name": "change", "in": "query", "style": "form", "explode": True,
                 "schema": {"type": "array", "maxItems": 64, "items": {"type": "string", "maxLength": 200}}},
                {"name": "committee", "in": "query", "style": "form", "explode": True,
                 "schema": {"type": "array", "maxItems": 64, "items": {"type": "string", "maxLength": 200}}},
                {"name": "against", "in": "query", "schema": {"type": "string", "pattern": REF_PATTERN}},
                {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["svg", "dot"], "default": "svg"}},
            ],
            "responses": {"200": {"description": "the diagram", "content": {
                "image/svg+xml": {"schema": {"type": "string"}}, "text/vnd.graphviz": {"schema": {"type": "string"}}}},
                **_errors(*reads, 404, 422)}}},
        "/v1/cases": {
            "get": {"summary": "cases by id, a page at a time (workreg case list --format json)", "security": read,
                    "parameters": [{"name": "open", "in": "query", "schema": {"type": "boolean"}}, *_paging(1000)],
                    "responses": {"200": _page("case rows", "CaseRow"), **_errors(*reads, 422)}},
            "post": {"summary": "open a case (workreg case open --format json), logged", "security": write,
                     "requestBody": _body(OpenCaseRequest),
                     "responses": {"201": _json("the new case's status", _ref("CaseStatus")),
                                   **_errors(400, 401, 403, 404, 408, 413, 415, 422, 503)}},
        },
        "/v1/cases/{id}": {"get": {
            "summary": "where a case stands (workreg case status --format json)", "security": read,
            "parameters": [_case_id()], "responses": {"200": _json("the case's status", _ref("CaseStatus")),
                                                      **_errors(*reads, 404)}}},
        "/v1/cases/{id}/log": {"get": {
            "summary": "a case's events (workreg case log --format json)", "security": read,
            "parameters": [_case_id()], "responses": {"200": _json("events", _list_of("Event")), **_errors(*reads, 404)}}},
        "/v1/cases/{id}/record": {"post": {
            "summary": "record a gate's outcome: needs a token for the gate's role (workreg case record), logged",
            "security": write, "parameters": [_case_id()], "requestBody": _body(RecordRequest),
            "responses": {"200": _json("the case's status", _ref("CaseStatus")),
                          **_errors(400, 401, 403, 404, 408, 409, 413, 415, 422, 503)}}},
        "/v1/cases/{id}/migrate": {"post": {
            "summary": "move a case to another policy version (workreg case migrate --format json), logged",
            "security": write, "parameters": [_case_id()], "requestBody": _body(MigrateRequest),
            "responses": {"200": _json("what the move adds and drops", _ref("Migration")),
                          **_errors(400, 401, 403, 404, 408, 409, 413, 415, 422, 503)}}},
        "/v1/decisions": {"get": {
            "summary": "the decision log, a page at a time (workreg log --format json): whole for auditor tokens, "
                       "without uploaded documents' content for tokens of a policy role, refused to readers",
            "security": write,
            "parameters": [
                {"name": "since", "in": "query", "schema": {"type": "string", "maxLength": 40},
                 "description": "YYYY-MM-DD or an ISO 8601 time"},
                {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0,
                                                            "maximum": 999_999_999_999},
                 "description": "only rows with a larger id (paging)"},
                {"name": "kind", "in": "query", "schema": {"type": "string", "enum": list(_kinds())}},
                *_paging(1000),
            ],
            "responses": {"200": _page("logged decisions, oldest first", "LoggedDecision"),
                          **_errors(400, 401, 403, 408, 413, 422, 503)}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "workreg decision API", "version": __version__,
                 "description": "Which approvals a work register change needs, under which policy version, and why; "
                                "approval cases; every decision logged."},
        "paths": paths,
        "components": {"schemas": schemas,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                                      "description": "a token from workreg token create"}}},
    }


def _kinds():
    from workreg.serve.log import KINDS

    return KINDS
