"""Tests for pccanalysis.report.sections on tiny hand-made frames (expected text worked by hand).

The configuration is the synthetic sample's (for the source lines and the publication
settings); the police data is a hand-made street frame with only the columns the sections read.
"""

from __future__ import annotations

import pandas as pd
import pytest

from pccanalysis.config import Area, load_config
from pccanalysis.periods import Quarter
from pccanalysis.report import sections as S
from pccanalysis.report.inputs import AreaData

NORTHBRIDGE = Area(name="Northbridge", csps=("Northbridge",))


def street(counts: dict[tuple[str, str, str], int], *, outside: tuple[str, ...] = ()) -> pd.DataFrame:
    """A street frame with ``n`` rows for each (month, crime type, ward): ``{("2020-04",
    "Burglary", "Abbey"): 3}``. Wards in ``outside`` belong to the neighbouring CSP Eastmoor
    and are flagged ``outside_force_area``, as data.police.uk rows located over the border."""
    rows = []
    for (month, crime_type, ward), n in counts.items():
        away = ward in outside
        rows += [{"month": pd.Period(month, freq="M"), "crime_type": crime_type,
                  "ward_name": ward, "csp_name": "Eastmoor" if away else "Northbridge",
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
    section = S.performance_by(config, data, Quarter(2020, 4), "ward_name")
    assert section.sentences == ["Crime fell in both wards."]
    table = section.results["table"]
    assert sorted(table["ward_name"]) == ["Abbey", "Castle"]
    assert table.set_index("ward_name")["current"].to_dict() == {"Abbey": 60, "Castle": 75}
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
    assert set(shares["ward_name"]) == {"Abbey", "Castle"}
    latest = shares[shares["financial_year"] == "2020-21"].set_index("ward_name")["share"]
    assert latest["Castle"] == pytest.approx(100 * 345 / 675)
    # Castle, the largest, against 2019-20: 120 of 249 (Abbey 9 + 120) = 48.2%. Fisher's exact
    # test on [[345, 330], [120, 129]] gives p about 0.4: similar, so no "rose".
    assert section.results["share"].verdict == "similar"
    assert section.sentences == [
        "Castle accounted for 51.1% of crime in 2020-21, similar to 48.2% in 2019-20."]
    assert section.figures[0].pcc_title == (
        "Castle accounted for 51.1% of crime in 2020-21, similar to 48.2% in 2019-20")


def test_area_wards_keeps_rows_placed_in_the_area_with_a_ward():
    frame = _wards_frame()
    frame.loc[0, "ward_name"] = None  # a crime without a location is in no ward
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
