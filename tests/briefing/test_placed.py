"""Tests for pccanalysis.briefing.placed: the force's rows placed once and shared by kernels."""

from __future__ import annotations

import os
import shutil

import pandas as pd

from pccanalysis.briefing.inputs import load_area
from pccanalysis.briefing.placed import PLACED_ENV, place_rows, rows_key, save_rows, shared_rows
from pccanalysis.config import load_config


def test_shared_rows_give_the_same_area_data(sample_config, tmp_path, monkeypatch):
    config = load_config(sample_config)
    own = load_area(config, "Northbridge")
    path = save_rows(place_rows(config), tmp_path / "placed.pickle")
    monkeypatch.setenv(PLACED_ENV, str(path))
    assert shared_rows(config) is not None
    shared = load_area(config, "Northbridge")
    pd.testing.assert_frame_equal(shared.frame, own.frame)
    assert [q.to_dict() for q in shared.quality] == [q.to_dict() for q in own.quality]
    pd.testing.assert_frame_equal(shared.wards, own.wards)


def test_rows_made_from_other_files_are_not_used(sample_dir, tmp_path, monkeypatch):
    shutil.copytree(sample_dir, tmp_path / "s")
    config = load_config(tmp_path / "s" / "pcc.yaml")
    path = save_rows(place_rows(config), tmp_path / "placed.pickle")
    monkeypatch.setenv(PLACED_ENV, str(path))
    assert shared_rows(config).key == rows_key(config)
    lookup = config.data.lsoa_lookup
    os.utime(lookup, ns=(lookup.stat().st_atime_ns, lookup.stat().st_mtime_ns + 10**9))
    assert shared_rows(config) is None  # the lookup was replaced: place them again
    monkeypatch.setenv(PLACED_ENV, str(tmp_path / "absent.pickle"))
    assert shared_rows(config) is None
    monkeypatch.delenv(PLACED_ENV)
    assert shared_rows(config) is None


def test_what_the_run_checked_is_not_read_again(sample_config, tmp_path):
    from pccanalysis.publish.plan import plan_run

    config = load_config(sample_config)
    plan = plan_run(config, "2020-21 Q4", output_dir=tmp_path)
    # The sample has ward boundaries but no LSOA bridge or LSOA populations.
    assert {k for k, v in plan.loaded.items() if v is not None} == {
        "lsoa", "lads", "street", "wards"}
    handed = place_rows(config, plan.loaded)
    own = place_rows(config)
    pd.testing.assert_frame_equal(handed.frame, own.frame)
    assert handed.quality.to_dict() == own.quality.to_dict()
    assert handed.key == own.key
