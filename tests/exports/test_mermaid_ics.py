"""Mermaid diagrams (checked by Mermaid's own parser in Chromium) and the review calendar (read back by icalendar)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT
from tests.exports.test_bpmn_dmn import assert_golden
from workreg.cli import main
from workreg.versions.compare import load_for_compare
from workreg.versions.mermaid import render_mermaid

CHROMIUM = "/usr/bin/chromium"
#: Where scripts/test.sh installs Mermaid and bpmn-js from the npm registry.
NPM = Path(os.environ.get("WORKREG_NPM_DIR", ROOT / ".venv" / "npm")) / "node_modules"
REGISTERS = FIXTURES / "registers"


def _skip_or_fail(reason: str):
    if os.environ.get("WORKREG_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (WORKREG_REQUIRE_BROWSER=1: scripts/test.sh installs it)")
    pytest.skip(reason)


def all_diagrams() -> dict[str, str]:
    """Every Mermaid diagram workreg draws of the shipped policies, by a name saying which."""
    found = {}
    for ref in ("dsp4003@1.2.0", "rfc@2.0"):
        loaded = load_for_compare(ref)
        found[f"{ref} process"] = render_mermaid(loaded)
        for kind in loaded.compiled.kinds:
            found[f"{ref} {kind} path"] = render_mermaid(loaded, changes=[kind], committees=["Technical Committee"])
            found[f"{ref} {kind} approvals"] = render_mermaid(loaded, changes=[kind], approvals_only=True)
    for new, old in (("dsp4003@1.2.0", "dsp4003@1.1"), ("dsp4003@1.1", "dsp4003@1.0"), ("rfc@2.0", "rfc@1.0")):
        found[f"{new} against {old}"] = render_mermaid(load_for_compare(new), against=load_for_compare(old))
    return found


@pytest.fixture(scope="module")
def mermaid_page():
    """A Chromium page with Mermaid loaded (Debian's chromium; Playwright cannot download one here)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_or_fail("Playwright is not installed: pip install -e '.[browser]'")
    if not Path(CHROMIUM).exists():
        _skip_or_fail(f"no Chromium at {CHROMIUM}: apt-get install chromium")
    script = NPM / "mermaid" / "dist" / "mermaid.min.js"
    if not script.is_file():
        _skip_or_fail(f"Mermaid is not installed at {script}: npm install --prefix {NPM.parent} mermaid")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.set_content("<html><body><div id='out'></div></body></html>")
        page.add_script_tag(path=str(script))
        page.evaluate("mermaid.initialize({startOnLoad: false, securityLevel: 'strict'})")
        yield page
        browser.close()


PARSE = """async (source) => {
  try { await mermaid.parse(source); const {svg} = await mermaid.render('d' + Date.now(), source);
        return svg.includes('<svg') ? 'ok' : 'no svg'; }
  catch (error) { return 'error: ' + (error.message || error); } }"""


def test_every_diagram_parses_and_renders_in_mermaid(mermaid_page):
    results = {name: mermaid_page.evaluate(PARSE, source) for name, source in all_diagrams().items()}
    assert {name: result for name, result in results.items() if result != "ok"} == {}


def test_mermaid_rejects_what_is_not_mermaid(mermaid_page):
    # The check can fail: a broken diagram is an error, not "ok".
    assert mermaid_page.evaluate(PARSE, "flowchart TB\n    a --> \n    end[").startswith("error")


def test_markdown_answers_embed_a_diagram_that_parses(mermaid_page, capsys):
    main(["approvals", "new_register", "removal", "--format", "markdown"])
    blocks = re.findall(r"```mermaid\n(.*?)```", capsys.readouterr().out, re.S)
    assert len(blocks) == 1
    assert mermaid_page.evaluate(PARSE, blocks[0]) == "ok"


def test_diff_markdown_embeds_the_path_of_its_decision(mermaid_page, capsys):
    main(["diff", str(REGISTERS / "esa-1.0.txt"), str(REGISTERS / "esa-1.1.txt"), "--format", "markdown"])
    blocks = re.findall(r"```mermaid\n(.*?)```", capsys.readouterr().out, re.S)
    assert len(blocks) == 1 and "Approval path of" in blocks[0]
    assert mermaid_page.evaluate(PARSE, blocks[0]) == "ok"


@pytest.mark.parametrize("name,args", [
    ("dsp4003-new_register.mmd", ["render", "dsp4003@1.2.0", "--change", "new_register", "--committee",
                                  "Technical Committee", "--approvals-only", "--format", "mermaid"]),
    ("rfc-2.0-against-1.0.mmd", ["render", "rfc@2.0", "--against", "rfc@1.0", "--format", "mermaid"]),
])
def test_mermaid_golden(name, args, capsys):
    assert main(args) == 0
    assert_golden(name, capsys.readouterr().out)


# -- iCalendar ---------------------------------------------------------------------------------

def _calendar(capsys, *files, today="2026-11-21"):
    icalendar = pytest.importorskip("icalendar", reason="icalendar reads the feed back: pip install -e '.[test]'")
    code = main(["registers", *map(str, files), "--today", today, "--format", "ics"])
    raw = capsys.readouterr().out
    return code, raw, icalendar.Calendar.from_ical(raw)


def test_one_event_per_register_in_force(capsys):
    code, raw, calendar = _calendar(capsys, REGISTERS / "esa-1.0.txt", REGISTERS / "esa-1.1.txt")
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1, "the superseded version has no event of its own"
    (event,) = events
    description = str(event["DESCRIPTION"])
    assert "esa-1.1.txt" in description
    assert "§4" in description and '"should"' in description
    assert "Work Register Owner" in description and "VP of Alliances" in description
    assert code == (1 if str(event["SUMMARY"]).startswith("OVERDUE") else 0)


def test_event_dates_are_the_portfolio_due_dates(capsys):
    import json

    main(["registers", str(REGISTERS / "esa-1.1.txt"), "--today", "2026-11-21", "--format", "json"])
    (row,) = json.loads(capsys.readouterr().out)
    _, _, calendar = _calendar(capsys, REGISTERS / "esa-1.1.txt")
    (event,) = calendar.walk("VEVENT")
    due = event["DTSTART"].dt.isoformat()
    assert due == row["review_due"] or due.startswith(row["review_due"])


def test_uids_are_stable_and_the_text_is_rfc5545(capsys):
    _, first, one = _calendar(capsys, REGISTERS / "esa-1.1.txt", today="2026-01-01")
    _, second, two = _calendar(capsys, REGISTERS / "esa-1.1.txt", today="2030-06-30")
    assert [str(e["UID"]) for e in one.walk("VEVENT")] == [str(e["UID"]) for e in two.walk("VEVENT")]
    for raw in (first, second):
        lines = raw.split("\r\n")
        assert lines[-1] == "" and all(len(line.encode("utf-8")) <= 75 for line in lines)
        assert "\n" not in raw.replace("\r\n", "")


def test_seed_portfolio_calendar(seeds, capsys):
    files = sorted(seeds.glob("work-register-*.txt"))
    _, _, calendar = _calendar(capsys, *files)
    summaries = sorted(str(event["SUMMARY"]) for event in calendar.walk("VEVENT"))
    assert summaries == ["OVERDUE: Review of the OCP work register", "OVERDUE: Review of the OFA work register"]
