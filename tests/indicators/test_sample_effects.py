"""The indicators recover the effects built into the SYNTHETIC Northbridge sample.

pccanalysis.sample documents them: from April 2020 crime is x0.804 in the area (City Centre
x0.50, Dales x1.25 against the trend, the ten other wards x0.85) and ASB x1.30; October 2020 is
published with only 10% of its ASB (a publication gap). The sample is written to a temporary
folder and read with the project's own loaders, as a notebook would.
"""

from __future__ import annotations

import importlib.util

import pandas as pd
import pytest

from pccanalysis.indicators.change import between, change, change_by
from pccanalysis.indicators.counts import ASB, all_crime
from pccanalysis.indicators.gaps import find_gaps

_MISSING = [
    m for m in ("pccanalysis.sample", "pccanalysis.sources.police_uk",
                "pccanalysis.sources.geography")
    if importlib.util.find_spec(m) is None
]
pytestmark = pytest.mark.skipif(
    bool(_MISSING), reason=f"the sample or its loaders do not exist yet: {', '.join(_MISSING)}"
)

FY = between("2020-21", "2019-20")


@pytest.fixture(scope="module")
def street(tmp_path_factory) -> pd.DataFrame:
    from pccanalysis.sample.write import write_sample
    from pccanalysis.sources.geography import read_lad_lookup, read_lsoa_lookup
    from pccanalysis.sources.placing import attach_geography
    from pccanalysis.sources.police_uk.read import read_street

    paths = write_sample(tmp_path_factory.mktemp("sample") / "sample")
    frame, _ = read_street(paths["police_uk"], force_areas=["Northbridge"], cache_dir=False)
    return attach_geography(frame, read_lsoa_lookup(paths["lsoa_lookup"]),
                            read_lad_lookup(paths["lad_lookup"]))


@pytest.fixture(scope="module")
def gaps(street) -> pd.DataFrame:
    return find_gaps(street, "crime_type")


def test_crime_fell_about_a_fifth(street, gaps):
    # Built in: x0.804, i.e. -19.6%; Poisson noise on ~36,000 crimes a year is under 1%.
    r = change(all_crime(street), FY, label="All crime", gaps=gaps)
    assert r.verdict == "fell"
    assert r.percent == pytest.approx(-19.6, abs=2)
    assert r.caveat is None  # the gap is in ASB, which "all crime" leaves out


def test_asb_rose_about_a_third_and_the_gap_is_a_caveat(street, gaps):
    asb = street[street["crime_type"] == ASB]
    whole_year = change(asb, FY, label=ASB, gaps=gaps)
    assert whole_year.verdict == "rose"
    assert whole_year.caveat is not None
    assert [str(g.month) for g in whole_year.caveat.gaps] == ["2020-10"]
    # Leaving October out of both years shows the built-in +30%.
    months = [m for m in FY.current_months if str(m) != "2020-10"]
    clean = change(asb, between(months, [m - 12 for m in months]), label=ASB, gaps=gaps)
    assert clean.verdict == "rose"
    assert clean.percent == pytest.approx(30, abs=4)
    assert clean.caveat is None


def test_dales_is_the_only_ward_where_crime_rose(street, gaps):
    own = all_crime(street[street["lad_name"] == "Northbridge"])
    table = change_by(own, FY, "ward_name", gaps=gaps)
    assert len(table) == 12
    assert table.loc[table.verdict == "rose", "ward_name"].tolist() == ["Dales"]
    assert table.loc[table.verdict != "fell", "ward_name"].tolist() == ["Dales"]
    city = table.set_index("ward_name").loc["City Centre"]
    assert city["percent"] == pytest.approx(-50, abs=4)


def test_the_asb_gap_month_is_the_only_gap(gaps):
    assert gaps[["month", "crime_type"]].astype(str).values.tolist() == [["2020-10", ASB]]
    # 10% of the usual level.
    assert gaps["ratio"].iloc[0] == pytest.approx(0.10, abs=0.03)


def test_the_briefing_settings_keep_the_built_in_effects(street, gaps):
    # Briefings allow for over-dispersion (phi estimated from each series' 24 earlier months)
    # and adjust ward tables for 12 comparisons (Holm). The built-in effects are far larger
    # than either allowance, so every verdict above stands.
    crime = change(all_crime(street), FY, gaps=gaps, dispersion="estimate")
    assert crime.verdict == "fell" and crime.dispersion >= 1
    asb = street[street["crime_type"] == ASB]
    months = [m for m in FY.current_months if str(m) != "2020-10"]
    clean = change(asb, between(months, [m - 12 for m in months]), dispersion="estimate")
    assert clean.verdict == "rose"
    own = all_crime(street[street["lad_name"] == "Northbridge"])
    table = change_by(own, FY, "ward_name", gaps=gaps, dispersion="estimate", adjust="holm")
    assert table.loc[table.verdict == "rose", "ward_name"].tolist() == ["Dales"]
    assert table.loc[table.verdict != "fell", "ward_name"].tolist() == ["Dales"]
    assert (table["adjusted_p"] >= table["p_value"]).all()
