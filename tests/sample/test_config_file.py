"""Tests for pccanalysis.sample.config_file: the sample's pcc.yaml, read back by load_config."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pccanalysis.config import Area, load_config
from pccanalysis.periods import Quarter
from pccanalysis.sample.config_file import write_sample_config


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A sample-like folder with the files the tests name."""
    root = tmp_path / "config"
    (root / "police-uk").mkdir(parents=True)
    for name in ("geo/lsoa.csv", "geo/lad.csv", "geo/pop.csv", "local/tracker-q4.csv",
                 "local/indicators.csv"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x\n")
    return root


def test_write_sample_config_round_trips(folder, tmp_path):
    paths = {
        "police_uk": folder / "police-uk",
        "lsoa_lookup": folder / "geo" / "lsoa.csv",
        "lad_lookup": folder / "geo" / "lad.csv",
        "population": folder / "geo" / "pop.csv",
        "tracker": {"2020-21 Q4": folder / "local" / "tracker-q4.csv"},
        "indicator_tables": [folder / "local" / "indicators.csv"],
        "readme": folder / "geo" / "pop.csv",  # not a configuration key: left out
    }
    path = write_sample_config(folder, paths)
    text = path.read_text()
    assert "police_uk: police-uk\n" in text  # relative to the sample folder
    assert "readme" not in text
    config = load_config(path)
    assert config.publication.synthetic is True
    assert config.publication.protective_marking == "OFFICIAL"
    assert config.areas == (Area(name="Northbridge", csps=("Northbridge",)),)
    assert config.force == ("Northbridge",)
    assert config.data.tracker == {Quarter(2020, 4): folder / "local" / "tracker-q4.csv"}
    # tmp_path is not inside a pccanalysis checkout, so outputs go beside the sample.
    assert config.output_dir == folder / "outputs"
    # Moving the folder keeps it working: every path in it is relative.
    moved = tmp_path / "moved"
    os.rename(folder, moved)
    assert load_config(moved / "pcc.yaml").data.lsoa_lookup == moved / "geo" / "lsoa.csv"


def test_sample_config_in_a_checkout_writes_to_the_checkouts_outputs(folder, tmp_path):
    # A sample at <repo>/data/sample (as `make sample` writes it) sends briefings to
    # <repo>/outputs and the cache to <repo>/.pcc-cache, whatever the working directory.
    repo = tmp_path / "checkout"
    (repo / "data").mkdir(parents=True)
    (repo / "pyproject.toml").write_text('[project]\nname = "pccanalysis"\n')
    sample = repo / "data" / "sample"
    shutil.copytree(folder, sample)
    path = write_sample_config(sample, {
        "police_uk": sample / "police-uk", "lsoa_lookup": sample / "geo" / "lsoa.csv",
        "lad_lookup": sample / "geo" / "lad.csv"})
    assert "output_dir: ../../outputs\n" in path.read_text()
    config = load_config(path)
    assert config.output_dir == repo / "outputs"
    assert config.cache_dir == repo / ".pcc-cache"
