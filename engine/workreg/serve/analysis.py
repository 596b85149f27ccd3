"""``POST /v1/analyze`` and the page's analysis view: what a policy guarantees over every combination.

The JSON is ``workreg analyze POLICY --format json`` (:meth:`workreg.analysis.Analysis.to_dict`);
the body names the policy and, optionally, the properties (the entries of a ``properties.yaml``).
The page shows the built-in checks and the properties shipped beside the policy
(``NAME/properties.yaml``), editable in place.  Kept in a module of its own; the app adds
:func:`routes`.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any, Optional

from pydantic import Field
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from workreg.errors import WorkregError
from workreg.resources import DEFAULT_POLICY
from workreg.serve.http import json_response, read_form
from workreg.serve.schemas import Ref, _Body, parse_body

#: Properties text the page accepts (a properties file of a few hundred entries).
MAX_PROPERTIES_TEXT = 256 * 1024


class AnalyzeRequest(_Body):
    """What ``workreg analyze POLICY [--properties FILE]`` asks."""

    policy: Ref = Field(DEFAULT_POLICY, description="NAME or NAME@VERSION (GET /v1/policies)")
    properties: Optional[list[dict[str, Any]]] = Field(
        None, max_length=1000, description="properties to decide, each as in a properties.yaml (policies/properties.schema.json)")


def _e(value) -> str:
    return escape("" if value is None else str(value), quote=True)


def analyze_json(service, policy: str, properties: list[dict] | None) -> str:
    """The JSON text of ``workreg analyze`` for a served policy and properties given as data."""
    from workreg.api import analyze_policy, parse_properties
    from workreg.policy.format import format_json

    served = service.catalog.get(policy)
    props = parse_properties({"properties": properties}, "request body") if properties is not None else ()
    return format_json(analyze_policy(served.compiled, props).to_dict())


async def analyze_route(request: Request) -> Response:
    service = request.app.state.service  # the app's Service (workreg.serve.app mounts these routes)
    await service.reader(request)
    asked = parse_body(AnalyzeRequest, await request.body())
    return json_response(await run_in_threadpool(analyze_json, service, asked.policy, asked.properties))


# -- the page -------------------------------------------------------------------------------------

def _shipped_properties(service, policy: str) -> str:
    """The text of the properties.yaml beside the policy, or ''."""
    from workreg.inputs import read_text

    try:
        path = service.catalog.get(policy).path.parent / "properties.yaml"
        return read_text(path, max_bytes=MAX_PROPERTIES_TEXT) if path.is_file() else ""
    except (WorkregError, OSError):
        return ""


def _analysis_from_text(service, policy: str, text: str) -> dict:
    from workreg.inputs import parse_yaml

    properties = None
    if text.strip():
        from workreg.errors import UsageError

        data, _ = parse_yaml(text, "properties", error=UsageError)
        properties = data.get("properties") if isinstance(data, dict) else None
        if not isinstance(properties, list):
            raise UsageError("the properties text is a mapping with a 'properties' list", code="bad-properties")
    return json.loads(analyze_json(service, policy, properties))


def analysis_html(result: dict) -> str:
    """An analysis for people: each property with its verdict, counterexample and clauses; then the checks."""
    parts = [f'<section id="analysis"><h2>{_e(result["policy"])}: {result["combinations"]:,} combinations, '
             f'{"everything holds" if result["holds"] else "counterexamples found"}</h2>']
    if result["properties"]:
        parts.append("<h3>Properties</h3><ul class=properties>")
        for prop in result["properties"]:
            badge = '<span class="badge complete">holds</span>' if prop["holds"] else '<span class="badge">fails</span>'
            cite = (f'<blockquote><strong>§{_e(prop["citation"]["section"])}</strong> “{_e(prop["citation"]["quote"])}”'
                    f"</blockquote>" if prop.get("citation") else "")
            body = f"<li>{badge} <strong>{_e(prop['id'])}</strong>: {_e(prop['property'])}{cite}<div>{_e(prop['why'])}</div>"
            if prop["counterexample"] is not None:
                stages = "".join(f"<li>stage {n}: {_e(', '.join(stage))}</li>"
                                 for n, stage in enumerate(prop["decision"]["stages"], 1))
                if prop["decision"]["unordered"]:
                    stages += f"<li>any stage: {_e(', '.join(prop['decision']['unordered']))}</li>"
                clauses = "".join(f"<blockquote><strong>§{_e(c['section'])}</strong> “{_e(c['quote'])}”</blockquote>"
                                  for c in prop["clauses"])
                body += (f"<div>Smallest counterexample: <strong>{_e(' + '.join(prop['counterexample']))}</strong>"
                         f"<ul>{stages}</ul>{clauses}</div>")
            parts.append(body + "</li>")
        parts.append("</ul>")
    parts.append("<h3>Checks</h3><ul class=checks>")
    for check in result["checks"]:
        if check["holds"]:
            parts.append(f'<li><span class="badge complete">ok</span> {_e(check["title"])} '
                         f'<span class=muted>({_e(check["why"])})</span></li>')
            continue
        badge = "warning" if check["severity"] == "warning" else "note"
        findings = "".join(f"<li>{_e(f['message'])}</li>" for f in check["findings"])
        more = f"<li class=muted>… and {check['more']} more</li>" if check["more"] else ""
        parts.append(f'<li><span class="badge">{badge}</span> {_e(check["title"])}<ul>{findings}{more}</ul></li>')
    parts.append("</ul></section>")
    return "".join(parts)


async def analysis_page(request: Request) -> Response:
    from workreg.serve.pages import Pages

    pages = Pages(request)
    who = await pages.who()
    if who is None:
        return pages.sign_in("analysis")
    service = pages.service
    if request.method == "POST":
        pages._same_origin()
        form = await read_form(request, service.settings.max_body)
        try:
            policy = str(form.get("policy") or DEFAULT_POLICY)[:200]
            text = form.get("properties") or ""
            text = text if isinstance(text, str) else ""
        finally:
            await form.close()
    else:
        policy = request.query_params.get("policy") or DEFAULT_POLICY
        text = None
    status, result_html = 200, ""
    try:
        if text is None:
            text = await run_in_threadpool(_shipped_properties, service, policy)
        if len(text) > MAX_PROPERTIES_TEXT:
            from workreg.errors import UsageError

            raise UsageError(f"properties: at most {MAX_PROPERTIES_TEXT} characters", code="too-large")
        result = await run_in_threadpool(_analysis_from_text, service, policy, text)
        result_html = analysis_html(result)
    except WorkregError as error:
        from workreg.serve.decisions import status_for

        status = status_for(error)
        hint = f"<br><span class=muted>{_e(error.hint)}</span>" if error.hint else ""
        result_html = f'<div class="error" role="alert"><strong>{_e(error.code)}</strong>: {_e(error.message)}{hint}</div>'
    options = []
    for served in service.catalog.served():
        options.append(f'<option value="{_e(served.ref)}"{" selected" if served.ref == policy else ""}>'
                       f"{_e(served.ref)}</option>")
    form_html = (f'<form class="card" method="post" action="/analysis" id="analyze">'
                 f'<label for="policy">Policy</label><select id="policy" name="policy">{"".join(options)}</select>'
                 f'<label for="properties">Properties (YAML; the file beside the policy, when there is one)</label>'
                 f'<textarea id="properties" name="properties" rows="14" style="width:100%;font-family:monospace">'
                 f"{_e(text or '')}</textarea><button>Analyze every combination</button></form>")
    body = (f"<h1>What does this policy guarantee?</h1><p>Every combination of change kinds, decided by reasoning "
            f"over the policy's structure (<code>workreg analyze</code>).</p>{form_html}{result_html}")
    return pages.page("Analysis", body, here="analysis", who=who, status=status)


def routes() -> list[Route]:
    """The JSON route and the page, for the app's route list."""
    return [
        Route("/v1/analyze", analyze_route, methods=["POST"]),
        Route("/analysis", analysis_page, methods=["GET", "POST"]),
    ]
