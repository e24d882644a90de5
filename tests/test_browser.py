"""The sample quarter's briefings opened in a real browser (headless Chromium, no network).

For each briefing: no request leaves the page (every request the page makes is recorded and
anything but file: and data: is refused), no console error, every image has alt text and has
loaded, and the page prints to PDF. A PNG screenshot of each page (and of its first printed
page's width) is saved beside the briefing for a person to look at.

Chromium is driven over the Chrome DevTools Protocol with websocket-client (installed with
jupyter); the test is skipped when /usr/bin/chromium is absent. Enable it on Debian or Ubuntu
with ``sudo apt-get install chromium`` (CI's .ci/run does this).
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="headless Chromium is not installed (/usr/bin/chromium absent); "
                              "install it with `apt-get install chromium` to run the browser "
                              "check"),
]

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--disable-default-apps", "--disable-extensions", "--mute-audio",
    # Belt and braces: any host name fails to resolve, and any request that does not use the
    # resolver goes to a proxy that does not exist.
    "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
    "--remote-debugging-port=0", "--remote-allow-origins=*",
]


class Browser:
    """A headless Chromium with one page, driven over the DevTools protocol."""

    def __init__(self, profile: Path) -> None:
        import websocket

        self.proc = subprocess.Popen(
            [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.close()
                raise RuntimeError("Chromium did not start its DevTools endpoint")
            time.sleep(0.05)
        port = int(port_file.read_text().splitlines()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
            pages = [t for t in json.load(r) if t["type"] == "page"]
        self.ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=60,
                                              suppress_origin=True)
        self.next_id = 0
        self.events: list[dict] = []

    def send(self, method: str, **params) -> dict:
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == my_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self._event(message)

    def wait_for(self, method: str, timeout: float = 60) -> dict:
        for i, e in enumerate(self.events):
            if e["method"] == method:
                return self.events.pop(i)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = json.loads(self.ws.recv())
            if message.get("method") == method:
                self._event(message)
                return message
            self._event(message)
        raise TimeoutError(method)

    def _event(self, message: dict) -> None:
        if "method" not in message:
            return
        self.events.append(message)
        if message["method"] == "Fetch.requestPaused":
            # Only the page's own file may be fetched; anything else is refused (and recorded
            # through Network.requestWillBeSent).
            request_id = message["params"]["requestId"]
            url = message["params"]["request"]["url"]
            method = "Fetch.continueRequest" if url.startswith("file:") else "Fetch.failRequest"
            extra = {} if url.startswith("file:") else {"errorReason": "BlockedByClient"}
            self.next_id += 1
            self.ws.send(json.dumps({"id": self.next_id, "method": method,
                                     "params": {"requestId": request_id, **extra}}))

    def close(self) -> None:
        try:
            if hasattr(self, "ws"):
                self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture(scope="module")
def briefings(quarter_run) -> list[Path]:
    pages = [r.where for r in quarter_run.results]
    assert pages and all(p.suffix == ".html" for p in pages), quarter_run.failed
    return pages + [quarter_run.index]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    b = Browser(tmp_path_factory.mktemp("chromium-profile"))
    try:
        b.send("Network.enable")
        b.send("Runtime.enable")
        b.send("Log.enable")
        b.send("Page.enable")
        b.send("Fetch.enable", patterns=[{"urlPattern": "*"}])
        b.send("Emulation.setDeviceMetricsOverride", width=1000, height=1400,
               deviceScaleFactor=1, mobile=False)
        yield b
    finally:
        b.close()


def open_page(browser: Browser, path: Path) -> dict:
    """Load ``path`` and gather what happened: requests, console errors, images."""
    browser.events.clear()
    browser.send("Page.navigate", url=path.as_uri())
    browser.wait_for("Page.loadEventFired")
    time.sleep(0.3)  # let late console messages arrive
    browser.send("Runtime.evaluate", expression="1")  # drains pending events
    requests = [e["params"]["request"]["url"] for e in browser.events
                if e["method"] == "Network.requestWillBeSent"]
    errors = [e["params"]["entry"]["text"] for e in browser.events
              if e["method"] == "Log.entryAdded" and e["params"]["entry"]["level"] == "error"]
    errors += [" ".join(str(a.get("value", a.get("description", ""))) for a in e["params"]["args"])
               for e in browser.events
               if e["method"] == "Runtime.consoleAPICalled" and e["params"]["type"] == "error"]
    errors += [" ".join([e["params"]["exceptionDetails"]["text"],
                         e["params"]["exceptionDetails"].get("exception", {}).get("description",
                                                                                    "")])
               for e in browser.events if e["method"] == "Runtime.exceptionThrown"]
    images = browser.send(
        "Runtime.evaluate", returnByValue=True,
        expression="Array.from(document.images).map(i => [i.getAttribute('alt'), "
                   "i.naturalWidth, i.complete])")["result"]["value"]
    return {"requests": requests, "errors": errors, "images": images}


def test_briefings_in_a_real_browser(browser, briefings):
    for path in briefings:
        seen = open_page(browser, path)
        outside = [u for u in seen["requests"] if not u.startswith(("file:", "data:"))]
        assert outside == [], f"{path.name} asked for {outside}"
        assert seen["requests"][0] == path.as_uri()
        assert seen["errors"] == [], f"{path.name}: {seen['errors']}"
        for alt, width, complete in seen["images"]:
            assert alt and alt.strip(), f"{path.name} has an image without alt text"
            assert complete and width > 0, f"{path.name} has an image that did not load"
        if path.name != "index.html":
            assert len(seen["images"]) >= 1, f"{path.name} shows no chart"

        # Prints to A4 PDF (the stylesheet's @page rule sets the size).
        pdf = base64.b64decode(browser.send("Page.printToPDF", preferCSSPageSize=True,
                                            printBackground=True)["data"])
        assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000
        assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(
            b"/Type/Page") >= 1

        # A full-page screenshot beside the briefing, for a person to look at.
        height = browser.send("Runtime.evaluate", returnByValue=True,
                              expression="document.documentElement.scrollHeight")["result"]["value"]
        shot = browser.send("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                            clip={"x": 0, "y": 0, "width": 1000, "height": min(height, 16000),
                                  "scale": 1})
        png = base64.b64decode(shot["data"])
        assert png.startswith(b"\x89PNG")
        path.with_suffix(".png").write_bytes(png)
        path.with_suffix(".pdf").write_bytes(pdf)
    # Where to look: printed so a person running the suite can open them.
    print("screenshots:", ", ".join(str(p.with_suffix(".png")) for p in briefings))


#: Keeps, of a briefing, only its header and its first section (the summary): everything in
#: main from the second section heading on, and the footer, are removed before printing.
SUMMARY_ONLY = """(() => {
  const headings = [...document.querySelectorAll('main h2.pcc-section')];
  if (headings.length < 2) return null;
  const main = document.querySelector('main');
  let after = false;
  for (const child of [...main.children]) {
    if (child.contains(headings[1])) after = true;
    if (after) child.remove();
  }
  document.querySelector('footer').remove();
  return headings[0].textContent;
})()"""


def pdf_pages(pdf: bytes) -> int:
    """Pages of a PDF as Chromium writes it (one ``/Type /Page`` object each)."""
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_every_summary_prints_on_at_most_two_a4_pages(browser, briefings):
    # Issue #13: a board member reads the summary in two A4 pages. Each briefing is printed
    # whole, then with only its summary; the counts are printed for the README.
    for path in briefings[:-1]:  # not the index
        open_page(browser, path)
        whole = pdf_pages(base64.b64decode(browser.send(
            "Page.printToPDF", preferCSSPageSize=True, printBackground=True)["data"]))
        first = browser.send("Runtime.evaluate", returnByValue=True,
                             expression=SUMMARY_ONLY)["result"].get("value")
        assert first and first.startswith("Summary"), (path.name, first)
        summary = pdf_pages(base64.b64decode(browser.send(
            "Page.printToPDF", preferCSSPageSize=True, printBackground=True)["data"]))
        print(f"{path.stem}: {whole} A4 pages, summary {summary}")
        assert 1 <= summary <= 2, (path.name, summary)
        assert whole > summary


#: The tables of a page wider than its text column, as [caption or first heading, overflow px].
TOO_WIDE = """[...document.querySelectorAll('main table')].filter(
  t => t.getBoundingClientRect().right > document.querySelector('main').getBoundingClientRect().right + 1
).map(t => [(t.caption || t.querySelector('th') || {textContent: ''}).textContent.trim(),
            Math.round(t.getBoundingClientRect().right
                       - document.querySelector('main').getBoundingClientRect().right)])"""


def test_every_table_fits_an_a4_page(browser, briefings):
    # Printed, the text column is A4's 210 mm less the @page margins (14 mm each side): 182 mm,
    # 688 CSS px. No table, the change tables with their rate columns included, may be wider:
    # a printed board pack would lose its right-hand columns.
    browser.send("Emulation.setEmulatedMedia", media="print")
    browser.send("Emulation.setDeviceMetricsOverride", width=688, height=1400,
                 deviceScaleFactor=1, mobile=False)
    try:
        for path in briefings[:-1]:  # not the index
            open_page(browser, path)
            wide = browser.send("Runtime.evaluate", returnByValue=True,
                                expression=TOO_WIDE)["result"]["value"]
            assert wide == [], f"{path.name}: tables wider than A4's text column: {wide}"
    finally:
        browser.send("Emulation.setEmulatedMedia", media="")
        browser.send("Emulation.setDeviceMetricsOverride", width=1000, height=1400,
                     deviceScaleFactor=1, mobile=False)


def test_a_page_that_asks_another_host_is_caught(browser, tmp_path):
    # The check must be able to fail: a page with a remote image and a script error.
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html><body><img src="https://example.org/x.png" alt="x">'
                    "<script>undefined_function()</script></body></html>")
    seen = open_page(browser, page)
    assert "https://example.org/x.png" in seen["requests"]
    assert any("undefined_function" in e for e in seen["errors"])
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_a_link_out_is_not_a_request(browser, tmp_path):
    # Loading a page follows no link: a briefing may keep a tracker update's link out, and the
    # check above must not count it. Nothing here clicks, so only the page itself is asked for.
    page = tmp_path / "link.html"
    page.write_text('<!DOCTYPE html><html><head><meta charset="utf-8"><title>x</title></head>'
                    '<body><p><a href="https://example.org/minutes" rel="noopener noreferrer">'
                    "minutes</a></p></body></html>")
    seen = open_page(browser, page)
    assert seen["requests"] == [page.as_uri()]
    assert seen["errors"] == []
