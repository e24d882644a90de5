"""Tests for pccanalysis.briefing.hate_crime on tiny hand-made extracts (expected values worked
by hand)."""

from __future__ import annotations

import pandas as pd
import pytest
from briefing.frames import MINUS, area_data, config_with, months, street

from pccanalysis.briefing.hate_crime import hate_crime, hate_incidents, repeat_victim_table
from pccanalysis.indicators.repeats import repeat_victims
from pccanalysis.periods import Quarter
from pccanalysis.sources.victims import read_hate_crime_victims


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
    table = repeat_victim_table(victims)
    row = table[table["period"] == "2020-21 Q1"].iloc[0]
    assert (row["incidents"], row["victims"], row["repeat_victims"]) == (4, 3, 1)
    assert row["repeat_percent"] == pytest.approx(100 / 3)
    # Taken row by row, A would be a "repeat victim" of a single crime.
    naive = repeat_victims(victims, freq="quarter")
    assert naive["repeat_victims"].iloc[0] == 2


def test_hate_crime_counts_incidents_not_strand_records(sample_dir, tmp_path):
    _strand_victims_csv(tmp_path / "victims.csv")
    config = config_with(sample_dir, tmp_path, "  hate_crime_victims: victims.csv\n")
    counts = {(m, "Burglary", w): 1 for m in months("2019-04", "2021-03")
              for w in ("Abbey", "Castle", "City Centre")}
    section = hate_crime(config, area_data(street(counts)), Quarter(2020, 4))
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
    # Under the table, its total of 36 records taken to the 24 incidents the sentence counts:
    # 12 further strands out; every incident is in one of the area's wards.
    html = section.tables[0]
    assert ('<tr class="pcc-difference"><th scope="row">Further strands of an incident already '
            'counted</th><td class="num"></td><td class="num"></td><td class="num"></td>'
            f'<td class="num">{MINUS}12</td></tr>') in html
    assert "Incidents in no ward of the area" not in html
    assert ('<tr class="pcc-headline"><th scope="row">Recorded hate crime incidents, 2020-21 Q4 '
            '(the figure in the text)</th>') in html and html.count('<td class="num">24</td>')
    assert section.notes == [
        "Hate crime is counted in incidents: all of a victim's records on one day are one "
        "incident, so a crime recorded under two strands counts once.",
        "The ward and strand table counts strand records: a crime recorded under two strands "
        "is counted under each, so its 36 records in 2020-21 Q4 are 24 incidents.",
    ]
    # the repeat-victim figures count the same incidents
    victims, _ = read_hate_crime_victims(tmp_path / "victims.csv")
    assert len(hate_incidents(victims)) == 4 * 21 + 8 * 3  # 108 incidents, 162 rows
    table = repeat_victim_table(victims)
    assert table.loc[table["period"] == "2020-21 Q4", "incidents"].item() == 24
