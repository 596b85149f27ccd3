"""Pictures of workreg's exports opened in the tools people use, for docs/exports.md.

BPMN in bpmn-js (bpmn.io's viewer, what Camunda Modeler is built on), DMN in dmn-js's decision
table viewer, Mermaid in Mermaid itself, each in headless Chromium.  The viewers come from the npm
registry (scripts/test.sh installs them into .venv/npm; add dmn-js for the DMN picture):

    npm install --prefix .venv/npm mermaid@12 bpmn-js@18 dmn-js@17
    .venv/bin/python scripts/export_pictures.py
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NPM = ROOT / ".venv" / "npm" / "node_modules"
OUT = ROOT / "docs" / "images"
CHROMIUM = "/usr/bin/chromium"


def workreg(*args: str) -> str:
    return subprocess.run([sys.executable, "-m", "workreg", *args], check=True, capture_output=True,
                          text=True).stdout


def main() -> int:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    bpmn = workreg("render", "dsp4003@1.2.0", "--change", "new_register", "--committee", "Technical Committee",
                   "--format", "bpmn")
    dmn = workreg("render", "rfc@1.0", "--format", "dmn")
    mermaid = workreg("render", "dsp4003@1.2.0", "--change", "scope_extension", "--approvals-only",
                      "--format", "mermaid")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 330})

        page.set_content("<html><body style='margin:0'><div id='canvas' style='width:1400px;height:330px'>"
                         "</div></body></html>")
        for css in ("diagram-js.css", "bpmn-js.css"):
            page.add_style_tag(path=str(NPM / "bpmn-js" / "dist" / "assets" / css))
        page.add_script_tag(path=str(NPM / "bpmn-js" / "dist" / "bpmn-viewer.production.min.js"))
        page.evaluate("""async (xml) => { const viewer = new BpmnJS({container: '#canvas'});
                         await viewer.importXML(xml); viewer.get('canvas').zoom('fit-viewport'); }""", bpmn)
        page.screenshot(path=str(OUT / "export-bpmn.png"))

        dmn_viewer = NPM / "dmn-js" / "dist" / "dmn-viewer.production.min.js"
        if dmn_viewer.is_file():
            page.set_viewport_size({"width": 1400, "height": 900})
            page.set_content("<html><body style='margin:0;font-family:sans-serif'><div id='canvas'></div></body></html>")
            for css in ("dmn-js-shared.css", "dmn-js-decision-table.css", "dmn-font/css/dmn-embedded.css"):
                if (NPM / "dmn-js" / "dist" / "assets" / css).is_file():
                    page.add_style_tag(path=str(NPM / "dmn-js" / "dist" / "assets" / css))
            page.add_script_tag(path=str(dmn_viewer))
            page.evaluate("""async (xml) => { const viewer = new DmnJS({container: '#canvas'});
                             await viewer.importXML(xml);
                             const view = viewer.getViews().find(v => v.type === 'decisionTable');
                             if (view) { await viewer.open(view); } }""", dmn)
            page.screenshot(path=str(OUT / "export-dmn.png"), full_page=True)
        else:
            print(f"skipped the DMN picture: no dmn-js at {dmn_viewer}", file=sys.stderr)

        page.set_viewport_size({"width": 900, "height": 700})
        page.set_content("<html><body style='margin:0;background:white'><div id='out'></div></body></html>")
        page.add_script_tag(path=str(NPM / "mermaid" / "dist" / "mermaid.min.js"))
        page.evaluate("""async (source) => { mermaid.initialize({startOnLoad: false});
                         const {svg} = await mermaid.render('d1', source);
                         document.getElementById('out').innerHTML = svg; }""", mermaid)
        page.locator("#out svg").screenshot(path=str(OUT / "export-mermaid.png"))
        browser.close()
    print(json.dumps(sorted(p.name for p in OUT.glob("export-*.png"))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
