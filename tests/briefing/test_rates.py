"""Rates per 1,000 residents beside the counts of the quarterly briefing (expected by hand)."""

from __future__ import annotations

import re

import pytest

from pccanalysis.briefing import quarterly, rates
from pccanalysis.briefing.common import data_gaps
from pccanalysis.briefing.inputs import load_area
from pccanalysis.config import load_config
from pccanalysis.periods import Quarter

Q4 = Quarter(2020, 4)


def cell_texts(row: str) -> list[str]:
    """The text of each number cell of a table row's HTML, as a reader sees it."""
    return [re.sub(r"<[^>]+>", "", c) for c in re.findall(r'<td class="num">(.*?)</td>', row)]


@pytest.fixture(scope="module")
def sample(sample_config):
    config = load_config(sample_config)
    data = load_area(config)
    return config, data, data_gaps(data)


def test_area_population_of_the_sample(sample):
    config, data, _ = sample
    # the 12 wards' mid-2018 populations grown 0.5% a year to mid-2020, rounded, summed
    # (pccanalysis.sample.geography.population): 274,373
    assert rates.area_population(config, data, 2021) == (274_373.0, 2020)


def test_headline_cards_carry_the_rate(sample):
    config, data, gaps = sample
    section = rates.with_rates(config, data, Q4, quarterly.performance_headline(data, Q4, gaps))
    card = section.headline[0]
    # 7,154 crimes / 274,373 residents x 1,000 = 26.07. Byar: sqrt(7,154) = 84.581, z / (3 x
    # 84.581) = 0.0077242; 7,154 x (1 - 1/64,386 - 0.0077242)^3 = 6,989.2 -> 25.47 per 1,000;
    # 7,155 x (1 - 1/64,395 + 0.0077236)^3 = 7,321.7 -> 26.69.
    assert card.detail.endswith("; 26.1 per 1,000 residents (25.5 to 26.7)")
    assert card.value == quarterly.performance_headline(data, Q4, gaps).headline[0].value
    assert section.notes[-1] == (
        "Rates are per 1,000 residents, from Northbridge's mid-2020 population (274,373), with "
        "95% intervals (exact for fewer than 10 events, Byar's above).")


def test_ward_table_has_each_wards_rate(sample):
    config, data, gaps = sample
    section = quarterly.performance_by(config, data, Q4, "ward", gaps)
    table = section.tables[0]
    assert table.count("Per 1,000 residents") == 2
    # City Centre: 1,761 crimes in 2019-20 Q4 over 16,645 residents (16,480 x 1.005^2) =
    # 105.80 per 1,000
    row = re.search(r'<th scope="row">City Centre</th>(.*?)</tr>', table).group(1)
    assert '<td class="num">1,761</td><td class="num">105.8<span class="pcc-interval"> (' in row
    assert "Not in any of the area&#x27;s wards" in table


def test_crime_type_table_uses_the_areas_population(sample):
    config, data, gaps = sample
    section = quarterly.performance_by(config, data, Q4, "crime_type", gaps)
    # Burglary, 545 in 2020-21 Q4: 545 / 274,373 x 1,000 = 1.99
    row = re.search(r'<th scope="row">Burglary</th>(.*?)</tr>', section.tables[0]).group(1)
    assert '<td class="num">545</td><td class="num">2.0<span class="pcc-interval"> (' in row
    assert section.notes[0] == (
        "Rates are per 1,000 residents, from Northbridge's mid-2020 population (274,373), with "
        "95% intervals (exact for fewer than 10 events, Byar's above).")


def test_without_population_nothing_changes(sample_dir, tmp_path):
    import shutil

    copy = tmp_path / "sample"
    shutil.copytree(sample_dir, copy, ignore=shutil.ignore_patterns("outputs", ".pcc-cache"))
    text = (copy / "pcc.yaml").read_text(encoding="utf-8")
    (copy / "pcc.yaml").write_text(text.replace("  population: geography/population.csv\n", ""),
                                   encoding="utf-8")
    config = load_config(copy / "pcc.yaml")
    data = load_area(config)
    before = quarterly.performance_headline(data, Q4)
    after = rates.with_rates(config, data, Q4, before)
    assert after.headline == before.headline and after.notes == before.notes


def test_ward_table_total_is_the_areas_rate_and_unplaced_crime_has_none(sample):
    config, data, gaps = sample
    table = quarterly.performance_by(config, data, Q4, "ward", gaps).tables[0]
    # the total, 7,154 crimes in 2020-21 Q4 over the area's 274,373 residents: 26.1 per 1,000
    # with Byar's interval 25.5 to 26.7 (worked in test_headline_cards_carry_the_rate)
    total = re.search(r'<tr class="pcc-total">(.*?)</tr>', table, re.S).group(1)
    assert cell_texts(total)[2:4] == ["7,154", "26.1 (25.5 to 26.7)"]
    rest = re.search(r"Not in any of the area&#x27;s wards</th>(.*?)</tr>", table, re.S).group(1)
    cells = cell_texts(rest)
    assert cells[1] == "" and cells[3] == ""  # no residents to be per


def test_each_period_has_its_own_mid_year(sample):
    # 2019-20 Q4 against 2018-19 Q4: the middle months are February 2020 and February 2019, so
    # the current counts are per the mid-2020 population and the previous per mid-2019's.
    config, data, gaps = sample
    section = quarterly.performance_by(config, data, Quarter(2019, 4), "crime_type", gaps)
    assert section.notes[0].startswith(
        "Rates are per 1,000 residents, from Northbridge's mid-2019 and mid-2020 population "
        "(274,373)")
    table = section.results["table"].set_index("crime_type")
    # Burglary: worked from the table's own counts and the two populations
    (p2019, _), (p2020, _) = (rates.area_population(config, data, y) for y in (2019, 2020))
    assert p2019 < p2020 == 274_373
    row = re.search(r'<th scope="row">Burglary</th>(.*?)</tr>', section.tables[0]).group(1)
    before, now = (int(table.loc["Burglary", k]) for k in ("previous", "current"))
    assert f'<td class="num">{before / p2019 * 1000:.1f}<span' in row
    assert f'<td class="num">{now / p2020 * 1000:.1f}<span' in row


@pytest.mark.real_data
def test_derby_rates_are_per_its_lsoas_residents(derbyshire_config, ons_2021, tmp_path):
    # Derby's residents are the sum of the mid-2022 populations of the LSOAs the ONS lookup
    # puts in Derby (E06000015), read here with pandas alone; the crime-type table's total
    # rate is the headline's crime count per 1,000 of them.
    import pandas as pd

    from pccanalysis.periods import parse_quarter

    config = derbyshire_config(tmp_path, "- name: Derby\n  csp: Derby\n",
                               f"  lsoa_population: {ons_2021['population']}\n")
    data = load_area(config)
    lookup = pd.read_csv(ons_2021["lsoa_lookup"], encoding="utf-8-sig")
    pop = pd.read_csv(ons_2021["population"], encoding="utf-8-sig")
    derby = set(lookup.loc[lookup["LAD23CD"] == "E06000015", "LSOA21CD"])
    expected = float(pop.loc[pop["lsoacd"].isin(derby), "population"].sum())
    assert rates.area_population(config, data, 2024) == (expected, 2022)
    quarter = parse_quarter("2024-25 Q3")
    gaps = data_gaps(data)
    crime = quarterly.performance_headline(data, quarter, gaps).results["All crime this quarter"]
    table = quarterly.performance_by(config, data, quarter, "crime_type", gaps).tables[0]
    total = re.search(r'<tr class="pcc-total">(.*?)</tr>', table, re.S).group(1)
    cells = cell_texts(total)
    assert cells[2] == f"{crime.current:,}"
    assert cells[3].startswith(f"{crime.current / expected * 1000:.1f} (")
