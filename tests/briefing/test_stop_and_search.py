"""The stop-and-search briefing's loading and sections, on the synthetic sample (figures checked
against pandas reading the sample's CSV files directly)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from pccanalysis.briefing import stop_and_search as sas
from pccanalysis.briefing.inputs import load_area
from pccanalysis.config import load_config
from pccanalysis.errors import DataError
from pccanalysis.periods import Quarter

Q4 = Quarter(2020, 4)  # 2020-21 Q4, January to March 2021


@pytest.fixture(scope="module")
def sample(sample_config):
    config = load_config(sample_config)
    return config, sas.load_searches(config)


@pytest.fixture(scope="module")
def raw(sample_dir):
    files = sorted((sample_dir / "stop-and-search").glob("*/*.csv"))
    frame = pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False) for f in files])
    return frame[frame["Date"].str[:7].isin(["2021-01", "2021-02", "2021-03"])]


def test_force_area_figures_match_pandas(sample, raw):
    config, data = sample
    assert data.area is None  # the CSP Northbridge is the whole force area
    head = sas.headline(config, data, Q4)
    assert head.results["change"].current == len(raw)
    linked = raw["Outcome linked to object of search"]
    find = head.results["find"]
    assert (find.count, find.total) == ((linked == "True").sum(), linked.isin(["True", "False"]).sum())
    young = head.results["children"]
    assert young.count == raw["Age range"].isin(["under 10", "10-17"]).sum()
    assert young.total == (raw["Age range"] != "").sum()
    eth = sas.ethnicity(config, data, Q4).results["rates"].set_index("ethnic_group")
    group = raw["Self-defined ethnicity"].str.split(" - ").str[0].map({
        "White": "White", "Black/African/Caribbean/Black British": "Black",
        "Asian/Asian British": "Asian", "Mixed/Multiple ethnic groups": "Mixed",
        "Other ethnic group": "Other"})
    group = group.where(raw["Self-defined ethnicity"] != "Other ethnic group - Not stated")
    group = group.fillna(raw["Officer-defined ethnicity"].replace("", None))
    counts = group.value_counts()
    for g in ("White", "Black", "Asian", "Mixed", "Other"):
        assert eth.loc[g, "searches"] == counts[g], g
    pop = pd.read_csv(config.data.population_by_ethnicity)
    white = pop[(pop["area_code"] == "E06990001") & (pop["ethnic_group"] == "White")]
    assert eth.loc["White", "population"] == white["population"].iloc[0]
    black = (counts["Black"] / eth.loc["Black", "population"]) / (
        counts["White"] / eth.loc["White", "population"])
    assert eth.loc["Black", "ratio"] == pytest.approx(black)
    assert eth.loc["Black", "verdict"] == "more"  # the sample searches Black people 3x as often
    laws = sas.grounds(config, data, Q4).results["legislation"].set_index("legislation")
    assert laws["count"].to_dict() == raw["Legislation"].value_counts().to_dict()


def test_every_section_renders(sample):
    config, data = sample
    vol = sas.volume(config, data, Q4)
    assert vol.results["shift"] is not None  # the sample's step up in April 2020
    assert len(vol.figures) == 1 and vol.figures[0].alt_text
    assert sas.grounds(config, data, Q4).figures
    assert len(sas.outcomes(config, data, Q4).sentences) == 2
    assert sas.ethnicity(config, data, Q4).figures
    assert sas.area_view(config, data, Q4).notes == [
        "Northbridge covers the whole of the Northbridge force area, so the figures above are "
        "its figures."]
    assert sas.unknown_values_caveat(data).caveats == []


def _copy(sample_dir, tmp_path, edit):
    copy = tmp_path / "sample"
    shutil.copytree(sample_dir, copy, ignore=shutil.ignore_patterns("outputs", ".pcc-cache"))
    text = (copy / "pcc.yaml").read_text(encoding="utf-8")
    (copy / "pcc.yaml").write_text(edit(text), encoding="utf-8")
    return load_config(copy / "pcc.yaml"), copy


def test_without_population_or_files(sample_dir, tmp_path):
    config, copy = _copy(sample_dir, tmp_path, lambda t: t.replace(
        "  population_by_ethnicity: geography/population-by-ethnicity.csv\n", ""))
    data = sas.load_searches(config)
    section = sas.ethnicity(config, data, Q4)
    assert section.sentences[0].startswith("No population by ethnic group is configured")
    assert "rates" not in section.results and "counts" in section.results
    assert len(sas.headline(config, data, Q4).headline) == 3  # no ratio card
    config, _ = _copy(sample_dir, tmp_path / "b", lambda t: t.replace(
        "  stop_and_search: stop-and-search\n", ""))
    empty = sas.load_searches(config)  # the police-uk folder holds street files only
    assert empty.force is None
    assert sas.headline(config, empty, Q4).notes[0].startswith("No stop-and-search files")
    assert sas.volume(config, empty, Q4).sentences == []


def test_a_population_without_the_areas_local_authority_is_named(sample_dir, tmp_path):
    config, copy = _copy(sample_dir, tmp_path, lambda t: t)
    path = copy / "geography" / "population-by-ethnicity.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(lines[0] + "".join(x for x in lines[1:] if "Northbridge" not in x))
    with pytest.raises(DataError) as err:
        sas.load_searches(config)
    assert str(err.value) == (f"{path}, column 'area_code': there are no rows for Northbridge "
                              "(E06990001), a local authority of the Northbridge force area.")


def test_searches_are_placed_in_an_area_by_their_coordinates(sample_dir, tmp_path):
    # Eastmoor (another district) as the briefing's area: the sample's searches are all in
    # Northbridge, so none is Eastmoor's; a search at an Eastmoor street point would be.
    config, _ = _copy(sample_dir, tmp_path, lambda t: t.replace(
        "areas:\n- name: Northbridge\n  csp: Northbridge\n",
        "areas:\n- name: Eastmoor\n  csp: Eastmoor\n"))
    data = sas.load_searches(config)
    assert data.area.name == "Eastmoor" and len(data.area.frame) == 0
    assert data.area.note.startswith("0 of the force's 6,")
    street = load_area(load_config(sample_dir / "pcc.yaml"), "Northbridge").frame
    # points of street rows placed in a Northbridge ward
    points = street.dropna(subset=["longitude"]).head(3)[["longitude", "latitude"]]
    assert not sas.searches_in(points, {"E07990002"}, config).any()
    assert sas.searches_in(points, {"E06990001"}, config).all()
