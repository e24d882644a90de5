"""A fake data.police.uk on 127.0.0.1 for the download, HTTP, vintage and API tests.

Nothing in these tests touches the internet: a threaded http.server on an ephemeral loopback port
serves zips built from tests/data/download/ and scripted API answers, including the failures
(cut-short downloads, 5xx with or without Retry-After, corrupt zips, the API's 503 for areas with
too many crimes). The ``server`` and ``archives`` fixtures are in conftest.py.
"""

from __future__ import annotations

import io
import json
import threading
import urllib.parse
import zipfile
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from pccanalysis.sources.police_uk.download import download
from pccanalysis.sources.police_uk.http import RetryPolicy

FIXTURES = Path(__file__).resolve().parents[2] / "data" / "download"
FAST = RetryPolicy(attempts=3, backoff=0.001, max_wait=0.01, timeout=5)


def build_zip(folder: Path, *, stored: bool = False) -> bytes:
    """Zip a fixture folder the way data.police.uk lays out an archive (YYYY-MM/...)."""
    buf = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(buf, "w", method) as zf:
        for path in sorted(folder.rglob("*.csv")):
            zf.write(path, path.relative_to(folder).as_posix())
    return buf.getvalue()


class FakePoliceUk:
    """What the fake server serves and what it was asked.

    ``files`` maps a URL path to bytes; ``plans`` maps a path to a list of actions used one per
    request (``("status", code)``, ``("status", code, headers)`` or ``("truncate", n)``: announce
    the full length, send ``n`` bytes, close); ``api`` answers POSTs with ``(status, json)`` from the parsed form.
    """

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.plans: dict[str, list] = {}
        self.api = None
        self.requests: list[dict] = []
        self.lock = threading.Lock()

    def etag(self, path: str) -> str:
        import hashlib

        return '"' + hashlib.sha1(self.files[path]).hexdigest() + '"'

    def gets(self, path: str) -> list[dict]:
        return [r for r in self.requests if r["method"] == "GET" and r["path"] == path]


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep pytest output clean
        pass

    def _record(self, body: bytes = b"") -> dict:
        fake: FakePoliceUk = self.server.fake
        path = urllib.parse.urlsplit(self.path).path
        entry = {"method": self.command, "path": path, "headers": dict(self.headers),
                 "body": body}
        with fake.lock:
            fake.requests.append(entry)
            plan = fake.plans.get(path)
            action = plan.pop(0) if plan else None
        return entry | {"action": action}

    def _status(self, code: int, headers: dict | None = None) -> None:
        if not headers:
            self.send_error(code)
            return
        self.send_response(code)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        fake: FakePoliceUk = self.server.fake
        req = self._record()
        path, action = req["path"], req["action"]
        if action and action[0] == "status":
            self._status(*action[1:])
            return
        if path not in fake.files:
            self.send_error(404)
            return
        data, etag = fake.files[path], fake.etag(path)
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.end_headers()
            return
        start = 0
        rng = self.headers.get("Range")
        if rng and self.headers.get("If-Range") in (None, etag):
            start = int(rng.removeprefix("bytes=").rstrip("-"))
        body = data[start:]
        self.send_response(206 if start else 200)
        if start:
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        if action and action[0] == "truncate":
            body = body[: action[1]]
        self.wfile.write(body)

    def do_POST(self) -> None:
        fake: FakePoliceUk = self.server.fake
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        req = self._record(body)
        if req["action"] and req["action"][0] == "status":
            self._status(*req["action"][1:])
            return
        form = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode("ascii")).items()}
        status, answer = fake.api(req["path"], form)
        if status != 200:
            self.send_error(status)
            return
        out = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

def start_server() -> ThreadingHTTPServer:
    """A running fake server; ``.fake`` is its FakePoliceUk, ``.url`` and ``.host`` its address."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.fake = FakePoliceUk()
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.host = f"127.0.0.1:{httpd.server_address[1]}"
    return httpd


def fetch(server, tmp_path, **kw):
    args = dict(kinds="street", to_dir=tmp_path / "police-uk", base_url=server.url,
                cache_dir=tmp_path / "cache", retry=FAST, progress=False,
                today=date(2021, 5, 10))
    args.update(kw)
    forces = args.pop("forces", "nottinghamshire")
    start, end = args.pop("start", "2021-02"), args.pop("end", "2021-03")
    return download(forces, start, end, **args)


def listing(folder: Path) -> list[str]:
    if not folder.exists():
        return []
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


ARCHIVE = "/data/archive/2021-03.zip"
