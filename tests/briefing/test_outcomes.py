"""The quarterly briefing's outcome section: on the real Derbyshire files against an
independent pandas computation, on the sample, and with outcomes files."""

from __future__ import annotations

import math
import shutil
import zipfile

import pandas as pd
import pytest

from pccanalysis.briefing.inputs import load_area
from pccanalysis.briefing.outcomes import outcome_paths, outcomes_section
from pccanalysis.config import load_config
from pccanalysis.indicators import outcomes as O
from pccanalysis.periods import Quarter

# The grouping, written out again here so the check does not lean on the package's table.
GROUP = {
    "Action to be taken by another organisation": "Passed to another organisation",
    "Awaiting court outcome": "Charged or summonsed",
    "Court result unavailable": "Charged or summonsed",
    "Suspect charged as part of another case": "Charged or summonsed",
    "Formal action is not in the public interest": "Not in the public interest",
    "Further action is not in the public interest": "Not in the public interest",
    "Further investigation is not in the public interest": "Not in the public interest",
    "Investigation complete; no suspect identified": "No suspect identified",
    "Local resolution": "Out-of-court disposal",
    "Offender given a caution": "Out-of-court disposal",
    "Offender given a drugs possession warning": "Out-of-court disposal",
    "Offender given penalty notice": "Out-of-court disposal",
    "Status update unavailable": "Unknown",
    "Unable to prosecute suspect": "Evidential difficulties",
    "Under investigation": "Still under investigation",
}


@pytest.fixture(scope="module")
def derbyshire(derbyshire_config, tmp_path_factory):
    config = derbyshire_config(tmp_path_factory.mktemp("derbyshire"),
                               "  - name: Derbyshire\n    force: Derbyshire\n")
    data = load_area(config, "Derbyshire")
    return config, data, outcomes_section(config, data, Quarter(2024, 3))


def pandas_cohort(zip_path, lad_lookup, months) -> pd.DataFrame:
    """The crimes of the force area recorded in ``months``, with their group: read with
    pandas, placed by the local authority in the LSOA name, each Crime ID once a month."""
    with zipfile.ZipFile(zip_path) as zf:
        raw = pd.concat([pd.read_csv(zf.open(n), dtype=str, keep_default_na=False)
                         for n in sorted(zf.namelist()) if n.endswith("-street.csv")])
    lads = pd.read_csv(lad_lookup, dtype=str)
    force_lads = set(lads.loc[lads["PFA24NM"] == "Derbyshire", "LAD24NM"])
    crimes = raw[(raw["Crime type"] != "Anti-social behaviour") & (raw["Crime ID"] != "")]
    crimes = crimes.drop_duplicates(["Month", "Crime ID"], keep="first")
    la = crimes["LSOA name"].str.replace(r"\s+\d{3}[A-Z]$", "", regex=True)
    crimes = crimes[la.isin(force_lads) & crimes["Month"].isin(months)]
    return crimes.assign(group=crimes["Last outcome category"].map(GROUP))


def test_derbyshire_2024_25_q3_against_pandas(derbyshire, derbyshire_zip, ons_2021):
    config, data, section = derbyshire
    matured, recent = section.results["matured"], section.results["recent"]
    # 2024-25 Q3 ends December 2024, the last month of the files: the latest quarter whose
    # crimes have all had 12 months is 2023-24 Q3 (October to December 2023).
    assert matured.label == "2023-24 Q3" and recent.label == "2024-25 Q3"
    expected = pandas_cohort(derbyshire_zip, ons_2021["lad_lookup"],
                             ["2023-10", "2023-11", "2023-12"])
    assert expected["group"].notna().all()
    counts = expected["group"].value_counts()
    assert matured.crimes == len(expected)
    for group in O.OUTCOME_GROUPS:
        assert matured.count(group) == counts.get(group, 0), group
    # Wilson interval of the charge rate, written out: z = 1.959964
    x, n, z = counts["Charged or summonsed"], len(expected), 1.959964
    centre = (x + z * z / 2) / (n + z * z)
    half = z * math.sqrt(x * (n - x) / n + z * z / 4) / (n + z * z)
    row = matured.groups.set_index("group").loc["Charged or summonsed"]
    assert row["low"] == pytest.approx(100 * (centre - half), abs=1e-4)
    assert row["high"] == pytest.approx(100 * (centre + half), abs=1e-4)
    by_type = expected.groupby("Crime type")["group"].apply(
        lambda g: (g == "Charged or summonsed").sum())
    got = matured.by[matured.by["group"] == "Charged or summonsed"].set_index("crime_type")
    assert got["count"].to_dict() == by_type.to_dict()
    now = pandas_cohort(derbyshire_zip, ons_2021["lad_lookup"], ["2024-10", "2024-11", "2024-12"])
    assert recent.crimes == len(now)
    assert recent.count("Charged or summonsed") == (now["group"] == "Charged or summonsed").sum()
    share = 100 * counts["Charged or summonsed"] / len(expected)
    assert section.sentences[0].startswith(
        f"Of the {len(expected):,} crimes recorded in 2023-24 Q3 (October to December 2023), the "
        "latest quarter whose crimes have all had at least 12 months to reach an outcome, "
        f"{share:.1f}% were charged or summonsed")


def test_derbyshire_section_renders(derbyshire):
    config, data, section = derbyshire
    assert len(section.sentences) == 2  # the matured quarter, then the quarter so far
    assert "too little time to compare" in section.sentences[1]
    assert len(section.figures) == 1 and section.figures[0].alt_text
    assert section.caveats == []  # every published category is known
    assert "Outcomes of crimes recorded in 2023-24 Q3, by crime type" in section.tables[0]
    assert outcome_paths(config) == []  # the zip holds street files only
    assert "same_age" not in section.results


def test_sample_outcomes(sample_config):
    config = load_config(sample_config)
    data = load_area(config)
    section = outcomes_section(config, data, Quarter(2020, 4))
    # the sample ends March 2021: 2019-20 Q4 is the latest matured quarter
    assert section.results["matured"].label == "2019-20 Q4"
    assert section.results["recent"].share(O.UNDER_INVESTIGATION) > 10
    assert len(section.results["cohorts"]) == 8


def test_same_age_comparison_from_outcomes_files(sample_dir, tmp_path):
    """Outcomes files written for the sample's crimes: every crime of 2019-20 Q4 charged in its
    own month, none of 2020-21 Q4 charged yet: compared at the same age (0 months) the share
    fell from 100% to 0%."""
    copy = tmp_path / "sample"
    shutil.copytree(sample_dir, copy)
    config = load_config(copy / "pcc.yaml")
    data = load_area(config)
    crimes = O.crimes_once(data.frame)
    old = crimes[crimes["month"].isin(Quarter(2019, 4).months)]
    folder = copy / "outcomes"
    for month, rows in old.groupby("month"):
        path = folder / str(month) / f"{month}-northbridge-outcomes.csv"
        path.parent.mkdir(parents=True)
        pd.DataFrame({
            "Crime ID": rows["crime_id"], "Month": str(month), "Reported by": "Northbridge Police",
            "Falls within": "Northbridge Police", "Longitude": "", "Latitude": "",
            "Location": "No location", "LSOA code": "", "LSOA name": "",
            "Outcome type": "Suspect charged"}).to_csv(path, index=False)
    last = folder / "2021-03" / "2021-03-northbridge-outcomes.csv"
    last.parent.mkdir()
    last.write_text("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
                    "LSOA name,Outcome type\n", encoding="utf-8")
    last.write_text(last.read_text() + f"{old['crime_id'].iloc[0]},2021-03,Northbridge Police,"
                    "Northbridge Police,,,No location,,,Offender fined\n", encoding="utf-8")
    text = (copy / "pcc.yaml").read_text(encoding="utf-8")
    (copy / "pcc.yaml").write_text(text.replace("data:\n", "data:\n  outcomes: outcomes\n"),
                                   encoding="utf-8")
    config = load_config(copy / "pcc.yaml")
    section = outcomes_section(config, data, Quarter(2020, 4))
    change = section.results["same_age"]
    assert (change.current.age, change.previous.age) == (0, 0)
    assert change.previous.share(O.CHARGED) == 100 and change.current.share(O.CHARGED) == 0
    assert change.verdict == "fell"
    assert "Compared at the same age (0 months after each crime's month" in section.sentences[-1]
    assert any("verdicts allow for the number of types" in t for t in section.tables)
