"""Tests for pccanalysis.briefing.inputs: months present, the latest quarter, source lines."""

from __future__ import annotations

import shutil
import zipfile

import pandas as pd
import pytest

from pccanalysis.briefing.inputs import (
    describe_sources,
    load_area,
    other_force_rows,
    resolve_quarter,
    street_months,
)
from pccanalysis.config import load_config
from pccanalysis.errors import ConfigError, PeriodError
from pccanalysis.periods import Quarter


def months(*labels):
    return [pd.Period(m, freq="M") for m in labels]


def test_street_months_from_folders_and_zips_by_name_only(tmp_path):
    folder = tmp_path / "police-uk"
    for name in ("2020-04/2020-04-northbridge-street.csv",
                 "2020-05/2020-05-northbridge-street.csv",
                 "2020-05/2020-05-northbridge-outcomes.csv",   # not a street file
                 "2020-06/2020-06-northbridge-stop-and-search.csv",
                 "2020-13/2020-13-northbridge-street.csv"):    # no such month
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("not read\n")
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("2020-05/2020-05-eastshire-street.csv", "")
        z.writestr("2020-07/2020-07-eastshire-street.csv", "")
    assert street_months([folder]) == months("2020-04", "2020-05")
    assert street_months([folder, archive]) == months("2020-04", "2020-05", "2020-07")
    # A zip inside the folder counts too.
    (folder / "old.zip").write_bytes(archive.read_bytes())
    assert street_months([folder]) == months("2020-04", "2020-05", "2020-07")


def test_street_months_skip_dot_folders(tmp_path):
    # A vintage kept by `pcc download` is not in use: its months do not count.
    for name in ("2020-04/2020-04-northbridge-street.csv",
                 ".vintages/2021-06-10/2020-09/2020-09-northbridge-street.csv",
                 "__MACOSX/2020-10/2020-10-northbridge-street.csv"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("not read\n")
    assert street_months([tmp_path]) == months("2020-04")


def test_resolve_quarter(sample_config):
    config = load_config(sample_config)
    # The sample has April 2018 to March 2021: all of 2020-21 Q4 (January to March 2021).
    assert resolve_quarter(config, "latest") == Quarter(2020, 4)
    assert resolve_quarter(config, " Latest ") == Quarter(2020, 4)
    assert resolve_quarter(config, "Q2 2019/20") == Quarter(2019, 2)
    with pytest.raises(PeriodError):
        resolve_quarter(config, "2019-20 Q7")


def test_latest_with_no_street_files(tmp_path, sample_dir):
    import shutil

    folder = tmp_path / "cfg"
    (folder / "police-uk").mkdir(parents=True)
    shutil.copytree(sample_dir / "geography", folder / "geography")
    (folder / "pcc.yaml").write_text(
        "areas: [{name: N, csp: Northbridge}]\n"
        "data: {police_uk: police-uk, lsoa_lookup: geography/lsoa11_ward19_lad19_lookup.csv,"
        " lad_lookup: geography/lad19_csp19_pfa19_lookup.csv}\n")
    config = load_config(folder / "pcc.yaml")
    with pytest.raises(ConfigError) as err:
        resolve_quarter(config, "latest")
    assert str(err.value) == (
        f"{folder / 'pcc.yaml'}: no data.police.uk street files (YYYY-MM-<force>-street.csv) were "
        f"found in {folder / 'police-uk'}, so there is no latest quarter."
    )


def test_describe_sources_of_the_sample(sample_config):
    sources, attributions = describe_sources(load_config(sample_config))
    assert sources[0] == (
        "Police recorded crime and anti-social behaviour: synthetic files in the format of "
        "data.police.uk street-level files for the Northbridge police force area, April 2018 to "
        "March 2021."
    )
    assert sources[-3:-1] == (
        "Police stop and search: synthetic files in the format of data.police.uk stop-and-search "
        "files (stop-and-search).",
        "Residents by ethnic group: synthetic files in the format of Census 2021 "
        "(population-by-ethnicity.csv).")
    assert attributions == (
        "Contains public sector information licensed under the Open Government Licence v3.0.",
        "Source: Office for National Statistics licensed under the OGL v3.0; contains OS data "
        "(c) Crown copyright and database right.",
    )


def _sample_copy(sample_dir, tmp_path):
    out = tmp_path / "sample"
    shutil.copytree(sample_dir, out, ignore=shutil.ignore_patterns(".pcc-cache", "outputs"))
    return out


def _neighbour_file(folder, month: str, rows: int) -> None:
    """A neighbouring force's street file with ``rows`` crimes located in Northbridge LSOAs
    (copied from the sample's own rows, with the publishing force changed)."""
    own = next((folder / "police-uk" / month).glob("*-street.csv"))
    lines = own.read_text(encoding="utf-8").splitlines()
    body = [line.replace("Northbridge Police", "Southshire Constabulary")
            for line in lines[1:] if "Northbridge Police" in line][:rows]
    assert len(body) == rows
    (folder / "police-uk" / month / f"{month}-southshire-street.csv").write_text(
        "\n".join([lines[0], *body]) + "\n", encoding="utf-8")


def test_another_forces_rows_are_left_out_and_counted(sample_dir, tmp_path):
    before = load_area(load_config(sample_dir / "pcc.yaml"))
    copy = _sample_copy(sample_dir, tmp_path)
    _neighbour_file(copy, "2020-06", 40)
    after = load_area(load_config(copy / "pcc.yaml"))
    # Same area totals as the force's own files, and one quality line naming the rows.
    assert len(after.frame) == len(before.frame)
    placing = after.quality[1]
    reason = ("published by Southshire Constabulary, located in Northbridge: another force's "
              "rows (include_other_forces: true counts them)")
    assert placing.excluded[reason] == 40
    text = (copy / "pcc.yaml").read_text(encoding="utf-8")
    (copy / "pcc.yaml").write_text("include_other_forces: true\n" + text, encoding="utf-8")
    counted = load_area(load_config(copy / "pcc.yaml"))
    assert len(counted.frame) == len(before.frame) + 40


@pytest.mark.parametrize(("force", "falls_within"), [
    ("Derbyshire", "Derbyshire Constabulary"),
    ("Metropolitan Police", "Metropolitan Police Service"),
    ("London, City of", "City of London Police"),
    ("Devon and Cornwall", "Devon & Cornwall Police"),
    ("Dyfed-Powys", "Dyfed-Powys Police"),
])
def test_ons_force_area_names_match_data_police_uk_force_names(force, falls_within):
    frame = pd.DataFrame({"falls_within": [falls_within, "Leicestershire Police", None]})
    # A row with no force named is kept as the force's own: nothing says otherwise.
    assert other_force_rows(frame, [force]).tolist() == [False, True, False]
    assert other_force_rows(frame, []).tolist() == [False, False, False]


def test_a_force_that_published_nothing_here_is_a_config_error(sample_dir, tmp_path):
    copy = _sample_copy(sample_dir, tmp_path)
    text = (copy / "pcc.yaml").read_text(encoding="utf-8")
    # Eastshire is a real force area of the lookup, but none of these files is its.
    (copy / "pcc.yaml").write_text(text.replace("force: Northbridge\n", "force: Eastshire\n"),
                                   encoding="utf-8")
    with pytest.raises(ConfigError, match=r"force 'Eastshire' matches no force that published "
                                          r"the police files \(Northbridge Police\)"):
        load_area(load_config(copy / "pcc.yaml"))


def test_all_csps_of_a_force(sample_dir, tmp_path):
    # The sample's lookup puts one CSP, Northbridge, in the Northbridge force area, so the force
    # area is named apart from it.
    from pccanalysis.briefing.inputs import expand_areas
    from pccanalysis.config import Area, load_config

    shutil.copytree(sample_dir, tmp_path / "s")
    path = tmp_path / "s" / "pcc.yaml"
    path.write_text(path.read_text().replace(
        "areas:\n- name: Northbridge\n  csp: Northbridge\n", "areas: {all_csps_of: northbridge}\n"))
    config = load_config(path)
    assert config.areas == () and config.all_csps_of == ("northbridge",)
    with pytest.raises(ConfigError, match="all_csps_of needs the LAD lookup"):
        config.area("Northbridge")
    expanded = expand_areas(config)
    assert expanded.areas == (Area(name="Northbridge force area", force="Northbridge"),
                              Area(name="Northbridge", csps=("Northbridge",)))
    assert expanded.area("Northbridge").kind == "csp"
    assert expand_areas(expanded) is expanded
    assert expanded.title == "Northbridge (synthetic sample)"  # the file's title


def test_all_csps_of_derbyshire(ons_2021, derbyshire_zip, tmp_path):
    # ONS's 2024 lookup: Derbyshire's nine local authorities are nine CSPs.
    from pccanalysis.briefing.inputs import expand_areas
    from pccanalysis.config import load_config

    (tmp_path / "pcc.yaml").write_text(
        "force: Derbyshire\nareas:\n  - name: Derby city centre\n    local_authorities: Derby\n"
        "  - all_csps_of: Derbyshire\n"
        f"data: {{police_uk: {derbyshire_zip}, lsoa_lookup: {ons_2021['lsoa_lookup']}, "
        f"lad_lookup: {ons_2021['lad_lookup']}}}\n")
    names = [a.name for a in expand_areas(load_config(tmp_path / "pcc.yaml")).areas]
    assert names == ["Derby city centre", "Derbyshire", "Amber Valley", "Bolsover",
                     "Chesterfield", "Derby", "Derbyshire Dales", "Erewash", "High Peak",
                     "North East Derbyshire", "South Derbyshire"]
