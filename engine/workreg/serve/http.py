"""Request and response helpers shared by the JSON API (:mod:`workreg.serve.app`) and the page
(:mod:`workreg.serve.pages`, :mod:`workreg.serve.analysis`): query parameters, forms, uploads, paging, JSON
responses.  Below both, so that neither imports the other for them.
"""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from workreg.errors import WorkregError
from workreg.serve.decisions import Upload, safe_filename
from workreg.serve.schemas import InvalidRequest

DECISION_HEADER = "workreg-decision-id"
#: The cookie the page keeps a token in (set by the page's "use a token" form; HttpOnly, SameSite=Strict).
COOKIE = "workreg_token"
_MAX_LIST = 64


class BodyTooLarge(WorkregError):
    """A request body over the server's limit (413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the request body is larger than {limit} bytes", code="too-large",
                         hint="send documents of at most 10 MB")
        self.status = 413


def json_response(text: str, status: int = 200, decision_id: str | None = None) -> Response:
    headers = {DECISION_HEADER: decision_id} if decision_id else None
    return Response(text.encode("utf-8"), status, headers=headers, media_type="application/json")


async def json_body(request: Request) -> bytes:
    """The body of a JSON request; 415 ``unsupported-media-type`` unless it is sent as application/json."""
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != "application/json":
        raise InvalidRequest(f"the body must be sent as Content-Type: application/json, not '{media[:60] or 'none'}'",
                             code="unsupported-media-type", status=415,
                             hint="curl -H 'content-type: application/json' -d '{...}'")
    return await request.body()


def case_id_of(request: Request) -> int:
    """The ``{id}`` of a case path; 404 ``unknown-case`` for anything but a plausible id."""
    from workreg.errors import CaseError
    from workreg.scalars import is_ascii_number, parse_id

    raw = request.path_params["id"]
    if not is_ascii_number(raw) or len(raw) > 12 or int(raw) < 1:
        raise CaseError(f"no case '{raw[:20]}'", code="unknown-case", hint="a case id is a positive number")
    return parse_id(raw, "a case id", error=CaseError, code="unknown-case", hint="a case id is a positive number")


def query_list(request: Request, name: str) -> list[str]:
    values = request.query_params.getlist(name)
    if len(values) > _MAX_LIST or any(len(v) > 200 or any(ord(c) < 32 for c in v) for v in values):
        raise InvalidRequest(f"{name}: at most {_MAX_LIST} values of at most 200 printable characters",
                             code="invalid-request", field=name)
    return values


def query_int(request: Request, name: str, low: int, high: int) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    from workreg.scalars import is_ascii_number

    if not is_ascii_number(raw) or not low <= int(raw[:13]) <= high:
        raise InvalidRequest(f"{name} must be a whole number from {low} to {high}", code="invalid-request", field=name)
    return int(raw)


def query_cursor(request: Request) -> int:
    """The ``next`` cursor of a paged list (what the previous page's Link header named); 0 for the first page."""
    raw = request.query_params.get("next")
    if raw is None or raw == "":
        return 0
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        raise InvalidRequest("next must be the cursor a previous page named", code="invalid-request", field="next")
    return int(raw)


#: The response header that carries the cursor of the next page (also in ``Link: <...>; rel="next"``).
NEXT_HEADER = "workreg-next"


def paged(request: Request, text: str, next_cursor: int | None) -> Response:
    """A page of a list: the JSON array, and (when there is more) the next page's cursor and link."""
    response = json_response(text)
    if next_cursor is not None:
        from urllib.parse import urlencode

        query = [(k, v) for k, v in request.query_params.multi_items() if k not in ("next", "after")]
        link = f"{request.url.path}?{urlencode([*query, ('next', str(next_cursor))])}"
        response.headers[NEXT_HEADER] = str(next_cursor)
        response.headers["link"] = f'<{link}>; rel="next"'
    return response


def query_bool(request: Request, name: str) -> bool:
    raw = request.query_params.get(name)
    if raw is None or raw.lower() in ("false", "0", "no", ""):
        return False
    if raw.lower() in ("true", "1", "yes"):
        return True
    raise InvalidRequest(f"{name} must be true or false", code="invalid-request", field=name)


async def read_form(request: Request, max_body: int) -> FormData:
    """The multipart (or urlencoded) form of a request (close it after use); 400 ``bad-form`` when it cannot be parsed."""
    try:
        return await request.form(max_files=4, max_fields=16, max_part_size=max_body)
    except HTTPException as exc:
        raise InvalidRequest(f"the form cannot be read: {exc.detail}", code="bad-form", status=400) from exc
    except BodyTooLarge:
        raise
    except Exception as exc:  # noqa: BLE001 - python-multipart raises several types on broken input
        raise InvalidRequest(f"the form cannot be read: {type(exc).__name__}", code="bad-form", status=400) from exc


async def form_upload(form: FormData, name: str) -> Upload:
    value = form.get(name)
    if value is None or isinstance(value, str):
        raise InvalidRequest(f"{name}: a file is required (multipart/form-data)", code="invalid-request", field=name)
    return Upload(safe_filename(value.filename, name), await value.read())


def form_text(form: FormData, name: str, default: str | None = None, limit: int = 200) -> str | None:
    value = form.get(name)
    if value is None or value == "":
        return default
    if not isinstance(value, str) or len(value) > limit or any(ord(c) < 32 for c in value):
        raise InvalidRequest(f"{name}: at most {limit} printable characters", code="invalid-request", field=name)
    return value.strip() or default
