"""Tests for pccanalysis.briefing.quarterly on tiny hand-made frames (expected values worked by
hand): headline, crime-type and ward tables, missing persons."""

from __future__ import annotations

import pandas as pd
import pytest
from briefing.frames import MINUS, area_data, config_with, months, street, wards_frame
from consistency import card_disagreements

from pccanalysis.briefing.common import ASB, data_gaps
from pccanalysis.briefing.inputs import load_area
from pccanalysis.briefing.quarterly import missing_persons, performance_by, performance_headline
from pccanalysis.indicators.change import compare_counts
from pccanalysis.periods import Quarter, parse_quarter


def _asb_with_gap(counts: dict) -> None:
    # ASB 100 a month from April 2019 to September 2020; October 2020 published with 10 (a
    # gap: its 12 nearest months are ten 100s and two 128s, median 100; 10 < 0.4 x 100 and
    # P(X <= 10 | 100) is about 1e-30), then 128 in November and December 2020.
    for m in months("2019-04", "2020-09"):
        counts[(m, ASB, "Abbey")] = 100
    counts |= {("2020-10", ASB, "Abbey"): 10, ("2020-11", ASB, "Abbey"): 128,
               ("2020-12", ASB, "Abbey"): 128}


def _castles(unplaced_before: int = 0) -> pd.DataFrame:
    """Two wards called Castle in two districts of the CSP, 30 crimes a quarter each month;
    ``unplaced_before`` crimes a month in 2019-20 Q4 located in the area but in no ward."""
    counts = {(m, "Burglary", w): 10 for m in months("2020-01", "2021-03")
              for w in ("Castle", "Castle South")}
    frame = street(counts)
    south = frame["ward_name"] == "Castle South"
    frame.loc[south, ["ward_name", "lad_name", "ward_code"]] = ["Castle", "Southbridge",
                                                                 "E05990007"]
    if unplaced_before:
        extra = street({(m, "Burglary", "Castle"): unplaced_before
                        for m in months("2020-01", "2020-03")})
        extra[["ward_code", "ward_name"]] = None
        frame = pd.concat([frame, extra], ignore_index=True)
    return frame


def test_ward_section_has_only_the_areas_own_wards(config):
    # 60 against 120 and 75 against 120 are both well beyond chance (exact test p < 0.001):
    # "fell" in both of the area's two wards; Moorside is in neither the sentence nor the table.
    data = area_data(wards_frame())
    section = performance_by(config, data, Quarter(2020, 4), "ward")
    # Every one of the area's crimes is in a ward: 60 + 75 = 135 now, 120 + 120 = 240 before.
    assert section.sentences == [
        "Crime fell in both wards.",
        "Every one of the area's crimes (135 in 2020-21 Q4 and 240 in 2019-20 Q4) was placed "
        "in a ward."]
    table = section.results["table"]
    assert sorted(table["ward"]) == ["Abbey", "Castle"]
    assert table.set_index("ward")["current"].to_dict() == {"Abbey": 60, "Castle": 75}
    assert "Moorside" not in section.tables[0]
    assert "Moorside" not in " ".join(t.get_text() for t in section.figures[0].axes[0].texts)
    # Both ends of the interval are signed, like the change beside it. Abbey 60 against 120:
    # -50%; Clopper-Pearson for 60 of 180 is 0.2650 to 0.4073 (B(0.025; 60, 121),
    # B(0.975; 61, 120)), a ratio p / (1 - p) of 0.360 to 0.687: -64% to -31.3%.
    assert ('<td class="num">\u221250%</td><td class="num">\u221264% to \u221231.3%</td>'
            in section.tables[0])


def test_headline_leaves_a_gap_month_out_and_allows_for_over_dispersion(config):
    counts = {}
    _asb_with_gap(counts)
    # All crime (burglary here): 100 a month from April 2019 to March 2020; April to September
    # 2020 alternate 100, 140; October to December 2020 are 83, 83, 84 (250).
    for m in months("2019-04", "2020-03"):
        counts[(m, "Burglary", "Abbey")] = 100
    for i, m in enumerate(months("2020-04", "2020-09")):
        counts[(m, "Burglary", "Abbey")] = 100 if i % 2 == 0 else 140
    for m, n in zip(months("2020-10", "2020-12"), (83, 83, 84), strict=True):
        counts[(m, "Burglary", "Abbey")] = n
    section = performance_headline(area_data(street(counts)), Quarter(2020, 3))
    # ASB, 2020-21 Q3: October 2020 is left out with its pair October 2019: 128 + 128 = 256
    # against 100 + 100 = 200, +28%. Its history (April 2019 to September 2020) is flat, so
    # phi = 1 and the exact test: binomial 256 of 456 at 1/2, p = 0.0099: "rose".
    asb = section.results["ASB this quarter"]
    assert (asb.current, asb.previous, asb.dispersion) == (256, 200, 1.0)
    assert asb.p_value == pytest.approx(0.0099, abs=1e-4)
    # Crime, 2020-21 Q3: 250 against 300, -16.7%. The exact test alone says "fell" (p =
    # 0.037), but the 18 months before October 2020 vary more than Poisson noise: the
    # seasonal estimate takes d = April-September 2020 minus April-September 2019 = 0, 40, 0,
    # 40, 0, 40, moving ranges all 40, sigma = 40 / 1.128 = 35.46; the mean of the 18 months
    # is (1,200 + 720) / 18 = 106.67, so phi = 35.46^2 / (2 x 106.67) = 5.894, and z =
    # -2.13 / sqrt(5.894) = -0.88, p = 0.38: "similar".
    assert compare_counts(250, 300).verdict == "fell"
    crime = section.results["All crime this quarter"]
    assert crime.dispersion == pytest.approx((40 / 1.128) ** 2 / (2 * 1920 / 18))
    assert crime.p_value == pytest.approx(0.38, abs=0.005)
    assert section.sentences == [
        f"Crime was similar ({MINUS}16.7%) in 2020-21 Q3 compared with 2019-20 Q3, from 300 "
        "to 250.",
        "ASB rose by 28% in 2020-21 Q3 excluding October 2020 compared with 2019-20 Q3 "
        "excluding October 2019, from 200 to 256.",
        # April to December: burglary 900 against 300 + 420 + 250 = 970 (+7.8%); history
        # April 2019 to March 2020 is flat (phi = 1), exact p = 0.11: similar.
        "Crime was similar (+7.8%) in April to December 2020 compared with April to December "
        "2019, from 900 to 970.",
        # ASB: 6 x 100 + 2 x 128 = 856 against 8 x 100 = 800 without October, +7%, p = 0.18
        "ASB was similar (+7%) in April to December 2020 excluding October 2020 compared with "
        "April to December 2019 excluding October 2019, from 800 to 856.",
    ]
    # every card agrees with its sentence (the same change, in the same order)
    for card, sentence in zip(section.headline, section.sentences, strict=True):
        assert card_disagreements(card, sentence) == [], (card, sentence)
    card = section.headline[1]
    assert (card.label, card.value, card.verdict) == ("ASB, this quarter", "+28%", "rose by 28%")
    assert card.detail == ("256 in 2020-21 Q3 excluding October 2020; 200 in 2019-20 Q3 "
                           "excluding October 2019")
    assert section.caveats == [
        "ASB figures for October 2020 appear incomplete (10 recorded against about 100 in a "
        "usual month), so totals that include that month are too low.",
        "ASB, this quarter: October 2020 left out because of a likely publication gap, with "
        "October 2019 so that like is compared with like.",
        "ASB, year to date: October 2020 left out because of a likely publication gap, with "
        "October 2019 so that like is compared with like.",
    ]


def test_category_table_leaves_the_gap_month_out_of_its_own_row_and_adds_up(config):
    counts = {}
    _asb_with_gap(counts)
    # Drugs 50 and burglary 100 every month, except drugs at 70 in November and December
    # 2020. Every history is flat: phi = 1 for each row.
    for m in months("2019-04", "2020-12"):
        counts[(m, "Drugs", "Abbey")] = 50
        counts[(m, "Burglary", "Abbey")] = 100
    counts |= {("2020-11", "Drugs", "Abbey"): 70, ("2020-12", "Drugs", "Abbey"): 70}
    data = area_data(street(counts))
    section = performance_by(config, data, Quarter(2020, 3), "crime_type")
    table = section.results["table"].set_index("crime_type")
    # October is left out of the ASB row only (its gap), with October 2019: ASB 256 / 200
    # (p = 0.0099). Drugs and burglary keep all three months: drugs 190 / 150 (exact
    # binomial 190 of 340 at 1/2: p = 0.0343, "rose" on its own), burglary 300 / 300 (p = 1).
    # Holm over 3 rows: 3 x 0.0099 = 0.030 (rose), max(0.030, 2 x 0.0343) = 0.0686
    # (similar), 1 (similar).
    assert table.loc[ASB, ["previous", "current"]].tolist() == [200, 256]
    assert table.loc["Drugs", ["previous", "current"]].tolist() == [150, 190]
    assert table.loc["Burglary", ["previous", "current"]].tolist() == [300, 300]
    assert table.loc["Drugs", "p_value"] == pytest.approx(0.0343, abs=1e-4)
    assert table.loc["Drugs", "adjusted_p"] == pytest.approx(2 * table.loc["Drugs", "p_value"])
    assert table["verdict"].to_dict() == {ASB: "rose", "Drugs": "similar",
                                          "Burglary": "similar"}
    assert (table["dispersion"] == 1.0).all()
    assert section.sentences == ["The number recorded was similar in every category except "
                                 "Anti-social behaviour, where it rose."]
    html = section.tables[0]
    # The headings are the quarters most rows count; the ASB row names what it leaves out.
    assert ('<th scope="col" class="num">2019-20 Q3</th>'
            '<th scope="col" class="num">2020-21 Q3</th>' in html)
    # The crime rows add up to the headline's crime count (no crime month left out: 150 +
    # 300 = 450 and 190 + 300 = 490), and ASB is shown under the total, not in it.
    assert ('<tr class="pcc-total"><th scope="row">All crime (the categories above)</th>'
            '<td class="num">450</td><td class="num">490</td>' in html)
    assert [t.kind for t in section.results["totals"]] == ["total"]
    assert ("<th scope=\"row\">Anti-social behaviour (not recorded crime, so not in the total; "
            "left out: October 2019 and October 2020)</th>") in html
    assert html.index("pcc-total") < html.index("Anti-social behaviour (")
    assert section.caveats == [
        "ASB figures for October 2020 appear incomplete (10 recorded against about 100 in a "
        "usual month), so totals that include that month are too low.",
        "Anti-social behaviour: October 2020 left out because of a likely publication gap, "
        "with October 2019 so that like is compared with like.",
    ]
    # drugs' own interval excludes no change, but its verdict is adjusted
    assert section.notes == [
        "Verdicts allow for the number of categories compared, so a category can be "
        "\u201csimilar\u201d even when its 95% interval, which is for that category alone, "
        "does not include no change."]


def test_a_crime_gap_month_left_out_of_the_headline_is_a_labelled_row(config):
    # Burglary 100 a month April 2019 to December 2020, but October 2020 published with 10 (a
    # gap); drugs 50 a month throughout. The headline's crime count leaves October 2020 and
    # October 2019 out for all crime: 100 + 100 + 50 + 50 ... = 2 x 150 = 300 in each
    # quarter. The table leaves October out of burglary only: burglary 200 / 200, drugs
    # 150 / 150, total 350 / 350; the difference row holds drugs' two Octobers (-50, -50).
    counts = {}
    for m in months("2019-04", "2020-12"):
        counts[(m, "Burglary", "Abbey")] = 10 if m == "2020-10" else 100
        counts[(m, "Drugs", "Abbey")] = 50
    section = performance_by(config, area_data(street(counts)), Quarter(2020, 3), "crime_type")
    totals = section.results["totals"]
    assert [(t.kind, t.previous, t.current) for t in totals] == [
        ("total", 350, 350), ("difference", -50, -50), ("headline", 300, 300)]
    assert totals[1].label == ("Left out of the headline figure: October 2019 and October "
                               "2020 (a likely publication gap)")
    html = section.tables[0]
    assert ('<tr class="pcc-difference"><th scope="row">Left out of the headline figure: '
            'October 2019 and October 2020 (a likely publication gap)</th>'
            f'<td class="num">{MINUS}50</td><td class="num">{MINUS}50</td>') in html


def test_missing_persons_allow_for_each_series_own_variation(sample_dir, tmp_path):
    # All: 100 a month April 2019 to March 2020; April to December 2020 alternate 100, 140;
    # January to March 2021 are 83, 83, 84 (250 against 300 in January-March 2020).
    # Age: Child: 50 a month to March 2020, April 2020 suppressed ("*"), 50 a month May to
    # December 2020, then 35 a month (105 against 150).
    lines = ["indicator,area,period,breakdown,value"]
    for i, m in enumerate(months("2019-04", "2021-03")):
        if m < "2020-04":
            value = 100
        elif m < "2021-01":
            value = 100 if (i - 12) % 2 == 0 else 140
        else:
            value = {"2021-01": 83, "2021-02": 83, "2021-03": 84}[m]
        child = "*" if m == "2020-04" else 35 if m >= "2021-01" else 50
        lines += [f"Missing person reports,Northbridge,{m},All,{value}",
                  f"Missing person reports,Northbridge,{m},Age: Child,{child}"]
    (tmp_path / "mp.csv").write_text("\n".join(lines) + "\n")
    config = config_with(sample_dir, tmp_path, "  indicator_tables: [mp.csv]\n")
    section = missing_persons(config, "Northbridge", Quarter(2020, 4))
    # All: 21 months before January 2021, seasonal estimate: d = April-December 2020 minus
    # April-December 2019 = 0, 40, 0, 40, 0, 40, 0, 40, 0; moving ranges all 40, sigma =
    # 40 / 1.128; mean (1,200 + 5 x 100 + 4 x 140) / 21 = 2,260 / 21 = 107.62; phi =
    # 1,257.5 / (2 x 107.62) = 5.842. 250 against 300: z = -2.13 / sqrt(5.842), p = 0.38:
    # similar (the exact test alone: p = 0.037, "fell").
    everyone = section.results["all"]
    assert everyone.dispersion == pytest.approx((40 / 1.128) ** 2 / (2 * 2260 / 21))
    assert everyone.verdict == "similar"
    assert section.sentences == [
        f"The number of missing-person reports was similar ({MINUS}16.7%) in 2020-21 Q4 "
        "compared with 2019-20 Q4, from 300 to 250."]
    # Child: the unbroken run before January 2021 is May to December 2020, 8 months (the
    # suppressed April ends it): too few, phi = 1 and the exact test: 105 of 255 at 1/2,
    # p = 0.0058: fell.
    child = section.results["Age: Child"]
    assert (child.current, child.previous, child.dispersion) == (105, 150, 1.0)
    assert child.verdict == "fell"
    assert "<td>Age: Child</td><td class=\"num\">150</td><td class=\"num\">105</td>" in (
        section.tables[0])
    assert section.notes == [
        "Each change allows for how much that series usually varies from month to month, "
        "measured on its own months before the quarter.",
        "For Age: Child, fewer than 12 months before 2020-21 Q4 have figures, too few to "
        "measure how much the count usually varies, so the verdict allows only for chance "
        "variation around a steady rate.",
    ]


def test_two_wards_with_one_name_stay_two_rows(config):
    section = performance_by(config, area_data(_castles()), Quarter(2020, 4), "ward")
    table = section.results["table"]
    assert sorted(table["ward"]) == ["Castle (Northbridge)", "Castle (Southbridge)"]
    assert table["current"].tolist() == [30, 30]
    # The table reconciles: a row for crimes in no ward (none here) under the wards.
    assert "Not in any of the area&#x27;s wards" in section.tables[0]


def test_ward_changes_are_withheld_when_coverage_moves(config):
    # 2019-20 Q4: 60 crimes in wards + 3 x 10 = 30 in no ward: 30 / 90 = 33.3% unplaced;
    # 2020-21 Q4: 0 of 60. A difference of 33 points > 2: no rises and falls.
    section = performance_by(config, area_data(_castles(10)), Quarter(2020, 4), "ward")
    assert section.sentences == [
        "Wards are not reported as rising or falling: 33.3% of the area's crimes could not be "
        "placed in a ward in 2019-20 Q4 against 0% in 2020-21 Q4, a difference of more than 2 "
        "percentage points, so a ward's change would partly reflect where crimes could be "
        "placed rather than how many happened.",
        "Some of the area's crimes could not be placed in a ward: 0 of 60 (0%) in 2020-21 Q4 "
        "and 30 of 90 (33.3%) in 2019-20 Q4."]
    assert section.figures == []
    assert "rose" not in section.tables[0] and "fell" not in section.tables[0]
    # Counts still reconcile with the area's totals: 30 + 30 + 0 now, 30 + 30 + 30 before.
    assert '<td class="num">30</td><td class="num">0</td>' in section.tables[0]


@pytest.mark.real_data
def test_derbyshire_asb_gap_leaves_november_out_of_asb_only(derbyshire_config, tmp_path):
    # data.police.uk published Derbyshire's November 2024 with no ASB. In 2024-25 Q3 the
    # crime-type table leaves November out of the ASB row only, and its crime rows add up to
    # the headline's crime count (no crime month is left out of either).
    config = derbyshire_config(tmp_path, "- name: Derbyshire\n  force: Derbyshire\n")
    data = load_area(config)
    quarter = parse_quarter("2024-25 Q3")
    gaps = data_gaps(data)
    crime = performance_headline(data, quarter, gaps).results["All crime this quarter"]
    section = performance_by(config, data, quarter, "crime_type", gaps)
    table = section.results["table"].set_index("crime_type")
    assert table.loc[ASB, "current_label"] == "2024-25 Q3 excluding November 2024"
    assert set(table.drop(ASB)["current_label"]) == {"2024-25 Q3"}
    rows = table.drop(ASB)
    assert (rows["current"].sum(), rows["previous"].sum()) == (crime.current, crime.previous)
    assert [(t.kind, t.previous, t.current) for t in section.results["totals"]] == [
        ("total", crime.previous, crime.current)]
    assert ("Anti-social behaviour: November 2024 left out because of a likely publication gap, "
            "with November 2023 so that like is compared with like.") in section.caveats
    assert not any(c.startswith("Every category") for c in section.caveats)
