"""Tests for pccanalysis.sources.harm_weights: a weights file -> HarmWeights, every mistake.

Every weight in these tests is made up to keep the arithmetic easy; none is a real harm index.
"""

from __future__ import annotations

import pandas as pd
import pytest

from pccanalysis.errors import DataError
from pccanalysis.indicators.harm import harm_index
from pccanalysis.sources.harm_weights import (
    CRIME_TYPES,
    HarmWeights,
    crime_type_name,
    read_harm_weights,
)

MADE_UP = {
    "Anti-social behaviour": 0.0,
    "Burglary": 10.0,
    "Criminal damage and arson": 2.5,
    "Violence and sexual offences": 1000.0,
}


def test_csv_fixture(test_data):
    path = test_data / "harm_weights" / "made_up.csv"
    weights, quality = read_harm_weights(path)
    assert weights == HarmWeights(
        weights=MADE_UP,
        scheme="Made-up test weights",
        version="test-1",
        source="Invented for pccanalysis tests; not a real harm index",
        path=str(path),
    )
    # File order is kept; "1,000" is one thousand.
    assert list(weights.weights) == list(MADE_UP)
    assert (quality.rows_read, quality.rows_kept, quality.excluded) == (4, 4, {})
    # 14 published types - 4 weighted = 10 without a weight, named in CRIME_TYPES order.
    assert weights.missing == (
        "Bicycle theft", "Drugs", "Other crime", "Other theft", "Possession of weapons",
        "Public order", "Robbery", "Shoplifting", "Theft from the person", "Vehicle crime",
    )
    assert quality.notes == [
        "The harm weights (Made-up test weights) give no weight for Bicycle theft, Drugs, "
        "Other crime, Other theft, Possession of weapons, Public order, Robbery, Shoplifting, "
        "Theft from the person, Vehicle crime."
    ]


def test_yaml_fixture(test_data):
    weights, quality = read_harm_weights(test_data / "harm_weights" / "made_up.yaml")
    assert dict(weights.weights) == MADE_UP
    # YAML reads `version: 2` as a number; it is kept as text.
    assert (weights.scheme, weights.version) == ("Made-up test weights", "2")
    assert quality.rows_kept == 4


def test_weights_are_read_only(test_data):
    weights, _ = read_harm_weights(test_data / "harm_weights" / "made_up.csv")
    with pytest.raises(TypeError):
        weights.weights["Burglary"] = 99  # type: ignore[index]


def test_loaded_weights_feed_harm_index(test_data):
    weights, _ = read_harm_weights(test_data / "harm_weights" / "made_up.csv")
    types = (["Burglary"] * 2 + ["Criminal damage and arson"] + ["Anti-social behaviour"] * 3
             + ["Violence and sexual offences"] + ["Criminal damage and arson"] * 2)
    months = ["2024-01"] * 6 + ["2024-02"] * 3
    frame = pd.DataFrame({
        "month": pd.PeriodIndex(months, freq="M"),
        "crime_type": pd.Categorical(types),
    })
    out = harm_index(frame, weights.weights)
    # January: 2 burglaries x 10 + 1 criminal damage x 2.5 + 3 ASB x 0 = 22.5 from 6 rows.
    # February: 1 violence x 1000 + 2 criminal damage x 2.5 = 1005 from 3 rows.
    assert out["month"].astype(str).tolist() == ["2024-01", "2024-02"]
    assert out["count"].tolist() == [6, 3]
    assert out["harm"].tolist() == [22.5, 1005.0]


@pytest.mark.parametrize(
    ("written", "name"),
    [
        (" asb ", "Anti-social behaviour"),
        ("Antisocial behaviour", "Anti-social behaviour"),
        ("ANTI SOCIAL BEHAVIOUR", "Anti-social behaviour"),
        ("Violence and sexual offences", "Violence and sexual offences"),
        ("Violence & Sexual Offences", "Violence and sexual offences"),
        ("violence/sexual offences", "Violence and sexual offences"),
        ("Criminal damage & arson", "Criminal damage and arson"),
        ("Theft from person", "Theft from the person"),
        ("possession of weapons", "Possession of weapons"),
        ("Homicide", None),
        ("All crime", None),
    ],
)
def test_crime_type_variants(written, name):
    assert crime_type_name(written) == name


def test_every_published_type_matches_itself():
    assert [crime_type_name(t) for t in CRIME_TYPES] == list(CRIME_TYPES)
    assert len(CRIME_TYPES) == 14


GOOD = """\
scheme,Made-up
source,Invented for this test
crime_type,weight
Burglary,10
Drugs,1
"""


def write(tmp_path, text: str, name: str = "weights.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _error(path) -> str:
    with pytest.raises(DataError) as info:
        read_harm_weights(path)
    return str(info.value).replace(str(path), "F")


def test_good_csv(tmp_path):
    weights, _ = read_harm_weights(write(tmp_path, GOOD))
    assert dict(weights.weights) == {"Burglary": 10.0, "Drugs": 1.0}
    assert weights.version is None


# Each case edits GOOD; lines count from 1 as shown above.
@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("Burglary,10", "Burglery,10",
         "F, line 4, column 'crime_type': 'Burglery' is not one of data.police.uk's 14 crime "
         "types (did you mean 'Burglary'?)."),
        ("Burglary,10", "Homicide,10",
         "F, line 4, column 'crime_type': 'Homicide' is not one of data.police.uk's 14 crime "
         "types."),
        ("Drugs,1", "burglary,1",
         "F, line 5, column 'crime_type': 'Burglary' is given twice (as 'burglary'); first on "
         "line 4."),
        ("Drugs,1", "Drugs,high",
         "F, line 5, column 'weight': the weight 'high' for 'Drugs' is not a number."),
        ("Drugs,1", "Drugs,-1",
         "F, line 5, column 'weight': the weight -1 for 'Drugs' is negative; weights must be "
         "zero or more."),
        ("Drugs,1", "Drugs,",
         "F, line 5, column 'weight': 'Drugs' has no weight (write 0 to leave a crime type out "
         "on purpose)."),
        ("Drugs,1", ",1",
         "F, line 5, column 'crime_type': a weight is given with no crime type."),
        ("crime_type,weight", "crime_type,value",
         "F, line 3, column 'weight': the header has no 'weight' column (it has 'crime_type', "
         "'value'); the columns needed are crime_type, weight."),
        ("crime_type,weight", "Offence type,Score",  # accepted spellings
         None),
        ("crime_type,weight", "type,weight",
         "F, line 3, column 'crime_type': the header has no 'crime_type' column (it has 'type', "
         "'weight'); the columns needed are crime_type, weight."),
        ("scheme,Made-up\n", "",
         "F, column 'scheme': the file does not name its weighting scheme; add a row "
         "'scheme, ...' above the header (scheme, version, source)."),
        ("source,Invented for this test\n", "",
         "F, column 'source': the file does not name the source of its weights; add a row "
         "'source, ...' above the header (scheme, version, source)."),
        ("source,Invented for this test", "source,",
         "F, line 2, column 'source': 'source' has no value."),
        ("source,Invented for this test", "scheme,Again",
         "F, line 2, column 'scheme': 'scheme' is given twice (first on line 1)."),
        ("Burglary,10\nDrugs,1\n", "",
         "F, line 3: the harm-weights file has a header but no weights."),
        ("crime_type,weight\nBurglary,10\nDrugs,1\n", "",
         "F: there is no header row naming the crime_type and weight columns below the scheme "
         "and source."),
    ],
)
def test_csv_mistakes(tmp_path, old, new, message):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new))
    if message is None:
        assert dict(read_harm_weights(path)[0].weights) == {"Burglary": 10.0, "Drugs": 1.0}
    else:
        assert _error(path) == message


@pytest.mark.parametrize("text", ["", "\n\n", ",,\n"])
def test_empty_csv(tmp_path, text):
    assert _error(write(tmp_path, text)) == "F: the harm-weights file is empty."


def test_missing_file_and_unknown_suffix(tmp_path):
    assert _error(tmp_path / "none.csv") == "F: the harm-weights file does not exist."
    assert _error(write(tmp_path, GOOD, "weights.txt")) == (
        "F: the harm-weights file must be a .csv or .xlsx file, not .txt."
    )


def test_excel(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Weights"
    for row in [("Scheme:", "Made-up"), ("Year", 2024), ("Citation", "Invented for this test"),
                (None, None), ("Crime type", "Harm weight"), ("Shoplifting", 3),
                ("Public order", 0.5), ("Robbery", "lots")]:
        ws.append(row)
    path = tmp_path / "weights.xlsx"
    wb.save(path)
    assert _error(path) == (
        "F, sheet 'Weights', row 8, column 'Harm weight': the weight 'lots' for 'Robbery' is "
        "not a number."
    )
    ws["B8"] = 7
    wb.save(path)
    weights, quality = read_harm_weights(path)
    # An Excel number cell 2024 is the version "2024", not "2024.0".
    assert (weights.scheme, weights.version, weights.source) == (
        "Made-up", "2024", "Invented for this test"
    )
    assert dict(weights.weights) == {"Shoplifting": 3.0, "Public order": 0.5, "Robbery": 7.0}
    assert quality.rows_read == 3


GOOD_YAML = """\
scheme: Made-up
source: Invented for this test
weights:
  Burglary: 10
  Drugs: 1
"""


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  Drugs: 1", "  Drugz: 1",
         "F, line 5, column 'weights': 'Drugz' is not one of data.police.uk's 14 crime types "
         "(did you mean 'Drugs'?)."),
        ("  Drugs: 1", "  BURGLARY: 1",
         "F, line 5, column 'weights': 'Burglary' is given twice (as 'BURGLARY'); first on "
         "line 4."),
        ("  Drugs: 1", "  Burglary: 1",
         "F, line 5: key 'Burglary' is written twice in the same block (first on line 4)."),
        ("  Drugs: 1", "  Drugs: -0.5",
         "F, line 5, column 'weights': the weight -0.5 for 'Drugs' is negative; weights must "
         "be zero or more."),
        ("  Drugs: 1", "  Drugs: yes",
         "F, line 5, column 'weights': the weight 'True' for 'Drugs' is not a number."),
        ("  Drugs: 1", "  Drugs:",
         "F, line 5, column 'weights': 'Drugs' has no weight (write 0 to leave a crime type "
         "out on purpose)."),
        ("weights:\n  Burglary: 10\n  Drugs: 1\n", "",
         "F, line 1, column 'weights': the file has no 'weights' block of crime type: weight "
         "lines."),
        ("weights:\n  Burglary: 10\n  Drugs: 1\n", "weights:\n",
         "F, line 3, column 'weights': 'weights' must list crime type: weight lines, one per "
         "crime type."),
        ("source:", "sorce:",
         "F, line 2, column 'sorce': 'sorce' is not a known key (did you mean 'source'?); a "
         "harm-weights file has scheme, version, source and weights."),
        ("scheme: Made-up\n", "",
         "F, column 'scheme': the file does not name its weighting scheme; add a line "
         "'scheme: ...'."),
    ],
)
def test_yaml_mistakes(tmp_path, old, new, message):
    assert old in GOOD_YAML
    assert _error(write(tmp_path, GOOD_YAML.replace(old, new), "w.yaml")) == message


@pytest.mark.parametrize("text", ["", "# only a comment\n"])
def test_empty_yaml(tmp_path, text):
    assert _error(write(tmp_path, text, "w.yml")) == "F: the harm-weights file is empty."
