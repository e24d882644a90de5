"""Tests for pccanalysis.sources.police_uk.http: cache, resume, retries and their messages.

Against the fake data.police.uk on 127.0.0.1 (fake_police_uk.py); nothing touches the internet.
"""

from __future__ import annotations

import logging
import socket
import time

import pytest
from fake_police_uk import ARCHIVE, FAST, fetch, listing

from pccanalysis.errors import PccError
from pccanalysis.sources.police_uk.api import get_street_crimes
from pccanalysis.sources.police_uk.download import download
from pccanalysis.sources.police_uk.http import RetryPolicy


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


def test_retry_after_is_honoured_when_longer_than_the_backoff(archives, tmp_path, caplog):
    archives.fake.plans[ARCHIVE] = [("status", 503, {"Retry-After": "1"})]
    patient = RetryPolicy(attempts=2, backoff=0.001, max_wait=5, timeout=5)
    caplog.set_level(logging.INFO, logger="pccanalysis.sources.police_uk.http")
    t0 = time.monotonic()
    report = fetch(archives, tmp_path, retry=patient)
    assert time.monotonic() - t0 >= 1
    assert f"{archives.url}{ARCHIVE}: 503 Service Unavailable; try 2 of 2 in 1.0 s" in caplog.messages
    assert len(report.written) == 2


def test_retry_after_is_capped_by_max_wait(server, tmp_path, caplog):
    server.fake.api = lambda path, form: (200, [])
    server.fake.plans["/api/crimes-street/all-crime"] = [("status", 429, {"Retry-After": "120"})]
    policy = RetryPolicy(attempts=2, backoff=0.001, max_wait=0.2, timeout=5)
    caplog.set_level(logging.INFO, logger="pccanalysis.sources.police_uk.http")
    t0 = time.monotonic()
    frame, _ = get_street_crimes([(52.9, -1.2), (53.0, -1.2), (53.0, -1.1)], "2021-03",
                                 base_url=server.url, retry=policy)
    assert time.monotonic() - t0 < 5
    assert caplog.messages == [f"{server.url}/api/crimes-street/all-crime: 429 Too Many Requests; "
                               "try 2 of 2 in 0.2 s"]
    assert len(server.fake.requests) == 2 and frame.empty
