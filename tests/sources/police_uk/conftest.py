"""Fixtures for the tests that talk to the fake data.police.uk (see fake_police_uk.py)."""

from __future__ import annotations

import pytest
from fake_police_uk import FIXTURES, build_zip, start_server


@pytest.fixture
def server():
    httpd = start_server()
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
