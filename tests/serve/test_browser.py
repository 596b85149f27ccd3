"""The page in a real browser: headless Chromium (Debian's package) driven by Playwright clicks through the three
flows — a decision with its citations and highlighted path, a diff of two register versions, a case and a ballot
recorded with a token — at laptop and phone widths, and takes screenshots (in the test's tmp dir).

scripts/test.sh installs chromium and Playwright and sets WORKREG_REQUIRE_BROWSER=1, so in CI these tests run or
fail; elsewhere they skip, saying why.  ``WORKREG_UPDATE_SCREENSHOT=1`` also writes docs/serve-page.png.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT
from tests.serve.conftest import ROLES, make_tokens

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _skip_or_fail(reason: str):
    if os.environ.get("WORKREG_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (WORKREG_REQUIRE_BROWSER=1: scripts/test.sh installs it)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory):
    """A fresh headless Chromium profile (system browser; Playwright cannot download one here)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_or_fail("Playwright is not installed: pip install -e '.[browser]'")
    if not Path(CHROMIUM).exists():
        _skip_or_fail(f"no Chromium at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM, headless=True, args=ARGS,
            viewport=LAPTOP)
        yield context
        context.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """``workreg serve --public-read`` on a free loopback port (uvicorn in a thread), with tokens and one case."""
    import uvicorn

    from workreg.cases.service import open_case
    from workreg.cases.store import open_store
    from workreg.serve.app import Settings, create_app

    db = str(tmp_path_factory.mktemp("site") / "site.db")
    tokens = make_tokens(db, ROLES)
    app = create_app(Settings(db=db, public_read=True))
    with open_store(db) as store:
        open_case(store, app.state.service.catalog.get("dsp4003@1.2.0").pinned, changes=["new_register"],
                  committees=["Technical Committee"], title="NSG work register 1.0", by="Alliance Committee chair")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    yield {"url": f"http://127.0.0.1:{port}", "tokens": tokens, "db": db}
    server.should_exit = True
    thread.join(timeout=15)


def _docs_shot(page, name: str, anchor: str | None = None) -> None:
    """With WORKREG_UPDATE_SCREENSHOT=1, keep this view in docs/ (the deployment guide shows them)."""
    if os.environ.get("WORKREG_UPDATE_SCREENSHOT") == "1":
        if anchor:
            page.locator(anchor).scroll_into_view_if_needed()
        else:
            page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(ROOT / "docs" / f"{name}.png"), full_page=False)


def _fits(page) -> bool:
    """Nothing wider than the window (no sideways scrolling of the page itself)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _shoot(page, tmp_path, name: str) -> Path:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    return path


def test_a_decision_with_its_citations_and_highlighted_path(browser_context, site, tmp_path):
    page = browser_context.new_page()
    page.goto(site["url"] + "/")
    page.select_option("#policy", "dsp4003@1.2.0")  # reloads the form with that version's change kinds
    page.wait_for_load_state()
    page.check("input[name=change][value=new_register]")
    page.fill("#committees", "Technical Committee")
    page.click("#decide-button")
    decision = page.locator("#decision")
    decision.wait_for()
    assert page.url.endswith("#decision")  # the answer is where the page opens
    text = decision.inner_text()
    assert "dsp4003@1.2.0" in text and "DMTF Board approval" in text and "Alliance Partner" in text
    assert "Technical Committee" in text
    assert "§3.2" in text and "After the Originating Committee has approved the Work Register" in text
    path = page.locator("#path svg")
    assert path.is_visible() and path.bounding_box()["width"] > 200
    assert "Logged as decision" in text
    shot = _shoot(page, tmp_path, "decide-laptop")
    if os.environ.get("WORKREG_UPDATE_SCREENSHOT") == "1":
        page.set_viewport_size({"width": 1100, "height": 900})
        page.screenshot(path=str(ROOT / "docs" / "serve-page.png"), full_page=True)
    assert _fits(page)
    page.set_viewport_size(PHONE)
    assert _fits(page)  # the page itself never scrolls sideways ...
    diagram = page.locator("#path")
    assert diagram.bounding_box()["width"] <= PHONE["width"]
    assert page.locator("#path svg").bounding_box()["width"] > PHONE["width"]  # ... the diagram keeps a readable size
    assert page.evaluate("getComputedStyle(document.getElementById('path')).overflowX") == "auto"
    _shoot(page, tmp_path, "decide-phone")
    _docs_shot(page, "serve-decide-phone", "#path")
    assert shot.exists()
    page.close()


def test_two_register_versions_give_the_classified_diff_and_decision(browser_context, site, tmp_path):
    page = browser_context.new_page()
    page.set_viewport_size(LAPTOP)
    page.goto(site["url"] + "/diff")
    page.set_input_files("#old", str(FIXTURES / "registers" / "esa-1.0.txt"))
    page.set_input_files("#new", str(FIXTURES / "registers" / "esa-1.1.txt"))
    page.click("#diff-button")
    page.locator("#changes").wait_for()
    changes = page.locator("#changes").inner_text()
    assert "esa-1.0.txt → esa-1.1.txt" in changes
    for kind in ("scope_extension", "contact_change", "deliverable_adjustment", "editorial"):
        assert kind in changes
    # The answer comes first; editorial changes are folded; the chosen files are still chosen (sent by the script).
    decision_top = page.locator("#decision").bounding_box()["y"]
    assert decision_top < page.locator("#changes").bounding_box()["y"]
    assert decision_top < page.locator("#diff").bounding_box()["y"]
    folded = page.locator("details.fold").first
    assert not folded.evaluate("d => d.open")
    assert page.evaluate("document.getElementById('old').files.length") == 1
    assert page.evaluate("document.getElementById('new').files[0].name") == "esa-1.1.txt"
    decision = page.locator("#decision").inner_text()
    assert "DMTF Board approval" in decision and "§" in decision
    assert page.locator("#path svg").is_visible()
    _shoot(page, tmp_path, "diff-laptop")
    _docs_shot(page, "serve-diff-laptop")
    page.set_viewport_size(PHONE)
    assert _fits(page)
    page.evaluate("window.scrollTo(0, 0)")
    assert page.locator("#decision").bounding_box()["y"] < 2 * PHONE["height"]  # the answer within two screens
    _shoot(page, tmp_path, "diff-phone")
    page.close()


def test_a_case_shows_what_it_waits_for_and_records_a_ballot_with_a_token(browser_context, site, tmp_path):
    page = browser_context.new_page()
    page.set_viewport_size(PHONE)
    page.goto(site["url"] + "/cases")
    assert _fits(page)
    page.click("text=NSG work register 1.0")
    page.locator("#next").wait_for()
    assert "Originating Committee ballot" in page.locator("#next").inner_text()
    waiting = page.locator("#waiting").inner_text()
    assert "waits for originating_committee_ballot" in waiting and "§3.2" in waiting
    _shoot(page, tmp_path, "case-phone")
    # The Board's secretary may not record the committee's ballot: refused, nothing recorded.
    page.select_option("#gate", "originating_committee_ballot")
    page.fill("#ref", "Ballot 2026-01")
    page.fill("#date", "2026-01-05")
    page.fill("#rtoken", site["tokens"]["board"])
    page.click("#record-button")
    assert "wrong-role" in page.locator(".error").inner_text()
    assert "Originating Committee ballot" in page.locator("#next").inner_text()
    # What was typed is kept (the date above all), except the token.
    assert page.input_value("#date") == "2026-01-05" and page.input_value("#ref") == "Ballot 2026-01"
    assert page.input_value("#rtoken") == ""
    # The committee's chair may.
    page.fill("#rtoken", site["tokens"]["chair"])
    page.click("#record-button")
    page.locator(".ok").wait_for()
    assert "originating_committee_ballot approved 2026-01-05" in page.locator(".ok").inner_text()
    done = page.locator("#done").inner_text()
    assert "approved 2026-01-05, Ballot 2026-01, by Alliance Committee chair" in done
    assert "Technical Committee" in page.locator("#next").inner_text()
    assert "waits for affected_committee_ballot:Technical Committee" in page.locator("#waiting").inner_text()
    assert _fits(page)
    _shoot(page, tmp_path, "case-recorded-phone")
    page.set_viewport_size(LAPTOP)
    _shoot(page, tmp_path, "case-recorded-laptop")
    page.close()
    kept = tmp_path.parent / "screenshots"
    kept.mkdir(exist_ok=True)
    for shot in tmp_path.glob("*.png"):
        shutil.copy(shot, kept / shot.name)


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_decide_with_nothing_ticked_says_so_and_a_decision_opens_a_case(browser_context, site, tmp_path, viewport):
    page = browser_context.new_page()
    page.set_viewport_size(viewport)
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(site["url"] + "/")
    page.click("#decide-button")
    note = page.locator("#nothing-ticked")
    assert note.is_visible() and "Tick at least one change kind" in note.inner_text()
    assert page.url.rstrip("/") == site["url"]  # said at once, nothing sent
    page.check("input[name=change][value=contact_change]")
    page.click("#decide-button")
    page.locator("#open-case").wait_for()
    page.fill("#otitle", f"Contact change ({viewport['width']} px)")
    page.fill("#otoken", site["tokens"]["chair"])
    page.click("#open-case-button")
    page.locator(".ok").wait_for()
    assert "opened under" in page.locator(".ok").inner_text()
    assert f"Contact change ({viewport['width']} px)" in page.locator("h1").inner_text()
    assert _fits(page)
    page.reload()
    assert page.locator(".ok").count() == 1  # the same address names the same, real event
    page.goto(page.url.split("?")[0] + "?recorded=anything")
    assert page.locator(".ok").count() == 0
    assert not [e for e in errors if "Content Security Policy" in e], errors  # nothing the policy had to block
    _shoot(page, tmp_path, f"open-case-{viewport['width']}")
    page.close()
