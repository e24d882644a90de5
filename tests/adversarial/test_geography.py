"""Hostile ONS lookups and population files: each one sentence naming file, line and column."""

from __future__ import annotations

import pytest
from adversarial.corpus import write

from pccanalysis.errors import DataError
from pccanalysis.sources.geography import read_lad_lookup, read_lsoa_lookup, read_population

LAD = "LAD19CD,LAD19NM,CSP19CD,CSP19NM,PFA19CD,PFA19NM\n"


def test_one_local_authority_in_two_force_areas_is_an_error(tmp_path):
    path = write(tmp_path / "lad.csv", LAD
                 + "E06000023,\"Bristol, City of\",E22000001,Bristol,E23000036,Avon and Somerset\n"
                 + "E06000024,North Somerset,E22000002,North Somerset,E23000036,Avon and Somerset\n"
                 + "E06000023,\"Bristol, City of\",E22000003,Bristol South,E23000035,Gloucestershire\n")
    with pytest.raises(DataError) as err:
        read_lad_lookup(path)
    assert str(err.value) == (
        f"{path}, line 4, column 'PFA19CD': local authority E06000023 (Bristol, City of) is in "
        "police force area E23000035 here but in E23000036 on line 2; a local authority lies in "
        "one force area, so correct one of the two rows.")


def test_one_local_authority_in_two_csps_of_one_force_is_fine(tmp_path):
    # East Suffolk (2019) sat in two CSPs of one force area: two rows, one force area.
    path = write(tmp_path / "lad.csv", LAD
                 + "E07000244,East Suffolk,E22000010,Suffolk Coastal,E23000030,Suffolk\n"
                 + "E07000244,East Suffolk,E22000011,Waveney,E23000030,Suffolk\n")
    assert len(read_lad_lookup(path)) == 2


def test_an_unquoted_comma_shifting_the_fields_is_detected(tmp_path):
    path = write(tmp_path / "lad.csv", LAD
                 + "E06000023,Bristol, City of,E22000001,Bristol,E23000036,Avon and Somerset\n")
    with pytest.raises(DataError) as err:
        read_lad_lookup(path)
    assert str(err.value) == (f"{path}, line 2: the row has 7 fields but the header has 6; a "
                              'value holding a comma must be in double quotes ("Bristol, City '
                              'of").')


def test_a_200000_character_cell_is_one_sentence(tmp_path):
    path = write(tmp_path / "lsoa.csv", "LSOA11CD,WD19CD,WD19NM,LAD19CD,LAD19NM\n"
                 + "E01000001,E05000001,Ward,E07000001,Testville\n"
                 + "E01000002,E05000001," + "x" * 200_000 + ",E07000001,Testville\n")
    with pytest.raises(DataError) as err:
        read_lsoa_lookup(path)
    assert str(err.value) == (f"{path}, line 3: the row cannot be read as CSV (field larger "
                              "than field limit (131072)); no lookup value is that long.")


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e400"])
def test_a_population_that_is_not_finite(tmp_path, value):
    path = write(tmp_path / "population.csv",
                 f"area_code,area_name,year,population\nE07000001,Testville,2020,{value}\n")
    with pytest.raises(DataError) as err:
        read_population(path)
    assert str(err.value) == (f"{path}, line 2, column 'population': {value!r} is not a "
                              "population (a whole number, 0 or more).")
