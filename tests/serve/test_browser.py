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
    assert _fits(page) and page.locator("#path svg").bounding_box()["width"] <= PHONE["width"]
    _shoot(page, tmp_path, "decide-phone")
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
    decision = page.locator("#decision").inner_text()
    assert "DMTF Board approval" in decision and "§" in decision
    assert page.locator("#path svg").is_visible()
    _shoot(page, tmp_path, "diff-laptop")
    page.set_viewport_size(PHONE)
    assert _fits(page)
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
    page.fill("#rtoken", site["tokens"]["board"])
    page.click("#record-button")
    assert "wrong-role" in page.locator(".error").inner_text()
    assert "Originating Committee ballot" in page.locator("#next").inner_text()
    # The committee's chair may.
    page.select_option("#gate", "originating_committee_ballot")
    page.fill("#date", "2026-01-05")
    page.fill("#ref", "Ballot 2026-01")
    page.fill("#rtoken", site["tokens"]["chair"])
    page.click("#record-button")
    page.locator(".ok").wait_for()
    assert "Recorded originating_committee_ballot" in page.locator(".ok").inner_text()
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
