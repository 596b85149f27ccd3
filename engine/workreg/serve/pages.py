"""The page at ``/``: decide, diff two register versions, follow cases and record a ballot — server-rendered.

Plain HTML forms and one line of JavaScript (choosing a policy reloads its change kinds); no
build step.  The layout is one column that reads on a phone and widens on a laptop.  Every answer
comes from the same service calls as the JSON API, so the page's decisions are logged like any
other.  Reads follow the server's rule (``--public-read``, else a token the page keeps in an
HttpOnly, SameSite=Strict cookie); recording a ballot takes the token in the form itself.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from html import escape
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from workreg.errors import WorkregError
from workreg.resources import DEFAULT_POLICY
from workreg.serve.auth import AccessDenied, Principal
from workreg.serve.http import COOKIE, case_id_of, form_text, form_upload, query_cursor, query_int, read_form

CSS = """
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;background:#f6f7f9}
header{background:#1f3a5f;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;align-items:center}
header a{color:#fff;text-decoration:none;padding:.2rem .5rem;border-radius:4px}
header a.here{background:#ffffff2e}
header .who{margin-left:auto;font-size:.85rem;opacity:.9}
header .brand{font-weight:700;letter-spacing:.02em}
main{max-width:72rem;margin:0 auto;padding:1rem}
section,form.card{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:1rem;margin:0 0 1rem}
h1{font-size:1.4rem;margin:.2rem 0 1rem}h2{font-size:1.15rem;margin:.2rem 0 .6rem}h3{font-size:1rem;margin:.8rem 0 .3rem}
label{display:block;font-weight:600;margin:.6rem 0 .2rem}
input[type=text],input[type=password],input[type=date],select,input[type=file]{width:100%;max-width:32rem;
 padding:.45rem;border:1px solid #b9c0cc;border-radius:5px;font:inherit;background:#fff}
fieldset{border:1px solid #dde1e7;border-radius:6px;margin:.6rem 0;padding:.4rem .8rem}
.kinds{display:grid;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr));gap:.2rem 1rem}
.kinds label{font-weight:400;margin:0}
button{background:#1f3a5f;color:#fff;border:0;border-radius:5px;padding:.55rem 1.1rem;font:inherit;margin-top:.8rem;cursor:pointer}
.row{display:flex;flex-wrap:wrap;gap:0 1rem}.row>div{flex:1 1 14rem}
.error{background:#fdecea;border:1px solid #f5c2bd;color:#7d1c12;padding:.7rem 1rem;border-radius:6px;margin:0 0 1rem}
.ok{background:#e8f5ec;border:1px solid #b7dfc3;color:#14532d;padding:.7rem 1rem;border-radius:6px;margin:0 0 1rem}
.muted{color:#5b6475;font-size:.9rem}
ol.stages{padding-left:1.4rem}ol.stages>li{margin:.4rem 0 .8rem}
.gate{border-left:4px solid #1f3a5f;background:#f3f6fa;padding:.4rem .7rem;margin:.3rem 0;border-radius:0 5px 5px 0}
.gate.given{border-color:#8a94a6;background:#f4f5f7}
.gate.approved{border-color:#1b7f3b}.gate.next{border-color:#c77700;background:#fff7e6}
.gate.waiting{border-color:#8a94a6}.gate.rejected,.gate.withdrawn{border-color:#b3261e;background:#fdecea}
blockquote{margin:.2rem 0 0;padding:0 0 0 .7rem;border-left:3px solid #c9d2de;color:#3b4456;font-size:.92rem}
.badge{display:inline-block;font-size:.75rem;padding:0 .4rem;border-radius:9px;background:#e3e8ef;color:#29364a;vertical-align:middle}
.badge.complete{background:#d5f0dd;color:#14532d}.badge.open{background:#ffefd0;color:#7a4a00}
.diagram{overflow-x:auto;background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:.4rem}
.diagram svg{max-width:100%;height:auto;display:block;margin:0 auto}
.table{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{text-align:left;vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid #e4e7ec}
th{background:#f0f2f5}
code,pre{font:.85rem/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}pre{white-space:pre-wrap;word-break:break-all;
 background:#f0f2f5;padding:.6rem;border-radius:5px}
@media (max-width:40rem){main{padding:.6rem}header .who{margin-left:0;width:100%}}
"""

CSS += """
form.inline{display:inline}form.inline button{margin:0;padding:.1rem .5rem;font-size:.8rem}
.warning{background:#fff7e6;border:1px solid #f0d29a;color:#5c3b00;padding:.7rem 1rem;border-radius:6px;margin:0 0 1rem}
details.fold{margin:.4rem 0}details.fold>summary{cursor:pointer;color:#29364a;font-weight:600}
.answer{font-size:1.1rem}
.diagram-open{display:inline-block;margin:.3rem 0}
@media (max-width:40rem){.diagram svg{max-width:none;width:48rem}}
"""

#: The page's only script, served from /static (the Content-Security-Policy allows no inline script).  Everything
#: works without it; with it, choosing a policy reloads its change kinds, Decide with nothing ticked says so at
#: once, and the diff form is sent in the background so its chosen files stay chosen.
SCRIPT = """'use strict';
document.addEventListener('DOMContentLoaded', function () {
  var policy = document.getElementById('policy');
  if (policy) {
    policy.addEventListener('change', function () { policy.form.submit(); });
  }
  var decide = document.getElementById('decide');
  if (decide) {
    decide.addEventListener('submit', function (event) {
      if (!decide.querySelector('input[name=change]:checked')) {
        event.preventDefault();
        var note = document.getElementById('nothing-ticked');
        note.hidden = false;
        note.focus();
      }
    });
  }
  var diff = document.getElementById('diff');
  if (diff && window.fetch && window.FormData && window.DOMParser) {
    diff.addEventListener('submit', function (event) {
      event.preventDefault();
      var button = document.getElementById('diff-button');
      var label = button.textContent;
      button.disabled = true;
      button.textContent = 'Classifying\u2026';
      fetch(diff.action, {method: 'POST', body: new FormData(diff), credentials: 'same-origin'})
        .then(function (response) { return response.text(); })
        .then(function (html) {
          var page = new DOMParser().parseFromString(html, 'text/html');
          var fresh = page.getElementById('diff-result');
          var here = document.getElementById('diff-result');
          if (fresh && here) { here.replaceWith(fresh); fresh.scrollIntoView(); }
        })
        .catch(function () { diff.submit(); })
        .finally(function () { button.disabled = false; button.textContent = label; });
    });
  }
});
"""


#: Changes when the stylesheet or the script does, so a browser's cached copy is never stale.
ASSET_VERSION = hashlib.sha256((CSS + SCRIPT).encode("utf-8")).hexdigest()[:12]


def _e(value) -> str:
    return escape("" if value is None else str(value), quote=True)


def _clause(citation: dict) -> str:
    section = citation["section"]
    return f"§{section}" if section[:1].isdigit() else section


def _cite(citation: dict | None) -> str:
    if not citation:
        return ""
    return f'<blockquote><strong>{_e(_clause(citation))}</strong> “{_e(citation["quote"])}”</blockquote>'


def layout(title: str, body: str, *, here: str, who: Principal | None, public_read: bool) -> str:
    links = "".join(f'<a href="{href}"{" class=here" if key == here else ""}>{label}</a>'
                    for key, href, label in (("decide", "/", "Decide"), ("diff", "/diff", "Diff"),
                                             ("cases", "/cases", "Cases")))
    if who is not None and not who.anonymous:
        status = (f'signed in as {_e(who.name)} <form method=post action="/session/end" style="display:inline">'
                  f'<button style="margin:0;padding:.1rem .5rem;font-size:.8rem">forget token</button></form>')
    else:
        status = "public read" if public_read else "reading needs a token"
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{_e(title)} — workreg</title><link rel="stylesheet" href="/static/workreg.css?v={ASSET_VERSION}">'
            f'<script src="/static/workreg.js?v={ASSET_VERSION}" defer></script></head><body>'
            f'<header><span class="brand">workreg</span><nav>{links}</nav><span class="who">{status}</span></header>'
            f"<main>{body}</main></body></html>")


def _error_box(error: WorkregError) -> str:
    hint = f"<br><span class=muted>{_e(error.hint)}</span>" if error.hint else ""
    return f'<div class="error" role="alert"><strong>{_e(error.code)}</strong>: {_e(error.message)}{hint}</div>'


def _svg(text: str) -> str:
    """Graphviz's SVG without its XML prolog and doctype, to sit inside the page."""
    start = text.find("<svg")
    return text[start:] if start >= 0 else ""


class Pages:
    """The page's handlers over the service the JSON API uses."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.service = request.app.state.service

    async def who(self) -> Principal | None:
        """The reader (cookie or --public-read), or None when the page must ask for a token first."""
        try:
            return await self.service.reader(self.request, cookie=True)
        except AccessDenied:
            return None

    def page(self, title: str, body: str, *, here: str, who: Principal | None, status: int = 200) -> HTMLResponse:
        return HTMLResponse(layout(title, body, here=here, who=who, public_read=self.service.settings.public_read),
                            status)

    def sign_in(self, here: str, problem: str = "", back: str | None = None) -> HTMLResponse:
        if back is None:
            back = self.request.url.path + (f"?{self.request.url.query}" if self.request.url.query else "")
        back = _e(back)
        problem = f'<div class="error" role="alert">{_e(problem)}</div>' if problem else ""
        body = (f'<h1>A token, please</h1>{problem}<form class="card" method="post" action="/session">'
                f"<p>This server shares its answers only with people who hold a token "
                f"(<code>workreg token create --role reader --name NAME</code> makes one).</p>"
                f'<label for="token">Token</label><input id="token" name="token" type="password" autocomplete="off">'
                f'<input type="hidden" name="next" value="{back}"><button>Use this token</button></form>')
        return self.page("Sign in", body, here=here, who=None, status=401)

    # -- decide ---------------------------------------------------------------------------
    async def decide(self) -> Response:
        from workreg.serve.schemas import ApprovalsRequest, parse_body

        who = await self.who()
        if who is None:
            return self.sign_in("decide")
        query = self.request.query_params
        catalog = self.service.catalog
        policy = query.get("policy") or DEFAULT_POLICY
        changes = [c for c in query.getlist("change") if c]
        committees = [c.strip() for c in re.split(r"[,\n]", query.get("committees", "")) if c.strip()]
        originating = (query.get("originating") or "").strip() or None
        on = (query.get("on") or "").strip() or None
        parts, error = [], None
        try:
            served = catalog.get(policy)
        except WorkregError as exc:
            served, error = catalog.get(DEFAULT_POLICY), exc
            policy = DEFAULT_POLICY
        kinds = served.compiled.kind_titles
        parts.append(self._decide_form(policy, kinds, changes, committees, originating, on))
        result = None
        if not changes and error is None and query.get("go"):
            error = WorkregError("tick at least one change kind, then Decide", code="nothing-ticked",
                                 hint="the change kinds are the boxes above the button")
        if changes and error is None:
            try:
                asked = parse_body(ApprovalsRequest, json.dumps({
                    "changes": changes, "committees": committees, "originating": originating,
                    "policy": policy, "on": on}).encode("utf-8"))
                entry = await self.service.approvals(who, asked)
                result = json.loads(entry.result)
                svg = await self._path_svg(result["policy"], result["changes"], committees)
                parts.append(decision_html(result, svg, entry.decision_id))
                parts.append(self._open_case_form(asked, who))
                parts.append(_as_curl("/v1/approvals", asked.model_dump(exclude_defaults=True)))
            except WorkregError as exc:
                error = exc
        if error is not None:
            parts.insert(0, _error_box(error))
        status = 200 if error is None else _status(error)
        title = "Decision" if result else "What approval does this change need?"
        return self.page(title, f"<h1>What approval does this change need?</h1>{''.join(parts)}", here="decide",
                         who=who, status=status)

    def _decide_form(self, policy, kinds: dict, changes, committees, originating, on) -> str:
        options = []
        seen_names = set()
        for served in self.service.catalog.served():
            name = served.ref.split("@")[0]
            if name not in seen_names:
                seen_names.add(name)
                options.append((name, f"{name} (newest version)"))
            options.append((served.ref, served.ref))
        select = "".join(f'<option value="{_e(v)}"{" selected" if v == policy else ""}>{_e(label)}</option>'
                         for v, label in options)
        boxes = "".join(
            f'<label><input type="checkbox" name="change" value="{_e(kind)}"'
            f'{" checked" if kind in changes else ""}> {_e(title)} <span class=muted>({_e(kind)})</span></label>'
            for kind, title in kinds.items())
        return (f'<form class="card" method="get" action="/#decision" id="decide">'
                f'<label for="policy">Policy</label><select id="policy" name="policy">'
                f"{select}</select>"
                f'<fieldset><legend>Change kinds</legend><div class="kinds">{boxes}</div></fieldset>'
                f'<div class="row"><div><label for="committees">Affected committees <span class=muted>'
                f"(with milestone work; comma-separated)</span></label>"
                f'<input id="committees" name="committees" type="text" value="{_e(", ".join(committees))}"></div>'
                f'<div><label for="originating">Designated body <span class=muted>(e.g. the originating committee, if not the default)</span>'
                f'</label><input id="originating" name="originating" type="text" value="{_e(originating)}"></div>'
                f'<div><label for="on">As of <span class=muted>(the version in force that day)</span></label>'
                f'<input id="on" name="on" type="date" value="{_e(on)}"></div></div>'
                f'<p id="nothing-ticked" class="error" role="alert" tabindex="-1" hidden>Tick at least one change kind, '
                f"then Decide.</p>"
                f'<button type="submit" id="decide-button" name="go" value="1">Decide</button></form>')

    def _open_case_form(self, asked, who: Principal) -> str:
        """Open a case for the decision just made (a token of a role of the policy; the cookie's when it has one)."""
        hidden = "".join(f'<input type="hidden" name="change" value="{_e(c)}">' for c in asked.changes)
        hidden += "".join(f'<input type="hidden" name="committee" value="{_e(c)}">' for c in asked.committees)
        for name in ("policy", "on", "originating"):
            value = getattr(asked, name)
            if value:
                hidden += f'<input type="hidden" name="{name}" value="{_e(value)}">'
        token = ("" if who.can_write else
                 '<label for="otoken">Your token <span class=muted>(a role of the policy)</span></label>'
                 '<input id="otoken" name="token" type="password" autocomplete="off">')
        return (f'<form class="card" method="post" action="/cases" id="open-case"><h2>Follow it as a case</h2>'
                f'<p class="muted">A case keeps this decision\'s gates and records each ballot against them.</p>'
                f'{hidden}<label for="otitle">Title <span class=muted>(optional)</span></label>'
                f'<input id="otitle" name="title" type="text">{token}'
                f'<button type="submit" id="open-case-button">Open a case</button></form>')

    async def _path_svg(self, ref: str, changes, committees) -> str:
        from starlette.concurrency import run_in_threadpool

        try:
            return _svg(await run_in_threadpool(self.service.decider.render, ref, list(changes), list(committees),
                                                None, "svg"))
        except WorkregError as exc:  # no Graphviz: the decision stands without its picture
            return f'<p class="muted">No diagram: {_e(exc.message)}</p>'

    # -- diff -----------------------------------------------------------------------------
    async def diff_form(self, error: WorkregError | None = None, result: str = "", who=None,
                        status: int = 200, chosen: dict | None = None) -> Response:
        if who is None:
            who = await self.who()
            if who is None:
                return self.sign_in("diff")
        chosen = chosen or {}
        options = "".join(f'<option value="{_e(s.ref)}"{" selected" if s.ref == chosen.get("policy") else ""}>'
                          f"{_e(s.ref)}</option>" for s in self.service.catalog.served())
        form = ('<form class="card" method="post" action="/diff" enctype="multipart/form-data" id="diff">'
                '<p>Two versions of one work register (text, Markdown or .docx): the changes are classified by the '
                "policy's rules and the approvals they need are decided together.</p>"
                '<div class="row"><div><label for="old">Approved version</label>'
                '<input id="old" name="old" type="file" accept=".txt,.md,.docx,.yaml,.json" required></div>'
                '<div><label for="new">Proposed version</label>'
                '<input id="new" name="new" type="file" accept=".txt,.md,.docx,.yaml,.json" required></div></div>'
                '<div class="row"><div><label for="dpolicy">Policy</label><select id="dpolicy" name="policy">'
                f'<option value="">the version the register names (else the newest)</option>{options}</select></div>'
                '<div><label for="don">As of <span class=muted>(optional)</span></label>'
                f'<input id="don" name="on" type="date" value="{_e(chosen.get("on"))}"></div></div>'
                '<button type="submit" id="diff-button">Classify and decide</button></form>')
        shown = (_error_box(error) if error else "") + result
        body = f'<h1>What do these changes need?</h1><div id="diff-result">{shown}</div>{form}'

        return self.page("Diff", body, here="diff", who=who, status=status)

    async def diff(self) -> Response:
        who = await self.who()
        if who is None:
            return self.sign_in("diff")
        self._same_origin()
        chosen: dict = {}
        try:
            form = await read_form(self.request, self.service.settings.max_body)
            try:
                old, new = await form_upload(form, "old"), await form_upload(form, "new")
                policy = chosen["policy"] = form_text(form, "policy")
                on = chosen["on"] = form_text(form, "on")
            finally:
                await form.close()
            entry = await self.service.diff(who, old, new, policy, on, None)
        except WorkregError as exc:
            return await self.diff_form(exc, who=who, status=_status(exc), chosen=chosen)
        result = json.loads(entry.result)
        decision = result["decision"]
        svg = await self._path_svg(result["policy"], decision["changes"], []) if decision else ""
        shown = diff_html(result, svg, entry.decision_id)
        if decision:
            from types import SimpleNamespace

            committees = list(dict.fromkeys(item["committee"] for item in decision.get("committees", ())))
            shown += self._open_case_form(SimpleNamespace(
                changes=decision["changes"], committees=committees, policy=decision["policy"], on=None,
                originating=None), who)
        return await self.diff_form(result=shown, who=who, chosen=chosen)

    # -- cases ----------------------------------------------------------------------------
    async def cases(self) -> Response:
        from workreg.api import CASE_PAGE_SIZE, MAX_CASE_PAGE, list_cases_page

        who = await self.who()
        if who is None:
            return self.sign_in("cases")
        after = query_cursor(self.request)
        limit = query_int(self.request, "limit", 1, MAX_CASE_PAGE) or CASE_PAGE_SIZE
        page = await self.service.read(lambda store: list_cases_page(after=after, limit=limit, db=store))
        states = page.states
        more = (f'<p><a href="/cases?{_e(urlencode({"limit": limit, "next": page.next}))}" id="next-page" '
                f'rel="next">Next {limit} cases</a></p>' if page.next is not None else "")
        if not states and not after:
            table = '<p>No cases yet. Open one with <code>POST /v1/cases</code> or <code>workreg case open</code>.</p>'
        else:
            rows = "".join(
                f'<tr><td><a href="/cases/{s.id}">#{s.id}</a></td><td><a href="/cases/{s.id}">{_e(s.title)}</a></td>'
                f"<td>{_e(s.policy)}</td><td>{len(s.done)}/{len(s.gates)}</td><td>{_where(s)}</td></tr>"
                for s in states)
            table = (f'<div class="table"><table id="cases"><thead><tr><th>Case</th><th>Title</th><th>Policy</th>'
                     f"<th>Done</th><th>Where</th></tr></thead><tbody>{rows}</tbody></table></div>")
        return self.page("Cases", f"<h1>Cases</h1><section>{table}{more}</section>", here="cases", who=who)

    async def case(self, message: str = "", error: WorkregError | None = None, status: int = 200,
                   who=None, typed: dict | None = None) -> Response:
        from workreg.api import case_status

        if who is None:
            who = await self.who()
            if who is None:
                return self.sign_in("cases")
        try:
            case_id = case_id_of(self.request)
            state = await self.service.read(lambda store: case_status(case_id, db=store))
        except WorkregError as exc:
            return self.page("Case", _error_box(exc), here="cases", who=who, status=_status(exc))
        if not message and error is None:
            message = _banner(state, self.request.query_params.get("event"))
        body = (f'<div class="ok" role="status">{_e(message)}</div>' if message else "") + \
            (_error_box(error) if error else "") + case_html(state, date.today().isoformat(), typed)
        return self.page(f"Case {state.id}", body, here="cases", who=who, status=status)

    async def record(self) -> Response:
        from workreg.serve.schemas import InvalidRequest, RecordRequest, parse_body

        self._same_origin()
        viewer = await self.who()
        typed: dict = {}
        try:
            case_id = case_id_of(self.request)
            fields = await self._fields("gate", "outcome", "date", "ref", "note", "token")
            if any(value is not None and not isinstance(value, str) for value in fields.values()):
                raise InvalidRequest("the record form takes text fields only", code="bad-form", status=400)
            token = (fields.pop("token") or "").strip()
            typed = {key: value for key, value in fields.items() if value}
            who = await self._page_writer(token, "record a ballot")
            asked = {key: value.strip() for key, value in fields.items() if value and value.strip()}
            entry = await self.service.record(who, case_id, parse_body(RecordRequest, json.dumps(asked).encode()))
        except WorkregError as exc:
            return await self.case(error=exc, status=_status(exc), who=viewer, typed=typed)
        if entry.status != 200:
            return await self.case(error=_refusal(entry.result), status=entry.status, who=viewer, typed=typed)
        return RedirectResponse(f"/cases/{case_id}?event={json.loads(entry.input)['seq']}", status_code=303)

    async def open_case(self) -> Response:
        """Open a case from a decision on the page (the decision's changes, committees, policy and day)."""
        from workreg.serve.schemas import InvalidRequest, OpenCaseRequest, parse_body

        self._same_origin()
        viewer = await self.who()
        try:
            form = await read_form(self.request, self.service.settings.max_body)
            try:
                values = {name: form.getlist(name) for name in ("change", "committee")}
                single = {name: form.get(name) for name in ("policy", "on", "originating", "title", "token")}
            finally:
                await form.close()
            if any(not isinstance(v, str) for v in [*values["change"], *values["committee"]]) or any(
                    v is not None and not isinstance(v, str) for v in single.values()):
                raise InvalidRequest("the case form takes text fields only", code="bad-form", status=400)
            texts = {name: value for name, value in single.items() if isinstance(value, str)}
            who = await self._page_writer(texts.pop("token", "").strip(), "open a case")
            asked = {"changes": values["change"], "committees": values["committee"],
                     **{k: v.strip() for k, v in texts.items() if v.strip()}}
            entry = await self.service.open_case(who, parse_body(OpenCaseRequest, json.dumps(asked).encode()))
        except WorkregError as exc:
            body = _error_box(exc) + "<p>Go back to the decision and try again.</p>"
            return self.page("Open a case", f"<h1>Open a case</h1>{body}", here="cases", who=viewer,
                             status=_status(exc))
        case_id = json.loads(entry.result)["id"]
        return RedirectResponse(f"/cases/{case_id}?event=1", status_code=303)

    async def _page_writer(self, token: str, what: str) -> Principal:
        """Who a page form writes as: the token typed in the form, else the cookie's; errors worded for the page."""
        if not token:
            token = self.request.cookies.get(_cookie()) or ""
        if not token:
            raise AccessDenied(f"to {what}, paste a token for the role in the form", status=401, code="unauthorized",
                               hint="workreg token create --role ROLE --name NAME makes one")
        who = await self.service.token_principal(token)
        if not who.can_write:
            raise AccessDenied(f"the token '{who.name}' only reads; to {what}, use a token for a role of the "
                               "policy", status=403, code="forbidden")
        return who

    # -- the token cookie -----------------------------------------------------------------
    async def session(self) -> Response:
        self._same_origin()
        token, back = (await self._fields("token", "next")).values()
        target = back if isinstance(back, str) and back.startswith("/") and not back.startswith("//") else "/"
        if not isinstance(token, str) or not token.strip():
            return self.sign_in("decide", "Paste a token first.", back=target)
        try:
            await self.service.token_principal(token)
        except WorkregError:
            return self.sign_in("decide", "That token is unknown or revoked.", back=target)
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(COOKIE, token.strip(), httponly=True, samesite="strict",
                            secure=self.request.url.scheme == "https")
        return response

    async def end_session(self) -> Response:
        self._same_origin()
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    async def _fields(self, *names: str) -> dict:
        """The named fields of a posted form (None where absent); 400 ``bad-form`` when it cannot be read."""
        form = await read_form(self.request, self.service.settings.max_body)
        try:
            return {name: form.get(name) for name in names}
        finally:
            await form.close()

    def _same_origin(self) -> None:
        """Refuse a form not posted from this site's own pages: the Origin must name this host (``null``, as a
        sandboxed frame on another site sends, is refused); without an Origin, the Referer must; without either,
        refused (browsers send one of them with every form they post)."""
        same_origin(self.request)


def same_origin(request: Request) -> None:
    """AccessDenied 403 ``cross-origin`` unless the request's Origin (else Referer) names this server's host."""
    from urllib.parse import urlsplit

    host = request.headers.get("host", "")
    origin = request.headers.get("origin")
    if origin is not None:
        source = origin.strip()
        if source == "null":
            raise AccessDenied("a form from an opaque origin (Origin: null, e.g. a sandboxed frame) is refused",
                               status=403, code="cross-origin", hint="post the form from this server's own page")
    else:
        source = request.headers.get("referer", "").strip()
        if not source:
            raise AccessDenied("a form without Origin or Referer is refused (it cannot be told from another "
                               "site's)", status=403, code="cross-origin",
                               hint="post the form from this server's own page")
    try:
        named = urlsplit(source).netloc
    except ValueError:
        named = ""
    if not host or named != host:
        raise AccessDenied("a form from another site is refused", status=403, code="cross-origin",
                           hint="post the form from this server's own page")


async def static(request: Request) -> Response:
    """The page's stylesheet and script (the only script the Content-Security-Policy allows)."""
    name = request.path_params["name"]
    if name == "workreg.css":
        body, media = CSS, "text/css; charset=utf-8"
    elif name == "workreg.js":
        body, media = SCRIPT, "text/javascript; charset=utf-8"
    else:
        from workreg.errors import CaseError

        raise CaseError(f"no file '{name[:40]}'", code="not-found")
    return Response(body.encode("utf-8"), media_type=media, headers={"cache-control": "public, max-age=86400"})


def _cookie() -> str:
    return COOKIE


def _banner(state, raw: str | None) -> str:
    """The banner of ``?event=N``: only when event N is this case's newest (what was just done), in its own words."""
    if not raw or not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        return ""
    last = state.events[-1]
    if int(raw) != last.seq:
        return ""
    return f"Done: {_event_text(last)}" + (f" (by {last.by})" if last.by else "") + "."


def _status(error: WorkregError) -> int:
    from workreg.serve.decisions import status_for

    return status_for(error)


def _refusal(text: str) -> WorkregError:
    body = json.loads(text)
    return WorkregError(body["message"], code=body["code"], hint=body.get("hint"))


def _where(state) -> str:
    if state.complete:
        return '<span class="badge complete">complete</span>'
    if state.stopped:
        return "stopped: " + ", ".join(_e(g.gate) for g in state.stopped)
    return '<span class="badge open">next</span> ' + ", ".join(_e(g.title) for g in state.next)


def _as_curl(path: str, body: dict) -> str:
    data = json.dumps(body, ensure_ascii=False)
    return (f'<section><h2>The same over HTTP</h2><pre>curl -s http://HOST{_e(path)} '
            f"-H 'content-type: application/json' -d '{_e(data)}'</pre></section>")


def decision_html(decision: dict, svg: str, decision_id: str | None) -> str:
    """A decision (the JSON of ``workreg approvals``) for people: stages of gates with their clauses, the path."""
    required = {item["gate"]: item for item in decision["required"]}
    parts = [f'<section id="decision"><h2>{len(decision["required"])} approvals under '
             f'<code>{_e(decision["policy"])}</code> for {_e(", ".join(decision["changes"]))}</h2>']
    if decision.get("as_of"):
        as_of = decision["as_of"]
        parts.append(f'<p class="muted">As of {_e(as_of["on"])}: {_e(as_of["policy"])}, in force from '
                     f'{_e(as_of["effective"])} ({_e(as_of["provenance"])})</p>')
    parts.append('<ol class="stages">')
    for number, stage in enumerate(decision["stages"], start=1):
        parts.append(f"<li><strong>Stage {number}</strong>" + (" (together)" if len(stage) > 1 else ""))
        for gate in stage:
            parts.append(_gate_html(required[gate], "approval"))
        parts.append("</li>")
    parts.append("</ol>")
    unordered = [gate for gate in decision.get("unordered", ()) if gate in required]
    if unordered:
        parts.append('<h3>In any order</h3><p class="muted">The policy states no order for these approvals '
                     "relative to the others.</p>")
        parts += [_gate_html(required[gate], "approval") for gate in unordered]
    given = [item for item in decision["required"] if item["satisfied_by"]]
    if given:
        parts.append("<h3>Given by another approval of the same body</h3>")
        parts += [_gate_html(item, "given") for item in given]
    if decision["not_required"]:
        parts.append("<h3>Not required</h3><ul>" + "".join(
            f"<li>{_e(item.get('name') or item.get('gate'))}{_cite(item.get('citation'))}</li>"
            for item in decision["not_required"]) + "</ul>")
    if decision["unspecified"]:
        parts.append("<h3>Not specified by the policy</h3><ul>" + "".join(
            f"<li>{_e(point['text'])}{_cite(point['citation'])}</li>" for point in decision["unspecified"]) + "</ul>")
    if svg:
        parts.append('<h3>The approval path</h3><p class="muted diagram-note">The stages above, drawn; on a narrow '
                     "screen it keeps a readable size: scroll it sideways or pinch to zoom.</p>"
                     f'<div class="diagram" id="path">{svg}</div>')
    if decision_id:
        parts.append(f'<p class="muted">Logged as decision <code>{_e(decision_id)}</code>.</p>')
    parts.append("</section>")
    return "".join(parts)


def _gate_html(item: dict, css: str) -> str:
    given = f' <span class="badge">given by {_e(item["satisfied_by"])}</span>' if item["satisfied_by"] else ""
    interpretation = (f'<div class="muted">Interpretation: {_e(item["interpretation"])}</div>'
                      if item.get("interpretation") else "")
    return (f'<div class="gate {css}"><strong>{_e(item["title"])}</strong> — {_e(item["name"])} '
            f'<span class="badge">{_e(item["kind"])}</span>{given}{_cite(item["citation"])}{interpretation}</div>')


#: Change kinds folded away on the diff page: they need no approval of their own.
FOLDED = ("editorial", "unclassified")


def diff_html(result: dict, svg: str, decision_id: str | None) -> str:
    """A register diff (the JSON of ``workreg diff``) led by its answer: the warnings and the decision, then the
    changes by section, editorial and unclassified ones folded."""
    changes = result["changes"]
    counted: dict[str, int] = {}
    for change in changes:
        counted[change["kind"] or "unclassified"] = counted.get(change["kind"] or "unclassified", 0) + 1
    summary = ", ".join(f"{count} {kind}" for kind, count in sorted(counted.items())) or "no changes"
    parts = []
    warnings = result.get("warnings") or []
    if warnings:
        parts.append('<div class="warning" id="warnings" role="status"><strong>Warnings</strong><ul>' + "".join(
            f"<li>{_e(w.get('message') or w.get('text') or w)}</li>" for w in warnings) + "</ul></div>")
    if result["decision"]:
        parts.append(decision_html(result["decision"], svg, decision_id))
    else:
        parts.append('<section id="decision"><h2>Nothing to approve</h2><p>Every change is editorial.</p></section>')
    parts.append(f'<section id="changes"><h2>{len(changes)} changes: {_e(summary)}</h2>'
                 f'<p class="muted">{_e(result["old"])} → {_e(result["new"])} under <code>{_e(result["policy"])}</code>'
                 f"</p>")
    by_section: dict[str, list[dict]] = {}
    for change in changes:
        by_section.setdefault(change["section"] or "(no section)", []).append(change)
    for section, rows in by_section.items():
        shown = [c for c in rows if (c["kind"] or "unclassified") not in FOLDED]
        folded = [c for c in rows if (c["kind"] or "unclassified") in FOLDED]
        parts.append(f'<h3 class="section">{_e(section)} <span class="muted">({len(rows)})</span></h3>')
        if shown:
            parts.append(_changes_table(shown))
        if folded:
            kinds = ", ".join(f"{n} {k}" for k, n in sorted(
                {k: sum(1 for c in folded if (c["kind"] or "unclassified") == k) for k in FOLDED}.items()) if n)
            parts.append(f'<details class="fold"><summary>{_e(kinds)}</summary>{_changes_table(folded)}</details>')
    parts.append("</section>")
    return "".join(parts)


def _changes_table(changes: list[dict]) -> str:
    rows = "".join(
        f'<tr><td>{_e(c["kind"] or "unclassified")}</td><td>{_e(c["change"])}</td>'
        f'<td>{_e(_short(c["before"]))}</td><td>{_e(_short(c["after"]))}</td>'
        f'<td>{_e(_clause(c["citation"])) if c["citation"] else ""}</td></tr>'
        for c in changes)
    return ('<div class="table"><table><thead><tr><th>Kind</th><th>Change</th><th>Before</th><th>After</th>'
            f"<th>Rule</th></tr></thead><tbody>{rows}</tbody></table></div>")


def _short(text: str | None, width: int = 80) -> str:
    if text is None:
        return "—"
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def case_html(state, today: str, typed: dict | None = None) -> str:
    """A case for people: what is done, what may be held now, what waits and on what; then the record form."""
    badge = '<span class="badge complete">complete</span>' if state.complete else '<span class="badge open">open</span>'
    parts = [f'<h1>Case {state.id}: {_e(state.title)} {badge}</h1><section id="summary">'
             f"<p>Policy <code>{_e(state.policy)}</code> <span class=muted>(sha256 {_e(state.policy_hash[:12])}, "
             f"{_e(state.provenance)})</span><br>Changes: {_e(', '.join(state.changes))}"
             + (f"<br>Committees with milestone work: {_e(', '.join(state.committees))}" if state.committees else "")
             + "</p></section>"]
    groups = (("done", "Done", state.done), ("next", "May be held now", state.next),
              ("waiting", "Waiting", state.waiting), ("stopped", "Stopped", state.stopped))
    for key, heading, gates in groups:
        if not gates:
            continue
        parts.append(f'<section id="{key}"><h2>{heading}</h2>')
        for gate in gates:
            parts.append(_case_gate(gate))
        parts.append("</section>")
    if state.notes:
        parts.append('<section id="notes"><h2>Notes</h2><ul>' + "".join(
            f"<li><strong>{_e(n.code)}</strong>: {_e(n.text)}</li>" for n in state.notes) + "</ul></section>")
    if not state.complete:
        typed = typed or {}
        choices = [g for g in state.gates if g.status in ("next", "rejected", "withdrawn") and not g.given_by]
        options = "".join(f'<option value="{_e(g.gate)}"{" selected" if g.gate == typed.get("gate") else ""}>'
                          f"{_e(g.title)} ({_e(g.name)})</option>" for g in choices)
        outcomes = "".join(f'<option{" selected" if o == typed.get("outcome") else ""}>{o}</option>'
                           for o in ("approved", "rejected", "withdrawn"))
        parts.append(
            f'<form class="card" method="post" action="/cases/{state.id}/record" id="record"><h2>Record a ballot</h2>'
            f'<div class="row"><div><label for="gate">Gate</label><select id="gate" name="gate">{options}</select></div>'
            f'<div><label for="outcome">Outcome</label><select id="outcome" name="outcome">'
            f'{outcomes}</select></div>'
            f'<div><label for="date">Held on</label><input id="date" name="date" type="date" '
            f'value="{_e(typed.get("date") or today)}">'
            f"</div></div>"
            f'<div class="row"><div><label for="ref">Reference <span class=muted>(ballot, resolution)</span></label>'
            f'<input id="ref" name="ref" type="text" value="{_e(typed.get("ref"))}"></div>'
            f'<div><label for="note">Note</label>'
            f'<input id="note" name="note" type="text" value="{_e(typed.get("note"))}"></div></div>'
            f'<label for="rtoken">Your token <span class=muted>(for the gate\'s role; empty: the one you signed in '
            f"with)</span></label>"
            f'<input id="rtoken" name="token" type="password" autocomplete="off">'
            f'<button type="submit" id="record-button">Record</button></form>')
    rows = "".join(f"<tr><td>#{e.seq}</td><td>{_e(e.at)}</td><td>{_e(e.by or '-')}</td><td>{_e(_event_text(e))}</td></tr>"
                   for e in state.events)
    parts.append(f'<section id="log"><h2>Audit trail</h2><div class="table"><table><thead><tr><th>#</th><th>At</th>'
                 f"<th>By</th><th>What</th></tr></thead><tbody>{rows}</tbody></table></div></section>")
    return "".join(parts)


def _event_text(event) -> str:
    from workreg.cases.format import describe_event

    return describe_event(event).split("  ", 4)[-1]


def _case_gate(gate) -> str:
    citation = gate.citation.to_dict()
    if gate.status in ("approved", "rejected", "withdrawn") and gate.record:
        record = gate.record
        detail = f"{record.outcome} {record.date}" + (f", {record.ref}" if record.ref else "") + \
            (f", by {record.by}" if record.by else "")
    elif gate.status == "given":
        detail = f"given by {gate.given_by}"
    elif gate.status == "waiting" and gate.given_by:
        detail = f"given by {gate.given_by} once it is approved"
    elif gate.status == "waiting":
        detail = "waits for " + "; ".join(
            f"{b.gate} ({b.status}" + (f"; {', '.join(dict.fromkeys(_clause(c.to_dict()) for c in b.citations))})"
                                      if b.citations else ")") for b in gate.waiting_on)
    else:
        detail = "may be held now"
    after = ""
    if gate.after_outcome is not None:
        after = f'<div class="muted">Not specified: {_e(gate.after_outcome.text)}</div>'
    return (f'<div class="gate {gate.status}" data-gate="{_e(gate.gate)}"><strong>{_e(gate.title)}</strong> — '
            f'{_e(gate.name)} <span class="badge">{_e(gate.approver)}</span><div>{_e(detail)}</div>'
            f"{_cite(citation)}{after}</div>")


def _route(method_name: str):
    async def handler(request: Request) -> Response:
        return await getattr(Pages(request), method_name)()

    return handler


def routes() -> list[Route]:
    """The page's routes (HTML; not part of the JSON API)."""
    return [
        Route("/", _route("decide")),
        Route("/static/{name}", static),
        Route("/diff", _route("diff_form"), methods=["GET"]),
        Route("/diff", _route("diff"), methods=["POST"]),
        Route("/cases", _route("cases"), methods=["GET"]),
        Route("/cases", _route("open_case"), methods=["POST"]),
        Route("/cases/{id}", _route("case")),
        Route("/cases/{id}/record", _route("record"), methods=["POST"]),
        Route("/session", _route("session"), methods=["POST"]),
        Route("/session/end", _route("end_session"), methods=["POST"]),
    ]


__all__ = ["routes", "decision_html", "diff_html", "case_html"]
