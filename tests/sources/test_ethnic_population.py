"""Residents by ethnic group: the long and the Nomis (TS021) layouts; bad input named."""

from __future__ import annotations

import pytest

from pccanalysis.errors import DataError
from pccanalysis.sources.ethnic_population import group_of, read_population_by_ethnicity


def write(tmp_path, text, name="pop.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


LONG = """area_code,area_name,ethnic_group,population
E06000015,Derby,White,200000
E06000015,Derby,"Asian, Asian British or Asian Welsh",40000
E06000015,Derby,Black,8000
E06000015,Derby,Mixed or Multiple ethnic groups,9000
E06000015,Derby,Other,3000
E06000015,Derby,Does not apply,0
"""


def test_long_layout(tmp_path):
    frame = read_population_by_ethnicity(write(tmp_path, LONG))
    assert frame.to_dict("records") == [
        {"area_code": "E06000015", "area_name": "Derby", "ethnic_group": g, "population": n}
        for g, n in (("White", 200000), ("Black", 8000), ("Asian", 40000), ("Mixed", 9000),
                     ("Other", 3000))]


def test_nomis_wide_layout_with_detailed_columns_ignored(tmp_path):
    text = ('date,geography,geography code,Ethnic group: Total: All usual residents,'
            '"Ethnic group: Asian, Asian British or Asian Welsh",'
            '"Ethnic group: Asian, Asian British or Asian Welsh: Indian",'
            '"Ethnic group: Black, Black British, Black Welsh, Caribbean or African",'
            'Ethnic group: Mixed or Multiple ethnic groups,Ethnic group: White,'
            'Ethnic group: Other ethnic group\n'
            '2021,Derby,E06000015,"261,000",40000,20000,8000,9000,200000,4000\n')
    frame = read_population_by_ethnicity(write(tmp_path, text))
    by = frame.set_index("ethnic_group")["population"].to_dict()
    assert by == {"White": 200000, "Black": 8000, "Asian": 40000, "Mixed": 9000, "Other": 4000}


def test_detailed_rows_are_summed_when_the_group_is_not_given(tmp_path):
    text = LONG.replace('E06000015,Derby,"Asian, Asian British or Asian Welsh",40000\n',
                        'E06000015,Derby,"Asian, Asian British or Asian Welsh: Indian",30000\n'
                        'E06000015,Derby,"Asian, Asian British or Asian Welsh: Pakistani",5000\n')
    frame = read_population_by_ethnicity(write(tmp_path, text))
    assert frame.set_index("ethnic_group").loc["Asian", "population"] == 35000


def test_a_missing_group_is_named(tmp_path):
    path = write(tmp_path, LONG.replace("E06000015,Derby,Black,8000\n", ""))
    with pytest.raises(DataError) as err:
        read_population_by_ethnicity(path)
    assert str(err.value) == (
        f"{path}, column 'ethnic_group': area E06000015 (Derby) has no population for the group "
        "'Black' (every area needs White, Black, Asian, Mixed, Other).")


def test_bad_values_name_file_line_and_column(tmp_path):
    path = write(tmp_path, LONG.replace("Other,3000", "Martian,3000"))
    with pytest.raises(DataError, match=r"line 6, column 'ethnic_group': 'Martian' is not an "):
        read_population_by_ethnicity(path)
    path = write(tmp_path, LONG.replace("Black,8000", "Black,lots"))
    with pytest.raises(DataError, match=r"line 4, column 'population': 'lots' is not a number"):
        read_population_by_ethnicity(path)
    path = write(tmp_path, LONG + "E06000015,Derby,White,1\n")
    with pytest.raises(DataError, match=r"line 8, column 'ethnic_group': E06000015 has the group "
                                         "'White' twice"):
        read_population_by_ethnicity(path)
    path = write(tmp_path, LONG.replace("ethnic_group", "ethnicity"))
    with pytest.raises(DataError, match="line 1, column 'ethnic_group': the column is missing"):
        read_population_by_ethnicity(path)


def test_group_names():
    assert group_of("Asian, Asian British or Asian Welsh") == ("Asian", False)
    assert group_of("Ethnic group: Asian, Asian British or Asian Welsh: Indian") == ("Asian", True)
    assert group_of("Total: All usual residents") == (None, False)
    assert group_of("mixed") == ("Mixed", False)
