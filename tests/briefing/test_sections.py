"""Tests for pccanalysis.briefing.sections on tiny hand-made frames (expected text worked by hand).

The configuration is the synthetic sample's (for the source lines and the publication
settings); the police data is a hand-made street frame with only the columns the sections read.
"""

from __future__ import annotations

import pandas as pd
import pytest

from pccanalysis.briefing import sections as S
from pccanalysis.briefing.inputs import AreaData
from pccanalysis.config import Area, load_config
from pccanalysis.periods import Quarter

MINUS = "\u2212"
WARD_CODES = {"Abbey": "E05990001", "Castle": "E05990002", "City Centre": "E05990003",
              "Moorside": "E05990099"}
NORTHBRIDGE = Area(name="Northbridge", csps=("Northbridge",))


def street(counts: dict[tuple[str, str, str], int], *, outside: tuple[str, ...] = ()) -> pd.DataFrame:
    """A street frame with ``n`` rows for each (month, crime type, ward): ``{("2020-04",
    "Burglary", "Abbey"): 3}``. Wards in ``outside`` belong to the neighbouring CSP Eastmoor
    and are flagged ``outside_force_area``, as data.police.uk rows located over the border."""
    rows = []
    for (month, crime_type, ward), n in counts.items():
        away = ward in outside
        rows += [{"month": pd.Period(month, freq="M"), "crime_type": crime_type,
                  "ward_code": WARD_CODES.get(ward), "ward_name": ward,
                  "lad_name": "Eastmoor" if away else "Northbridge",
                  "csp_name": "Eastmoor" if away else "Northbridge",
                  "outside_force_area": away, "no_location": False}] * n
    frame = pd.DataFrame(rows)
    frame["month"] = frame["month"].astype("period[M]")
    return frame


def area_data(frame: pd.DataFrame) -> AreaData:
    months = list(pd.period_range(frame["month"].min(), frame["month"].max(), freq="M"))
    return AreaData(area=NORTHBRIDGE, frame=frame, months=months, quality=(),
                    lad_lookup=pd.DataFrame())


@pytest.fixture(scope="module")
def config(sample_config):
    return load_config(sample_config)


def months(first: str, last: str) -> list[str]:
    return [str(m) for m in pd.period_range(first, last, freq="M")]


# --- SPC: publication gaps and sustained shifts ------------------------------------------------


def test_a_publication_gap_month_is_shown_but_not_judged(config):
    # ASB April 2020 to June 2021 alternating 100, 120, except November 2020 (would be 120)
    # published with 10. find_gaps: its 12 nearest months are six 100s and six 120s, median
    # 110; 10 < 0.4 x 110 and P(X <= 10 | 110) is tiny: a gap.
    # Judged without it: 14 points, m = (8 x 100 + 6 x 120) / 14 = 1,520 / 14 = 108.571; the 13
    # moving ranges are 12 x 20 and 0 (October 100 to December 100, over the gap): mR =
    # 240 / 13 = 18.46, limits 108.571 -/+ 2.66 x 18.46 = 59.46 and 157.68.
    # (Judged with it, m = 1,530 / 15 = 102, mR = 420 / 14 = 30, lower limit 22.2: the 10 would
    # be a special cause "improving" point, the bug this fixes.)
    values = {m: (100 if i % 2 == 0 else 120) for i, m in enumerate(months("2020-04", "2021-06"))}
    values["2020-11"] = 10
    data = area_data(street({(m, S.ASB, "Abbey"): n for m, n in values.items()}))
    section = S.performance_trend(config, data, Quarter(2021, 1), S.ASB)
    result = section.results["spc"]
    gap = result.frame[result.frame["period"] == pd.Period("2020-11", freq="M")].iloc[0]
    assert gap["excluded"] and gap["variation"] == "excluded" and not gap["special_cause"]
    assert result.frame["mean"].iloc[0] == pytest.approx(1520 / 14)
    assert result.frame["lpl"].iloc[0] == pytest.approx(1520 / 14 - 2.66 * 240 / 13)
    assert not result.frame["special_cause"].any()
    assert section.results["shift"] is None
    assert section.sentences == [
        "ASB shows only common cause variation: June 2021 (100) was within the usual range of "
        "59.5 to 158 a month."
    ]
    assert section.caveats == [
        "ASB figures for November 2020 appear incomplete (10 recorded against about 110 in a "
        "usual month), so totals that include that month are too low. The chart shows such "
        "months as hollow points and leaves them out of its average and limits."
    ]
    fig = section.figures[0]
    assert fig.pcc_title == "ASB in June 2021 was within its usual range"
    hollow = [line for line in fig.axes[0].lines if line.get_gid() == "excluded"][0]
    assert list(hollow.get_ydata()) == [10]
    assert [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "note"] == [
        "incomplete data"]


def test_a_sustained_shift_rebases_the_chart_where_it_began(config):
    # All crime (burglary here) January 2019 to March 2020 alternating 30, 34 (15 months), then
    # April 2020 to March 2021 alternating 20, 24 (12 months). m = (8 x 30 + 7 x 34 + 6 x 20 +
    # 6 x 24) / 27 = 742 / 27 = 27.5; the last 12 months are all below it: a sustained shift
    # from April 2020. Rebased there, the new segment has m = 22 and every moving range 4:
    # limits 22 -/+ 10.64 = 11.4 and 32.6, March 2021 (24) within them.
    values = {m: (30 if i % 2 == 0 else 34) for i, m in enumerate(months("2019-01", "2020-03"))}
    values |= {m: (20 if i % 2 == 0 else 24) for i, m in enumerate(months("2020-04", "2021-03"))}
    data = area_data(street({(m, "Burglary", "Abbey"): n for m, n in values.items()}))
    section = S.performance_trend(config, data, Quarter(2020, 4), "All crime")
    shift = section.results["shift"]
    assert str(shift.start) == "2020-04" and shift.n_points == 12
    result = section.results["spc"]
    assert [str(p) for p in result.settings["rebase"]] == ["2020-04"]
    assert result.segments["mean"].tolist() == pytest.approx([478 / 15, 22.0])
    assert section.sentences == [
        "Crime has been below its average of 27.5 a month in every month from April 2020 to "
        "March 2021 (12 months): a sustained shift to a lower level, so the chart's limits are "
        "recalculated from April 2020.",
        "Crime shows only common cause variation: March 2021 (24) was within the usual range "
        "of 11.4 to 32.6 a month.",
    ]
    assert section.figures[0].pcc_title == (
        "Crime moved to a lower level in April 2020 and has been stable since")


def test_a_shift_too_recent_for_its_own_limits_is_reported_not_rebased(config):
    # 15 months alternating 30, 34, then April to December 2020 alternating 22, 26: only 9
    # low months, fewer than 12, so no rebase; the shift rule reads the run as special cause.
    # m = (478 + 5 x 22 + 4 x 26) / 24 = 692 / 24 = 28.83; moving ranges 14 x 4, 8 (30 to 22)
    # and 8 x 4: mR = 96 / 23 = 4.174, sigma = 2.66 / 3 x 4.174 = 3.70, 2-sigma line 21.4 and
    # lower limit 17.7: no point beyond either, so the run of 9 below the mean is the signal.
    values = {m: (30 if i % 2 == 0 else 34) for i, m in enumerate(months("2019-01", "2020-03"))}
    values |= {m: (22 if i % 2 == 0 else 26) for i, m in enumerate(months("2020-04", "2020-12"))}
    data = area_data(street({(m, "Burglary", "Abbey"): n for m, n in values.items()}))
    section = S.performance_trend(config, data, Quarter(2020, 3), "All crime")
    assert section.results["shift"] is None
    assert section.results["spc"].settings["rebase"] == []
    assert section.sentences == [
        "Crime shows special cause variation of an improving nature: it has been below its "
        "average of 28.8 for 9 months in a row to December 2020."
    ]
    assert section.figures[0].pcc_title == "Crime has been below its average for 9 months in a row"


# --- wards ---------------------------------------------------------------------------------


def _wards_frame() -> pd.DataFrame:
    # Abbey 40 a month in January-March 2020, 30 from April to December 2020, 20 in
    # January-March 2021: 120 -> 60 in the quarter. Castle 40, 30, 25: 120 -> 75. Moorside (an
    # Eastmoor ward, rows located over the border) 5 a month, then 20: 15 -> 60, which would
    # "rise" if it were counted as one of the area's wards.
    counts = {}
    for m in months("2020-01", "2021-03"):
        year_q4 = m <= "2020-03"
        latest = m >= "2021-01"
        counts[(m, "Burglary", "Abbey")] = 40 if year_q4 else 20 if latest else 30
        counts[(m, "Burglary", "Castle")] = 40 if year_q4 else 25 if latest else 30
        counts[(m, "Burglary", "Moorside")] = 20 if latest else 5
    return street(counts, outside=("Moorside",))


def test_ward_section_has_only_the_areas_own_wards(config):
    # 60 against 120 and 75 against 120 are both well beyond chance (exact test p < 0.001):
    # "fell" in both of the area's two wards; Moorside is in neither the sentence nor the table.
    data = area_data(_wards_frame())
    section = S.performance_by(config, data, Quarter(2020, 4), "ward")
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


def test_change_table_signs_both_ends_of_a_rising_interval():
    # Moorside on its own: 15 -> 60, +300%. Clopper-Pearson for 60 of 75 is 0.6917 to 0.8835
    # (B(0.025; 60, 16), B(0.975; 61, 15)), a ratio of 2.243 to 7.585: +124.3% to +658.5%.
    from pccanalysis.indicators.change import change_by, same_quarter_last_year

    frame = _wards_frame()
    table = change_by(frame[frame["ward_name"] == "Moorside"],
                      same_quarter_last_year(Quarter(2020, 4)), "ward_name")
    html = S.change_table_html(table, "ward_name", "Ward")
    assert ('<td class="num">+300%</td><td class="num">+124.3% to +658.5%</td><td>rose</td>'
            in html)


def test_ward_shares_leave_out_wards_outside_the_area(config):
    # 2020-21 (April 2020 to March 2021): Abbey 9 x 30 + 3 x 20 = 330, Castle 9 x 30 + 3 x 25
    # = 345: Castle 345 / 675 = 51.1%, Abbey 48.9%; Moorside's 105 are not in the total.
    frame = _wards_frame()
    extra = street({(m, "Burglary", "Abbey"): 1 for m in months("2019-04", "2019-12")})
    data = area_data(pd.concat([extra, frame], ignore_index=True))
    section = S.ward_shares(config, data, Quarter(2020, 4))
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


def test_area_wards_keeps_rows_placed_in_the_area_with_a_ward():
    frame = _wards_frame()
    frame.loc[0, ["ward_code", "ward_name"]] = None  # a crime without a location is in no ward
    kept = S.area_wards(area_data(frame))
    assert set(kept["ward_name"]) == {"Abbey", "Castle"}
    assert len(kept) == len(frame) - (frame["ward_name"] == "Moorside").sum() - 1


# --- repeat victims ------------------------------------------------------------------------


def test_repeat_victim_table_counts_one_crime_under_two_strands_once():
    # Victim A: one crime recorded under two strands (two rows, same day). Victim B: two
    # crimes, 3 May and 10 June 2020. Victim C: one crime. In 2020-21 Q1: 3 victims, 1 repeat
    # victim (B), 33.3%; 4 incidents (A's two rows are one).
    victims = pd.DataFrame({
        "victim_id": ["A", "A", "B", "B", "C"],
        "date": pd.to_datetime(["2020-05-01", "2020-05-01", "2020-05-03", "2020-06-10",
                                "2020-06-01"]),
        "strand": ["Race", "Religion", "Race", "Race", "Disability"],
    })
    table = S.repeat_victim_table(victims)
    row = table[table["period"] == "2020-21 Q1"].iloc[0]
    assert (row["incidents"], row["victims"], row["repeat_victims"]) == (4, 3, 1)
    assert row["repeat_percent"] == pytest.approx(100 / 3)
    # Taken row by row, A would be a "repeat victim" of a single crime.
    from pccanalysis.indicators.repeats import repeat_victims

    naive = repeat_victims(victims, freq="quarter")
    assert naive["repeat_victims"].iloc[0] == 2


# --- targets -------------------------------------------------------------------------------


def _victims_csv(path):
    # Each month of 2019-20: four victims with two crimes each (1st and 15th): 4 repeat victims.
    # Each month of 2020-21: two such victims and one with a single crime: 2 repeat victims.
    # IDs are new each month, so nobody repeats across months.
    lines = ["victim_id,date,strand,ward"]
    for k, m in enumerate(pd.period_range("2019-04", "2021-03", freq="M")):
        repeats = 4 if m.year * 12 + m.month < 2020 * 12 + 4 else 2
        for v in range(repeats):
            for day in (1, 15):
                lines.append(f"V{k:02d}{v},{m.year}-{m.month:02d}-{day:02d},Race,Abbey")
        if repeats == 2:
            lines.append(f"V{k:02d}9,{m.year}-{m.month:02d}-20,Religion,Castle")
    path.write_text("\n".join(lines) + "\n")


def test_repeat_hate_crime_victim_target_is_measured(sample_dir, tmp_path):
    _victims_csv(tmp_path / "victims.csv")
    (tmp_path / "targets.yaml").write_text(
        "targets:\n"
        "  - name: Repeat hate-crime victims\n"
        "    indicator: repeat hate-crime victims\n"
        "    baseline: 2019-20\n"
        "    direction: reduce\n"
        "    percent: 10\n"
        "    deadline: 2020-21\n"
        "    source: victims.csv\n"
        "  - name: IOM reoffending\n"
        "    indicator: IOM reoffending\n"
        "    baseline: 2019-20\n"
        "    direction: reduce\n"
        "    percent: 5\n"
        "    deadline: 2021-22\n"
        "    source: iom.csv\n")
    g = sample_dir / "geography"
    (tmp_path / "pcc.yaml").write_text(
        "areas:\n- name: Northbridge\n  csp: Northbridge\n"
        f"data:\n  police_uk: {sample_dir / 'police-uk'}\n"
        f"  lsoa_lookup: {g / 'lsoa11_ward19_lad19_lookup.csv'}\n"
        f"  lad_lookup: {g / 'lad19_csp19_pfa19_lookup.csv'}\n"
        "  targets: targets.yaml\n  hate_crime_victims: victims.csv\n")
    config = load_config(tmp_path / "pcc.yaml")
    data = area_data(_wards_frame())
    section = S.performance_targets(config, data, Quarter(2020, 4))
    # 2019-20: 12 x 4 = 48 repeat victims; 2020-21: 12 x 2 = 24: -50%. Exact test, 24 of 72:
    # p = 0.0063, "fell". Clopper-Pearson for 24 / 72 is 0.2266 to 0.4543 (beta quantiles
    # B(0.025; 24, 49), B(0.975; 25, 48)), a ratio p / (1 - p) of 0.293 to 0.832, wholly below
    # the 0.9 the (passed) deadline asks for: met.
    progress = section.results["Repeat hate-crime victims"]
    assert (progress.baseline_count, progress.current_value) == (48, 24)
    assert progress.ratio_high == pytest.approx(0.8325, abs=1e-4)
    assert section.sentences == [
        "The target to reduce repeat hate-crime victims by 10% against 2019-20 by 2020-21 was "
        "met: repeat hate-crime victims were 50% lower in 2020-21 than in 2019-20."
    ]
    assert ("<tr><td>Reduce repeat hate-crime victims by 10%</td><td>2019-20</td>"
            '<td>2020-21</td><td class="num">\u221250%</td><td class="num">\u221210%</td>'
            "<td>met</td></tr>") in section.tables[0]
    assert section.figures[0].pcc_title == "Reduce repeat hate-crime victims by 10%: met"
    # The extract starts in April 2019, so no month of 2019-20 has a full year before it.
    assert section.caveats == [
        "The hate-crime extract does not reach a full year before March 2020, so repeat "
        "victims in the months up to then are undercounted."
    ]
    assert section.notes == [
        "Repeat-victim targets are measured on monthly counts of repeat victims: a person who "
        "is a repeat victim in two months of a year counts twice in that year's total.",
        "Targets on other local extracts (IOM reoffending) are not measured here: this "
        "briefing has no series for them.",
    ]
    assert [q.source for q in section.quality] == ["hate-crime victim extract"]


# --- local against national ----------------------------------------------------------------


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
    g = sample_dir / "geography"
    (tmp_path / "pcc.yaml").write_text(
        "areas:\n- name: Northbridge\n  csp: Northbridge\n"
        f"data:\n  police_uk: {sample_dir / 'police-uk'}\n"
        f"  lsoa_lookup: {g / 'lsoa11_ward19_lad19_lookup.csv'}\n"
        f"  lad_lookup: {g / 'lad19_csp19_pfa19_lookup.csv'}\n"
        "  indicator_tables: [suicide.csv]\n")
    section = S.local_against_national(load_config(tmp_path / "pcc.yaml"), "Northbridge")
    assert section.results["Recorded suicides: England"].verdict == "similar"
    assert section.sentences == [
        "The number of recorded suicides was similar (+27%) locally in 2020 compared with "
        "2019, against no significant change (+2.2%) in England; the difference between the "
        "two could be chance."
    ]
    assert section.figures[0].pcc_title == (
        "Recorded suicides in Northbridge: no clear difference from England")


# --- headline and tables: over-dispersion and publication gaps ------------------------------


def _asb_with_gap(counts: dict) -> None:
    # ASB 100 a month from April 2019 to September 2020; October 2020 published with 10 (a
    # gap: its 12 nearest months are ten 100s and two 128s, median 100; 10 < 0.4 x 100 and
    # P(X <= 10 | 100) is about 1e-30), then 128 in November and December 2020.
    for m in months("2019-04", "2020-09"):
        counts[(m, S.ASB, "Abbey")] = 100
    counts |= {("2020-10", S.ASB, "Abbey"): 10, ("2020-11", S.ASB, "Abbey"): 128,
               ("2020-12", S.ASB, "Abbey"): 128}


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
    section = S.performance_headline(area_data(street(counts)), Quarter(2020, 3))
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
    from pccanalysis.indicators.change import compare_counts

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


def test_category_table_leaves_the_gap_month_out_and_adjusts_for_the_number_of_rows(config):
    counts = {}
    _asb_with_gap(counts)
    # Drugs 50 and burglary 100 every month, except drugs at 66 and 67 in November and
    # December 2020. Every history is flat: phi = 1 for each row.
    for m in months("2019-04", "2020-12"):
        counts[(m, "Drugs", "Abbey")] = 50
        counts[(m, "Burglary", "Abbey")] = 100
    counts |= {("2020-11", "Drugs", "Abbey"): 66, ("2020-12", "Drugs", "Abbey"): 67}
    data = area_data(street(counts))
    section = S.performance_by(config, data, Quarter(2020, 3), "crime_type")
    table = section.results["table"].set_index("crime_type")
    # October is left out of every row (the ASB gap), with October 2019: November and
    # December only. ASB 256 / 200 (p = 0.0099), drugs 133 / 100 (exact p = 0.0358, "rose" on
    # its own), burglary 200 / 200 (p = 1). Holm over 3 rows: 3 x 0.0099 = 0.030 (rose),
    # max(0.030, 2 x 0.0358) = 0.0716 (similar), 1 (similar).
    assert table.loc["Drugs", ["previous", "current"]].tolist() == [100, 133]
    assert table.loc["Drugs", "p_value"] == pytest.approx(0.0358, abs=1e-4)
    assert table.loc["Drugs", "adjusted_p"] == pytest.approx(2 * table.loc["Drugs", "p_value"])
    assert table["verdict"].to_dict() == {S.ASB: "rose", "Drugs": "similar",
                                          "Burglary": "similar"}
    assert (table["dispersion"] == 1.0).all()
    assert section.sentences == ["The number recorded was similar in every category except "
                                 "Anti-social behaviour, where it rose."]
    assert ('<th scope="col" class="num">2019-20 Q3 excluding October 2019</th>'
            '<th scope="col" class="num">2020-21 Q3 excluding October 2020</th>'
            in section.tables[0])
    assert section.caveats == [
        "ASB figures for October 2020 appear incomplete (10 recorded against about 100 in a "
        "usual month), so totals that include that month are too low.",
        "Every category: October 2020 left out because of a likely publication gap, with "
        "October 2019 so that like is compared with like.",
    ]
    # drugs' own interval (+1.8% to +74.2%) excludes no change, but its verdict is adjusted
    assert section.notes == [
        "Verdicts allow for the number of categories compared, so a category can be "
        "\u201csimilar\u201d even when its 95% interval, which is for that category alone, "
        "does not include no change."]


def _config(sample_dir, tmp_path, data_lines: str):
    """A pcc.yaml in ``tmp_path`` on the sample's police data and lookups, plus ``data_lines``
    (indented two spaces under ``data:``)."""
    g = sample_dir / "geography"
    (tmp_path / "pcc.yaml").write_text(
        "areas:\n- name: Northbridge\n  csp: Northbridge\n"
        f"data:\n  police_uk: {sample_dir / 'police-uk'}\n"
        f"  lsoa_lookup: {g / 'lsoa11_ward19_lad19_lookup.csv'}\n"
        f"  lad_lookup: {g / 'lad19_csp19_pfa19_lookup.csv'}\n" + data_lines)
    return load_config(tmp_path / "pcc.yaml")


def test_police_target_leaves_a_gap_month_out_of_both_windows(sample_dir, tmp_path):
    (tmp_path / "targets.yaml").write_text(
        "targets:\n  - name: ASB\n    indicator: Anti-social behaviour\n    baseline: 2019-20\n"
        "    direction: reduce\n    percent: 25\n    deadline: 2021-22\n    source: police_uk\n")
    config = _config(sample_dir, tmp_path, "  targets: targets.yaml\n")
    # ASB 100 a month in 2019-20, 90 a month in 2020-21 except October 2020, published with
    # 10 (a gap: its 12 nearest months are eleven 90s and one 100, median 90).
    counts = {(m, S.ASB, "Abbey"): 100 for m in months("2019-04", "2020-03")}
    counts |= {(m, S.ASB, "Abbey"): 90 for m in months("2020-04", "2021-03")}
    counts[("2020-10", S.ASB, "Abbey")] = 10
    section = S.performance_targets(config, area_data(street(counts)), Quarter(2020, 4))
    progress = section.results["ASB"]
    # Without October 2020 and its pair October 2019: 11 x 90 = 990 against 11 x 100 =
    # 1,100, -10% (with the gap month it would be 1,000 against 1,200, -16.7%, a fall that is
    # partly missing data). History before April 2020 is flat: phi = 1, exact test on 990 of
    # 2,090: z = -55 / 22.9 = -2.4, "fell". Half the time to 2021-22 has passed, so the
    # trajectory asks for -12.5% (ratio 0.875); the interval for 0.9 (about 0.83 to 0.98)
    # straddles it: at risk.
    assert (progress.current_value, progress.baseline_count) == (990, 1100)
    assert progress.dispersion == 1.0 and progress.status == "at risk"
    assert progress.ratio_low < 0.875 < progress.ratio_high
    assert section.sentences == [
        "The target to reduce ASB by 25% against 2019-20 by 2021-22 is at risk: ASB was 10% "
        "lower in 2020-21 excluding October 2020 than in 2019-20 excluding October 2019; the "
        "trajectory asks for a fall of 12.5% by now."
    ]
    assert section.caveats == [
        "ASB figures for October 2020 appear incomplete (10 recorded against about 90 in a "
        "usual month), so totals that include that month are too low.",
        "Reduce ASB by 25%: October 2020 left out because of a likely publication gap, with "
        "October 2019 so that like is compared with like.",
    ]
    # the chart leaves the gap month out of its limits
    frame = progress.spc.frame
    assert frame.loc[frame["period"] == pd.Period("2020-10", freq="M"), "excluded"].all()


def _strand_victims_csv(path):
    # Every month from April 2019 to December 2020, four incidents, each against a different
    # victim: one in City Centre recorded under three strands (three rows), two in Abbey and
    # one in Castle (one row each): 4 incidents, 6 rows. January to March 2021, eight a month:
    # two in City Centre (three strands each), four in Abbey and two in Castle: 8 incidents,
    # 12 rows.
    lines = ["victim_id,date,strand,ward"]
    n = 0
    for m in pd.period_range("2019-04", "2021-03", freq="M"):
        late = m >= pd.Period("2021-01", freq="M")
        wards = ["City Centre"] * (2 if late else 1) + ["Abbey"] * (4 if late else 2) \
            + ["Castle"] * (2 if late else 1)
        for day, ward in enumerate(wards, start=1):
            n += 1
            strands = ["Race", "Religion", "Disability"] if ward == "City Centre" else ["Race"]
            lines += [f"V{n:04d},{m.year}-{m.month:02d}-{day:02d},{s},{ward}" for s in strands]
    path.write_text("\n".join(lines) + "\n")


def test_hate_crime_counts_incidents_not_strand_records(sample_dir, tmp_path):
    _strand_victims_csv(tmp_path / "victims.csv")
    config = _config(sample_dir, tmp_path, "  hate_crime_victims: victims.csv\n")
    counts = {(m, "Burglary", w): 1 for m in months("2019-04", "2021-03")
              for w in ("Abbey", "Castle", "City Centre")}
    section = S.hate_crime(config, area_data(street(counts)), Quarter(2020, 4))
    # 2020-21 Q4: 24 incidents (36 rows) against 12 incidents (18 rows) in 2019-20 Q4. The
    # 21 months before January 2021 are flat (4 a month), so phi = 1 and the exact test: 24
    # of 36 at 1/2, p = 0.065: similar. Counting rows would give 36 against 18.
    incidents = section.results["incidents"]
    assert (incidents.current, incidents.previous, incidents.dispersion) == (24, 12, 1.0)
    assert incidents.p_value == pytest.approx(0.0652, abs=1e-4)
    assert section.sentences[0] == ("Recorded hate crime was similar (+100%) in 2020-21 Q4 "
                                    "compared with 2019-20 Q4, from 12 to 24.")
    # The usual share: April 2019 to December 2020 (21 months, as far back as the extract
    # goes), 84 incidents: Abbey 42 (50%), City Centre 21 (25%), Castle 21. By rows City
    # Centre would lead (63 of 126). Abbey in 2020-21 Q4: 12 of 24 = 50%: Fisher p = 1.
    share = section.results["share"]
    assert (share.label, share.current_count, share.current_total) == ("Abbey", 12, 24)
    assert (share.usual_count, share.usual_total) == (42, 84)
    assert section.sentences[-1] == ("Abbey accounted for 50% of hate crime in January to "
                                     "March 2021, similar to its usual 50% in April 2019 to "
                                     "December 2020.")
    # The ward and strand table is per strand: 2020-21 Q4 has 36 rows for 24 incidents.
    assert "Hate-crime strand records by ward and strand, 2020-21 Q4" in section.tables[0]
    assert section.notes == [
        "Hate crime is counted in incidents: all of a victim's records on one day are one "
        "incident, so a crime recorded under two strands counts once.",
        "The ward and strand table counts strand records: a crime recorded under two strands "
        "is counted under each, so its 36 records in 2020-21 Q4 are 24 incidents.",
    ]
    # the repeat-victim figures count the same incidents
    from pccanalysis.sources.victims import read_hate_crime_victims

    victims, _ = read_hate_crime_victims(tmp_path / "victims.csv")
    assert len(S.hate_incidents(victims)) == 4 * 21 + 8 * 3  # 108 incidents, 162 rows
    table = S.repeat_victim_table(victims)
    assert table.loc[table["period"] == "2020-21 Q4", "incidents"].item() == 24


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
    config = _config(sample_dir, tmp_path, "  indicator_tables: [mp.csv]\n")
    section = S.missing_persons(config, "Northbridge", Quarter(2020, 4))
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


def test_a_rate_with_a_comparator_is_shown_whole_and_not_tested(sample_dir, tmp_path):
    # int() would have made 10.9 into 10 and tested rates as if they were counts
    (tmp_path / "rates.csv").write_text(
        "indicator,area,period,breakdown,value,unit,comparator_area\n"
        "Suicide rate,Northbridge,2019,All,9.8,rate,England\n"
        "Suicide rate,England,2019,All,10.1,rate,\n"
        "Suicide rate,Northbridge,2020,All,10.9,rate,England\n"
        "Suicide rate,England,2020,All,10.4,rate,\n")
    config = _config(sample_dir, tmp_path, "  indicator_tables: [rates.csv]\n")
    section = S.local_against_national(config, "Northbridge")
    assert section.sentences == [
        "The suicide rate in Northbridge was 10.9 in 2020 and 9.8 in 2019, against 10.4 and "
        "10.1 in England. These are rates, not counts, so the change is shown but not tested "
        "against chance."]
    assert section.figures == []
    assert ('<tr><td>Northbridge</td><td class="num">9.8</td><td class="num">10.9</td></tr>'
            '<tr><td>England</td><td class="num">10.1</td><td class="num">10.4</td></tr>'
            in section.tables[0])


# --- harm weights ----------------------------------------------------------------------------


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


def test_harm_view_weights_crime_with_a_made_up_scheme(sample_dir, tmp_path):
    # MADE-UP weights for this test only: no real scheme gives these numbers. Drugs has no
    # weight on purpose.
    (tmp_path / "weights.csv").write_text(
        "scheme,Made-up test scheme\nversion,v0\nsource,invented for this test\n"
        "crime_type,weight\nBurglary,10\nViolence and sexual offences,25.5\n")
    config = _config(sample_dir, tmp_path, "  harm_weights: weights.csv\n")
    section = S.harm_view(config, area_data(_harm_frame()), Quarter(2020, 4))
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
    fig = section.figures[0]
    assert "harm weights: Made-up test scheme v0 (invented for this test)" in fig.pcc_source
    assert [q.source for q in section.quality] == ["harm weights"]


def test_harm_view_says_plainly_when_no_weights_are_configured(config):
    section = S.harm_view(config, area_data(_harm_frame()), Quarter(2020, 4))
    assert section.figures == [] and section.sentences == []
    assert section.notes[0].startswith(
        "No harm weights are configured (data.harm_weights), so this briefing counts crimes "
        "and does not weight them by their harm.")


# --- ward rates ------------------------------------------------------------------------------


def test_ward_rates_funnel_on_residents(sample_dir, tmp_path):
    # April 2020 to March 2021 (the 12 months to 2020-21 Q4): Abbey 100 crimes for 10,000
    # residents, Castle 200 for 20,000, Dales 50 for 5,000: 10 per 1,000 each. Moorside has
    # 40 crimes but no population.
    (tmp_path / "population.csv").write_text(
        "area_code,area_name,year,population\n"
        "E05000001,Abbey,2019,9000\nE05000002,Castle,2019,19000\nE05000003,Dales,2019,4000\n"
        "E05000001,Abbey,2020,10000\nE05000002,Castle,2020,20000\nE05000003,Dales,2020,5000\n")
    config = _config(sample_dir, tmp_path, "  population: population.csv\n")
    codes = {"Abbey": "E05000001", "Castle": "E05000002", "Dales": "E05000003",
             "Moorside": "E05000009"}
    counts = {}
    for ward, n in (("Abbey", 100), ("Castle", 200), ("Dales", 50), ("Moorside", 40)):
        counts[("2020-04", "Burglary", ward)] = n // 2
        counts[("2021-03", "Burglary", ward)] = n - n // 2
    frame = street(counts)
    frame["ward_code"] = frame["ward_name"].map(codes)
    frame["lad_name"] = "Northbridge"
    section = S.ward_rates(config, area_data(frame), Quarter(2020, 4))
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
    config = _config(sample_dir, tmp_path, "")
    section = S.ward_rates(config, area_data(_wards_frame()), Quarter(2020, 4))
    assert section.notes == ["No population is configured (data.lsoa_population or "
                             "data.population), so the wards are not compared on crime per "
                             "resident."]
    assert section.figures == [] and section.sentences == []


# --- wards by code, coverage stated, comparisons withheld when coverage moves ----------------


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


def test_two_wards_with_one_name_stay_two_rows(config):
    section = S.performance_by(config, area_data(_castles()), Quarter(2020, 4), "ward")
    table = section.results["table"]
    assert sorted(table["ward"]) == ["Castle (Northbridge)", "Castle (Southbridge)"]
    assert table["current"].tolist() == [30, 30]
    # The table reconciles: a row for crimes in no ward (none here) under the wards.
    assert "Not in any of the area&#x27;s wards" in section.tables[0]


def test_ward_changes_are_withheld_when_coverage_moves(config):
    # 2019-20 Q4: 60 crimes in wards + 3 x 10 = 30 in no ward: 30 / 90 = 33.3% unplaced;
    # 2020-21 Q4: 0 of 60. A difference of 33 points > 2: no rises and falls.
    section = S.performance_by(config, area_data(_castles(10)), Quarter(2020, 4), "ward")
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
