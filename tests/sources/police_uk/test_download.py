"""Tests for pccanalysis.sources.police_uk.download against a fake data.police.uk on 127.0.0.1.

Nothing here touches the internet: a threaded http.server on an ephemeral loopback port serves
zips built from tests/data/download/ and scripted API answers, including the failures (cut-short
downloads, 5xx, corrupt zips, the API's 503 for areas with too many crimes).
"""

from __future__ import annotations

import io
import json
import socket
import threading
import urllib.parse
import zipfile
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pccanalysis.cli import cli
from pccanalysis.errors import PccError, PeriodError
from pccanalysis.sources.police_uk.download import (
    RetryPolicy,
    Revision,
    check_forces,
    check_kinds,
    choose_vintage,
    compare_files,
    discard_vintage,
    download,
    get_street_crimes,
    get_street_crimes_in_box,
    list_vintages,
    plan_archives,
)

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
    request (``("status", code)`` or ``("truncate", n)``: announce the full length, send ``n``
    bytes, close); ``api`` answers POSTs with ``(status, json)`` from the parsed form.
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

    def do_GET(self) -> None:
        fake: FakePoliceUk = self.server.fake
        req = self._record()
        path, action = req["path"], req["action"]
        if action and action[0] == "status":
            self.send_error(action[1])
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
            self.send_error(req["action"][1])
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


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.fake = FakePoliceUk()
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.host = f"127.0.0.1:{httpd.server_address[1]}"
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def archives(server):
    """Serve the two fixture archives as /data/archive/2021-03.zip and 2021-04.zip."""
    for month in ("2021-03", "2021-04"):
        server.fake.files[f"/data/archive/{month}.zip"] = build_zip(FIXTURES / f"archive-{month}")
    return server


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


# --- planning and arguments -----------------------------------------------------------------


def test_plan_archives_one_archive_covers_up_to_36_months():
    # 2019-04..2021-03 is 24 months, all inside the archive 2021-03 (2018-04..2021-03).
    plan = plan_archives("2019-04", "2021-03")
    assert [a for a, _ in plan] == ["2021-03"]
    assert plan[0][1][0] == "2019-04" and plan[0][1][-1] == "2021-03" and len(plan[0][1]) == 24


def test_plan_archives_older_months_come_from_an_archive_36_months_earlier():
    # Archive 2021-03 holds 2018-04..2021-03; 2018-01..2018-03 come from archive 2018-03.
    plan = plan_archives("2018-01", "2021-03")
    assert [a for a, _ in plan] == ["2021-03", "2018-03"]
    assert len(plan[0][1]) == 36
    assert plan[1][1] == ["2018-01", "2018-02", "2018-03"]


def test_plan_archives_newer_archive_gives_newer_vintage_of_same_months():
    assert plan_archives("2021-02", "2021-03", "2021-06") == [("2021-06", ["2021-02", "2021-03"])]


def test_plan_archives_refuses_bad_ranges():
    with pytest.raises(PeriodError) as err:
        plan_archives("2021-04", "2021-03")
    assert str(err.value) == "The first month 2021-04 comes after the last month 2021-03."
    with pytest.raises(PeriodError) as err:
        plan_archives("2021-01", "2021-03", "2021-02")
    assert str(err.value) == (
        "The archive 2021-02 ends before the last month asked for (2021-03); "
        "choose an archive of 2021-03 or later."
    )
    with pytest.raises(PeriodError) as err:
        plan_archives("2021-13", "2021-03")
    assert str(err.value) == "The first month '2021-13' is not a month: write it like 2020-04."


def test_check_forces_and_kinds():
    assert check_forces(["Nottinghamshire", "avon and somerset", "nottinghamshire"]) == [
        "nottinghamshire", "avon-and-somerset"]
    with pytest.raises(PccError) as err:
        check_forces(["nottinghamshir"])
    assert str(err.value) == (
        "'nottinghamshir' is not a data.police.uk force identifier (did you mean "
        "'nottinghamshire'?); identifiers are lower case with hyphens, like 'nottinghamshire' "
        "or 'avon-and-somerset'."
    )
    assert check_kinds("street, outcomes") == ["street", "outcomes"]
    with pytest.raises(PccError) as err:
        check_kinds("crimes")
    assert str(err.value) == (
        "'crimes' is not a kind of data.police.uk file: use street, outcomes, stop-and-search.")


# --- downloading and extracting ---------------------------------------------------------------


def test_download_extracts_only_the_force_kind_and_months_asked_for(archives, tmp_path):
    report = fetch(archives, tmp_path)
    to_dir = tmp_path / "police-uk"
    assert report.written == ["2021-02/2021-02-nottinghamshire-street.csv",
                              "2021-03/2021-03-nottinghamshire-street.csv"]
    # Derbyshire and the outcomes/stop-and-search files are in the archive but were not asked for.
    assert listing(to_dir) == ["2021-02", "2021-02/2021-02-nottinghamshire-street.csv",
                               "2021-03", "2021-03/2021-03-nottinghamshire-street.csv",
                               "download-manifest.json"]
    src = FIXTURES / "archive-2021-03" / "2021-03" / "2021-03-nottinghamshire-street.csv"
    assert (to_dir / "2021-03/2021-03-nottinghamshire-street.csv").read_bytes() == src.read_bytes()
    manifest = json.loads((to_dir / "download-manifest.json").read_text())
    entry = manifest["current"]["2021-03/2021-03-nottinghamshire-street.csv"]
    # 4 data rows in the fixture (header not counted)
    assert entry["rows"] == 4 and entry["vintage"] == "2021-05-10"
    assert entry["archive"] == f"{archives.url}{ARCHIVE}"


def test_download_all_kinds_and_a_missing_file_is_reported(archives, tmp_path):
    report = fetch(archives, tmp_path, kinds="street,outcomes,stop-and-search")
    # 2021-02 has only a street file in the fixture archive: 2 files reported missing.
    assert report.missing == ["2021-02/2021-02-nottinghamshire-outcomes.csv",
                              "2021-02/2021-02-nottinghamshire-stop-and-search.csv"]
    assert len(report.written) == 4
    assert "Not published in the archive: 2021-02/2021-02-nottinghamshire-outcomes.csv." in (
        report.lines())


def test_second_download_comes_from_the_cache(archives, tmp_path):
    fetch(archives, tmp_path)
    again = fetch(archives, tmp_path)
    assert len(archives.fake.gets(ARCHIVE)) == 1  # fetched once only
    assert again.written == [] and len(again.unchanged) == 2 and again.vintage is None


def test_refresh_asks_the_server_and_keeps_the_cache_when_not_modified(archives, tmp_path):
    fetch(archives, tmp_path)
    fetch(archives, tmp_path, refresh=True)
    second = archives.fake.gets(ARCHIVE)[1]
    assert second["headers"]["If-None-Match"] == archives.fake.etag(ARCHIVE)


def test_download_cut_short_is_resumed_with_a_range_request(archives, tmp_path):
    archives.fake.plans[ARCHIVE] = [("truncate", 100)]
    report = fetch(archives, tmp_path)
    first, second = archives.fake.gets(ARCHIVE)
    assert "Range" not in first["headers"]
    assert second["headers"]["Range"] == "bytes=100-"
    assert second["headers"]["If-Range"] == archives.fake.etag(ARCHIVE)
    assert len(report.written) == 2
    cached = tmp_path / "cache" / "police-uk-archives" / archives.host.replace(":", "_")
    assert (cached / "2021-03.zip").read_bytes() == archives.fake.files[ARCHIVE]


def test_download_cut_short_every_time_fails_clearly_and_resumes_next_run(archives, tmp_path):
    archives.fake.plans[ARCHIVE] = [("truncate", 100)] * 3
    total = len(archives.fake.files[ARCHIVE])
    with pytest.raises(PccError) as err:
        fetch(archives, tmp_path)
    # three tries of 100 bytes each: 300 bytes held in the .part file
    assert str(err.value) == (
        f"The download of {archives.url}{ARCHIVE} was cut short after 3 attempts "
        f"(300 of {total:,} bytes received); run the command again to resume it."
    )
    assert listing(tmp_path / "police-uk") == []
    fetch(archives, tmp_path)
    assert archives.fake.gets(ARCHIVE)[-1]["headers"]["Range"] == "bytes=300-"
    assert len(listing(tmp_path / "police-uk")) == 5


def test_server_errors_are_retried_then_succeed(archives, tmp_path):
    archives.fake.plans[ARCHIVE] = [("status", 500), ("status", 502)]
    report = fetch(archives, tmp_path)
    assert len(archives.fake.gets(ARCHIVE)) == 3
    assert len(report.written) == 2


def test_server_errors_after_all_retries_fail_clearly(archives, tmp_path):
    archives.fake.plans[ARCHIVE] = [("status", 503)] * 3
    with pytest.raises(PccError) as err:
        fetch(archives, tmp_path)
    assert str(err.value) == (
        f"{archives.host} answered 503 Service Unavailable for the archive 2021-03.zip "
        f"({archives.url}{ARCHIVE}) after 3 attempts; try again later."
    )
    assert len(archives.fake.gets(ARCHIVE)) == 3
    assert listing(tmp_path / "police-uk") == []


def test_unreachable_network_fails_clearly(tmp_path):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    with pytest.raises(PccError) as err:
        download("nottinghamshire", "2021-02", "2021-03", to_dir=tmp_path / "police-uk",
                 base_url=url, cache_dir=tmp_path / "cache", retry=FAST, progress=False)
    assert str(err.value) == (
        f"Cannot reach 127.0.0.1:{port} ({url}{ARCHIVE}) after 3 attempts: Connection refused; "
        f"check the network connection and try again."
    )
    assert listing(tmp_path / "police-uk") == []


def test_missing_archive_fails_at_once(server, tmp_path):
    with pytest.raises(PccError) as err:
        fetch(server, tmp_path)
    assert str(err.value) == (
        f"{server.host} has no archive 2021-03.zip ({server.url}{ARCHIVE} answered 404 Not "
        f"Found); archives appear about two months after the month they end with."
    )
    assert len(server.fake.gets(ARCHIVE)) == 1  # a 404 is not retried


def test_file_that_is_not_a_zip_fails_and_leaves_the_cache_clean(server, tmp_path):
    server.fake.files[ARCHIVE] = b"<html>maintenance</html>" * 10
    with pytest.raises(PccError) as err:
        fetch(server, tmp_path)
    assert str(err.value) == (
        f"The archive downloaded from {server.url}{ARCHIVE} is not a readable zip file (it is "
        f"corrupt); it was removed from the cache so the next run downloads it again."
    )
    assert listing(tmp_path / "police-uk") == []
    assert listing(tmp_path / "cache" / "police-uk-archives" / server.host.replace(":", "_")) == []


def test_zip_member_failing_its_checksum_leaves_no_partial_file(server, tmp_path):
    data = bytearray(build_zip(FIXTURES / "archive-2021-03", stored=True))
    # Damage the 2021-03 street file's content (stored, so its bytes sit in the zip as is):
    # the 2021-02 file extracts first and must not be left behind either.
    at = data.index(b"fake-id-0303")
    data[at] ^= 0x20
    server.fake.files[ARCHIVE] = bytes(data)
    with pytest.raises(PccError) as err:
        fetch(server, tmp_path)
    assert str(err.value) == (
        f"The archive downloaded from {server.url}{ARCHIVE} is corrupt (a file inside fails its "
        f"checksum); it was removed from the cache so the next run downloads it again."
    )
    assert listing(tmp_path / "police-uk") == []


def test_failure_leaves_a_folder_already_held_untouched(archives, tmp_path):
    fetch(archives, tmp_path)
    before = listing(tmp_path / "police-uk")
    archives.fake.files["/data/archive/2021-04.zip"] = b"not a zip"
    with pytest.raises(PccError):
        fetch(archives, tmp_path, archive="2021-04")
    assert listing(tmp_path / "police-uk") == before


def test_nothing_asked_for_in_the_archive_fails(archives, tmp_path):
    with pytest.raises(PccError) as err:
        fetch(archives, tmp_path, forces="kent")
    assert str(err.value) == (
        f"The archives used ({archives.url}{ARCHIVE}) hold no street file for kent between "
        f"2021-02 and 2021-03."
    )
    assert listing(tmp_path / "police-uk") == []


# --- vintages -----------------------------------------------------------------------------------


def test_compare_files_counts_added_removed_and_changed_outcomes(tmp_path):
    held = FIXTURES / "archive-2021-03" / "2021-03" / "2021-03-nottinghamshire-street.csv"
    new = FIXTURES / "archive-2021-04" / "2021-03" / "2021-03-nottinghamshire-street.csv"
    r = compare_files(held, new, month="2021-03", force="nottinghamshire", kind="street")
    # held: 0301 (Under investigation), ASB, 0302, 0303 = 4 rows
    # new:  0301 (Unable to prosecute suspect), ASB, 0302, 0304, 0305 = 5 rows
    # added 0304 + 0305 = 2; removed 0303 = 1; outcome changed 0301 = 1; 5 - 4 == 2 - 1
    assert r == Revision("2021-03", "nottinghamshire", "street", 4, 5, 2, 1, 1)


def test_compare_files_exact_duplicates_count_as_rows(tmp_path):
    header = "Crime ID,Month,Last outcome category\n"
    (tmp_path / "a.csv").write_text(header + "x,2021-03,A\nx,2021-03,A\n")
    (tmp_path / "b.csv").write_text(header + "x,2021-03,A\nx,2021-03,B\nx,2021-03,B\n")
    r = compare_files(tmp_path / "a.csv", tmp_path / "b.csv", month="2021-03", force="f",
                      kind="street")
    # same key 'x,2021-03' twice held, three times new: 2 matched, 1 added;
    # outcomes held {A, A}, new {A, B, B}: 1 shared among the 2 matched -> 1 changed
    assert (r.added, r.removed, r.outcomes_changed) == (1, 0, 1)


def test_newer_download_is_kept_as_a_vintage_and_the_revisions_reported(archives, tmp_path):
    to_dir = tmp_path / "police-uk"
    fetch(archives, tmp_path)
    report = fetch(archives, tmp_path, archive="2021-04", today=date(2021, 6, 10))
    assert report.vintage == "2021-06-10"
    assert report.unchanged == ["2021-02/2021-02-nottinghamshire-street.csv"]
    assert report.revisions == [Revision("2021-03", "nottinghamshire", "street", 4, 5, 2, 1, 1)]
    assert report.lines()[-1] == (
        "2021-03 nottinghamshire street: 2 rows added, 1 removed, 1 outcomes changed "
        "(4 rows held, 5 in the new download).")
    held = FIXTURES / "archive-2021-03" / "2021-03" / "2021-03-nottinghamshire-street.csv"
    new = FIXTURES / "archive-2021-04" / "2021-03" / "2021-03-nottinghamshire-street.csv"
    name = "2021-03/2021-03-nottinghamshire-street.csv"
    # the held file stays in use; the new one waits beside it
    assert (to_dir / name).read_bytes() == held.read_bytes()
    assert (to_dir / ".vintages" / "2021-06-10" / name).read_bytes() == new.read_bytes()
    [kept] = list_vintages(to_dir)
    assert kept.label == "2021-06-10" and kept.files == [name]
    assert kept.revisions == report.revisions

    # The same download again: already held as that vintage, so no third copy.
    again = fetch(archives, tmp_path, archive="2021-04", today=date(2021, 6, 11))
    assert again.vintage is None and len(again.unchanged) == 2
    assert [v.label for v in list_vintages(to_dir)] == ["2021-06-10"]

    # Choosing the new vintage puts it in use and keeps the old one as its own vintage.
    assert choose_vintage(to_dir, "2021-06-10") == [name]
    assert (to_dir / name).read_bytes() == new.read_bytes()
    assert (to_dir / ".vintages" / "2021-05-10" / name).read_bytes() == held.read_bytes()
    assert [v.label for v in list_vintages(to_dir)] == ["2021-05-10"]
    manifest = json.loads((to_dir / "download-manifest.json").read_text())
    assert manifest["current"][name]["vintage"] == "2021-06-10"
    assert manifest["current"][name]["rows"] == 5

    discard_vintage(to_dir, "2021-05-10")
    assert list_vintages(to_dir) == []
    with pytest.raises(PccError) as err:
        choose_vintage(to_dir, "2021-05-10")
    assert str(err.value) == f"{to_dir} holds no vintage '2021-05-10' (vintages kept: none)."


def test_same_day_vintages_get_distinct_labels(archives, tmp_path):
    fetch(archives, tmp_path)
    report = fetch(archives, tmp_path, archive="2021-04")  # same day as the first download
    assert report.vintage == "2021-05-10-2"


# --- command line -------------------------------------------------------------------------------


def test_pcc_download_and_vintages_commands(archives, tmp_path):
    to_dir = tmp_path / "police-uk"
    args = ["download", "--force", "nottinghamshire", "--from", "2021-02", "--to", "2021-03",
            "--to-dir", str(to_dir), "--base-url", archives.url, "--cache-dir",
            str(tmp_path / "cache"), "--no-progress"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert f"2 files written into {to_dir}; 0 already held and unchanged." in result.output
    result = CliRunner().invoke(cli, [*args, "--archive", "2021-04"])
    assert result.exit_code == 0, result.output
    assert "1 held files were revised by data.police.uk" in result.output
    result = CliRunner().invoke(cli, ["vintages", "--to-dir", str(to_dir)])
    assert result.output.splitlines()[0] == "Vintage " + list_vintages(to_dir)[0].label + ": 1 files."


# --- street-level API ---------------------------------------------------------------------------

CRIMES = [
    {"category": "anti-social-behaviour", "location_type": "Force", "context": "",
     "outcome_status": None, "persistent_id": "", "id": 101, "location_subtype": "",
     "month": "2021-03",
     "location": {"latitude": "52.920000", "longitude": "-1.180000",
                  "street": {"id": 1, "name": "On or near Example Road"}}},
    {"category": "burglary", "location_type": "Force", "context": "",
     "outcome_status": {"category": "Under investigation", "date": "2021-03"},
     "persistent_id": "fake-id-api-1", "id": 102, "location_subtype": "", "month": "2021-03",
     "location": {"latitude": "52.970000", "longitude": "-1.120000",
                  "street": {"id": 2, "name": "On or near Sample Lane"}}},
    {"category": "violent-crime", "location_type": "Force", "context": "",
     "outcome_status": None, "persistent_id": "fake-id-api-2", "id": 103,
     "location_subtype": "", "month": "2021-03",
     "location": {"latitude": "52.950000", "longitude": "-1.150000",
                  "street": {"id": 3, "name": "On or near Test Street"}}},
]


def _box_of(poly: str):
    pts = [tuple(float(x) for x in p.split(",")) for p in poly.split(":")]
    lats, lngs = [p[0] for p in pts], [p[1] for p in pts]
    return min(lats), min(lngs), max(lats), max(lngs)


def test_get_street_crimes_posts_the_polygon_and_returns_the_street_columns(server):
    server.fake.api = lambda path, form: (200, CRIMES[:2])
    poly = [(52.9, -1.2), (53.0, -1.2), (53.0, -1.1)]
    frame, dq = get_street_crimes(poly, "2021-03", base_url=server.url, retry=FAST)
    [req] = server.fake.requests
    assert req["method"] == "POST" and req["path"] == "/api/crimes-street/all-crime"
    form = urllib.parse.parse_qs(req["body"].decode())
    assert form == {"poly": ["52.900000,-1.200000:53.000000,-1.200000:53.000000,-1.100000"],
                    "date": ["2021-03"]}
    assert frame["crime_type"].tolist() == ["Anti-social behaviour", "Burglary"]
    assert frame["crime_id"].isna().tolist() == [True, False]
    assert frame["last_outcome"].tolist()[1] == "Under investigation"
    assert frame["month"].dtype == pd.PeriodDtype("M")
    assert frame["latitude"].tolist() == [52.92, 52.97]
    assert (dq.rows_read, dq.rows_kept) == (2, 2)


def test_get_street_crimes_too_many_crimes_fails_clearly_without_retrying(server):
    server.fake.api = lambda path, form: (503, None)
    poly = [(52.9, -1.2), (53.0, -1.2), (53.0, -1.1)]
    with pytest.raises(PccError) as err:
        get_street_crimes(poly, "2021-03", base_url=server.url, retry=FAST)
    assert str(err.value) == (
        f"{server.host} answered 503 for the polygon in 2021-03, which it does when an area "
        f"holds more than 10,000 crimes; ask for a smaller area (get_street_crimes_in_box "
        f"splits one) or download the monthly archive (pcc download)."
    )
    assert len(server.fake.requests) == 1


def test_get_street_crimes_retries_other_server_errors(server):
    server.fake.api = lambda path, form: (200, CRIMES[:1])
    server.fake.plans["/api/crimes-street/all-crime"] = [("status", 500)]
    frame, _ = get_street_crimes([(52.9, -1.2), (53.0, -1.2), (53.0, -1.1)], "2021-03",
                                 base_url=server.url, retry=FAST)
    assert len(server.fake.requests) == 2 and len(frame) == 1


def test_box_is_split_into_quarters_when_it_holds_too_many_crimes(server):
    def answer(path, form):
        s, w, n, e = _box_of(form["poly"])
        if n - s > 0.06:  # the whole box (0.1 degrees) is "too many"; its quarters are not
            return 503, None
        inside = [c for c in CRIMES
                  if s <= float(c["location"]["latitude"]) <= n
                  and w <= float(c["location"]["longitude"]) <= e]
        return 200, inside

    server.fake.api = answer
    frame, dq = get_street_crimes_in_box(52.9, -1.2, 53.0, -1.1, "2021-03",
                                         base_url=server.url, retry=FAST)
    # 1 refused box + 4 quarters. Crime 101 is in the SW quarter, 102 in the NE one, and 103
    # sits on the centre point shared by all four: 1 + 1 + 4 = 6 answers, 3 repeats excluded.
    assert len(server.fake.requests) == 5
    assert (dq.rows_read, dq.rows_kept) == (6, 3)
    assert dq.excluded == {"returned twice by neighbouring boxes (same API id)": 3}
    assert sorted(frame["api_id"].tolist()) == [101, 102, 103]


def test_box_still_too_big_after_max_depth_fails_clearly(server):
    server.fake.api = lambda path, form: (503, None)
    with pytest.raises(PccError) as err:
        get_street_crimes_in_box(52.9, -1.2, 53.0, -1.1, "2021-03", max_depth=1,
                                 base_url=server.url, retry=FAST)
    assert str(err.value) == (
        f"{server.host} still answered 503 (more than 10,000 crimes) for a box split once in "
        f"2021-03; raise max_depth or download the monthly archive (pcc download)."
    )
    # the box, then its first quarter (refused at the depth limit)
    assert len(server.fake.requests) == 2


def test_polygon_and_box_are_checked():
    with pytest.raises(PccError) as err:
        get_street_crimes([(52.9, -1.2), (53.0, -1.2)], "2021-03", base_url="http://127.0.0.1:9")
    assert str(err.value) == "A polygon needs at least three (latitude, longitude) points."
    with pytest.raises(PccError) as err:
        get_street_crimes([(52.9, -1.2), (95.0, -1.2), (53.0, -1.1)], "2021-03",
                          base_url="http://127.0.0.1:9")
    assert str(err.value) == (
        "(95.0, -1.2) is not a (latitude, longitude) point: latitude runs -90 to 90 and "
        "longitude -180 to 180.")
