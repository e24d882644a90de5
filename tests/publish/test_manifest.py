"""Tests for pccanalysis.publish.manifest: input hashes, the short id, writing the manifest."""

from __future__ import annotations

import json

from pccanalysis.config import load_config
from pccanalysis.files import file_digest
from pccanalysis.publish.manifest import (
    code_version,
    input_files,
    read_manifest,
    short_id,
    write_manifest,
)


def test_input_files_of_the_sample(sample_config):
    config = load_config(sample_config)
    files = input_files(config)
    roles = [f["role"] for f in files]
    # 36 monthly street files (April 2018 to March 2021), then the lookups, population, config.
    assert roles.count("police_uk") == 36
    assert roles[36:39] == ["lsoa_lookup", "lad_lookup", "population"]
    assert roles[-1] == "config"
    assert files[0]["path"] == "police-uk/2018-04/2018-04-northbridge-street.csv"
    assert files[-1]["path"] == "pcc.yaml"
    first = config.folder / files[0]["path"]
    assert files[0]["sha256"] == file_digest(first)
    assert files[0]["bytes"] == first.stat().st_size


def test_a_zip_is_one_input(tmp_path, sample_dir):
    import shutil
    import zipfile

    folder = tmp_path / "cfg"
    shutil.copytree(sample_dir / "geography", folder / "geography")
    with zipfile.ZipFile(folder / "street.zip", "w") as z:
        z.writestr("2021-03/2021-03-northbridge-street.csv", "Crime ID\n")
    (folder / "pcc.yaml").write_text(
        "areas: [{name: N, csp: Northbridge}]\n"
        "data: {police_uk: street.zip, lsoa_lookup: geography/lsoa11_ward19_lad19_lookup.csv,"
        " lad_lookup: geography/lad19_csp19_pfa19_lookup.csv}\n")
    files = input_files(load_config(folder / "pcc.yaml"))
    assert [(f["role"], f["path"]) for f in files] == [
        ("police_uk", "street.zip"),
        ("lsoa_lookup", "geography/lsoa11_ward19_lad19_lookup.csv"),
        ("lad_lookup", "geography/lad19_csp19_pfa19_lookup.csv"),
        ("config", "pcc.yaml"),
    ]
    assert files[0]["sha256"] == file_digest(folder / "street.zip")


def test_short_id_depends_on_content_not_on_order():
    a = {"role": "police_uk", "path": "a.csv", "sha256": "11"}
    b = {"role": "lookup", "path": "b.csv", "sha256": "22"}
    code = {"package_version": "0.1.0", "git_commit": "abc"}
    params = {"quarter": "2020-21 Q4"}
    first = short_id([a, b], params, code)
    assert len(first) == 8 and int(first, 16) >= 0
    assert short_id([b, a], params, code) == first
    assert short_id([a, b | {"sha256": "23"}], params, code) != first
    assert short_id([a, b], {"quarter": "2020-21 Q3"}, code) != first
    assert short_id([a, b], params, code | {"package_version": "0.2.0"}) != first
    # Sizes, the commit and other fields do not enter the id.
    assert short_id([a | {"bytes": 5}, b], params,
                    code | {"git_commit": "abd", "git_dirty": True}) == first


def test_code_version_outside_a_checkout(tmp_path):
    assert code_version(tmp_path)["git_commit"] is None
    assert code_version(tmp_path)["package_version"]


def test_write_and_read_manifest(tmp_path):
    manifest = {"short_id": "0a1b2c3d", "quarter": "2020-21 Q4", "briefings": []}
    path = write_manifest(tmp_path, manifest)
    assert path == tmp_path / "manifest.json"
    assert json.loads(path.read_text()) == manifest
    assert json.loads((tmp_path / "manifests" / "0a1b2c3d.json").read_text()) == manifest
    assert read_manifest(tmp_path) == manifest
    assert read_manifest(tmp_path / "none") is None
