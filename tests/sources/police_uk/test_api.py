"""Tests for pccanalysis.sources.police_uk.api: the street-level crime API and its frame.

Against the fake data.police.uk on 127.0.0.1 (fake_police_uk.py); nothing touches the internet.
"""

from __future__ import annotations

import urllib.parse

import pandas as pd
import pytest
from fake_police_uk import FAST

from pccanalysis.errors import PccError
from pccanalysis.sources.police_uk.api import get_street_crimes, get_street_crimes_in_box
from pccanalysis.sources.police_uk.read import read_street

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


def test_api_frame_has_the_street_files_columns_and_types(server, test_data):
    server.fake.api = lambda path, form: (200, CRIMES)
    frame, _ = get_street_crimes([(52.9, -1.2), (53.0, -1.2), (53.0, -1.1)], "2021-03",
                                 base_url=server.url, retry=FAST)
    street, _ = read_street(test_data / "police_uk" / "folder", cache_dir=False)
    shared = list(street.columns[:13])  # the street columns before the flags
    assert list(frame.columns) == [*shared, "api_id", "location_type", "outcome_month"]
    assert [str(frame[c].dtype) for c in shared] == [str(street[c].dtype) for c in shared]
    assert frame[["reported_by", "lsoa_code", "local_authority"]].isna().all().all()
