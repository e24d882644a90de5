"""Tests for pccanalysis.briefing.needs on tiny hand-made frames and tables (expected values
worked by hand)."""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest
from briefing.frames import area_data, config_with, months, street, wards_frame

from pccanalysis.briefing.needs import harm_view, local_against_national, ward_rates, ward_shares
from pccanalysis.periods import Quarter
from pccanalysis.publish.run import run_quarter


def _harm_frame() -> pd.DataFrame:
    # January 2020 to March 2021: burglary 2 a month; drugs 3 a month; violence 1 a month,
    # except 2 in January 2020 and 2 a month in January to March 2021.
    counts = {}
    for m in months("2020-01", "2021-03"):
        counts[(m, "Burglary", "Abbey")] = 2
        counts[(m, "Drugs", "Abbey")] = 3
        counts[(m, "Violence and sexual offences", "Abbey")] = 2 if m >= "2021-01" else 1
    counts[("2020-01", "Violence and sexual offences", "Abbey")] = 2
    return street(counts)


def test_ward_shares_leave_out_wards_outside_the_area(config):
    # 2020-21 (April 2020 to March 2021): Abbey 9 x 30 + 3 x 20 = 330, Castle 9 x 30 + 3 x 25
    # = 345: Castle 345 / 675 = 51.1%, Abbey 48.9%; Moorside's 105 are not in the total.
    frame = wards_frame()
    extra = street({(m, "Burglary", "Abbey"): 1 for m in months("2019-04", "2019-12")})
    data = area_data(pd.concat([extra, frame], ignore_index=True))
    section = ward_shares(config, data, Quarter(2020, 4))
    shares = section.results["shares"]
    assert set(shares["ward"]) == {"Abbey", "Castle"}
    latest = shares[shares["financial_year"] == "2020-21"].set_index("ward")["share"]
    assert latest["Castle"] == pytest.approx(100 * 345 / 675)
    # Castle, the largest, against 2019-20: 120 of 249 (Abbey 9 + 120) = 48.2%. Fisher's exact
    # test on [[345, 330], [120, 129]] gives p about 0.4: similar, so no "rose".
    assert section.results["share"].verdict == "similar"
    # Shares are of the crime placed in wards, and the sentence says so; 675 and 249 crimes.
    assert section.sentences == [
        "Castle accounted for 51.1% of the crime placed in the area's wards in 2020-21, similar "
        "to 48.2% in 2019-20.",
        "Every one of the area's crimes (675 in 2020-21 and 249 in 2019-20) was placed in a "
        "ward."]
    assert section.figures[0].pcc_title == (
        "Castle accounted for 51.1% of the crime placed in the area's wards in 2020-21, similar "
        "to 48.2% in 2019-20")


def test_local_against_national_tests_the_comparators_own_change(sample_dir, tmp_path):
    # Northbridge 100 -> 127; England 5,100 -> 5,237, which is 5,000 -> 5,110 without
    # Northbridge (+2.2%; exact test on 5,110 of 10,110, p about 0.28): "no significant
    # change", not "a rise". Local +27% (p about 0.08): similar; the comparison: chance.
    (tmp_path / "suicide.csv").write_text(
        "indicator,area,period,breakdown,value,comparator_area\n"
        "Recorded suicides,Northbridge,2019,All,100,England\n"
        "Recorded suicides,England,2019,All,5100,\n"
        "Recorded suicides,Northbridge,2020,All,127,England\n"
        "Recorded suicides,England,2020,All,5237,\n")
    config = config_with(sample_dir, tmp_path, "  indicator_tables: [suicide.csv]\n")
    section = local_against_national(config, "Northbridge")
    assert section.results["Recorded suicides: England"].verdict == "similar"
    assert section.sentences == [
        "The number of recorded suicides was similar (+27%) locally in 2020 compared with "
        "2019, against no significant change (+2.2%) in England; the difference between the "
        "two could be chance."
    ]
    assert section.figures[0].pcc_title == (
        "Recorded suicides in Northbridge: no clear difference from England")


def test_a_rate_with_a_comparator_is_shown_whole_and_not_tested(sample_dir, tmp_path):
    # int() would have made 10.9 into 10 and tested rates as if they were counts
    (tmp_path / "rates.csv").write_text(
        "indicator,area,period,breakdown,value,unit,comparator_area\n"
        "Suicide rate,Northbridge,2019,All,9.8,rate,England\n"
        "Suicide rate,England,2019,All,10.1,rate,\n"
        "Suicide rate,Northbridge,2020,All,10.9,rate,England\n"
        "Suicide rate,England,2020,All,10.4,rate,\n")
    config = config_with(sample_dir, tmp_path, "  indicator_tables: [rates.csv]\n")
    section = local_against_national(config, "Northbridge")
    assert section.sentences == [
        "The suicide rate in Northbridge was 10.9 in 2020 and 9.8 in 2019, against 10.4 and "
        "10.1 in England. These are rates, not counts, so the change is shown but not tested "
        "against chance."]
    assert section.figures == []
    assert ('<tr><td>Northbridge</td><td class="num">9.8</td><td class="num">10.9</td></tr>'
            '<tr><td>England</td><td class="num">10.1</td><td class="num">10.4</td></tr>'
            in section.tables[0])


def test_harm_view_weights_crime_with_a_made_up_scheme(sample_dir, tmp_path):
    # MADE-UP weights for this test only: no real scheme gives these numbers. Drugs has no
    # weight on purpose.
    (tmp_path / "weights.csv").write_text(
        "scheme,Made-up test scheme\nversion,v0\nsource,invented for this test\n"
        "crime_type,weight\nBurglary,10\nViolence and sexual offences,25.5\n")
    config = config_with(sample_dir, tmp_path, "  harm_weights: weights.csv\n")
    section = harm_view(config, area_data(_harm_frame()), Quarter(2020, 4))
    # 2020-21 Q4: burglary 6 x 10 = 60, violence 6 x 25.5 = 153: 12 crimes, 213.
    # 2019-20 Q4: burglary 6 x 10 = 60, violence 4 x 25.5 = 102: 10 crimes, 162.
    # Each quarter between: 6 burglaries and 3 violent crimes, 60 + 76.5 = 136.5.
    harm = section.results["harm"]
    assert harm["quarter"].tolist() == ["2019-20 Q4", "2020-21 Q1", "2020-21 Q2",
                                        "2020-21 Q3", "2020-21 Q4"]
    assert harm["count"].tolist() == [10, 9, 9, 9, 12]
    assert harm["harm"].tolist() == pytest.approx([162, 136.5, 136.5, 136.5, 213])
    assert section.sentences == [
        "In 2020-21 Q4, 12 crimes had a harm score of 213 (Made-up test scheme v0), against 10 "
        "crimes with a harm score of 162 in 2019-20 Q4.",
        "A harm score weights each crime by how serious it is, so a few serious crimes can "
        "outweigh many minor ones; it is not tested against chance here.",
    ]
    # drugs: 3 a month for 15 months = 45 crimes, left out of both the harm and the count
    assert section.notes == [
        "Harm weights: Made-up test scheme v0, from invented for this test. pccanalysis ships "
        "no weights; these are the partnership's choice, given for data.police.uk's broad "
        "crime types, which is itself an approximation of the scheme's offence-level weights.",
        "The Made-up test scheme v0 weights give no weight for Drugs, so the 45 crimes of that "
        "type to March 2021 are left out of the harm score and of the crime count beside it.",
    ]
    assert ("<tr><td>Violence and sexual offences</td><td class=\"num\">25.5</td>"
            "<td class=\"num\">6</td><td class=\"num\">153</td></tr>"
            "<tr><td>Burglary</td><td class=\"num\">10</td><td class=\"num\">6</td>"
            "<td class=\"num\">60</td></tr>") in section.tables[0]
    # and the total the sentence gives: 12 crimes, harm 213
    assert ('<tr class="pcc-total"><td>All crime with a harm weight</td><td class="num"></td>'
            '<td class="num">12</td><td class="num">213</td></tr>') in section.tables[0]
    fig = section.figures[0]
    assert "harm weights: Made-up test scheme v0 (invented for this test)" in fig.pcc_source
    assert [q.source for q in section.quality] == ["harm weights"]


def test_harm_view_says_plainly_when_no_weights_are_configured(config):
    section = harm_view(config, area_data(_harm_frame()), Quarter(2020, 4))
    # left out of the briefing, with one line for its data-quality note
    assert section.figures == [] and section.sentences == [] and section.notes == []
    assert section.missing.startswith(
        "No harm weights are configured (data.harm_weights), so this briefing counts crimes "
        "and does not weight them by their harm.")


def test_ward_rates_funnel_on_residents(sample_dir, tmp_path):
    # April 2020 to March 2021 (the 12 months to 2020-21 Q4): Abbey 100 crimes for 10,000
    # residents, Castle 200 for 20,000, Dales 50 for 5,000: 10 per 1,000 each. Moorside has
    # 40 crimes but no population.
    (tmp_path / "population.csv").write_text(
        "area_code,area_name,year,population\n"
        "E05000001,Abbey,2019,9000\nE05000002,Castle,2019,19000\nE05000003,Dales,2019,4000\n"
        "E05000001,Abbey,2020,10000\nE05000002,Castle,2020,20000\nE05000003,Dales,2020,5000\n")
    config = config_with(sample_dir, tmp_path, "  population: population.csv\n")
    codes = {"Abbey": "E05000001", "Castle": "E05000002", "Dales": "E05000003",
             "Moorside": "E05000009"}
    counts = {}
    for ward, n in (("Abbey", 100), ("Castle", 200), ("Dales", 50), ("Moorside", 40)):
        counts[("2020-04", "Burglary", ward)] = n // 2
        counts[("2021-03", "Burglary", ward)] = n - n // 2
    frame = street(counts)
    frame["ward_code"] = frame["ward_name"].map(codes)
    frame["lad_name"] = "Northbridge"
    section = ward_rates(config, area_data(frame), Quarter(2020, 4))
    # The middle month is October 2020: mid-2020 populations. Pooled rate 350 / 35,000 =
    # 10 per 1,000; every ward is exactly at it (z = 0), so phi = 0, no over-dispersion
    # (chi-square p = 1), exact Poisson limits, every ward within them.
    result = section.results["funnel"]
    assert result.units.set_index("unit")["value"].to_dict() == pytest.approx(
        {"Abbey": 10.0, "Castle": 10.0, "Dales": 10.0})
    assert not result.adjusted and set(result.units["flag"]) == {"within"}
    assert section.sentences == [
        "No ward had a crime rate above the 99.8% limit in April 2020 to March 2021; the rate "
        "across the 3 wards was 10.0 per 1,000 residents.",
        "Wards differ from one another by no more than chance alone would make them, so the "
        "limits allow for chance only. With only 3 wards, the allowance for variation between "
        "them is a rough estimate.",
        # 100 + 200 + 50 + 40 = 390 crimes, every one in a ward.
        "Every one of the area's crimes (390 in April 2020 to March 2021) was placed in a ward.",
    ]
    assert section.notes[0] == ("The population file has no mid-2020 figure for Moorside, so "
                                "it is left out of the comparison.")
    assert section.figures[0].pcc_title == "No ward had a crime rate above the 99.8% limit"


def test_ward_rates_say_so_without_a_population_file(sample_dir, tmp_path):
    config = config_with(sample_dir, tmp_path, "")
    section = ward_rates(config, area_data(wards_frame()), Quarter(2020, 4))
    assert section.missing == ("No population is configured (data.lsoa_population or "
                               "data.population), so the wards are not compared on crime per "
                               "resident.")
    assert section.notes == []
    assert section.figures == [] and section.sentences == []


@pytest.mark.slow
def test_a_needs_assessment_on_13_months_renders_every_section_it_can(sample_dir, tmp_path):
    # The sample with only its last 13 months of police data (March 2020 to March 2021): the
    # rolling-year headline needs 24 months, so it says so in one sentence; every other
    # section renders (harm weights are not configured in the sample: left out, one line).
    (tmp_path / "police-uk").mkdir()
    for month in pd.period_range("2020-03", "2021-03", freq="M"):
        shutil.copytree(sample_dir / "police-uk" / str(month), tmp_path / "police-uk" / str(month))
    for folder in ("geography", "local", "stop-and-search"):
        if (sample_dir / folder).exists():
            (tmp_path / folder).symlink_to(sample_dir / folder)
    shutil.copy(sample_dir / "pcc.yaml", tmp_path / "pcc.yaml")
    run = run_quarter(tmp_path / "pcc.yaml", "latest", output_dir=tmp_path / "out",
                      notebooks=["needs_assessment"])
    assert [(r.notebook, r.status) for r in run.results] == [("needs_assessment", "ok")]
    page = (run.plan.quarter_dir / "Northbridge" / "needs_assessment.html").read_text()
    assert ("The headline figures need police data from April 2019 to March 2021; the data "
            "cover March 2020 to March 2021, so they are not shown.") in page
    headings = [re.sub(r"<[^>]+>|\u00b6", "", h).strip()
                for h in re.findall(r"<h2[^>]*>(.*?)</h2>", page, re.DOTALL)]
    assert headings == ["Contents", "Summary", "Headline figures", "Long-run trends",
                        "Local against national", "Where crime happens",
                        "Crime per resident by ward", "Hotspots", "Data quality",
                        "Appendix: how the figures are made", "About this briefing"]
    assert "Harm-weighted view: not shown. No harm weights are configured" in page
    assert page.count("<img ") >= 7  # four trends, the comparator, shares, funnel, hotspots
